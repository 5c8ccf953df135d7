import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue test PATH...`: runs the rule tests (`*.accrue-test`) found under the paths.
enum TestCommand {
  static let spec = CommandSpec(
    name: "test", abstract: "Run rule tests (*.accrue-test): a small dataset, an as-of date and the expected invoices and reminders.",
    arguments: [("path", "Test files or folders (all *.accrue-test below them).")], minPositionals: 1, maxPositionals: 1_000,
    options: [
      OptionSpec(long: "format", short: nil, value: "format", help: "Output format (github: workflow annotations).", choices: ["text", "json", "github"], defaultValue: "text"),
      OptionSpec(long: "junit", short: nil, value: "file", help: "Also write the results as JUnit XML to this file."),
      OptionSpec(long: "update", short: nil, value: nil, help: "Re-record each test's expectations from what the run produces now."),
    ],
    discussion: "Exits 0 when every test passes, 1 when one fails or has errors, or when no test is found; 64 on a usage error.")

  struct Failure {
    var line: Int
    var expectation: String
    var got: String
  }

  struct Outcome {
    var file: String
    var name: String
    var failures: [Failure]
    var error: String?
    var seconds: Double  // not money
  }

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let files = FileWalk.files(args.positionals, suffix: ".accrue-test", io: io) else { return ExitStatus.failure }
    guard !files.isEmpty else {
      io.err("Error: no tests (*.accrue-test) under \(args.positionals.joined(separator: ", "))\n")
      return ExitStatus.failure
    }
    var outcomes: [Outcome] = []
    let format = args.value("format") ?? "text"
    let clock = ContinuousClock()
    for file in files {
      let t0 = clock.now
      var o = runOne(file, update: args.flag("update"))
      o.seconds = Check.seconds(clock.now - t0)
      outcomes.append(o)
      if format == "text" { io.out(text(o)) }
    }
    let failed = outcomes.filter { $0.error != nil || !$0.failures.isEmpty }.count
    switch format {
    case "json": io.out(json(outcomes).serialized(pretty: true) + "\n")
    case "github":
      for o in outcomes { io.out(github(o)) }
      io.out("\(outcomes.count - failed) passed, \(failed) failed\n")
    default: io.out("\n\(outcomes.count - failed) passed, \(failed) failed\n")
    }
    if let junit = args.value("junit") {
      do { try Data(junitXML(outcomes).utf8).write(to: URL(fileURLWithPath: junit), options: .atomic) } catch {
        io.err("Error: cannot write '\(junit)': \(error.localizedDescription)\n")
        return ExitStatus.failure
      }
    }
    return failed == 0 ? ExitStatus.success : ExitStatus.failure
  }

  static func runOne(_ file: String, update: Bool) -> Outcome {
    var o = Outcome(file: file, name: (file as NSString).lastPathComponent, failures: [], error: nil, seconds: 0)
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
      o.error = "cannot read the file"
      return o
    }
    let spec: RuleTestSpec
    switch RuleTestSpec.parse(text) {
    case .failure(let e):
      o.error = "\(file):\(e.line): \(e.message)"
      return o
    case .success(let s): spec = s
    }
    o.name = spec.name
    let here = (file as NSString).deletingLastPathComponent
    func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (here.isEmpty ? p : here + "/" + p) }
    // The dataset: the data folder's files, then the inline tables, in a temporary folder.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("accrue-test-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      if let folder = spec.dataFolder {
        for name in try FileManager.default.contentsOfDirectory(atPath: resolve(folder))
        where name.hasSuffix(".csv") || name.hasSuffix(".json") || name.hasSuffix(".jsonl") {
          try FileManager.default.copyItem(atPath: resolve(folder) + "/" + name, toPath: dir + "/" + name)
        }
        // Its bank statements and processors' payout exports too (statements/: camt, MT940, BAI2, OFX, and CSV
        // read with a statement format; processors/: read with the rules' processor settings).
        for sub in ["statements", "processors"] where FileManager.default.fileExists(atPath: resolve(folder) + "/" + sub) {
          try FileManager.default.copyItem(atPath: resolve(folder) + "/" + sub, toPath: dir + "/" + sub)
        }
      }
      for (name, body) in spec.tables {
        try? FileManager.default.removeItem(atPath: dir + "/" + name)
        try body.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
      }
    } catch {
      o.error = "cannot prepare the data: \(error.localizedDescription)"
      return o
    }
    let sink = CapturedOutput()
    guard let plan = RulesStage.compile(resolve(spec.rules), io: sink) else {
      o.error = "the rules in \(resolve(spec.rules)) do not check:\n" + sink.stderr
      return o
    }
    let (data, issues) = Dataset.load(folder: dir, plan: plan)
    let r = Produce.run(plan: plan, data: data, asOf: spec.asOf, since: spec.since)
    let (b, c, m, more) = (r.billing, r.collections, r.cash, r.issues)
    if !(issues + more).isEmpty {
      o.error = "bad test data:\n" + InvoiceRenderer.issues(Array((issues + more).prefix(5)))
      return o
    }
    if !r.failures.isEmpty {
      o.error = "the rules could not be evaluated on the test data:\n" + FailureRenderer.text(r.failures, sources: plan.sources)
      return o
    }
    if update {
      let lines = spec.preamble + [""] + RuleTestSpec.snapshot(b, c, m).map(\.text)
      do { try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8) } catch {
        o.error = "cannot write the file: \(error.localizedDescription)"
      }
      return o
    }
    if spec.expectations.isEmpty { o.failures.append(Failure(line: 1, expectation: "(none)", got: "no expectations (run with --update to record them)")) }
    for (line, e) in spec.expectations {
      if let f = e.failure(b, c, m) { o.failures.append(Failure(line: line, expectation: e.text, got: f)) }
    }
    return o
  }

  static func text(_ o: Outcome) -> String {
    if let e = o.error { return "ERROR \(o.file): \(o.name)\n  \(e)\n" }
    if o.failures.isEmpty { return "ok    \(o.file): \(o.name)\n" }
    return "FAIL  \(o.file): \(o.name)\n" + o.failures.map { "  \(o.file):\($0.line): \($0.expectation)\n      got: \($0.got)\n" }.joined()
  }

  /// GitHub workflow commands: an error annotation per failed expectation (at its line) or test error.
  static func github(_ o: Outcome) -> String {
    func esc(_ s: String) -> String { s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A") }
    func prop(_ s: String) -> String { esc(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
    if let e = o.error { return "::error file=\(prop(o.file)),title=\(prop(o.name))::\(esc(e))\n" }
    return o.failures.map {
      "::error file=\(prop(o.file)),line=\($0.line),title=\(prop(o.name))::\(esc($0.expectation + "; got: " + $0.got))\n"
    }.joined()
  }

  static func json(_ outcomes: [Outcome]) -> JSON {
    let failed = outcomes.filter { $0.error != nil || !$0.failures.isEmpty }.count
    return .object([
      (
        "tests",
        .array(
          outcomes.map { o in
            .object([
              ("file", .string(o.file)), ("name", .string(o.name)),
              ("status", .string(o.error != nil ? "error" : o.failures.isEmpty ? "passed" : "failed")),
              ("error", o.error.map { .string($0) } ?? .null),
              ("failures", .array(o.failures.map { .object([("line", .int($0.line)), ("expectation", .string($0.expectation)), ("got", .string($0.got))]) })),
            ])
          })
      ),
      ("summary", .object([("tests", .int(outcomes.count)), ("passed", .int(outcomes.count - failed)), ("failed", .int(failed))])),
    ])
  }

  static func xml(_ s: String) -> String {
    // XML 1.0 allows no control characters but tab, line feed and carriage return.
    let allowed = String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" ? "\u{FFFD}" : $0 }))
    return allowed.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
      .replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// JUnit XML: one test case per test file.
  static func junitXML(_ outcomes: [Outcome]) -> String {
    let failures = outcomes.filter { !$0.failures.isEmpty }.count
    let errors = outcomes.filter { $0.error != nil }.count
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites tests=\"\(outcomes.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
    out += "  <testsuite name=\"accrue\" tests=\"\(outcomes.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
    for o in outcomes {
      let time = String(format: "%.3f", o.seconds)  // not money
      out += "    <testcase classname=\"\(xml(o.file))\" name=\"\(xml(o.name))\" time=\"\(time)\""
      if let e = o.error {
        out += ">\n      <error message=\"\(xml(String(e.prefix(200))))\">\(xml(e))</error>\n    </testcase>\n"
      } else if !o.failures.isEmpty {
        let details = o.failures.map { "\(o.file):\($0.line): \($0.expectation)\n  got: \($0.got)" }.joined(separator: "\n")
        out += ">\n      <failure message=\"\(o.failures.count) expectation\(o.failures.count == 1 ? "" : "s") failed\">\(xml(details))</failure>\n    </testcase>\n"
      } else {
        out += "/>\n"
      }
    }
    return out + "  </testsuite>\n</testsuites>\n"
  }
}
