import AccrueCore
import AccrueModel

/// Renders `accrue plan --from --to`: one block per day that produces something, then a summary; or JSON (every
/// day, with its invoices and reminders in the shapes of `plan --format json`); or CSV (plan's invoices,
/// reminders and actions tables, each row led by its day).
public enum ForecastRenderer {
  public static func writeText(_ days: [ForecastDay], from: CivilDate, to: CivilDate, _ emit: (String) -> Void) {
    emit("Forecast from \(from) to \(to) (no payments assumed)\n")
    var invoices = 0
    var reminders = 0
    for day in days where !day.invoices.isEmpty || !day.reminders.isEmpty {
      var out = "\n\(day.date) (\(day.date.weekday))\n"
      for inv in day.invoices {
        out += "  + invoice  " + InvoiceRenderer.pad(inv.key, 44) + " " + InvoiceRenderer.pad(inv.customerID, 14)
        out += InvoiceRenderer.lpad(InvoiceRenderer.money(inv.total, inv.currency), 14) + " \(inv.currency.code)\n"
      }
      for m in day.reminders {
        let what = (m.messages.map { "\($0.channel.rawValue) \"\($0.template)\"" } + m.actions.map(\.kind.rawValue)).joined(separator: ", ")
        out += "  + reminder " + InvoiceRenderer.pad(m.key, 44) + " " + InvoiceRenderer.pad(m.customerID, 14) + what + "\n"
      }
      invoices += day.invoices.count
      reminders += day.reminders.count
      emit(out)
    }
    emit("\nForecast: \(invoices) invoice\(invoices == 1 ? "" : "s"), \(reminders) reminder\(reminders == 1 ? "" : "s") over \(days.count) day\(days.count == 1 ? "" : "s")\n")
  }

  /// One object: `from`, `to`, `payments_assumed` (false), `days` (every day of the range in order: `date`,
  /// `weekday`, `invoices`, `reminders`) and `summary`. Written a day at a time.
  public static func writeJSON(_ days: [ForecastDay], from: CivilDate, to: CivilDate, _ emit: (String) -> Void) {
    emit("{\n  \"from\": \"\(from)\",\n  \"to\": \"\(to)\",\n  \"payments_assumed\": false,\n  \"days\": [")
    var sums = CurrencyTotals()
    var counts = (invoices: 0, reminders: 0, actions: 0)
    for (n, day) in days.enumerated() {
      var w = JSONWriter(arrayMembersAt: 2, itemsBefore: n > 0)
      w.item()
      w.open("{")
      w.field("date", day.date.description)
      w.field("weekday", "\(day.date.weekday)")
      w.key("invoices")
      w.value(.array(day.invoices.map(InvoiceRenderer.invoiceJSON)))
      w.key("reminders")
      w.open("[")
      for m in day.reminders {
        w.item()
        ReminderRenderer.write(m, into: &w)
      }
      w.close("]")
      w.close("}")
      emit(w.string)
      for i in day.invoices { sums.add(i.total, i.currency) }
      counts.invoices += day.invoices.count
      counts.reminders += day.reminders.count
      counts.actions += day.reminders.reduce(0) { $0 + $1.actions.count }
    }
    emit(days.isEmpty ? "],\n" : "\n  ],\n")
    let summary = JSON.object([
      ("days", .int(days.count)), ("invoices", .int(counts.invoices)),
      ("totals", InvoiceRenderer.totalsJSON(sums)),
      ("reminders", .int(counts.reminders)), ("actions", .int(counts.actions)),
    ])
    emit("  \"summary\": " + summary.serialized(pretty: true, indent: 1) + "\n}\n")
  }

  /// The CSV tables of a forecast: `plan`'s invoices, reminders and actions tables with a first column `day`.
  public static let csvTableNames = ["invoices", "reminders", "actions"]

  /// One table of the forecast (`csvTableNames`), every row led by the day it goes out.
  public static func csvTable(_ name: String, _ days: [ForecastDay]) -> String {
    var out = "day,"
    switch name {
    case "invoices": out += InvoiceRenderer.csvHeader
    case "reminders": out += ReminderRenderer.remindersHeader
    default: out += ReminderRenderer.actionsHeader
    }
    out += "\r\n"
    for day in days {
      let lead = day.date.description + ","
      switch name {
      case "invoices": InvoiceRenderer.csvRows(day.invoices, lead: lead, into: &out)
      case "reminders": ReminderRenderer.remindersRows(day.reminders, lead: lead, into: &out)
      default: ReminderRenderer.actionsRows(day.reminders, lead: lead, into: &out)
      }
    }
    return out
  }

  /// Every table of the forecast, a blank line between two (as `plan --format csv`).
  public static func csv(_ days: [ForecastDay]) -> String {
    RunFiles.joinedCSV(csvTableNames.map { ($0, csvTable($0, days)) })
  }
}
