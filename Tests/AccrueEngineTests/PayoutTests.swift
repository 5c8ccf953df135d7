import AccrueCash
import AccrueCore
import AccrueData
import AccrueModel
import AccrueRender
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// Stripe's itemized payout reconciliation export (columns as Stripe documents them, plus one Accrue ignores),
/// against the invoices of the cash application tests.
enum Payouts {
  static let header =
    "automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created,available_on,currency,gross,fee,net,reporting_category,source_id,description,customer_id,customer_email,charge_id,payment_intent_id,invoice_id,invoice_number,card_brand"

  /// po_1AAA: two charges (1000.00 and 250.00, fees 29.30 and 7.55), a refund of 100.00 of the second, a Radar
  /// fee of 5.00: net 1108.15. po_2BBB: one charge of 410.00 (fee 12.19) for an invoice Accrue does not know.
  static let rows = [
    "po_1AAA,2026-11-05 00:00:00,txn_1,2026-11-02 10:11:12,2026-11-04 00:00:00,usd,1000.00,29.30,970.70,charge,ch_1,Subscription,cus_1,ap@globex.example,ch_1,pi_1,in_1,INV-2026-000123,visa",
    "po_1AAA,2026-11-05 00:00:00,txn_2,2026-11-02 11:00:00,2026-11-04 00:00:00,usd,250.00,7.55,242.45,charge,ch_2,Subscription,cus_1,ap@globex.example,ch_2,pi_2,in_2,INV-2026-000124,visa",
    "po_1AAA,2026-11-05 00:00:00,txn_3,2026-11-03 09:00:00,2026-11-04 00:00:00,usd,-100.00,0.00,-100.00,refund,re_1,Refund,cus_1,,ch_2,pi_2,,,visa",
    "po_1AAA,2026-11-05 00:00:00,txn_4,2026-11-03 09:30:00,2026-11-04 00:00:00,usd,-5.00,0.00,-5.00,fee,,Radar fees,,,,,,,",
    "po_2BBB,2026-11-06 00:00:00,txn_5,2026-11-03 12:00:00,2026-11-05 00:00:00,usd,410.00,12.19,397.81,charge,ch_5,One-off,cus_2,x@initech.example,ch_5,pi_5,in_5,INV-9999-000999,visa",
  ]

  static let payments = [
    "b1,2026-11-06,,1108.15,USD,,STRIPE TRANSFER po_1AAA,STRIPE,", "b2,2026-11-07,,75.00,USD,,STRIPE PAYOUT,Stripe Payments Europe,",
  ]

  static func folder(_ stripe: [String], payments: [String] = Payouts.payments) throws -> String {
    let dir = TemporaryPaths.url("accrue-payouts")
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("processors"), withIntermediateDirectories: true)
    let files = [
      "customers.csv": Cash.customers, "invoices.csv": Cash.invoices, "accounts.csv": Cash.accounts,
      "payments.csv": Cash.header + payments.joined(separator: "\n") + "\n",
      "processors/stripe-2026-11.csv": stripe.joined(separator: "\n") + "\n",
    ]
    for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return dir.path
  }

  /// `processor`: a `processor stripe { ... }` block added to the rules.
  static func run(_ stripe: [String] = [header] + rows, payments: [String] = Payouts.payments, processor: String = "") throws -> RunOutput {
    let p = try Run.plan(Cash.rules + "\n" + processor)
    let (data, issues) = Dataset.load(folder: try folder(stripe, payments: payments), plan: p)
    try #require(issues.isEmpty, "\(issues)")
    let out = Produce.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-10")!, only: .matches)
    #expect(out.failures.isEmpty)
    return out
  }

  static func issues(_ stripe: [String], processor: String = "") throws -> [DataIssue] {
    let p = try Run.plan(Cash.rules + "\n" + processor)
    return Dataset.load(folder: try folder(stripe), plan: p).1
  }

  static func money(_ s: String) -> Fixed { Fixed(s)! }
}

@Suite("Processor payouts")
struct PayoutTests {
  @Test("a payout of charges, a refund and fees is reconciled to its bank credit, which is not applied to invoices again")
  func reconciled() throws {
    let out = try Payouts.run()
    let r = try #require(out.payouts)
    let p = try #require(r.payouts.first { $0.payoutID == "po_1AAA" })
    #expect(p.status == .reconciled)
    #expect(p.credit?.paymentID == "b1")
    #expect(p.credit?.basis == .payoutID)
    #expect(p.charges == Payouts.money("1250.00"))
    #expect(p.refunds == Payouts.money("100.00"))
    #expect(p.fees == Payouts.money("41.85"))
    #expect(p.net == Payouts.money("1108.15"))
    #expect(p.refundLines.map(\.invoice) == ["INV-2026-000124"])
    #expect(p.key == "payout:stripe:po_1AAA")
    let apps = try #require(out.cash).applications
    // The bank credit is the processor's money: its charges are the customers' payments.
    #expect(!apps.contains { $0.paymentID == "b1" })
    let c1 = try #require(apps.first { $0.paymentID == "stripe:txn_1" })
    #expect(Cash.applied(c1) == ["i1=1000.00"])
    #expect(c1.status == .applied)
    let c2 = try #require(apps.first { $0.paymentID == "stripe:txn_2" })
    #expect(Cash.applied(c2) == ["i2=250.00"])
    #expect(c2.date == CivilDate.parse("2026-11-02"))
    // Refunds and fees are no customer payments.
    #expect(!apps.contains { $0.paymentID == "stripe:txn_3" || $0.paymentID == "stripe:txn_4" })
    #expect(RunFiles.csvTables(out).map(\.name).contains("payouts"))
  }

  @Test("a payout with no bank credit, and a processor deposit with no payout, are listed")
  func unmatched() throws {
    let r = try #require(try Payouts.run().payouts)
    let p = try #require(r.payouts.first { $0.payoutID == "po_2BBB" })
    #expect(p.status == .noBankCredit)
    #expect(p.reason.contains("no bank credit of 397.81 USD booked from 2026-11-06 to 2026-11-11"))
    #expect(r.deposits.map(\.key) == ["deposit:b2"])
    let text = PayoutRenderer.text(r)
    #expect(text.contains("1 reconciled to the bank, 1 without a bank credit, 0 that do not add up; 1 processor deposits without a payout"))
  }

  @Test("a charge for an invoice Accrue does not know goes where unmatched payments go")
  func unknownInvoice() throws {
    let apps = try #require(try Payouts.run().cash).applications
    let a = try #require(apps.first { $0.paymentID == "stripe:txn_5" })
    #expect(a.allocations.isEmpty)
    #expect(a.status == .exception || a.status == .unapplied)
    #expect(a.amount == Payouts.money("410.00"))
  }

  @Test("a bank credit naming the payout with another amount: the payout does not add up")
  func doesNotAddUp() throws {
    let r = try #require(try Payouts.run(payments: Payouts.payments + ["b3,2026-11-07,,380.00,USD,po_2BBB,,Stripe,"]).payouts)
    let p = try #require(r.payouts.first { $0.payoutID == "po_2BBB" })
    #expect(p.status == .doesNotAddUp)
    #expect(p.reason.contains("difference -17.81"))
  }

  @Test("a line whose net is not gross minus fee is a located error")
  func netNotGrossMinusFee() throws {
    var rows = Payouts.rows
    rows[1] = rows[1].replacingOccurrences(of: "242.45", with: "242.55")
    let issues = try Payouts.issues([Payouts.header] + rows)
    let i = try #require(issues.first)
    #expect(issues.count == 1)
    #expect(i.code == "D0314")
    #expect(i.line == 3)
    #expect(i.message.contains("net 242.55 is not gross 250.00 minus fee 7.55 (242.45)"))
    #expect(i.file.hasSuffix("processors/stripe-2026-11.csv"))
  }

  @Test("a missing column is named with the column the header has instead")
  func missingColumn() throws {
    let header = Payouts.header.replacingOccurrences(of: "reporting_category", with: "reporting_categroy")
    let issues = try Payouts.issues([header] + Payouts.rows)
    #expect(issues.map(\.code) == ["D0201"])
    #expect(issues.first?.message.contains("did you mean 'reporting_categroy'") == true)
  }

  @Test("bad amounts, currencies and dates are located errors")
  func badValues() throws {
    var rows = Payouts.rows
    rows[0] = rows[0].replacingOccurrences(of: ",usd,", with: ",usx,")
    rows[1] = rows[1].replacingOccurrences(of: "250.00,7.55", with: "250.001,7.55")
    rows[2] = rows[2].replacingOccurrences(of: "2026-11-03 09:00:00", with: "03/11/2026")
    let issues = try Payouts.issues([Payouts.header] + rows)
    #expect(issues.map(\.code) == ["D0206", "D0208", "D0204"])
    #expect(issues.map(\.line) == [2, 3, 4])
  }

  @Test("the same balance transaction twice is a duplicate")
  func duplicateLine() throws {
    let issues = try Payouts.issues([Payouts.header] + Payouts.rows + [Payouts.rows[0]])
    #expect(issues.map(\.code) == ["D0304"])
    #expect(issues.first?.line == 7)
  }

  @Test("the same results whatever the order of the export's and the bank's rows")
  func rowOrder() throws {
    func view(_ o: RunOutput) -> [String] {
      let r = o.payouts!
      let payouts = r.payouts.map { p in
        "\(p.key) \(p.status) \(p.net) \(p.charges) \(p.refunds) \(p.fees) \(p.credit?.paymentID ?? "-") \(p.reason) \(p.refundLines.map(\.invoice))"
      }
      let apps = o.cash!.applications.map { "\($0.paymentID) \(Cash.applied($0)) \($0.status)" }
      return payouts + r.deposits.map(\.key) + apps
    }
    let a = try Payouts.run()
    let b = try Payouts.run([Payouts.header] + Payouts.rows.reversed(), payments: Payouts.payments.reversed())
    #expect(view(a) == view(b))
    #expect(a.payouts!.payouts.map(\.key) == ["payout:stripe:po_1AAA", "payout:stripe:po_2BBB"])
  }

  /// po_2BBB (dated Friday 2026-11-06, 397.81) reaches the bank on Tuesday 2026-11-10, after a bank holiday on the Monday.
  static let lateCredit = Payouts.payments + ["b4,2026-11-10,,397.81,USD,,STRIPE PAYOUT,Stripe,"]
  static let holiday = """
    calendar us_bank {
      holiday 2026-11-09 "bank holiday"
    }
    """

  @Test("without a processor block a payout reaches the bank within 5 days; the rules' window replaces it")
  func windowFromRules() throws {
    func po2(_ processor: String) throws -> PayoutReconciliation {
      let r = try #require(try Payouts.run(payments: Self.lateCredit, processor: processor).payouts)
      return try #require(r.payouts.first { $0.payoutID == "po_2BBB" })
    }
    #expect(try po2("").status == .reconciled)
    let short = try po2("processor stripe {\n  payouts reach the bank within 2 days\n}")
    #expect(short.status == .noBankCredit)
    #expect(short.reason.contains("booked from 2026-11-06 to 2026-11-08 (yet; payouts reach the bank within 2 days, rules/rules.accrue:"), "\(short.reason)")
    // Two business days after Friday: Monday is a holiday of the calendar, so Tuesday.
    let business = try po2(Self.holiday + "\nprocessor stripe {\n  payouts reach the bank within 2 business days\n  calendar us_bank\n}")
    #expect(business.status == .reconciled)
    #expect(business.credit?.paymentID == "b4")
    let weekdays = try po2("processor stripe {\n  payouts reach the bank within 1 business day\n}")
    #expect(weekdays.reason.contains("to 2026-11-09 (yet; payouts reach the bank within 1 business day,"), "\(weekdays.reason)")
  }

  @Test("the rules name the metadata column that holds the invoice number; an export without it is a located error")
  func invoiceFromMetadata() throws {
    let header = Payouts.header + ",payment_metadata[accrue_invoice]"
    let rows = Payouts.rows.map { $0.replacingOccurrences(of: "INV-2026-000123", with: "") + "," }
    var withMeta = rows
    withMeta[0] += "INV-2026-000123"
    let block = "processor stripe {\n  invoice number from metadata \"accrue_invoice\"\n}"
    let apps = try #require(try Payouts.run([header] + withMeta, processor: block).cash).applications
    #expect(Cash.applied(try #require(apps.first { $0.paymentID == "stripe:txn_1" })) == ["i1=1000.00"])
    // Without the block the invoice_number column is read: txn_1's is empty.
    func invoice(_ processor: String) throws -> String? {
      let plan = try Run.plan(Cash.rules + "\n" + processor)
      let data = Dataset.load(folder: try Payouts.folder([header] + withMeta), plan: plan).0
      return data.processors.lines.first { $0.transactionID == "txn_1" }?.invoice
    }
    #expect(try invoice(block) == "INV-2026-000123")
    #expect(try invoice("") == "")
    let issues = try Payouts.issues([Payouts.header] + Payouts.rows, processor: block)
    #expect(issues.map(\.code) == ["D0201"])
    #expect(issues.first?.message.contains("missing column 'payment_metadata[accrue_invoice]': the rules (rules/rules.accrue:") == true, "\(issues)")
  }
}
