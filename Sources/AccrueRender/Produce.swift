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
    /// The part of the run asked for (`--only`), nil for all of it.
    public var only: Only? = nil

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
    var c =
      dunning
      ? Collections.run(
        plan: plan, data: d, asOf: asOf, history: journal?.sentReminders ?? [], whyNot: whyNot, explanations: explanations)
      : nil
    // Collections works customer by customer in the order of customers.csv: its reminders are put in an order
    // of their own (customer id, key) here, so that the output does not depend on the order of the data's rows.
    if c != nil { OutputOrder.sortReminders(&c!.reminders) }
    OutputOrder.sortInvoices(&b.invoices)
    return Output(billing: b, collections: c, cash: cash, issues: issues, only: only)
  }

  /// The journal items of a run's outputs.
  public static func items(_ o: Output) -> [JournalItem] {
    var out = o.billing.invoices.map { JournalItem(kind: .invoice, key: $0.key, date: o.billing.asOf, customer: $0.customerID) }
    out += (o.collections?.reminders ?? []).map(\.produced)
    out += (o.cash?.applications ?? []).map(\.produced)
    return out
  }

  /// The CSV tables of a run, by the name of the file `apply` writes them to (`invoices` is invoices.csv).
  public static let csvTableNames = ["invoices", "reminders", "actions", "cash_applications", "exceptions"]

  /// The part of a run that produces a table.
  public static func part(ofTable name: String) -> Only {
    switch name {
    case "invoices": .invoices
    case "reminders", "actions": .reminders
    default: .matches
    }
  }

  /// One CSV table of a run (its header only when that part did not run), as `apply` writes it.
  public static func csvTable(_ name: String, _ o: Output) -> String {
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
  public static func csvTables(_ o: Output) -> [(name: String, csv: String)] {
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
  public static func files(_ o: Output) -> [(name: String, bytes: [UInt8])] {
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
