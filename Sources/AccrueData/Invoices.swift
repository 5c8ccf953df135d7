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

  /// The values of the rules' custom invoice fields for an invoice no file row gives them (one the ledger
  /// holds), in the order `OpenInvoice.custom` holds them: each field's declared default, else its type's, for
  /// an invoice in the given currency.
  public static func invoiceCustomDefaults(_ plan: ExecutablePlan) -> @Sendable (Currency) -> [RValue] {
    let custom = Schemas.columns(.invoice, plan.program)
    let fields = plan.program.fields(of: .invoice)
    let types = custom.map { fields[$0.1].type }
    let declared = custom.map { plan.fieldDefaults[.invoice]?[$0.1] }
    return { c in zip(types, declared).map { t, d in d ?? Schemas.defaultValue(t, currency: c) } }
  }

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
}
