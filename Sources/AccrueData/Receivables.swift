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

/// What collections reads besides customers: promises, payment plans, extra holidays and reminders
/// sent by another system. (Invoices are `Dataset.invoices`.)
public struct CollectionsData: Sendable {
  public var promises: [PromiseToPay] = []
  public var paymentPlans: [PaymentPlan] = []
  /// Holidays from holidays.csv, by calendar index of the plan.
  public var holidays: [Int: [CivilDate]] = [:]
  public var sent: [SentReminder] = []
}

extension Dataset {
  /// A contract's billing date as one number, for `issuedPeriods`.
  @inline(__always) package static func periodKey(_ contract: Int, _ date: CivilDate) -> Int64 {
    Int64(contract) << 32 | Int64(UInt32(bitPattern: date.dayNumber))
  }

  /// The invoices file's built-in columns (docs/data.md).
  package static let invoiceColumns: [ColumnSpec] = [
    ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "number", type: .text, required: false),
    ColumnSpec(name: "kind", type: .text, required: false), ColumnSpec(name: "customer", type: .text, required: true),
    ColumnSpec(name: "contract", type: .text, required: false), ColumnSpec(name: "issue_date", type: .date, required: true),
    ColumnSpec(name: "due_date", type: .date, required: true), ColumnSpec(name: "currency", type: .currency, required: true),
    ColumnSpec(name: "amount", type: .money, required: true), ColumnSpec(name: "amount_paid", type: .money, required: false),
    ColumnSpec(name: "disputed_amount", type: .money, required: false), ColumnSpec(name: "status", type: .text, required: false),
    ColumnSpec(name: "reference", type: .text, required: false), ColumnSpec(name: "period_start", type: .date, required: false),
    ColumnSpec(name: "period_end", type: .date, required: false), ColumnSpec(name: "paid_date", type: .date, required: false),
  ]

  /// Reads invoices.csv into compact `OpenInvoice`s (and the keys billing must not issue again). A large
  /// CSV file is read in two halves at the same time; the result is the same as one reader's.
  package static func loadInvoices(
    _ f: TableFile, _ p: CheckedProgram?, defaults: [Int: RValue] = [:], customerIndex: IDIndex, contractIndex: IDIndex?,
    rejected: (customers: Int, contracts: Int), parallelAt: Int, ahead: InvoicesAhead? = nil, _ issues: inout [DataIssue]
  ) -> (invoices: [OpenInvoice], ids: InvoiceIDIndex, periods: [Int64], fast: Int) {
    let custom = p.map { Schemas.columns(.invoice, $0) } ?? []
    let schema = TableSchema(name: "invoices", columns: invoiceColumns + custom.map(\.0), currencyColumn: "currency")
    var reader = InvoiceRows(
      path: f.path, customFields: custom.map { p?.fields(of: .invoice)[$0.1].type ?? .text }, customerIndex: customerIndex,
      contractIndex: contractIndex, rejected: rejected)
    reader.customDefaults = custom.map { defaults[$0.1] }
    let size = (try? FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int) ?? 0
    if f.format == .csv, size >= parallelAt, let (file, (cut, linesBefore)) = ahead?.take(f.path) ?? InvoiceRows.readAndSplit(f.path) {
      let bytes = file.bytes
      let headerEnd = bytes.firstIndex(of: 10) ?? 0
      let quoted = memchr(bytes.baseAddress!, 34, bytes.count) != nil
      let second = InvoiceRowsBox(reader)
      var first = reader
      let done = DispatchSemaphore(value: 0)
      if !quoted, let layout = InvoiceLayout(headerLine: bytes[...headerEnd], schema: schema, path: f.path) {
        // Fast path: both halves read straight from the file's bytes. The first half's arrays get room for the
        // whole file, so joining the second does not copy them again.
        // (With 2% to spare: an estimate just short would copy the whole array again when the halves join.)
        let lines = linesBefore * bytes.count / max(1, cut + 1) * 51 / 50 + 16
        first.invoices.reserveCapacity(lines)
        first.ids.reserveCapacity(lines)
        first.periods.reserveCapacity(lines)
        first.idColumns.reserveCapacity(lines)
        let t = Thread {
          let b = file.bytes
          second.rows.readLines(b, from: cut + 1, to: b.count, firstLine: linesBefore + 2, layout: layout, schema: schema)
          done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
        first.readLines(bytes, from: headerEnd + 1, to: cut + 1, firstLine: 2, layout: layout, schema: schema)
        PhaseLog.mark("invoices: first half of the file")
        done.wait()
        PhaseLog.mark("invoices: waiting for the second half")
        first.append(&second.rows) { InvoiceRows.lineText(bytes, line: $0) }
        PhaseLog.mark("invoices: halves joined")
      } else {
        // The general reader on each half (the second behind a copy of the header).
        var header = Array(bytes[...headerEnd])
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
        let secondHalf = header + bytes[(cut + 1)...]
        second.rows.lineOffset = linesBefore
        let t = Thread {
          TableReader.stream(
            bytes: secondHalf, path: f.path, format: .csv, schema: schema,
            onIssue: { i in
              // The header is read (and reported) by the first half.
              if i.line <= 1 { return }
              var x = i
              x.line += linesBefore
              second.rows.found.append(x)
            }
          ) { row in second.rows.take(row) }
          done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
        TableReader.stream(bytes: Array(bytes[...cut]), path: f.path, format: .csv, schema: schema, onIssue: { first.found.append($0) }) {
          row in first.take(row)
        }
        done.wait()
        first.append(&second.rows) { InvoiceRows.lineText(bytes, line: $0) }
      }
      issues += first.found.sorted { $0.line < $1.line }
      withExtendedLifetime(file) {}
      return (first.invoices, first.ids, first.periods, first.fastRows)
    }
    var one = reader
    TableReader.stream(f, schema: schema, onIssue: { one.found.append($0) }) { row in one.take(row) }
    issues += one.found
    return (one.invoices, one.ids, one.periods, 0)
  }

  /// Reads promises.csv, payment_plans.csv, holidays.csv and reminders.csv (each optional).
  package static func loadCollections(
    folder: String, plan: ExecutablePlan, customerIndex: IDIndex, invoices: [OpenInvoice], ids: InvoiceIDIndex, rejected: Int,
    _ issues: inout [DataIssue]
  ) -> CollectionsData {
    var out = CollectionsData()
    func read(_ name: String, _ cols: [ColumnSpec], currencyColumn: String? = nil, _ body: (TableFile, Row) -> DataIssue?) {
      switch DataFolder.find(name, in: folder) {
      case .failure(let i): issues.append(i)
      case .success(nil): break
      case .success(let f?):
        let (rows, iss) = TableReader.readAll(f, schema: TableSchema(name: name, columns: cols, currencyColumn: currencyColumn))
        issues += iss
        for row in rows { if let i = body(f, row) { issues.append(i) } }
      }
    }
    func bad(_ code: String, _ f: TableFile, _ row: Row, _ col: Int, _ msg: String) -> DataIssue {
      DataIssue(code: code, file: f.path, line: row.line, column: row.columns[col], message: msg, record: row.raw)
    }
    /// Customer and optional invoice of a row (columns 0 and 1); the invoice must be the customer's.
    func owner(_ f: TableFile, _ row: Row) -> Result<(Int32, Int32), DataIssue> {
      guard case .text(let cust) = row.values[0], let ci = customerIndex[cust] else {
        return .failure(bad("D0301", f, row, 0, Dataset.unknown("customer", row.values[0].text ?? "", rejected: rejected)))
      }
      guard case .text(let inv) = row.values[1] else { return .success((Int32(ci), -1)) }
      guard let ii = ids.find(inv, in: invoices) else { return .failure(bad("D0309", f, row, 1, "unknown invoice '\(inv)'")) }
      guard invoices[ii].customer == Int32(ci) else {
        return .failure(bad("D0307", f, row, 1, "invoice '\(inv)' belongs to another customer than '\(cust)'"))
      }
      return .success((Int32(ci), Int32(ii)))
    }
    read(
      "promises",
      [
        ColumnSpec(name: "customer", type: .text, required: true), ColumnSpec(name: "invoice", type: .text),
        ColumnSpec(name: "promised_date", type: .date, required: true), ColumnSpec(name: "amount", type: .money),
        ColumnSpec(name: "currency", type: .currency),
      ], currencyColumn: "currency"
    ) { f, row in
      switch owner(f, row) {
      case .failure(let i): return i
      case .success(let (c, i)):
        guard case .date(let d) = row.values[2] else { return nil }
        out.promises.append(PromiseToPay(customer: c, invoice: i, promisedDate: d, amount: row.values[3].decimal, source: RowRef(file: f.path, line: row.line)))
        return nil
      }
    }
    read(
      "payment_plans",
      [
        ColumnSpec(name: "customer", type: .text, required: true), ColumnSpec(name: "invoice", type: .text),
        ColumnSpec(name: "id", type: .text), ColumnSpec(name: "start_date", type: .date, required: true),
        ColumnSpec(name: "end_date", type: .date), ColumnSpec(name: "status", type: .text),
      ]
    ) { f, row in
      switch owner(f, row) {
      case .failure(let i): return i
      case .success(let (c, i)):
        guard case .date(let start) = row.values[3] else { return nil }
        var active = true
        if case .text(let s) = row.values[5] {
          guard ["active", "completed", "broken"].contains(s) else {
            return bad("D0308", f, row, 5, "unknown status '\(s)': expected active, completed or broken")
          }
          active = s == "active"
        }
        let end = row.values[4].date
        if let e = end, e < start { return bad("D0305", f, row, 4, "the plan ends (\(e)) before it starts (\(start))") }
        out.paymentPlans.append(
          PaymentPlan(
            id: row.values[2].text ?? "", customer: c, invoice: i, start: start, end: end, active: active,
            source: RowRef(file: f.path, line: row.line)))
        return nil
      }
    }
    let calendarIndex = Dictionary(plan.calendars.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
    read(
      "holidays",
      [
        ColumnSpec(name: "calendar", type: .text, required: true), ColumnSpec(name: "date", type: .date, required: true),
        ColumnSpec(name: "name", type: .text),
      ]
    ) { f, row in
      guard case .text(let cal) = row.values[0], case .date(let d) = row.values[1] else { return nil }
      guard let ci = calendarIndex[cal] else {
        let known = plan.calendars.map(\.name)
        let hint = known.isEmpty ? " (the rules declare no calendar)" : " (the rules declare: \(known.joined(separator: ", ")))"
        return bad("D0310", f, row, 0, "unknown calendar '\(cal)'" + hint)
      }
      out.holidays[ci, default: []].append(d)
      return nil
    }
    read(
      "reminders",
      [
        ColumnSpec(name: "date", type: .date, required: true), ColumnSpec(name: "customer", type: .text, required: true),
        ColumnSpec(name: "cadence", type: .text, required: true), ColumnSpec(name: "step", type: .text, required: true),
        ColumnSpec(name: "invoices", type: .text), ColumnSpec(name: "key", type: .text),
      ]
    ) { f, row in
      guard case .date(let d) = row.values[0], case .text(let cust) = row.values[1], case .text(let cad) = row.values[2],
        case .text(let step) = row.values[3]
      else { return nil }
      guard customerIndex[cust] != nil else { return bad("D0301", f, row, 1, Dataset.unknown("customer", cust, rejected: rejected)) }
      // A step the rules do not have would be ignored when deciding what was sent: say so instead.
      guard let cadence = plan.cadences.first(where: { $0.name == cad }) else {
        let names = plan.cadences.map(\.name)
        let hint = Suggest.closest(to: cad, among: names).map { "; did you mean '\($0)'?" }
          ?? (names.isEmpty ? " (the rules have none)" : " (the rules have: \(names.joined(separator: ", ")))")
        return bad("D0311", f, row, 2, "unknown cadence '\(cad)'" + hint)
      }
      guard cadence.steps.contains(where: { $0.name == step }) else {
        let steps = cadence.steps.map(\.name)
        let hint = Suggest.closest(to: step, among: steps).map { "; did you mean '\($0)'?" } ?? " (its steps: \(steps.joined(separator: ", ")))"
        return bad("D0311", f, row, 3, "cadence '\(cad)' has no step '\(step)'" + hint)
      }
      let ids = (row.values[4].text ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      out.sent.append(
        SentReminder(key: row.values[5].text ?? "reminders.csv:\(row.line)", date: d, customer: cust, cadence: cad, step: step, invoices: ids))
      return nil
    }
    return out
  }
}

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

  @inline(__always) package static func hash<S: Sequence<UInt8>>(_ bytes: S) -> UInt64 {
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
    if (count + 1) * 2 > mask + 1 { grow() }
    let h = InvoiceIDIndex.hash(id)
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

/// A large invoices file mapped ahead and cut in two, by the loading thread while it would otherwise wait (the
/// contracts are checked on another), so reading it is not on the way of loading.
package final class InvoicesAhead {
  private var path: String?
  private var value: (MappedFile, (cut: Int, linesBefore: Int))?

  /// Maps the folder's invoices file when it is a CSV file of at least `parallelAt` bytes.
  package func read(folder: String, parallelAt: Int) {
    if case .success(let f?) = DataFolder.find("invoices", in: folder), f.format == .csv,
      ((try? FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int) ?? 0) >= parallelAt
    {
      path = f.path
      value = InvoiceRows.readAndSplit(f.path)
    }
  }

  /// What was read, when it is the file at `path` (handed over once).
  package func take(_ path: String) -> (MappedFile, (cut: Int, linesBefore: Int))? {
    defer { value = nil }
    return self.path == path ? value : nil
  }
}

/// Carries the second half's reader to and from its thread (used by that thread until the join).
package final class InvoiceRowsBox: @unchecked Sendable {
  package var rows: InvoiceRows
  package init(_ rows: InvoiceRows) { self.rows = rows }
}

/// Turns invoices rows into `OpenInvoice`s, checking references, ids, status and dates.
package struct InvoiceRows {
  package let path: String
  package let customFields: [ValueType]
  /// Declared defaults of the custom fields (nil: the kind's default).
  package var customDefaults: [RValue?] = []
  package let customerIndex: IDIndex
  /// Contract ids (nil: contracts are not checked, as for the aging report, which reads no contracts).
  package let contractIndex: IDIndex?
  package let rejected: (customers: Int, contracts: Int)
  package var invoices: [OpenInvoice] = []
  package var ids = InvoiceIDIndex()
  /// `Dataset.periodKey` of each invoice of another system (0: none), parallel to `invoices`.
  package var periods: [Int64] = []
  /// The 1-based character column of each invoice's id, for duplicates found when halves are joined.
  package var idColumns: [Int32] = []
  package var found: [DataIssue] = []
  /// Rows the fast path read.
  package var fastRows = 0
  /// Issues about a row's references, status or dates (index in `found`, the row's id and its column): in the
  /// second half, a row whose id the first half has is reported as a duplicate instead, as one reader would.
  package var rowIssues: [(index: Int, id: String, column: Int)] = []
  /// Added to row lines (the second half's rows are numbered from its own header).
  package var lineOffset = 0
  /// A sum of the table words the fast path reads ahead of its lookups (kept only so those reads happen).
  package var touches: UInt64 = 0

  package init(
    path: String, customFields: [ValueType], customerIndex: IDIndex, contractIndex: IDIndex?,
    rejected: (customers: Int, contracts: Int)
  ) {
    self.path = path
    self.customFields = customFields
    self.customerIndex = customerIndex
    self.contractIndex = contractIndex
    self.rejected = rejected
  }

  package mutating func issue(_ code: String, _ row: borrowing Row, _ col: Int, _ msg: String) {
    found.append(DataIssue(code: code, file: path, line: row.line + lineOffset, column: row.columns[col], message: msg, record: row.raw))
    if code != "D0304", case .text(let id) = row.values[0] { rowIssues.append((found.count - 1, id, row.columns[0])) }
  }

  package mutating func take(_ row: borrowing Row) {
    guard case .text(let id) = row.values[0], case .text(let cust) = row.values[3], case .date(let issueDate) = row.values[5],
      case .date(let due) = row.values[6], case .currency(let cur) = row.values[7], case .money(let amount) = row.values[8]
    else { return }
    if ids.find(id, in: invoices) != nil {
      issue("D0304", row, 0, "duplicate invoice id '\(id)'")
      return
    }
    guard let ci = customerIndex[cust] else {
      issue("D0301", row, 3, Dataset.unknown("customer", cust, rejected: rejected.customers))
      return
    }
    var contract: Int32 = -1
    if let contractIndex, case .text(let c) = row.values[4] {
      guard let k = contractIndex[c] else {
        issue("D0302", row, 4, Dataset.unknown("contract", c, rejected: rejected.contracts))
        return
      }
      contract = Int32(k)
    }
    var status = InvoiceStatus.open
    if case .text(let s) = row.values[11] {
      guard let st = InvoiceStatus(rawValue: s) else {
        issue("D0308", row, 11, "unknown status '\(s)': expected open, paid, void or written_off")
        return
      }
      status = st
    }
    var kindCreditNote = false
    if case .text(let k) = row.values[2] {
      guard k == "invoice" || k == "credit_note" else {
        issue("D0308", row, 2, "unknown kind '\(k)': expected invoice or credit_note")
        return
      }
      kindCreditNote = k == "credit_note"
    }
    if due < issueDate {
      issue("D0305", row, 6, "due date \(due) is before the issue date \(issueDate)")
      return
    }
    // An invoice of another system counts as issued for its contract and period start.
    var period: Int64 = 0
    if contract >= 0, case .date(let ps) = row.values[13], !kindCreditNote { period = Dataset.periodKey(Int(contract), ps) }
    ids.insert(id, index: invoices.count)
    var values: [RValue] = []
    if !customFields.isEmpty {
      values.reserveCapacity(customFields.count)
      let first = Dataset.invoiceColumns.count
      for (k, t) in customFields.enumerated() {
        values.append(Schemas.value(row.values[first + k], t, currency: cur, default: customDefaults[k]))
      }
    }
    func money(_ i: Int) -> Fixed { if case .money(let m) = row.values[i] { return m } else { return .zero } }
    let number: String = { if case .text(let n) = row.values[1] { return n } else { return id } }()
    let reference: String = { if case .text(let r) = row.values[12] { return r } else { return "" } }()
    var inv = OpenInvoice(
      id: id, number: number, isCreditNote: kindCreditNote, customer: Int32(ci), contract: contract, issueDate: issueDate,
      dueDate: due, currency: cur, amount: amount, paid: money(9), disputed: money(10), status: status, reference: reference,
      line: Int32(row.line + lineOffset), custom: values)
    inv.paidDate = row.values[15].date
    invoices.append(inv)
    periods.append(period)
    idColumns.append(Int32(row.columns[0]))
  }

  /// Appends the second half's invoices (leaving `other` without them); an id already in the first half is a
  /// duplicate, reported with its record (`record(line)` gives a line's text).
  package mutating func append(_ other: inout InvoiceRows, record: (Int) -> String) {
    var second = other.found
    for r in other.rowIssues where ids.find(r.id, in: invoices) != nil {
      let i = second[r.index]
      second[r.index] = DataIssue(
        code: "D0304", file: i.file, line: i.line, column: r.column, message: "duplicate invoice id '\(r.id)'", record: i.record)
    }
    found += second
    fastRows += other.fastRows
    let start = invoices.count
    // Usually no id of the second half is in the first: its index is merged from the hashes it holds, and its
    // invoices are moved over whole.
    if ids.merge(other.ids, offset: start, in: invoices, other.invoices) {
      invoices.moveAppend(&other.invoices, placeholder: .placeholder, parallel: true)
      periods += other.periods
      idColumns += other.idColumns
      return
    }
    // Some are: the index again from the first half's ids, then the second half's invoices one by one.
    ids = InvoiceIDIndex(minimumCapacity: start + other.invoices.count)
    for k in 0..<start { ids.insert(invoices[k].id, index: k) }
    invoices.reserveCapacity(invoices.count + other.invoices.count)
    for k in other.invoices.indices {
      guard ids.insertIfAbsent(other.invoices[k].id, index: invoices.count, in: invoices) else {
        let inv = other.invoices[k]
        found.append(
          DataIssue(
            code: "D0304", file: path, line: Int(inv.line), column: Int(other.idColumns[k]), message: "duplicate invoice id '\(inv.id)'",
            record: record(Int(inv.line))))
        continue
      }
      invoices.append(other.invoices[k])
      periods.append(other.periods[k])
      idColumns.append(other.idColumns[k])
    }
  }

  /// The whole file and where to cut it in two (nil: unreadable, or too small to cut).
  package static func readAndSplit(_ path: String) -> (MappedFile, (cut: Int, linesBefore: Int))? {
    guard let file = MappedFile(path: path), let split = splitPoint(file.bytes) else { return nil }
    return (file, split)
  }

  /// The text of a line (1-based) of `bytes`, as issues show records.
  package static func lineText(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> String {
    var n = 1
    var start = 0
    while n < line, let nl = bytes[start...].firstIndex(of: 10) {
      start = nl + 1
      n += 1
    }
    var end = bytes[start...].firstIndex(of: 10) ?? bytes.count
    if end > start && bytes[end - 1] == 13 { end -= 1 }
    return RecordText.make(Array(bytes[start..<end]))
  }

  /// Where to cut a CSV file in two: a newline near the middle after an even number of quotes (a record
  /// boundary), and the number of lines up to it. Nil when the file is too small or has no such newline.
  package static func splitPoint(_ b: UnsafeBufferPointer<UInt8>) -> (cut: Int, linesBefore: Int)? {
    guard let headerEnd = b.firstIndex(of: 10) else { return nil }
    let mid = b.count / 2
    guard mid > headerEnd else { return nil }
    var quotes = 0
    var lines = 0
    var cut = -1
    // Quotes before the middle, counted a block at a time; then newlines up to the cut.
    var at = 0
    while at < mid {
      guard let q = memchr(b.baseAddress! + at, 34, mid - at) else { break }
      quotes += 1
      at = UnsafeRawPointer(q).assumingMemoryBound(to: UInt8.self) - b.baseAddress! + 1
    }
    lines = LineCount.newlines(b, from: 0, to: mid)
    scan: for i in mid..<b.count {
      let c = b[i]
      if c == 34 {
        quotes += 1
      } else if c == 10 {
        lines += 1
        if quotes & 1 == 0 {
          cut = i
          break scan
        }
      }
    }
    guard cut > headerEnd, cut + 1 < b.count else { return nil }
    return (cut, lines - 1)
  }

}
