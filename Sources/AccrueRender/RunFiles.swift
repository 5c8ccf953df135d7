import AccrueCore
import AccrueModel

/// The tables and files of a run, as `plan --format csv` prints them and `apply` writes them to a run folder.
public enum RunFiles {
  /// The CSV tables of a run, by the name of the file `apply` writes them to (`invoices` is invoices.csv).
  public static let csvTableNames = ["invoices", "reminders", "actions", "cash_applications", "exceptions"]

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
    default: return CashRenderer.exceptionsCSV(payments)
    }
  }

  /// The tables of what the run worked out, in `csvTableNames` order: invoices unless `--only` left billing
  /// out, reminders and actions when collections ran, cash applications and exceptions when cash application ran.
  public static func csvTables(_ o: RunOutput) -> [(name: String, csv: String)] {
    csvTableNames.filter { name in
      switch part(ofTable: name) {
      case .invoices: o.only == nil || o.only == .invoices
      case .reminders: o.collections != nil
      case .matches: o.cash != nil
      }
    }.map { ($0, csvTable($0, o)) }
  }

  /// Several CSV tables as one text: each with its header, one blank line between two tables.
  public static func joinedCSV(_ tables: [(name: String, csv: String)]) -> String {
    tables.map(\.csv).joined(separator: "\r\n")
  }

  /// The files of a run folder: invoices, reminders and actions as JSON and CSV, and with cash application its
  /// matches as JSON and the cash applications and exceptions as CSV.
  public static func files(_ o: RunOutput) -> [(name: String, bytes: [UInt8])] {
    var invoicesJSON = ""
    InvoiceRenderer.writeJSON(o.billing) { invoicesJSON += $0 }
    let reminders = o.collections?.reminders ?? []
    let remindersJSON = JSON.array(reminders.map(ReminderRenderer.json)).serialized(pretty: true) + "\n"
    func csv(_ name: String) -> (name: String, bytes: [UInt8]) { (name + ".csv", Array(csvTable(name, o).utf8)) }
    var out = [("invoices.json", Array(invoicesJSON.utf8)), csv("invoices"), ("reminders.json", Array(remindersJSON.utf8)), csv("reminders"), csv("actions")]
    if let r = o.cash {
      let json = JSON.array(r.applications.map(CashRenderer.json)).serialized(pretty: true) + "\n"
      out += [("cash_applications.json", Array(json.utf8)), csv("cash_applications"), csv("exceptions")]
    }
    return out
  }
}
