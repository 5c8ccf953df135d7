import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccruePosting
import AccrueRender
import AccrueRun
import Foundation

/// Revenue recognition from the command line (grammar.md §13): `accrue recognize --through DATE` (also part of
/// `apply`), and the deferred revenue waterfall, `accrue report waterfall`.
enum RecognizeCommand {
  static let spec = CommandSpec(
    name: "recognize", abstract: "Move deferred revenue to revenue through a date, once per period, and record the entries in the ledger.",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: [
      OptionSpec(long: "rules", short: nil, value: "dir", help: "The rule set folder (its posting blocks say how each charge is recognized)."),
      OptionSpec(long: "data", short: nil, value: "dir", help: "The data folder: its chart of accounts, contracts (their end dates) and revenue_milestones.csv."),
      OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger holds the deferred revenue; the entries are recorded there (required)."),
      OptionSpec(long: "through", short: nil, value: "date", help: "Recognize every period that ended by this date, YYYY-MM-DD (required)."),
    ],
    discussion: """
      Each invoice line whose charge the rules recognize over time (ratably daily or monthly, or on milestones) was
      credited to deferred revenue when invoiced; this records, for each period of its schedule that ended by
      --through and was not recognized yet, an entry from deferred revenue to revenue (event
      recognition:DOCUMENT#LINE/PERIOD, dated the period's last day). Running it again records nothing new.
      'accrue apply' recognizes through its as-of date too. Exits 0 on success (also with nothing to recognize), 1
      on errors, 64 on a usage error.
      """)

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else {
      return CLI.usageError(UsageError(message: "Missing value for '--state <dir>'", command: spec), io: io)
    }
    guard args.value("through") != nil else {
      return CLI.usageError(UsageError(message: "Missing value for '--through <date>'", command: spec), io: io)
    }
    let lock: StateLock
    do throws(JournalError) { lock = try StateLock.acquire(stateDir: state) } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
    defer { withExtendedLifetime(lock) {} }
    var a = args
    a.values["as-of"] = args.values["through"]
    let inputs: RunInputs
    switch RunInputs.load(a, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let journal = inputs.journal ?? Journal()
    if let last = journal.runs.last, inputs.asOf < last.asOf {
      io.err("Error: the ledger's last run is dated \(last.asOf); recognition cannot be dated before it (--through \(last.asOf) or later); nothing was recorded\n")
      return ExitStatus.failure
    }
    guard let dataDir = args.value("data"), let chart = GL.chart(dataDir, io: io) else { return ExitStatus.failure }
    guard let entries = recognition(
      journal: journal, runEntries: [], invoices: [], inputs: inputs, chart: chart, dataDir: dataDir, state: state, io: io) else {
      return ExitStatus.failure
    }
    if entries.isEmpty {
      io.out("Nothing to recognize through \(inputs.asOf): every period that ended by then is recorded in \(state)/\(LedgerStore.fileName)\n")
      return ExitStatus.success
    }
    let run = (journal.runs.last?.number ?? 0) + 1
    let number = String(run)
    var record = LedgerRecord(
      run: run, asOf: inputs.asOf, folder: "recognition-" + String(repeating: "0", count: max(0, 4 - number.count)) + number + "-\(inputs.asOf)",
      items: [], recordedAt: Date().formatted(.iso8601))
    record.journalEntries = entries
    do throws(JournalError) { try LedgerStore.open(stateDir: state).record(record, expectedLast: run - 1) } catch {
      io.err("Error: \(error.message); nothing was recorded\n")
      return ExitStatus.failure
    }
    let sums = JournalRenderer.totals(entries).sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
    io.out("Recognized through \(inputs.asOf): \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), \(sums.joined(separator: ", ")); recorded as run \(run) in \(state)/\(LedgerStore.fileName)\n")
    return ExitStatus.success
  }

  /// The recognition entries due through the inputs' date over the ledger's obligations and `invoices`' (a run's
  /// own), given the ledger's entries and `runEntries`; nil (the error written) when one cannot be posted.
  static func recognition(
    journal: Journal, runEntries: [JournalEntry], invoices: [PlannedInvoice], inputs: RunInputs, chart: Chart, dataDir: String, state: String?,
    io: OutputSink
  ) -> [JournalEntry]? {
    var obligations: [RevenueObligation] = []
    do throws(JournalError) { if let state { obligations = try LedgerStore.revenueObligations(stateDir: state) } } catch {
      io.err("Error: \(error.message)\n")
      return nil
    }
    obligations += invoices.flatMap(RevenueObligation.of)
    let (milestones, issues) = Milestones.load(folder: dataDir)
    if !issues.isEmpty {
      io.err(InvoiceRenderer.issues(issues))
      io.err("Error: \(issues.count) bad row\(issues.count == 1 ? "" : "s") in \(Milestones.fileName); nothing was recognized\n")
      return nil
    }
    let r = Posting.recognize(
      obligations, entries: journal.runs.flatMap(\.journalEntries) + runEntries, through: inputs.asOf, milestones: milestones, plan: inputs.plan,
      data: inputs.data, chart: chart)
    if !r.failures.isEmpty {
      io.err(FailureRenderer.text(r.failures, sources: inputs.plan.sources))
      io.err("Error: \(r.failures.count) posting rule\(r.failures.count == 1 ? "" : "s") could not recognize revenue; nothing was recorded\n")
      return nil
    }
    return r.entries
  }

  /// `report waterfall`: the deferred revenue the ledger holds as of --as-of, projected month by month per plan.
  static func waterfall(_ args: ParsedArguments, spec: CommandSpec, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else {
      return CLI.usageError(UsageError(message: "'report waterfall' reads the ledger of '--state <dir>', which is missing", command: spec), io: io)
    }
    let format = args.value("format") ?? "text"
    guard ["text", "json", "csv"].contains(format) else {
      return CLI.usageError(UsageError(message: "'report waterfall' is written as text, json or csv, not \(format)", command: spec), io: io)
    }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    guard let dataDir = args.value("data"), let chart = GL.chart(dataDir, io: io) else { return ExitStatus.failure }
    let obligations: [RevenueObligation]
    do throws(JournalError) { obligations = try LedgerStore.revenueObligations(stateDir: state) } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
    let (milestones, issues) = Milestones.load(folder: dataDir)
    if !issues.isEmpty {
      io.err(InvoiceRenderer.issues(issues))
      return ExitStatus.failure
    }
    let w = Posting.waterfall(
      obligations, entries: (inputs.journal ?? Journal()).runs.flatMap(\.journalEntries), asOf: inputs.asOf, milestones: milestones,
      plan: inputs.plan, data: inputs.data, chart: chart)
    if !w.failures.isEmpty {
      io.err(FailureRenderer.text(w.failures, sources: inputs.plan.sources))
      return ExitStatus.failure
    }
    switch format {
    case "json": io.out(WaterfallRenderer.json(w.rows, asOf: inputs.asOf))
    case "csv": io.out(WaterfallRenderer.csv(w.rows))
    default: io.out(WaterfallRenderer.text(w.rows, asOf: inputs.asOf))
    }
    return ExitStatus.success
  }
}
