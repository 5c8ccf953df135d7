import AccrueBilling
import AccrueCash
import AccrueChecker
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueImport
import AccrueLedger
import AccrueModel
import AccrueParallel
import AccrueParser
import AccrueRender
import AccrueRun
import Foundation

/// Loads, checks and compiles one rule set for the commands that run rules. Diagnostics go to stderr.
enum RulesStage {
  static func compile(_ dir: String, io: OutputSink) -> ExecutablePlan? {
    let load = RuleSetLoader.load(paths: [dir])
    let (results, diags) = Frontend.check(load)
    let errors = diags.filter { $0.severity == .error }
    if !errors.isEmpty || results.count != 1 {
      io.err(DiagnosticRenderer.render(errors, sources: load.sources, format: .text, summary: DiagnosticSummary(errors: errors.count, warnings: 0, files: 0, lines: 0)))
      if results.count > 1 {
        io.err("Error: '\(dir)' holds \(results.count) rule sets; name one folder\n")
      } else {
        io.err("Error: the rules in '\(dir)' have \(errors.count) error\(errors.count == 1 ? "" : "s"); fix them first (accrue check \(dir))\n")
      }
      return nil
    }
    return PlanCompiler.compile(results[0].1.program, sources: load.sources)
  }
}

/// What `plan` and `apply` share: arguments, rules, data (with its issues handled), and the ledger's history.
struct RunInputs {
  var plan: ExecutablePlan
  var data: Dataset
  var asOf: CivilDate
  var since: CivilDate?
  var journal: Journal?
  var times: (rules: Duration, data: Duration)

  /// Rows read, as `KeepAlive` counts a run's size (its results are of the same order).
  var size: Int { data.customers.count + data.invoices.count + data.cash.payments.count }

  static let options: [OptionSpec] = [
    OptionSpec(long: "rules", short: nil, value: "dir", help: "The rule set folder."),
    OptionSpec(long: "data", short: nil, value: "dir", help: "The data folder (docs/data.md)."),
    OptionSpec(long: "as-of", short: nil, value: "date", help: "The run date, YYYY-MM-DD (there is no default: runs never read the clock)."),
    OptionSpec(long: "since", short: nil, value: "date", help: "Bill the billing dates after this date (default: one month before --as-of)."),
    OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger records what was already produced (its invoices count as open receivables)."),
    OptionSpec(long: "reject-file", short: nil, value: "file", help: "Write bad data rows here (with reasons) and process the rest, instead of stopping."),
    OptionSpec(long: "only", short: nil, value: "what", help: Stage.onlyHelp, choices: Stage.allCases.map(\.part.rawValue)),
    OptionSpec(long: "strict", short: nil, value: nil, help: "Treat data warnings (a bank statement that does not reconcile, a control total that disagrees) as bad data."),
  ]

  static func date(_ args: ParsedArguments, _ name: String, required: Bool, spec: CommandSpec, io: OutputSink) -> (CivilDate?, Int32?) {
    guard let text = args.value(name) else {
      if required {
        return (nil, CLI.usageError(UsageError(message: "Missing value for '--\(name) <date>'", command: spec), io: io))
      }
      return (nil, nil)
    }
    guard let d = CivilDate.parse(text) else {
      return (nil, CLI.usageError(UsageError(message: "The value '\(text)' is invalid for '--\(name) <date>': write YYYY-MM-DD", command: spec), io: io))
    }
    return (d, nil)
  }

  /// Reads arguments, rules, data and the ledger; on failure, the exit status (the message is written).
  static func load(_ args: ParsedArguments, spec: CommandSpec, io: OutputSink, asOfRequired: Bool = true) -> Result<RunInputs, ExitCode> {
    guard let rules = args.value("rules") else {
      return .failure(ExitCode(CLI.usageError(UsageError(message: "Missing value for '--rules <dir>'", command: spec), io: io)))
    }
    guard let dataDir = args.value("data") else {
      return .failure(ExitCode(CLI.usageError(UsageError(message: "Missing value for '--data <dir>'", command: spec), io: io)))
    }
    let (asOfDate, e1) = date(args, "as-of", required: asOfRequired, spec: spec, io: io)
    if let e1 { return .failure(ExitCode(e1)) }
    let (since, e2) = date(args, "since", required: false, spec: spec, io: io)
    if let e2 { return .failure(ExitCode(e2)) }
    var journal: Journal?
    if let state = args.value("state") {
      do { journal = try LedgerStore.read(stateDir: state) } catch {
        io.err("Error: \(error.message)\n")
        return .failure(ExitCode(ExitStatus.failure))
      }
    }
    let clock = ContinuousClock()
    let t0 = clock.now
    guard let plan = RulesStage.compile(rules, io: io) else { return .failure(ExitCode(ExitStatus.failure)) }
    let t1 = clock.now
    PhaseLog.start()
    var (data, issues) = Dataset.load(folder: dataDir, plan: plan)
    let t2 = clock.now
    if args.flag("strict") {
      issues += data.cash.warnings
    } else if !data.cash.warnings.isEmpty {
      io.err(data.cash.warnings.map { "warning: \($0)\n" }.joined())
    }
    data.cash.warnings = []
    if !issues.isEmpty, let code = handleIssues(issues, args, io: io) { return .failure(ExitCode(code)) }
    return .success(
      RunInputs(plan: plan, data: data, asOf: asOfDate ?? CivilDate(dayNumber: 0), since: since, journal: journal, times: (t1 - t0, t2 - t1)))
  }

  /// Bad data stops the run (nil: go on, the rows were set aside in the reject file).
  static func handleIssues(_ issues: [DataIssue], _ args: ParsedArguments, io: OutputSink) -> Int32? {
    guard let reject = args.value("reject-file") else {
      io.err(InvoiceRenderer.issues(issues))
      io.err("Error: \(issues.count) bad data row\(issues.count == 1 ? "" : "s"); nothing was produced. Fix the data, or pass --reject-file FILE to set them aside and go on.\n")
      return ExitStatus.failure
    }
    var csv = "file,line,column,code,reason,record\r\n"
    for i in issues {
      csv += [i.file, String(i.line), String(i.column), i.code, i.message, i.record].map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
    }
    do {
      try Data(csv.utf8).write(to: URL(fileURLWithPath: reject), options: .atomic)
    } catch {
      io.err("Error: cannot write '\(reject)': \(error.localizedDescription)\n")
      return ExitStatus.failure
    }
    io.err("\(issues.count) bad data row\(issues.count == 1 ? "" : "s") written to \(reject); the rest was processed\n")
    return nil
  }

  /// A rule that could not be evaluated on the data stops the run (nil: there were none).
  static func handleFailures(_ failures: [RunFailure], _ plan: ExecutablePlan, io: OutputSink) -> Int32? {
    if failures.isEmpty { return nil }
    io.err(FailureRenderer.text(failures, sources: plan.sources))
    return ExitStatus.failure
  }

  /// Progress only on a terminal (`ProgressLine`): scripts and CI see nothing extra.
  static func progress(_ io: OutputSink) -> ProgressLine? { io.stderrIsTerminal ? ProgressLine(io) : nil }
}

/// An exit status carried through `Result`.
struct ExitCode: Error {
  var code: Int32
  init(_ code: Int32) { self.code = code }
}

/// `accrue plan`: the dry run. What would be issued as of a date, and why.
enum PlanCommand {
  static let spec = CommandSpec(
    name: "plan", abstract: "Show the invoices, cash applications and reminders that would be produced as of a date (a dry run).",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: RunInputs.options + [
      OptionSpec(long: "format", short: nil, value: "format", help: "Output format.", choices: ["text", "json", "csv"], defaultValue: "text"),
      OptionSpec(
        long: "table", short: nil, value: "table",
        help: "CSV: write only this table, as apply writes it to TABLE.csv (implies --format csv). Without it, --format csv writes every table of the run, a blank line between two (docs/data.md); journal_entries: the entries the run would post (as --journal).",
        choices: RunFiles.csvTableNames + ["journal_entries"]),
      OptionSpec(long: "explain", short: nil, value: "key", help: "Show how each line of one invoice was computed (rule, usage rows, tiers, rounding), why one reminder fired, or how one payment was matched (payment:ID)."),
      OptionSpec(long: "why-not", short: nil, value: "invoice", help: "Say why no reminder fired for this invoice id (paused, below threshold, already sent, not yet due...)."),
      OptionSpec(long: "from", short: nil, value: "date", help: "Forecast: with --to, the invoices and reminders day by day (instead of --as-of)."),
      OptionSpec(long: "to", short: nil, value: "date", help: "Forecast: the last day."),
      OptionSpec(long: "coverage", short: nil, value: nil, help: "Also list the rules, tiers and steps that never fired on this data."),
      OptionSpec(
        long: "journal", short: nil, value: nil,
        help: "Show the journal entries the run would post to the general ledger instead (text, JSON, or the CSV table journal_entries; grammar.md §12)."),
      OptionSpec(long: "stats", short: nil, value: nil, help: "Print the time each phase took to standard error."),
    ],
    discussion: """
      Exits 0 when the run succeeds, 1 on errors in the rules or the data (nothing is written) or when --explain or
      --why-not names nothing of the run (the closest key is suggested), 64 on a usage error.
      """)

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    if args.value("from") != nil || args.value("to") != nil { return Forecast.run(args, io: io) }
    let only = args.value("only").flatMap(RunOutput.Part.init)
    if args.value("why-not") != nil, let only, only != .reminders {
      return CLI.usageError(
        UsageError(message: "'--why-not' says why no reminder fired, and '--only \(only.rawValue)' leaves out reminders: drop --only", command: spec), io: io)
    }
    if let code = tableConflict(args, only: only, io: io) { return code }
    var inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let clock = ContinuousClock()
    let t2 = clock.now
    // The run works on the data itself (`Produce.run(working:)`: no copy of a million invoices when it counts its
    // cash into them); what reads the data as loaded afterwards (--explain, --why-not, --journal) gets it back.
    let (payments, invoices, fast, size) = (inputs.data.cash.payments.count, inputs.data.invoices.count, inputs.data.invoicesReadFast, inputs.size)
    let loaded = args.value("explain") != nil || args.value("why-not") != nil || args.flag("journal") || args.value("table") == "journal_entries" ? inputs.data : nil
    // A plan dated before the ledger's last run sees the books as they stood on its date.
    let journal = inputs.journal?.asOf(inputs.asOf)
    if let all = inputs.journal, let kept = journal, kept.runs.count < all.runs.count {
      io.err("note: the ledger's \(all.runs.count - kept.runs.count) run(s) after \(inputs.asOf) are left out: this plan shows the books as they stood on \(inputs.asOf)\n")
    }
    let progress = RunInputs.progress(io)
    let (plan, asOf, since) = (inputs.plan, inputs.asOf, inputs.since)
    let output = Produce.run(
      plan: plan, working: &inputs.data, asOf: asOf, since: since, journal: journal,
      explain: args.value("explain"), whyNot: args.value("why-not"), progress: progress?.report,
      only: only,
      explanations: args.value("explain") != nil || args.value("format") == "json", holdForApproval: args.value("explain") == nil)
    if let loaded { inputs.data = loaded }
    let (result, collections, cash, runIssues) = (output.billing, output.collections, output.cash, output.issues)
    progress?.finish()
    let t3 = clock.now
    if !runIssues.isEmpty, let code = RunInputs.handleIssues(runIssues, args, io: io) { return code }
    if let code = RunInputs.handleFailures(output.failures, inputs.plan, io: io) ?? GL.planJournal(output, inputs, args, io) { return code }
    if let id = args.value("why-not") {
      if inputs.plan.cadences.isEmpty {
        io.err("Error: the rules in \(args.value("rules") ?? "") have no cadence, so no reminder can fire for '\(id)'\n")
        return ExitStatus.failure
      }
      if let message = PlanLookup.whyNotMissing(id, output: output, inputs: inputs) {
        io.err("Error: \(message)\n")
        return ExitStatus.failure
      }
      io.out(ReminderRenderer.whyNot(id, collections?.whyNot ?? []))
      return ExitStatus.success
    }
    if let key = args.value("explain"),
      let message = PlanLookup.explainMissing(key, output: output, inputs: inputs, only: only, state: args.value("state"))
    {
      io.err("Error: \(message)\n")
      return ExitStatus.failure
    }
    switch format(args) {
    case "json": InvoiceRenderer.writeJSON(result, collections: collections, cash: cash, payouts: output.payouts, held: output.held, heldRequests: output.heldRequests, io.out,
        bytes: { io.out(bytes: $0) })
    case "csv": RunFiles.writeCSV(output, table: args.value("table")) { io.out($0) }
    default:
      InvoiceRenderer.writeText(
        result, explain: args.value("explain"), collections: collections, cash: cash, billing: only == nil || only == .invoices
      ) { io.out($0) }
      if args.value("explain") == nil { textTail(output, asOf: inputs.asOf, io: io) }
    }
    if args.flag("coverage") {
      let cov = Coverage.compute(plan: inputs.plan, billing: result, collections: collections, cash: cash)
      io.out(CoverageRenderer.text(cov))
    }
    if args.flag("stats") {
      let t4 = clock.now
      let (tr, td) = inputs.times
      // The stages' names, then the steps of loading the data and of each stage.
      let timings = PhaseLog.take()
      func list(_ ts: [PhaseLog.Timing]) -> String { ts.map { "\($0.label) \($0.milliseconds) ms" }.joined(separator: ", ") }
      let stages = timings.filter { t in Stage.allCases.contains { $0.rawValue == t.label } }
      let loading = timings.filter { !stages.contains($0) }
      io.err("stats: rules \(Check.ms(Check.seconds(tr))) ms, data \(Check.ms(Check.seconds(td))) ms, \(stages.isEmpty ? "no stage" : list(stages)), output \(Check.ms(Check.seconds(t4 - t3))) ms\n")
      if !loading.isEmpty { io.err("stats: data: \(list(loading))\n") }
      for s in stages where !s.steps.isEmpty { io.err("stats: \(s.label): \(list(s.steps))\n") }
      let (rows, usageFast) = result.usageRows
      if rows > 0 {
        let total = Check.seconds(t4 - t2 + tr + td)
        let rate = total > 0 ? Int(Double(rows) / total) : 0  // not money
        io.err("stats: \(rows) usage events (\(usageFast) by the fast path), \(rate) events/s over the whole run\n")
      }
      if let m = cash {
        io.err("stats: \(payments) payments, \(m.applications.count) matched or held, \(m.fullyAutomatic) applied in full automatically\n")
      }
      if let c = collections {
        io.err("stats: \(invoices) invoices (\(fast) by the fast path), \(c.openInvoices) open, \(c.reminders.count) reminders\n")
      }
    }
    KeepAlive.keepIfLarge((inputs, result, collections, cash), lines: size + result.invoices.count * 10)
    return ExitStatus.success
  }
}

extension PlanCommand {
  /// After the run's documents, reminders and matches: the payouts tied out, and the documents held for approval.
  static func textTail(_ output: RunOutput, asOf: CivilDate, io: OutputSink) {
    if let p = output.payouts { io.out(PayoutRenderer.text(p)) }
    io.out(ApprovalRenderer.held(output.held, asOf: asOf, approvedIssued: output.approvedIssued))
    io.out(ApprovalRenderer.heldRequests(output.heldRequests, asOf: asOf))
  }

  /// The output format: `--format`, else csv with `--table`, else text.
  static func format(_ args: ParsedArguments) -> String { args.value("format") ?? (args.value("table") != nil ? "csv" : "text") }

  /// `--table` with another format than csv, or with an `--only` that leaves its table out: a usage error.
  static func tableConflict(_ args: ParsedArguments, only: RunOutput.Part?, io: OutputSink) -> Int32? {
    guard let table = args.value("table") else { return nil }
    if let f = args.value("format"), f != "csv" {
      return CLI.usageError(UsageError(message: "'--table' picks one CSV table and cannot be combined with '--format \(f)'", command: spec), io: io)
    }
    if table == "journal_entries", let only {
      return CLI.usageError(UsageError(message: "'--table journal_entries' posts the whole run and cannot be combined with '--only \(only.rawValue)'", command: spec), io: io)
    }
    if let only, RunFiles.part(ofTable: table) != only {
      return CLI.usageError(
        UsageError(message: "'--table \(table)' cannot be combined with '--only \(only.rawValue)', which leaves that table out", command: spec), io: io)
    }
    return nil
  }
}

/// `accrue apply`: produce, write and record, exactly once.
enum ApplyCommand {
  static let spec = CommandSpec(
    name: "apply", abstract: "Produce the invoices, cash applications and reminders due as of a date, write them and record them in the ledger.",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: RunInputs.options.filter { $0.long != "state" } + [
      OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder; its ledger (ledger.sqlite) records everything produced (required)."),
      OptionSpec(long: "out", short: nil, value: "dir", help: "Where each run's folder of JSON and CSV files goes (required)."),
      OptionSpec(long: "stats", short: nil, value: nil, help: "Print when each step ended (the run, each file, the ledger's rows, the commit) to standard error."),
    ],
    discussion: """
      Each run that produces something gets a folder OUT/run-NNNN-DATE (invoices, reminders, actions, cash
      applications and the exceptions queue as JSON and CSV) and is recorded in the ledger STATE/ledger.sqlite; items already
      recorded are never produced again, so applying twice for one date produces nothing the second time. A crash
      leaves the run recorded whole or not at all.
      Exits 0 on success (also when there is nothing new), 1 on errors, 64 on a usage error.
      """)

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else {
      return CLI.usageError(UsageError(message: "Missing value for '--state <dir>'", command: spec), io: io)
    }
    guard let out = args.value("out") else {
      return CLI.usageError(UsageError(message: "Missing value for '--out <dir>'", command: spec), io: io)
    }
    // One apply at a time per state folder, from reading the ledger to the commit.
    let lock: StateLock
    do throws(JournalError) { lock = try StateLock.acquire(stateDir: state) } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
    defer { withExtendedLifetime(lock) {} }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let journal = inputs.journal ?? Journal()
    // The books never go back in time: a run dated before the ledger's last run (an apply or a decision) would be
    // replayed before what it did not see.
    if let last = journal.runs.last(where: { $0.asOf > inputs.asOf }) {
      io.err("Error: the ledger's run \(last.number) (\(last.decision == nil ? "an apply" : "a decision")) is dated \(last.asOf); an apply cannot be dated before it (--as-of \(last.asOf) or later); nothing was recorded\n")
      return ExitStatus.failure
    }
    let clock = args.flag("stats") ? StepClock() : nil
    let progress = RunInputs.progress(io)
    let output = Produce.run(
      plan: inputs.plan, data: inputs.data, asOf: inputs.asOf, since: inputs.since, journal: journal, progress: progress?.report,
      only: args.value("only").flatMap(RunOutput.Part.init), finalNumbers: true, holdForApproval: true)
    progress?.finish()
    clock?.mark("run")
    let (billing, collections, runIssues) = (output.billing, output.collections, output.issues)
    if !runIssues.isEmpty, let code = RunInputs.handleIssues(runIssues, args, io: io) { return code }
    if let code = RunInputs.handleFailures(output.failures, inputs.plan, io: io) { return code }
    var record = Produce.record(output, data: inputs.data, recordedAt: Date().formatted(.iso8601))
    guard let entries = GL.applyEntries(output, inputs: inputs, record: record, journal: journal, dataDir: args.value("data") ?? "", state: state, io: io)
    else { return ExitStatus.failure }
    record.journalEntries = entries
    clock?.mark("ledger record")
    let items = record.items
    let folder: String?
    do throws(JournalError) {
      folder = try Apply.commit(
        stateDir: state, outDir: out, journal: journal, record: record,
        files: Apply.Files(names: RunFiles.fileNames(output)) { RunFiles.write($0, output, $1) }, fault: FaultInjection.hook(), clock: clock)
      clock?.mark("closed")
    } catch {
      io.err("Error: \(error.message); nothing was recorded\n")
      return ExitStatus.failure
    }
    let reminders = collections.map { ReminderRenderer.summary($0) } ?? "no reminders"
    let cash = output.cash.map { "; " + CashRenderer.summary($0) } ?? ""
    if let folder {
      io.out("Applied as of \(inputs.asOf): \(InvoiceRenderer.summary(billing).dropFirst(6)); \(reminders)\(cash)\n")
      io.out("  written to \(out)/\(folder), recorded in \(state)/\(LedgerStore.fileName)\n")
    } else {
      io.out("Nothing new as of \(inputs.asOf): everything due is already recorded in \(state)/\(LedgerStore.fileName)\n")
    }
    io.out(ApprovalRenderer.held(output.held, asOf: inputs.asOf, approvedIssued: output.approvedIssued))
    io.out(ApprovalRenderer.heldRequests(output.heldRequests, asOf: inputs.asOf))
    if folder != nil, !output.approvalNotices.isEmpty {
      let lines = output.approvalNotices.map { n in
        "  \(n.kind == .nextStep ? "asked" : "escalated"): \(n.request.document) step \(n.step) to \(n.role) (\(n.route.rule)), in the outbox\n"
      }
      io.out("Approvals due since the last apply:\n" + lines.joined())
    }
    if journal.ignoredBytes > 0 {
      io.err("note: \(journal.ignoredBytes) bytes at the end of the journal belonged to a run that never completed; they were dropped\n")
    }
    if let clock {
      let (tr, td) = inputs.times
      let steps = clock.marks.map { "\($0.label) \($0.ms)" }.joined(separator: ", ")
      io.err("stats: rules \(Check.ms(Check.seconds(tr))) ms, data \(Check.ms(Check.seconds(td))) ms; then, ms from there: \(steps)\n")
    }
    KeepAlive.keepIfLarge((inputs, output, items), lines: inputs.size + billing.invoices.count * 10)
    return ExitStatus.success
  }
}

/// Crash tests: `ACCRUE_FAULT_AT=N` stops the process with SIGKILL at the N-th point where `apply` may crash.
enum FaultInjection {
  static func hook() -> ((String) -> Void)? {
    guard let text = ProcessInfo.processInfo.environment["ACCRUE_FAULT_AT"], let n = Int(text), n > 0 else { return nil }
    let counter = FaultCounter()
    return { _ in
      counter.count += 1
      if counter.count == n { kill(getpid(), SIGKILL) }
    }
  }
}

/// Counts fault points (single-threaded use).
final class FaultCounter: @unchecked Sendable {
  var count = 0
}

/// `accrue compile`: the executable plan, for inspection.
enum CompileCommand {
  static let spec = CommandSpec(
    name: "compile", abstract: "Compile a rule set and print its executable plan as JSON.",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: [
      OptionSpec(long: "rules", short: nil, value: "dir", help: "The rule set folder."),
      OptionSpec(long: "emit", short: nil, value: "what", help: "What to print.", choices: ["plan"], defaultValue: "plan"),
    ])

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let rules = args.value("rules") else {
      return CLI.usageError(UsageError(message: "Missing value for '--rules <dir>'", command: spec), io: io)
    }
    guard let plan = RulesStage.compile(rules, io: io) else { return ExitStatus.failure }
    io.out(PlanJSON.render(plan).serialized(pretty: true) + "\n")
    return ExitStatus.success
  }
}
