import AccrueChecker
import AccrueCore
import AccrueImport
import AccrueModel
import Foundation

/// The invoices file's layout for the fast path, made from its header line: the schema column of each file
/// column. Only for headers the general reader has nothing to say about, naming built-in columns only.
///
/// The fast path reads a plain line (printable ASCII, the header's field count) straight from the file's bytes,
/// checking each field with the general reader's own parsers (`CivilDate.parse`, `Fixed.parse`,
/// `Currency.lookup`) and the same rules (required values, money decimals, references, status, dates, duplicate
/// ids). Any line it is not sure of goes to the general reader, which reports it exactly as it would have.
package struct InvoiceLayout {
  /// Schema column of each file column.
  package var schemaOf: [Int]
  /// File column of each schema column (-1: not in the file).
  package var fileOf: [Int]
  /// The header line without BOM and line end, and its line end, put before a line handed to the general reader.
  package var header: [UInt8]
  package var lineEnd: [UInt8]

  package init?<C: Collection<UInt8>>(headerLine raw: C, schema: TableSchema, path: String) {
    let builtIn = Dataset.invoiceColumns.count
    guard schema.columns.count == builtIn else { return nil }  // custom fields: the general reader
    guard let plain = PlainCSV.Layout(headerLine: raw, schema: schema, path: path) else { return nil }
    schemaOf = plain.schemaOf
    fileOf = Array(repeating: -1, count: builtIn)
    for (k, si) in schemaOf.enumerated() { fileOf[si] = k }
    header = plain.header
    lineEnd = plain.lineEnd
  }
}

extension InvoiceRows {
  /// Reads the records in `bytes[from..<to]` (whole lines; the first is line `firstLine` of the file): plain
  /// lines by the fast path, others by the general reader, in file order. The bytes hold no quote (the callers
  /// read a file holding one with the general reader alone).
  package mutating func readLines(
    _ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, firstLine: Int, layout: InvoiceLayout, schema: TableSchema
  ) {
    let fieldCount = layout.schemaOf.count
    let maxRecord = ReadOptions().maxRecordBytes
    let p = bytes.baseAddress!
    // Room for about as many invoices as lines (from the length of the first ones), so the arrays grow once.
    let sample = min(to - from, 16_384)
    let newlines = max(1, LineCount.newlines(bytes, from: from, to: from + sample))
    let estimate = (to - from) / max(1, sample / newlines) * 51 / 50 + 16
    invoices.reserveCapacity(invoices.count + estimate)
    ids.reserveCapacity(ids.count + estimate)
    periods.reserveCapacity(periods.count + estimate)
    idColumns.reserveCapacity(idColumns.count + estimate)
    var i = from
    var line = firstLine
    // Lines go in batches: first each line of a batch is scanned, then the table slots its lookups will read
    // (customer, contract, id) are worked out, then read one right after another, so that their cache misses
    // overlap (the batch waits for memory about once rather than three times a line: a read between two lines'
    // scans would wait alone); then the lines are read in order, their lookups now in the cache.
    let batch = 32
    // The batch's scratch in one block of raw memory (field starts, lines, hashes): nested arrays cost a bounds
    // check, a uniqueness check and a retain for every field read.
    let stride = fieldCount + 1
    let batchStarts = UnsafeMutablePointer<Int>.allocate(capacity: batch * stride)
    let batchLines = UnsafeMutablePointer<(start: Int, next: Int, plain: Bool)>.allocate(capacity: batch)
    // The hashes of each plain line's customer, contract and id (worked out once: for the reads ahead, then the lookups).
    let batchHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: 3 * batch)
    batchHashes.initialize(repeating: 0, count: 3 * batch)
    defer {
      batchStarts.deallocate()
      batchLines.deallocate()
      batchHashes.deallocate()
    }
    let (idColumn, customerColumn, contractColumn) = (layout.fileOf[0], layout.fileOf[3], layout.fileOf[4])
    let hashContracts = contractColumn >= 0 && contractIndex != nil
    var touched: UInt64 = 0
    while i < to {
      var n = 0
      while n < batch && i < to {
        // (The callers read this way only files without a quote: a quote-free scan gives the same answer.)
        var (_, next, plain) = PlainLine.scanQuoteFree(p, from: i, end: to, fieldCount: fieldCount, batchStarts + n * stride)
        if next - i > maxRecord { plain = false }  // the general reader's to report
        batchLines[n] = (i, next, plain)
        i = next
        n += 1
      }
      for k in 0..<n where batchLines[k].plain {
        let starts = batchStarts + k * stride
        @inline(__always) func field(_ f: Int) -> (UnsafePointer<UInt8>, Int) { (p + starts[f], starts[f + 1] - 1 - starts[f]) }
        if customerColumn >= 0 {
          let (q, c) = field(customerColumn)
          batchHashes[3 * k] = IDIndex.hash(q, c)
        }
        if hashContracts {
          let (q, c) = field(contractColumn)
          batchHashes[3 * k + 1] = IDIndex.hash(q, c)
        }
        if idColumn >= 0 {
          let (q, c) = field(idColumn)
          batchHashes[3 * k + 2] = InvoiceIDIndex.hash(UnsafeBufferPointer(start: q, count: c))
        }
      }
      for k in 0..<n where batchLines[k].plain {
        touched &+= customerIndex.touch(slot: Int(truncatingIfNeeded: batchHashes[3 * k]))
        if let contractIndex { touched &+= contractIndex.touch(slot: Int(truncatingIfNeeded: batchHashes[3 * k + 1])) }
        touched &+= ids.touch(slot: ids.slot(hash: batchHashes[3 * k + 2]))
      }
      for k in 0..<n {
        let (start, next, plain) = batchLines[k]
        if plain
          && fastLine(
            p, batchStarts + k * stride, layout, line: line,
            hashes: (batchHashes[3 * k], batchHashes[3 * k + 1], batchHashes[3 * k + 2]))
        {
          line += 1
          continue
        }
        // Anything unusual: the general reader on the header and this line alone, line end included (a stray
        // CR before it is part of the line, as one reader sees it).
        general(HeaderLine.withLine(layout.header, layout.lineEnd, p, from: start, to: min(next, to)), lineOffset: line - 2, schema: schema)
        line += 1
      }
    }
    // (Kept, so the reads above are not optimized away.)
    touches &+= touched
  }

  /// The general reader over `bytes` (a header line, then records numbered from line 2, plus `lineOffset`).
  package mutating func general(_ bytes: [UInt8], lineOffset: Int, schema: TableSchema) {
    let saved = self.lineOffset
    self.lineOffset = lineOffset
    var issues: [DataIssue] = []
    PlainCSV.readAlone(bytes, lineOffset: lineOffset, path: path, schema: schema, onIssue: { issues.append($0) }) { row in take(row) }
    found += issues
    self.lineOffset = saved
  }

  /// One plain line (printable ASCII: its ids are their canonical form), with the hashes of its customer, contract
  /// and id (`IDIndex.hash`, `IDIndex.hash`, `InvoiceIDIndex.hash` of their bytes); false, with nothing changed, when
  /// it must go to the general reader.
  private mutating func fastLine(
    _ p: UnsafePointer<UInt8>, _ starts: UnsafeMutablePointer<Int>, _ layout: InvoiceLayout, line: Int,
    hashes: (customer: UInt64, contract: UInt64, id: UInt64)
  ) -> Bool {
    @inline(__always) func field(_ column: Int) -> UnsafeBufferPointer<UInt8>? {
      let f = layout.fileOf[column]
      if f < 0 { return nil }
      let from = starts[f]
      let n = starts[f + 1] - 1 - from
      return n == 0 ? nil : UnsafeBufferPointer(start: p + from, count: n)
    }
    @inline(__always) func text(_ b: UnsafeBufferPointer<UInt8>) -> String { String(decoding: b, as: UTF8.self) }
    @inline(__always) func decimal(_ b: UnsafeBufferPointer<UInt8>) -> Fixed? {
      memchr(b.baseAddress!, 95, b.count) == nil ? Fixed.parse(b) : nil
    }
    /// Whether the amount `v` read from `b` has at most `places` decimals (`Fixed.significantFractionDigits`, only
    /// worked out when the text has more decimals written than that: trailing zeros aside, they are the same).
    @inline(__always) func fits(_ v: Fixed, _ b: UnsafeBufferPointer<UInt8>, _ places: Int) -> Bool {
      Self.writtenDecimals(b) <= places || v.significantFractionDigits <= places
    }
    @inline(__always) func date(_ column: Int) -> (ok: Bool, value: CivilDate?) {
      guard let b = field(column) else { return (true, nil) }
      guard let d = dates.parse(b) else { return (false, nil) }
      return (true, d)
    }
    // Required: id, customer, issue and due dates, currency, amount.
    guard let idB = field(0), let custB = field(3), let issueB = field(5), let dueB = field(6), let curB = field(7),
      let amountB = field(8), let issueDate = dates.parse(issueB), let due = dates.parse(dueB),
      let cur = Currency.lookup(bytes: curB), let amount = decimal(amountB), fits(amount, amountB, cur.minorUnits)
    else { return false }
    /// An optional amount: zero when empty; not ok when it is not an amount of the currency.
    @inline(__always) func amountOrZero(_ column: Int) -> (ok: Bool, value: Fixed) {
      guard let b = field(column) else { return (true, .zero) }
      guard let v = decimal(b), fits(v, b, cur.minorUnits) else { return (false, .zero) }
      return (true, v)
    }
    let (paidOK, paid) = amountOrZero(9)
    let (disputedOK, disputed) = amountOrZero(10)
    guard paidOK, disputedOK, amount.subtracting(paid)?.subtracting(disputed) != nil else { return false }
    let ps = date(13)
    let pe = date(14)
    let pd = date(15)
    guard ps.ok, pe.ok, pd.ok, due >= issueDate else { return false }
    guard let status = Self.status(field(11)), let creditNote = Self.isCreditNote(field(2)) else { return false }
    guard let ci = customerIndex.findASCII(custB.baseAddress!, count: custB.count, hash: hashes.customer) else { return false }
    var contract: Int32 = -1
    if let contractIndex, let b = field(4) {
      guard let k = contractIndex.findASCII(b.baseAddress!, count: b.count, hash: hashes.contract) else { return false }
      contract = Int32(k)
    }
    let id = text(idB)
    guard ids.insertIfAbsent(id, hash: hashes.id, index: invoices.count, in: invoices) else { return false }
    var number = id
    var numberIsID = true
    if let b = field(1), !(b.count == idB.count && memcmp(b.baseAddress!, idB.baseAddress!, b.count) == 0) {
      number = text(b)
      numberIsID = false
    }
    let reference = field(12).map(text) ?? ""
    var period: Int64 = 0
    if contract >= 0, let start = ps.value, !creditNote { period = Dataset.periodKey(Int(contract), start) }
    // (Made in its place: a local copy appended costs a copy and a destruction of the whole invoice.)
    invoices.append(
      OpenInvoice(
        id: id, number: number, isCreditNote: creditNote, customer: Int32(ci), contract: contract, issueDate: issueDate, dueDate: due,
        currency: cur, amount: amount, paid: paid, disputed: disputed, status: status, reference: reference, line: Int32(line),
        paidDate: pd.value, custom: [], idText: ShortText(bytes: idB.baseAddress!, count: idB.count), numberIsID: numberIsID))
    periods.append(period)
    idColumns.append(Int32(starts[layout.fileOf[0]] - starts[0] + 1))
    fastRows += 1
    return true
  }

  /// The digits written after the point of an amount `Fixed.parse` read from `b` (0 without a point): never fewer
  /// than its `significantFractionDigits`.
  @inline(__always) package static func writtenDecimals(_ b: UnsafeBufferPointer<UInt8>) -> Int {
    guard let dot = memchr(b.baseAddress!, 46, b.count) else { return 0 }
    return b.count - (UnsafeRawPointer(dot) - UnsafeRawPointer(b.baseAddress!)) - 1
  }

  // Status and kind compared as bytes (no string made per row).
  @inline(__always) private static func isWord(_ b: UnsafeBufferPointer<UInt8>, _ w: StaticString) -> Bool {
    b.count == w.utf8CodeUnitCount && memcmp(b.baseAddress!, w.utf8Start, b.count) == 0
  }

  /// The status column: open when empty; nil when it is no status.
  @inline(__always) private static func status(_ b: UnsafeBufferPointer<UInt8>?) -> InvoiceStatus? {
    guard let b, !isWord(b, "open") else { return .open }
    return InvoiceStatus(rawValue: String(decoding: b, as: UTF8.self))
  }

  /// The kind column: an invoice when empty; nil when it is neither `invoice` nor `credit_note`.
  @inline(__always) private static func isCreditNote(_ b: UnsafeBufferPointer<UInt8>?) -> Bool? {
    guard let b else { return false }
    return isWord(b, "credit_note") ? true : isWord(b, "invoice") ? false : nil
  }
}
