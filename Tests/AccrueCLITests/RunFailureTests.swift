import AccrueCLI
import AccrueTestSupport
import Foundation
import Testing

/// A rule that cannot be evaluated on the data stops the run: a located error, exit 1, nothing written.
@Suite("Run failures")
struct RunFailureTests {
  static let rules = """
    currency USD
    metric spend { sum of event.amount }
    plan team {
      period monthly
      align to calendar
      payment terms net 30 days
      charge seats "Seats" {
        per unit 15.00 USD
        quantity contract.seats
      }
    }
    """

  /// A data folder with one contract of `seats` seats, and a rules folder.
  static func folders(seats: String, rules: String = rules) throws -> (rules: String, data: String) {
    let dir = TemporaryPaths.make("accrue-failures")
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
    try rules.write(toFile: dir + "/rules/plans.accrue", atomically: true, encoding: .utf8)
    try "id,name,country\nc1,Acme,US\n".write(toFile: dir + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,seats\nk1,c1,team,2026-10-01,\(seats)\n".write(
      toFile: dir + "/data/contracts.csv", atomically: true, encoding: .utf8)
    return (dir + "/rules", dir + "/data")
  }

  @Test("an amount too large to represent is a located error: plan exits 1 and prints no invoice")
  func overflowStopsPlan() throws {
    let (rules, data) = try Self.folders(seats: "99999999999999999999")
    let (s, out, err) = CLITests.run(["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-01"])
    #expect(s == 1)
    #expect(out.isEmpty, "\(out)")
    #expect(err.contains("plans.accrue:7:3: error: charge seats: 99999999999999999999 x 15 is too large to represent"), "\(err)")
    #expect(err.contains("while evaluating it on invoice k1/2026-11-01"), "\(err)")
    #expect(err.contains("nothing was produced"))
    // The same data with a representable quantity bills normally.
    let (ok, text, _) = CLITests.run(["plan", "--rules", try Self.folders(seats: "3").rules, "--data", try Self.folders(seats: "3").data, "--as-of", "2026-11-01"])
    #expect(ok == 0)
    #expect(text.contains("45.00"))
  }

  @Test("apply records nothing and writes no run folder when a rule fails on the data")
  func overflowStopsApply() throws {
    let (rules, data) = try Self.folders(seats: "99999999999999999999")
    let state = TemporaryPaths.make("accrue-failures-state")
    let out = TemporaryPaths.make("accrue-failures-out")
    let (s, _, err) = CLITests.run(["apply", "--rules", rules, "--data", data, "--as-of", "2026-11-01", "--state", state, "--out", out])
    #expect(s == 1, "\(err)")
    #expect(!FileManager.default.fileExists(atPath: state + "/ledger.sqlite"))
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty)
  }

  @Test("a rule test whose rules fail on its data is an error, not a pass")
  func ruleTest() throws {
    let (rules, _) = try Self.folders(seats: "1")
    let test = """
      test "overflow"
      rules \(rules)
      as of 2026-11-01
      data customers.csv
      id,name
      c1,Acme

      data contracts.csv
      id,customer,plan,start_date,seats
      k1,c1,team,2026-10-01,99999999999999999999

      expect invoices 0
      """
    let file = try CLITests.temp("overflow.accrue-test", test)
    let (s, out, _) = CLITests.run(["test", file])
    #expect(s == 1)
    #expect(out.contains("ERROR"), "\(out)")
    #expect(out.contains("too large to represent"), "\(out)")
  }
}
