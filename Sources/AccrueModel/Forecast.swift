import AccrueCore

/// One day of a forecast.
public struct ForecastDay: Sendable {
  public var date: CivilDate
  public var invoices: [PlannedInvoice]
  public var reminders: [Reminder]

  public init(date: CivilDate, invoices: [PlannedInvoice], reminders: [Reminder]) {
    self.date = date
    self.invoices = invoices
    self.reminders = reminders
  }
}
