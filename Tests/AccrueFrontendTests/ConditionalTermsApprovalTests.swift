import AccrueApprovals
import AccrueCompiler
import AccrueCore
import AccrueModel
import Foundation
import Testing

/// Review of c02a7ff (issue 24): `plan.payment_terms` in an approval rule is "the plan's standard terms"
/// (grammar.md §11), and grammar.md's own example `when invoice.payment_terms != plan.payment_terms` flags "terms
/// other than the plan's standard terms". With `payment terms ... when COND` (§6.4) the standard terms of a EUR
/// contract of Northwind's Team plan are `net 30 days end of month`; the approval record fills `plan.payment_terms`
/// from the statement without `when` only, so every EUR invoice, billed on exactly the plan's terms, is held for
/// "special terms" approval.
@Suite("payment terms with when: approvals read the plan's conditional terms")
struct ConditionalTermsApprovalTests {
  static let rules = """
    plan team "Team" {
      currency USD, EUR
      period monthly
      align to calendar
      charge seats "Seats" {
        per unit [15.00 USD, 14.00 EUR]
        quantity contract.seats
      }
      payment terms net 30 days end of month when contract.currency = EUR
      payment terms net 30 days
    }
    role controller "Controller"
    approval special_terms "Terms other than the plan's" for invoices {
      when invoice.payment_terms != plan.payment_terms
      approve by controller
    }

    """

  @Test("an EUR invoice on the plan's own EUR terms needs no 'special terms' approval")
  func conditionalTermsAreTheStandardTerms() throws {
    let plan = try LedgerStatementTests.plan(Self.rules)
    let customer: [RValue] = plan.program.fields(of: .customer).map { f in
      switch f.name {
      case "id": .text("c1")
      case "credit_hold", "first_invoice": .bool(false)
      case "currency": .currency(.EUR)
      default: .text("")
      }
    }
    let contract: [RValue] = plan.program.fields(of: .contract).map { f in
      switch f.name {
      case "currency": .currency(.EUR)
      case "plan": .text("team")
      case "seats", "quantity": .number(Fixed(1))
      default: .text("")
      }
    }
    let issue = CivilDate.parse("2026-11-01")!
    let rule = RuleRef(file: "rules.accrue", line: 1)
    let line = InvoiceLine(
      description: "Seats", kind: .charge, charge: "seats", amount: Fixed("14.00")!, periodStart: issue, periodEnd: issue, rule: rule,
      explanation: [])
    // Exactly what billing gives a EUR contract of this plan: net 30 days end of month, due 2026-12-30.
    let inv = PlannedInvoice(
      key: "k/2026-11-01", contractID: "k", customerID: "c1", customerName: "Acme GmbH", plan: "team", currency: .EUR,
      issueDate: issue, periodStart: issue, periodEnd: issue, lines: [line], subtotal: Fixed("14.00")!, taxes: [], total: Fixed("14.00")!,
      dueDate: CivilDate.parse("2026-12-30")!, terms: .netEndOfMonth(.days(30)), installments: [], sources: [])
    let r = Approvals.route(
      .invoice(inv), records: ApprovalRecords(customer: customer, contract: contract, firstInvoice: false), plan: plan,
      requestedOn: issue)
    #expect(r.failures.isEmpty, "\(r.failures)")
    #expect(r.approvals.map(\.rule) == [], "the EUR invoice is on its plan's terms, yet routed to: \(r.approvals.map(\.rule))")
  }
}
