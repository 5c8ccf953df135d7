import AccrueCLI
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// `accrue dispute`, `accrue promise`, `accrue payment-plan`: decisions that hold dunning, recorded in the ledger
/// and replayed by every later run; a broken promise is what a cadence can react to.
@Suite("disputes, promises and payment plans as decisions")
struct HoldCommandTests {
  static let rules = """
    currency EUR

    cadence standard "Standard" {
      currency EUR
      pause on dispute
      pause on promise to pay
      pause on payment plan
      step first "First reminder" 7 days after due {
        send email "overdue-1"
      }
      step second "Second reminder" 21 days after due {
        send email "overdue-2"
      }
      step promise_broken "Promise broken" 22 days after due {
        when customer.broken_promises > 0
        send email "promise-broken"
      }
    }

    """

  static func folder(_ name: String, rules: String = rules) throws -> String {
    let base = TemporaryPaths.make(name)
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name,email\nc1,Kaffeeroesterei Bohn GmbH,ap@bohn.example\nc2,Other AG,ap@other.example\n"
      .write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try """
      id,customer,contract,issue_date,due_date,currency,amount,status
      INV-1,c1,,2026-11-01,2026-11-15,EUR,100.00,open
      INV-2,c1,,2026-11-02,2026-11-15,EUR,50.00,open
      INV-3,c2,,2026-11-02,2026-11-15,EUR,70.00,open

      """.write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    let (s, _, e) = run(base, ["apply", "--as-of", "2026-11-20", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    return base
  }

  static func run(_ base: String, _ args: [String]) -> (Int32, String, String) {
    CLITests.run(args + ["--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"])
  }

  static func decide(_ base: String, _ args: [String], date: String = "2026-11-20") -> (Int32, String, String) {
    run(base, args + ["--as-of", date, "--by", "ann", "--note", "called the customer"])
  }

  /// The reminders a plan would send as of `date`: key and open balance.
  static func reminders(_ base: String, _ date: String) throws -> [String] {
    let (s, out, err) = run(base, ["plan", "--as-of", date, "--only", "reminders", "--format", "json"])
    try #require(s == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    return (json["reminders"] as? [[String: Any]] ?? []).map { "\($0["key"] ?? "") \($0["open_balance"] ?? "")" }.sorted()
  }

  @Test("a dispute leaves its amount out of dunning until it is closed")
  func dispute() throws {
    let base = try Self.folder("hold-dispute")
    let (s, out, err) = Self.decide(base, ["dispute", "INV-1", "--amount", "30.00"])
    try #require(s == 0, "\(err)")
    #expect(out.contains("30.00 EUR of INV-1 disputed"), "\(out)")
    try #require(Self.decide(base, ["dispute", "INV-2"]).0 == 0)
    #expect(try Self.reminders(base, "2026-11-23") == ["INV-1/standard/first 70.00", "INV-3/standard/first 70.00"])
    // Aging shows what is disputed, from the ledger.
    let (_, aging, _) = CLITests.run(["report", "aging", "--data", base + "/data", "--as-of", "2026-11-20", "--state", base + "/state", "--format", "json"])
    let totals = try #require((try JSONSerialization.jsonObject(with: Data(aging.utf8)) as? [String: Any])?["totals"] as? [[String: Any]])
    #expect(totals.first?["disputed"] as? String == "80.00", "\(aging)")
    let (s2, _, e2) = Self.decide(base, ["dispute", "INV-2", "--close", "withdrawn"], date: "2026-11-21")
    try #require(s2 == 0, "\(e2)")
    #expect(try Self.reminders(base, "2026-11-23") == ["INV-1/standard/first 70.00", "INV-2/standard/first 50.00", "INV-3/standard/first 70.00"])
    // Refused: more than is open, a dispute to close that is not open, an unknown invoice.
    #expect(Self.decide(base, ["dispute", "INV-1", "--amount", "120.00"], date: "2026-11-21").2.contains("INV-1 has 100.00 EUR open"))
    #expect(Self.decide(base, ["dispute", "INV-3", "--close", "upheld"], date: "2026-11-21").2.contains("INV-3 has no dispute open"))
    #expect(Self.decide(base, ["dispute", "INV-9"], date: "2026-11-21").2.contains("no invoice 'INV-9'"))
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  @Test("a promise pauses dunning until its date; broken, the cadence's step for broken promises fires")
  func promise() throws {
    let base = try Self.folder("hold-promise")
    let (s, out, err) = Self.decide(base, ["promise", "INV-1", "--pay-by", "2026-11-30", "--amount", "100.00"])
    try #require(s == 0, "\(err)")
    #expect(out.contains("promise to pay INV-1 by 2026-11-30 (100.00 EUR)"), "\(out)")
    #expect(try Self.reminders(base, "2026-11-25") == ["INV-2/standard/first 50.00", "INV-3/standard/first 70.00"])
    // Unpaid after the date: broken. c1's invoices take the step for broken promises (the count is the customer's);
    // c2's the second reminder.
    #expect(try Self.reminders(base, "2026-12-10") == [
      "INV-1/standard/promise_broken 100.00", "INV-2/standard/promise_broken 50.00", "INV-3/standard/second 70.00",
    ])
    #expect(Self.decide(base, ["promise", "INV-1", "--pay-by", "2026-11-19"]).2.contains("is before the decision's date"))
    #expect(Self.decide(base, ["promise", "--customer", "c1", "--pay-by", "2026-12-01", "--amount", "5.00"]).2.contains("goes with an invoice"))
  }

  @Test("a payment plan pauses a customer's dunning while active; ended broken, dunning resumes; the audit trail lists it all")
  func paymentPlan() throws {
    let base = try Self.folder("hold-plan")
    let (s, out, err) = Self.decide(base, ["payment-plan", "--customer", "c1", "--to", "2026-12-31", "--id", "pp-7"])
    try #require(s == 0, "\(err)")
    #expect(out.contains("payment plan pp-7 for all of c1's invoices from 2026-11-20 to 2026-12-31"), "\(out)")
    #expect(try Self.reminders(base, "2026-11-25") == ["INV-3/standard/first 70.00"])
    #expect(Self.decide(base, ["payment-plan", "--end", "pp-8", "--outcome", "broken"], date: "2026-11-26").2.contains("Did you mean 'pp-7'?"))
    try #require(Self.decide(base, ["payment-plan", "--end", "pp-7", "--outcome", "broken"], date: "2026-11-26").0 == 0)
    #expect(try Self.reminders(base, "2026-11-26") == ["INV-1/standard/first 100.00", "INV-2/standard/first 50.00", "INV-3/standard/first 70.00"])
    let (_, audit, _) = CLITests.run(["audit", "--state", base + "/state", "--customer", "c1"])
    #expect(audit.contains("payment-plan  customer:c1") && audit.contains("payment-plan-ended  customer:c1"), "\(audit)")
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.runs.compactMap(\.hold).map { "\($0.kind.rawValue) \($0.planID) \($0.state)" } == ["payment_plan pp-7 active", "payment_plan pp-7 broken"])
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }
}
