import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueDiagnostics
import AccrueEngine
import AccrueImport
import AccrueParser
import AccrueRender
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

/// `accrue plan`: the dry run. What would be issued as of a date, and why.
enum PlanCommand {
  static let spec = CommandSpec(
    name: "plan", abstract: "Show the invoices that would be issued as of a date (a dry run).",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: [
      OptionSpec(long: "rules", short: nil, value: "dir", help: "The rule set folder."),
      OptionSpec(long: "data", short: nil, value: "dir", help: "The data folder (docs/data.md)."),
      OptionSpec(long: "as-of", short: nil, value: "date", help: "The run date, YYYY-MM-DD (there is no default: runs never read the clock)."),
      OptionSpec(long: "since", short: nil, value: "date", help: "Bill the billing dates after this date (default: one month before --as-of)."),
      OptionSpec(long: "format", short: nil, value: "format", help: "Output format.", choices: ["text", "json", "csv"], defaultValue: "text"),
      OptionSpec(long: "explain", short: nil, value: "key", help: "Show how each line of one invoice was computed (rule, usage rows, tiers, rounding), or why one reminder fired."),
      OptionSpec(long: "why-not", short: nil, value: "invoice", help: "Say why no reminder fired for this invoice id (paused, below threshold, already sent, not yet due...)."),
      OptionSpec(long: "reject-file", short: nil, value: "file", help: "Write bad data rows here (with reasons) and process the rest, instead of stopping."),
      OptionSpec(long: "stats", short: nil, value: nil, help: "Print the time each phase took to standard error."),
    ],
    discussion: "Exits 0 when the run succeeds, 1 on errors in the rules or the data (nothing is written), 64 on a usage error.")

  static func date(_ args: ParsedArguments, _ name: String, required: Bool, io: OutputSink) -> (CivilDate?, Int32?) {
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

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let rules = args.value("rules") else {
      return CLI.usageError(UsageError(message: "Missing value for '--rules <dir>'", command: spec), io: io)
    }
    guard let dataDir = args.value("data") else {
      return CLI.usageError(UsageError(message: "Missing value for '--data <dir>'", command: spec), io: io)
    }
    let (asOfDate, e1) = date(args, "as-of", required: true, io: io)
    if let e1 { return e1 }
    let (since, e2) = date(args, "since", required: false, io: io)
    if let e2 { return e2 }
    guard let asOf = asOfDate else { return ExitStatus.usage }
    let clock = ContinuousClock()
    let t0 = clock.now
    guard let plan = RulesStage.compile(rules, io: io) else { return ExitStatus.failure }
    let t1 = clock.now
    let (data, loadIssues) = Dataset.load(folder: dataDir, plan: plan)
    let t2 = clock.now
    // Progress only on a terminal: scripts and CI see nothing extra.
    let progress: Billing.Progress? =
      io.stderrIsTerminal
      ? { phase, done, total in io.err("\r\(phase): \(done)\(total > 0 ? " of \(total)" : "")\u{1B}[K") } : nil
    let (result, runIssues) = Billing.run(
      plan: plan, data: data, asOf: asOf, since: since, progress: progress, explain: args.value("explain"))
    if io.stderrIsTerminal { io.err("\r\u{1B}[K") }
    let collections: CollectionsResult? =
      plan.cadences.isEmpty ? nil : Collections.run(plan: plan, data: data, asOf: asOf, whyNot: args.value("why-not"))
    let t3 = clock.now
    let issues = loadIssues + runIssues
    if !issues.isEmpty {
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
    }
    if let id = args.value("why-not") {
      io.out(ReminderRenderer.whyNot(id, collections?.whyNot ?? []))
      return ExitStatus.success
    }
    switch args.value("format") ?? "text" {
    case "json": InvoiceRenderer.writeJSON(result, collections: collections) { io.out($0) }
    case "csv": io.out(InvoiceRenderer.csv(result))
    default: InvoiceRenderer.writeText(result, explain: args.value("explain"), collections: collections) { io.out($0) }
    }
    if args.flag("stats") {
      let t4 = clock.now
      io.err("stats: rules \(Check.ms(Check.seconds(t1 - t0))) ms, data \(Check.ms(Check.seconds(t2 - t1))) ms, billing \(Check.ms(Check.seconds(t3 - t2))) ms, output \(Check.ms(Check.seconds(t4 - t3))) ms\n")
      let (rows, fast) = result.usageRows
      if rows > 0 {
        let total = Check.seconds(t4 - t0)
        let rate = total > 0 ? Int(Double(rows) / total) : 0  // not money
        io.err("stats: \(rows) usage events (\(fast) by the fast path), \(rate) events/s over the whole run\n")
      }
    }
    KeepAlive.keepIfLarge((plan, data, result), lines: result.invoices.count * 10)
    return ExitStatus.success
  }
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
