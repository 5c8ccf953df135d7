import AccrueCore
import AccrueModel

/// The tables and files of a run, as `plan --format csv` prints them and `apply` writes them to a run folder.
public enum RunFiles {
  /// The CSV tables of a run, by the name of the file `apply` writes them to (`invoices` is invoices.csv).
  public static let csvTableNames = ["invoices", "reminders", "actions", "cash_applications", "exceptions", "payouts"]

  /// The part of a run that produces a table.
  public static func part(ofTable name: String) -> RunOutput.Part {
    switch name {
    case "invoices": .invoices
    case "reminders", "actions": .reminders
    default: .matches
    }
  }

  /// One CSV table of a run (its header only when that part did not run), as `apply` writes it.
  public static func csvTable(_ name: String, _ o: RunOutput) -> String {
    let reminders = o.collections?.reminders ?? []
    let payments = o.cash?.applications ?? []
    switch name {
    case "invoices": return InvoiceRenderer.csv(o.billing)
    case "reminders": return ReminderRenderer.remindersCSV(reminders)
    case "actions": return ReminderRenderer.actionsCSV(reminders)
    case "cash_applications": return CashRenderer.applicationsCSV(payments)
    case "payouts": return PayoutRenderer.csv(o.payouts)
    default: return CashRenderer.exceptionsCSV(payments)
    }
  }

  /// The tables of what the run worked out, in `csvTableNames` order: invoices unless `--only` left billing
  /// out, reminders and actions when collections ran, cash applications and exceptions when cash application ran,
  /// payouts when the data folder has processors' exports.
  public static func csvTables(_ o: RunOutput) -> [(name: String, csv: String)] { csvTables(o, rendered: true) }

  /// The tables' names, and their CSV when `rendered` (else empty).
  static func csvTables(_ o: RunOutput, rendered: Bool) -> [(name: String, csv: String)] {
    csvTableNames.filter { name in
      if name == "payouts" { return o.payouts != nil }
      return switch part(ofTable: name) {
      case .invoices: o.only == nil || o.only == .invoices
      case .reminders: o.collections != nil
      case .matches: o.cash != nil
      }
    }.map { ($0, rendered ? csvTable($0, o) : "") }
  }

  /// Writes what `joinedCSV(csvTables(o))` is (or `csvTable(table, o)` when a table is named) a piece at a time:
  /// the invoices in chunks as they are rendered, each other table whole.
  public static func writeCSV(_ o: RunOutput, table: String? = nil, _ out: (String) -> Void) {
    let names = table.map { [$0] } ?? csvTables(o, rendered: false).map(\.name)
    for (k, name) in names.enumerated() {
      if k > 0 { out("\r\n") }
      if name == "invoices" { InvoiceRenderer.writeCSV(o.billing, out) } else { out(csvTable(name, o)) }
    }
  }

  /// Several CSV tables as one text: each with its header, one blank line between two tables.
  public static func joinedCSV(_ tables: [(name: String, csv: String)]) -> String {
    tables.map(\.csv).joined(separator: "\r\n")
  }

  /// The files of a run folder, in order: invoices, reminders and actions as JSON and CSV, and with cash
  /// application its matches as JSON and the cash applications and exceptions as CSV.
  /// Then the outbox: a JSON Lines file for each channel the run has messages for (`Outbox`).
  public static func fileNames(_ o: RunOutput) -> [String] {
    let base = ["invoices.json", "invoices.csv", "reminders.json", "reminders.csv", "actions.csv"]
    let cash = o.cash == nil ? base : base + ["cash_applications.json", "cash_applications.csv", "exceptions.csv"]
    return (o.payouts == nil ? cash : cash + ["payouts.csv"]) + Outbox.present(o).map(Outbox.fileName)
  }

  /// Writes the file `name` of `fileNames` a piece at a time (`out` may be called many times).
  public static func write(_ name: String, _ o: RunOutput, _ out: (String) -> Void) {
    switch name {
    case "invoices.json": InvoiceRenderer.writeJSON(o.billing, out)
    case "reminders.json":
      ReminderRenderer.writeJSONArray(o.collections?.reminders ?? [], indent: 0, out)
      out("\n")
    case "cash_applications.json":
      CashRenderer.writeJSONArray(o.cash?.applications ?? [], indent: 0, out)
      out("\n")
    case _ where name.hasPrefix("outbox-"): Outbox.write(String(name.dropFirst("outbox-".count).dropLast(".jsonl".count)), o, out)
    case "invoices.csv": InvoiceRenderer.writeCSV(o.billing, out)
    default: out(csvTable(String(name.dropLast(4)), o))
    }
  }

  /// The files of a run folder (`fileNames`), each whole.
  public static func files(_ o: RunOutput) -> [(name: String, bytes: [UInt8])] {
    fileNames(o).map { name in
      var text = ""
      write(name, o) { text += $0 }
      return (name, Array(text.utf8))
    }
  }
}
