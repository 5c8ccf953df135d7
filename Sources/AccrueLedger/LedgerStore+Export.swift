import AccrueCore
import AccrueModel
import AccrueSQLite
import Foundation

extension LedgerExport {
  /// The tables' layouts without rows (for the JSON Schema files and the documentation).
  public static var layouts: [LedgerExportTable] { LedgerExportTables.all.map(\.table) }
}

extension LedgerReader {
  /// Reads every exported table in one read transaction: two exports of the same ledger are identical.
  public func export() throws(JournalError) -> LedgerExport {
    try snapshot { () throws(JournalError) -> LedgerExport in
      let (run, asOf) = try lastRun()
      var covered: [String: [String]] = [:]
      for r in try query("SELECT key, invoices FROM reminders") {
        covered[r[0].text ?? ""] = JSONText.strings(r[1].text ?? "") ?? []
      }
      var tables: [LedgerExportTable] = []
      for spec in LedgerExportTables.all {
        var t = spec.table
        // A ledger of schema version 1 (read before an apply migrates it) has no returns.
        var spec = spec
        // Columns a ledger read without migrating may not have yet: empty.
        if spec.table.name == "credit_notes" && schemaVersion < 10 { spec.sql = spec.sql.replacingOccurrences(of: "c.line,", with: "NULL,") }
        if spec.table.name == "credit_notes" && schemaVersion < 9 { spec.sql = spec.sql.replacingOccurrences(of: "c.rule,", with: "NULL,") }
        if spec.table.name == "decisions" && schemaVersion < 12 { spec.sql = spec.sql.replacingOccurrences(of: "d.asked_by, d.request", with: "d.asked_by, NULL") }
        // Version 2 keyed a payout by its bank credit, and had no `credit` column.
        if spec.table.name == "processor_payouts" && schemaVersion == 2 { spec.sql = spec.sql.replacingOccurrences(of: "COALESCE(p.credit, p.key)", with: "p.key") }
        t.rows = schemaVersion < (LedgerExportTables.since[spec.table.name] ?? 0) ? [] : try rows(spec, lists: covered)
        tables.append(t)
      }
      return LedgerExport(ledgerSchemaVersion: schemaVersion, lastRun: run, asOf: asOf, tables: tables)
    }
  }

  /// One table's rows: each SQL column becomes the cell of the layout's column at the same place; a table with
  /// amounts selects, last, what gives their decimals (a currency code, or a number of places).
  private func rows(_ spec: LedgerExportTables.Spec, lists: [String: [String]]) throws(JournalError) -> [[LedgerExportCell]] {
    let columns = spec.table.columns
    let statement: Statement
    do {
      statement = try db.prepare(spec.sql)
      try statement.bind([])
    } catch { throw JournalError(message: "cannot read the ledger \(path): \(error.message)") }
    var out: [[LedgerExportCell]] = []
    do {
      while try statement.step() {
        let r = try statement.row()
        let places = r.count > columns.count ? Self.places(r[columns.count]) : nil
        var row: [LedgerExportCell] = []
        row.reserveCapacity(columns.count)
        for (k, c) in columns.enumerated() {
          row.append(try cell(r[k], c, places: places, lists: lists, table: spec.table.name))
        }
        out.append(row)
      }
    } catch let e as JournalError { throw e } catch let e as SQLiteError {
      throw JournalError(message: "cannot read the ledger \(path): \(e.message)")
    } catch { throw JournalError(message: "cannot read the ledger \(path): \(error)") }
    return out
  }

  /// The decimals of a row's amounts: a number of places, or a currency's minor units (nil: no currency recorded).
  static func places(_ v: SQLValue) -> Int? {
    if let n = v.integer { return Int(n) }
    return v.text.flatMap(Currency.lookup)?.minorUnits
  }

  private func cell(_ v: SQLValue, _ c: LedgerExportColumn, places: Int?, lists: [String: [String]], table: String) throws -> LedgerExportCell {
    if v == .null {
      guard c.nullable else { throw JournalError(message: "\(path): \(table).\(c.name) is empty where the ledger always records it") }
      return .null
    }
    switch c.kind {
    case .text: return .text(v.text ?? v.integer.map { String($0) } ?? "")
    case .decimal: return .decimal(v.text ?? v.integer.map { String($0) } ?? "")
    case .date:
      guard let t = v.text, CivilDate.parse(t) != nil else {
        throw JournalError(message: "\(path): \(table).\(c.name) holds '\(v.text ?? "?")', not a date YYYY-MM-DD")
      }
      return .date(t)
    case .integer, .boolean:
      guard let n = v.integer else { throw JournalError(message: "\(path): \(table).\(c.name) holds '\(v.text ?? "?")', not a whole number") }
      return c.kind == .integer ? .integer(n) : .boolean(n != 0)
    case .amount:
      guard let n = v.integer else { throw JournalError(message: "\(path): \(table).\(c.name) holds '\(v.text ?? "?")', not minor units") }
      // Without a recorded currency (a payment migrated from a journal file) only zero amounts are recorded.
      return .decimal(LedgerAmount.decimal(minorUnits: n, places: places ?? 0))
    case .list: return .list(lists[v.text ?? ""] ?? [])
    }
  }
}

/// Amounts as the ledger's exports and statements write them.
public enum LedgerAmount {
  /// Minor units as an exact decimal with `places` decimals: 123450 with 2 places is "1234.50"; never rounded.
  public static func decimal(minorUnits: Int64, places: Int) -> String {
    Fixed(minorUnits: minorUnits, exponent: places).formatted(places: places)
  }
}
