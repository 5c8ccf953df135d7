import AccrueCLI
import AccrueLedger
import AccrueTestSupport
import Foundation
import Testing

/// `accrue plan` on a data folder with a Stripe payout export (processors/): text, JSON and the payouts table.
@Suite("plan with processor payouts")
struct PayoutCommandTests {
  static let rules = """
    currency USD
    match invoice_number "Invoice number in remittance" {
      reference pattern /(?i)INV[- ]?([0-9]{4}[- ]?[0-9]{1,10})/ in remittance
      candidates open invoices of any customer
      allocate exact single
      on no match: exception to queue "cash-apps" reason "No invoice named"
      confidence auto
    }
    """

  static let stripe = """
    automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created,available_on,currency,gross,fee,net,reporting_category,source_id,description,customer_id,customer_email,charge_id,payment_intent_id,invoice_id,invoice_number,payment_metadata[accrue_invoice]
    po_1AAA,2026-11-05 00:00:00,txn_1,2026-11-02 10:11:12,2026-11-04 00:00:00,usd,1000.00,29.30,970.70,charge,ch_1,Subscription,cus_1,ap@globex.example,ch_1,pi_1,in_1,,INV-2026-000123
    po_1AAA,2026-11-05 00:00:00,txn_2,2026-11-03 09:00:00,2026-11-04 00:00:00,usd,-100.00,0.00,-100.00,refund,re_1,Refund,cus_1,,ch_1,pi_1,,,

    """

  /// The rules' processor block: the charges carry the invoice number in their metadata.
  static let processor = """
    processor stripe {
      invoice number from metadata "accrue_invoice"
      payouts reach the bank within 3 business days
    }

    """

  /// `processor`: whether the rules have the block (processors.accrue).
  static func folders(processor: Bool = true) throws -> (rules: String, data: String) {
    let root = TemporaryPaths.url("accrue-payout-cli")
    let rules = root.appendingPathComponent("rules")
    let data = root.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: data.appendingPathComponent("processors"), withIntermediateDirectories: true)
    let files: [(URL, String)] = [
      (rules.appendingPathComponent("matching.accrue"), Self.rules),
      (data.appendingPathComponent("customers.csv"), "id,name\nc2,Globex GmbH\n"),
      (
        data.appendingPathComponent("invoices.csv"),
        "id,number,customer,issue_date,due_date,currency,amount\ni1,INV-2026-000123,c2,2026-09-01,2026-10-01,USD,1000.00\n"
      ),
      (
        data.appendingPathComponent("payments.csv"),
        "id,booking_date,amount,currency,remittance,payer_name\nb1,2026-11-06,870.70,USD,STRIPE PAYOUT po_1AAA,STRIPE\n"
      ),
      (data.appendingPathComponent("processors/stripe-2026-11.csv"), Self.stripe),
    ]
    for (url, text) in files { try text.write(to: url, atomically: true, encoding: .utf8) }
    if processor { try Self.processor.write(to: rules.appendingPathComponent("processors.accrue"), atomically: true, encoding: .utf8) }
    return (rules.path, data.path)
  }

  @Test("text and JSON show the payout reconciled; the charge is applied by the invoice in the payment_metadata the rules name")
  func plan() throws {
    let (rules, data) = try Self.folders()
    let base = ["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-10", "--only", "matches"]
    let (s, text, err) = CLITests.run(base)
    #expect(s == 0, "\(err)")
    #expect(text.contains("Payouts as of 2026-11-10: 1 payouts, 1 reconciled to the bank"), "\(text)")
    #expect(text.contains("po_1AAA (stripe) 2026-11-05 USD 870.70: charges 1000.00, refunds 100.00, fees 29.30; 2 lines"), "\(text)")
    #expect(text.contains("reconciled with bank payment b1 booked 2026-11-06"), "\(text)")
    #expect(text.contains("refund stripe:txn_2 100.00 against invoice INV-2026-000123"), "\(text)")
    let (s2, json, _) = CLITests.run(base + ["--format", "json"])
    #expect(s2 == 0)
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let payouts = try #require(obj["payouts"] as? [[String: Any]])
    #expect(payouts.map { $0["key"] as? String } == ["payout:stripe:po_1AAA"])
    #expect(payouts.first?["status"] as? String == "reconciled")
    let matches = try #require(obj["matches"] as? [[String: Any]])
    #expect(matches.map { $0["payment"] as? String } == ["stripe:txn_1"])
    #expect(matches.first?["status"] as? String == "applied")
    let (s3, csv, _) = CLITests.run(base + ["--table", "payouts"])
    #expect(s3 == 0)
    #expect(csv.hasPrefix("key,kind,processor,payout,date,currency,net,charges,refunds,fees,other,status,bank_payment"))
    #expect(csv.contains("payout:stripe:po_1AAA,payout,stripe,po_1AAA,2026-11-05,USD,870.70,1000.00,100.00,29.30,,reconciled,b1,"))
  }

  @Test("without a processor block the charge names no invoice (invoice_number is empty): it waits in the queue; the payout still ties out")
  func noKey() throws {
    let (rules, data) = try Self.folders(processor: false)
    let (s, json, err) = CLITests.run(["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-10", "--only", "matches", "--format", "json"])
    #expect(s == 0, "\(err)")
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let matches = try #require(obj["matches"] as? [[String: Any]])
    #expect(matches.first?["status"] as? String != "applied")
    #expect((obj["payouts"] as? [[String: Any]])?.first?["status"] as? String == "reconciled")
  }

  @Test("apply records a reconciled payout once; later runs neither reconcile it again nor apply its bank credit, even without the export")
  func recorded() throws {
    let (rules, data) = try Self.folders()
    let state = data + "/../state", out = data + "/../out"
    func apply(_ date: String) -> (Int32, String, String) {
      CLITests.run(["apply", "--rules", rules, "--data", data, "--as-of", date, "--state", state, "--out", out])
    }
    let (s1, _, e1) = apply("2026-11-10")
    try #require(s1 == 0, "\(e1)")
    let payouts = try LedgerStore.read(stateDir: state).recordedPayouts
    #expect(payouts.map { "\($0.key) \($0.payout) \($0.net.amount) \($0.charges) \($0.refunds) \($0.fees)" } == ["payout:stripe:po_1AAA payout:stripe:po_1AAA 870.7 1000 100 29.3"])
    #expect(payouts.map(\.credit) == ["payment:b1"])
    let (s2, o2, _) = apply("2026-11-10")
    #expect(s2 == 0 && o2.hasPrefix("Nothing new as of 2026-11-10"), "\(o2)")
    // The export is archived; the bank credit is still in payments.csv: it is the payout's, never a customer's payment.
    try FileManager.default.removeItem(atPath: data + "/processors")
    let (_, planned, _) = CLITests.run(["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-12", "--state", state, "--only", "matches"])
    #expect(!planned.contains("b1"), "\(planned)")
    let (s3, o3, e3) = apply("2026-11-12")
    #expect(s3 == 0 && o3.hasPrefix("Nothing new as of 2026-11-12"), "\(o3) \(e3)")
  }

  @Test("a bank credit an earlier run left unapplied is reconciled to its payout once the export is there; aging no longer counts it as cash")
  func unappliedEarlier() throws {
    let (rules, data) = try Self.folders()
    let processors = data + "/processors"
    let aside = data + "-processors"
    try FileManager.default.moveItem(atPath: processors, toPath: aside)
    let state = data + "-state"
    let out = data + "-out"
    func apply(_ date: String) -> (Int32, String, String) {
      CLITests.run(["apply", "--rules", rules, "--data", data, "--as-of", date, "--state", state, "--out", out])
    }
    func aging(_ date: String) -> String {
      CLITests.run(["report", "aging", "--data", data, "--as-of", date, "--state", state, "--format", "json"]).1
    }
    let (s, _, err) = apply("2026-11-10")
    #expect(s == 0, "\(err)")
    // Without the export, b1 names no invoice: held, its 870.70 unapplied cash beside i1's 1,000.00.
    #expect(aging("2026-11-10").contains("\"unapplied\" : \"-870.70\"") || aging("2026-11-10").contains("870.70"))
    try FileManager.default.moveItem(atPath: aside, toPath: processors)
    let (s2, text, err2) = CLITests.run([
      "plan", "--rules", rules, "--data", data, "--as-of", "2026-11-11", "--state", state, "--only", "matches",
    ])
    #expect(s2 == 0, "\(err2)")
    #expect(text.contains("1 reconciled to the bank, 0 without a bank credit"), "\(text)")
    let (s3, _, e3) = apply("2026-11-11")
    try #require(s3 == 0, "\(e3)")
    let journal = try LedgerStore.read(stateDir: state)
    #expect(journal.recordedPayouts.map { "\($0.key) \($0.credit)" } == ["payout:stripe:po_1AAA payment:b1"])
    // The charge paid i1; b1 is the processor's money, not cash waiting: nothing is open, nothing unapplied.
    let after = aging("2026-11-11")
    #expect(!after.contains("870.70"), "\(after)")
    #expect(after.contains("\"total\": \"0.00\""), "\(after)")
    let (s4, o4, _) = apply("2026-11-12")
    #expect(s4 == 0 && o4.hasPrefix("Nothing new as of 2026-11-12"), "\(o4)")
    #expect(try LedgerStore.open(stateDir: state).verify().isEmpty)
    // It is the processor's money: no one resolves it as a customer's payment.
    let (s5, _, e5) = CLITests.run([
      "resolve", "payment:b1", "--not-ours", "--rules", rules, "--data", data, "--state", state, "--as-of", "2026-11-12", "--by", "ann",
    ])
    #expect(s5 == 1 && e5.contains("is the bank credit of a processor's payout"), "\(e5)")
  }

  @Test("a bank credit an earlier run applied to an invoice is not taken for a payout again; the payout says so")
  func appliedEarlier() throws {
    let (rules, data) = try Self.folders()
    // b1 names an invoice of its amount: run 1 (without the export) applies it.
    try "id,number,customer,issue_date,due_date,currency,amount\ni1,INV-2026-000123,c2,2026-09-01,2026-10-01,USD,1000.00\ni2,INV-2026-000124,c2,2026-09-02,2026-10-02,USD,870.70\n"
      .write(toFile: data + "/invoices.csv", atomically: true, encoding: .utf8)
    try "id,booking_date,amount,currency,remittance,payer_name\nb1,2026-11-06,870.70,USD,STRIPE PAYOUT po_1AAA INV-2026-000124,STRIPE\n"
      .write(toFile: data + "/payments.csv", atomically: true, encoding: .utf8)
    let processors = data + "/processors"
    let aside = data + "-processors"
    try FileManager.default.moveItem(atPath: processors, toPath: aside)
    let state = data + "-state"
    let out = data + "-out"
    let (s, _, err) = CLITests.run(["apply", "--rules", rules, "--data", data, "--as-of", "2026-11-10", "--state", state, "--out", out])
    #expect(s == 0, "\(err)")
    try FileManager.default.moveItem(atPath: aside, toPath: processors)
    let (s2, text, err2) = CLITests.run([
      "plan", "--rules", rules, "--data", data, "--as-of", "2026-11-11", "--state", state, "--only", "matches",
    ])
    #expect(s2 == 0, "\(err2)")
    #expect(text.contains("0 reconciled to the bank, 1 without a bank credit"), "\(text)")
    #expect(text.contains("an earlier run applied it to invoices"), "\(text)")
  }

  @Test("a bank credit an earlier run suggested for an invoice is not taken for a payout: someone may have posted it")
  func suggestedEarlier() throws {
    let (rules, data) = try Self.folders()
    try Self.rules.replacingOccurrences(of: "confidence auto", with: "confidence suggest")
      .write(toFile: rules + "/matching.accrue", atomically: true, encoding: .utf8)
    try "id,number,customer,issue_date,due_date,currency,amount\ni1,INV-2026-000123,c2,2026-09-01,2026-10-01,USD,1000.00\ni2,INV-2026-000124,c2,2026-09-02,2026-10-02,USD,870.70\n"
      .write(toFile: data + "/invoices.csv", atomically: true, encoding: .utf8)
    try "id,booking_date,amount,currency,remittance,payer_name\nb1,2026-11-06,870.70,USD,STRIPE PAYOUT po_1AAA INV-2026-000124,STRIPE\n"
      .write(toFile: data + "/payments.csv", atomically: true, encoding: .utf8)
    let aside = data + "-processors"
    try FileManager.default.moveItem(atPath: data + "/processors", toPath: aside)
    let state = data + "-state"
    let (s, _, err) = CLITests.run(["apply", "--rules", rules, "--data", data, "--as-of", "2026-11-10", "--state", state, "--out", data + "-out"])
    try #require(s == 0, "\(err)")
    #expect(try LedgerStore.read(stateDir: state).postedPayments.map { $0.status?.rawValue } == ["suggested"])
    try FileManager.default.moveItem(atPath: aside, toPath: data + "/processors")
    let (_, text, _) = CLITests.run(["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-11", "--state", state, "--only", "matches"])
    #expect(text.contains("0 reconciled to the bank, 1 without a bank credit"), "\(text)")
    #expect(text.contains("suggested it for them"), "\(text)")
  }

  @Test("accrue diff reads the key from each version of the rules: adding the block applies the charge")
  func diff() throws {
    let (rules, data) = try Self.folders(processor: false)
    let base = rules + "-base"
    try FileManager.default.copyItem(atPath: rules, toPath: base)
    try Self.processor.write(toFile: rules + "/processors.accrue", atomically: true, encoding: .utf8)
    let (s, text, err) = CLITests.run(["diff", "--base", base, "--rules", rules, "--data", data, "--as-of", "2026-11-10"])
    #expect(s == 2, "\(text) \(err)")
    #expect(text.contains("stripe:txn_1"), "\(text)")
    #expect(text.contains("+ i1 applied 1,000.00 USD"), "\(text)")
  }

  @Test("the command-line option is gone: the setting is in the rules")
  func optionRemoved() throws {
    let (rules, data) = try Self.folders()
    let (s, _, err) = CLITests.run([
      "plan", "--rules", rules, "--data", data, "--as-of", "2026-11-10", "--processor-invoice-key", "accrue_invoice",
    ])
    #expect(s == 64, "\(err)")
    #expect(err.contains("processor stripe { invoice number from metadata \"KEY\" }"), "\(err)")
  }
}
