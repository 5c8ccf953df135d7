import Foundation
import Testing

/// The conformance suite (`examples/conformance`) covers the whole language: every word of grammar.md's grammar
/// is used by one of its rule sets, and its table names only tests that exist. A construct added to the grammar
/// without a conformance test fails here. (`.ci/run` runs the tests themselves with `accrue test`.)
@Suite("Conformance suite")
struct ConformanceTests {
  static let root = Support.repoRoot
  static let suite = root.appendingPathComponent("examples/conformance")

  /// The quoted words of the grammar's EBNF (grammar.md §2): its keywords.
  static func grammarWords() throws -> Set<String> {
    let text = try String(contentsOf: root.appendingPathComponent("grammar.md"), encoding: .utf8)
    guard let start = text.range(of: "```ebnf\n"), let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else {
      Issue.record("grammar.md has no ```ebnf block")
      return []
    }
    let ebnf = text[start.upperBound..<end.lowerBound]
    var words: Set<String> = []
    var rest = ebnf[...]
    while let open = rest.firstIndex(of: "\"") {
      let after = rest.index(after: open)
      guard let close = rest[after...].firstIndex(of: "\"") else { break }
      let word = String(rest[after..<close])
      if let first = word.unicodeScalars.first, CharacterSet.letters.contains(first) { words.insert(word) }
      rest = rest[rest.index(after: close)...]
    }
    return words
  }

  /// The words of the suite's rule files, comments and strings left out.
  static func suiteWords() throws -> Set<String> {
    var words: Set<String> = []
    let files = FileManager.default.enumerator(atPath: suite.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".accrue") } ?? []
    for f in files {
      let text = try String(contentsOf: suite.appendingPathComponent(f), encoding: .utf8)
      for line in text.split(separator: "\n") {
        var code = ""
        var inString = false
        for c in line {
          if c == "\"" { inString.toggle() } else if !inString && c == "#" { break } else if !inString { code.append(c) }
        }
        for w in code.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) { words.insert(String(w)) }
      }
    }
    return words
  }

  @Test("every keyword of grammar.md's grammar is used by a conformance rule set")
  func everyKeywordUsed() throws {
    let missing = try Self.grammarWords().subtracting(try Self.suiteWords()).sorted()
    #expect(missing.isEmpty, "grammar words no conformance rule set uses: \(missing.joined(separator: ", "))")
  }

  @Test("the suite's table names tests that exist, and every test file is in it")
  func tableMatchesFiles() throws {
    let readme = try String(contentsOf: Self.suite.appendingPathComponent("README.md"), encoding: .utf8)
    let files = FileManager.default.enumerator(atPath: Self.suite.path)?.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".accrue-test") } ?? []
    #expect(!files.isEmpty)
    for f in files {
      let name = (f as NSString).deletingPathExtension
      #expect(readme.contains(name), "\(f) is not in examples/conformance/README.md")
    }
    // Every `topic/tests/name` the table names exists.
    let pattern = try NSRegularExpression(pattern: "`?([a-z0-9-]+/tests/[A-Za-z0-9_-]+)`?")
    let ns = readme as NSString
    for m in pattern.matches(in: readme, range: NSRange(location: 0, length: ns.length)) {
      let path = ns.substring(with: m.range(at: 1))
      #expect(
        FileManager.default.fileExists(atPath: Self.suite.appendingPathComponent(path + ".accrue-test").path),
        "examples/conformance/README.md names \(path), which does not exist")
    }
  }
}
