import AccrueApprovals
import AccrueCompiler
import AccrueCore
import AccrueModel
import Foundation
import Testing

/// `Approvals.route` over examples/approvals (grammar.md §11): which rules an item needs, each chain in order, and
/// when each step escalates.
@Suite("Approval routing")
struct ApprovalRoutingTests {
  static let rules = try! String(
    contentsOf: Support.repoRoot.appendingPathComponent("examples/approvals/approvals.accrue"), encoding: .utf8)
  static let plan = try! LedgerStatementTests.plan(rules)

  static func day(_ s: String) -> CivilDate { CivilDate.parse(s)! }
  static func money(_ s: String) -> Fixed { Fixed(s)! }

  /// A customer record in the plan's slot order.
  static func customer(_ id: String = "c1") -> [RValue] {
    plan.program.fields(of: .customer).map { f in
      switch f.name {
      case "id": .text(id)
      case "segment": .text("smb")
      case "credit_hold", "first_invoice": .bool(false)
      case "currency": .currency(.USD)
      default: .text("")
      }
    }
  }

  static func contract(seats: Int = 10) -> [RValue] {
    plan.program.fields(of: .contract).map { f in f.name == "seats" ? .number(Fixed(seats)) : .text("") }
  }

  /// An invoice of `plan` issued on `issued`, due `days` later on those terms, with one charge line (and a discount).
  static func invoice(
    _ total: String, _ currency: Currency = .USD, plan: String = "team", issued: String = "2026-11-25", days: Int64 = 30,
    discount: String? = nil, kind: LedgerInvoice.Kind = .invoice
  ) -> PlannedInvoice {
    let issue = day(issued)
    let rule = RuleRef(file: "rules.accrue", line: 1)
    var lines = [
      InvoiceLine(
        description: "Seats", kind: .charge, charge: "seats", amount: money(total), periodStart: issue, periodEnd: issue, rule: rule,
        explanation: [])
    ]
    var subtotal = money(total)
    if let d = discount {
      lines.append(
        InvoiceLine(
          description: "Discount", kind: .discount, charge: nil, amount: Fixed.zero.subtracting(money(d))!, periodStart: issue,
          periodEnd: issue, rule: rule, explanation: []))
      subtotal = subtotal.subtracting(money(d))!
    }
    var i = PlannedInvoice(
      key: "ctr-1/\(issued)", contractID: "ctr-1", customerID: "c1", customerName: "Acme", plan: plan, currency: currency,
      issueDate: issue, periodStart: issue, periodEnd: issue, lines: lines, subtotal: subtotal, taxes: [], total: subtotal,
      dueDate: CivilDate(dayNumber: issue.dayNumber + Int32(days)), terms: .net(.days(days)), installments: [], sources: [])
    i.kind = kind
    return i
  }

  static func route(
    _ item: ApprovalRequestItem, first: Bool? = false, contract: Bool = true, on date: String = "2026-11-25", holidays: [CivilDate] = []
  ) -> ApprovalRouting {
    Approvals.route(
      item, records: ApprovalRecords(customer: customer(), contract: contract ? self.contract() : nil, firstInvoice: first), plan: plan,
      requestedOn: day(date), holidays: holidays)
  }

  @Test("the example compiles to its roles and rules, each with its subject, chain, escalation and line")
  func compiles() {
    let p = Self.plan
    #expect(p.roles.map(\.name) == ["controller", "cfo", "ar_lead"])
    #expect(p.roles.first?.label == "Financial controller")
    let large = p.approvals[0]
    #expect(large.name == "large_invoice" && large.subject == .invoices && large.chain == ["controller", "cfo"])
    #expect(large.currencies == [.USD, .EUR])
    #expect(large.escalation?.days == 2 && large.escalation?.business == true && large.escalation?.role == "cfo")
    #expect(large.escalation?.calendar == 0 && large.source.line == 36)
    #expect(large.conditions.first?.expr.resolved.contains("(field invoice#15 total)") == true)
    #expect(p.approvals.map(\.subject) == [.invoices, .invoices, .invoices, .invoices, .debitNotes, .creditNotes, .writeOffs, .paymentPlans])
    let terms = p.approvals[2]
    #expect(terms.escalation?.business == false && terms.escalation?.days == 3 && terms.escalation?.calendar == nil)
    #expect(terms.currencies == nil)
  }

  @Test(
    "a threshold per currency: strictly over it, in the item's currency; a currency not listed never matches",
    arguments: [
      ("10000.00", Currency.USD, false), ("10000.01", .USD, true), ("9999.99", .USD, false),
      ("9000.00", .EUR, false), ("9000.01", .EUR, true), ("1000000.00", .GBP, false),
    ])
  func thresholds(_ total: String, _ currency: Currency, _ needs: Bool) {
    let plan = currency == .EUR ? "europe" : "team"
    let days: Int64 = currency == .EUR ? 14 : 30
    let r = Self.route(.invoice(Self.invoice(total, currency, plan: plan, days: days)))
    #expect(r.failures.isEmpty, "\(r.failures)")
    #expect(r.approvals.map(\.rule) == (needs ? ["large_invoice"] : []))
    #expect(r.needsNone == !needs)
  }

  @Test("the chain is in order, each step escalating 2 business days after it is requested: Thanksgiving and a weekend skipped")
  func chainAndEscalation() throws {
    let r = Self.route(.invoice(Self.invoice("12000.00")), on: "2026-11-25")
    let a = try #require(r.approvals.first)
    #expect(a.source.line == 36 && a.label == "Invoices over 10,000")
    #expect(a.steps.map(\.role) == ["controller", "cfo"])
    #expect(a.steps.map(\.roleLabel) == ["Financial controller", "Chief financial officer"])
    // Wednesday 2026-11-25; Thursday is Thanksgiving: Friday 27 (1), Monday 30 (2). Then Tuesday 1 (1), Wednesday 2 (2).
    #expect(a.steps.map(\.escalatesOn) == [Self.day("2026-11-30"), Self.day("2026-12-02")])
    #expect(a.steps.allSatisfy { $0.escalatesTo == "cfo" })
  }

  @Test("escalation dates over a weekend, a data holiday, and in calendar days")
  func escalationDates() throws {
    let e = try #require(Self.plan.approvals[0].escalation)
    // Friday 2026-11-06 + 2 business days: Monday 9, Tuesday 10.
    #expect(Approvals.escalationDate(e, requestedOn: Self.day("2026-11-06"), plan: Self.plan) == Self.day("2026-11-10"))
    // With Monday 2026-11-09 a holiday from holidays.csv: Tuesday 10, Wednesday 11.
    #expect(
      Approvals.escalationDate(e, requestedOn: Self.day("2026-11-06"), plan: Self.plan, holidays: [Self.day("2026-11-09")])
        == Self.day("2026-11-11"))
    // Christmas (Friday 2026-12-25) is on the rule's calendar: Thursday 24 + 2 = Monday 28, Tuesday 29.
    #expect(Approvals.escalationDate(e, requestedOn: Self.day("2026-12-24"), plan: Self.plan) == Self.day("2026-12-29"))
    // `escalate after 3 days`: calendar days, weekends counted.
    let days = try #require(Self.plan.approvals[2].escalation)
    #expect(Approvals.escalationDate(days, requestedOn: Self.day("2026-11-06"), plan: Self.plan) == Self.day("2026-11-09"))
  }

  @Test("a first invoice of a new customer needs the controller; unknown whether it is the first is a located failure")
  func firstInvoice() throws {
    let first = Self.route(.invoice(Self.invoice("100.00")), first: true)
    #expect(first.approvals.map(\.rule) == ["new_customer"])
    #expect(first.approvals.first?.steps.map(\.role) == ["controller"] && first.approvals.first?.steps.first?.escalatesOn == nil)
    #expect(Self.route(.invoice(Self.invoice("100.00")), first: false).needsNone)
    let unknown = Self.route(.invoice(Self.invoice("100.00")), first: nil)
    let f = try #require(unknown.failures.first)
    #expect(unknown.approvals.isEmpty && !unknown.needsNone)
    #expect(f.rule == "new_customer" && f.source.file.hasSuffix("rules.accrue") && f.source.line == 44 && f.source.column == 8)
    #expect(f.message.contains("customer.first_invoice") && f.item == "ctr-1/2026-11-25")
  }

  @Test("several rules apply together: each with its own chain, in rule order")
  func several() {
    let r = Self.route(.invoice(Self.invoice("20000.00", days: 45)), first: true)
    #expect(r.approvals.map(\.rule) == ["large_invoice", "new_customer", "special_terms"])
    #expect(r.approvals[2].steps.first?.escalatesOn == Self.day("2026-11-28"))
  }

  @Test("terms other than the plan's, and a discount above 20%", arguments: [
    (Int64(30), nil as String?, [String]()), (45, nil, ["special_terms"]), (30, "200.00", []), (30, "250.01", ["deep_discount"]),
  ])
  func termsAndDiscounts(_ days: Int64, _ discount: String?, _ rules: [String]) {
    // 1,000.00 of seats less the discount: 250.01 of 1,000.00 is 25.001%; 200.00 is 20%, not above.
    let r = Self.route(.invoice(Self.invoice("1000.00", days: days, discount: discount)))
    #expect(r.failures.isEmpty, "\(r.failures)")
    #expect(r.approvals.map(\.rule) == rules)
  }

  @Test("each subject is routed to its own rules only", arguments: [
    (ApprovalRequestItem.writeOff(WriteOffRequest(id: "wo-1", customerID: "c1", invoice: "INV-1", date: Date0.d, amount: Fixed("500.00")!, currency: .USD)), [String]()),
    (.writeOff(WriteOffRequest(id: "wo-2", customerID: "c1", invoice: "INV-1", date: Date0.d, amount: Fixed("500.01")!, currency: .USD)), ["big_write_off"]),
    (.writeOff(WriteOffRequest(id: "wo-3", customerID: "c1", invoice: "INV-1", date: Date0.d, amount: Fixed("450.01")!, currency: .EUR)), ["big_write_off"]),
    (.creditNote(CreditNoteRequest(id: "cn-1", customerID: "c1", invoice: "INV-1", date: Date0.d, amount: Fixed("1000.01")!, currency: .USD)), ["credit_note"]),
    (.paymentPlan(PaymentPlanRequest(id: "pp-1", customerID: "c1", amount: Fixed("100.00")!, currency: .USD, installments: 7, startDate: Date0.d, endDate: Date0.d)), ["long_plan"]),
    (.paymentPlan(PaymentPlanRequest(id: "pp-2", customerID: "c1", amount: Fixed("100.00")!, currency: .USD, installments: 6, startDate: Date0.d, endDate: Date0.d)), []),
  ])
  func subjects(_ item: ApprovalRequestItem, _ rules: [String]) {
    let r = Self.route(item)
    #expect(r.failures.isEmpty, "\(r.failures)")
    #expect(r.approvals.map(\.rule) == rules)
  }

  @Test("a debit note is routed to the debit-note rules, not the invoice rules")
  func debitNote() {
    let r = Self.route(.invoice(Self.invoice("20000.00", kind: .debitNote)), first: true)
    #expect(r.approvals.map(\.rule) == ["large_debit_note"])
    #expect(r.approvals.first?.steps.map(\.role) == ["ar_lead"])
  }

  @Test("a rule reading a record the item lacks is a failure at the rule, never 'no approval needed'")
  func missingRecord() throws {
    let p = try LedgerStatementTests.plan(
      "role controller\napproval big_team for invoices {\n  when contract.seats > 50\n  approve by controller\n}\n")
    let r = Approvals.route(
      .invoice(Self.invoice("10.00")), records: ApprovalRecords(customer: Self.customer(), contract: nil, firstInvoice: false), plan: p,
      requestedOn: Self.day("2026-11-25"))
    let f = try #require(r.failures.first)
    #expect(r.approvals.isEmpty && !r.needsNone)
    #expect(f.source.line == 3 && f.source.column == 8 && f.message.contains("contract.seats") && f.message.contains("no contract"))
    #expect(f.description.contains("rules.accrue:3:8: approval rule 'big_team' on ctr-1/2026-11-25:"))
    let ok = Approvals.route(
      .invoice(Self.invoice("10.00")), records: ApprovalRecords(customer: Self.customer(), contract: Self.contract(seats: 60)), plan: p,
      requestedOn: Self.day("2026-11-25"))
    #expect(ok.approvals.map(\.rule) == ["big_team"] && ok.failures.isEmpty)
  }
}

enum Date0 {
  static let d = CivilDate.parse("2026-11-25")!
}
