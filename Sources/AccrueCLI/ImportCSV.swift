import AccrueCompiler
import AccrueImport
import AccrueModel
import AccrueRender

/// `accrue import FILE.csv --rules PATH [--statement-format NAME]`: a statement CSV read with a statement format of
/// the rules (grammar.md 8.1): the one named, else the one whose `files` match the file's name.
enum ImportCSV {
  static let options = [
    OptionSpec(long: "rules", short: nil, value: "path", help: "The rules whose 'statement format' reads a CSV statement."),
    OptionSpec(long: "statement-format", short: nil, value: "name", help: "The statement format to read the CSV with (default: the one whose files match its name)."),
  ]

  /// Whether the file is read as a statement CSV.
  static func applies(_ args: ParsedArguments) -> Bool {
    args.positionals[0].lowercased().hasSuffix(".csv") || args.value("rules") != nil || args.value("statement-format") != nil
  }

  /// The file's statement, or nil once the problem is written (the rules' errors, no format, each bad cell).
  static func read(_ args: ParsedArguments, io: OutputSink) -> [BankStatement]? {
    let path = args.positionals[0]
    guard let rules = args.value("rules") else {
      io.err("Error: \(path) is read as a CSV statement, with a 'statement format' of the rules: name them with --rules PATH\n")
      return nil
    }
    guard let plan = RulesStage.compile(rules, io: io) else { return nil }
    let format: StatementFormat
    if let name = args.value("statement-format") {
      guard let f = plan.statementFormats.first(where: { $0.name == name }) else {
        let names = plan.statementFormats.map(\.name)
        let hint = Suggest.closest(to: name, among: names).map { "; did you mean '\($0)'?" } ?? ""
        io.err("Error: the rules declare no statement format '\(name)'\(hint) (they declare: \(names.isEmpty ? "none" : names.joined(separator: ", ")))\n")
        return nil
      }
      format = f
    } else {
      switch MappedCSV.format(for: path, among: plan.statementFormats) {
      case .failure(let i):
        io.err(InvoiceRenderer.issues([i]) + "Error: the statement was not read (name a format with --statement-format NAME)\n")
        return nil
      case .success(let f): format = f
      }
    }
    switch MappedCSV.read(path: path, format: format) {
    case .success(let list): return list
    case .failure(let e):
      let n = e.issues.count
      io.err(InvoiceRenderer.issues(e.issues) + "Error: \(n) problem\(n == 1 ? "" : "s") in the statement; it was not read\n")
      return nil
    }
  }
}
