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
  let meteredByCustomer: [Int: [Int]]
  let byContract: [[Int]]
  let ranges: [(Int32, Int32)]
  let used: Set<Int>
  let convert: [(column: Int, slot: Int)]
  let fast: [FastMetric?]
  let eventNames: [String?]
  /// Contracts by id hash, each slot with its customer's id hash and its accumulators.
  let contracts: ContractTable
  let qtySlot: Int?
  /// Declared defaults of the event fields, by slot.
  let eventDefaults: [RValue?]
  /// The `timestamp` column (-1: none), read only when a metric is a weighted sum (`weighted`).
  let tsCol: Int
  let weighted: Bool

  init(_ plan: ExecutablePlan, _ data: Dataset, _ file: TableFile, _ byContract: [[Int]]) {
    self.plan = plan
    self.data = data
    self.path = file.path
    self.byContract = byContract
    let p = plan.program
    fields = p.fields(of: .event)
    let cs = data.usageSchema.columns
    func col(_ n: String) -> Int { cs.firstIndex { $0.name == n } ?? -1 }
    cols = (col("id"), col("customer"), col("contract"), col("date"), col("name"), col("quantity"), col("currency"))
    var metered: [Int: [Int]] = [:]
    for (ci, list) in byContract.enumerated() where !list.isEmpty {
      metered[data.contracts[ci].customer, default: []].append(ci)
    }
    meteredByCustomer = metered
    var used = Set<Int>()
    for r in p.resolutions {
      if case .field(.event, let slot)? = r { used.insert(slot) }
    }
    self.used = used
    convert = data.usageSlots.enumerated().filter { used.contains($0.element) }.map { ($0.offset, $0.element) }
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
    let rangesCopy = ranges
    contracts = ContractTable(
      data.contracts.indices.map { ci in
        let (lo, n) = rangesCopy[ci]
        let customer = data.customers[data.contracts[ci].customer].id
        return (data.contracts[ci].id, customer, ContractInfo(customerHash: ContractTable.hash(customer), index: Int32(ci), first: lo, count: n))
      })
    qtySlot = fields.first { $0.name == "quantity" }?.index
    eventDefaults = fields.map { plan.fieldDefault(.event, $0.index) }
  }
}

/// A contract's data for the per-event path, stored in its hash slot: one probe, one cache line.
struct ContractInfo {
  var hash: UInt64 = 0
  var customerHash: UInt64 = 0
  var index: Int32 = -1
  var first: Int32 = 0
  var count: Int32 = 0
}

/// Contracts by the 64-bit FNV-1a hash of their ids, in one open-addressing array whose slots also
/// hold what an event needs (customer check, accumulator range). A hit is confirmed by the id's bytes
/// (`matches`): two ids of the same hash are never confused, whatever the odds.
struct ContractTable {
  private var slots: [ContractInfo]
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
    slots = Array(repeating: ContractInfo(), count: cap)
    for r in records {
      let h = ContractTable.hash(r.id)
      var s = Int(truncatingIfNeeded: h) & mask
      while slots[s].index >= 0 { s = (s + 1) & mask }
      slots[s] = r.info
      slots[s].hash = h
    }
  }

  @inline(__always) static func hash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }

  /// The hash of the UTF-8 bytes p[0..<count] (equal to `hash` of the String they spell).
  @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in 0..<count { h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3 }
    return h
  }

  /// The contract of an id (its hash, then its bytes confirmed).
  func find(_ key: String) -> ContractInfo? {
    guard let info = find(hash: ContractTable.hash(key)), Array(key.utf8)[...] == bytes[spans[Int(info.index)].id] else { return nil }
    return info
  }

  /// Whether the contract of `info` has the id `p[0..<count]` and its customer the id `q[0..<qCount]`, byte for byte.
  @inline(__always) func matches(_ info: ContractInfo, _ p: UnsafePointer<UInt8>, _ count: Int, customer q: UnsafePointer<UInt8>, _ qCount: Int) -> Bool {
    let (id, customer) = spans[Int(info.index)]
    guard id.count == count, customer.count == qCount else { return false }
    return bytes.withUnsafeBufferPointer { b in
      memcmp(b.baseAddress! + id.lowerBound, p, count) == 0 && memcmp(b.baseAddress! + customer.lowerBound, q, qCount) == 0
    }
  }

  /// Whether the customer of `info` has the id `customer`.
  func customerIs(_ info: ContractInfo, _ customer: String) -> Bool { Array(customer.utf8)[...] == bytes[spans[Int(info.index)].customer] }

  @inline(__always) func find(hash h: UInt64) -> ContractInfo? {
    var s = Int(truncatingIfNeeded: h) & mask
    while true {
      let e = slots[s]
      if e.index < 0 { return nil }
      if e.hash == h { return e }
      s = (s + 1) & mask
    }
  }
}
