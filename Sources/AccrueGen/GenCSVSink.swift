import AccrueCore

#if canImport(Darwin)
  import Darwin
#else
  import Glibc
#endif

// MARK: - The buffered CSV writer

/// Appends bytes to a large buffer and writes it to the file descriptor when full.
final class GenCSVSink {
  let path: String
  private let fd: Int32
  private let buffer: UnsafeMutablePointer<UInt8>
  private let capacity: Int
  private var count = 0
  private var open = true
  /// Every row fits in this many bytes (fields are bounded), so a row is checked once, before it starts.
  static let rowReserve = 4096

  init(path: String, capacity: Int = 8 << 20) throws {
    self.path = path
    #if canImport(Darwin)
      fd = Darwin.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    #else
      fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    #endif
    guard fd >= 0 else { throw DataGeneratorError(path: path, reason: String(cString: strerror(errno))) }
    self.capacity = capacity
    buffer = .allocate(capacity: capacity)
  }

  deinit {
    if open { _ = close(fd) }
    buffer.deallocate()
  }

  /// Makes room for one row.
  @inline(__always) func row() throws { if count &+ GenCSVSink.rowReserve > capacity { try flush() } }

  func flush() throws {
    var offset = 0
    while offset < count {
      let n = systemWrite(fd, buffer + offset, count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw DataGeneratorError(path: path, reason: String(cString: strerror(errno)))
      }
      offset += n
    }
    count = 0
  }

  /// Flushes and closes the file.
  func finish() throws {
    try flush()
    open = false
    if close(fd) != 0 { throw DataGeneratorError(path: path, reason: String(cString: strerror(errno))) }
  }

  @inline(__always) func byte(_ b: UInt8) {
    buffer[count] = b
    count &+= 1
  }
  @inline(__always) func comma() { byte(0x2C) }
  @inline(__always) func newline() { byte(0x0A) }

  @inline(__always) func lit(_ s: StaticString) {
    let n = s.utf8CodeUnitCount
    (buffer + count).update(from: s.utf8Start, count: n)
    count &+= n
  }

  @inline(__always) func raw(_ p: UnsafePointer<UInt8>, _ n: Int) {
    (buffer + count).update(from: p, count: n)
    count &+= n
  }

  func bytes(_ a: [UInt8]) { a.withUnsafeBufferPointer { if let b = $0.baseAddress { raw(b, $0.count) } } }

  /// A text field, quoted when it holds a comma, a quote or a line break (RFC 4180).
  func field(_ a: [UInt8]) {
    var needs = false
    for b in a where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needs = true; break }
    if !needs { return bytes(a) }
    byte(0x22)
    for b in a {
      if b == 0x22 { byte(0x22) }
      byte(b)
    }
    byte(0x22)
  }

  /// A non-negative integer.
  @inline(__always) func uint(_ value: UInt64) {
    var digits = 1
    var t = value / 10
    while t != 0 {
      digits &+= 1
      t /= 10
    }
    var v = value
    var i = count &+ digits
    count = i
    repeat {
      i &-= 1
      buffer[i] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10)
      v /= 10
    } while v != 0
  }

  @inline(__always) func int(_ v: Int) {
    if v < 0 { byte(0x2D) }
    uint(UInt64(v.magnitude))
  }

  /// A non-negative integer padded with zeros to `width` digits.
  @inline(__always) func padded(_ value: Int, width: Int) {
    var digits = 1
    var t = value / 10
    while t > 0 { digits += 1; t /= 10 }
    var z = width - digits
    while z > 0 { byte(0x30); z -= 1 }
    uint(UInt64(value))
  }

  /// An amount in minor units with two decimals (USD, EUR).
  @inline(__always) func cents(_ minor: Int64) {
    if minor < 0 { byte(0x2D) }
    let m = minor.magnitude
    uint(m / 100)
    byte(0x2E)
    byte(0x30 &+ UInt8(truncatingIfNeeded: (m / 10) % 10))
    byte(0x30 &+ UInt8(truncatingIfNeeded: m % 10))
  }
}

/// `write(2)` under a name that no member shadows.
@inline(__always)
private func systemWrite(_ fd: Int32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
  #if canImport(Darwin)
    return Darwin.write(fd, p, n)
  #else
    return Glibc.write(fd, p, n)
  #endif
}
