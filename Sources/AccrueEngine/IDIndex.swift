import Foundation

/// Record ids (customers, contracts) to their index, looked up by `String` or straight from a file's bytes
/// (the fast readers find an invoice's customer without making a string of it).
///
/// Open addressing with linear probing over a power-of-two table kept at most half full; each slot holds the
/// id's 64-bit hash and its entry, and an entry is confirmed by comparing the bytes, so a hash collision costs a
/// comparison, never a wrong answer. The hash is FNV-1a with a final avalanche step (ids that differ only in
/// their last digits spread over the whole table).
public struct IDIndex: Sendable {
  /// Ids in the order they were added, and the index each stands for.
  public private(set) var keys: [String] = []
  private var values: [Int32] = []
  private var hashes: [UInt64]
  /// Entry (into `keys`) of each table slot, -1 when empty.
  private var entries: [Int32]
  private var mask: Int

  public init(minimumCapacity: Int = 0) {
    var size = 16
    while size < minimumCapacity * 2 { size <<= 1 }
    hashes = Array(repeating: 0, count: size)
    entries = Array(repeating: -1, count: size)
    mask = size - 1
    keys.reserveCapacity(minimumCapacity)
    values.reserveCapacity(minimumCapacity)
  }

  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3 }
    h ^= h >> 33
    h = h &* 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    return h
  }

  /// The index of the id given by its bytes, or nil.
  @inline(__always) public func find(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
    let h = IDIndex.hash(p, n)
    var s = Int(truncatingIfNeeded: h) & mask
    while true {
      let e = Int(entries[s])
      if e < 0 { return nil }
      if hashes[s] == h, IDIndex.equal(keys[e], p, n) { return Int(values[e]) }
      s = (s + 1) & mask
    }
  }

  @inline(__always) static func equal(_ key: String, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var key = key
    return key.withUTF8 { k in k.count == n && (n == 0 || memcmp(k.baseAddress!, p, n) == 0) }
  }

  /// The index of `id`, or nil.
  public subscript(_ id: String) -> Int? {
    var id = id
    return id.withUTF8 { b in b.isEmpty ? find(UnsafePointer(bitPattern: 1)!, count: 0) : find(b.baseAddress!, count: b.count) }
  }

  /// Adds `id` for `index` unless it is there already; returns whether it was added.
  @discardableResult
  public mutating func add(_ id: String, _ index: Int) -> Bool {
    if (keys.count + 1) * 2 > hashes.count { grow() }
    var id = id
    let h = id.withUTF8 { b in IDIndex.hash(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count) }
    var s = Int(truncatingIfNeeded: h) & mask
    while entries[s] >= 0 {
      if hashes[s] == h, keys[Int(entries[s])] == id { return false }
      s = (s + 1) & mask
    }
    hashes[s] = h
    entries[s] = Int32(keys.count)
    keys.append(id)
    values.append(Int32(index))
    return true
  }

  private mutating func grow() {
    let oldHashes = hashes
    let oldEntries = entries
    hashes = Array(repeating: 0, count: oldHashes.count * 2)
    entries = Array(repeating: -1, count: oldHashes.count * 2)
    mask = hashes.count - 1
    for k in oldHashes.indices where oldEntries[k] >= 0 {
      var s = Int(truncatingIfNeeded: oldHashes[k]) & mask
      while entries[s] >= 0 { s = (s + 1) & mask }
      hashes[s] = oldHashes[k]
      entries[s] = oldEntries[k]
    }
  }
}
