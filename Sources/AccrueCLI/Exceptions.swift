import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueRender

/// `accrue exceptions`: the payments the ledger records that wait for a person (suggested, held, unapplied), with
/// the `accrue resolve` that decides each. Reads the ledger only.
enum ExceptionsCommand {
  static let spec = CommandSpec(
    name: "exceptions",
    abstract: "List the payments in the ledger that wait for a person's decision, and how to resolve each.",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: [
      OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger is read (required); never written."),
      OptionSpec(long: "customer", short: nil, value: "id", help: "Only the payments of this customer."),
      OptionSpec(long: "format", short: nil, value: "format", help: "text (the default) or json.", choices: ["text", "json"]),
    ],
    discussion: "Exits 0 on success (also when nothing waits), 1 when the ledger cannot be read, 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else { return CLI.usageError(UsageError(message: "Missing value for '--state <dir>'", command: spec), io: io) }
    guard let journal = LedgerCommand.history(state, io) else { return ExitStatus.failure }
    let waiting = WaitingPayments(journal, customer: args.value("customer"))
    if args.value("format") == "json" {
      io.out(WaitingRenderer.json(waiting).serialized(pretty: true) + "\n")
    } else {
      io.out(WaitingRenderer.text(waiting, ledger: state + "/" + LedgerStore.fileName))
    }
    return ExitStatus.success
  }
}
