import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue dispute`, `accrue promise`, `accrue payment-plan`: what a collector agrees with a customer, recorded in
/// the ledger as a decision of its own (docs/decisions.md) and replayed by every later run beside the data's files.
enum HoldCommands {
  static let common: [OptionSpec] = RunInputs.options.filter { ["rules", "data", "as-of", "strict"].contains($0.long) } + [
    OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger records the decision (required)."),
    OptionSpec(long: "by", short: nil, value: "name", help: "Who decides (required): recorded with the decision."),
    OptionSpec(long: "note", short: nil, value: "text", help: "Why, in your words: recorded with the decision."),
  ]
  static let exits = "Exits 0 when recorded, 1 when refused (nothing is recorded), 64 on a usage error."

  static let dispute = CommandSpec(
    name: "dispute", abstract: "Record a customer's dispute of an invoice (or part of it), or close it.",
    arguments: [("invoice", "The invoice disputed (its id or number).")], minPositionals: 1, maxPositionals: 1,
    options: common + [
      OptionSpec(long: "amount", short: nil, value: "amount", help: "The amount disputed (default: all the invoice has open)."),
      OptionSpec(long: "close", short: nil, value: "outcome", help: "Close the dispute: upheld (the customer was right) or withdrawn.", choices: ["upheld", "withdrawn"]),
    ],
    discussion: "The disputed amount is left out of dunning by cadences that pause on dispute, until the dispute is closed. " + exits)

  static let promise = CommandSpec(
    name: "promise", abstract: "Record a customer's promise to pay an invoice (or all its invoices) by a date.",
    arguments: [("invoice", "The invoice promised (or --customer for all of a customer's invoices).")], minPositionals: 0, maxPositionals: 1,
    options: common + [
      OptionSpec(long: "customer", short: nil, value: "id", help: "All of this customer's invoices, instead of one."),
      OptionSpec(long: "pay-by", short: nil, value: "date", help: "The date promised, YYYY-MM-DD (required)."),
      OptionSpec(long: "amount", short: nil, value: "amount", help: "The amount promised (with an invoice)."),
    ],
    discussion: "Cadences that pause on promises to pay wait until the date; after it, unpaid, the promise is broken: dunning resumes and customer.broken_promises counts it. " + exits)

  static let plan = CommandSpec(
    name: "payment-plan", abstract: "Record a payment plan agreed with a customer for an invoice (or all its invoices), or its end.",
    arguments: [("invoice", "The invoice (or --customer for all of a customer's invoices; none with --end).")], minPositionals: 0, maxPositionals: 1,
    options: common + [
      OptionSpec(long: "customer", short: nil, value: "id", help: "All of this customer's invoices, instead of one."),
      OptionSpec(long: "from", short: nil, value: "date", help: "First day (default: the decision's date)."),
      OptionSpec(long: "to", short: nil, value: "date", help: "Last day (default: open-ended)."),
      OptionSpec(long: "id", short: nil, value: "id", help: "The plan's id (default: plan-N, N the decision's number)."),
      OptionSpec(long: "end", short: nil, value: "id", help: "End the plan with this id (with --outcome)."),
      OptionSpec(long: "outcome", short: nil, value: "outcome", help: "How it ended: completed or broken.", choices: ["completed", "broken"]),
    ],
    discussion: "Cadences that pause on payment plans leave the invoices alone while the plan is active. " + exits)

  static func usage(_ message: String, _ spec: CommandSpec, _ io: OutputSink) -> Int32 { CLI.usageError(UsageError(message: message, command: spec), io: io) }

  static func run(_ spec: CommandSpec, _ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else { return usage("Missing value for '--state <dir>'", spec, io) }
    guard let by = args.value("by") else { return usage("Missing value for '--by <name>': every decision records who made it", spec, io) }
    let request: HoldRequest
    switch parse(spec, args) {
    case .failure(let e): return CLI.usageError(e, io: io)
    case .success(let r): request = r
    }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    do throws(JournalError) {
      let (run, d, held) = try Decide.hold(
        request, plan: inputs.plan, data: inputs.data, stateDir: state, asOf: inputs.asOf, by: by, note: args.value("note") ?? "",
        recordedAt: Date().formatted(.iso8601), fault: FaultInjection.hook())
      if let held {
        io.out(ApprovalRenderer.asked(held, run: run, asOf: inputs.asOf, again: "record the payment plan again with the same terms"))
        return ExitStatus.success
      }
      guard let run else {
        io.out("Nothing new: \(d.subject) is already disputed for that amount; nothing was recorded\n")
        return ExitStatus.success
      }
      io.out("Recorded decision \(run) as of \(inputs.asOf) by \(d.by): \(d.summary)\n")
      return ExitStatus.success
    } catch {
      io.err("Error: \(CLI.refused(error.message))\n")
      return ExitStatus.failure
    }
  }

  static func amount(_ args: ParsedArguments, _ spec: CommandSpec) -> Result<Fixed?, UsageError> {
    guard let text = args.value("amount") else { return .success(nil) }
    guard let f = Fixed(text) else { return .failure(UsageError(message: "'\(text)' is not an amount: write digits with a decimal point (120.50)", command: spec)) }
    return .success(f)
  }

  static func date(_ args: ParsedArguments, _ name: String, _ spec: CommandSpec) -> Result<CivilDate?, UsageError> {
    guard let text = args.value(name) else { return .success(nil) }
    guard let d = CivilDate.parse(text) else { return .failure(UsageError(message: "The value '\(text)' is invalid for '--\(name) <date>': write YYYY-MM-DD", command: spec)) }
    return .success(d)
  }

  /// The request the arguments state, or what is wrong with them.
  static func parse(_ spec: CommandSpec, _ args: ParsedArguments) -> Result<HoldRequest, UsageError> {
    let invoice = args.positionals.first
    let customer = args.value("customer")
    if invoice != nil && customer != nil { return .failure(UsageError(message: "name an invoice or --customer, not both", command: spec)) }
    switch spec.name {
    case "dispute":
      if let outcome = args.value("close") { return .success(.closeDispute(invoice: invoice ?? "", outcome: outcome)) }
      return amount(args, spec).map { .dispute(invoice: invoice ?? "", amount: $0) }
    case "promise":
      guard invoice != nil || customer != nil else { return .failure(UsageError(message: "name the invoice promised, or --customer ID", command: spec)) }
      return date(args, "pay-by", spec).flatMap { payBy in
        guard let payBy else { return .failure(UsageError(message: "Missing value for '--pay-by <date>': the date promised", command: spec)) }
        return amount(args, spec).map { .promise(invoice: invoice, customer: customer, payBy: payBy, amount: $0) }
      }
    default:
      if let id = args.value("end") {
        guard let outcome = args.value("outcome") else { return .failure(UsageError(message: "say how the plan ended: --outcome completed or broken", command: spec)) }
        if invoice != nil || customer != nil { return .failure(UsageError(message: "--end takes the plan's id only", command: spec)) }
        return .success(.endPlan(id: id, outcome: outcome))
      }
      guard invoice != nil || customer != nil else { return .failure(UsageError(message: "name the invoice, or --customer ID (or --end ID)", command: spec)) }
      return date(args, "from", spec).flatMap { from in
        date(args, "to", spec).map { to in .plan(invoice: invoice, customer: customer, from: from, to: to, id: args.value("id")) }
      }
    }
  }
}
