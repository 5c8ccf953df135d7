import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun

/// `accrue plan --from DATE --to DATE`: day by day, what would go out (invoices billed that day, then the
/// reminders due), each day seeing what the days before produced, as if applied daily with no payments.
enum Forecast {
  static let maxDays = 366

  /// Options of `plan` a forecast does not take: each one given is a usage error, never ignored.
  static let notForecast: [(option: String, why: String)] = [
    ("as-of", "--as-of plans one date, --from and --to forecast every day of a range: give one or the other"),
    ("since", "each day of a forecast bills the billing dates of that day"),
    ("explain", "--explain works on the run of one date (--as-of)"),
    ("why-not", "--why-not works on the run of one date (--as-of)"),
    ("only", "a forecast shows invoices and reminders, and applies no payments"),
    ("coverage", "--coverage works on the run of one date (--as-of)"),
  ]

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    let spec = PlanCommand.spec
    let range = ["from", "to"].filter { args.value($0) != nil }.map { "'--\($0)'" }.joined(separator: " and ")
    for (o, why) in notForecast where args.value(o) != nil || args.flag(o) {
      return CLI.usageError(UsageError(message: "'--\(o)' cannot be combined with \(range) (a forecast): \(why)", command: spec), io: io)
    }
    if args.value("from") == nil || args.value("to") == nil {
      let (given, missing) = args.value("from") == nil ? ("to", "from") : ("from", "to")
      return CLI.usageError(
        UsageError(message: "'--\(given)' needs '--\(missing)': a forecast runs from --from to --to, day by day (for one date, give --as-of alone)", command: spec),
        io: io)
    }
    if let code = PlanCommand.tableConflict(args, only: nil, io: io) { return code }
    if let t = args.value("table"), !ForecastRenderer.csvTableNames.contains(t) {
      return CLI.usageError(
        UsageError(message: "'--table \(t)': a forecast applies no payments; its tables are \(ForecastRenderer.csvTableNames.joined(separator: ", "))", command: spec),
        io: io)
    }
    let (fromDate, e1) = RunInputs.date(args, "from", required: true, spec: spec, io: io)
    if let e1 { return e1 }
    let (toDate, e2) = RunInputs.date(args, "to", required: true, spec: spec, io: io)
    if let e2 { return e2 }
    guard let from = fromDate, let to = toDate else { return ExitStatus.usage }
    guard from <= to else {
      return CLI.usageError(UsageError(message: "--from \(from) is after --to \(to)", command: spec), io: io)
    }
    guard to.dayNumber - from.dayNumber < maxDays else {
      return CLI.usageError(UsageError(message: "a forecast covers at most \(maxDays) days", command: spec), io: io)
    }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io, asOfRequired: false) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let clock = ContinuousClock()
    let t0 = clock.now
    var days = ForecastRun.run(plan: inputs.plan, data: inputs.data, from: from, to: to, journal: inputs.journal)
    // Each day's invoices and reminders in an order that does not depend on the data's row order.
    for k in days.days.indices {
      OutputOrder.sortInvoices(&days.days[k].invoices)
      OutputOrder.sortReminders(&days.days[k].reminders)
    }
    let t1 = clock.now
    if !days.issues.isEmpty, let code = RunInputs.handleIssues(days.issues, args, io: io) { return code }
    if let code = RunInputs.handleFailures(days.failures, inputs.plan, io: io) { return code }
    switch PlanCommand.format(args) {
    case "json": ForecastRenderer.writeJSON(days.days, from: from, to: to) { io.out($0) }
    case "csv": io.out(args.value("table").map { ForecastRenderer.csvTable($0, days.days) } ?? ForecastRenderer.csv(days.days))
    default: ForecastRenderer.writeText(days.days, from: from, to: to) { io.out($0) }
    }
    if args.flag("stats") {
      let (tr, td) = inputs.times
      let ms = { (d: Duration) in Check.ms(Check.seconds(d)) }
      io.err("stats: rules \(ms(tr)) ms, data \(ms(td)) ms, forecast of \(days.days.count) days \(ms(t1 - t0)) ms, output \(ms(clock.now - t1)) ms\n")
    }
    return ExitStatus.success
  }
}
