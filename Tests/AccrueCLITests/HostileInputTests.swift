import AccrueCLI
import AccrueTestSupport
import Foundation
import Testing

/// Hostile and broken input ends in a diagnostic and an exit status, never a crash, a hang or output out of
/// proportion to what is wrong.
@Suite("Hostile input")
struct HostileInputTests {
  /// Runs the `accrue` executable with stdout going to `stdoutPath` (a pipe when nil).
  static func process(_ args: [String], stdoutPath: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: ApplyCrashTests.binary)
    p.arguments = args
    let out = Pipe()
    let err = Pipe()
    if let path = stdoutPath { p.standardOutput = FileHandle(forWritingAtPath: path) } else { p.standardOutput = out }
    p.standardError = err
    try p.run()
    let o = stdoutPath == nil ? String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) : ""
    let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, o, e)
  }

  @Test("long chains of operators end in E0205, not a stack overflow; a chain of 400 checks")
  func operatorChains() throws {
    let text = [
      "let x = " + Array(repeating: "1", count: 5_000).joined(separator: " + "),
      "let y = " + Array(repeating: "true", count: 10_000).joined(separator: " and "),
      "let z = " + Array(repeating: "2", count: 5_000).joined(separator: " / "),
    ].joined(separator: "\n") + "\n"
    let (s, out, _) = CLITests.run(["check", try CLITests.temp("chains.accrue", text)])
    #expect(s == 1)
    #expect(out.components(separatedBy: "error[E0205]").count - 1 == 3, "\(out.prefix(2000))")
    let fine = "let w = " + Array(repeating: "1", count: 400).joined(separator: " + ") + "\nlet u = w + 1\n"
    let (s2, out2, _) = CLITests.run(["check", try CLITests.temp("chain400.accrue", fine)])
    #expect(!out2.contains("E0205"), "\(out2.prefix(500))")
    _ = s2
  }

  @Test("the longest chain the parser accepts (499 operators) compiles in the accrue process (8 MB stack, debug build too)")
  func deepestChainCompiles() throws {
    // Before, ExprCompiler.compile's debug frame (about 17 KB a level) overflowed the stack at about 470 operators:
    // `accrue check` passed the file and `compile` and `plan` crashed on it.
    let dir = TemporaryPaths.make("accrue-chain499")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, op, atom) in [("sum", "+", "1"), ("all", "and", "true"), ("ratio", "/", "2")] {
      let text = "let \(name) = " + Array(repeating: atom, count: 500).joined(separator: " \(op) ") + "\nlet \(name)_used = \(name)\n"
      try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/\(name).accrue"))
    }
    let (status, out, err) = try Self.process(["compile", "--rules", dir])
    #expect(status == 0, "\(err.prefix(1000))")
    #expect(out.contains("(and (and (and"), "\(out.prefix(200))")
  }

  /// A rule set whose entry includes a chain of `n` files in a subfolder (`cycle`: the last includes the first).
  static func includeChain(_ n: Int, cycle: Bool) throws -> String {
    let dir = TemporaryPaths.make("accrue-includes")
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
    try "include \"sub/f0.accrue\"\n".write(toFile: dir + "/main.accrue", atomically: true, encoding: .utf8)
    for i in 0..<n {
      let next = i + 1 < n ? "include \"f\(i + 1).accrue\"\n" : (cycle ? "include \"f0.accrue\"\n" : "")
      try Data((next + "let v\(i) = \(i)\n").utf8).write(to: URL(fileURLWithPath: dir + "/sub/f\(i).accrue"))
    }
    return dir
  }

  @Test("include chains: a chain deeper than 100 files ends in a diagnostic (no recursion per file); a long cycle is named by its ends")
  func includeChains() throws {
    let dir = try Self.includeChain(300, cycle: false)
    let clock = ContinuousClock()
    let t0 = clock.now
    let (s, out, _) = CLITests.run(["check", dir])
    #expect(s == 1)
    #expect(out.contains("includes nest more than 100 files deep"))
    // Not a timing test: a generous bound that a quadratic or recursive loader (24 s for 4,000 files) misses.
    #expect(clock.now - t0 < .seconds(20))
    let (_, cyc, _) = CLITests.run(["check", try Self.includeChain(30, cycle: true)])
    let line = try #require(cyc.split(separator: "\n").first { $0.contains("E0307") })
    #expect(line.contains("more files"), "\(line)")
    #expect(line.count < 1_500)  // eight paths at most, whatever the cycle's length
  }

  @Test("thousands of mistakes: at most 100 shown per file, the rest counted; a long line is shown as a window")
  func diagnosticCaps() throws {
    let many = (0..<3_000).map { "let a\($0) = nope\($0)" }.joined(separator: "\n") + "\n"
    let (s, out, err) = CLITests.run(["check", try CLITests.temp("many.accrue", many)])
    #expect(s == 1)
    #expect(out.components(separatedBy: "error[E0301]").count - 1 + out.components(separatedBy: "warning[").count - 1 == 100)
    #expect(out.contains("5900 more diagnostics not shown"))
    #expect(err.contains("3000 errors, 3000 warnings"))
    let long = "let x = 1 " + String(repeating: "+ 1 ", count: 300) + "+ nope\n"
    let (_, text, _) = CLITests.run(["check", try CLITests.temp("long.accrue", long)])
    let lines = text.split(separator: "\n")
    let at = try #require(lines.firstIndex { $0.contains("error[E0301]") })
    let echoed = try #require(lines[at...].first { $0.hasPrefix("1 | ") })
    #expect(echoed.count < 200, "\(echoed)")
    #expect(echoed.contains("..."))
    #expect(echoed.contains("nope"))
  }

  @Test("a failed write to standard output is a message and exit 1, not a trap")
  func stdoutFull() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    let root = CLITests.repoRoot.path
    let (s, _, err) = try Self.process(
      ["plan", "--rules", root + "/rules", "--data", root + "/examples/data", "--as-of", "2026-11-01"], stdoutPath: "/dev/full")
    #expect(s == 1)
    #expect(err.contains("cannot write to standard output: No space left on device"), "\(err)")
  }
}

extension HostileInputTests {
  @Test("CSV cells a spreadsheet would run as a formula are neutralized; negative amounts stay numbers")
  func csvInjection() throws {
    let dir = TemporaryPaths.make("accrue-csv")
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let root = CLITests.repoRoot.path
    for f in try fm.contentsOfDirectory(atPath: root + "/examples/data") where f.hasSuffix(".csv") {
      try fm.copyItem(atPath: root + "/examples/data/" + f, toPath: dir + "/" + f)
    }
    let evil = "pay-evil,2026-10-30,,12.34,USD,,=HYPERLINK(1),@SUM(A1),\n"
    let payments = try String(contentsOfFile: dir + "/payments.csv", encoding: .utf8)
    try (payments + evil).write(toFile: dir + "/payments.csv", atomically: true, encoding: .utf8)
    let (s, out, err) = CLITests.run(["plan", "--rules", root + "/rules", "--data", dir, "--as-of", "2026-11-01", "--table", "exceptions"])
    #expect(s == 0, "\(err)")
    let row = try #require(out.split(separator: "\r\n").first { $0.contains("pay-evil") })
    #expect(row.contains("'@SUM(A1)"), "\(row)")
    #expect(!row.contains(",@SUM"), "\(row)")
    let (_, invoices, _) = CLITests.run(["plan", "--rules", root + "/rules", "--data", dir, "--as-of", "2026-11-01", "--table", "invoices"])
    #expect(invoices.contains(",-"), "negative amounts are written as numbers")
    #expect(!invoices.contains("'-"))
  }
}

extension HostileInputTests {
  @Test("a pattern that could cost 10^8 steps a search is rejected (it cost 0.1 s a payment)")
  func costlyPattern() throws {
    let rules = "match m {\n  reference pattern /(?:a?){1000}a{1000}/\n  on no match: leave unapplied\n}\n"
    let (s, out, _) = CLITests.run(["check", try CLITests.temp("pattern.accrue", rules)])
    #expect(s == 1)
    #expect(out.contains("error[E0108]") && out.contains("too large once repetitions are expanded"), "\(out)")
  }
}
