import AccrueBilling
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueLedger
import AccrueModel

/// Day by day, what billing and collections would produce, each day seeing what the days before produced
/// (their invoices issued and open, their reminders sent), as if `apply` ran daily and nobody paid.
public enum ForecastRun {
  public static func run(plan: ExecutablePlan, data: Dataset, from: CivilDate, to: CivilDate, journal: Journal? = nil)
    -> (days: [ForecastDay], issues: [DataIssue], failures: [RunFailure])
  {
    var d = data
    var ledgerIssues: [DataIssue] = []
    if let journal { (d, ledgerIssues) = data.recording(journal, plan: plan, asOf: from) }
    var history = journal?.sentReminders ?? []
    var sequences = journal?.sequences ?? [:]
    var extra: [OpenInvoice] = []
    var days: [ForecastDay] = []
    var issues: [DataIssue] = ledgerIssues
    var day = from
    while day <= to {
      let (b, iss) = Billing.run(plan: plan, data: d, asOf: day, since: CivilDate(dayNumber: day.dayNumber - 1))
      // The usage file is read every day: report its issues once.
      if day == from { issues += iss }
      // A rule that cannot be evaluated stops the forecast.
      if !b.failures.isEmpty { return (days, issues, b.failures) }
      d.issuedKeys.formUnion(b.invoices.map(\.key))
      for inv in b.invoices { if let o = open(inv, d) { extra.append(o) } }
      var reminders: [Reminder] = []
      var documents = b.invoices
      if !plan.cadences.isEmpty {
        let c = Collections.run(plan: plan, data: d, asOf: day, history: history, extraInvoices: extra)
        if !c.failures.isEmpty { return (days, issues, c.failures) }
        reminders = c.reminders
        history += c.reminders.map(\.sent)
        // The fees the day's reminders charge, each on a debit note of its own (as apply bills them).
        for (fee, r) in FeeBook.charged(by: reminders, asOf: day) {
          let note = FeeBook.debitNote(fee, reminder: reminders[r])
          documents.append(note)
          if let o = open(note, d) { extra.append(o) }
        }
        OutputOrder.sortInvoices(&documents)
      }
      // Provisional numbers, continuing from day to day as daily applies would give them.
      let (given, numberFailures) = Numbering.assign(&documents, plan: plan, data: d, last: sequences, provisional: true)
      if !numberFailures.isEmpty { return (days, issues, numberFailures) }
      for g in given { sequences[g.scope] = g.sequence }
      days.append(ForecastDay(date: day, invoices: documents, reminders: reminders))
      guard let next = day.adding(days: 1) else { break }
      day = next
    }
    return (days, issues, [])
  }

  /// A planned invoice as an open invoice (unpaid).
  static func open(_ inv: PlannedInvoice, _ d: Dataset) -> OpenInvoice? {
    guard let c = d.customerIndex[inv.customerID] else { return nil }
    return OpenInvoice(
      id: inv.key, number: inv.key, isCreditNote: false, customer: Int32(c), contract: Int32(d.contractIndex[inv.contractID] ?? -1),
      issueDate: inv.issueDate, dueDate: inv.dueDate, currency: inv.currency, amount: inv.total, paid: .zero, disputed: .zero,
      status: .open, reference: "", line: 0, custom: [])
  }
}
