import AccrueGen
import Foundation

/// `accrue generate`: seeded synthetic inputs for benchmarks and tests.
enum Generate {
  static let spec = CommandSpec(
    name: "generate", abstract: "Write a synthetic, seeded rule file or dataset (for benchmarks).",
    arguments: [("kind", "What to generate: 'rules' (a rule file) or 'data' (a data folder for the bundled rules/).")],
    minPositionals: 1, maxPositionals: 1,
    options: [
      OptionSpec(long: "lines", short: nil, value: "n", help: "About how many lines of rules to write.", defaultValue: "100000"),
      OptionSpec(long: "seed", short: nil, value: "n", help: "Random seed; the same seed gives the same output.", defaultValue: "1"),
      OptionSpec(long: "out", short: "o", value: "path", help: "Where to write: a file for rules (default: standard output), a folder for data."),
      OptionSpec(long: "contracts", short: nil, value: "n", help: "data: number of contracts.", defaultValue: "1000"),
      OptionSpec(long: "events", short: nil, value: "n", help: "data: number of usage events.", defaultValue: "100000"),
      OptionSpec(long: "invoices", short: nil, value: "n", help: "data: number of open invoices.", defaultValue: "1000"),
      OptionSpec(long: "payments", short: nil, value: "n", help: "data: number of payments.", defaultValue: "1000"),
      OptionSpec(long: "as-of", short: nil, value: "date", help: "data: the run date the data leads up to.", defaultValue: "2026-11-01"),
    ])

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    if args.positionals[0] == "data" { return data(args, io: io) }
    guard args.positionals[0] == "rules" else {
      return CLI.usageError(UsageError(message: "Unknown kind '\(args.positionals[0])'; expected 'rules' or 'data'", command: spec), io: io)
    }
    guard let lines = Int(args.value("lines") ?? "100000"), lines > 0, lines <= 100_000_000 else {
      return CLI.usageError(UsageError(message: "'--lines' takes a whole number from 1 to 100000000", command: spec), io: io)
    }
    guard let seed = UInt64(args.value("seed") ?? "1") else {
      return CLI.usageError(UsageError(message: "'--seed' takes a whole number", command: spec), io: io)
    }
    let text = RuleGenerator.generate(lines: lines, seed: seed)
    guard let path = args.value("out") else {
      io.out(text)
      return ExitStatus.success
    }
    do {
      try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      io.err("Error: cannot write '\(path)': \(error.localizedDescription)\n")
      return ExitStatus.failure
    }
    return ExitStatus.success
  }

  static func data(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let out = args.value("out") else {
      return CLI.usageError(UsageError(message: "'generate data' needs '--out <folder>'", command: spec), io: io)
    }
    func count(_ name: String, _ def: Int) -> Int? {
      guard let v = args.value(name) else { return def }
      guard let n = Int(v), n >= 0, n <= 1_000_000_000 else { return nil }
      return n
    }
    guard let contracts = count("contracts", 1000), let events = count("events", 100_000), let invoices = count("invoices", 1000),
      let payments = count("payments", 1000), let seed = UInt64(args.value("seed") ?? "1")
    else {
      return CLI.usageError(UsageError(message: "counts and the seed take whole numbers", command: spec), io: io)
    }
    let asOf = args.value("as-of") ?? "2026-11-01"
    do {
      try DataGenerator.write(
        DataGeneratorOptions(contracts: contracts, events: events, openInvoices: invoices, payments: payments, seed: seed, asOf: asOf),
        to: out)
    } catch {
      io.err("Error: \(error)\n")
      return ExitStatus.failure
    }
    return ExitStatus.success
  }
}
