import AccrueCLI
@testable import AccrueLedger
import AccrueCore
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// `accrue credit-note` and `accrue refund-credit`: credit notes against invoices and refunds of account credit,
/// each a decision of its own in the ledger; the next runs, aging, the statement of account, the export and the
/// ledger's checks follow them.
@Suite("credit notes and refunds of account credit")
struct CreditNoteCommandTests {
  static let rules = """
    currency EUR
    number credit notes "CN-{year}-{seq:4}" per year
    account credit applied oldest first

    cadence standard "Standard" {
      currency EUR
      step first "First reminder" 7 days after due {
        send email "overdue-1"
      }
    }

    match by_number "Invoice number in the text" {
      currency EUR
      reference pattern /INV-[0-9]+/ in remittance
      candidates open invoices of any customer, same currency
      allocate exact single
      on overpayment beyond tolerance: credit on account
      confidence auto
    }

    """

  /// INV-1 100.00 open and INV-5 40.00 paid of c1, INV-3 70.00 open of c2; applied once on 2026-11-20.
  static func folder(_ name: String, rules: String = rules) throws -> String {
    let base = TemporaryPaths.make(name)
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name,email\nc1,Kaffeeroesterei Bohn GmbH,ap@bohn.example\nc2,Other AG,ap@other.example\n"
      .write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try """
      id,customer,contract,issue_date,due_date,currency,amount,amount_paid,status
      INV-1,c1,,2026-11-01,2026-11-15,EUR,100.00,0,open
      INV-5,c1,,2026-10-01,2026-10-15,EUR,40.00,40.00,paid
      INV-3,c2,,2026-11-02,2026-11-15,EUR,70.00,0,open

      """.write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    try "id,booking_date,amount,currency,remittance,payer_name\n".write(toFile: base + "/data/payments.csv", atomically: true, encoding: .utf8)
    let (s, _, e) = run(base, ["apply", "--as-of", "2026-11-20", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    return base
  }

  static func run(_ base: String, _ args: [String]) -> (Int32, String, String) {
    CLITests.run(args + ["--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"])
  }

  static func decide(_ base: String, _ args: [String], date: String = "2026-11-20") -> (Int32, String, String) {
    run(base, args + ["--as-of", date, "--by", "ann"])
  }

  /// The reminders a plan would send as of `date`: key and open balance.
  static func reminders(_ base: String, _ date: String) throws -> [String] {
    let (s, out, err) = run(base, ["plan", "--as-of", date, "--only", "reminders", "--format", "json"])
    try #require(s == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    return (json["reminders"] as? [[String: Any]] ?? []).map { "\($0["key"] ?? "") \($0["open_balance"] ?? "")" }.sorted()
  }

  /// c1's row of the aging report as of `date`: total open and credits.
  static func aging(_ base: String, _ date: String) throws -> (total: String, credits: String, items: [String]) {
    let (s, out, err) = CLITests.run(["report", "aging", "--data", base + "/data", "--as-of", date, "--state", base + "/state", "--format", "json", "--detail"])
    try #require(s == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let rows = try #require(json["customers"] as? [[String: Any]])
    let c1 = try #require(rows.first { $0["customer"] as? String == "c1" })
    let items = (c1["items"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "") \($0["amount"] ?? "") \($0["status"] ?? "")" }
    return ("\(c1["total"] ?? "")", "\(c1["credit_on_account"] ?? c1["credits"] ?? "")", items)
  }

  static func verify(_ base: String) throws -> [String] {
    try LedgerStore.open(stateDir: base + "/state").verify()
  }

  @Test("a partial credit note on an open invoice: dunning and aging see the rest; the statement shows a credit line")
  func partial() throws {
    let base = try Self.folder("cn-partial")
    let (s, out, err) = Self.decide(base, ["credit-note", "INV-1", "--amount", "30.00", "--reason", "price error", "--note", "agreed by phone"])
    try #require(s == 0, "\(err)")
    #expect(out == "Recorded decision 1 as of 2026-11-20 by ann: credit note CN-2026-0001 for 30.00 EUR on INV-1: 30.00 EUR off what it had open\n")
    #expect(try Self.reminders(base, "2026-11-23") == ["INV-1/standard/first 70.00", "INV-3/standard/first 70.00"])
    #expect(try Self.aging(base, "2026-11-23").total == "70.00")
    #expect(try Self.verify(base).isEmpty)
    // The audit trail lists it with its reason.
    let (_, audit, _) = CLITests.run(["audit", "--state", base + "/state"])
    #expect(audit.contains("credit-note  INV-1") && audit.contains("why: price error; agreed by phone"), "\(audit)")
    // Crediting more than is left is refused, naming what is left; nothing recorded, no number drawn.
    let (s2, _, e2) = Self.decide(base, ["credit-note", "INV-1", "--amount", "80.00", "--reason", "price error"])
    #expect(s2 == 1 && e2.contains("INV-1 has 70.00 EUR left to credit (total 100.00 EUR, credited 30.00 EUR)"), "\(e2)")
    // The rest credited in full: the invoice is closed, nobody dunned for it.
    let (s3, out3, e3) = Self.decide(base, ["credit-note", "INV-1", "--reason", "cancelled order"], date: "2026-11-21")
    try #require(s3 == 0, "\(e3)")
    #expect(out3.contains("credit note CN-2026-0002 for 70.00 EUR on INV-1"), "\(out3)")
    #expect(try Self.reminders(base, "2026-11-23") == ["INV-3/standard/first 70.00"])
    let (s4, _, e4) = Self.decide(base, ["credit-note", "INV-1", "--reason", "again"], date: "2026-11-21")
    #expect(s4 == 1 && e4.contains("INV-1 is credited in full already (CN-2026-0001, CN-2026-0002)"), "\(e4)")
  }

  @Test("a credit note on a paid invoice becomes account credit, used by the next apply on the oldest open invoice")
  func paidInvoice() throws {
    let base = try Self.folder("cn-paid")
    let (s, out, err) = Self.decide(base, ["credit-note", "INV-5", "--reason", "returned goods"], date: "2026-11-21")
    try #require(s == 0, "\(err)")
    #expect(out.contains("CN-2026-0001 for 40.00 EUR on INV-5: it had nothing open; 40.00 EUR on the customer's account (the invoice was paid)"), "\(out)")
    let before = try Self.aging(base, "2026-11-21")
    #expect(before.total == "100.00" && before.items.contains("payment:credit-note:INV-5:1 40.00 credit note CN-2026-0001"), "\(before)")
    let (a, applied, ae) = Self.run(base, ["apply", "--as-of", "2026-11-23", "--out", base + "/out"])
    try #require(a == 0, "\(ae)")
    #expect(applied.contains("40.00 EUR of credit on account used on 1 invoice"), "\(applied)")
    #expect(try Self.reminders(base, "2026-11-24") == ["INV-3/standard/first 70.00"] || (try Self.aging(base, "2026-11-23").total) == "60.00")
    #expect(try Self.aging(base, "2026-11-23").total == "60.00")
    #expect(try Self.verify(base).isEmpty)
    // Nothing is left to refund.
    let (r, _, re) = Self.decide(base, ["refund-credit", "c1", "--amount", "5.00", "--currency", "EUR"], date: "2026-11-23")
    #expect(r == 1 && re.contains("c1 has no credit on account in EUR: nothing to refund"), "\(re)")
  }

  @Test("a refund of account credit takes it off the account; refused beyond the credit there is")
  func refund() throws {
    // Without account credit applied: the credit stays on account until refunded.
    let base = try Self.folder("cn-refund", rules: Self.rules.replacingOccurrences(of: "account credit applied oldest first", with: "account credit held"))
    try #require(Self.decide(base, ["credit-note", "INV-5", "--reason", "returned goods"]).0 == 0)
    let (s1, _, e1) = Self.decide(base, ["refund-credit", "c1", "--amount", "45.00", "--currency", "EUR"])
    #expect(s1 == 1 && e1.contains("c1 has 40.00 EUR of credit on account: refund at most that"), "\(e1)")
    let (s2, out2, e2) = Self.decide(base, ["refund-credit", "c1", "--amount", "25.00", "--currency", "EUR"])
    try #require(s2 == 0, "\(e2)")
    #expect(out2.contains("25.00 EUR of credit on account refunded to c1; 15.00 EUR left on account"), "\(out2)")
    #expect(try Self.aging(base, "2026-11-20").items.contains("payment:credit:c1/EUR/2026-11-20/refund-2 -25.00 credit refunded"))
    #expect(try CreditRefundRequest.balances(LedgerStore.read(stateDir: base + "/state"))[CreditBook.Account(customer: "c1", currency: Currency.lookup("EUR")!)] == Fixed("15.00"))
    #expect(try Self.verify(base).isEmpty)
    let (_, show, _) = CLITests.run(["ledger", "show", "c1", "--state", base + "/state"])
    #expect(show.contains("Credit on account refunded to the customer") && show.contains("Credit note CN-2026-0001: left on account"), "\(show)")
    // Usage: an amount and a currency are required.
    #expect(Self.decide(base, ["refund-credit", "c1", "--amount", "5.00"]).0 == 64)
  }

  @Test("numbering: CN-2026-0001, 0002 without a gap; a refused credit note draws no number; without the statement its key")
  func numbering() throws {
    let base = try Self.folder("cn-numbering")
    try #require(Self.decide(base, ["credit-note", "INV-1", "--amount", "10.00", "--reason", "a"]).0 == 0)
    #expect(Self.decide(base, ["credit-note", "INV-1", "--amount", "95.00", "--reason", "b"]).0 == 1)
    #expect(Self.decide(base, ["credit-note", "INV-9", "--reason", "b"]).0 == 1)
    #expect(Self.decide(base, ["credit-note", "INV-1", "--reason", " "]).0 == 1)
    #expect(Self.decide(base, ["credit-note", "INV-1"]).0 == 64)
    try #require(Self.decide(base, ["credit-note", "INV-3", "--amount", "7.00", "--reason", "c"]).0 == 0)
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.creditNotes.map(\.number) == ["CN-2026-0001", "CN-2026-0002"])
    #expect(journal.sequences["credit_note/2026"] == 2)
    #expect(try Self.verify(base).isEmpty)
    // Exported as a table of their own.
    let (e, _, ee) = CLITests.run(["ledger", "export", "--state", base + "/state", "--out", base + "/export"])
    try #require(e == 0, "\(ee)")
    let csv = try String(contentsOfFile: base + "/export/credit_notes.csv", encoding: .utf8)
    #expect(csv.contains("CN-2026-0002,credit-note:INV-3:1,INV-3,c2,EUR,2026-11-20,7.00,0.00,7.00,7.00,0.00,c,credit-note:INV-3:1,2"), "\(csv)")
    // JSON Lines: each row holds its schema's keys, in column order.
    let (j, _, je) = CLITests.run(["ledger", "export", "--state", base + "/state", "--out", base + "/jsonl", "--format", "jsonl"])
    try #require(j == 0, "\(je)")
    let schemaURL = CLITests.repoRoot.appendingPathComponent("docs/schema/ledger-export/credit_notes.schema.json")
    let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
    let rows = try String(contentsOfFile: base + "/jsonl/credit_notes.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 2)
    for row in rows {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
      #expect(Set(object.keys) == Set(schema["required"] as? [String] ?? []) && object["total"] is String, "\(row)")
    }
    // Without 'number credit notes', a credit note's number is its key.
    let plain = try Self.folder("cn-unnumbered", rules: Self.rules.replacingOccurrences(of: "number credit notes \"CN-{year}-{seq:4}\" per year\n", with: ""))
    let (s, out, _) = Self.decide(plain, ["credit-note", "INV-1", "--amount", "10.00", "--reason", "a"])
    #expect(s == 0 && out.contains("credit note credit-note:INV-1:1 for 10.00 EUR"), "\(out)")
  }

  @Test("an invoice the ledger issued with VAT: each credit note splits net and tax pro rata; the last credits the rest of the tax")
  func taxFromTheLedger() throws {
    let base = TemporaryPaths.make("cn-tax")
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try """
      currency EUR
      month end clamp
      number invoices "INV-{year}-{seq:4}" per year
      number credit notes "CN-{year}-{seq:4}" per year

      plan europe "Team (EUR)" {
        currency EUR
        period monthly
        payment terms net 14 days
        tax "VAT" 19% exclusive
        charge seats "Seats" {
          per unit 10.00 EUR
          quantity contract.seats
        }
      }

      """.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name,email\nc1,Kaffeeroesterei Bohn GmbH,ap@bohn.example\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,seats\nk1,c1,europe,2026-11-01,10\n".write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (a, applied, ae) = Self.run(base, ["apply", "--as-of", "2026-11-01", "--out", base + "/out"])
    try #require(a == 0 && applied.contains("1 invoice, 119.00 EUR"), "\(applied)\(ae)")
    let (s1, out1, e1) = Self.decide(base, ["credit-note", "INV-2026-0001", "--amount", "50.00", "--reason", "two seats unused"], date: "2026-11-05")
    try #require(s1 == 0, "\(e1)")
    #expect(out1.contains("credit note CN-2026-0001 for 50.00 EUR on INV-2026-0001 (net 42.02 EUR, tax 7.98 EUR): 50.00 EUR off what it had open"), "\(out1)")
    let (s2, out2, e2) = Self.decide(base, ["credit-note", "INV-2026-0001", "--reason", "cancelled"], date: "2026-11-06")
    try #require(s2 == 0, "\(e2)")
    #expect(out2.contains("CN-2026-0002 for 69.00 EUR on INV-2026-0001 (net 57.98 EUR, tax 11.02 EUR)"), "\(out2)")
    let notes = try LedgerStore.read(stateDir: base + "/state").creditNotes
    #expect(notes.map { $0.net.adding($0.tax) } == notes.map(\.total))
    #expect(notes.reduce(Fixed.zero) { $0.adding($1.tax)! } == Fixed("19.00"))
    let (_, show, _) = CLITests.run(["ledger", "show", "c1", "--state", base + "/state"])
    #expect(show.contains("Credit note CN-2026-0002 on INV-2026-0001") && show.contains("Balance due                                                   0.00"), "\(show)")
    #expect(try Self.verify(base).isEmpty)
  }

  @Test("the tax of a credit note: the invoice's tax pro rata, the parts summing to the whole; the last takes the rest")
  func taxSplit() {
    let eur = Currency.lookup("EUR")!
    func f(_ s: String) -> Fixed { Fixed(s)! }
    // An invoice of 119.00 with 19.00 tax: 50.00 credited holds 7.98 tax (7.983...).
    let (n1, t1) = CreditNoteIssue.split(f("50.00"), taxes: (f("19.00"), f("119.00")), credited: [], last: false, currency: eur)
    #expect(n1 == f("42.02") && t1 == f("7.98"))
    let first = CreditNote(
      key: "k", number: "n", invoice: "i", customer: "c", issueDate: CivilDate.parse("2026-11-01")!, currency: eur, net: n1, tax: t1,
      total: f("50.00"), settled: f("50.00"), credit: .zero, reason: "r")
    let (n2, t2) = CreditNoteIssue.split(f("69.00"), taxes: (f("19.00"), f("119.00")), credited: [first], last: true, currency: eur)
    #expect(t2 == f("11.02") && n2 == f("57.98"))
    #expect(t1.adding(t2) == f("19.00"))
    // Taxes unknown (an invoice of the invoices file): all net.
    #expect(CreditNoteIssue.split(f("10.00"), taxes: nil, credited: [], last: false, currency: eur) == (f("10.00"), .zero))
  }

  @Test("review: the same credit note again after an apply of that day records nothing new; an apply never goes back before a decision")
  func repeatAcrossApplyAndDateOrder() throws {
    let base = try Self.folder("credit-repeat")
    try #require(Self.decide(base, ["credit-note", "INV-1", "--amount", "20.00", "--reason", "b"], date: "2026-11-24").0 == 0)
    // An apply dated before the decision is refused: the books never go back in time.
    let (s0, _, e0) = Self.run(base, ["apply", "--as-of", "2026-11-23", "--out", base + "/out"])
    #expect(s0 == 1 && e0.contains("an apply cannot be dated before it"), "\(e0)")
    try #require(Self.run(base, ["apply", "--as-of", "2026-11-24", "--out", base + "/out"]).0 == 0)
    let (s, out, err) = Self.decide(base, ["credit-note", "INV-1", "--amount", "20.00", "--reason", "b"], date: "2026-11-24")
    #expect(s == 0 && out.hasPrefix("Nothing new"), "\(out) \(err)")
    #expect(try LedgerStore.read(stateDir: base + "/state").runs.compactMap(\.creditNote).count == 1)
  }
}
