import AccrueDiagnostics
import AccrueGen
@testable import AccrueLexer
@testable import AccrueParser
import Foundation
import Testing

/// A large file is parsed by two parsers (`TailParse`, docs/PERFORMANCE.md): the tree and the diagnostics are the
/// one parser's, expression ids aside.
@Suite("Check speed: two parsers give one parser's tree")
struct SplitParseTests {
  /// The tree as text, without its expression ids (the second parser numbers from a higher id).
  static func shape(_ f: RuleFile) -> String {
    let text = String(describing: f.decls) + String(describing: f.incompleteBlocks.sorted())
    return text.replacing(try! Regex("id: [0-9]+"), with: "id: _")
  }

  /// One parser, the lexer before it.
  static func plain(_ file: SourceFile) -> (RuleFile, [Diagnostic], Int32) {
    var interner = Interner()
    let lexed = Lexer.lex(file, interner: &interner)
    var next: Int32 = 0
    let (f, d) = Parser.parse(file, lexed, nextExprID: &next)
    return (f, lexed.diagnostics + d, next)
  }

  /// The lexer on its thread, streaming chunks of `chunk` tokens, and the second parser from `tenths` of the bytes.
  static func split(_ file: SourceFile, chunk: Int, tenths: Int) -> (RuleFile, [Diagnostic], Int32) {
    final class Box: @unchecked Sendable {
      let done = DispatchSemaphore(value: 0)
      var lexed: LexedFile?
    }
    let box = Box()
    let second = TailParse(file: file, base: 0)
    let stream = Lexer.lexConcurrently(
      file, interner: Interner(), chunkSize: chunk, splitFraction: (tenths, 10),
      completion: { _, l in
        box.lexed = l
        box.done.signal()
      }, tail: { tokens, at, bound in second.parse(tokens, split: at, bound: bound) })
    var next: Int32 = 0
    let (f, d) = Parser.parse(file, stream: stream, nextExprID: &next, tail: second)
    box.done.wait()
    return (f, box.lexed!.diagnostics + d, next)
  }

  static func check(_ text: String, joins: Bool) {
    var map = SourceMap()
    let file = map.add(path: "t.accrue", bytes: Array(text.utf8))
    let (f0, d0, n0) = plain(file)
    let want = shape(f0)
    var joined = false
    for tenths in [2, 5, 8] {
      for chunk in [5, 16_384] {
        let (f1, d1, n1) = split(file, chunk: chunk, tenths: tenths)
        #expect(shape(f1) == want, "split at \(tenths)/10, chunks of \(chunk)")
        #expect(d1 == d0, "split at \(tenths)/10, chunks of \(chunk)")
        // The second parser's ids start higher: a gap says its tree was taken.
        joined = joined || n1 > n0
      }
    }
    if joins { #expect(joined) }
  }

  @Test("a valid file: the same tree and diagnostics wherever the split falls")
  func valid() {
    Self.check(RuleGenerator.generate(lines: 300, seed: 5), joins: true)
  }

  @Test("files with mistakes before and after the split: the same tree and diagnostics")
  func mistakes() {
    let text = RuleGenerator.generate(lines: 300, seed: 9)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    // Each mistake on its own: a misspelt word, a stray and a missing brace, an unclosed parenthesis and string.
    let edits: [(String, String)] = [
      ("monthly", "montly"), ("{", ""), ("}", ""), ("contract.seats", "(contract.seats"), ("\"Seats\"", "\"Seats"),
      ("payment terms", "payment"), ("> 0", "> )"),
    ]
    for (k, (from, to)) in edits.enumerated() {
      for at in [lines.count / 3, lines.count * 3 / 4] {
        guard let i = lines[at...].firstIndex(where: { $0.contains(from) }) else { continue }
        var copy = lines
        copy[i] = Substring(copy[i].replacingOccurrences(of: from, with: to))
        Self.check(copy.joined(separator: "\n"), joins: k == 0)
      }
    }
  }

  @Test("isReserved is membership of Keyword.reserved")
  func reserved() {
    for k in Keyword.allCases { #expect(k.isReserved == Keyword.reserved.contains(k), "\(k)") }
  }
}
