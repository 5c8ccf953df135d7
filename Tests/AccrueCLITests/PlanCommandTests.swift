import AccrueCLI
import Foundation
import Testing
import AccrueTestSupport

/// `accrue plan` and `accrue compile` end to end on the bundled rules and data.
@Suite("plan command")
struct PlanCommandTests {
  static let root = CLITests.repoRoot
  static let rules = root.appendingPathComponent("rules").path
  static let data = root.appendingPathComponent("examples/data").path

  @Test("the bundled example plans, and the summary line totals each currency")
  func bundled() {
    let (s, out, err) = CLITests.run(["plan", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01"])
    #expect(s == 0, "\(err)")
    let last = out.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasPrefix("Plan: "), "\(last)")
    #expect(last.contains("USD") && last.contains("EUR"), "\(last)")
    #expect(out.contains("+ invoice "))
  }

  @Test("byte-identical output on a rerun, in every format", arguments: ["text", "json", "csv"])
  func deterministic(_ format: String) {
    let args = ["plan", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01", "--format", format]
    let a = CLITests.run(args)
    let b = CLITests.run(args)
    #expect(a.0 == 0)
    #expect(a.1 == b.1)
  }

  @Test("--explain shows the rule, the steps and the data rows of one invoice")
  func explain() throws {
    let (_, json, _) = CLITests.run(["plan", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01", "--format", "json"])
    let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let invoices = obj?["invoices"] as? [[String: Any]] ?? []
    let key = try #require(invoices.first?["key"] as? String)
    let (s, out, _) = CLITests.run(["plan", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01", "--explain", key])
    #expect(s == 0)
    #expect(out.contains("rule rules/") || out.contains("rule " + Self.rules))
    #expect(out.contains("rounded"))
    #expect(out.contains("from data rows:"))
  }

  @Test("usage errors: no --as-of, a bad date")
  func usage() {
    #expect(CLITests.run(["plan", "--rules", Self.rules, "--data", Self.data]).0 == 64)
    #expect(CLITests.run(["plan", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-02-30"]).0 == 64)
  }

  @Test(
    "bad data: exit 1, located error, nothing on stdout",
    arguments: [
      ("unknown-customer", "D0301"), ("bad-date", "D0204"), ("too-many-decimals", "D0208"), ("duplicate-id", "D0304"),
      ("unknown-plan", "D0303"), ("missing-column", "D0201"), ("unknown-column", "D0202"),
    ])
  func badData(_ folder: String, _ code: String) {
    let dir = Self.root.appendingPathComponent("examples/data/bad/\(folder)").path
    let (s, out, err) = CLITests.run(["plan", "--rules", Self.rules, "--data", dir, "--as-of", "2026-11-01"])
    #expect(s == 1)
    #expect(out.isEmpty)
    #expect(err.contains("error[\(code)]"), "\(err)")
    #expect(err.range(of: #"\.(csv|json|jsonl):\d+:\d+: error"#, options: .regularExpression) != nil, "\(err)")
  }

  @Test("--reject-file sets bad rows aside with their reasons and processes the rest")
  func rejectFile() throws {
    let dir = Self.root.appendingPathComponent("examples/data/bad/unknown-customer").path
    let reject = TemporaryPaths.make("rejects", suffix: ".csv")
    let (s, out, _) = CLITests.run(["plan", "--rules", Self.rules, "--data", dir, "--as-of", "2026-11-01", "--reject-file", reject])
    #expect(s == 0)
    #expect(out.contains("Plan: "))
    let rejects = try String(contentsOfFile: reject, encoding: .utf8)
    #expect(rejects.contains("D0301"))
    #expect(rejects.split(whereSeparator: \.isNewline).count == 2)
  }

  @Test("compile --emit plan prints resolved slots, not names")
  func compile() throws {
    let (s, out, _) = CLITests.run(["compile", "--rules", Self.rules, "--emit", "plan"])
    #expect(s == 0)
    let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    #expect((obj?["plans"] as? [Any])?.isEmpty == false)
    #expect(out.contains("(field contract#"))
  }
}
