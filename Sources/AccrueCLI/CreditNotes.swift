import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue credit-note` and `accrue refund-credit`: a credit note against an invoice, and a refund of credit on a
/// customer's account, each recorded in the ledger as a decision of its own (docs/decisions.md).
enum CreditCommands {
  static let creditNote = CommandSpec(
    name: "credit-note", abstract: "Issue a credit note against an invoice: all it has not been credited yet, or a part (tax included).",
    arguments: [("invoice", "The invoice credited (its id or number, of the invoices file or the ledger).")], minPositionals: 1, maxPositionals: 1,
    options: HoldCommands.common + [
      OptionSpec(long: "amount", short: nil, value: "amount", help: "The amount credited, tax included (default: all the invoice has not been credited yet)."),
      OptionSpec(long: "reason", short: nil, value: "text", help: "Why the invoice is credited (required): printed on the credit note."),
      OptionSpec(
        long: "line", short: nil, value: "n",
        help: "Credit one line of an invoice the ledger issued (1 for its first line): all it has not been credited yet, or --amount of it (tax included)."),
    ],
    discussion: "It settles what the invoice has open; what exceeds that (the invoice was paid) goes on the customer's account. "
      + "Numbered at issue by the rules' 'number credit notes' (else its key). " + HoldCommands.exits)

  static let refundCredit = CommandSpec(
    name: "refund-credit", abstract: "Record credit on a customer's account paid back to the customer.",
    arguments: [("customer", "The customer whose credit is refunded.")], minPositionals: 1, maxPositionals: 1,
    options: HoldCommands.common + [
      OptionSpec(long: "amount", short: nil, value: "amount", help: "The amount refunded (required): at most the credit on account."),
      OptionSpec(long: "currency", short: nil, value: "code", help: "The credit's currency (required)."),
    ],
    discussion: "The amount comes off the customer's credit on account; refused beyond it. " + HoldCommands.exits)

  static func run(_ spec: CommandSpec, _ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else { return HoldCommands.usage("Missing value for '--state <dir>'", spec, io) }
    guard let by = args.value("by") else { return HoldCommands.usage("Missing value for '--by <name>': every decision records who made it", spec, io) }
    let amount: Fixed?
    switch HoldCommands.amount(args, spec) {
    case .failure(let e): return CLI.usageError(e, io: io)
    case .success(let a): amount = a
    }
    let subject = args.positionals.first ?? ""
    var line: Int?
    if let text = args.value("line") {
      guard let n = Int(text), n >= 1 else { return HoldCommands.usage("--line takes a line's number, 1 for the first: '\(text)' is none", spec, io) }
      line = n
    }
    if spec.name == creditNote.name, args.value("reason") == nil {
      return HoldCommands.usage("Missing value for '--reason <text>': say why the invoice is credited", spec, io)
    }
    if spec.name == refundCredit.name, amount == nil || args.value("currency") == nil {
      return HoldCommands.usage("Missing value for '--amount <amount>' or '--currency <code>': say how much credit is refunded, in which currency", spec, io)
    }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let (note, at) = (args.value("note") ?? "", Date().formatted(.iso8601))
    let poster = GL.decisionPoster(inputs.plan, dataDir: args.value("data") ?? "", io: io)
    do throws(JournalError) {
      if spec.name == creditNote.name {
        let r = try Decide.creditNote(
          CreditNoteIssue(invoice: subject, amount: amount, reason: args.value("reason") ?? "", line: line), plan: inputs.plan, data: inputs.data,
          stateDir: state, asOf: inputs.asOf, by: by, note: note, recordedAt: at, post: poster, fault: FaultInjection.hook())
        if let held = r.held {
          io.out(ApprovalRenderer.asked(held, run: r.unchanged ? nil : r.run, asOf: inputs.asOf, again: "issue the credit note again with the same amount and reason"))
          return ExitStatus.success
        }
        io.out(
          r.unchanged
            ? "Nothing new: credit note \(r.creditNote.number) was issued by decision \(r.run) for that amount and reason; nothing was recorded\n"
            : "Recorded decision \(r.run) as of \(inputs.asOf) by \(r.decision.by): \(r.decision.summary)\n")
      } else {
        let r = try Decide.refundCredit(
          CreditRefundRequest(customer: subject, amount: amount ?? .zero, currency: args.value("currency") ?? ""), plan: inputs.plan,
          data: inputs.data, stateDir: state, asOf: inputs.asOf, by: by, note: note, recordedAt: at, post: poster, fault: FaultInjection.hook())
        io.out(
          r.unchanged
            ? "Nothing new: decision \(r.run) refunded that amount already; nothing was recorded\n"
            : "Recorded decision \(r.run) as of \(inputs.asOf) by \(r.decision.by): \(r.decision.summary)\n")
      }
      return ExitStatus.success
    } catch {
      io.err("Error: \(CLI.refused(error.message))\n")
      return ExitStatus.failure
    }
  }
}
