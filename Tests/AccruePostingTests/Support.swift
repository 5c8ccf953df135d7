import AccrueCLI
import Foundation
import Testing
import AccrueTestSupport

/// Shared by the posting tests: the repository, the command line in process, folders to write rules and data to.
enum PostingSupport {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let rules = root.appendingPathComponent("rules").path
  static let data = root.appendingPathComponent("examples/data").path
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
  static let recording = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil
  static let fm = FileManager.default

  static func run(_ args: [String]) -> (status: Int32, out: String, err: String) {
    let io = CapturedOutput()
    let status = CLI.run(args, io: io)
    return (status, io.stdout, io.stderr)
  }

  /// A copy of the bundled rules with `posting.accrue`'s text changed (`old` must be in it).
  static func rules(replacing old: String, with new: String) throws -> String {
    let dir = TemporaryPaths.url("accrue-posting-rules").path
    try? fm.removeItem(atPath: dir)
    try fm.copyItem(atPath: rules, toPath: dir)
    let path = dir + "/posting.accrue"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains(old), "posting.accrue has no \(old)")
    try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    return dir
  }

  /// A copy of the bundled data with the chart's text changed.
  static func data(chartReplacing old: String, with new: String) throws -> String {
    let dir = TemporaryPaths.url("accrue-posting-data").path
    try? fm.removeItem(atPath: dir)
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for name in try fm.contentsOfDirectory(atPath: data) where name != "bad" {
      try fm.copyItem(atPath: data + "/" + name, toPath: dir + "/" + name)
    }
    let path = dir + "/chart_of_accounts.csv"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains(old))
    try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    return dir
  }

  /// Compares with a golden file, re-recording when RECORD_GOLDEN is set.
  static func assertGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let file = golden.appendingPathComponent(name)
    let expected = try? String(contentsOf: file, encoding: .utf8)
    if recording || expected == nil {
      try? actual.write(to: file, atomically: true, encoding: .utf8)
      Issue.record("recorded new golden \(name); re-run without RECORD_GOLDEN", sourceLocation: sourceLocation)
      return
    }
    if expected != actual {
      let e = expected!.split(separator: "\n", omittingEmptySubsequences: false)
      let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
      let i = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
      Issue.record(
        "golden \(name) differs at line \(i + 1):\n- \(i < e.count ? String(e[i]) : "(end)")\n+ \(i < a.count ? String(a[i]) : "(end)")",
        sourceLocation: sourceLocation)
    }
  }
}
