import AccrueDiagnostics
import Foundation

/// Hands tokens from a lexer on one thread to a parser on another, in chunks, so a large file is
/// lexed and parsed at the same time. The parser blocks only when it catches up with the lexer.
public final class TokenStream: @unchecked Sendable {
  // All mutable state is guarded by `condition`.
  private let condition = NSCondition()
  private var chunks: [[Token]] = []
  private var finished = false
  private var splitToken = -1

  /// Creates an empty stream.
  public init() {}

  /// The index (among all the file's tokens) of the token where a second parser starts, once the lexer chose it
  /// (set before the chunk that holds it is pushed); -1 until then, or when there is none.
  public var split: Int {
    condition.lock()
    defer { condition.unlock() }
    return splitToken
  }

  /// Chooses the split (lexer side).
  func markSplit(_ index: Int) {
    condition.lock()
    splitToken = index
    condition.unlock()
  }

  /// Adds a chunk (lexer side).
  func push(_ chunk: [Token]) {
    condition.lock()
    chunks.append(chunk)
    condition.signal()
    condition.unlock()
  }

  /// Marks the end; the last chunk pushed ends with `.eof` (lexer side).
  func finish() {
    condition.lock()
    finished = true
    condition.signal()
    condition.unlock()
  }

  /// The next chunk, waiting for it if needed; nil once the stream is finished and drained.
  public func next() -> [Token]? {
    condition.lock()
    defer { condition.unlock() }
    while chunks.isEmpty && !finished { condition.wait() }
    return chunks.isEmpty ? nil : chunks.removeFirst()
  }
}

extension Lexer {
  /// Lexes on a background thread, streaming tokens in chunks of about `chunkSize`. Returns the stream at
  /// once; `completion` receives the interner and the comments and diagnostics when lexing ends.
  ///
  /// With `tail`, the lexer also chooses where a second parser may start: the first line at the top level (no
  /// `{`, `(` or `[` open) after `splitFraction` of the bytes (`TokenStream.split`; by default 7/9, where a parse
  /// of the rest takes about as long as the lexing and the parse of the part before it). After `completion`,
  /// `tail` receives the tokens from there to the end, that token's index, and a bound on the expressions
  /// before it (`LexState.exprBound`), on the lexer's thread.
  public static func lexConcurrently(
    _ file: SourceFile, interner: Interner, chunkSize: Int = 16_384, splitFraction: (Int, Int) = (7, 9),
    completion: @escaping @Sendable (Interner, LexedFile) -> Void,
    tail: (@Sendable ([Token], Int, Int) -> Void)? = nil
  ) -> TokenStream {
    let stream = TokenStream()
    let thread = Thread {
      file.bytes.withUnsafeBufferPointer { buf in
        var state = LexState(buf: buf, file: file.id, interner: interner)
        state.stream = stream
        state.chunkSize = chunkSize
        if tail != nil { state.splitAfter = buf.count / splitFraction.1 * splitFraction.0 }
        state.run()
        stream.push(state.tokens)
        stream.finish()
        completion(
          state.interner,
          LexedFile(tokens: [], comments: state.comments, diagnostics: state.diags + Lexer.bidiWarnings(buf, file: file.id)))
        if let tail, state.splitToken >= 0 {
          state.kept.append(state.tokens)
          var tokens: [Token] = []
          tokens.reserveCapacity(state.kept.reduce(0) { $0 + $1.count } - state.keptOffset)
          tokens.append(contentsOf: state.kept[0][state.keptOffset...])
          for c in state.kept.dropFirst() { tokens.append(contentsOf: c) }
          tail(tokens, state.splitToken, state.exprBound)
        }
      }
    }
    thread.stackSize = 1 << 20
    thread.start()
    return stream
  }
}
