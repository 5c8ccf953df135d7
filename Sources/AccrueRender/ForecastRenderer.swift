import AccrueCore
import AccrueEngine

/// Renders `accrue plan --from --to`: one block per day that produces something, then a summary.
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
        let what = (m.messages.map { "\($0.channel) \"\($0.template)\"" } + m.actions.map(\.kind)).joined(separator: ", ")
        out += "  + reminder " + InvoiceRenderer.pad(m.key, 44) + " " + InvoiceRenderer.pad(m.customerID, 14) + what + "\n"
      }
      invoices += day.invoices.count
      reminders += day.reminders.count
      emit(out)
    }
    emit("\nForecast: \(invoices) invoice\(invoices == 1 ? "" : "s"), \(reminders) reminder\(reminders == 1 ? "" : "s") over \(days.count) day\(days.count == 1 ? "" : "s")\n")
  }
}
