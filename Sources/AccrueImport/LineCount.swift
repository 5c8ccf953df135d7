#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Counting lines in a file's bytes (to cut a large file in parts that start on a line of their own).
public enum LineCount {
  /// Newlines in b[from..<to], eight bytes at a time (exact: a byte is 10 iff its xor with 10 is zero).
  public static func newlines(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
    var count = 0
    var i = from
    let base = UnsafeRawPointer(b.baseAddress!)
    let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let tens: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    // Per byte lane, how many newlines it has seen (at most 255 words at a time, so no lane overflows), then the
    // lanes added up with one multiplication (no population count instruction in the baseline x86-64).
    while i + 8 <= to {
      var lanes: UInt64 = 0
      let stop = min(to - 7, i + 255 * 8)
      while i < stop {
        let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ tens
        // High bit set in each byte that is zero.
        let zeros = ~(((w & lows) &+ lows) | w | lows)
        lanes &+= zeros >> 7
        i += 8
      }
      // Each lane at most 255: add them pairwise, then the four 16-bit sums.
      let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
      count += Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
    }
    while i < to {
      if b[i] == 10 { count += 1 }
      i += 1
    }
    return count
  }

  /// `newlines` by searching for each one (`memchr`, many bytes at a time): fewer instructions when lines are long
  /// (a line of 130 bytes is about 17 words for `newlines`, one short search here); slower for very short lines.
  public static func newlinesBySearch(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
    guard from < to, let base = b.baseAddress else { return 0 }
    var count = 0
    var at = base + from
    let end = base + to
    while at < end, let nl = memchr(at, 10, end - at) {
      count += 1
      at = UnsafePointer(nl.assumingMemoryBound(to: UInt8.self)) + 1
    }
    return count
  }
}
