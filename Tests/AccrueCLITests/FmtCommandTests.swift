import AccrueCLI
import Foundation
import Testing

/// `accrue fmt` end to end: --check prints a diff and exits 1; without it files are rewritten; errors exit 1.
@Suite("fmt command")
struct FmtCommandTests {
  @Test("--check on the bundled rules and examples: all formatted, exit 0, nothing printed")
  func bundled() {
    let root = CLITests.repoRoot
    let (s, out, err) = CLITests.run(["fmt", "--check", root.appendingPathComponent("rules").path, root.appendingPathComponent("examples").path])
    #expect(s == 0, "\(out)\(err)")
    #expect(out.isEmpty)
  }

  @Test("--check shows a unified diff and exits 1; fmt rewrites; then --check passes")
  func rewrite() throws {
    let path = try CLITests.temp("p.accrue", "plan   p {\n period monthly\n  charge c {   flat 10.00 USD }\n}\n")
    let (s1, diff, err1) = CLITests.run(["fmt", "--check", path])
    #expect(s1 == 1)
    #expect(diff.contains("--- a/" + path) && diff.contains("+++ b/" + path))
    #expect(diff.contains("-plan   p {") && diff.contains("+plan p {"))
    #expect(err1.contains("1 of 1 file not formatted"))
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("plan   p"), "--check wrote the file")
    let (s2, out2, _) = CLITests.run(["fmt", path])
    #expect(s2 == 0)
    #expect(out2 == path + "\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "plan p {\n  period monthly\n  charge c { flat 10.00 USD }\n}\n")
    #expect(CLITests.run(["fmt", "--check", path]).0 == 0)
  }

  @Test("a file with syntax errors: its errors, exit 1, the file untouched; a missing path: exit 1; no path: 64")
  func errors() throws {
    let text = "plan p {\n  perod monthly\n}\n"
    let path = try CLITests.temp("bad.accrue", text)
    let (s, _, err) = CLITests.run(["fmt", path])
    #expect(s == 1)
    #expect(err.contains("error[") && err.contains("was not formatted"))
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    #expect(CLITests.run(["fmt", "/nonexistent/x.accrue"]).0 == 1)
    #expect(CLITests.run(["fmt"]).0 == 64)
  }
}

extension FmtCommandTests {
  @Test("'accrue check .' inside the rules folder follows its includes (a relative root)")
  func checkDot() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: ApplyCrashTests.binary)
    p.arguments = ["check", "."]
    p.currentDirectoryURL = CLITests.repoRoot.appendingPathComponent("rules")
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(text)")
    #expect(text.contains("no problems"))
  }
}
