import AccrueCore
import Foundation

/// Record ids (customers, contracts) to their index, looked up by `String` or straight from a file's bytes
/// (the fast readers find an invoice's customer without making a string of it).
///
/// Ids are compared as Swift compares strings (canonical equivalence: `café` written precomposed or with a
/// combining accent is one id): a non-ASCII id is looked up and stored in its canonical composed form (NFC), so
/// comparing bytes gives the same answer. ASCII ids, the usual kind, are already in that form.
///
/// Open addressing with linear probing over a power-of-two table kept at most half full. A slot holds the id's
/// 64-bit hash, its index and, for ids of up to 15 bytes (the usual kind), the id itself: a lookup touches one
/// slot, not the id's string, so it costs one cache miss rather than three. Longer ids are compared with the
/// stored string. A hash collision costs a comparison, never a wrong answer. The hash is FNV-1a with a final
/// avalanche step (ids that differ only in their last digits spread over the whole table).
public struct IDIndex: Sendable {
  /// Ids in the order they were added.
  public private(set) var keys: [String] = []
  /// One slot a cache line half: the hash, the index the id stands for, its entry in `keys` (-1: empty) and,
  /// for ids of at most 15 bytes, the id itself (bytes, then its length in the last byte), so a lookup reads
  /// one slot and nothing else.
  private struct Slot {
    package var hash: UInt64 = 0
    package var value: Int32 = 0
    package var entry: Int32 = -1
    package var k0: UInt64 = 0
    package var k1: UInt64 = 0
  }
  private var slots: [Slot]
  private var mask: Int

  public init(minimumCapacity: Int = 0) {
    var size = 16
    while size < minimumCapacity * 2 { size <<= 1 }
    slots = Array(repeating: Slot(), count: size)
    mask = size - 1
    keys.reserveCapacity(minimumCapacity)
  }

  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  /// The hash of an id's bytes: eight at a time (from eight bytes on, the last word overlapping the one before
  /// it, as `packed` reads them), each word mixed in by a multiplication, the length too, then MurmurHash3's
  /// finalizer. (A byte at a time, an 11-byte id was 11 dependent multiplications.)
  @inline(__always) package static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    let m: UInt64 = 0x9E37_79B9_7F4A_7C15
    var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (UInt64(truncatingIfNeeded: n) &* m)
    let raw = UnsafeRawPointer(p)
    if n >= 8 {
      var i = 0
      while i + 8 < n {
        h = (h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* m
        h ^= h >> 29
        i += 8
      }
      h = (h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))) &* m
    } else {
      var w: UInt64 = 0
      for i in 0..<n { w |= UInt64(p[i]) << (8 * UInt64(i)) }
      h = (h ^ w) &* m
    }
    h ^= h >> 33
    h = h &* 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    h = h &* 0xc4ce_b9fe_1a85_ec53
    h ^= h >> 33
    return h
  }

  /// The words a slot keeps of an id longer than 15 bytes (compared as a string): no short id packs to these.
  package static let long: (UInt64, UInt64) = (0, UInt64.max)

  /// An id of at most 15 bytes packed in two words (its length in the top byte); nil for longer ids.
  /// (From eight bytes on, read a word at a time: the first eight, then the eight that end the id, shifted.)
  @inline(__always) package static func packed(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64)? {
    guard n <= 15 else { return nil }
    var k0: UInt64 = 0
    var k1: UInt64 = UInt64(n) << 56
    if n >= 8 {
      let raw = UnsafeRawPointer(p)
      k0 = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
      if n > 8 { k1 |= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) >> UInt64(8 * (16 - n)) }
      return (k0, k1)
    }
    for i in 0..<n { k0 |= UInt64(p[i]) << (8 * UInt64(i)) }
    return (k0, k1)
  }

  /// Whether the bytes are all ASCII (from eight bytes on, a word at a time; the last word may overlap).
  @inline(__always) package static func ascii(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n >= 8 {
      let raw = UnsafeRawPointer(p)
      var bits: UInt64 = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      var i = 0
      while i + 8 <= n {
        bits |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        i += 8
      }
      return bits & 0x8080_8080_8080_8080 == 0
    }
    for i in 0..<n where p[i] >= 0x80 { return false }
    return true
  }

  /// A non-ASCII id in its canonical composed form (NFC), the form the table holds.
  package static func canonical(_ id: String) -> String { id.precomposedStringWithCanonicalMapping }

  /// The index of the id given by its UTF-8 bytes, or nil.
  @inline(__always) public func find(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
    if !IDIndex.ascii(p, n) {
      return IDIndex.canonical(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)).withBytes { b in
        findExact(b.baseAddress ?? IDIndex.nowhere, b.count)
      }
    }
    return findExact(p, n)
  }

  /// The slot where a lookup of these bytes starts, for `touch(slot:)`: working out a batch's slots first, then
  /// reading them one after another, keeps the reads close enough together for their cache misses to overlap.
  @inline(__always) public func slot(_ p: UnsafePointer<UInt8>, count n: Int) -> Int {
    Int(truncatingIfNeeded: IDIndex.hash(p, n)) & mask
  }

  /// The first and last words of slot `s` (see `slot`): a slot may straddle two cache lines (the array's
  /// storage is 16-byte aligned), and a lookup reads both.
  @inline(__always) public func touch(slot s: Int) -> UInt64 { slots[s & mask].hash &+ slots[s & mask].k1 }

  /// The index of the id whose stored bytes are exactly these, or nil.
  @inline(__always) package func findExact(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    findExact(p, n, hash: IDIndex.hash(p, n))
  }

  /// `find` of ASCII bytes whose hash (`IDIndex.hash(p, n)`) the caller worked out already (for `touch`).
  @inline(__always) package func findASCII(_ p: UnsafePointer<UInt8>, count n: Int, hash h: UInt64) -> Int? {
    findExact(p, n, hash: h)
  }

  @inline(__always) private func findExact(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int? {
    let short = IDIndex.packed(p, n)
    var s = Int(truncatingIfNeeded: h) & mask
    while true {
      let slot = slots[s]
      if slot.entry < 0 { return nil }
      if slot.hash == h {
        if let (k0, k1) = short {
          if slot.k0 == k0 && slot.k1 == k1 { return Int(slot.value) }
        } else if IDIndex.equal(keys[Int(slot.entry)], p, n) {
          return Int(slot.value)
        }
      }
      s = (s + 1) & mask
    }
  }

  @inline(__always) package static func equal(_ key: String, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    return key.withBytes { k in k.count == n && (n == 0 || memcmp(k.baseAddress!, p, n) == 0) }
  }

  /// The index of `id`, or nil.
  public subscript(_ id: String) -> Int? {
    return id.withBytes { b in find(b.baseAddress ?? IDIndex.nowhere, count: b.count) }
  }

  /// An address for an empty id's bytes (never read: there are none).
  private static var nowhere: UnsafePointer<UInt8> { UnsafePointer(bitPattern: 1)! }

  /// Adds `id` for `index` unless it (or an id canonically equal to it) is there already; returns whether it
  /// was added. `keys` gets the id as stored (non-ASCII ids in NFC).
  @discardableResult
  public mutating func add(_ id: String, _ index: Int) -> Bool {
    let id = id.withBytes { IDIndex.ascii($0.baseAddress ?? IDIndex.nowhere, $0.count) } ? id : IDIndex.canonical(id)
    if (keys.count + 1) * 2 > slots.count { grow() }
    // One probe: along the id's run of slots to the first empty one, where it goes unless it was met on the way.
    let (h, k0, k1, short) = id.withBytes { b -> (UInt64, UInt64, UInt64, Bool) in
      let p = b.baseAddress ?? IDIndex.nowhere
      let (k0, k1) = IDIndex.packed(p, b.count) ?? IDIndex.long
      return (IDIndex.hash(p, b.count), k0, k1, b.count <= 15)
    }
    var s = Int(truncatingIfNeeded: h) & mask
    while slots[s].entry >= 0 {
      if slots[s].hash == h {
        if short {
          if slots[s].k0 == k0 && slots[s].k1 == k1 { return false }
        } else if slots[s].k0 == k0 && slots[s].k1 == k1,
          id.withBytes({ IDIndex.equal(keys[Int(slots[s].entry)], $0.baseAddress ?? IDIndex.nowhere, $0.count) })
        {
          return false
        }
      }
      s = (s + 1) & mask
    }
    slots[s] = Slot(hash: h, value: Int32(truncatingIfNeeded: index), entry: Int32(keys.count), k0: k0, k1: k1)
    keys.append(id)
    return true
  }

  /// Adds the ids of `other` in the order they were added there, each for `offset` plus its place in that order
  /// (what `add(id, offset + k)` for each of `other.keys` does), from the hashes and words `other` keeps: no id is
  /// hashed or packed again. False, with this index left holding some of them, when one is here already (the
  /// caller then starts again).
  package mutating func append(_ other: IDIndex, offset: Int) -> Bool {
    // Slot of each entry, in the order the ids were added.
    var order = [Int](repeating: 0, count: other.keys.count)
    for s in other.slots.indices where other.slots[s].entry >= 0 { order[Int(other.slots[s].entry)] = s }
    if (keys.count + other.keys.count) * 2 > slots.count { grow(to: keys.count + other.keys.count) }
    keys.reserveCapacity(keys.count + other.keys.count)
    for (k, o) in order.enumerated() {
      let slot = other.slots[o]
      let short = (slot.k0, slot.k1) != IDIndex.long
      var s = Int(truncatingIfNeeded: slot.hash) & mask
      while slots[s].entry >= 0 {
        if slots[s].hash == slot.hash && slots[s].k0 == slot.k0 && slots[s].k1 == slot.k1
          && (short || keys[Int(slots[s].entry)] == other.keys[k])
        {
          return false
        }
        s = (s + 1) & mask
      }
      slots[s] = Slot(hash: slot.hash, value: Int32(truncatingIfNeeded: offset + k), entry: Int32(keys.count), k0: slot.k0, k1: slot.k1)
      keys.append(other.keys[k])
    }
    return true
  }

  private mutating func place(_ slot: Slot) {
    var s = Int(truncatingIfNeeded: slot.hash) & mask
    while slots[s].entry >= 0 { s = (s + 1) & mask }
    slots[s] = slot
  }

  private mutating func grow() { grow(to: keys.count + 1) }

  /// A table with room for `count` ids (at most half full), the ids there placed again.
  private mutating func grow(to count: Int) {
    let old = slots
    var size = old.count * 2
    while size < count * 2 { size <<= 1 }
    slots = Array(repeating: Slot(), count: size)
    mask = slots.count - 1
    for slot in old where slot.entry >= 0 { place(slot) }
  }
}
