import Foundation
import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel

/// Read-only tables for aggregating usage, shared by the workers.
final class UsageShared: @unchecked Sendable {
  // Immutable after init; read from several threads.
  let plan: ExecutablePlan
  let data: Dataset
  let path: String
  let fields: [FieldInfo]
  let cols: (id: Int, cust: Int, con: Int, date: Int, name: Int, qty: Int, cur: Int)
  let meteredByCustomer: MeteredByCustomer
  let byContract: [[Int]]
  let ranges: [(Int32, Int32)]
  let used: Set<Int>
  let convert: [(column: Int, slot: Int)]
  /// Whether one of `convert`'s fields depends on the row's currency (or, without one, its contract's): money
  /// without a currency of its own (`field event.fee: money`), or a currency field left empty.
  let convertsByCurrency: Bool
  let fast: [FastMetric?]
  let eventNames: [String?]
  /// Contracts by id, each slot with its customer's id and its accumulators: built only for the fast path (a
  /// file read in chunks); the general path finds a contract through `data.contractIndex` (`contract(_:)`).
  let contracts: ContractTable?
  let qtySlot: Int?
  /// Declared defaults of the event fields, by slot.
  let eventDefaults: [RValue?]
  /// The `timestamp` column (-1: none), read only when a metric is a weighted sum (`weighted`).
  let tsCol: Int
  let weighted: Bool

  init(_ plan: ExecutablePlan, _ data: Dataset, _ file: TableFile, _ byContract: [[Int]], contractTable: Bool = true) {
    self.plan = plan
    self.data = data
    self.path = file.path
    self.byContract = byContract
    let p = plan.program
    fields = p.fields(of: .event)
    let cs = data.usageSchema.columns
    func col(_ n: String) -> Int { cs.firstIndex { $0.name == n } ?? -1 }
    cols = (col("id"), col("customer"), col("contract"), col("date"), col("name"), col("quantity"), col("currency"))
    meteredByCustomer = MeteredByCustomer(byContract, data)
    var used = Set<Int>()
    for r in p.resolutions {
      if case .field(.event, let slot)? = r { used.insert(slot) }
    }
    self.used = used
    convert = data.usageSlots.enumerated().filter { used.contains($0.element) }.map { ($0.offset, $0.element) }
    let fields = fields
    convertsByCurrency = convert.contains { c in
      switch fields[c.slot].type {
      case .money(.known): false
      case .money, .currency: true
      default: false
      }
    }
    // Metrics of percentage charges with a free allowance keep each transaction's date and id: the general path.
    let ordered = Set(plan.plans.flatMap { p in p.charges.compactMap { ch -> Int? in
      guard case .usage(let m) = ch.quantity, Billing.hasFreeAllowance(ch, p) else { return nil }
      return m
    } })
    // Weighted sums weigh each event by its instant, read on the general path (Usage+Weighted).
    fast = plan.metrics.indices.map { ordered.contains($0) || plan.metrics[$0].aggregation == .weightedSum ? nil : FastMetric.make($0, plan, data) }
    weighted = plan.metrics.contains { $0.aggregation == .weightedSum }
    tsCol = col("timestamp")
    eventNames = plan.metrics.map(\.eventName)
    // Accumulators are created contract by contract, so a contract's list is a contiguous range.
    ranges = byContract.map { list in
      guard let first = list.first else { return (0, 0) }
      return list.last! - first + 1 == list.count ? (Int32(first), Int32(list.count)) : (-1, 0)
    }
    contracts = contractTable ? UsageShared.table(data, ranges) : nil
    qtySlot = fields.first { $0.name == "quantity" }?.index
    eventDefaults = fields.map { plan.fieldDefault(.event, $0.index) }
  }

  /// Every contract by id, with its customer's id and its accumulators (`ranges`, by contract).
  static func table(_ data: Dataset, _ ranges: [(Int32, Int32)]) -> ContractTable {
    ContractTable(
      data.contracts.indices.map { ci in
        let (lo, n) = ranges[ci]
        let customer = data.customers[data.contracts[ci].customer].id
        return (data.contracts[ci].id, customer, ContractInfo(index: Int32(ci), first: lo, count: n))
      })
  }

  /// The contract `ci` for the general path: its index and its accumulators (no id keys).
  func info(_ ci: Int) -> ContractInfo {
    let (lo, n) = ranges[ci]
    return ContractInfo(index: Int32(ci), first: lo, count: n)
  }

  /// Whether the customer of `info` has the id `customer`, byte for byte (as the table compares them).
  func customerIs(_ info: ContractInfo, _ customer: String) -> Bool {
    data.customers[data.contracts[Int(info.index)].customer].id.utf8.elementsEqual(customer.utf8)
  }
}

/// A contract's data for the per-event path, stored in its hash slot: one probe, one cache line.
struct ContractInfo {
  /// The contract's and its customer's ids: their first 16 bytes (zero past the end) and their lengths.
  var id = IdKey()
  var customer = IdKey()
  var index: Int32 = -1
  var first: Int32 = 0
  var count: Int32 = 0
}

/// An id as two little-endian words of its first 16 bytes (zero past its end) and its length: two ids of at
/// most 16 bytes are equal exactly when their keys are; longer ones are confirmed by their bytes.
struct IdKey: Equatable {
  var w0: UInt64 = 0, w1: UInt64 = 0
  var count: UInt32 = 0

  /// The key of p[0..<count]; `end` is where the readable bytes end (a word is loaded whole only before it).
  @inline(__always) init(_ p: UnsafePointer<UInt8>, _ count: Int, end: UnsafePointer<UInt8>) {
    self.count = UInt32(truncatingIfNeeded: count)
    if p + 16 <= end {
      let raw = UnsafeRawPointer(p)
      let a = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
      let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
      if count >= 16 {
        (w0, w1) = (a, b)
      } else if count > 8 {
        (w0, w1) = (a, b & ((1 << UInt64((count - 8) * 8)) - 1))
      } else {
        w0 = count == 8 ? a : a & ((1 << UInt64(count * 8)) - 1)
      }
    } else {
      for i in 0..<min(count, 16) {
        if i < 8 { w0 |= UInt64(p[i]) << UInt64(i * 8) } else { w1 |= UInt64(p[i]) << UInt64((i - 8) * 8) }
      }
    }
  }

  init(_ s: String) {
    var bytes = Array(s.utf8)
    let n = bytes.count
    bytes.append(contentsOf: repeatElement(0, count: 16))
    self = bytes.withUnsafeBufferPointer { IdKey($0.baseAddress!, n, end: $0.baseAddress! + $0.count) }
  }

  init() {}

  /// Where the key's slot search starts (its words mixed; a long id's bytes past 16 are left to the comparison).
  @inline(__always) var hash: UInt64 {
    // SplitMix64's finalizer over the words and the length.
    var h = w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(count)
    h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
    h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
    return h ^ (h >> 31)
  }
}

/// Contracts by their ids, in one open-addressing array whose slots also hold what an event needs (customer
/// check, accumulator range). Ids of up to 16 bytes are compared in the slot; a longer id (and customer id) is
/// confirmed by its bytes as well: two ids are never confused.
struct ContractTable {
  /// The slots, each on a cache line of its own (64 bytes, aligned): a probe reads one line, where 56-byte slots
  /// packed one after another straddled two lines three times in four.
  final class Slots {
    static let stride = 64
    let base: UnsafeMutableRawPointer
    let count: Int
    init(count: Int) {
      precondition(MemoryLayout<ContractInfo>.size <= Slots.stride)
      self.count = count
      base = .allocate(byteCount: count * Slots.stride, alignment: Slots.stride)
      for i in 0..<count { (base + i * Slots.stride).initializeMemory(as: ContractInfo.self, repeating: ContractInfo(), count: 1) }
    }
    deinit { base.deallocate() }
    @inline(__always) subscript(i: Int) -> ContractInfo {
      get { base.load(fromByteOffset: i * Slots.stride, as: ContractInfo.self) }
      set { base.storeBytes(of: newValue, toByteOffset: i * Slots.stride, as: ContractInfo.self) }
    }
  }
  private let slots: Slots
  private let mask: Int
  /// Every contract's id and its customer's id, as bytes, by contract index: [start, end) in `bytes`.
  private var bytes: [UInt8] = []
  private var spans: [(id: Range<Int>, customer: Range<Int>)] = []

  init(_ records: [(id: String, customer: String, info: ContractInfo)]) {
    spans = Array(repeating: (0..<0, 0..<0), count: records.count)
    for r in records where r.info.index >= 0 && Int(r.info.index) < records.count {
      let a = bytes.count
      bytes.append(contentsOf: r.id.utf8)
      let b = bytes.count
      bytes.append(contentsOf: r.customer.utf8)
      spans[Int(r.info.index)] = (a..<b, b..<bytes.count)
    }
    var cap = 16
    while cap < records.count * 2 { cap <<= 1 }
    mask = cap - 1
    slots = Slots(count: cap)
    for r in records {
      var info = r.info
      info.id = IdKey(r.id)
      info.customer = IdKey(r.customer)
      var s = Int(truncatingIfNeeded: info.id.hash) & mask
      while slots[s].index >= 0 { s = (s + 1) & mask }
      slots[s] = info
    }
  }

  /// The contract whose id is p[0..<key.count], if its customer's id is q[0..<customer.count]; nil when there
  /// is no such contract or it belongs to another customer.
  @inline(__always) func find(
    _ key: IdKey, _ p: UnsafePointer<UInt8>, customer: IdKey, _ q: UnsafePointer<UInt8>
  ) -> ContractInfo? {
    guard let info = find(key, p) else { return nil }
    guard info.customer == customer else { return nil }
    if customer.count > 16 {
      let c = spans[Int(info.index)].customer
      guard bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + c.lowerBound, q, c.count) }) == 0 else { return nil }
    }
    return info
  }

  /// The first word of the slot where the search for `key` starts: read for its cache line only (a batch's lines
  /// read one right after another, a few instructions apart, so that all their cache misses are under way at once).
  @inline(__always) func touch(_ key: IdKey) -> UInt64 {
    slots.base.load(fromByteOffset: (Int(truncatingIfNeeded: key.hash) & mask) * Slots.stride, as: UInt64.self)
  }

  /// The contract whose id is p[0..<key.count].
  @inline(__always) func find(_ key: IdKey, _ p: UnsafePointer<UInt8>) -> ContractInfo? {
    var s = Int(truncatingIfNeeded: key.hash) & mask
    while true {
      let e = slots[s]
      if e.index < 0 { return nil }
      if e.id == key {
        if key.count <= 16 { return e }  // (the lengths are equal)
        let c = spans[Int(e.index)].id
        if bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + c.lowerBound, p, c.count) }) == 0 { return e }
      }
      s = (s + 1) & mask
    }
  }

  /// The contract of an id.
  func find(_ id: String) -> ContractInfo? {
    var bytes = Array(id.utf8)
    let n = bytes.count
    bytes.append(contentsOf: repeatElement(0, count: 16))
    return bytes.withUnsafeBufferPointer { b in find(IdKey(b.baseAddress!, n, end: b.baseAddress! + b.count), b.baseAddress!) }
  }

  /// Whether the customer of `info` has the id `customer`.
  func customerIs(_ info: ContractInfo, _ customer: String) -> Bool { Array(customer.utf8)[...] == bytes[spans[Int(info.index)].customer] }
}

/// The contracts of each customer that have accumulators, in contract order (events without a contract count for
/// each of them): `list[starts[k]..<starts[k + 1]]` for customer k, one counting pass (a dictionary of arrays
/// cost ~450 instructions a metered contract, in every run).
struct MeteredByCustomer {
  let starts: [Int32]
  let list: [Int32]

  init(_ byContract: [[Int]], _ data: Dataset) {
    var starts = [Int32](repeating: 0, count: data.customers.count + 1)
    for ci in byContract.indices where !byContract[ci].isEmpty { starts[data.contracts[ci].customer + 1] += 1 }
    for k in starts.indices.dropFirst() { starts[k] += starts[k - 1] }
    var next = starts
    var list = [Int32](repeating: 0, count: Int(starts.last ?? 0))
    for ci in byContract.indices where !byContract[ci].isEmpty {
      let k = data.contracts[ci].customer
      list[Int(next[k])] = Int32(ci)
      next[k] += 1
    }
    self.starts = starts
    self.list = list
  }

  /// Customer `k`'s metered contracts, in contract order.
  subscript(_ k: Int) -> ArraySlice<Int32> { list[Int(starts[k])..<Int(starts[k + 1])] }
}
