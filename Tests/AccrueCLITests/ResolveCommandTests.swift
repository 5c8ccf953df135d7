import AccrueCLI
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// `accrue resolve` and `accrue audit`: a person's decision on a payment, recorded as a run of its own; the books
/// (next runs, aging, the customer's statement) follow it, and nothing is edited in place.
@Suite("resolve and audit")
struct ResolveCommandTests {
  static let rules = ReturnStoryTests.partRules

  /// INV-1 100.00 and INV-2 50.00 of c1, one payment p1 of 140.00 EUR naming no invoice (left unapplied by run 1).
  static func applied(_ name: String, payments: String = "p1,2026-11-20,140.00,EUR,thanks for everything,Bohn\n", rules: String = rules) throws -> String {
    let base = TemporaryPaths.make(name)
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name,email\nc1,Kaffeeroesterei Bohn GmbH,ap@bohn.example\nc2,Other AG,ap@other.example\n"
      .write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try """
      id,customer,contract,issue_date,due_date,currency,amount,status
      INV-1,c1,,2026-11-01,2026-11-15,EUR,100.00,open
      INV-2,c1,,2026-11-02,2026-11-16,EUR,50.00,open
      INV-3,c2,,2026-11-02,2026-11-16,EUR,70.00,open
      INV-4,c1,,2026-11-02,2026-11-16,USD,70.00,open

      """.write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    try ("id,booking_date,amount,currency,remittance,payer_name\n" + payments).write(toFile: base + "/data/payments.csv", atomically: true, encoding: .utf8)
    let (s, _, e) = run(base, ["apply", "--as-of", "2026-11-21", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    return base
  }

  static func run(_ base: String, _ args: [String]) -> (Int32, String, String) {
    CLITests.run(args + ["--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"])
  }

  static func resolve(_ base: String, _ args: [String], date: String = "2026-11-22", by: String = "alice") -> (Int32, String, String) {
    run(base, ["resolve"] + args + ["--as-of", date, "--by", by, "--note", "customer called"])
  }

  static func aging(_ base: String, _ date: String, _ key: String) throws -> String {
    let (status, out, err) = CLITests.run(["report", "aging", "--data", base + "/data", "--as-of", date, "--state", base + "/state", "--format", "json"])
    try #require(status == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let totals = try #require(json["totals"] as? [[String: Any]])
    return "\(totals.first { $0["currency"] as? String == "EUR" }?[key] ?? "none")"
  }

  @Test("an unapplied payment applied to two invoices, its rest on account: dunning, aging and the audit trail follow")
  func applyToInvoices() throws {
    let base = try Self.applied("resolve-apply")
    // (INV-3 of c2, 70.00, is open throughout.)
    #expect(try Self.aging(base, "2026-11-21", "total") == "220.00")
    let (s, out, err) = Self.resolve(base, ["payment:p1", "INV-1", "INV-2=30.00", "--rest", "on-account"])
    try #require(s == 0, "\(err)")
    #expect(out.hasPrefix("Recorded decision 2 as of 2026-11-22 by alice: payment:p1 applied 100.00 EUR to INV-1, 30.00 EUR to INV-2; 10.00 EUR left on the customer's account"))
    // INV-1 paid, INV-2 20.00 open, 10.00 on account.
    #expect(try Self.aging(base, "2026-11-22", "total") == "90.00")
    #expect(try Self.aging(base, "2026-11-22", "credit_on_account") == "10.00" || Self.aging(base, "2026-11-22", "credits") == "10.00")
    // The customer's statement dates the decision's lines on its day, as aging counts it from that run.
    let (_, before, _) = CLITests.run(["ledger", "show", "c1", "--state", base + "/state", "--as-of", "2026-11-21"])
    let (_, after, _) = CLITests.run(["ledger", "show", "c1", "--state", base + "/state", "--as-of", "2026-11-22"])
    #expect(!before.contains("Payment left on account") && after.contains("2026-11-22  p1@2       Payment left on account"), "\(before)\n\(after)")
    let (_, plan, _) = Self.run(base, ["plan", "--as-of", "2026-12-10", "--only", "reminders"])
    #expect(plan.contains("+ reminder INV-2/standard/second") && !plan.contains("INV-1/standard"), "\(plan)")
    // The payment is not matched again; the ledger balances; the audit trail says who, what and why.
    let (s2, o2, _) = Self.run(base, ["apply", "--as-of", "2026-11-22", "--out", base + "/out"])
    #expect(s2 == 0 && (o2.hasPrefix("Nothing new") || o2.contains("0 payment")), "\(o2)")
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
    let (_, audit, _) = CLITests.run(["audit", "--state", base + "/state", "--format", "json"])
    let list = try #require(try JSONSerialization.jsonObject(with: Data(audit.utf8)) as? [[String: Any]])
    #expect(list.count == 1)
    #expect(list.first?["by"] as? String == "alice" && list.first?["why"] as? String == "customer called" && list.first?["customer"] as? String == "c1")
    #expect((list.first?["recorded_at"] as? String)?.isEmpty == false)
  }

  @Test("what cannot be recorded is refused with what to do instead, and nothing is recorded", arguments: [
    (["payment:p1", "INV-1", "INV-2=30.00"], "10.00 EUR of payment payment:p1 is left once the invoices are paid: say what happens to it with --rest"),
    (["payment:p1", "INV-1=120.00", "--rest", "unapplied"], "INV-1 has 100.00 EUR open, less than the 120.00 EUR named"),
    (["payment:p1", "INV-2", "INV-3=10.00", "--rest", "unapplied"], "belong to different customers"),
    (["payment:p1", "INV-4", "--rest", "unapplied"], "INV-4 is in USD, the payment in EUR: Accrue never converts"),
    (["payment:p1", "INV-9", "--rest", "unapplied"], "no invoice 'INV-9' in the invoices file or the ledger"),
    (["payment:p9", "INV-1"], "the ledger records no payment 'payment:p9'"),
    (["payment:p1", "--reverse"], "paid nothing and left no credit"),
    (["payment:p1", "--confirm"], "is not a suggested match"),
  ])
  func refused(args: [String], message: String) throws {
    let base = try Self.applied("resolve-refused")
    let (s, _, err) = Self.resolve(base, args)
    #expect(s == 1)
    #expect(err.contains(message), "\(err)")
    #expect(err.contains("nothing was recorded"))
    #expect(try LedgerStore.read(stateDir: base + "/state").runs.count == 1)
  }

  @Test("usage: who decides is required, one action at a time, a decision never dated before the ledger's last run")
  func usage() throws {
    let base = try Self.applied("resolve-usage")
    #expect(Self.run(base, ["resolve", "payment:p1", "INV-1", "--as-of", "2026-11-22"]).0 == 64)
    #expect(Self.resolve(base, ["payment:p1", "--reverse", "--refund"]).0 == 64)
    #expect(Self.resolve(base, ["payment:p1"]).0 == 64)
    let (s, _, err) = Self.resolve(base, ["payment:p1", "--not-ours"], date: "2026-11-20")
    #expect(s == 1 && err.contains("a decision cannot be dated before it"), "\(err)")
  }

  @Test("reversed in error: the invoices are open again, the credit taken back, the payment unapplied; then applied elsewhere")
  func reverseThenReapply() throws {
    let base = try Self.applied("resolve-reverse")
    try #require(Self.resolve(base, ["payment:p1", "INV-1", "INV-2=40.00", "--rest", "on-account"]).0 == 0)
    let (s, out, err) = Self.resolve(base, ["payment:p1", "--reverse"], date: "2026-11-23", by: "bob")
    try #require(s == 0, "\(err)")
    #expect(out.contains("reversed its application (applied 100.00 EUR to INV-1, 40.00 EUR to INV-2): 140.00 EUR unapplied again"))
    #expect(try Self.aging(base, "2026-11-23", "total") == "220.00")
    #expect(try Self.aging(base, "2026-11-23", "unapplied") == "140.00" || Self.aging(base, "2026-11-23", "unapplied") == "-140.00")
    // Applied again, to INV-2 in full and the rest to INV-1: the books count the money once.
    try #require(Self.resolve(base, ["payment:p1", "INV-2", "INV-1=90.00"], date: "2026-11-24").0 == 0)
    #expect(try Self.aging(base, "2026-11-24", "total") == "80.00")
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.currentPostings["payment:p1"]?.key == "payment:p1@4")
    #expect(journal.supersededPostings == ["payment:p1", "payment:p1@2", "payment:p1@3"])
    let (_, shown, _) = CLITests.run(["ledger", "show", "c1", "--state", base + "/state"])
    #expect(shown.contains("Payment's application to INV-1 reversed by a person's decision (now p1@3)"), "\(shown)")
  }

  @Test("a suggested match confirmed as suggested; a payment not ours; a refund: each leaves no cash waiting")
  func confirmNotOursRefund() throws {
    let base = try Self.applied(
      "resolve-kinds", payments: "p1,2026-11-20,140.00,EUR,thanks,Bohn\np2,2026-11-20,25.00,EUR,interest from the bank,Bank\n")
    #expect(try Self.aging(base, "2026-11-21", "unapplied") == "165.00" || Self.aging(base, "2026-11-21", "unapplied") == "-165.00")
    try #require(Self.resolve(base, ["payment:p2", "--not-ours"]).0 == 0)
    try #require(Self.resolve(base, ["payment:p1", "--refund"]).0 == 0)
    #expect(try Self.aging(base, "2026-11-22", "unapplied") == "0.00")
    #expect(try Self.aging(base, "2026-11-22", "total") == "220.00")
    // Recorded once: the same decision again finds nothing left.
    let (s, _, err) = Self.resolve(base, ["payment:p1", "--refund"])
    #expect(s == 1 && err.contains("was refunded to the payer"), "\(err)")
    #expect(Self.resolve(base, ["payment:p2", "--not-ours"]).0 == 1)
    let (_, audit, _) = CLITests.run(["audit", "--state", base + "/state"])
    #expect(audit.contains("2 decisions") || audit.contains("3 decisions"), "\(audit)")
    #expect(audit.contains("not-ours  payment:p2") && audit.contains("refund  payment:p1"), "\(audit)")
  }

  @Test("a suggested match confirmed as it was suggested: posted, the invoice paid")
  func confirm() throws {
    let folder = try Self.applied("resolve-confirm", payments: "p1,2026-11-20,100.00,EUR,INV-1,Bohn\n", rules: Self.rules.replacingOccurrences(of: "confidence auto", with: "confidence suggest"))
    #expect(try LedgerStore.read(stateDir: folder + "/state").postedPayments.map { $0.status?.rawValue } == ["suggested"])
    #expect(try Self.aging(folder, "2026-11-21", "total") == "220.00")
    let (s, out, err) = Self.resolve(folder, ["payment:p1", "--confirm"])
    try #require(s == 0, "\(err)")
    #expect(out.contains("confirmed the suggested match: applied 100.00 EUR to INV-1"), "\(out)")
    #expect(try Self.aging(folder, "2026-11-22", "total") == "120.00")
    #expect(try LedgerStore.open(stateDir: folder + "/state").verify().isEmpty)
  }

  @Test("credit a payment left on account that paid another invoice since cannot be taken back: the reversal is refused")
  func creditUsedRefused() throws {
    let rules = Self.rules.replacingOccurrences(of: "currency EUR\n\ncadence", with: "currency EUR\naccount credit applied oldest first\n\ncadence")
    let base = try Self.applied("resolve-credit-used", rules: rules)
    try #require(Self.resolve(base, ["payment:p1", "INV-1", "--rest", "on-account"]).0 == 0)
    // The next apply uses the 40.00 on INV-2.
    let (s1, o1, e1) = Self.run(base, ["apply", "--as-of", "2026-11-23", "--out", base + "/out"])
    try #require(s1 == 0, "\(e1)")
    #expect(o1.contains("40.00 EUR of credit on account used"), "\(o1)")
    let (s, _, err) = Self.resolve(base, ["payment:p1", "--reverse"], date: "2026-11-24")
    #expect(s == 1 && err.contains("40.00 EUR on c1's account and 40.00 EUR of it was used since"), "\(err)")
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  @Test("accrue exceptions lists what waits for a person, with the command that decides it; a resolved payment leaves the list")
  func exceptionsList() throws {
    let base = try Self.applied("resolve-list", payments: "p1,2026-11-20,140.00,EUR,thanks,Bohn\np2,2026-11-20,25.00,EUR,interest,Bank\n")
    let (s, text, err) = CLITests.run(["exceptions", "--state", base + "/state"])
    try #require(s == 0, "\(err)")
    #expect(text.contains("Waiting for a decision in \(base)/state/ledger.sqlite: 2 payments"), "\(text)")
    #expect(text.contains("accrue resolve payment:p1 INVOICE=AMOUNT... | --not-ours | --refund"))
    try #require(Self.resolve(base, ["payment:p2", "--not-ours"]).0 == 0)
    let (_, json, _) = CLITests.run(["exceptions", "--state", base + "/state", "--format", "json"])
    let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect((list["payments"] as? [[String: Any]])?.map { $0["payment"] as? String } == ["payment:p1"])
  }

  @Test("invoices named without amounts take what is left of the payment in the order named; a short one written off")
  func shortPayment() throws {
    let base = try Self.applied("resolve-short")
    let (s, out, err) = Self.resolve(base, ["payment:p1", "INV-1", "INV-2", "--write-off-short"])
    try #require(s == 0, "\(err)")
    #expect(out.contains("applied 100.00 EUR to INV-1, 40.00 EUR to INV-2 (10.00 EUR written off)"), "\(out)")
    #expect(try Self.aging(base, "2026-11-22", "total") == "70.00")
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }
}
