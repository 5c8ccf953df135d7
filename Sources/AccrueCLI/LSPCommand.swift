import AccrueCore
import AccrueData
import AccrueLSP
import AccrueModel
import AccrueRun
import Foundation

/// `accrue lsp`: the language server on standard input and output (docs/lsp.md). The CLI lends it what lives above
/// the language libraries: running rule tests and a `plan` run for the code lenses.
enum LSPCommand {
  static let spec = CommandSpec(
    name: "lsp", abstract: "Run the language server (LSP 3.17 on standard input and output) for editors.",
    arguments: [], options: [],
    discussion: "Editors start it; see docs/lsp.md for the features and settings. Exits 0 after 'shutdown' and 'exit', 1 otherwise.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    LSPMain.run(hooks: LSPHooks(runTests: runTests, planRun: planRun))
  }

  /// The rule tests under a rule set's folder, each run as `accrue test` runs it.
  @Sendable static func runTests(_ root: String) -> [TestLensResult] {
    guard let files = FileWalk.files([root], suffix: ".accrue-test", io: CapturedOutput()) else { return [] }
    return files.map { file in
      let o = TestCommand.runOne(file, update: false)
      let summary =
        o.error.map { $0.split(separator: "\n").first.map(String.init) ?? $0 }
        ?? o.failures.first.map { "line \($0.line): expected \($0.expectation), got \($0.got)" } ?? "passed"
      return TestLensResult(file: file, name: o.name, passed: o.error == nil && o.failures.isEmpty, summary: summary)
    }
  }

  /// A `plan` run of the rule set (as saved) on a data folder: what each rule produced.
  @Sendable static func planRun(_ root: String, _ data: String, _ asOf: String?) -> PlanLensResult {
    let shown = asOf ?? ""
    guard let asOf, let date = CivilDate.parse(asOf) else {
      return PlanLensResult(asOf: shown, produced: [], error: "accrue.asOf must be a date such as 2026-11-01")
    }
    let sink = CapturedOutput()
    guard let plan = RulesStage.compile(root, io: sink) else {
      return PlanLensResult(asOf: shown, produced: [], error: "the saved rules do not check: run accrue check \(root)")
    }
    let (dataset, issues) = Dataset.load(folder: data, plan: plan)
    let r = Produce.run(plan: plan, data: dataset, asOf: date)
    if let i = (issues + r.issues).first {
      return PlanLensResult(asOf: shown, produced: [], error: "the data has issues, first \(i.file):\(i.line): \(i.message)")
    }
    if let f = r.failures.first { return PlanLensResult(asOf: shown, produced: [], error: f.description) }
    var out: [ProducedItem] = []
    for inv in r.billing.invoices {
      for l in inv.lines { out.append(ProducedItem(kind: "invoice", key: inv.key, file: l.rule.file, line: l.rule.line)) }
    }
    for rem in r.collections?.reminders ?? [] {
      out.append(ProducedItem(kind: "reminder", key: rem.key, file: rem.rule.file, line: rem.rule.line))
    }
    for app in r.cash?.applications ?? [] {
      guard let rule = app.ruleSource else { continue }
      out.append(ProducedItem(kind: "payment match", key: app.paymentID, file: rule.file, line: rule.line))
    }
    return PlanLensResult(asOf: shown, produced: out)
  }
}
