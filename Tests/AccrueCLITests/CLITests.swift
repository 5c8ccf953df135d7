import AccrueCLI
import Foundation
import Testing
import AccrueTestSupport

/// The command line, in process: exit statuses, where output goes, formats.
@Suite("CLI")
struct CLITests {
  static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func run(_ args: [String]) -> (Int32, String, String) {
    let io = CapturedOutput()
    let status = CLI.run(args, io: io)
    return (status, io.stdout, io.stderr)
  }

  static func temp(_ name: String, _ text: String) throws -> String {
    let dir = TemporaryPaths.url("accrue-cli")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let p = dir.appendingPathComponent(name)
    try text.write(to: p, atomically: true, encoding: .utf8)
    return p.path
  }

  @Test("help and version go to stdout with status 0")
  func help() {
    for args in [["--help"], ["-h"], ["help"], ["help", "check"], ["check", "--help"], ["--version"]] {
      let (s, out, err) = Self.run(args)
      #expect(s == 0, "\(args)")
      #expect(!out.isEmpty && err.isEmpty, "\(args)")
    }
    #expect(Self.run(["--help"]).1.contains("SUBCOMMANDS:"))
    #expect(Self.run(["help", "check"]).1.contains("USAGE: accrue check"))
  }

  @Test("usage errors go to stderr with status 64")
  func usage() {
    for args in [[], ["chek", "x"], ["check"], ["check", "--formt", "json", "x"], ["check", "--format", "xml", "x"], ["check", "--format"]] {
      let (s, out, err) = Self.run(args)
      #expect(s == 64, "\(args)")
      #expect(out.isEmpty, "\(args)")
      #expect(err.hasPrefix("Error: "), "\(args): \(err)")
    }
    #expect(Self.run(["chek"]).2.contains("Did you mean 'check'?"))
    #expect(Self.run(["check", "--formt", "json", "x"]).2.contains("Did you mean '--format'?"))
  }

  @Test("the bundled rules and examples check clean")
  func bundled() {
    let (s, out, err) = Self.run(["check", Self.repoRoot.appendingPathComponent("rules").path, Self.repoRoot.appendingPathComponent("examples").path])
    #expect(s == 0, "\(out)\(err)")
  }

  @Test("a missing file is a located error, status 1")
  func missing() {
    let (s, out, _) = Self.run(["check", "/nonexistent/rules.accrue"])
    #expect(s == 1)
    #expect(out.contains("/nonexistent/rules.accrue:1:1: error[E0308]"))
  }

  @Test("errors give status 1; warnings only with --strict")
  func strict() throws {
    let warn = try Self.temp("w.accrue", "let unused = 1\n")
    #expect(Self.run(["check", warn]).0 == 0)
    #expect(Self.run(["check", "--strict", warn]).0 == 1)
    let bad = try Self.temp("b.accrue", "let x = 1.00 USD + 1.00 EUR\nlet y = x\n")
    let (s, out, err) = Self.run(["check", bad])
    #expect(s == 1)
    #expect(out.contains("b.accrue:1:9: error[E0402]"))
    #expect(out.contains("^^^^^^^^^^^^^^^^^^^"))
    #expect(err.contains("1 error"))
  }

  @Test("machine formats: json, github, sarif")
  func formats() throws {
    let bad = try Self.temp("b.accrue", "let x = 1.00 USD + 1.00 EUR\nlet y = x\n")
    let json = Self.run(["check", "--format", "json", bad]).1
    let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let d = (obj?["diagnostics"] as? [[String: Any]])?.first
    #expect(d?["code"] as? String == "E0402")
    #expect(d?["line"] as? Int == 1)
    #expect(d?["column"] as? Int == 9)
    #expect((d?["end"] as? [String: Any])?["column"] as? Int == 28)
    #expect(d?["severity"] as? String == "error")
    let gh = Self.run(["check", "--format", "github", bad]).1
    #expect(gh.hasPrefix("::error file="))
    #expect(gh.contains("line=1,col=9,endLine=1,endColumn=28,title=E0402 currency-mismatch::"))
    let sarif = Self.run(["check", "--format", "sarif", bad]).1
    let s = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
    #expect(s?["version"] as? String == "2.1.0")
    let run = (s?["runs"] as? [[String: Any]])?.first
    let results = run?["results"] as? [[String: Any]]
    #expect(results?.first?["ruleId"] as? String == "E0402")
  }

  /// The SARIF fingerprints of a file's diagnostics, in order.
  static func fingerprints(_ path: String) throws -> [String] {
    let sarif = Self.run(["check", "--format", "sarif", path]).1
    let s = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
    let results = (s?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]] ?? []
    return results.map { (($0["partialFingerprints"] as? [String: Any])?["primaryLocationLineHash"] as? String) ?? "" }
  }

  @Test("SARIF: two diagnostics on one line, or on two identical lines, get distinct fingerprints, the same on every run")
  func sarifFingerprints() throws {
    // Two E0301 on line 1 (they had one fingerprint), a warning on line 2, the same E0201 on lines 5 and 10 (the
    // same text, column and message), an E0508 on line 8.
    let text = "let x = foo + bar\nlet y = x\n" + ["a", "b"].map { "cadence \($0) {\n  step s 1 days after due {\n    send email foo\n  }\n}\n" }.joined()
    let bad = try Self.temp("f.accrue", text)
    let prints = try Self.fingerprints(bad)
    #expect(prints.count == 6, "\(prints)")
    #expect(Set(prints).count == prints.count, "\(prints)")
    #expect(prints.allSatisfy { !$0.isEmpty })
    #expect(try Self.fingerprints(bad) == prints)
    // Adding a line above keeps each diagnostic's fingerprint (code scanning keeps tracking it).
    try ("# a comment\n" + text).write(toFile: bad, atomically: true, encoding: .utf8)
    #expect(Set(try Self.fingerprints(bad)) == Set(prints))
  }

  @Test("explain prints the long explanation")
  func explain() {
    let (s, out, _) = Self.run(["explain", "E0406"])
    #expect(s == 0)
    #expect(out.contains("month end clamp"))
    #expect(Self.run(["explain", "currency-mismatch"]).0 == 0)
    #expect(Self.run(["explain", "E9999"]).0 == 1)
  }

  @Test("explain prints the data codes too, lists them apart and suggests the closest")
  func explainDataCodes() {
    let (s, out, _) = Self.run(["explain", "D0320"])
    #expect(s == 0)
    #expect(out.hasPrefix("D0320 (statement-does-not-reconcile, warning): "))
    #expect(out.contains("--strict") && out.contains("does not reconcile") && out.contains("Right"))
    let d0304 = Self.run(["explain", "d0304"])
    #expect(d0304.0 == 0 && d0304.1.contains("--reject-file") && d0304.1.contains("duplicate payment id"))
    #expect(Self.run(["explain", "duplicate-id"]).1 == d0304.1)
    let all = Self.run(["explain", "all"]).1
    let parts = all.components(separatedBy: "\nData (plan, apply, import, report aging):\n")
    #expect(parts.count == 2)
    #expect(parts.first?.contains("E0406") == true && parts.first?.contains("D0") == false)
    #expect(parts.last?.contains("D0101  error    malformed-csv") == true && parts.last?.contains("D0323  warning") == true)
    let (bad, _, err) = Self.run(["explain", "D0329"])
    #expect(bad == 1)
    #expect(err.contains("Did you mean 'D03"), "\(err)")  // a code one digit away
  }

  @Test("bad data ends with one hint to accrue explain, not one per row")
  func badDataNamesExplainOnce() {
    let root = Self.repoRoot.path
    let (s, _, err) = Self.run([
      "plan", "--rules", root + "/rules", "--data", root + "/examples/data/bad/duplicate-id", "--as-of", "2026-03-01",
    ])
    #expect(s == 1)
    let hints = err.split(separator: "\n").filter { $0.contains("accrue explain") }
    #expect(hints == ["  = help: 'accrue explain D0304' says what a code means and what to write instead"], "\(err)")
  }

  @Test("the same input gives byte-identical output")
  func deterministic() throws {
    let root = Self.repoRoot.appendingPathComponent("rules").path
    let a = Self.run(["check", "--format", "json", root]).1
    let b = Self.run(["check", "--format", "json", root]).1
    #expect(a == b)
  }
}
