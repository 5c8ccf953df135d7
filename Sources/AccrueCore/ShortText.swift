/// An ASCII text of at most 23 bytes kept in three words, with no heap object of its own: an invoice id held
/// this way is copied and written without reading a string's storage elsewhere in memory (for ids read in
/// customer order, each such read is a cache miss). Compares like `String` (for ASCII, byte order is the
/// order of `String`'s comparison). `none` stands for a text that does not fit, or is not ASCII.
public struct ShortText: Sendable, Hashable {
  /// Bytes 0...7, 8...15, 16...22 (little-endian); the top byte of `w2` is the length, or 0xFF for `none`.
  @usableFromInline var w0: UInt64
  @usableFromInline var w1: UInt64
  @usableFromInline var w2: UInt64

  public static var none: ShortText { ShortText(w0: 0, w1: 0, w2: 0xFF << 56) }
  public static let maxBytes = 23

  @usableFromInline init(w0: UInt64, w1: UInt64, w2: UInt64) {
    self.w0 = w0
    self.w1 = w1
    self.w2 = w2
  }

  /// The text of these bytes, or `none` when more than 23 or not all ASCII.
  @inlinable @inline(__always)
  public init(bytes p: UnsafePointer<UInt8>, count n: Int) {
    self = .none
    guard n <= ShortText.maxBytes else { return }
    var words: (UInt64, UInt64, UInt64) = (0, 0, UInt64(n) << 56)
    var high: UInt8 = 0
    for i in 0..<n {
      let b = p[i]
      high |= b
      let v = UInt64(b) << (8 * UInt64(i & 7))
      switch i >> 3 {
      case 0: words.0 |= v
      case 1: words.1 |= v
      default: words.2 |= v
      }
    }
    guard high < 0x80 else { return }
    (w0, w1, w2) = words
  }

  /// The text of a string, or `none`.
  public init(_ s: String) {
    var s = s
    self = s.withUTF8 { b in b.isEmpty ? ShortText(w0: 0, w1: 0, w2: 0) : ShortText(bytes: b.baseAddress!, count: b.count) }
  }

  @inlinable public var isNone: Bool { w2 >> 56 == 0xFF }

  /// Its length in bytes (0 for `none`).
  @inlinable public var count: Int { isNone ? 0 : Int(w2 >> 56) }

  /// Its bytes, handed to `body` (empty for `none`).
  @inlinable
  public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    var words = (w0.littleEndian, w1.littleEndian, w2.littleEndian)
    let n = count
    return try withUnsafeBytes(of: &words) { raw in
      try body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n))
    }
  }

  /// Byte order, then length: for two texts that are not `none`, the order of their strings (ASCII).
  @inlinable public static func precedes(_ a: ShortText, _ b: ShortText) -> Bool {
    (a.w0.byteSwapped, a.w1.byteSwapped, a.w2.byteSwapped) < (b.w0.byteSwapped, b.w1.byteSwapped, b.w2.byteSwapped)
  }

  /// As a string ("" for `none`).
  public var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}
