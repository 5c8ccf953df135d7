import AccrueCLI
import Foundation
import Testing
import AccrueTestSupport

/// `accrue test`: the bundled rule tests pass; failures show expected and actual; JUnit; --update.
@Suite("test command")
struct TestCommandTests {
  static let root = CLITests.repoRoot

  /// A test file next to a copy of the bundled rules (so `rules ..` finds them).
  static func testFile(_ body: String) throws -> String {
    let dir = TemporaryPaths.make("accrue-rt")
    try FileManager.default.copyItem(atPath: root.appendingPathComponent("rules").path, toPath: dir)
    try? FileManager.default.removeItem(atPath: dir + "/tests")
    try FileManager.default.createDirectory(atPath: dir + "/tests", withIntermediateDirectories: true)
    let path = dir + "/tests/t.accrue-test"
    try body.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static let seats = """
    test "Team seats"
    rules ..
    as of 2026-11-01
    since 2026-10-31

    data customers.csv
    id,name,country
    c1,Acme,US

    data contracts.csv
    id,customer,plan,start_date,seats,currency
    k1,c1,team,2026-01-01,3,USD

    """

  @Test("the bundled rules and examples come with tests, and they pass")
  func bundled() {
    let (s, out, err) = CLITests.run(["test", Self.root.appendingPathComponent("rules").path, Self.root.appendingPathComponent("examples").path])
    #expect(s == 0, "\(out)\(err)")
    #expect(out.contains(" passed, 0 failed"))
  }

  @Test("a failing expectation: expected and actual, exit 1, JUnit XML with the failure")
  func failing() throws {
    let path = try Self.testFile(Self.seats + "\nexpect invoice k1/2026-11-01 total 50.00 USD\nexpect invoices 1\n")
    let junit = path + ".xml"
    let (s, out, _) = CLITests.run(["test", path, "--junit", junit])
    #expect(s == 1)
    #expect(out.contains("FAIL") && out.contains("t.accrue-test:14: expect invoice k1/2026-11-01 total 50.00 USD"))
    #expect(out.contains("got: total 45.00 USD"))
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(xml.contains("<testsuite name=\"accrue\" tests=\"1\" failures=\"1\" errors=\"0\">"))
    #expect(xml.contains("<failure message=\"1 expectation failed\">"))
  }

  @Test("--update records what the run produces; the test then passes")
  func update() throws {
    let path = try Self.testFile(Self.seats + "\nexpect invoices 7\n")
    #expect(CLITests.run(["test", path]).0 == 1)
    #expect(CLITests.run(["test", path, "--update"]).0 == 0)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("expect invoice k1/2026-11-01 total 45.00 USD"))
    #expect(text.contains("expect invoice k1/2026-11-01 line \"Seats: 3 x 15.00 USD\" 45.00"))
    #expect(text.hasPrefix("test \"Team seats\""))
    #expect(CLITests.run(["test", path]).0 == 0)
  }

  @Test("errors: a malformed test file is located; no tests found exits 1; no path is a usage error")
  func errors() throws {
    let path = try Self.testFile("test \"x\"\nas of 2026-11-01\nexpect invoice k1 totl 5\n")
    let (s, out, _) = CLITests.run(["test", path])
    #expect(s == 1)
    #expect(out.contains("t.accrue-test:3: expected one of: expect invoices N"))
    let empty = TemporaryPaths.make("accrue-none")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    #expect(CLITests.run(["test", empty]).0 == 1)
    #expect(CLITests.run(["test"]).0 == 64)
  }
}

extension TestCommandTests {
  @Test("--format github: an annotation at the failing expectation's line; --format json: structured results")
  func formats() throws {
    let path = try Self.testFile(Self.seats + "\nexpect invoice k1/2026-11-01 total 50.00 USD\n")
    let (s, gh, _) = CLITests.run(["test", path, "--format", "github"])
    #expect(s == 1)
    #expect(gh.contains("::error file=" + path.replacingOccurrences(of: ":", with: "%3A") + ",line=14,title=Team seats::expect invoice k1/2026-11-01 total 50.00 USD; got: total 45.00 USD"))
    let (_, json, _) = CLITests.run(["test", path, "--format", "json"])
    let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let tests = obj?["tests"] as? [[String: Any]] ?? []
    #expect(tests.first?["status"] as? String == "failed")
    #expect(((tests.first?["failures"] as? [[String: Any]])?.first?["line"] as? Int) == 14)
  }
}
