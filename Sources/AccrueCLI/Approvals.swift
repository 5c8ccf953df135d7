import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue approvals`: the documents held for approval the ledger records, with where each chain stands. Reads the
/// ledger only. docs/decisions.md.
enum ApprovalsCommand {
  static let spec = CommandSpec(
    name: "approvals",
    abstract: "List what waits for approval (invoices, debit notes, credit notes, write-offs, payment plans): who decides now, which rule asked, since when, when it escalates.",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: [
      OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger is read (required); never written."),
      OptionSpec(long: "as-of", short: nil, value: "date", help: "The day to judge escalations on, YYYY-MM-DD (default: the ledger's last run)."),
      OptionSpec(long: "format", short: nil, value: "format", help: "text (the default) or json.", choices: ["text", "json"]),
    ],
    discussion: "Exits 0 on success (also when nothing waits), 1 when the ledger cannot be read, 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let state = args.value("state") else { return CLI.usageError(UsageError(message: "Missing value for '--state <dir>'", command: spec), io: io) }
    let (asOf, bad) = RunInputs.date(args, "as-of", required: false, spec: spec, io: io)
    if let bad { return bad }
    guard let journal = LedgerCommand.history(state, io) else { return ExitStatus.failure }
    let day = asOf ?? journal.runs.last?.asOf
    let open = journal.openApprovalRequests
    if args.value("format") == "json" {
      io.out(ApprovalRenderer.json(open, asOf: day).serialized(pretty: true) + "\n")
    } else {
      io.out(ApprovalRenderer.text(open, asOf: day, ledger: state + "/" + LedgerStore.fileName))
    }
    return ExitStatus.success
  }
}

/// `accrue approve` and `accrue reject`: a person's decision on a document held for approval, recorded in the ledger
/// as a run of its own. docs/decisions.md.
enum ApproveCommand {
  static func spec(_ approve: Bool) -> CommandSpec {
    CommandSpec(
      name: approve ? "approve" : "reject",
      abstract: approve
        ? "Approve the current step of a document held for approval, as a role: the next apply issues it once every chain is approved."
        : "Reject a document held for approval (with the reason): it is never issued with that content.",
      arguments: [("document", "The document's key, as 'accrue approvals' lists it.")],
      minPositionals: 1, maxPositionals: 1,
      options: RunInputs.options.filter { ["rules", "data", "as-of", "strict"].contains($0.long) } + [
        OptionSpec(long: "state", short: nil, value: "dir", help: "The state folder whose ledger holds the request (required)."),
        OptionSpec(long: "by", short: nil, value: "name", help: "Who decides (required): recorded with the decision."),
        OptionSpec(long: "role", short: nil, value: "role", help: "The role decided as (required): the current step's, or its escalation role once escalated."),
        OptionSpec(long: "note", short: nil, value: "text", help: approve ? "Why, in your words." : "Why it is rejected (required): what should change."),
      ],
      discussion: """
          accrue \(approve ? "approve" : "reject") DOCUMENT --by NAME --role ROLE \(approve ? "[--note TEXT]" : "--note TEXT") --rules DIR --data DIR --state DIR --as-of DATE
        Checked: the document waits for approval; the role is the current step's of one of its chains (or the
        chain's escalation role once the step escalated); one person approves at most one step of a chain (four
        eyes); a rejection says why. Recorded as a run of its own; 'accrue audit' lists it.
        Exits 0 when recorded, 1 when refused (nothing is recorded), 64 on a usage error.
        """)
  }

  static func run(_ args: ParsedArguments, approve: Bool, io: OutputSink) -> Int32 {
    let spec = spec(approve)
    func usage(_ m: String) -> Int32 { CLI.usageError(UsageError(message: m, command: spec), io: io) }
    guard let state = args.value("state") else { return usage("Missing value for '--state <dir>'") }
    guard let by = args.value("by") else { return usage("Missing value for '--by <name>': every decision records who made it") }
    guard let role = args.value("role") else { return usage("Missing value for '--role <role>': say which role you decide as") }
    if !approve, args.value("note") == nil { return usage("Missing value for '--note <text>': a rejection says why") }
    let inputs: RunInputs
    switch RunInputs.load(args, spec: spec, io: io) {
    case .failure(let e): return e.code
    case .success(let i): inputs = i
    }
    let q = ApprovalDecisionRequest(document: args.positionals[0], approve: approve, by: by, role: role, note: args.value("note") ?? "")
    do throws(JournalError) {
      let r = try Decide.decideApproval(
        q, plan: inputs.plan, data: inputs.data, stateDir: state, asOf: inputs.asOf, recordedAt: Date().formatted(.iso8601),
        fault: FaultInjection.hook())
      io.out("Recorded decision \(r.run) as of \(inputs.asOf) by \(r.decision.by): \(r.decision.subject) \(r.decision.summary)\n")
      io.out("  in \(state)/\(LedgerStore.fileName)\n")
      return ExitStatus.success
    } catch {
      io.err("Error: \(CLI.refused(error.message))\n")
      return ExitStatus.failure
    }
  }
}
