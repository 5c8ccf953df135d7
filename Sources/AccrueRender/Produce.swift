import AccrueCompiler
import AccrueCore
import AccrueEngine
import AccrueImport

/// The produce step shared by `plan` and `apply`: billing and collections as of a date, less what the
/// journal records as already produced, and the files `apply` writes.
public enum Produce {
  /// Billing then collections (when the rules have cadences). With a journal, its invoices count as issued
  /// and its reminders as sent, so only what is new comes out.
  /// What a run produces.
  public enum Only: String, Sendable { case invoices, reminders }

  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate? = nil, journal: Journal? = nil, explain: String? = nil,
    whyNot: String? = nil, progress: Billing.Progress? = nil, only: Only? = nil, explanations: Bool = true
  ) -> (billing: BillingResult, collections: CollectionsResult?, issues: [DataIssue]) {
    let d = journal.map { data.recording($0) } ?? data
    var b = BillingResult(asOf: asOf, since: since ?? asOf, invoices: [], alreadyIssued: 0, failures: [])
    var issues: [DataIssue] = []
    if only != .reminders {
      (b, issues) = Billing.run(plan: plan, data: d, asOf: asOf, since: since, progress: progress, explain: explain)
    }
    let c =
      plan.cadences.isEmpty || only == .invoices
      ? nil
      : Collections.run(
        plan: plan, data: d, asOf: asOf, history: journal?.sentReminders ?? [], whyNot: whyNot, explanations: explanations)
    return (b, c, issues)
  }

  /// The journal items of a run's outputs.
  public static func items(_ b: BillingResult, _ c: CollectionsResult?) -> [JournalItem] {
    var out = b.invoices.map { JournalItem(kind: .invoice, key: $0.key, date: b.asOf, customer: $0.customerID) }
    out += (c?.reminders ?? []).map(\.produced)
    return out
  }

  /// The files of a run folder: invoices, reminders and actions as JSON and CSV.
  public static func files(_ b: BillingResult, _ c: CollectionsResult?) -> [(name: String, bytes: [UInt8])] {
    var invoicesJSON = ""
    InvoiceRenderer.writeJSON(b) { invoicesJSON += $0 }
    let reminders = c?.reminders ?? []
    let remindersJSON = JSON.array(reminders.map(ReminderRenderer.json)).serialized(pretty: true) + "\n"
    return [
      ("invoices.json", Array(invoicesJSON.utf8)), ("invoices.csv", Array(InvoiceRenderer.csv(b).utf8)),
      ("reminders.json", Array(remindersJSON.utf8)), ("reminders.csv", Array(ReminderRenderer.remindersCSV(reminders).utf8)),
      ("actions.csv", Array(ReminderRenderer.actionsCSV(reminders).utf8)),
    ]
  }
}
