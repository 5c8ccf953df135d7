import AccrueDiagnostics
import AccrueParser
import AccrueRender
import Foundation

/// One rule test's result (a `*.accrue-test` file of the rule set's folder).
public struct TestLensResult: Sendable, Equatable {
  public var file: String
  public var name: String
  public var passed: Bool
  /// One line: what failed first, or "passed".
  public var summary: String
  public init(file: String, name: String, passed: Bool, summary: String) {
    self.file = file
    self.name = name
    self.passed = passed
    self.summary = summary
  }
}

/// One thing a `plan` run produced and the rule that produced it.
public struct ProducedItem: Sendable, Equatable {
  /// "invoice", "reminder" or "payment match".
  public var kind: String
  /// The invoice's key, the reminder's key, the payment's id: counted once per rule.
  public var key: String
  /// The rule's file (as the run loaded it) and 1-based line.
  public var file: String
  public var line: Int
  public init(kind: String, key: String, file: String, line: Int) {
    self.kind = kind
    self.key = key
    self.file = file
    self.line = line
  }
}

/// What a `plan` run on the configured data folder produced, or why it could not run.
public struct PlanLensResult: Sendable, Equatable {
  public var asOf: String
  public var produced: [ProducedItem]
  public var error: String?
  public init(asOf: String, produced: [ProducedItem], error: String? = nil) {
    self.asOf = asOf
    self.produced = produced
    self.error = error
  }
}

/// The code lenses' results for one rule set.
struct LensData {
  var tests: [TestLensResult]?
  var plan: PlanLensResult?
}

extension LanguageServer {
  /// `textDocument/codeLens`: above each entry file, the rule tests' results; above each plan, cadence and match
  /// rule, what it produced on the configured data folder's `plan` run. Both run on the files as saved, once per
  /// save.
  func codeLenses(_ p: JSON) throws -> JSON {
    let t = try target(p)
    let a = t.analysis
    let data = lensData(root: a.root)
    var lenses: [JSON] = []
    let top = LSPRange(Position(line: 0, character: 0), Position(line: 0, character: 0))
    if let tests = data.tests, a.set?.entries.contains(t.file) == true, !tests.isEmpty {
      let failed = tests.filter { !$0.passed }
      lenses.append(lens(top, "rule tests: \(tests.count - failed.count) passed, \(failed.count) failed"))
      for f in failed { lenses.append(lens(top, "✗ \(f.name): \(Hovers.clip(f.summary, 100))")) }
    }
    if let plan = data.plan {
      if let e = plan.error {
        if a.set?.entries.first == t.file { lenses.append(lens(top, "plan run: \(Hovers.clip(e, 120))")) }
      } else {
        lenses += planLenses(plan, t.file, a)
      }
    }
    return .array(lenses)
  }

  static func plural(_ w: String) -> String { w.hasSuffix("ch") ? w + "es" : w + "s" }

  func lens(_ r: LSPRange, _ title: String) -> JSON {
    .object([("range", r.json), ("command", .object([("title", .string(title)), ("command", .string(""))]))])
  }

  func planLenses(_ plan: PlanLensResult, _ file: FileID, _ a: Analysis) -> [JSON] {
    let path = a.sources[file].path
    let mine = plan.produced.filter { $0.file == path || path.hasSuffix("/" + $0.file) }
    var out: [JSON] = []
    for d in a.index.all where d.span.file == file && (d.kind == .plan || d.kind == .cadence || d.kind == .matchRule) {
      let from = a.map(file).position(of: Int(d.span.start)).line + 1
      let to = a.map(file).position(of: Int(d.span.end)).line + 1
      var counts: [String: Set<String>] = [:]
      for item in mine where item.line >= from && item.line <= to { counts[item.kind, default: []].insert(item.key) }
      let what = d.kind == .plan ? "invoice" : d.kind == .cadence ? "reminder" : "payment match"
      let text =
        counts.isEmpty
        ? "no \(Self.plural(what)) on the data as of \(plan.asOf)"
        : counts.keys.sorted().map { "\(counts[$0]!.count) \(counts[$0]!.count == 1 ? $0 : Self.plural($0))" }.joined(separator: ", ")
          + " as of \(plan.asOf)"
      let r = a.map(file).range(Int(d.nameSpan.start), Int(d.nameSpan.end))
      out.append(lens(r, text))
    }
    return out
  }

  /// The tests' and the plan run's results for a root, computed once per save.
  func lensData(root: String) -> LensData {
    if let d = lensCache[root] { return d }
    var d = LensData()
    if settings.testLenses, let run = hooks.runTests, !root.hasPrefix(untitledFolder) { d.tests = run(root) }
    if let folder = settings.dataFolder, let run = hooks.planRun, !root.hasPrefix(untitledFolder) {
      let abs = folder.hasPrefix("/") ? folder : workspaceFolder + "/" + folder
      if let asOf = settings.asOf {
        d.plan = run(root, abs, asOf)
      } else {
        d.plan = PlanLensResult(asOf: "", produced: [], error: "set accrue.asOf (YYYY-MM-DD) to run the rules on \(folder)")
      }
    }
    lensCache[root] = d
    return d
  }
}
