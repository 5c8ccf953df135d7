import AccrueBilling
import AccrueCash
import AccrueChecker
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueFormat
import AccrueLedger
import AccrueLexer
import AccrueModel
import AccrueParser
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// `accrue fmt`: canonical, idempotent, meaning-preserving, over every bundled rule file.
@Suite("Formatter")
struct FormatterTests {
  static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Every .accrue file under rules/ and examples/.
  static var bundled: [String] {
    ["rules", "examples"].flatMap { dir -> [String] in
      let root = repo.appendingPathComponent(dir).path
      let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
      return all.filter { $0.hasSuffix(".accrue") }.sorted().map { root + "/" + $0 }
    }
  }

  static func format(_ text: String, _ path: String = "x.accrue") throws -> String {
    switch Formatter.format(Array(text.utf8), path: path) {
    case .success(let s): return s
    case .failure(let e): throw e
    }
  }

  /// Kinds and texts of the tokens (newlines included): what the parser sees.
  static func tokens(_ text: String) -> [String] {
    var map = SourceMap()
    let file = map.add(path: "t.accrue", bytes: Array(text.utf8))
    var interner = Interner()
    let bytes = Array(text.utf8)
    return Lexer.lex(file, interner: &interner).tokens.map {
      "\($0.kind):" + String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self)
    }
  }

  /// The same file with its whitespace scrambled (seeded): random indentation, spacing between tokens, doubled
  /// blank lines, trailing spaces. Tokens and line breaks stay.
  static func scramble(_ text: String, seed: UInt64) -> String {
    var state = seed
    func rnd(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    let bytes = Array(text.utf8)
    var map = SourceMap()
    let file = map.add(path: "t.accrue", bytes: bytes)
    var interner = Interner()
    let lexed = Lexer.lex(file, interner: &interner)
    // Pieces in order: tokens and comments; between them, the original gap decides line breaks.
    var pieces: [(Int32, Int32, TokenKind?)] = lexed.tokens.filter { $0.kind != .newline && $0.kind != .eof }.map { ($0.start, $0.end, $0.kind) }
    pieces += lexed.comments.map { ($0.lowerBound, $0.upperBound, nil) }
    pieces.sort { $0.0 < $1.0 }
    func wordy(_ k: TokenKind?) -> Bool { k == .identifier || k == .number || k == .percent || k == .date || k == .string || k == .pattern }
    var out = ""
    var last: (Int32, Int32, TokenKind?)?
    for p in pieces {
      if let l = last {
        let gap = bytes[Int(l.1)..<Int(p.0)]
        let breaks = gap.filter { $0 == 10 }.count
        if breaks > 0 {
          out += String(repeating: " ", count: rnd(3))  // trailing spaces
          out += String(repeating: "\n", count: breaks + (breaks > 1 ? rnd(2) : 0))
          out += String(repeating: rnd(4) == 0 ? "\t" : " ", count: rnd(7))
        } else {
          let minimum = (wordy(l.2) && wordy(p.2)) || p.2 == nil || gap.count > 0 && l.2 == .minus ? 1 : 0
          out += String(repeating: " ", count: minimum + rnd(3))
        }
      }
      out += String(decoding: bytes[Int(p.0)..<Int(p.1)], as: UTF8.self)
      last = p
    }
    return out + "\n"
  }

  @Test("every bundled file is formatted; formatting is idempotent and keeps every token")
  func bundledFiles() throws {
    let files = Self.bundled
    #expect(files.count >= 13)
    for path in files {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let once = try Self.format(text, path)
      #expect(once == text, "\(path) is not in the canonical layout")
      #expect(try Self.format(once, path) == once, "\(path): not idempotent")
      #expect(Self.tokens(once) == Self.tokens(text), "\(path): tokens changed")
    }
  }

  @Test("scrambled whitespace formats back to the canonical file", arguments: [1, 2, 3] as [UInt64])
  func scrambled(_ seed: UInt64) throws {
    for path in Self.bundled {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let messy = Self.scramble(text, seed: seed)
      #expect(Self.tokens(messy) == Self.tokens(text), "\(path): the scrambler changed tokens")
      let fixed = try Self.format(messy, path)
      #expect(fixed == text, "\(path) (seed \(seed)) did not come back:\n\(UnifiedDiff.diff(text, fixed, oldName: "want", newName: "got"))")
    }
  }

  @Test("a scrambled rule set checks and plans exactly like the original, before and after formatting")
  func meaning() throws {
    let rules = Self.repo.appendingPathComponent("rules").path
    let data = Self.repo.appendingPathComponent("examples/data").path
    func run(_ folder: String) throws -> String {
      let load = RuleSetLoader.load(paths: [folder])
      let (results, diags) = Frontend.check(load)
      try #require(diags.filter { $0.severity == .error }.isEmpty, "\(diags.map(\.message))")
      let plan = PlanCompiler.compile(results[0].1.program, sources: load.sources)
      let (d, _) = Dataset.load(folder: data, plan: plan)
      let asOf = try #require(CivilDate.parse("2026-11-01"))
      let (b, _) = Billing.run(plan: plan, data: d, asOf: asOf)
      let c = Collections.run(plan: plan, data: d, asOf: asOf)
      return b.invoices.map { "\($0.key) \($0.total)" }.joined(separator: "\n") + "\n"
        + c.reminders.map { "\($0.key) \($0.total) \($0.actions.map { $0.amount?.description ?? "-" })" }.joined(separator: "\n")
    }
    let expected = try run(rules)
    let tmp = TemporaryPaths.make("accrue-fmt")
    for rel in (FileManager.default.enumerator(atPath: rules)?.allObjects as? [String] ?? []) where rel.hasSuffix(".accrue") {
      let text = try String(contentsOfFile: rules + "/" + rel, encoding: .utf8)
      let dest = tmp + "/" + rel
      try FileManager.default.createDirectory(atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Self.scramble(text, seed: 7).write(toFile: dest, atomically: true, encoding: .utf8)
    }
    #expect(try run(tmp) == expected)
    for rel in (FileManager.default.enumerator(atPath: tmp)?.allObjects as? [String] ?? []) where rel.hasSuffix(".accrue") {
      let path = tmp + "/" + rel
      try Self.format(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
    }
    #expect(try run(tmp) == expected)
  }

  @Test("layout rules: indentation, spacing, blank lines, aligned trailing comments")
  func rules() throws {
    let messy = """


      currency USD # the default
      rounding half even     # banker's
      plan   p {
      period monthly    # every month
          charge c   {   flat 10.00 USD   }
      # a note


      discount 5% when max( contract.seats , 3 )>2   # when busy
      interest 8% per year actual / 365
      charge d {
      once - 5.00 USD


      }
      }


      """
    let want = """
      currency USD        # the default
      rounding half even  # banker's
      plan p {
        period monthly  # every month
        charge c { flat 10.00 USD }
        # a note

        discount 5% when max(contract.seats, 3) > 2  # when busy
        interest 8% per year actual/365
        charge d {
          once -5.00 USD
        }
      }

      """
    #expect(try Self.format(messy) == want)
  }

  @Test("a function named like a word of the language keeps its '(' (it got a space); a minus after a string is unary, after a field named like a word binary")
  func callsAndMinus() throws {
    let text = """
      define half(x: number): number = x / 2
      define round_up(x: money): money = round(x, half up)
      plan p "P" {
        currency USD
        charge c "C" {
          per unit 1.00 USD
          quantity half(4) + half (contract.quantity - 1)
        }
        discount "l" -(2.00 USD - 5.00 USD)
        discount "m" - 1.00 USD when (contract.seats) > 2
      }

      """
    let want = """
      define half(x: number): number = x / 2
      define round_up(x: money): money = round(x, half up)
      plan p "P" {
        currency USD
        charge c "C" {
          per unit 1.00 USD
          quantity half(4) + half(contract.quantity - 1)
        }
        discount "l" -(2.00 USD - 5.00 USD)
        discount "m" -1.00 USD when (contract.seats) > 2
      }

      """
    let formatted = try Self.format(text)
    #expect(formatted == want)
    #expect(try Self.format(formatted) == formatted)
    #expect(Self.tokens(formatted) == Self.tokens(text))
  }

  @Test("a file with syntax errors is not formatted")
  func syntaxError() {
    guard case .failure(let e) = Formatter.format(Array("plan p {\n  period montly\n}\n".utf8), path: "bad.accrue") else {
      Issue.record("formatted a broken file")
      return
    }
    #expect(!e.diagnostics.isEmpty)
  }

  @Test("unified diff: hunks with context, both line numbers")
  func diff() {
    let a = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
    let b = a.replacingOccurrences(of: "line 5\n", with: "line five\n")
    let d = UnifiedDiff.diff(a, b, oldName: "a/x", newName: "b/x")
    #expect(d == "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n")
    #expect(UnifiedDiff.diff(a, a, oldName: "a", newName: "b").isEmpty)
  }
}
