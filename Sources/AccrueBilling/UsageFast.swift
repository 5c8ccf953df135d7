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
struct UsageFastLayout {
  enum Kind: UInt8 { case text, date, number, currency, other }
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
  /// The header line without BOM and line end, and its line end, to put before a line handed to the general reader.
  var header: [UInt8]
  var lineEnd: [UInt8]

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
  }
}

extension UsageWorker {
  /// Aggregates the rows of one chunk (its header line, then records): through the fast path when
  /// `layout` is given and the chunk holds no quote, else through the general reader. Issues go to
  /// `onIssue` with file lines, in file order.
  mutating func runChunk(
    _ bytes: [UInt8], index: Int, lineOffset: Int, layout: UsageFastLayout?, schema: TableSchema, onIssue: (DataIssue) -> Void
  ) {
    let quoted = bytes.withUnsafeBufferPointer { memchr($0.baseAddress!, 34, $0.count) != nil }
    guard let layout, !quoted else {
      self.lineOffset = lineOffset
      general(bytes, index: index, lineOffset: lineOffset, schema: schema, onIssue: onIssue)
      return
    }
    fast(bytes, lineOffset: lineOffset, layout, schema: schema, onIssue: onIssue)
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
    /// The line's fields read (else it goes to the general reader), its day, event name and id hashes.
    var read = false
    var day: Int32 = 0
    var nameId = 0
    var contractHash: UInt64 = 0
    var customerHash: UInt64 = 0
    /// Where the contract's and the customer's ids are in the line (offset into the buffer, length).
    var con = (0, 0), cust = (0, 0)
    var info: ContractInfo?
  }

  /// Lines of a batch: their contracts are looked up one right after another, then their accumulators read,
  /// so that the cache misses of a batch overlap (events hit contracts at random).
  static let fastBatch = 16

  private mutating func fast(
    _ bytes: [UInt8], lineOffset: Int, _ layout: UsageFastLayout, schema: TableSchema, onIssue: (DataIssue) -> Void
  ) {
    let fieldCount = layout.kinds.count
    var starts = [Int](repeating: 0, count: fieldCount + 1)
    var values = [[Value]](repeating: [Value](repeating: .missing, count: schema.columns.count), count: Self.fastBatch)
    var batch = [FastPending](repeating: FastPending(), count: Self.fastBatch)
    bytes.withUnsafeBufferPointer { b in
      let n = b.count
      let p = b.baseAddress!
      guard let first = memchr(p, 10, n) else { return }
      var i = UnsafeRawPointer(first).assumingMemoryBound(to: UInt8.self) - p + 1
      var line = 2 + lineOffset
      while i < n {
        // 1. Up to a batch of lines split and their fields read (one pass each: field starts, line end, plain ASCII).
        var k = 0
        while k < Self.fastBatch && i < n {
          let (_, next, plain) = PlainLine.scan(p, from: i, end: n, fieldCount: fieldCount, &starts)
          batch[k] = FastPending(start: i, next: next, line: line)
          if plain { readFast(p, starts, layout, &values[k], &batch[k]) }
          i = next
          line += 1
          k += 1
        }
        // 2. Their contracts, then 3. the first accumulator of each, read one after another.
        for j in 0..<k where batch[j].read { batch[j].info = s.contracts.find(hash: batch[j].contractHash) }
        var touched: Int32 = 0
        for j in 0..<k {
          if let info = batch[j].info, info.first >= 0, info.count > 0 { touched &+= hot[Int(info.first)].events }
        }
        touchedSink &+= touched
        // 4. In line order: each line aggregated, or read again by the general reader (header and that line alone).
        for j in 0..<k {
          if batch[j].read, let info = batch[j].info, info.customerHash == batch[j].customerHash,
            s.contracts.matches(info, p + batch[j].con.0, batch[j].con.1, customer: p + batch[j].cust.0, batch[j].cust.1)
          {
            applyFast(info, batch[j], layout, values[j])
            continue
          }
          let one = HeaderLine.withLine(layout.header, layout.lineEnd, p, from: batch[j].start, to: min(batch[j].next, n))
          general(one, index: 1, lineOffset: batch[j].line - 2, schema: schema, onIssue: onIssue)
        }
      }
    }
  }

  /// Reads the fields of one plain line (between `starts[f]` and `starts[f + 1] - 1`) into `values` and `e`;
  /// leaves `e.read` false when the line must go to the general reader.
  @inline(__always)
  private func readFast(
    _ p: UnsafePointer<UInt8>, _ starts: [Int], _ layout: UsageFastLayout, _ values: inout [Value], _ e: inout FastPending
  ) {
    var day: Int32 = 0
    for f in 0..<layout.kinds.count {
      let from = starts[f]
      let count = starts[f + 1] - 1 - from
      let field = UnsafeBufferPointer(start: p + from, count: count)
      if count == 0 {
        if layout.required[f] || f == layout.cust || f == layout.con || f == layout.date || f == layout.name { return }
        if layout.needed[f] { values[layout.schemaIndex[f]] = .missing }
        continue
      }
      switch layout.kinds[f] {
      case .text:
        if layout.needed[f] { values[layout.schemaIndex[f]] = .text(String(decoding: field, as: UTF8.self)) }
      case .date:
        guard let d = CivilDate.parse(bytes: field) else { return }
        if f == layout.date { day = d.dayNumber }
        if layout.needed[f] { values[layout.schemaIndex[f]] = .date(d) }
      case .number:
        // The general reader's rule: no digit-group underscores in data.
        guard memchr(p + from, 95, count) == nil, let x = Fixed.parse(field) else { return }
        if layout.needed[f] { values[layout.schemaIndex[f]] = .number(x) }
      case .currency:
        guard let c = Currency.lookup(bytes: field) else { return }
        if layout.needed[f] { values[layout.schemaIndex[f]] = .currency(c) }
      case .other:
        return
      }
    }
    let con = starts[layout.con]
    let cust = starts[layout.cust]
    let nameFrom = starts[layout.name]
    let nameCount = starts[layout.name + 1] - 1 - nameFrom
    var nameId = -2
    for (k, bytes) in layout.names.enumerated() where bytes.count == nameCount {
      if bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p + nameFrom, nameCount) }) == 0 {
        nameId = k
        break
      }
    }
    e.day = day
    e.nameId = nameId
    e.con = (con, starts[layout.con + 1] - 1 - con)
    e.cust = (cust, starts[layout.cust + 1] - 1 - cust)
    e.contractHash = ContractTable.hash(p + con, e.con.1)
    e.customerHash = ContractTable.hash(p + cust, e.cust.1)
    e.read = true
  }

  /// Aggregates one line read by `readFast` whose contract and customer are known.
  @inline(__always)
  private mutating func applyFast(_ info: ContractInfo, _ e: FastPending, _ layout: UsageFastLayout, _ values: [Value]) {
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
  private mutating func considerFast(_ ai: Int, _ day: Int32, _ nameId: Int, _ layout: UsageFastLayout, _ values: [Value], line: Int) {
    guard day >= hot[ai].start, day < hot[ai].end else { return }
    let mi = Int(hot[ai].metric)
    let want = layout.metricName[mi]
    if want >= 0 && want != nameId { return }
    let fm = s.fast[mi]!
    guard fm.passes(values) else { return }
    addHot(ai, s.plan.metrics[mi].aggregation, fm.value(values), line: line)
  }
}
