import AccrueDiagnostics
import Foundation

/// Hands tokens from a lexer on one thread to a parser on another, in chunks, so a large file is
/// lexed and parsed at the same time. The parser blocks only when it catches up with the lexer.
public final class TokenStream: @unchecked Sendable {
  // All mutable state is guarded by `condition`.
  private let condition = NSCondition()
  private var chunks: [[Token]] = []
  private var finished = false

  /// Creates an empty stream.
  public init() {}

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
  public static func lexConcurrently(
    _ file: SourceFile, interner: Interner, chunkSize: Int = 16_384,
    completion: @escaping @Sendable (Interner, LexedFile) -> Void
  ) -> TokenStream {
    let stream = TokenStream()
    let thread = Thread {
      file.bytes.withUnsafeBufferPointer { buf in
        var state = LexState(buf: buf, file: file.id, interner: interner)
        state.stream = stream
        state.chunkSize = chunkSize
        state.run()
        stream.push(state.tokens)
        stream.finish()
        completion(
          state.interner,
          LexedFile(tokens: [], comments: state.comments, diagnostics: state.diags + Lexer.bidiWarnings(buf, file: file.id)))
      }
    }
    thread.stackSize = 1 << 20
    thread.start()
    return stream
  }
}
