import AccrueCore

/// `CivilDate.parse(bytes:)` with the dates it read remembered by their ten bytes: a file's dates repeat (a few
/// hundred days among a million rows), and a date read before costs a load and a compare instead of a parse.
/// Only dates that parse are remembered, under their exact bytes, so the answer is always `CivilDate.parse`'s.
public struct DateCache: Sendable {
  /// Slots (one per hash, the last date read there kept): 4,096, so that the few hundred dates of a file seldom
  /// share one (with 1,024, the 298 dates of the collections benchmark's invoices missed about one lookup in four).
  private static let bits = 12
  /// A remembered date: its first eight bytes, the last two (with bit 16 set: a slot in use), the date.
  private struct Slot: Sendable {
    var head: UInt64 = 0
    var tail: UInt32 = 0
    var date = CivilDate(dayNumber: 0)
  }
  private var slots: [Slot]

  /// (The slots are made at the first date: a reader made for one line never pays for them.)
  public init() {
    slots = []
  }

  /// The slot of a date's first eight bytes and last two. (The day's two digits are multiplied apart from the
  /// month's: shifted onto them and xored, as before, a day and a month whose digits xor alike took one slot, and
  /// the 365 days of 2026 shared 60 slots; now about 350, as many as slots picked at random.)
  @inline(__always) package static func slot(head: UInt64, tail: UInt32) -> Int {
    Int(truncatingIfNeeded: ((head ^ (UInt64(tail) &* 0xC2B2_AE3D_27D4_EB4F)) &* 0x9E37_79B9_7F4A_7C15) >> (64 - bits))
  }

  /// The date `CivilDate.parse(bytes:)` reads from `b`, or nil.
  @inline(__always)
  public mutating func parse(_ b: UnsafeBufferPointer<UInt8>) -> CivilDate? {
    guard b.count == 10, let base = b.baseAddress else { return CivilDate.parse(bytes: b) }
    let raw = UnsafeRawPointer(base)
    let head = raw.loadUnaligned(as: UInt64.self)
    let tail = UInt32(raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)) | 0x1_0000
    let s = Self.slot(head: head, tail: tail)
    if !slots.isEmpty {
      let slot = slots[s]
      if slot.head == head && slot.tail == tail { return slot.date }
    }
    guard let d = CivilDate.parse(bytes: b) else { return nil }
    if slots.isEmpty { slots = Array(repeating: Slot(), count: 1 << Self.bits) }
    slots[s] = Slot(head: head, tail: tail, date: d)
    return d
  }
}
