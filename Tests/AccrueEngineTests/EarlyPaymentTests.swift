import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation
import Testing

/// Early-payment discounts end to end (2/10 net 30): the invoice offers them, cash application honours them within
/// the window and not after, and dunning holds a reminder whose payment waits for review.
@Suite("Early-payment discounts")
struct EarlyPaymentTests {
  static let rules = """
    currency USD
    plan p {
      period monthly
      align to calendar
      payment terms net 30 days
      early payment discount 2% within 10 days
      charge c { flat 480.00 USD }
    }
    match by_number {
      reference pattern /INV-[0-9]+/ in remittance
      candidates open invoices of any customer, same currency
      on underpayment beyond tolerance: exception to queue "short" reason "short payment"
    }
    match by_payer {
      payer by name
      candidates open invoices of payer, same currency
      allocate exact single, then oldest first
      on underpayment beyond tolerance: exception to queue "short" reason "short payment"
    }
    cadence standard {
      step first 1 day after due { send email "overdue-1" }
    }
    """

  static let customers = "id,name,billing_email\nc1,Acme Corporation,ap@acme.example\nc2,Globex,\n"
  static let contracts = "id,customer,plan,start_date\nk1,c1,p,2026-10-01\nk2,c2,p,2026-10-01\n"
  /// 480.00 issued 2026-10-01, due 10-31: 9.60 off (2%) if paid by 10-11.
  static let invoices = """
    id,number,customer,contract,issue_date,due_date,currency,amount,status,period_start
    i1,INV-1001,c1,k1,2026-10-01,2026-10-31,USD,480.00,open,2026-10-01
    i2,INV-1002,c1,k1,2026-10-01,2026-10-31,USD,480.00,open,2026-10-02

    """

  static func run(_ payments: [String], asOf: String = "2026-11-05", extraInvoices: String = "") throws -> RunOutput {
    let p = try Run.plan(rules)
    let files = [
      "customers.csv": customers, "contracts.csv": contracts, "invoices.csv": invoices + extraInvoices,
      "payments.csv": Cash.header + payments.joined(separator: "\n") + "\n",
    ]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: p)
    try #require(issues.isEmpty, "\(issues)")
    return Produce.run(plan: p, data: data, asOf: CivilDate.parse(asOf)!, since: CivilDate.parse(asOf)!)
  }

  @Test("the discounted amount within the window settles the invoice, the discount recorded on it")
  func withinWindow() throws {
    let out = try Self.run(["p1,2026-10-09,,470.40,USD,,INV-1001,Acme Corporation,"])
    #expect(out.failures.isEmpty)
    let a = try #require(out.cash?.applications.first)
    #expect(a.status == .applied, "\(a.reason ?? "") \(a.explanation)")
    let al = try #require(a.allocations.first)
    #expect(al.amount == Fixed.parse(Array("470.40".utf8)))
    #expect(al.discount == Fixed.parse(Array("9.60".utf8)))
    #expect(al.closes)
    // The invoice it closed gets no reminder.
    #expect(!(out.collections?.reminders.contains { $0.invoices.contains { $0.id == "i1" } } ?? true))
  }

  @Test("by amount: a payment of the discounted amount within the window matches the payer's invoice")
  func byAmount() throws {
    let a = try #require(try Self.run(["p1,2026-10-11,,470.40,USD,,,Acme Corporation,"]).cash?.applications.first)
    #expect(a.status == .applied)
    #expect(a.allocations.map(\.invoice) == ["i1"])
    #expect(a.allocations.first?.discount == Fixed.parse(Array("9.60".utf8)))
  }

  @Test("an invoice of exactly the amount wins over one the amount settles with its discount")
  func exactBeforeDiscounted() throws {
    let extra = "i3,INV-1003,c1,,2026-10-05,2026-11-04,USD,470.40,open,\n"
    let a = try #require(try Self.run(["p1,2026-10-11,,470.40,USD,,,Acme Corporation,"], extraInvoices: extra).cash?.applications.first)
    #expect(a.allocations.map(\.invoice) == ["i3"])
    #expect(a.allocations.first?.discount == .zero)
  }

  @Test("between the discounted and the full amount: settled, the discount is what was not paid")
  func partialDiscount() throws {
    let a = try #require(try Self.run(["p1,2026-10-09,,475.00,USD,,INV-1001,Acme Corporation,"]).cash?.applications.first)
    #expect(a.allocations.first?.discount == Fixed(5))
    #expect(a.allocations.first?.closes == true)
  }

  @Test("after the window the discounted amount is a short payment: held for review, and its invoice's reminder held too")
  func afterWindow() throws {
    let out = try Self.run(["p1,2026-10-12,,470.40,USD,,INV-1001,Acme Corporation,"])
    let a = try #require(out.cash?.applications.first)
    #expect(a.status == .exception)
    #expect(a.queue == "short")
    #expect(a.allocations.isEmpty)
    // Both invoices are overdue; i1's payment waits for review, so its reminder is held and the result says so.
    let c = try #require(out.collections)
    #expect(c.waitingForReview == ["i1"])
    #expect(c.reminders.map(\.key) == ["i2/standard/first"])
    #expect(ReminderRenderer.summary(c).contains("1 invoice not reminded while a payment waits for review (i1)"))
  }

  @Test("a message with no recipient on file becomes a task for the cadence's queue, counted in the summary")
  func noRecipient() throws {
    let p = try Run.plan(Self.rules)
    let files = [
      "customers.csv": Self.customers, "contracts.csv": Self.contracts,
      "invoices.csv": "id,customer,issue_date,due_date,currency,amount\ng1,c2,2026-10-01,2026-10-31,USD,100.00\n",
    ]
    let (data, _) = Dataset.load(folder: try Run.folder(files), plan: p)
    let c = Collections.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-05")!)
    let r = try #require(c.reminders.first)
    #expect(r.messages.isEmpty)
    #expect(r.actions.map(\.kind) == ["task"])
    #expect(r.actions.first?.noRecipient == true)
    #expect(r.actions.first?.detail.contains("no email recipient on file for 'overdue-1'") == true)
    #expect(ReminderRenderer.summary(c).contains("1 message without a recipient on file (tasks instead)"))
  }
}
