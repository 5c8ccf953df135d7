import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue report aging`: receivables by age, credits, net balances, DSO, average days delinquent, CEI.
enum Report {
  static let roundingNames = RoundingMode.allCases.map(AgingOptions.name)

  static let spec = CommandSpec(
    name: "report",
    abstract:
      "Report on receivables: 'aging' (buckets per customer, credits, DSO, days delinquent, CEI); on the general ledger: 'journal' (a plan's entries, exported), 'trial-balance' and 'waterfall' (deferred revenue left to recognize, per month and plan).",
    arguments: [("report", "Which report: 'aging', 'journal', 'trial-balance' or 'waterfall'.")], minPositionals: 1, maxPositionals: 1,
    options: [
      OptionSpec(long: "data", short: nil, value: "dir", help: "The data folder (customers and invoices; payments with --state)."),
      OptionSpec(long: "as-of", short: nil, value: "date", help: "The date the report is as of, YYYY-MM-DD."),
      OptionSpec(
        long: "state", short: nil, value: "dir",
        help: "The state folder of 'accrue apply': the cash its runs dated up to the as-of date applied counts."),
      OptionSpec(long: "detail", short: nil, value: nil, help: "List each customer's open invoices, credit notes and payments on account."),
      OptionSpec(
        long: "rules", short: nil, value: "dir",
        help: "With --state: the rule set whose CSV statement formats and payment fields the data folder's payments are read with."),
      OptionSpec(
        long: "buckets", short: nil, value: "days",
        help: "Upper limits of the past-due buckets, ascending, at most 12: 30,60,90 gives current, 1-30, 31-60, 61-90, over 90.",
        defaultValue: "30,60,90"),
      OptionSpec(
        long: "rounding", short: nil, value: "mode", help: "How ratios are rounded (once, to one decimal).", choices: roundingNames,
        defaultValue: "half-even"),
      OptionSpec(
        long: "format", short: nil, value: "format",
        help: "Output format (csv: 'report journal' and 'waterfall'; hledger and beancount: 'report journal' only).", choices: ["text", "json", "csv", "hledger", "beancount"],
        defaultValue: "text"),
      OptionSpec(long: "since", short: nil, value: "date", help: "'journal', 'trial-balance': the run bills the billing dates after this date (default: one month before --as-of)."),
      OptionSpec(long: "period", short: nil, value: "YYYY-MM", help: "'trial-balance': only this period."),
      OptionSpec(
        long: "source", short: nil, value: "source",
        help: "'journal', 'trial-balance': plan (the entries a dry run as of --as-of would post) or ledger (the entries 'accrue apply' recorded in --state's ledger, dated up to --as-of when given).",
        choices: ["plan", "ledger"], defaultValue: "plan"),
    ],
    discussion: "Formulas are in the README (Aging report). Exits 0 on success, 1 on bad data or journal, 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    if ["journal", "trial-balance"].contains(args.positionals[0]) { return GeneralLedgerCommands.report(args.positionals[0], args, spec: spec, io: io) }
    if args.positionals[0] == "waterfall" { return RecognizeCommand.waterfall(args, spec: spec, io: io) }
    guard args.positionals[0] == "aging" else {
      return CLI.usageError(
        UsageError(message: "Unknown report '\(args.positionals[0])'; expected 'aging', 'journal', 'trial-balance' or 'waterfall'", command: spec), io: io)
    }
    if let f = args.value("format"), !["text", "json"].contains(f) {
      return CLI.usageError(UsageError(message: "'report aging' is written as text or json, not \(f)", command: spec), io: io)
    }
    guard let dir = args.value("data") else {
      return CLI.usageError(UsageError(message: "Missing value for '--data <dir>'", command: spec), io: io)
    }
    let (date, e) = RunInputs.date(args, "as-of", required: true, spec: spec, io: io)
    if let e { return e }
    guard let asOf = date else { return ExitStatus.usage }
    var options = AgingOptions(detail: args.flag("detail"))
    if let text = args.value("buckets") {
      switch AgingOptions.limits(text) {
      case .success(let l): options.limits = l
      case .failure(let f):
        return CLI.usageError(UsageError(message: "The value '\(text)' is invalid for '--buckets <days>': \(f.message)", command: spec), io: io)
      }
    }
    if let m = args.value("rounding").flatMap(AgingOptions.rounding(named:)) { options.rounding = m }
    var journal: Journal?
    if let state = args.value("state") {
      // A journal that does not exist yet is empty for apply; for a report, a folder that is not there is a mistake.
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: state, isDirectory: &isDirectory), isDirectory.boolValue else {
        io.err("Error: no state folder at \(state)\n")
        return ExitStatus.failure
      }
      do { journal = try LedgerStore.read(stateDir: state) } catch {
        io.err("Error: \(error.message)\n")
        return ExitStatus.failure
      }
    }
    var plan: ExecutablePlan?
    if let rules = args.value("rules") {
      guard let p = RulesStage.compile(rules, io: io) else { return ExitStatus.failure }
      plan = p
    }
    // The ledger's documents issued by runs dated on or before the report's date (a document issued later, say once
    // approved, was no receivable yet).
    let runDates = Dictionary((journal?.runs ?? []).map { ($0.number, $0.asOf) }, uniquingKeysWith: { a, _ in a })
    let issued = (journal?.receivables ?? []).filter { (runDates[$0.run] ?? asOf) <= asOf }
    var data = Dataset.loadReceivables(
      folder: dir, payments: journal != nil, ledger: issued,
      ledgerPath: (args.value("state") ?? "") + "/" + LedgerStore.fileName, plan: plan)
    if let journal { data.recordDisputes(journal, asOf: asOf) }
    if !data.issues.isEmpty {
      io.err(InvoiceRenderer.issues(data.issues))
      io.err("Error: \(data.issues.count) bad data row\(data.issues.count == 1 ? "" : "s"); no report was made\n")
      return ExitStatus.failure
    }
    let report = AgingReport.compute(
      customers: data.customers, invoices: data.invoices, asOf: asOf, options: options,
      journal: journal.map { AgingJournal(journal: $0, payments: data.payments) })
    if !report.tooLarge.isEmpty {
      let codes = report.tooLarge.map(\.code).joined(separator: ", ")
      io.err("Error: the receivables in \(codes) add up to more than Accrue can represent (\(Fixed.greatest)); no report was made\n")
      return ExitStatus.failure
    }
    if args.value("format") == "json" {
      io.out(AgingRenderer.json(report).serialized(pretty: true) + "\n")
    } else {
      io.out(AgingRenderer.text(report))
    }
    return ExitStatus.success
  }
}
