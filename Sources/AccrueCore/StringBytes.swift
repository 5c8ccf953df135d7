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
