import AccrueGen
import Foundation

/// `accrue generate`: seeded synthetic inputs for benchmarks and tests.
enum Generate {
  static let spec = CommandSpec(
    name: "generate", abstract: "Write a synthetic, seeded rule file (for benchmarks).",
    arguments: [("kind", "What to generate: rules.")],
    minPositionals: 1, maxPositionals: 1,
    options: [
      OptionSpec(long: "lines", short: nil, value: "n", help: "About how many lines of rules to write.", defaultValue: "100000"),
      OptionSpec(long: "seed", short: nil, value: "n", help: "Random seed; the same seed gives the same output.", defaultValue: "1"),
      OptionSpec(long: "out", short: "o", value: "file", help: "Where to write (default: standard output)."),
    ])

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard args.positionals[0] == "rules" else {
      return CLI.usageError(UsageError(message: "Unknown kind '\(args.positionals[0])'; expected 'rules'", command: spec), io: io)
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
}
