import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueModel
import Foundation

/// The layout of a usage CSV file for the fast path, made from its header line: which file column holds
/// which schema column, and what each must look like to be read without the general reader.
///
/// The fast path reads a line directly from the chunk's bytes: it splits on commas, checks each field
/// with the same functions the general reader uses (`CivilDate.parse`, `Fixed.parse`,
/// `Currency.lookup`), hashes the customer and contract ids without making Strings, and builds values
/// only for the columns the metrics read. Any line it is not sure of (a byte outside printable ASCII, a
/// wrong field count, an empty required field, a value that does not parse, a money or bool value, an
/// unknown or mismatched contract, no contract) goes to the general reader, which reports it exactly as
/// it would have. A chunk holding a quote goes to the general reader whole (a quoted field may span lines).
final class UsageFastLayout {
  enum Kind: UInt8 { case text, date, number, currency, other }
  /// What reading one file column takes: its kind, whether an empty field sends the line to the general reader
  /// (a required or key column), whether it is the event's date, and the slot of its value (-1: no metric reads it).
  struct Step {
    var kind: Kind
    var mustHave: Bool
    var isDate: Bool
    var slot: Int8
  }
  /// Per file column: the schema column, its kind, whether it is required, whether a metric reads it.
  var schemaIndex: [Int]
  var kinds: [Kind]
  var required: [Bool]
  var needed: [Bool]
  /// File columns of the fields every event needs.
  var cust: Int, con: Int, date: Int, name: Int
  /// Distinct event names the metrics count, as bytes; `metricName[m]` indexes it (-1: any name).
  var names: [[UInt8]]
  var metricName: [Int]
  /// Per metric: its fast form and its aggregation (every metric has one when the layout exists).
  var metrics: [FastMetric]
  var aggregations: [AggregationKind]
  /// The header line without BOM and line end, and its line end, to put before a line handed to the general reader.
  var header: [UInt8]
  var lineEnd: [UInt8]
  /// The steps by file column, the metrics over slots, and per metric its name's index and aggregation: read
  /// through pointers per event (no bounds checks, no reference counts).
  let steps: UnsafeMutablePointer<Step>
  let fieldCount: Int
  /// Slots of the columns the metrics read (at least one, for the scratch), at most 64.
  let slotCount: Int
  let lineMetrics: UnsafeMutablePointer<LineMetric>
  let metricNames: UnsafeMutablePointer<Int>
  let metricAggregations: UnsafeMutablePointer<AggregationKind>

  deinit {
    steps.deallocate()
    lineMetrics.deinitialize(count: metrics.count)
    lineMetrics.deallocate()
    metricNames.deallocate()
    metricAggregations.deallocate()
  }

  /// The layout, or nil when the fast path does not apply: a metric that is not a plain sum, count or
  /// maximum over event columns, an event name or header that is not plain ASCII, or a header the
  /// general reader has anything to say about (unknown, duplicate or missing columns).
  init?(headerLine raw: ArraySlice<UInt8>, shared s: UsageShared) {
    guard let (h, lineEnd) = HeaderLine.split(raw) else { return nil }
    self.lineEnd = lineEnd
    guard !h.isEmpty, h.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 34 }) else { return nil }
    // Every metric must be a plain sum, count or maximum over event columns.
    for (mi, m) in s.plan.metrics.enumerated() {
      guard s.fast[mi] != nil, [.sum, .count, .max].contains(m.aggregation) else { return nil }
    }
    metrics = s.fast.map { $0! }
    aggregations = s.plan.metrics.map(\.aggregation)
    let schema = s.data.usageSchema
    let check = TableReader.read(bytes: h + [10], path: s.path, format: .csv, schema: schema)
    guard check.issues.isEmpty else { return nil }
    let names = h.split(separator: 44, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    var neededSchema = Set<Int>()
    for fm in s.fast {
      guard let fm else { continue }
      for p in fm.predicates { neededSchema.insert(p.column) }
      if let c = fm.valueColumn { neededSchema.insert(c) }
    }
    schemaIndex = []
    kinds = []
    required = []
    needed = []
    for n in names {
      guard let si = schema.index(of: n) else { return nil }
      let spec = schema.columns[si]
      schemaIndex.append(si)
      switch spec.type {
      case .text: kinds.append(.text)
      case .date: kinds.append(.date)
      case .number: kinds.append(.number)
      case .currency: kinds.append(.currency)
      case .money, .bool: kinds.append(.other)
      }
      required.append(spec.required)
      needed.append(neededSchema.contains(si))
    }
    func file(_ n: String) -> Int? { names.firstIndex(of: n) }
    guard let cu = file("customer"), let co = file("contract"), let d = file("date"), let na = file("name") else { return nil }
    guard kinds[cu] == .text, kinds[co] == .text, kinds[d] == .date, kinds[na] == .text else { return nil }
    (cust, con, date, name) = (cu, co, d, na)
    var distinct: [[UInt8]] = []
    metricName = []
    for en in s.eventNames {
      guard let en else {
        metricName.append(-1)
        continue
      }
      let bytes = Array(en.utf8)
      // A non-ASCII name could equal other bytes under Unicode equivalence: leave those to Strings.
      guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
      if let k = distinct.firstIndex(of: bytes) {
        metricName.append(k)
      } else {
        metricName.append(distinct.count)
        distinct.append(bytes)
      }
    }
    self.names = distinct
    header = h
    // Slots: the schema columns the metrics read, in schema order.
    let neededColumns = neededSchema.sorted()
    guard neededColumns.count <= 64 else { return nil }
    var slotOf = Array(repeating: -1, count: schema.columns.count)
    for (k, c) in neededColumns.enumerated() { slotOf[c] = k }
    fieldCount = kinds.count
    slotCount = max(1, neededColumns.count)
    steps = .allocate(capacity: fieldCount)
    for f in 0..<fieldCount {
      let key = f == cu || f == co || f == d || f == na
      let slot = needed[f] ? Int8(slotOf[schemaIndex[f]]) : -1
      steps[f] = Step(kind: kinds[f], mustHave: required[f] || key, isDate: f == d, slot: slot)
    }
    let types = schema.columns.map(\.type)
    lineMetrics = .allocate(capacity: metrics.count)
    lineMetrics.initialize(from: metrics.map { LineMetric($0, slotOf: slotOf, types: types) }, count: metrics.count)
    metricNames = .allocate(capacity: max(1, metricName.count))
    metricNames.initialize(from: metricName, count: metricName.count)
    metricAggregations = .allocate(capacity: max(1, aggregations.count))
    metricAggregations.initialize(from: aggregations, count: aggregations.count)
  }
}

extension UsageWorker {
  /// Aggregates the rows of one chunk: through the fast path when `layout` is given and the chunk holds no
  /// quote, else through the general reader. Issues go to `onIssue` with file lines, in file order.
  mutating func runChunk(_ chunk: UsageChunk, layout: UsageFastLayout?, schema: TableSchema, onIssue: (DataIssue) -> Void) {
    let r = chunk.records
    guard let p = r.baseAddress, r.count > 0 else { return }
    let quoted = memchr(p, 34, r.count) != nil
    guard let layout, !quoted else {
      // The general reader reads a header line, then records (the first chunk starts with the file's own).
      let bytes = chunk.index == 0 ? Array(r) : chunk.header + Array(r)
      general(bytes, index: chunk.index, lineOffset: chunk.lineOffset, schema: schema, onIssue: onIssue)
      return
    }
    var from = 0
    if chunk.index == 0 {
      guard let nl = memchr(p, 10, r.count) else { return }
      from = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - p + 1
    }
    fast(p, from: from, count: r.count, lineOffset: chunk.lineOffset, layout, schema: schema, onIssue: onIssue)
  }

  /// The general reader over `bytes` (a header line, then records numbered from line 2).
  private mutating func general(
    _ bytes: [UInt8], index: Int, lineOffset: Int, schema: TableSchema, onIssue: (DataIssue) -> Void
  ) {
    self.lineOffset = lineOffset
    TableReader.stream(
      bytes: bytes, path: s.path, format: .csv, schema: schema,
      onIssue: { i in
        // Every chunk repeats the header: report header problems once, from the first chunk.
        if index > 0 && i.line <= 1 { return }
        var x = i
        if x.line > 0 { x.line += lineOffset }
        onIssue(x)
      }
    ) { row in
      process(row)
      flushIssues(onIssue)
    }
  }

  /// Passes on the issues `process` found (right after each row, so that all issues are in file order).
  @inline(__always) mutating func flushIssues(_ onIssue: (DataIssue) -> Void) {
    if issues.isEmpty { return }
    for i in issues { onIssue(i) }
    issues.removeAll(keepingCapacity: true)
  }

  /// One line of a batch of the fast path: where it is, and what its fields gave.
  struct FastPending {
    var start = 0, next = 0, line = 0
    /// The line's fields read (else it goes to the general reader), its day, event name and ids.
    var read = false
    var day: Int32 = 0
    var nameId = 0
    /// Which slots of the line's values are present (`LineValues`).
    var present: UInt64 = 0
    /// The contract's and the customer's ids: their keys, and where they start in the chunk.
    var con = IdKey(), cust = IdKey()
    var conAt = 0, custAt = 0
    var info: ContractInfo?
  }

  /// Lines of a batch: their contracts are looked up one right after another, then their accumulators read,
  /// so that the cache misses of a batch overlap (events hit contracts at random).
  static let fastBatch = 16

  /// The fast path over the lines of p[from..<count] (the first is the file's line `2 + lineOffset`), which hold
  /// no quote.
  private mutating func fast(
    _ p: UnsafePointer<UInt8>, from: Int, count n: Int, lineOffset: Int, _ layout: UsageFastLayout, schema: TableSchema,
    onIssue: (DataIssue) -> Void
  ) {
    let fieldCount = layout.fieldCount
    let slots = layout.slotCount
    // (Chunked files always have the table: `aggregateUsage` asks for it.)
    guard let contracts = s.contracts else { preconditionFailure("the fast path without a contract table") }
    // Scratch for the whole chunk: field starts, each line's values (by slot), the batch.
    let starts = UnsafeMutablePointer<Int>.allocate(capacity: fieldCount + 1)
    let nums = UnsafeMutablePointer<Fixed>.allocate(capacity: Self.fastBatch * slots)
    nums.initialize(repeating: .zero, count: Self.fastBatch * slots)
    let texts = UnsafeMutablePointer<String>.allocate(capacity: Self.fastBatch * slots)
    texts.initialize(repeating: "", count: Self.fastBatch * slots)
    let batch = UnsafeMutablePointer<FastPending>.allocate(capacity: Self.fastBatch)
    batch.initialize(repeating: FastPending(), count: Self.fastBatch)
    defer {
      starts.deallocate()
      nums.deallocate()
      texts.deinitialize(count: Self.fastBatch * slots)
      texts.deallocate()
      batch.deinitialize(count: Self.fastBatch)
      batch.deallocate()
    }
    var reader = FastFields()
    var i = from
    var line = 2 + lineOffset
    while i < n {
      // 1. Up to a batch of lines split and their fields read (one pass each: field starts, line end, plain ASCII).
      var k = 0
      while k < Self.fastBatch && i < n {
        let (_, next, plain) = PlainLine.scanQuoteFree(p, from: i, end: n, fieldCount: fieldCount, starts)
        batch[k] = FastPending(start: i, next: next, line: line)
        if plain { reader.read(p, end: p + n, starts, layout, nums + k * slots, texts + k * slots, &batch[k]) }
        i = next
        line += 1
        k += 1
      }
      // 2. Their contracts' slots touched one right after another, then their contracts found (the customer
      // confirmed), then 3. the first accumulator of each touched the same way.
      var slotWords: UInt64 = 0
      for j in 0..<k where batch[j].read { slotWords ^= contracts.touch(batch[j].con) }
      touchedSink &+= Int32(truncatingIfNeeded: slotWords)
      for j in 0..<k where batch[j].read {
        batch[j].info = contracts.find(batch[j].con, p + batch[j].conAt, customer: batch[j].cust, p + batch[j].custAt)
      }
      var touched: Int32 = 0
      for j in 0..<k {
        if let info = batch[j].info, info.first >= 0, info.count > 0 { touched &+= hot[Int(info.first)].events }
      }
      touchedSink &+= touched
      // 4. In line order: each line aggregated, or read again by the general reader (header and that line alone).
      for j in 0..<k {
        if let info = batch[j].info {
          let values = LineValues(present: batch[j].present, nums: nums + j * slots, texts: texts + j * slots)
          applyFast(info, batch[j], layout, values)
          continue
        }
        let one = HeaderLine.withLine(layout.header, layout.lineEnd, p, from: batch[j].start, to: min(batch[j].next, n))
        general(one, index: 1, lineOffset: batch[j].line - 2, schema: schema, onIssue: onIssue)
      }
    }
  }

  /// Aggregates one line read by the fast path whose contract and customer are known.
  @inline(__always)
  private mutating func applyFast(_ info: ContractInfo, _ e: FastPending, _ layout: UsageFastLayout, _ values: LineValues) {
    seen += 1
    fastSeen += 1
    let lo = info.first
    if lo < 0 {
      for ai in s.byContract[Int(info.index)] { considerFast(ai, e.day, e.nameId, layout, values, line: e.line) }
    } else {
      for ai in Int(lo)..<Int(lo + info.count) { considerFast(ai, e.day, e.nameId, layout, values, line: e.line) }
    }
  }

  @inline(__always)
  private mutating func considerFast(
    _ ai: Int, _ day: Int32, _ nameId: Int, _ layout: UsageFastLayout, _ values: LineValues, line: Int
  ) {
    guard day >= hot[ai].start, day < hot[ai].end else { return }
    let mi = Int(hot[ai].metric)
    let want = layout.metricNames[mi]
    if want >= 0 && want != nameId { return }
    let m = layout.lineMetrics + mi
    guard m.pointee.passes(values) else { return }
    addHot(ai, layout.metricAggregations[mi], m.pointee.value(values), line: line)
  }
}

/// Reads the fields of a plain line for the fast path, with what it remembers from the lines before (the last
/// date read: the lines of a usage file come mostly in date order).
struct FastFields {
  private var lastDate: (UInt64, UInt16) = (0, 0)
  private var lastDay: CivilDate?

  init() {}

  /// Reads the fields of one plain line (between `starts[f]` and `starts[f + 1] - 1`) into `nums` and `texts` (by
  /// slot) and `e`; leaves `e.read` false when the line must go to the general reader. `end`: the chunk's end.
  @inline(__always)
  mutating func read(
    _ p: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, _ starts: UnsafeMutablePointer<Int>, _ layout: UsageFastLayout,
    _ nums: UnsafeMutablePointer<Fixed>, _ texts: UnsafeMutablePointer<String>, _ e: inout UsageWorker.FastPending
  ) {
    var day: Int32 = 0
    var present: UInt64 = 0
    let steps = layout.steps
    for f in 0..<layout.fieldCount {
      let step = steps[f]
      let from = starts[f]
      let count = starts[f + 1] - 1 - from
      if count == 0 {
        if step.mustHave { return }
        continue
      }
      let field = UnsafeBufferPointer(start: p + from, count: count)
      let slot = Int(step.slot)
      switch step.kind {
      case .text:
        if slot >= 0 { texts[slot] = String(decoding: field, as: UTF8.self) }
      case .date:
        guard let d = date(field) else { return }
        if step.isDate { day = d.dayNumber }
        if slot >= 0 { nums[slot] = Fixed(Int(d.dayNumber)) }
      case .number:
        guard let x = FastFields.number(field) else { return }
        if slot >= 0 { nums[slot] = x }
      case .currency:
        guard Currency.lookup(bytes: field) != nil else { return }
      case .other:
        return
      }
      if slot >= 0 { present |= 1 << UInt64(slot) }
    }
    let nameFrom = starts[layout.name]
    let nameCount = starts[layout.name + 1] - 1 - nameFrom
    var nameId = -2
    for k in layout.names.indices where layout.names[k].count == nameCount {
      if layout.names[k].withUnsafeBufferPointer({ FastFields.equal($0.baseAddress!, p + nameFrom, nameCount) }) {
        nameId = k
        break
      }
    }
    e.day = day
    e.nameId = nameId
    e.present = present
    e.conAt = starts[layout.con]
    e.custAt = starts[layout.cust]
    e.con = IdKey(p + e.conAt, starts[layout.con + 1] - 1 - e.conAt, end: end)
    e.cust = IdKey(p + e.custAt, starts[layout.cust + 1] - 1 - e.custAt, end: end)
    e.read = true
  }

  /// `CivilDate.parse(bytes:)`, remembering the last date read.
  @inline(__always) mutating func date(_ field: UnsafeBufferPointer<UInt8>) -> CivilDate? {
    guard field.count == 10 else { return nil }
    let raw = UnsafeRawPointer(field.baseAddress!)
    let key = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
    if let d = lastDay, key == lastDate { return d }
    let d = CivilDate.parse(bytes: field)
    if d != nil { (lastDate, lastDay) = (key, d) }
    return d
  }

  /// `Fixed.parse` of a data field (the general reader's rule: no digit-group underscores in data); plain
  /// digits, up to 18 of them, directly.
  @inline(__always) static func number(_ field: UnsafeBufferPointer<UInt8>) -> Fixed? {
    if field.count <= 18 {
      var v = 0
      for b in field {
        let d = b &- 48
        if d > 9 { return general(field) }
        v = v &* 10 &+ Int(d)
      }
      return Fixed(v)
    }
    return general(field)
  }

  static func general(_ field: UnsafeBufferPointer<UInt8>) -> Fixed? {
    guard memchr(field.baseAddress!, 95, field.count) == nil else { return nil }
    return Fixed.parse(field)
  }

  /// Whether p[0..<n] and q[0..<n] are equal, eight bytes at a time.
  @inline(__always) static func equal(_ p: UnsafePointer<UInt8>, _ q: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
      if UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(q + i).loadUnaligned(as: UInt64.self) { return false }
      i += 8
    }
    while i < n {
      if p[i] != q[i] { return false }
      i += 1
    }
    return true
  }
}
