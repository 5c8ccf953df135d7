import AccrueCore

/// `CivilDate.parse(bytes:)` with the dates it read remembered by their ten bytes: a file's dates repeat (a few
/// hundred days among a million rows), and a date read before costs a load and a compare instead of a parse.
/// Only dates that parse are remembered, under their exact bytes, so the answer is always `CivilDate.parse`'s.
public struct DateCache: Sendable {
  private static let size = 1024
  /// Per slot: the first eight bytes, the last two (with bit 16 set: a slot in use), the date.
  private var heads: [UInt64]
  private var tails: [UInt32]
  private var dates: [CivilDate]

  /// (The slots are made at the first date: a reader made for one line never pays for them.)
  public init() {
    heads = []
    tails = []
    dates = []
  }

  /// The date `CivilDate.parse(bytes:)` reads from `b`, or nil.
  @inline(__always)
  public mutating func parse(_ b: UnsafeBufferPointer<UInt8>) -> CivilDate? {
    guard b.count == 10, let base = b.baseAddress else { return CivilDate.parse(bytes: b) }
    let raw = UnsafeRawPointer(base)
    let head = raw.loadUnaligned(as: UInt64.self)
    let tail = UInt32(raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)) | 0x1_0000
    let s = Int(truncatingIfNeeded: ((head ^ (UInt64(tail) << 40)) &* 0x9E37_79B9_7F4A_7C15) >> 54)
    if !heads.isEmpty && heads[s] == head && tails[s] == tail { return dates[s] }
    guard let d = CivilDate.parse(bytes: b) else { return nil }
    if heads.isEmpty {
      heads = Array(repeating: 0, count: Self.size)
      tails = Array(repeating: 0, count: Self.size)
      dates = Array(repeating: CivilDate(dayNumber: 0), count: Self.size)
    }
    heads[s] = head
    tails[s] = tail
    dates[s] = d
    return d
  }
}
