import AccrueCLI
import AccrueTestSupport
import Foundation
import Testing

/// `plan` dated before the ledger's last run sees the books as they stood on its date: what later runs applied,
/// sent or issued is not counted as done.
@Suite("plan at an earlier date than the ledger's last run")
struct PlanAsOfTests {
  static let rules = """
    currency EUR
    match by_number "Invoice number" {
      currency EUR
      reference pattern /INV-[0-9]+/ in remittance
      candidates open invoices of any customer, same currency
      allocate exact single
      confidence auto
    }

    """

  @Test("a payment a later apply recorded is applied again by a plan dated before that apply, with a note saying why")
  func earlierPlan() throws {
    let base = TemporaryPaths.make("plan-asof")
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try Self.rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name\nc1,Harbor\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,issue_date,due_date,currency,amount\nINV-1,c1,2026-03-01,2026-03-31,EUR,100.00\n"
      .write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    try "id,booking_date,amount,currency,remittance,payer_name\nP-1,2026-03-05,100.00,EUR,INV-1,Harbor\n"
      .write(toFile: base + "/data/payments.csv", atomically: true, encoding: .utf8)
    func run(_ args: [String]) -> (Int32, String, String) {
      CLITests.run(args + ["--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"])
    }
    let (s, _, e) = run(["apply", "--as-of", "2026-03-06", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    let (s1, later, _) = run(["plan", "--as-of", "2026-03-06", "--only", "matches"])
    #expect(s1 == 0 && later.contains("no new payments (1 already applied)"))
    let (s2, earlier, note) = run(["plan", "--as-of", "2026-03-05", "--only", "matches"])
    #expect(s2 == 0 && earlier.contains("1 applied automatically") && note.contains("run(s) after 2026-03-05 are left out"))
  }

  @Test("an earlier plan's provisional numbers are the ones that date's run would have given, not the ledger's last")
  func earlierNumbers() throws {
    let base = TemporaryPaths.make("plan-asof-numbers")
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try CancellationTests.rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name\nharbor,Harbor Analytics BV\nquay,Quay Logistics\npier,Pier Foods\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try CancellationTests.contracts(cancelled: false).write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    // January's three invoices (HA-2026-0001 to 0003) on 2026-01-01; February's (0004 to 0006) applied on the 2nd.
    try #require(CancellationTests.run(base, ["apply", "--as-of", "2026-01-01", "--since", "2025-12-31", "--out", base + "/out"]).0 == 0)
    try #require(CancellationTests.run(base, ["apply", "--as-of", "2026-02-02", "--out", base + "/out"]).0 == 0)
    // A plan of the 1st sees February's invoices not yet issued, numbered as that day's run would have: from 0004.
    let (s, out, e) = CancellationTests.run(base, ["plan", "--as-of", "2026-02-01", "--since", "2026-01-31", "--format", "csv"])
    try #require(s == 0, "\(e)")
    #expect(out.contains("C-1/2026-02-01,HA-2026-0004,invoice"), "\(out)")
  }
}
