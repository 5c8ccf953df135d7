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

  /// Copies a data folder (not bad/) with every CSV's rows shuffled by `seed`, the header first, folders too.
  static func shuffledCopy(_ from: String, to dir: String, seed: UInt64) throws {
    try? fm.removeItem(atPath: dir)
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var rng = SplitMix(seed)
    for name in try fm.contentsOfDirectory(atPath: from).sorted() where name != "bad" {
      let src = from + "/" + name
      var isDir: ObjCBool = false
      _ = fm.fileExists(atPath: src, isDirectory: &isDir)
      if isDir.boolValue {
        try shuffledCopy(src, to: dir + "/" + name, seed: rng.next())
        continue
      }
      guard name.hasSuffix(".csv") else {
        try fm.copyItem(atPath: src, toPath: dir + "/" + name)
        continue
      }
      var lines = try String(contentsOfFile: src, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
      let header = lines.removeFirst()
      for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
      try ([header] + lines).map { $0 + "\n" }.joined().write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
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
