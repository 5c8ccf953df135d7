import Foundation
import Testing
import AccrueTestSupport

/// `.ci/readme-examples`: every accrue command of the README's code blocks is run, and CI fails when one exits
/// with a status it should not.
@Suite("README examples")
struct ReadmeExamplesTests {
  static let root = CLITests.repoRoot

  /// Runs the script (on `readme`, or the README) with the built binary; its status and output.
  static func run(_ readme: String? = nil) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = [root.appendingPathComponent(".ci/readme-examples").path] + (readme.map { [$0] } ?? [])
    var env = ProcessInfo.processInfo.environment
    env["ACCRUE"] = ApplyCrashTests.binary
    p.environment = env
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let out = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: out, as: UTF8.self))
  }

  @Test("every accrue command of the README runs as expected, those added by this change among them")
  func readme() throws {
    let (s, out) = try Self.run()
    #expect(s == 0, "\(out)")
    let readme = try String(contentsOfFile: Self.root.appendingPathComponent("README.md").path, encoding: .utf8)
    let shown = readme.components(separatedBy: "\n").filter { $0.hasPrefix("swift run accrue ") }.count
    #expect(shown >= 10)
    #expect(out.contains("readme-examples: all \(shown) commands of README.md ran as expected"), "\(out)")
    #expect(out.contains("ok   README.md:") && out.contains("--from 2026-11-02 --to 2026-11-30 --format json"))
    #expect(out.contains("--state /tmp/state --detail"))
  }

  @Test("a command that exits otherwise than expected fails the script, named with its line")
  func failure() throws {
    let dir = TemporaryPaths.make("accrue-readme")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let readme = dir + "/README.md"
    try """
      # Example

      ```sh
      accrue check rules
      swift run accrue plan --rules rules --data examples/data --as-of 2026-11-01 --explain nope   # a typo
      accrue diff --base rules --rules rules --data examples/data --as-of 2026-11-01   # exits 2
      swift test
      ```
      """.write(toFile: readme, atomically: true, encoding: .utf8)
    let (s, out) = try Self.run(readme)
    #expect(s == 1)
    #expect(out.contains("ok   README.md:4: accrue check rules"), "\(out)")
    #expect(out.contains("FAIL README.md:5: swift run accrue plan"), "\(out)")
    #expect(out.contains("no invoice, reminder or payment with key 'nope'"), "\(out)")
    // diff exits 0 (nothing changes) where the comment says 2.
    #expect(out.contains("FAIL README.md:6: accrue diff"), "\(out)")
    #expect(out.contains("2 of 3 commands of README.md failed"), "\(out)")
    // A README without any accrue command is an error, not a pass.
    try "# Nothing\n\n```sh\nswift test\n```\n".write(toFile: readme, atomically: true, encoding: .utf8)
    #expect(try Self.run(readme).0 == 1)
  }
}
