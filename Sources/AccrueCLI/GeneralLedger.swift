import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueDiagnostics
import AccrueLedger
import AccrueModel
import AccruePosting
import AccrueRender
import AccrueRun
import Foundation

/// Posting to the general ledger from the command line (grammar.md §12): `plan --journal`, `report journal`,
/// `report trial-balance`, and `check --data`.
enum GeneralLedgerCommands {
  /// The chart of a data folder for a run that posts: nil (the error written) when it is missing or bad.
  static func chart(_ dir: String, io: OutputSink) -> Chart? {
    let (chart, issues) = Chart.load(folder: dir)
    if !issues.isEmpty {
      io.err(InvoiceRenderer.issues(issues))
      io.err("Error: \(issues.count) bad row\(issues.count == 1 ? "" : "s") in the chart of accounts or the dimensions' files; nothing was posted\n")
      return nil
    }
    guard let chart else {
      io.err("Error: the data folder \(dir) has no \(Chart.fileName): posting needs the chart of accounts (docs/data.md)\n")
      return nil
    }
    return chart
  }

  /// The journal entries of a run whose output is computed; nil (the error written) on failure.
  /// With the revenue recognized through the run's date (grammar.md §13): the ledger's deferred revenue (`state`)
  /// and the run's own, as `apply` records it.
  static func entries(
    _ output: RunOutput, inputs: RunInputs, dataDir: String, state: String?, recognize: Bool = true, io: OutputSink
  ) -> (PostingResult, Chart, PostingRules)? {
    let rules = PostingRules(inputs.plan)
    if rules.isEmpty {
      io.err("Error: the rules have no posting block: nothing posts to the general ledger (grammar.md §12)\n")
      return nil
    }
    guard let chart = chart(dataDir, io: io) else { return nil }
    var r = Posting.journal(output, plan: inputs.plan, data: inputs.data, chart: chart)
    if !r.failures.isEmpty {
      io.err(FailureRenderer.text(r.failures, sources: inputs.plan.sources))
      io.err("Error: \(r.failures.count) posting rule\(r.failures.count == 1 ? "" : "s") could not be posted; nothing posts\n")
      return nil
    }
    if !recognize { return (r, chart, rules) }
    guard
      let recognized = RecognizeCommand.recognition(
        journal: inputs.journal ?? Journal(), runEntries: r.entries, invoices: output.billing.invoices, inputs: inputs, chart: chart,
        dataDir: dataDir, state: state, io: io)
    else { return nil }
    r.entries = (r.entries + recognized).sorted { ($0.date, $0.event) < ($1.date, $1.event) }
    return (r, chart, rules)
  }

  /// The entries `apply` records with its run: its invoices' and cash's, and its returns' and payouts'
  /// (`Posting.events`). None when the rules have no posting block; nil (the error written: nothing is recorded)
  /// when a posting rule fails or the chart is bad. Rules that post over a data folder without a chart of accounts
  /// record no entries, and say so.
  static func applyEntries(
    _ output: RunOutput, inputs: RunInputs, record: LedgerRecord, journal: Journal, dataDir: String, state: String, io: OutputSink
  ) -> [JournalEntry]? {
    if PostingRules(inputs.plan).isEmpty { return [] }
    if !FileManager.default.fileExists(atPath: dataDir + "/" + Chart.fileName) {
      io.err("note: the data folder \(dataDir) has no \(Chart.fileName): the run's journal entries are not recorded (docs/data.md)\n")
      return []
    }
    guard let (r, chart, _) = entries(output, inputs: inputs, dataDir: dataDir, state: state, recognize: false, io: io) else { return nil }
    var all = r.entries
    // Returns, payouts and the credit notes of cancellations (grammar.md §6.6) the run records.
    let notes = Set(record.creditNotes.map(\.postingKey))
    let others = record.items.filter {
      switch $0 {
      case .paymentReturn, .payout: true
      case .cashApplication(let p): notes.contains(p.key)
      default: false
      }
    }
    if !others.isEmpty {
      let events = Posting.events(
        others, creditNotes: record.creditNotes, recorded: recorded(journal, plus: r.entries), receivables: journal.receivables, asOf: record.asOf, plan: inputs.plan,
        data: inputs.data, chart: chart)
      if !events.failures.isEmpty {
        io.err(FailureRenderer.text(events.failures, sources: inputs.plan.sources))
        io.err("Error: \(events.failures.count) posting rule\(events.failures.count == 1 ? "" : "s") could not be posted; nothing posts\n")
        return nil
      }
      all += events.entries
    }
    // Revenue recognized through the run's date, after its credit notes reversed what they reverse (grammar.md §13).
    guard
      let recognized = RecognizeCommand.recognition(
        journal: journal, runEntries: all, invoices: output.billing.invoices, inputs: inputs, chart: chart, dataDir: dataDir, state: state, io: io)
    else { return nil }
    return (all + recognized).sorted { ($0.date, $0.event) < ($1.date, $1.event) }
  }

  /// The entries the ledger recorded and `plus`, by event.
  static func recorded(_ journal: Journal, plus: [JournalEntry] = []) -> [String: JournalEntry] {
    var out: [String: JournalEntry] = [:]
    for e in journal.runs.flatMap(\.journalEntries) + plus { out[e.event] = e }
    return out
  }

  /// What a person's decision posts (`Decide.Poster`): nil when the rules do not post or the data folder has no
  /// chart (a note says so); the poster throws, with the located failures, when a rule cannot post the decision.
  static func decisionPoster(_ plan: ExecutablePlan, dataDir: String, io: OutputSink) -> Decide.Poster? {
    if PostingRules(plan).isEmpty { return nil }
    if !FileManager.default.fileExists(atPath: dataDir + "/" + Chart.fileName) {
      io.err("note: the data folder \(dataDir) has no \(Chart.fileName): the decision's journal entry is not recorded (docs/data.md)\n")
      return nil
    }
    let (chart, issues) = Chart.load(folder: dataDir)
    return { record, journal, books throws(JournalError) in
      guard let chart, issues.isEmpty else {
        throw JournalError(message: InvoiceRenderer.issues(issues) + "the chart of accounts or the dimensions' files have bad rows; nothing posts")
      }
      let r = Posting.events(
        record.items, creditNotes: record.creditNotes, recorded: recorded(journal), receivables: journal.receivables, asOf: record.asOf, plan: plan,
        data: books, chart: chart)
      if !r.failures.isEmpty {
        throw JournalError(message: FailureRenderer.text(r.failures, sources: plan.sources) + "\(r.failures.count) posting rule\(r.failures.count == 1 ? "" : "s") could not post the decision")
      }
      return r.entries
    }
  }

  /// `plan --journal`: the entries the run would post, as text, JSON or the CSV table `journal_entries` (nil
  /// without --journal: the plan goes on).
  static func planJournal(_ output: RunOutput, _ inputs: RunInputs, _ args: ParsedArguments, _ io: OutputSink) -> Int32? {
    let table = args.value("table") == "journal_entries"
    guard args.flag("journal") || table else { return nil }
    guard let dataDir = args.value("data"), let (r, chart, rules) = entries(output, inputs: inputs, dataDir: dataDir, state: args.value("state"), io: io) else {
      return ExitStatus.failure
    }
    write(r.entries, chart: chart, dimensions: rules.dimensionNames, format: table ? "csv" : args.value("format") ?? "text", io: io)
    return ExitStatus.success
  }

  static func write(_ entries: [JournalEntry], chart: Chart, dimensions: [String], format: String, io: OutputSink) {
    switch format {
    case "json": io.out(JournalRenderer.json(entries))
    case "csv": io.out(JournalRenderer.csv(entries, accounts: chart.accounts, dimensions: dimensions))
    case "hledger": io.out(JournalRenderer.hledger(entries, accounts: chart.accounts))
    case "beancount": io.out(JournalRenderer.beancount(entries, accounts: chart.accounts))
    default: io.out(JournalRenderer.text(entries, accounts: chart.accounts))
    }
  }

  /// `report journal` and `report trial-balance`: a plan's entries (the dry run as of the date), exported or
  /// summed per entity, period and currency.
  static func report(_ which: String, _ args: ParsedArguments, spec: CommandSpec, io: OutputSink) -> Int32 {
    if args.value("source") == "ledger" { return recordedReport(which, args, spec: spec, io: io) }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let output = Produce.run(
      plan: inputs.plan, data: inputs.data, asOf: inputs.asOf, since: inputs.since, journal: inputs.journal, holdForApproval: true)
    if !output.issues.isEmpty, let code = RunInputs.handleIssues(output.issues, args, io: io) { return code }
    if let code = RunInputs.handleFailures(output.failures, inputs.plan, io: io) { return code }
    guard let dataDir = args.value("data"), let (r, chart, rules) = entries(output, inputs: inputs, dataDir: dataDir, state: args.value("state"), io: io) else {
      return ExitStatus.failure
    }
    return render(which, r.entries, chart: chart, dimensions: rules.dimensionNames, args, spec: spec, io: io)
  }

  /// `report journal|trial-balance --source ledger`: the entries `apply` and people's decisions recorded in the
  /// state folder's ledger (read-only), dated up to `--as-of` when given; the chart of `--data` names the accounts.
  static func recordedReport(_ which: String, _ args: ParsedArguments, spec: CommandSpec, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else {
      return CLI.usageError(UsageError(message: "'--source ledger' reads the ledger of '--state <dir>', which is missing", command: spec), io: io)
    }
    guard let dataDir = args.value("data") else {
      return CLI.usageError(UsageError(message: "Missing value for '--data <dir>' (its chart of accounts names the accounts)", command: spec), io: io)
    }
    let (asOf, e) = RunInputs.date(args, "as-of", required: false, spec: spec, io: io)
    if let e { return e }
    var entries: [JournalEntry]
    do throws(JournalError) { entries = try LedgerStore.openForReading(stateDir: state).journalEntries() } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
    if let asOf { entries = entries.filter { $0.date <= asOf } }
    entries.sort { ($0.date, $0.event) < ($1.date, $1.event) }
    guard let chart = chart(dataDir, io: io) else { return ExitStatus.failure }
    var names = ["entity"]
    for e in entries { for l in e.lines { for d in l.dimensions where !names.contains(d.name) { names.append(d.name) } } }
    return render(which, entries, chart: chart, dimensions: names, args, spec: spec, io: io)
  }

  static func render(
    _ which: String, _ entries: [JournalEntry], chart: Chart, dimensions: [String], _ args: ParsedArguments, spec: CommandSpec, io: OutputSink
  ) -> Int32 {
    let format = args.value("format") ?? "text"
    if which == "journal" {
      write(entries, chart: chart, dimensions: dimensions, format: format, io: io)
      return ExitStatus.success
    }
    let rows = Posting.trialBalance(entries, chart: chart, period: args.value("period"))
    switch format {
    case "json": io.out(JournalRenderer.trialBalanceJSON(rows))
    case "text": io.out(JournalRenderer.trialBalance(rows))
    default:
      return CLI.usageError(UsageError(message: "'report trial-balance' is written as text or json, not \(format)", command: spec), io: io)
    }
    return ExitStatus.success
  }

  /// `check --data DIR`: the checked rule sets' literal accounts and dimension values against the folder's chart.
  static func checkAgainstChart(_ o: inout Check.Outcome, dataDir: String, strict: Bool, io: OutputSink) -> Bool {
    let posting = o.checked.contains { !$0.1.program.postings.isEmpty }
    guard posting else { return true }
    guard let chart = chart(dataDir, io: io) else { return false }
    for (_, result) in o.checked {
      var found = ChartCheck.check(result.program, chart: chart)
      if strict { for i in found.indices { found[i].severity = .error } }
      o.diagnostics += found
      o.summary.errors += found.filter { $0.severity == .error }.count
    }
    o.diagnostics.sort { ($0.span.file.index, $0.span.start) < ($1.span.file.index, $1.span.start) }
    return true
  }
}

/// Short for `GeneralLedgerCommands` where commands call it.
typealias GL = GeneralLedgerCommands
