
/// Counting lines in a file's bytes (to cut a large file in parts that start on a line of their own).
public enum LineCount {
  /// Newlines in b[from..<to], eight bytes at a time (exact: a byte is 10 iff its xor with 10 is zero).
  public static func newlines(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
    var count = 0
    var i = from
    let base = UnsafeRawPointer(b.baseAddress!)
    let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let tens: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    while i + 8 <= to {
      let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ tens
      // High bit set in each byte that is zero.
      let zeros = ~(((w & lows) &+ lows) | w | lows)
      count += zeros.nonzeroBitCount
      i += 8
    }
    while i < to {
      if b[i] == 10 { count += 1 }
      i += 1
    }
    return count
  }
}

