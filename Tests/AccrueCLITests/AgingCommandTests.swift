import AccrueCLI
import AccrueModel
import Foundation
import Testing
import AccrueTestSupport

/// `accrue report aging` through the command line, on a small dataset with a journal written by a real
/// `accrue apply` (the bundled rules): invoices paid before, on and after the as-of date, part paid and disputed,
/// a credit note, a void invoice, one paid without a date, one written off, one issued after the date; payments
/// applied in full, over (credit on account), over beyond tolerance (held), and from an unknown payer.
@Suite("report aging")
struct AgingCommandTests {
  static let rules = PlanCommandTests.rules
  static let examples = PlanCommandTests.data

  static let customers = """
    id,name,segment,country,currency,email,billing_email,account_owner,phone,credit_hold,strategic,in_litigation
    cust-a,Acme Tools Inc.,mid-market,US,USD,ap@acme.example,ap@acme.example,owner@us.example,,false,false,false
    cust-b,Bolt Freight LLC,mid-market,US,USD,ap@bolt.example,ap@bolt.example,owner@us.example,,false,false,false
    cust-c,Cinder Labs,mid-market,US,USD,ap@cinder.example,ap@cinder.example,owner@us.example,,false,false,false
    cust-d,Delta Dental Group,mid-market,US,USD,ap@delta.example,ap@delta.example,owner@us.example,,false,false,false

    """

  static let invoiceHeader = "id,kind,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,paid_date"
  static let invoiceRows = [
    "INV-2026-0101,invoice,cust-a,2026-08-01,2026-08-31,USD,1000.00,,,open,",  // paid by pay-1 (journal)
    "INV-2026-0102,invoice,cust-a,2026-09-01,2026-10-01,USD,500.00,500.00,,paid,2026-10-15",  // paid before the date
    "INV-2026-0103,invoice,cust-b,2026-07-01,2026-07-31,USD,800.00,800.00,,paid,2026-11-01",  // paid on it
    "INV-2026-0104,invoice,cust-b,2026-06-01,2026-07-01,USD,1200.00,1200.00,,paid,2026-11-10",  // paid after it
    "INV-2026-0105,invoice,cust-b,2026-08-20,2026-09-19,USD,1000.00,400.00,100.00,open,",  // part paid, disputed
    "INV-2026-0106,invoice,cust-c,2026-10-01,2026-10-31,USD,999.00,,,void,",
    "CN-2026-0001,credit_note,cust-a,2026-10-10,2026-10-10,USD,50.00,,,open,",
    "INV-2026-0107,invoice,cust-c,2026-09-15,2026-10-15,USD,200.00,,,open,",  // pay-2: 5.00 over, held
    "INV-2026-0108,invoice,cust-d,2026-09-20,2026-10-20,USD,300.00,,,open,",  // pay-3: 10.00 over, on account
    "INV-2026-0109,invoice,cust-d,2026-08-10,2026-09-09,USD,330.00,330.00,,paid,",  // no paid_date
    "INV-2026-0110,invoice,cust-c,2026-05-01,2026-05-31,USD,200.00,,,written_off,2026-09-30",
    "INV-2026-0111,invoice,cust-a,2026-11-05,2026-12-05,USD,700.00,,,open,",  // issued after 2026-11-01
  ]

  static let payments = """
    id,booking_date,value_date,amount,currency,reference,remittance,payer_name,payer_account
    pay-1,2026-10-20,2026-10-20,1000.00,USD,,INV-2026-0101 thanks,ACME TOOLS INC,
    pay-2,2026-10-21,2026-10-21,205.00,USD,,INV-2026-0107,Cinder Labs,
    pay-3,2026-10-22,2026-10-22,310.00,USD,,,Delta Dental Group,US11DELTA0001
    pay-4,2026-10-23,2026-10-23,75.00,USD,,order 5512,Someone Else Ltd,
    pay-5,2026-11-15,2026-11-15,600.00,USD,,INV-2026-0105,Bolt Freight,

    """

  /// The data folder (invoice rows in `rows` order), and a state folder after `accrue apply` as of each date.
  static func setUp(rows: [String] = invoiceRows, applyAsOf: [String] = ["2026-11-01", "2026-11-20"]) throws -> (data: String, state: String) {
    let base = TemporaryPaths.make("accrue-aging")
    let data = base + "/data"
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    let files = [
      "customers.csv": customers, "contracts.csv": "id,customer,plan,start_date\n", "payments.csv": payments,
      "accounts.csv": "customer,account\ncust-d,US11DELTA0001\n", "invoices.csv": ([invoiceHeader] + rows).joined(separator: "\n") + "\n",
    ]
    for (name, text) in files { try text.write(toFile: data + "/" + name, atomically: true, encoding: .utf8) }
    for d in applyAsOf {
      let (s, _, err) = CLITests.run(["apply", "--rules", rules, "--data", data, "--as-of", d, "--state", base + "/state", "--out", base + "/out"])
      try #require(s == 0, "\(err)")
    }
    return (data, base + "/state")
  }

  static func aging(_ data: String, _ asOf: String, _ more: [String] = []) -> (Int32, String, String) {
    CLITests.run(["report", "aging", "--data", data, "--as-of", asOf] + more)
  }

  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  static func usd(_ report: [String: Any]) throws -> [String: Any] {
    let totals = try #require(report["totals"] as? [[String: Any]])
    return try #require(totals.first { $0["currency"] as? String == "USD" })
  }

  @Test("text and JSON on the example data; usage errors exit 64")
  func basics() throws {
    let (s, out, _) = Self.aging(Self.examples, "2026-11-01")
    #expect(s == 0)
    #expect(out.contains("over 90"))
    #expect(out.contains("DSO"))
    let obj = try Self.json(Self.aging(Self.examples, "2026-11-01", ["--format", "json"]).1)
    #expect((obj["totals"] as? [Any])?.count == 2)
    #expect(CLITests.run(["report", "agin", "--data", Self.examples, "--as-of", "2026-11-01"]).0 == 64)
    #expect(CLITests.run(["report", "aging", "--data", Self.examples]).0 == 64)
  }

  static let optionCases: [([String], Int32)] = [
    (["--buckets", "30,60,90"], 0), (["--buckets", "7"], 0), (["--buckets", "1,2,3,4,5,6,7,8,9,10,11,12"], 0), (["--buckets", ""], 64),
    (["--buckets", "0,30"], 64), (["--buckets", "60,30"], 64), (["--buckets", "30,30"], 64), (["--buckets", "x"], 64),
    (["--buckets", "1,2,3,4,5,6,7,8,9,10,11,12,13"], 64), (["--rounding", "half-up"], 0), (["--rounding", "floor"], 0),
    (["--rounding", "half_even"], 64), (["--rounding", "banker"], 64), (["--state", "/nonexistent/state"], 1),
  ]

  @Test("receivables too large to add up: exit 1 and why, no report")
  func tooLarge() throws {
    let rows = [
      "INV-1,invoice,cust-a,2026-10-01,2026-10-31,USD,100000000000000000000.00,,,open,",
      "INV-2,invoice,cust-b,2026-10-01,2026-10-31,USD,100000000000000000000.00,,,open,",
    ]
    let (data, _) = try Self.setUp(rows: rows, applyAsOf: [])
    let (s, out, err) = Self.aging(data, "2026-11-01")
    #expect(s == 1)
    #expect(out.isEmpty)
    #expect(err.contains("the receivables in USD add up to more than Accrue can represent"), "\(err)")
  }

  @Test("--buckets and --rounding are checked: a bad value is a usage error", arguments: optionCases)
  func options(_ more: [String], _ status: Int32) {
    let (s, _, err) = Self.aging(Self.examples, "2026-11-01", more)
    #expect(s == status, "\(err)")
    if status == 64 { #expect(err.contains("--\(more[0].dropFirst(2))")) }
  }

  // Before the fix, '--state' was an unknown option, and INV-2026-0009, closed by 'apply', stayed 61-90 days overdue.
  @Test("--state with CSV statements: read with --rules' statement formats; without them, a located error that says so")
  func csvStatements() throws {
    let example = CLITests.repoRoot.appendingPathComponent("examples/conformance/statement-formats").path
    let base = TemporaryPaths.make("accrue-aging-csv")
    try FileManager.default.copyItem(atPath: example + "/data", toPath: base + "/data")
    let rules = example + "/formats.accrue"
    let (s, _, err) = CLITests.run(["apply", "--rules", rules, "--data", base + "/data", "--as-of", "2026-11-30", "--state", base + "/state", "--out", base + "/out"])
    try #require(s == 0, "\(err)")
    let (bad, _, badErr) = Self.aging(base + "/data", "2026-11-30", ["--state", base + "/state"])
    #expect(bad == 1 && badErr.contains("D0105") && badErr.contains("reads it with --rules"), "\(badErr)")
    let (ok, out, okErr) = Self.aging(base + "/data", "2026-11-30", ["--state", base + "/state", "--rules", rules])
    #expect(ok == 0, "\(okErr)")
    #expect(!out.isEmpty)
  }

  @Test("--state: an invoice closed by apply on the example data is no longer overdue")
  func examplesWithState() throws {
    let dir = TemporaryPaths.make("accrue-aging-ex")
    let (a, _, err) = CLITests.run(
      ["apply", "--rules", Self.rules, "--data", Self.examples, "--as-of", "2026-11-01", "--state", dir + "/state", "--out", dir + "/out"])
    try #require(a == 0, "\(err)")
    let (_, before, _) = Self.aging(Self.examples, "2026-11-01", ["--detail"])
    #expect(before.contains("INV-2026-0009"))
    let (s, after, e2) = Self.aging(Self.examples, "2026-11-01", ["--detail", "--state", dir + "/state"])
    #expect(s == 0, "\(e2)")
    #expect(!after.contains("INV-2026-0009"))
    #expect(!after.contains("INV-2026-0039"))  // both of cust-040's invoices in the file paid by pay-2026-1005
    #expect(after.contains("cust-040"))  // what apply issued to cust-040 (numbered NW-2026-...) is a receivable of the ledger
    #expect(after.contains("payment:pay-2026-1006"))  // unidentified cash, held
  }

  // Before the fix: exit 64 ('--state' unknown), and E ignored paid_date (INV-2026-0104, paid 11-10, was left out).
  @Test("--state after real apply runs: closed invoices, credits on account, unapplied cash; runs dated later left out")
  func withJournal() throws {
    let (data, state) = try Self.setUp()
    let (s, out, err) = Self.aging(data, "2026-11-01", ["--state", state, "--format", "json", "--detail"])
    try #require(s == 0, "\(err)")
    let r = try Self.json(out)
    let t = try Self.usd(r)
    // Open: INV-0104 (paid after the date) 1200 over 90, INV-0105 600 (31-60). INV-0101 paid by pay-1, INV-0107 by
    // pay-2, INV-0108 by pay-3; pay-5's run is dated 2026-11-20.
    #expect(t["total"] as? String == "1800.00")
    #expect(t["buckets"] as? [String: String] == ["current": "0.00", "1-30": "0.00", "31-60": "600.00", "61-90": "0.00", "over 90": "1200.00"])
    #expect(t["disputed"] as? String == "100.00")
    #expect(t["credit_notes"] as? String == "50.00")
    #expect(t["credit_on_account"] as? String == "10.00")  // pay-3
    #expect(t["unapplied"] as? String == "80.00")  // pay-2's 5.00 held, pay-4's 75.00 unidentified
    #expect(t["unidentified"] as? String == "75.00")
    #expect(t["net_balance"] as? String == "1660.00")
    #expect(t["credit_sales"] as? String == "2330.00")
    #expect(t["beginning_receivables"] as? String == "3200.00")
    #expect(t["dso"] as? Double == 69.5)
    #expect(t["cei"] as? Double == 67.5)
    let customers = try #require(r["customers"] as? [[String: Any]])
    // Largest overdue first, then id: cust-b (1800), then cust-a, cust-c, cust-d (nothing overdue).
    #expect(customers.map { $0["customer"] as? String } == ["cust-b", "cust-a", "cust-c", "cust-d"])
    #expect(customers.map { $0["net_balance"] as? String } == ["1800.00", "-50.00", "-5.00", "-10.00"])
    let items = try #require(customers[0]["items"] as? [[String: Any]])
    #expect(items.map { $0["id"] as? String } == ["INV-2026-0104", "INV-2026-0105"])
    #expect(items.map { $0["days_past_due"] as? Int } == [123, 43])
    let journal = try #require(r["journal"] as? [String: Any])
    #expect(journal["runs"] as? Int == 1)
    #expect(journal["runs_after_as_of"] as? Int == 1)
    #expect(journal["settlements_counted"] as? Int == 3)
    // Before the run of 2026-11-01: INV-0101 is 55 days overdue; as of 2026-11-20, pay-5 closed INV-0105.
    let early = try Self.usd(try Self.json(Self.aging(data, "2026-10-25", ["--state", state, "--format", "json"]).1))
    #expect(early["total"] as? String == "4100.00")
    #expect((early["buckets"] as? [String: String])?["31-60"] == "1600.00")
    let late = try Self.usd(try Self.json(Self.aging(data, "2026-11-20", ["--state", state, "--format", "json"]).1))
    #expect(late["total"] as? String == "700.00")  // INV-0111, current
  }

  @Test("an invoices file exported after apply shows the payments: nothing is counted twice")
  func notTwice() throws {
    let (data, state) = try Self.setUp()
    let (_, first, _) = Self.aging(data, "2026-11-01", ["--state", state])
    var rows = Self.invoiceRows
    rows[0] = "INV-2026-0101,invoice,cust-a,2026-08-01,2026-08-31,USD,1000.00,1000.00,,open,"  // amount paid, status not yet updated
    rows[7] = "INV-2026-0107,invoice,cust-c,2026-09-15,2026-10-15,USD,200.00,200.00,,paid,2026-10-21"
    try (([Self.invoiceHeader] + rows).joined(separator: "\n") + "\n").write(toFile: data + "/invoices.csv", atomically: true, encoding: .utf8)
    let (s, second, _) = Self.aging(data, "2026-11-01", ["--state", state])
    #expect(s == 0)
    let figures = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("Ledger:") }.joined(separator: "\n") }
    #expect(figures(second) == figures(first))
    #expect(second.contains("1 invoice settlement counted as paid, 2 already in the invoices file"))
  }

  @Test("byte-identical output whatever the order of the invoice rows", arguments: ["text", "json"])
  func rowOrder(_ format: String) throws {
    let (data, state) = try Self.setUp()
    let (reversed, _) = try Self.setUp(rows: Self.invoiceRows.reversed(), applyAsOf: [])
    for d in ["2026-09-15", "2026-11-01"] {
      let (s, a, err) = Self.aging(data, d, ["--state", state, "--detail", "--format", format])
      #expect(s == 0, "\(err)")
      #expect(a.contains("INV-2026-0105"))
      let b = Self.aging(reversed, d, ["--state", state, "--detail", "--format", format]).1
      #expect(a == b)
      #expect(a == Self.aging(data, d, ["--state", state, "--detail", "--format", format]).1)
    }
  }

  @Test("text: aligned columns, detail lines under each customer, ratios with their formulas and rounding")
  func text() throws {
    let (data, state) = try Self.setUp()
    let (_, out, _) = Self.aging(data, "2026-11-01", ["--state", state, "--detail", "--buckets", "15,45", "--rounding", "floor"])
    let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = try #require(lines.first { $0.hasPrefix("customer") })
    #expect(header.hasSuffix("current  1-15   16-45   over 45     total  disputed  credits  net balance"))
    // Customer rows and the total end where the header does (amounts right-aligned under it).
    let table = lines.filter { $0.hasPrefix("cust-") || $0.hasPrefix("total ") || $0.hasPrefix("- ") }
    #expect(table.count == 6)
    for l in table { #expect(l.count == header.count, "\(l)") }
    #expect(lines.contains { $0.hasPrefix("  INV-2026-0105") && $0.contains("2026-09-19") && $0.contains(" 43 ") })
    #expect(lines.contains { $0.hasPrefix("  payment:pay-3") && $0.contains("credit on account") && $0.hasSuffix("10.00") })
    #expect(out.contains("average days delinquent  (E - E_current) / S x 90"))
    #expect(out.contains("Ratios: exact, rounded once to one decimal, floor."))
    #expect(out.contains("= 69.5 days"))  // DSO 69.528... floored
    #expect(out.contains("paid_date missing on 1 paid or written-off invoice or credit note"))
    #expect(out.contains("1 run dated after 2026-11-01 left out"))
  }

  @Test("JSON: bucket limits, rounding and formulas stated")
  func jsonFields() throws {
    let r = try Self.json(Self.aging(Self.examples, "2026-11-01", ["--format", "json", "--buckets", "10,20", "--rounding", "half-up"]).1)
    #expect((r["rounding"] as? [String: Any])?["mode"] as? String == "half-up")
    #expect((r["rounding"] as? [String: Any])?["places"] as? Int == 1)
    let buckets = try #require(r["buckets"] as? [[String: Any]])
    #expect(buckets.map { $0["name"] as? String } == ["current", "1-10", "11-20", "over 20"])
    #expect(buckets.last?["days_past_due_from"] as? Int == 21)
    #expect((r["formulas"] as? [String: String])?["average_days_delinquent"] == "(E - E_current) / S x 90")
    #expect(r["journal"] is NSNull)
    #expect(r["paid_without_date"] as? Int == 46)
    #expect(r["part_paid_without_date"] as? Int == 1)
  }
}
