import AccrueCore
import AccrueEngine
import AccrueRender

/// `accrue plan --from DATE --to DATE`: day by day, what would go out (invoices billed that day, then the
/// reminders due), each day seeing what the days before produced, as if applied daily with no payments.
enum Forecast {
  static let maxDays = 366

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    let spec = PlanCommand.spec
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
    let days = ForecastRun.run(plan: inputs.plan, data: inputs.data, from: from, to: to, journal: inputs.journal)
    if !days.issues.isEmpty, let code = RunInputs.handleIssues(days.issues, args, io: io) { return code }
    if let code = RunInputs.handleFailures(days.failures, inputs.plan, io: io) { return code }
    ForecastRenderer.writeText(days.days, from: from, to: to) { io.out($0) }
    return ExitStatus.success
  }
}
