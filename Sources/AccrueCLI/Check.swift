import AccrueChecker
import AccrueDiagnostics
import AccrueParser
import AccrueRender

/// `accrue check`: lex, parse and check rule files; report diagnostics.
enum Check {
  static let spec = CommandSpec(
    name: "check", abstract: "Check rule files for errors.",
    arguments: [("path", "Rule files or folders. A folder with .accrue files at its top is one rule set; a folder without is searched for rule sets.")],
    variadic: true, minPositionals: 1, maxPositionals: .max,
    options: [
      OptionSpec(long: "strict", short: nil, value: nil, help: "Treat warnings as errors."),
      OptionSpec(long: "stats", short: nil, value: nil, help: "Print the time each phase took, and the lines per second, to standard error."),
      OptionSpec(
        long: "format", short: nil, value: "format", help: "How to print diagnostics.",
        choices: DiagnosticFormat.allCases.map(\.rawValue), defaultValue: "text"),
    ],
    discussion: "Exits 0 when there are no errors (warnings allowed unless --strict), 1 otherwise.")

  /// The outcome of checking: diagnostics, sources and totals. Shared with other commands.
  struct Outcome {
    var load: LoadResult
    var checked: [(RuleSet, CheckResult)]
    var diagnostics: [Diagnostic]
    var summary: DiagnosticSummary
    /// Seconds spent loading (read, lex, parse) and checking.
    var loadSeconds: Double  // not money
    var checkSeconds: Double  // not money
  }

  /// Loads and checks paths. `strict` raises warnings to errors.
  static func checkPaths(_ paths: [String], strict: Bool) -> Outcome {
    let clock = ContinuousClock()
    let t0 = clock.now
    let load = RuleSetLoader.load(paths: paths)
    let t1 = clock.now
    let (checked, diags) = Frontend.check(load, strict: strict)
    let t2 = clock.now
    let errors = diags.filter { $0.severity == .error }.count
    let warnings = diags.filter { $0.severity == .warning }.count
    let files = load.sources.files.filter { !$0.bytes.isEmpty }.count
    return Outcome(
      load: load, checked: checked, diagnostics: diags,
      summary: DiagnosticSummary(errors: errors, warnings: warnings, files: files, lines: load.lineCount),
      loadSeconds: seconds(t1 - t0), checkSeconds: seconds(t2 - t1))
  }

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    let format = DiagnosticFormat(rawValue: args.value("format") ?? "text") ?? .text
    let o = checkPaths(args.positionals, strict: args.flag("strict"))
    let color = format == .text && io.stdoutIsTerminal && ProcessEnv.colorAllowed
    io.out(DiagnosticRenderer.render(o.diagnostics, sources: o.load.sources, format: format, summary: o.summary, color: color))
    if format == .text {
      let sets = o.checked.count
      io.err(
        "checked \(o.summary.files) file\(o.summary.files == 1 ? "" : "s") (\(o.summary.lines) lines) in \(sets) rule set\(sets == 1 ? "" : "s"): \(o.summary.text)\n")
    }
    if args.flag("stats") {
      let total = o.loadSeconds + o.checkSeconds
      let rate = total > 0 ? Int(Double(o.summary.lines) / total) : 0  // not money
      io.err("stats: read+lex+parse \(ms(o.loadSeconds)) ms, check \(ms(o.checkSeconds)) ms, \(rate) lines/s\n")
    }
    let status = o.summary.errors > 0 ? ExitStatus.failure : ExitStatus.success
    KeepAlive.keepIfLarge(o, lines: o.summary.lines)
    return status
  }

  static func seconds(_ d: Duration) -> Double {  // not money
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18  // not money
  }

  static func ms(_ s: Double) -> String { String(Int((s * 1000).rounded())) }  // not money
}

/// `accrue explain CODE`: the long explanation of a diagnostic code of the rules (E..../W....) or of a data code
/// (D....) that plan, apply, import and report aging print.
enum Explain {
  static let spec = CommandSpec(
    name: "explain", abstract: "Explain a diagnostic code or a data code, with an example.",
    arguments: [
      ("code", "A code such as E0402 or D0320, or its name such as currency-mismatch. 'all' lists every code.")
    ],
    minPositionals: 1, maxPositionals: 1, options: [])

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    let key = args.positionals[0]
    if key == "all" {
      io.out("Rules (accrue check):\n")
      for c in DiagnosticCode.all { io.out(line(c)) }
      io.out("\nData (plan, apply, import, report aging):\n")
      for c in DiagnosticCode.data { io.out(line(c)) }
      return ExitStatus.success
    }
    guard let c = DiagnosticCode.lookup(key) else {
      let ids = (DiagnosticCode.all + DiagnosticCode.data).map(\.id)
      let s = Suggest.closest(to: key.uppercased(), in: ids)
      io.err("Error: '\(key)' is not a diagnostic or data code" + (s.map { ". Did you mean '\($0)'?" } ?? "") + "\n  See 'accrue explain all' for the list.\n")
      return ExitStatus.failure
    }
    io.out("\(c.id) (\(c.name), \(c.severity.rawValue)): \(c.title)\n\n")
    if c.isData { io.out(c.dataHandling + "\n\n") }
    io.out("\(c.explanation)\n")
    return ExitStatus.success
  }

  static func line(_ c: DiagnosticCode) -> String { "\(c.id)  \(c.severity.rawValue.padding(7))  \(c.name): \(c.title)\n" }
}

extension String {
  func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
