import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueRender

/// `accrue audit`: who decided what, when and why (people's decisions the ledger records). Reads the ledger only.
enum AuditCommand {
  static let spec = CommandSpec(
    name: "audit",
    abstract: "List people's decisions recorded in the ledger: who, when, what, why, and what asked for each.",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: [
      OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger is read (required); never written."),
      OptionSpec(long: "customer", short: nil, value: "id", help: "Only the decisions about this customer."),
      OptionSpec(long: "since", short: nil, value: "date", help: "Only the decisions dated on or after this date, YYYY-MM-DD."),
      OptionSpec(long: "format", short: nil, value: "format", help: "text (the default) or json.", choices: ["text", "json"]),
    ],
    discussion: "Exits 0 on success (also when there are none), 1 when the ledger cannot be read, 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else { return CLI.usageError(UsageError(message: "Missing value for '--state <dir>'", command: spec), io: io) }
    let (since, bad) = RunInputs.date(args, "since", required: false, spec: spec, io: io)
    if let bad { return bad }
    guard let journal = LedgerCommand.history(state, io) else { return ExitStatus.failure }
    let entries = AuditRenderer.entries(journal, customer: args.value("customer"), since: since)
    if args.value("format") == "json" {
      io.out(AuditRenderer.json(entries).serialized(pretty: true) + "\n")
    } else {
      io.out(AuditRenderer.text(entries, ledger: state + "/" + LedgerStore.fileName))
    }
    return ExitStatus.success
  }
}
