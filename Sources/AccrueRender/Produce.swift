import AccrueCompiler
import AccrueCore
import AccrueEngine
import AccrueImport

/// The produce step shared by `plan` and `apply`: billing, cash application and collections as of a date, less
/// what the journal records as already produced, and the files `apply` writes.
public enum Produce {
  /// What a run produces.
  public enum Only: String, Sendable { case invoices, reminders, matches }

  /// A run's results.
  public struct Output: Sendable {
    public var billing: BillingResult
    public var collections: CollectionsResult?
    public var cash: CashResult?
    public var issues: [DataIssue]

    /// Rules that could not be evaluated on the data, in billing, cash application and collections (any one
    /// stops the run: nothing is shown or written).
    public var failures: [RunFailure] { billing.failures + (cash?.failures ?? []) + (collections?.failures ?? []) }
  }

  /// Billing, cash application (when the rules have match rules) and collections (when they have cadences).
  /// With a journal, its invoices count as issued, its reminders as sent and its payments as applied, so only
  /// what is new comes out. Payments applied automatically count as paid before dunning: nobody gets a reminder
  /// for an invoice this run's cash closed.
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate? = nil, journal: Journal? = nil, explain: String? = nil,
    whyNot: String? = nil, progress: Billing.Progress? = nil, only: Only? = nil, explanations: Bool = true
  ) -> Output {
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
    let c =
      dunning
      ? Collections.run(
        plan: plan, data: d, asOf: asOf, history: journal?.sentReminders ?? [], whyNot: whyNot, explanations: explanations)
      : nil
    return Output(billing: b, collections: c, cash: cash, issues: issues)
  }

  /// The journal items of a run's outputs.
  public static func items(_ o: Output) -> [JournalItem] {
    var out = o.billing.invoices.map { JournalItem(kind: .invoice, key: $0.key, date: o.billing.asOf, customer: $0.customerID) }
    out += (o.collections?.reminders ?? []).map(\.produced)
    out += (o.cash?.applications ?? []).map(\.produced)
    return out
  }

  /// The files of a run folder: invoices, reminders and actions as JSON and CSV.
  public static func files(_ o: Output) -> [(name: String, bytes: [UInt8])] {
    let (b, c) = (o.billing, o.collections)
    var invoicesJSON = ""
    InvoiceRenderer.writeJSON(b) { invoicesJSON += $0 }
    let reminders = c?.reminders ?? []
    let remindersJSON = JSON.array(reminders.map(ReminderRenderer.json)).serialized(pretty: true) + "\n"
    return [
      ("invoices.json", Array(invoicesJSON.utf8)), ("invoices.csv", Array(InvoiceRenderer.csv(b).utf8)),
      ("reminders.json", Array(remindersJSON.utf8)), ("reminders.csv", Array(ReminderRenderer.remindersCSV(reminders).utf8)),
      ("actions.csv", Array(ReminderRenderer.actionsCSV(reminders).utf8)),
    ] + cashFiles(o.cash)
  }

  static func cashFiles(_ r: CashResult?) -> [(name: String, bytes: [UInt8])] {
    guard let r else { return [] }
    let json = JSON.array(r.applications.map(CashRenderer.json)).serialized(pretty: true) + "\n"
    return [
      ("cash_applications.json", Array(json.utf8)), ("cash_applications.csv", Array(CashRenderer.applicationsCSV(r.applications).utf8)),
      ("exceptions.csv", Array(CashRenderer.exceptionsCSV(r.applications).utf8)),
    ]
  }
}
