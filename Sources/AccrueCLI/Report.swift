import AccrueCore
import AccrueEngine
import AccrueImport
import AccrueRender

/// `accrue report aging`: receivables by age, DSO, average days delinquent, CEI.
enum Report {
  static let spec = CommandSpec(
    name: "report", abstract: "Report on receivables: 'aging' (buckets per customer, DSO, days delinquent, CEI).",
    arguments: [("report", "Which report: 'aging'.")], minPositionals: 1, maxPositionals: 1,
    options: [
      OptionSpec(long: "data", short: nil, value: "dir", help: "The data folder (customers and invoices)."),
      OptionSpec(long: "as-of", short: nil, value: "date", help: "The date the report is as of, YYYY-MM-DD."),
      OptionSpec(long: "format", short: nil, value: "format", help: "Output format.", choices: ["text", "json"], defaultValue: "text"),
    ],
    discussion: "Formulas are in the README (Aging report). Exits 0 on success, 1 on bad data, 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard args.positionals[0] == "aging" else {
      return CLI.usageError(UsageError(message: "Unknown report '\(args.positionals[0])'; expected 'aging'", command: spec), io: io)
    }
    guard let dir = args.value("data") else {
      return CLI.usageError(UsageError(message: "Missing value for '--data <dir>'", command: spec), io: io)
    }
    let (date, e) = RunInputs.date(args, "as-of", required: true, spec: spec, io: io)
    if let e { return e }
    guard let asOf = date else { return ExitStatus.usage }
    let (customers, invoices, issues) = Dataset.loadReceivables(folder: dir)
    if !issues.isEmpty {
      io.err(InvoiceRenderer.issues(issues))
      io.err("Error: \(issues.count) bad data row\(issues.count == 1 ? "" : "s"); no report was made\n")
      return ExitStatus.failure
    }
    let report = AgingReport.compute(customers: customers, invoices: invoices, asOf: asOf)
    if args.value("format") == "json" {
      io.out(AgingRenderer.json(report).serialized(pretty: true) + "\n")
    } else {
      io.out(AgingRenderer.text(report))
    }
    return ExitStatus.success
  }
}
