import AccrueImport
import AccrueRender

/// `accrue import FILE`: preview what a bank statement file holds, normalized.
enum ImportCommand {
  static let spec = CommandSpec(
    name: "import", abstract: "Show a bank statement file (camt.053, camt.054, MT940, BAI2, OFX, or a CSV export with --rules) statement by statement, its payments normalized.",
    arguments: [("file", "The statement file.")], minPositionals: 1, maxPositionals: 1,
    options: [
      OptionSpec(long: "format", short: nil, value: "format", help: "Output format.", choices: ["text", "json"], defaultValue: "text"),
      OptionSpec(long: "strict", short: nil, value: nil, help: "Fail on a statement that does not reconcile or a control total that disagrees."),
    ] + ImportCSV.options,
    discussion: "Exits 0 when the file reads (warnings on standard error: a statement whose opening balance plus its entries is not its closing balance, a control total that disagrees), 1 when it does not (with file:line and the element or tag) or, with --strict, has warnings; 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    let path = args.positionals[0]
    // A CSV statement is read with a statement format of the rules (ImportCSV.swift).
    let csv = ImportCSV.applies(args) ? ImportCSV.read(args, io: io) : nil
    if ImportCSV.applies(args), csv == nil { return ExitStatus.failure }
    switch csv.map({ .success($0) }) ?? BankStatements.readStatements(path: path) {
    case .failure(let e):
      io.err("\(e)\nError: the statement was not read\n")
      return ExitStatus.failure
    case .success(let list):
      io.out(args.value("format") == "json" ? BankRenderer.json(list).serialized(pretty: true) + "\n" : BankRenderer.text(list))
      let warnings = StatementChecks.warnings(list, file: path)
      guard !warnings.isEmpty else { return ExitStatus.success }
      let strict = args.flag("strict")
      io.err(warnings.map { "\(strict ? "error" : "warning"): \($0)\n" }.joined())
      if strict {
        io.err("Error: \(warnings.count) statement check\(warnings.count == 1 ? "" : "s") failed (--strict)\n")
        return ExitStatus.failure
      }
      return ExitStatus.success
    }
  }
}
