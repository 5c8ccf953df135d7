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
  /// The dates the fast path read (`CivilDate.parse`'s answers, remembered).
  package var dates = DateCache()

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
    func money(_ i: Int) -> Fixed { if case .money(let m) = row.values[i] { return m } else { return .zero } }
    // What is open (amount - paid - disputed) must be representable: never taken as zero.
    guard amount.subtracting(money(9))?.subtracting(money(10)) != nil else {
      issue("D0205", row, 9, "the amount, amount paid and amount disputed leave an open amount beyond \(Fixed.greatest)")
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
    lines = LineCount.newlinesBySearch(b, from: 0, to: mid)
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
