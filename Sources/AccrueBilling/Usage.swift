import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    fast = plan.metrics.indices.map { ordered.contains($0) ? nil : FastMetric.make($0, plan, data) }
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
        let custHash = ContractTable.hash(data.customers[data.contracts[ci].customer].id)
        return (data.contracts[ci].id, ContractInfo(customerHash: custHash, index: Int32(ci), first: lo, count: n))
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
/// hold what an event needs (customer check, accumulator range). Two different ids with the same
/// 64-bit hash would be confused; among a million ids the chance is about 1 in 10^7.
struct ContractTable {
  private var slots: [ContractInfo]
  private let mask: Int

  init(_ records: [(id: String, info: ContractInfo)]) {
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

  @inline(__always) func find(_ key: String) -> ContractInfo? { find(hash: ContractTable.hash(key)) }

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

/// One worker's running totals. Events hit contracts at random, so what each event touches is kept
/// to one cache line per accumulator (`Hot`); the rarely used fields stay in `accs`.
struct UsageWorker {
  /// 32 bytes: the window (the trial's end folded into its start) and the one running value its
  /// metric needs (a sum, a count or a maximum).
  struct Hot {
    var value = Fixed.zero
    var start: Int32
    var end: Int32
    var events: Int32 = 0
    var metric: Int16
    var percentage: Bool
  }

  let s: UsageShared
  var accs: [Accumulator]
  var hot: [Hot]
  let env: Env
  var issues: [DataIssue] = []
  /// Rules that could not be evaluated on an event, and totals too large to represent (the first 100).
  var failures: [RunFailure] = []
  /// Rows aggregated, and how many of them by the fast path.
  var seen = 0
  var fastSeen = 0
  /// Added to row lines (a chunk's rows are numbered from its own start).
  var lineOffset = 0

  init(_ s: UsageShared, _ accs: [Accumulator], _ env: Env) {
    self.s = s
    self.accs = accs
    self.env = env
    hot = accs.map {
      Hot(
        start: $0.start.dayNumber, end: $0.end.dayNumber,
        metric: Int16(truncatingIfNeeded: $0.metric), percentage: $0.percentage != nil)
    }
    env.records[RecordKind.event.index] = s.fields.map { s.plan.fieldDefault(.event, $0.index) ?? Schemas.defaultValue($0.type, currency: nil) }
  }

  mutating func issue(_ code: String, _ row: borrowing Row, _ col: Int, _ message: String) {
    issues.append(
      DataIssue(code: code, file: s.path, line: row.line + lineOffset, column: row.columns[col], message: message, record: row.raw))
  }

  /// Aggregates one event row.
  mutating func process(_ row: borrowing Row) {
    seen += 1
    let c = s.cols
    guard case .text(let cust) = row.values[c.cust], case .date(let date) = row.values[c.date],
      case .text(let name) = row.values[c.name]
    else { return }
    if case .text(let con) = row.values[c.con] {
      guard let info = s.contracts.find(con) else {
        issue("D0302", row, c.con, s.data.unknownContract(con))
        return
      }
      guard info.customerHash == ContractTable.hash(cust) else {
        let known = s.data.customerIndex[cust] != nil
        issue(
          known ? "D0307" : "D0301", row, c.cust,
          known ? "contract '\(con)' belongs to another customer than '\(cust)'" : s.data.unknownCustomer(cust))
        return
      }
      visit(info, row, date, name)
    } else {
      guard let custIndex = s.data.customerIndex[cust] else {
        issue("D0301", row, c.cust, s.data.unknownCustomer(cust))
        return
      }
      for ci in s.meteredByCustomer[custIndex] ?? [] {
        let (lo, n) = s.ranges[ci]
        visit(ContractInfo(index: Int32(ci), first: lo, count: n), row, date, name)
      }
    }
  }

  @inline(__always) mutating func visit(_ info: ContractInfo, _ row: borrowing Row, _ date: CivilDate, _ name: String) {
    let lo = info.first
    let n = info.count
    var built = false
    if lo < 0 {
      for ai in s.byContract[Int(info.index)] { consider(ai, row, date, name, &built) }
    } else {
      for ai in Int(lo)..<Int(lo + n) { consider(ai, row, date, name, &built) }
    }
  }

  mutating func consider(_ ai: Int, _ row: borrowing Row, _ date: CivilDate, _ name: String, _ built: inout Bool) {
    let day = date.dayNumber
    guard day >= hot[ai].start, day < hot[ai].end else { return }
    let mi = Int(hot[ai].metric)
    if let en = s.eventNames[mi], en != name { return }
    if let fm = s.fast[mi] {
      // Filters and value read straight from the row; sums, counts and maxima stay in the hot array.
      guard fm.passes(row.values) else { return }
      let v = fm.value(row.values)
      let agg = s.plan.metrics[mi].aggregation
      switch agg {
      case .sum, .count, .max: addHot(ai, agg, v, line: row.line + lineOffset)
      default: accumulate(ai, s.plan.metrics[mi], v, .number(v), row, date)
      }
      return
    }
    let m = s.plan.metrics[mi]
    let ev = RecordKind.event.index
    if !built {
      var currency: Currency?
      if case .currency(let cur) = row.values[s.cols.cur] { currency = cur }
      for (k, slot) in s.convert {
        env.records[ev][slot] = Schemas.value(row.values[k], s.fields[slot].type, currency: currency, default: s.eventDefaults[slot])
      }
      if let qs = s.qtySlot, s.used.contains(qs), case .missing = row.values[s.cols.qty] {
        env.records[ev][qs] = .number(Fixed(1))
      }
      built = true
    }
    env.reset()
    for f in m.filters where !f.eval(env).isTrue {
      if let e = env.failure { fail(s.plan.failure(e, "usage event at \(s.path):\(row.line + lineOffset)")) }
      return
    }
    let value: RValue = m.value.map { $0.eval(env) } ?? .number(Fixed(1))
    if let e = env.failure {
      fail(s.plan.failure(e, "usage event at \(s.path):\(row.line + lineOffset)"))
      return
    }
    let amount: Fixed
    switch value {
    case .number(let x): amount = x
    case .money(let x, let cur):
      amount = x
      accs[ai].currency = cur
    default: amount = .zero
    }
    accumulate(ai, m, amount, value, row, date)
  }

  /// Adds a value to a sum, count or maximum kept in the hot array (`line`: the event's file line).
  @inline(__always) mutating func addHot(_ ai: Int, _ agg: AggregationKind, _ v: Fixed, line: Int) {
    hot[ai].events += 1
    if hot[ai].events <= 5 { accs[ai].firstRows.append(RowRef(file: s.path, line: line)) }
    if agg == .sum {
      guard let sum = hot[ai].value.adding(v) else { return overflow(ai, line: line) }
      hot[ai].value = sum
    } else if agg == .max, hot[ai].events == 1 || v > hot[ai].value {
      hot[ai].value = v
    }
    if hot[ai].percentage { percentageFee(ai, v) }
  }

  mutating func accumulate(_ ai: Int, _ m: CompiledMetric, _ amount: Fixed, _ value: RValue, _ row: borrowing Row, _ date: CivilDate) {
    accs[ai].events += 1
    if accs[ai].firstRows.count < 5 { accs[ai].firstRows.append(RowRef(file: s.path, line: row.line + lineOffset)) }
    switch m.aggregation {
    case .sum:
      guard let sum = accs[ai].sum.adding(amount) else { return overflow(ai, line: row.line + lineOffset) }
      accs[ai].sum = sum
    case .count: accs[ai].count += 1
    case .max: accs[ai].max = accs[ai].max.map { Swift.max($0, amount) } ?? amount
    case .latest:
      let idText: String = { if case .text(let t) = row.values[s.cols.id] { return t } else { return "" } }()
      if let l = accs[ai].latest, (l.0, l.1) > (date, idText) {
      } else {
        accs[ai].latest = (date, idText, amount)
      }
    case .uniqueCount: accs[ai].unique.insert(value)
    }
    if accs[ai].percentage != nil {
      if accs[ai].keepsTransactions {
        let id: String = { if case .text(let t) = row.values[s.cols.id] { return t } else { return "" } }()
        accs[ai].transactions.append((date, id, amount))
      } else {
        percentageFee(ai, amount)
      }
    }
  }

  mutating func percentageFee(_ ai: Int, _ amount: Fixed) {
    guard let pct = accs[ai].percentage else { return }
    // Per transaction: rate x amount + fee, clamped to [min, max].
    guard var fee = amount.multiplied(by: pct.rate), pct.fee.map({ f in fee.adding(f).map { fee = $0 } != nil }) ?? true else {
      return overflow(ai, line: nil)
    }
    if let mn = pct.min, fee < mn { fee = mn }
    if let mx = pct.max, fee > mx { fee = mx }
    guard let fees = accs[ai].fees.adding(fee) else { return overflow(ai, line: nil) }
    accs[ai].fees = fees
  }

  /// A failure to evaluate a rule on an event (the first 100 are kept; one is enough to stop the run).
  mutating func fail(_ f: RunFailure) { if failures.count < 100 { failures.append(f) } }

  /// A usage total too large to represent: the run stops (never a total quietly left short).
  mutating func overflow(_ ai: Int, line: Int?) {
    let m = s.plan.metrics[Int(hot[ai].metric)]
    let c = s.data.contracts[accs[ai].contract].id
    fail(
      RunFailure(
        message: "the usage of metric \(m.name) is too large to add up" + (line.map { " at \(s.path):\($0)" } ?? ""), rule: m.source,
        subject: "contract \(c), period from \(accs[ai].start)"))
  }

  /// The totals folded into the accumulators (exact sums, so the order of events does not matter).
  mutating func finished() -> [Accumulator] {
    var out = accs
    for ai in out.indices where hot[ai].events > 0 {
      let n = Int(hot[ai].events)
      out[ai].events += n
      switch s.plan.metrics[Int(hot[ai].metric)].aggregation {
      case .sum:
        if let sum = out[ai].sum.adding(hot[ai].value) { out[ai].sum = sum } else { fail(Billing.tooLarge(s.plan, s.data, out[ai])) }
      case .count: out[ai].count += n
      case .max: out[ai].max = out[ai].max.map { Swift.max($0, hot[ai].value) } ?? hot[ai].value
      default: break
      }
    }
    return out
  }
}

/// Carries a worker's results back from its thread (written once by that thread before the join).
final class UsageWorkerBox: @unchecked Sendable {
  var accs: [Accumulator] = []
  var failures: [RunFailure] = []
  var rows = (total: 0, fast: 0)
}

/// Issues per chunk, written by the workers, read in chunk (file) order at the end.
final class ChunkIssues: @unchecked Sendable {
  // Guarded by `lock`.
  private let lock = NSLock()
  private var byChunk: [Int: [DataIssue]] = [:]
  func set(_ i: Int, _ list: [DataIssue]) {
    lock.lock()
    byChunk[i] = list
    lock.unlock()
  }
  func inOrder() -> [DataIssue] {
    lock.lock()
    defer { lock.unlock() }
    return byChunk.keys.sorted().flatMap { byChunk[$0] ?? [] }
  }
}

/// A queue of file chunks for the workers, bounded so memory stays flat.
final class ChunkQueue: @unchecked Sendable {
  // Guarded by `condition`.
  private let condition = NSCondition()
  private var items: [(index: Int, bytes: [UInt8], lineOffset: Int)] = []
  private var closed = false
  private let capacity: Int
  init(capacity: Int) { self.capacity = capacity }

  func put(_ item: (index: Int, bytes: [UInt8], lineOffset: Int)) {
    condition.lock()
    while items.count >= capacity { condition.wait() }
    items.append(item)
    condition.broadcast()
    condition.unlock()
  }

  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  func take() -> (index: Int, bytes: [UInt8], lineOffset: Int)? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    if items.isEmpty { return nil }
    let item = items.removeFirst()
    condition.broadcast()
    return item
  }
}

extension Billing {
  /// CSV files at least this large are read in chunks by two workers.
  static let parallelUsageThreshold = 32 << 20

  static func aggregateUsage(
    _ plan: ExecutablePlan, _ data: Dataset, _ file: TableFile, _ accs: inout [Accumulator], _ byContract: [[Int]], _ env: Env,
    _ progress: Progress?, chunkBytes: Int? = nil
  ) -> (issues: [DataIssue], rows: (total: Int, fast: Int), failures: [RunFailure]) {
    let shared = UsageShared(plan, data, file, byContract)
    let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    guard file.format == .csv, size >= parallelUsageThreshold || chunkBytes != nil, let handle = FileHandle(forReadingAtPath: file.path) else {
      var w = UsageWorker(shared, accs, env)
      var issues: [DataIssue] = []
      TableReader.stream(file, schema: data.usageSchema, onIssue: { issues.append($0) }) { row in
        w.process(row)
        w.flushIssues { issues.append($0) }
        if w.seen % 1_000_000 == 0 { progress?("usage events", w.seen, 0) }
      }
      accs = w.finished()
      return (issues, (w.seen, 0), w.failures)
    }
    defer { try? handle.close() }
    // Two workers, each with its own totals and environment, each owned by its thread.
    let boxes = (0..<2).map { _ in UsageWorkerBox() }
    let queue = ChunkQueue(capacity: 2)
    let chunkIssues = ChunkIssues()
    let done = DispatchSemaphore(value: 0)
    let schema = data.usageSchema
    let lets = env.lets
    let asOf = env.asOf
    let initial = accs
    for box in boxes {
      let t = Thread {
        let e = Env(asOf: asOf)
        e.lets = lets
        var w = UsageWorker(shared, initial, e)
        var layout: UsageFastLayout?
        var first = true
        while let chunk = queue.take() {
          if first, let nl = chunk.bytes.firstIndex(of: 10) {
            // Every chunk starts with the header line.
            layout = UsageFastLayout(headerLine: chunk.bytes[...nl], shared: shared)
            first = false
          }
          var local: [DataIssue] = []
          w.runChunk(chunk.bytes, index: chunk.index, lineOffset: chunk.lineOffset, layout: layout, schema: schema) {
            local.append($0)
          }
          chunkIssues.set(chunk.index, local)
        }
        box.accs = w.finished()
        box.failures = w.failures
        box.rows = (w.seen, w.fastSeen)
        done.signal()
      }
      t.stackSize = 8 << 20
      t.start()
    }
    // Cut the file at record boundaries: a newline outside quotes (an even number of quotes before it).
    // Each block is read straight into the array that becomes the chunk: [header] + carry + new bytes.
    var header: [UInt8] = []
    var carry: [UInt8] = []
    var index = 0
    var linesBefore = 0
    var quotes = 0  // quotes before the start of `carry`
    var eof = false
    let block = max(1, chunkBytes ?? 8 << 20)
    let fd = handle.fileDescriptor
    while !eof {
      let prefix = index == 0 ? 0 : header.count
      var buf: [UInt8] = []
      buf.reserveCapacity(prefix + carry.count + block)
      if index > 0 { buf.append(contentsOf: header) }
      buf.append(contentsOf: carry)
      let base = buf.count
      buf.append(contentsOf: repeatElement(0, count: block))
      let got = buf.withUnsafeMutableBufferPointer { p -> Int in
        var total = 0
        while total < block {
          let n = read(fd, p.baseAddress! + base + total, block - total)
          if n <= 0 { break }
          total += n
        }
        return total
      }
      buf.removeLast(block - got)
      if got == 0 { eof = true }
      if index == 0, header.isEmpty, let nl = buf.firstIndex(of: 10) {
        header = Array(buf[...nl])
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
      }
      // One pass over the new bytes: quote parity, the last newline at even parity, newlines up to it.
      let (cut, quotesAtCut, newlines) = buf.withUnsafeBufferPointer { b -> (Int, Int, Int) in
        let n = b.count
        // Usual case: no quote in the new bytes, so every newline is a boundary: the last one (memrchr),
        // and the newlines before it counted eight bytes at a time.
        if n > prefix, memchr(b.baseAddress! + prefix, 34, n - prefix) == nil {
          if eof { return (n - 1, quotes, LineCount.newlines(b, from: prefix, to: n)) }
          // The last newline is within one record of the end.
          var last = n - 1
          while last >= prefix, b[last] != 10 { last -= 1 }
          if last < prefix { return (-1, quotes, 0) }
          return (last, quotes, LineCount.newlines(b, from: prefix, to: last + 1))
        }
        var q = quotes
        var last = -1
        var qAtLast = quotes
        var nl = 0
        var nlAtLast = 0
        var i = prefix
        while i < n {
          let c = b[i]
          if c == 10 {
            nl += 1
            if q & 1 == 0 {
              last = i
              qAtLast = q
              nlAtLast = nl
            }
          } else if c == 34 {
            q += 1
          }
          i += 1
        }
        if eof { return (n - 1, q, nl) }
        return (last, qAtLast, nlAtLast)
      }
      guard cut >= prefix else {
        carry = Array(buf[prefix...])
        continue
      }
      carry = eof ? [] : Array(buf[(cut + 1)...])
      buf.removeLast(buf.count - cut - 1)
      if buf.count > prefix {
        queue.put((index, buf, index == 0 ? 0 : linesBefore - 1))
        index += 1
      }
      linesBefore += newlines
      quotes = quotesAtCut
      progress?("usage lines", linesBefore, 0)
    }
    queue.close()
    for _ in boxes { done.wait() }
    // Merge: totals add up exactly; the first rows are the earliest lines; issues in file order.
    var merged = boxes[0].accs
    var failures = boxes.flatMap(\.failures).sorted { ($0.subject, $0.message) < ($1.subject, $1.message) }
    for box in boxes.dropFirst() {
      let other = box.accs
      for ai in merged.indices where !merge(&merged[ai], other[ai]) { failures.append(tooLarge(plan, data, merged[ai])) }
    }
    accs = merged
    return (chunkIssues.inOrder(), (boxes.map(\.rows.total).reduce(0, +), boxes.map(\.rows.fast).reduce(0, +)), failures)
  }
}
