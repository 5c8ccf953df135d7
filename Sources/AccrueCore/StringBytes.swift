extension String {
  /// Calls `body` with the string's UTF-8 bytes without copying the string: native strings hand out their
  /// storage (no retain of a copy, unlike `var s = s; s.withUTF8`); others are copied into an array first.
  @inlinable
  public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let r = try utf8.withContiguousStorageIfAvailable(body) { return r }
    return try Array(utf8).withUnsafeBufferPointer(body)
  }
}
