import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue resolve`: a person's decision on a payment the ledger records (confirm a suggested match, apply it to
/// named invoices, mark it as not ours, reverse an application made in error, refund it), recorded in the ledger
/// as a run of its own with who, when and why. docs/decisions.md.
enum ResolveCommand {
  static let spec = CommandSpec(
    name: "resolve",
    abstract: "Record a person's decision on a payment: confirm a suggestion, apply it to invoices, reverse, refund, or mark it not ours.",
    arguments: [("payment", "The payment's key, payment:ID."), ("invoice=amount", "With no action flag: the invoices it pays, each INVOICE=AMOUNT (or INVOICE: all it has open, or what is left of the payment when that is less).")],
    variadic: true, minPositionals: 1, maxPositionals: 1000,
    options: RunInputs.options.filter { ["rules", "data", "as-of", "strict"].contains($0.long) } + [
      OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger records the payment (required)."),
      OptionSpec(long: "by", short: nil, value: "name", help: "Who decides (required): recorded with the decision."),
      OptionSpec(long: "note", short: nil, value: "text", help: "Why, in your words: recorded with the decision."),
      OptionSpec(long: "confirm", short: nil, value: nil, help: "Post a suggested match as it was suggested."),
      OptionSpec(long: "not-ours", short: nil, value: nil, help: "Not a customer's payment: it no longer waits to be applied."),
      OptionSpec(long: "reverse", short: nil, value: nil, help: "Reverse its application (made in error): its invoices are open again, the payment unapplied."),
      OptionSpec(long: "refund", short: nil, value: nil, help: "Refund it to the payer: all of it, or --amount; what it paid on invoices is open again, the last paid first."),
      OptionSpec(long: "amount", short: nil, value: "amount", help: "With --refund: refund this much of the payment (default: all of it)."),
      OptionSpec(long: "write-off-short", short: nil, value: nil, help: "With invoices: write off what each invoice named still has open after the payment."),
      OptionSpec(
        long: "rest", short: nil, value: "what", help: "With invoices: what happens to what is left of the payment.",
        choices: ResolutionRequest.Rest.allCases.map(\.rawValue)),
    ],
    discussion: """
        accrue resolve payment:ID INVOICE=AMOUNT... [--write-off-short] [--rest on-account|unapplied|write-off|refund]
        accrue resolve payment:ID --confirm | --not-ours | --reverse | --refund [--amount AMOUNT]
      always with --rules DIR --data DIR --state DIR --as-of DATE --by NAME [--note TEXT].
      The decision is checked against the books as they stand (nothing settled beyond what an invoice has open, no
      payment spent beyond its amount, no credit taken back that paid invoices) and recorded as a run of its own:
      the payment's new posting replaces the one before, which is kept. The next plan and apply, aging and
      'accrue ledger show' see the result; 'accrue audit' lists every decision.
      Exits 0 when recorded, 1 when refused (nothing is recorded), 64 on a usage error.
      """)

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else { return usage("Missing value for '--state <dir>'", io) }
    guard let by = args.value("by") else { return usage("Missing value for '--by <name>': every decision records who made it", io) }
    let action: ResolutionRequest.Action
    switch parseAction(args) {
    case .failure(let e): return usage(e.message, io)
    case .success(let a): action = a
    }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let request = ResolutionRequest(payment: args.positionals[0], action: action, by: by, note: args.value("note") ?? "")
    do throws(JournalError) {
      let r = try Decide.resolve(
        request, plan: inputs.plan, data: inputs.data, stateDir: state, asOf: inputs.asOf, recordedAt: Date().formatted(.iso8601),
        post: GL.decisionPoster(inputs.plan, dataDir: args.value("data") ?? "", io: io), fault: FaultInjection.hook())
      if let held = r.held {
        io.out(ApprovalRenderer.asked(held, run: r.unchanged ? nil : r.run, asOf: inputs.asOf, again: "resolve the payment again the same way"))
        return ExitStatus.success
      }
      if r.unchanged {
        io.out("Nothing new: \(r.decision.subject)'s posting in force (\(r.posting.key)) is already what was asked; nothing was recorded\n")
        return ExitStatus.success
      }
      io.out("Recorded decision \(r.run) as of \(inputs.asOf) by \(r.decision.by): \(r.decision.subject) \(r.decision.summary)\n")
      io.out("  its posting is \(r.posting.key), in \(state)/\(LedgerStore.fileName)\n")
      return ExitStatus.success
    } catch {
      io.err("Error: \(CLI.refused(error.message))\n")
      return ExitStatus.failure
    }
  }

  static func usage(_ message: String, _ io: OutputSink) -> Int32 { CLI.usageError(UsageError(message: message, command: spec), io: io) }

  /// The action the flags and arguments ask for: exactly one of the flags, or invoices to pay.
  static func parseAction(_ args: ParsedArguments) -> Result<ResolutionRequest.Action, UsageError> {
    let flags = ["confirm", "not-ours", "reverse", "refund"].filter { args.flag($0) }
    let invoices = Array(args.positionals.dropFirst())
    if args.value("amount") != nil, !args.flag("refund") {
      return .failure(UsageError(message: "--amount goes with --refund (the amount refunded); a payment's amount on an invoice is written INVOICE=AMOUNT", command: spec))
    }
    if flags.count > 1 { return .failure(UsageError(message: "--\(flags[0]) and --\(flags[1]) do not go together: one decision at a time", command: spec)) }
    if let f = flags.first {
      if !invoices.isEmpty { return .failure(UsageError(message: "--\(f) takes no invoices ('\(invoices[0])')", command: spec)) }
      if args.flag("write-off-short") || args.value("rest") != nil {
        return .failure(UsageError(message: "--write-off-short and --rest go with invoices to pay, not with --\(f)", command: spec))
      }
      switch f {
      case "confirm": return .success(.confirm)
      case "not-ours": return .success(.notOurs)
      case "reverse": return .success(.reverse)
      default:
        guard let text = args.value("amount") else { return .success(.refund(nil)) }
        guard let f = Fixed(text) else { return .failure(UsageError(message: "'\(text)' is not an amount: write digits with a decimal point (40.00)", command: spec)) }
        return .success(.refund(f))
      }
    }
    guard !invoices.isEmpty else {
      return .failure(UsageError(message: "Say what to do: name the invoices it pays (INVOICE=AMOUNT ...), or --confirm, --not-ours, --reverse or --refund", command: spec))
    }
    var wanted: [(invoice: String, amount: Fixed?)] = []
    for text in invoices {
      guard let eq = text.firstIndex(of: "=") else {
        wanted.append((text, nil))
        continue
      }
      let amount = String(text[text.index(after: eq)...])
      guard let f = Fixed(amount), !text[..<eq].isEmpty else {
        return .failure(UsageError(message: "'\(text)' is not INVOICE=AMOUNT: write the amount as digits with a decimal point (INV-1=80.00)", command: spec))
      }
      wanted.append((String(text[..<eq]), f))
    }
    return .success(.apply(wanted, writeOffShort: args.flag("write-off-short"), rest: args.value("rest").flatMap(ResolutionRequest.Rest.init)))
  }
}
