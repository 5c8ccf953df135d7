#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
  /// Calls `body` with the string's UTF-8 bytes without copying the string: native strings hand out their
  /// storage (no retain of a copy, unlike `var s = s; s.withUTF8`); others are copied into an array first.
  @inlinable
  public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let r = try utf8.withContiguousStorageIfAvailable(body) { return r }
    return try Array(utf8).withUnsafeBufferPointer(body)
  }
}

extension String {
  /// The first 16 bytes of the UTF-8 as two big-endian words (zeros past the end). For ASCII strings, keys that
  /// differ order the strings as `<` does (a sort compares the strings only where keys are equal).
  @inlinable
  public var asciiPrefixKey: (UInt64, UInt64) {
    withBytes { b in
      var (hi, lo) = (UInt64(0), UInt64(0))
      for k in 0..<Swift.min(16, b.count) {
        if k < 8 { hi |= UInt64(b[k]) << (8 * (7 - UInt64(k))) } else { lo |= UInt64(b[k]) << (8 * (15 - UInt64(k))) }
      }
      return (hi, lo)
    }
  }

  /// Whether every byte is ASCII.
  @inlinable
  public var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}

extension String {
  /// Whether the string's UTF-8 bytes come before `other`'s, as `utf8.lexicographicallyPrecedes(other.utf8)` says
  /// (the order the ledger and the run files keep keys in), compared with `memcmp` rather than byte by byte through
  /// the generic iterator (which cost a sort of 100,000 keys most of its time).
  @inlinable
  public func utf8Precedes(_ other: String) -> Bool { utf8Order(other) < 0 }

  /// The order of the two strings' UTF-8 bytes: negative when this one comes first, 0 when the bytes are equal
  /// (unlike `==`, which also calls canonically equivalent strings equal), positive otherwise.
  @inlinable
  public func utf8Order(_ other: String) -> Int {
    withBytes { a in
      other.withBytes { b in
        let n = Swift.min(a.count, b.count)
        if n > 0 {
          let c = memcmp(a.baseAddress!, b.baseAddress!, n)
          if c != 0 { return Int(c) }
        }
        return a.count - b.count
      }
    }
  }
}
