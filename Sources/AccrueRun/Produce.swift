import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueLedger
import AccrueModel

/// The produce step shared by `plan` and `apply`: billing, cash application and collections as of a date, less
/// what the journal records as already produced.
public enum Produce {
  /// Billing, cash application (when the rules have match rules) and collections (when they have cadences).
  /// With a journal, its invoices count as issued, its reminders as sent and its payments as applied, so only
  /// what is new comes out. Payments applied automatically count as paid before dunning: nobody gets a reminder
  /// for an invoice this run's cash closed.
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate? = nil, journal: Journal? = nil, explain: String? = nil,
    whyNot: String? = nil, progress: Billing.Progress? = nil, only: RunOutput.Part? = nil, explanations: Bool = true
  ) -> RunOutput {
    var d = journal.map { data.recording($0) } ?? data
    var b = BillingResult(asOf: asOf, since: since ?? asOf, invoices: [], alreadyIssued: 0, failures: [])
    var issues: [DataIssue] = []
    if only == nil || only == .invoices {
      (b, issues) = Billing.run(plan: plan, data: d, asOf: asOf, since: since, progress: progress, explain: explain)
    }
    var cash: CashResult?
    let dunning = !plan.cadences.isEmpty && (only == nil || only == .reminders)
    if !plan.matchRules.isEmpty && (only == nil || only == .matches || dunning) {
      let r = CashApplicationRun.run(plan: plan, data: d, asOf: asOf, history: journal?.items ?? [], explanations: explanations)
      // Dunning sees the cash even when only reminders are produced (the matches are then not shown or recorded).
      if dunning { d.recordPayments(r) }
      if only == nil || only == .matches { cash = r }
    }
    var c =
      dunning
      ? Collections.run(
        plan: plan, data: d, asOf: asOf, history: journal?.sentReminders ?? [], whyNot: whyNot, explanations: explanations)
      : nil
    // Collections works customer by customer in the order of customers.csv: its reminders are put in an order
    // of their own (customer id, key) here, so that the output does not depend on the order of the data's rows.
    if c != nil { OutputOrder.sortReminders(&c!.reminders) }
    OutputOrder.sortInvoices(&b.invoices)
    return RunOutput(billing: b, collections: c, cash: cash, issues: issues, only: only)
  }

  /// The journal items of a run's outputs.
  public static func items(_ o: RunOutput) -> [JournalItem] {
    var out = o.billing.invoices.map { JournalItem.invoice(IssuedInvoice(key: $0.key, date: o.billing.asOf, customer: $0.customerID)) }
    out += (o.collections?.reminders ?? []).map(\.produced)
    out += (o.cash?.applications ?? []).map(\.produced)
    return out
  }
}
