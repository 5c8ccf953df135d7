import AccrueChecker
import AccrueDiagnostics
import AccrueParser
import AccrueRender
import Foundation
import Testing

/// Paths and helpers shared by the front-end tests.
enum Support {
  /// This test folder.
  static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  /// The repository root.
  static let repoRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()
  /// Golden cases.
  static let goldenDir = testsDir.appendingPathComponent("Golden")
  /// Whether goldens are being re-recorded (`RECORD_GOLDEN=1 swift test`).
  static let recording = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil

  /// Checks in-memory files as one rule set rooted at `root`.
  static func check(_ files: [(String, String)], root: String = "mem") -> (LoadResult, [Diagnostic]) {
    let load = RuleSetLoader.load(root: root, files: files)
    let (_, diags) = Frontend.check(load)
    return (load, diags)
  }

  /// Checks one in-memory file.
  static func check(_ text: String, name: String = "test.accrue") -> (LoadResult, [Diagnostic]) {
    check([(name, text)])
  }

  /// The codes reported for a source, sorted; unused-definition warnings left out unless `unused`.
  static func codes(_ text: String, unused: Bool = false) -> [String] {
    check(text).1.map(\.code.id).filter { unused || $0 != "W0301" }
  }

  /// Renders diagnostics as `accrue check` prints them.
  static func render(_ load: LoadResult, _ diags: [Diagnostic]) -> String {
    diags.map { DiagnosticRenderer.text($0, sources: load.sources) }.joined()
  }

  /// Line diff of two texts (for readable golden failures).
  static func diff(_ expected: String, _ actual: String) -> String {
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let d = b.difference(from: a)
    var out: [String] = []
    for c in d {
      switch c {
      case .remove(let o, let e, _): out.append("-\(o + 1): \(e)")
      case .insert(let o, let e, _): out.append("+\(o + 1): \(e)")
      }
    }
    return out.joined(separator: "\n")
  }

  /// Compares `actual` with a golden file, re-recording when RECORD_GOLDEN is set.
  static func assertGolden(_ actual: String, _ file: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let expected = try? String(contentsOf: file, encoding: .utf8)
    if recording || expected == nil {
      try? actual.write(to: file, atomically: true, encoding: .utf8)
      Issue.record("recorded new golden \(file.lastPathComponent); re-run without RECORD_GOLDEN", sourceLocation: sourceLocation)
      return
    }
    if expected != actual {
      Issue.record("golden \(file.lastPathComponent) differs:\n\(diff(expected ?? "", actual))", sourceLocation: sourceLocation)
    }
  }
}
