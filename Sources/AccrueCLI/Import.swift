import AccrueImport
import AccrueRender

/// `accrue import FILE`: preview what a bank statement file holds, normalized.
enum ImportCommand {
  static let spec = CommandSpec(
    name: "import", abstract: "Show the payments of a bank statement file (camt.053, camt.054, MT940, BAI2, OFX), normalized.",
    arguments: [("file", "The statement file.")], minPositionals: 1, maxPositionals: 1,
    options: [OptionSpec(long: "format", short: nil, value: "format", help: "Output format.", choices: ["text", "json"], defaultValue: "text")],
    discussion: "Exits 0 when the file reads, 1 when it does not (with file:line and the element or tag), 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    switch BankStatements.read(path: args.positionals[0]) {
    case .failure(let e):
      io.err("\(e)\nError: the statement was not read\n")
      return ExitStatus.failure
    case .success(let list):
      io.out(args.value("format") == "json" ? BankRenderer.json(list).serialized(pretty: true) + "\n" : BankRenderer.text(list))
      return ExitStatus.success
    }
  }
}
