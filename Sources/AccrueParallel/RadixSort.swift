/// Sorting many integer keys fast (the matcher sorts a million invoices by currency, amount and issue date).
package enum RadixSort {
  /// Sorts (hi, lo, index) triples by (hi, lo), keeping the input order of equal keys: a radix sort over the
  /// 16-bit digits that differ between keys (usually three or four of the eight), last digit first.
  package static func sort(_ a: inout [(hi: UInt64, lo: UInt64, index: Int32)]) {
    guard a.count > 1 else { return }
    var (andHi, andLo, orHi, orLo) = (UInt64.max, UInt64.max, UInt64(0), UInt64(0))
    for x in a {
      andHi &= x.hi
      orHi |= x.hi
      andLo &= x.lo
      orLo |= x.lo
    }
    var other = a
    var counts = [Int](repeating: 0, count: 1 << 16 + 1)
    for (word, varying) in [(0, orLo ^ andLo), (1, orHi ^ andHi)] {
      for shift in stride(from: UInt64(0), to: 64, by: 16) where (varying >> shift) & 0xFFFF != 0 {
        @inline(__always) func digit(_ x: (hi: UInt64, lo: UInt64, index: Int32)) -> Int { Int(((word == 0 ? x.lo : x.hi) >> shift) & 0xFFFF) }
        for k in counts.indices { counts[k] = 0 }
        for x in a { counts[digit(x) + 1] += 1 }
        for k in 1..<counts.count { counts[k] += counts[k - 1] }
        other.withUnsafeMutableBufferPointer { out in
          for x in a {
            let d = digit(x)
            out[counts[d]] = x
            counts[d] += 1
          }
        }
        swap(&a, &other)
      }
    }
  }
}
