import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Invoice ids by their 64-bit FNV-1a hash, pointing into `Dataset.invoices` (strings compared only when
/// hashes match). A million ids cost 12 bytes each here instead of a `Set<String>`'s hashing and buckets.
public struct InvoiceIDIndex: Sendable {
  /// Slot k is `table[2k]` (the id's hash, 0 when empty) and `table[2k + 1]` (the invoice's index): both in
  /// one cache line, so a probe costs one miss.
  private var table: [UInt64]
  private var mask: Int
  public private(set) var count = 0

  public init() { self.init(minimumCapacity: 512) }

  /// An index with room for `minimumCapacity` ids before it grows.
  public init(minimumCapacity: Int) {
    var size = 1024
    while size < minimumCapacity * 2 { size <<= 1 }
    table = Array(repeating: 0, count: 2 * size)
    mask = size - 1
  }

  /// Makes room for `n` ids in all (the table is rebuilt once, not doubled step by step).
  public mutating func reserveCapacity(_ n: Int) {
    guard n * 2 > mask + 1 else { return }
    var size = mask + 1
    while size < n * 2 { size <<= 1 }
    rebuild(size)
  }

  /// The hash of an id's bytes; a non-ASCII id is hashed in its canonical form (NFC), so ids Swift finds equal
  /// (`==` is canonical equivalence) hash alike.
  @inline(__always) package static func hash(_ s: String) -> UInt64 {
    s.withBytes { b in b.contains { $0 >= 0x80 } ? nil : hash(b) } ?? hash(IDIndex.canonical(s).utf8)
  }

  /// (Inlinable: other modules hash their keys with it, specialised to their buffers; called through the generic
  /// entry point it cost about a thousand instructions a key.)
  @inlinable @inline(__always) package static func hash<S: Sequence<UInt8>>(_ bytes: S) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h | 1  // never 0, which marks an empty slot
  }

  /// The index of `id` in `invoices`, or nil.
  public func find(_ id: String, in invoices: [OpenInvoice]) -> Int? {
    let h = InvoiceIDIndex.hash(id)
    var s = Int(truncatingIfNeeded: h) & mask
    while table[2 * s] != 0 {
      if table[2 * s] == h, invoices[Int(table[2 * s + 1])].id == id { return Int(table[2 * s + 1]) }
      s = (s + 1) & mask
    }
    return nil
  }

  /// Adds `id` for `invoices[index]` unless `invoices` has it already (one probe for both); returns whether
  /// it was added.
  public mutating func insertIfAbsent(_ id: String, index: Int, in invoices: [OpenInvoice]) -> Bool {
    insertIfAbsent(id, hash: InvoiceIDIndex.hash(id), index: index, in: invoices)
  }

  /// `insertIfAbsent` of an id whose hash (`hash(id)`) the caller worked out already, from its ASCII bytes.
  package mutating func insertIfAbsent(_ id: String, hash h: UInt64, index: Int, in invoices: [OpenInvoice]) -> Bool {
    if (count + 1) * 2 > mask + 1 { grow() }
    var s = Int(truncatingIfNeeded: h) & mask
    while table[2 * s] != 0 {
      if table[2 * s] == h, invoices[Int(table[2 * s + 1])].id == id { return false }
      s = (s + 1) & mask
    }
    table[2 * s] = h
    table[2 * s + 1] = UInt64(index)
    count += 1
    return true
  }

  /// The slot where the id given by its bytes would be looked up, for `touch(slot:)` (as `IDIndex.slot`).
  @inline(__always) package func slot(_ p: UnsafePointer<UInt8>, count n: Int) -> Int {
    Int(truncatingIfNeeded: InvoiceIDIndex.hash(UnsafeBufferPointer(start: p, count: n))) & mask
  }

  /// The slot where an id of this hash is looked up, for `touch(slot:)`.
  @inline(__always) package func slot(hash h: UInt64) -> Int { Int(truncatingIfNeeded: h) & mask }

  /// The first word of slot `s` (see `slot`).
  @inline(__always) package func touch(slot s: Int) -> UInt64 { table[2 * (s & mask)] }

  /// Adds `invoices[index]`'s id (the caller checked it is not there yet).
  public mutating func insert(_ id: String, index: Int) {
    if (count + 1) * 2 > mask + 1 { grow() }
    place(InvoiceIDIndex.hash(id), UInt64(index))
    count += 1
  }

  /// Adds every id of `other` (an index of the invoices that follow these, `offset` on), when none of them is
  /// here already; returns false, with this index left holding some of them, when one is (the caller then
  /// starts again). Ids are compared only when hashes match: their strings are not read otherwise.
  package mutating func merge(_ other: InvoiceIDIndex, offset: Int, in invoices: [OpenInvoice], _ others: [OpenInvoice]) -> Bool {
    if count + other.count > (mask + 1) / 2 { reserveCapacity(count + other.count) }
    for k in stride(from: 0, to: other.table.count, by: 2) where other.table[k] != 0 {
      let h = other.table[k]
      let j = Int(other.table[k + 1])
      var s = Int(truncatingIfNeeded: h) & mask
      while table[2 * s] != 0 {
        // A match among the invoices before `offset` is a duplicate; the other's ids are all different.
        if table[2 * s] == h, table[2 * s + 1] < UInt64(offset), invoices[Int(table[2 * s + 1])].id == others[j].id { return false }
        s = (s + 1) & mask
      }
      table[2 * s] = h
      table[2 * s + 1] = UInt64(offset + j)
      count += 1
    }
    return true
  }

  private mutating func place(_ h: UInt64, _ index: UInt64) {
    var s = Int(truncatingIfNeeded: h) & mask
    while table[2 * s] != 0 { s = (s + 1) & mask }
    table[2 * s] = h
    table[2 * s + 1] = index
  }

  private mutating func grow() { rebuild((mask + 1) * 2) }

  private mutating func rebuild(_ size: Int) {
    let old = table
    table = Array(repeating: 0, count: 2 * size)
    mask = size - 1
    for k in stride(from: 0, to: old.count, by: 2) where old[k] != 0 { place(old[k], old[k + 1]) }
  }
}
