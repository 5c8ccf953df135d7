import AccrueRender
import Foundation

/// What the framer found in the byte stream: a message body, or a header block it could not read (the block is
/// skipped and reading goes on with the next one).
public enum Frame: Sendable, Equatable {
  case message([UInt8])
  case badHeader(String)
}

/// Splits the LSP byte stream into messages: `Content-Length: N` (and optionally `Content-Type`) header lines ending
/// in CRLF, a blank line, then N bytes of JSON. Bytes are pushed as they arrive; `next()` hands out whole frames.
public struct Framer: Sendable {
  private var buffer: [UInt8] = []
  private var position = 0
  /// A body longer than this is refused (and skipped) rather than held in memory.
  public static let maxBody = 512 * 1024 * 1024
  /// A header block longer than this without its blank line is refused.
  public static let maxHeader = 64 * 1024
  /// Bytes of a refused body still to be skipped.
  private var skipping = 0

  public init() {}

  public mutating func push(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

  public mutating func push(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }

  /// The next whole frame, or nil until more bytes arrive.
  public mutating func next() -> Frame? {
    defer { compact() }
    if skipping > 0 {
      let n = min(skipping, buffer.count - position)
      position += n
      skipping -= n
      if skipping > 0 { return nil }
    }
    guard let end = headerEnd() else {
      if buffer.count - position > Self.maxHeader {
        position = buffer.count
        return .badHeader("a header longer than \(Self.maxHeader) bytes without the blank line that ends it")
      }
      return nil
    }
    let header = String(decoding: buffer[position..<end], as: UTF8.self)
    let bodyStart = end + 4
    var length: Int?
    for line in header.split(separator: "\r\n", omittingEmptySubsequences: true) {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2 else { continue }
      if parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
        length = Int(parts[1].trimmingCharacters(in: .whitespaces))
      }
    }
    guard let n = length, n >= 0 else {
      position = bodyStart
      return .badHeader("a message header without a valid Content-Length")
    }
    guard n <= Self.maxBody else {
      position = bodyStart
      skipping = n
      return .badHeader("a message of \(n) bytes, more than the \(Self.maxBody) accepted")
    }
    guard buffer.count - bodyStart >= n else { return nil }
    let body = Array(buffer[bodyStart..<bodyStart + n])
    position = bodyStart + n
    return .message(body)
  }

  /// Where the header's blank line (CRLF CRLF) starts, if it has arrived.
  private func headerEnd() -> Int? {
    var i = position
    while i + 3 < buffer.count {
      if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
      i += 1
    }
    return nil
  }

  private mutating func compact() {
    if position > 0 && (position == buffer.count || position > 1 << 20) {
      buffer.removeSubrange(0..<position)
      position = 0
    }
  }

  /// One message framed for writing.
  public static func frame(_ message: JSON) -> [UInt8] {
    let body = Array(message.serialized().utf8)
    return Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
  }
}

/// Writes framed messages to a file descriptor, one whole message at a time (the server's threads share it).
public final class FrameWriter: @unchecked Sendable {
  private let fd: Int32
  private let lock = NSLock()
  /// Set once a write fails (the client went away): nothing more is written.
  private var broken = false

  public init(fd: Int32) { self.fd = fd }

  public func write(_ message: JSON) {
    let bytes = Framer.frame(message)
    lock.lock()
    defer { lock.unlock() }
    guard !broken else { return }
    bytes.withUnsafeBufferPointer { b in
      guard var p = b.baseAddress else { return }
      var left = b.count
      while left > 0 {
        let n = Glibc.write(fd, p, left)
        if n < 0 {
          if errno == EINTR { continue }
          broken = true
          return
        }
        p += n
        left -= n
      }
    }
  }
}
