import AccrueCore
import AccrueModel

/// The ledger's reports as files and text: the tables of `accrue ledger export` as CSV and JSON Lines with their
/// manifest and JSON Schema, and a customer's statement of account (`accrue ledger show`) as text and JSON. Its
/// inputs are the model's `LedgerExport`, `LedgerExportTable` and `LedgerStatement`, which AccrueLedger reads.
public enum LedgerRenderer {
  // MARK: Export files

  /// The table as CSV: a header of the column names, one row per line, CRLF line ends (as every CSV Accrue
  /// writes); an empty cell for an absent value, lists joined by ';', text cells quoted when needed and
  /// neutralized against spreadsheet formulas (`InvoiceRenderer.csvCell`).
  public static func csv(_ t: LedgerExportTable) -> String {
    var out = t.columns.map { InvoiceRenderer.csvField($0.name) }.joined(separator: ",") + "\r\n"
    for row in t.rows {
      out += row.map(csvCell).joined(separator: ",") + "\r\n"
    }
    return out
  }

  static func csvCell(_ c: LedgerExportCell) -> String {
    switch c {
    case .null: ""
    case .text(let s): InvoiceRenderer.csvField(s)
    case .integer(let n): String(n)
    case .decimal(let s), .date(let s): s
    case .boolean(let b): b ? "true" : "false"
    case .list(let ids): InvoiceRenderer.csvField(ids.joined(separator: ";"))
    }
  }

  /// The table as JSON Lines: one object per row, keys in column order, amounts as strings, absent values null.
  public static func jsonl(_ t: LedgerExportTable) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(t.rows.count * 256)
    for row in t.rows {
      JSON.object(zip(t.columns, row).map { ($0.name, json($1)) }).write(to: &out, pretty: false, indent: 0)
      out.append(10)
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func json(_ c: LedgerExportCell) -> JSON {
    switch c {
    case .null: .null
    case .text(let s), .decimal(let s), .date(let s): .string(s)
    case .integer(let n): .number(String(n))
    case .boolean(let b): .bool(b)
    case .list(let ids): .array(ids.map(JSON.string))
    }
  }

  /// The `$id` of a table's JSON Schema, for export layout `version`.
  public static func schemaID(_ table: String, version: Int) -> String { "urn:accrue:ledger-export:\(version):\(table)" }

  /// The JSON Schema (draft 2020-12) of one JSON Lines row of the table: every column required, no other key,
  /// each column's type and meaning.
  public static func schema(_ t: LedgerExportTable, version: Int) -> JSON {
    let decimal = "^-?[0-9]+(\\.[0-9]+)?$"
    func property(_ c: LedgerExportColumn) -> JSON {
      var type: String
      var extra: [(String, JSON)] = []
      switch c.kind {
      case .text: type = "string"
      case .integer: type = "integer"
      case .boolean: type = "boolean"
      case .amount, .decimal:
        type = "string"
        extra = [("pattern", .string(decimal))]
      case .date:
        type = "string"
        extra = [("format", .string("date")), ("pattern", .string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
      case .list:
        type = "array"
        extra = [("items", .object([("type", .string("string"))]))]
      }
      let types: JSON = c.nullable ? .array([.string(type), .string("null")]) : .string(type)
      return .object([("type", types)] + extra + [("description", .string(c.description))])
    }
    return .object([
      ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
      ("$id", .string(schemaID(t.name, version: version))),
      ("title", .string("Accrue ledger export: \(t.name)")),
      ("description", .string("\(t.description) One row of \(t.name).csv, one line of \(t.name).jsonl; rows \(t.order).")),
      ("version", .int(version)),
      ("type", .string("object")),
      ("properties", .object(t.columns.map { ($0.name, property($0)) })),
      ("required", .array(t.columns.map { .string($0.name) })),
      ("additionalProperties", .bool(false)),
    ])
  }

  /// The export's `manifest.json`: versions, the ledger's last run, and each file (in `format`: csv or jsonl) with its
  /// row count and schema.
  public static func manifest(_ export: LedgerExport, format: String) -> JSON {
    let (version, tables) = (LedgerExport.version, export.tables)
    return .object([
      ("export_version", .int(version)),
      ("ledger_schema_version", .int(export.ledgerSchemaVersion)),
      ("format", .string(format)),
      ("last_run", .int(export.lastRun)),
      ("as_of", export.asOf.map { .string($0.description) } ?? .null),
      (
        "files",
        .array(
          tables.map { t in
            .object([
              ("file", .string("\(t.name).\(format)")), ("table", .string(t.name)), ("rows", .int(t.rows.count)),
              ("schema", .string(schemaID(t.name, version: version))),
            ])
          })
      ),
    ])
  }
}


extension LedgerRenderer {
  /// An amount with its currency's decimals (more when it is finer), optionally grouped: "30,540.56".
  static func amount(_ f: Fixed, _ c: Currency, grouping: Bool) -> String {
    f.formatted(places: max(f.significantFractionDigits, c.minorUnits), grouping: grouping)
  }

  /// The statement as a finance analyst reads one: a header, then per currency a table of date, reference,
  /// description, debit, credit and running balance closed by the balance due, then the balances per currency.
  public static func statementText(_ s: LedgerStatement) -> String {
    var out = "Statement of account: customer \(s.customer)\n"
    let runs = s.lastRun == 1 ? "1 run" : "\(s.lastRun) runs"
    out += "Ledger:    \(s.ledger) (\(runs)\(s.lastRunAsOf.map { ", the last as of \($0)" } ?? ""))\n"
    out += "Entries:   " + (s.asOf.map { "dated up to \($0)" } ?? "all recorded") + "\n"
    if s.sections.isEmpty {
      return out + "\nNo invoices, payments or fees on this account" + (s.asOf.map { " up to \($0)" } ?? "") + ".\n"
    }
    for section in s.sections { out += "\n" + sectionText(section) }
    out += "\n" + summaryText(s.sections)
    if s.sections.contains(where: { $0.entries.contains { $0.effect == .memo } }) {
      out += "Memo lines inform (a payment applied outside this statement, or waiting for review) and do not move the balance.\n"
    }
    return out
  }

  static func sectionText(_ section: LedgerStatement.Section) -> String {
    let c = section.currency
    let header = ["Date", "Reference", "Description", "Debit", "Credit", "Balance"]
    var rows: [[String]] = section.entries.map { e in
      let money = amount(e.amount, c, grouping: true)
      switch e.effect {
      case .debit: return [e.date.description, e.reference, e.description, money, "", amount(e.balance, c, grouping: true)]
      case .credit: return [e.date.description, e.reference, e.description, "", money, amount(e.balance, c, grouping: true)]
      case .memo: return [e.date.description, e.reference, e.description + " (memo: " + money + ")", "", "", ""]
      }
    }
    rows.append(["", "", "Balance due", "", "", amount(section.balanceDue, c, grouping: true)])
    var widths = header.map(\.count)
    for r in rows { for (k, cell) in r.enumerated() { widths[k] = max(widths[k], cell.count) } }
    func line(_ r: [String]) -> String {
      var parts: [String] = []
      for (k, cell) in r.enumerated() {
        let pad = String(repeating: " ", count: widths[k] - cell.count)
        parts.append(k >= 3 ? pad + cell : cell + pad)
      }
      return trimmedEnd(parts.joined(separator: "  ")) + "\n"
    }
    var out = "\(c.code)\n" + line(header)
    out += line(widths.map { String(repeating: "-", count: $0) })
    for r in rows.dropLast() { out += line(r) }
    out += line(widths.map { String(repeating: "-", count: $0) })
    out += line(rows[rows.count - 1])
    return out
  }

  static func summaryText(_ sections: [LedgerStatement.Section]) -> String {
    let header = ["Currency", "Open balance", "Credit on account", "Balance due"]
    let rows = sections.map { s in
      [
        s.currency.code, amount(s.openBalance, s.currency, grouping: true), amount(s.creditOnAccount, s.currency, grouping: true),
        amount(s.balanceDue, s.currency, grouping: true),
      ]
    }
    var widths = header.map(\.count)
    for r in rows { for (k, cell) in r.enumerated() { widths[k] = max(widths[k], cell.count) } }
    func line(_ r: [String]) -> String {
      r.enumerated().map { k, cell in
        let pad = String(repeating: " ", count: widths[k] - cell.count)
        return k == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ") + "\n"
    }
    var out = "Balances\n" + line(header)
    for r in rows { out += line(r) }
    if sections.contains(where: { $0.balanceDue.isNegative }) {
      out += "A negative balance due is in the customer's favour.\n"
    }
    return out
  }

  static func trimmedEnd(_ s: String) -> String {
    var s = s
    while s.last == " " { s.removeLast() }
    return s
  }

  /// The statement as JSON, keys in a fixed order; amounts as exact decimal strings.
  public static func statementJSON(_ s: LedgerStatement) -> JSON {
    .object([
      ("customer", .string(s.customer)),
      ("as_of", s.asOf.map { .string($0.description) } ?? .null),
      ("last_run", .int(s.lastRun)),
      ("last_run_as_of", s.lastRunAsOf.map { .string($0.description) } ?? .null),
      (
        "currencies",
        .array(
          s.sections.map { section in
            let c = section.currency
            return .object([
              ("currency", .string(c.code)),
              (
                "entries",
                .array(
                  section.entries.map { e in
                    .object([
                      ("date", .string(e.date.description)), ("kind", .string(e.kind.rawValue)), ("reference", .string(e.reference)),
                      ("document", e.document.map(JSON.string) ?? .null),
                      ("due_date", e.dueDate.map { .string($0.description) } ?? .null), ("description", .string(e.description)),
                      ("effect", .string(e.effect.rawValue)), ("amount", .string(amount(e.amount, c, grouping: false))),
                      ("balance", .string(amount(e.balance, c, grouping: false))),
                    ])
                  })
              ),
              ("open_balance", .string(amount(section.openBalance, c, grouping: false))),
              ("credit_on_account", .string(amount(section.creditOnAccount, c, grouping: false))),
              ("balance_due", .string(amount(section.balanceDue, c, grouping: false))),
            ])
          })
      ),
    ])
  }
}
