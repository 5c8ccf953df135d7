#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A sliding window over a byte stream, read in large blocks into one reusable buffer.
///
/// Parsers read `buffer[start..<end]`; everything before `start` is consumed. `refill()` moves the
/// unconsumed bytes to the front and reads more; the buffer grows only when the unconsumed bytes fill it
/// (a single record larger than the buffer), so memory stays flat for ordinary files.
struct ByteSource: ~Copyable {
  /// Where bytes come from: a file descriptor or an in-memory array.
  enum Origin {
    case file(Int32)
    case memory([UInt8], offset: Int)
  }

  private(set) var buffer: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// First unconsumed byte.
  var start = 0
  /// End of the valid bytes.
  private(set) var end = 0
  /// True once the origin reported its end.
  private(set) var eof = false
  /// errno of a failed read, if any (the stream then ends).
  private(set) var readError: Int32?
  private var origin: Origin

  /// Default block size: 1 MiB.
  static let defaultBlockSize = 1 << 20

  /// Opens a file for reading.
  init(path: String, blockSize: Int = defaultBlockSize) throws(Errno) {
    let fd = path.withCString { sysOpen($0, O_RDONLY | O_CLOEXEC) }
    if fd < 0 { throw Errno(code: errno) }
    self.init(origin: .file(fd), blockSize: blockSize)
  }

  /// A source over bytes in memory, read through the same block buffer as a file.
  init(bytes: [UInt8], blockSize: Int = defaultBlockSize) {
    self.origin = .memory(bytes, offset: 0)
    self.capacity = max(16, blockSize)
    self.buffer = .allocate(capacity: self.capacity)
  }

  private init(origin: Origin, blockSize: Int) {
    self.origin = origin
    self.capacity = max(16, blockSize)
    self.buffer = .allocate(capacity: self.capacity)
  }

  deinit {
    buffer.deallocate()
    if case .file(let fd) = origin { _ = close(fd) }
  }

  /// Number of unconsumed bytes.
  var available: Int { end - start }

  /// Moves the unconsumed bytes to offset 0 (returning the shift applied to buffer offsets), grows the
  /// buffer if they fill it, then reads until the buffer is full or the origin ends.
  @discardableResult
  mutating func refill() -> Int {
    let shift = start
    if shift > 0 {
      let n = end - start
      if n > 0 { memmove(buffer, buffer + start, n) }
      start = 0
      end = n
    }
    if end == capacity {
      let newCapacity = capacity * 2
      let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
      grown.update(from: buffer, count: end)
      buffer.deallocate()
      buffer = grown
      capacity = newCapacity
    }
    while end < capacity && !eof {
      let n = readSome(into: buffer + end, count: capacity - end)
      if n <= 0 {
        eof = true
      } else {
        end += n
      }
    }
    return shift
  }

  /// Reads up to `count` bytes; 0 at the end, -1 on error (recorded in `readError`).
  private mutating func readSome(into p: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
    switch origin {
    case .file(let fd):
      while true {
        let n = read(fd, p, count)
        if n >= 0 { return n }
        if errno == EINTR { continue }
        readError = errno
        return -1
      }
    case .memory(let bytes, let offset):
      let n = min(count, bytes.count - offset)
      if n <= 0 { return 0 }
      bytes.withUnsafeBufferPointer { src in
        p.update(from: src.baseAddress! + offset, count: n)
      }
      origin = .memory(bytes, offset: offset + n)
      return n
    }
  }
}

/// An errno value with its text.
public struct Errno: Error, Sendable, Equatable {
  public var code: Int32
  public init(code: Int32) { self.code = code }
  public var message: String {
    guard let s = strerror(code) else { return "error \(code)" }
    return String(cString: s)
  }
}

/// `open(2)` without the variadic overlay ambiguity.
@inline(__always)
private func sysOpen(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
  open(path, flags)
}
