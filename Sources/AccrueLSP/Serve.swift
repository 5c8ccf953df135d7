import AccrueRender
import Foundation

/// `accrue lsp`: reads messages from a file descriptor (standard input) and answers on another (standard output)
/// until the client sends `exit` or closes the stream. Returns the exit status: 0 after `shutdown` then `exit`,
/// 1 otherwise (as the protocol asks).
public enum LSPMain {
  public static func run(input: Int32 = 0, output: Int32 = 1, hooks: LSPHooks = LSPHooks()) -> Int32 {
    let writer = FrameWriter(fd: output)
    let queue = DispatchQueue(label: "accrue.lsp")
    let server = LanguageServer(queue: queue, hooks: hooks) { writer.write($0) }
    var framer = Framer()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { break }  // the client closed the stream (or it failed): stop as after 'exit' without 'shutdown'
      chunk.withUnsafeBytes { framer.push(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
      while let frame = framer.next() {
        let code: Int32? = queue.sync {
          server.handle(frame)
          return server.exitCode
        }
        if let code { return code }
      }
    }
    return queue.sync { server.exitCode ?? 1 }
  }
}
