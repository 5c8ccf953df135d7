import AccrueDiagnostics
import AccrueLexer
import Foundation

/// The second parser of a large file (docs/PERFORMANCE.md): once the lexer thread has lexed the whole file, it
/// parses the tokens from the split the lexer chose (the start of a line at the top level, past about 7/9 of the
/// bytes) while this thread's parser is still on the part before it. When that parser reaches the split at the
/// top level, between two declarations, it takes the second parser's declarations and diagnostics instead of
/// parsing on: from there a parse depends on the tokens alone, so they are what it would have found.
///
/// Only the expression ids differ: the second parser numbers from the first id plus the lexer's bound on the
/// expressions before the split (`LexState.exprBound`), leaving a gap. If the first parser has used more ids than
/// that by the split (a name that is a keyword), or reaches the split only inside a block (braces the parser reads
/// otherwise than the lexer's count), it ignores the second parser's work and parses on itself.
final class TailParse: @unchecked Sendable {
  struct Result {
    var split: Int
    var firstID: Int32
    var decls: [Decl]
    var diagnostics: [Diagnostic]
    var incompleteBlocks: Set<Int32>
    var nextID: Int32
  }

  let file: SourceFile
  /// The first expression id of the file's parse.
  let base: Int32
  private let done = DispatchSemaphore(value: 0)
  private var result: Result?  // written once before the signal, read after the wait

  init(file: SourceFile, base: Int32) {
    self.file = file
    self.base = base
  }

  /// Parses the tokens from the split (`split` is the index of the first among all the file's tokens; `bound`,
  /// the lexer's bound on the expressions before it), on the lexer's thread.
  func parse(_ tokens: [Token], split: Int, bound: Int) {
    let first = base + Int32(bound)
    var p = Parser(file: file, tokens: tokens, nextID: first)
    let decls = p.parseFile()
    result = Result(split: split, firstID: first, decls: decls, diagnostics: p.diags, incompleteBlocks: p.incompleteBlocks, nextID: p.nextID)
    done.signal()
  }

  /// The second parser's result, waiting for it (once).
  func take() -> Result {
    done.wait()
    return result!  // set before the signal
  }
}

extension Parser {
  /// At the top level, at token `consumed + pos`: whether the second parser started here, and then its result
  /// joined to this parser's (true: the file is parsed).
  mutating func joinTail() -> Bool {
    guard let t = tail, splitToken >= 0, consumed + pos == splitToken else { return false }
    tail = nil
    let r = t.take()
    guard nextID <= r.firstID else { return false }
    diags += r.diagnostics
    incompleteBlocks.formUnion(r.incompleteBlocks)
    nextID = r.nextID
    tailDecls = r.decls
    return true
  }
}
