import AccrueChecker
import AccrueCompiler
import AccrueParser
import Foundation
import Testing

@testable import AccrueBilling

/// `Billing.usageChargesOf` (each plan's usage charges read once, not once per task) finds what `usageAccumulators`
/// found charge by charge in every task.
@Suite("Usage charges read once per plan")
struct UsageChargeTableTests {
  /// The plain path it replaces: each charge of the plan considered, its keys, clock, metric and pricing read there.
  static func plain(_ spec: CompiledPlanSpec) -> [(Int, ChargeClock?, [Int], Int, Bool)] {
    var out: [(Int, ChargeClock?, [Int], Int, Bool)] = []
    for (k, ch) in spec.charges.enumerated() {
      guard case .usage = ch.quantity else { continue }
      let capacity: [Int]?
      if case .capacity? = ch.pricing { capacity = Billing.usageKeys(ch, k, spec) } else { capacity = nil }
      let one = Billing.usageKey(ch, k)
      var keys: [Int] = []
      for j in 0..<(capacity?.count ?? (one == nil ? 0 : 1)) { keys.append(capacity?[j] ?? one!) }
      var percentage = false
      if case .percentage? = ch.pricing { percentage = true }
      out.append((k, spec.clock(of: ch), keys, Billing.metricOf(ch), percentage))
    }
    return out
  }

  @Test("every plan of the bundled rules and of each example, as the plain path reads it")
  func asPlain() throws {
    let examples = CLITestsRoot.repo.appendingPathComponent("examples")
    var folders = [CLITestsRoot.rules.path]
    for name in try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted() where name != "data" {
      var dir: ObjCBool = false
      let path = examples.appendingPathComponent(name).path
      if FileManager.default.fileExists(atPath: path, isDirectory: &dir), dir.boolValue { folders.append(path) }
    }
    var plans = 0
    var usage = 0
    for folder in folders {
      let load = RuleSetLoader.load(paths: [folder])
      let (results, _) = Frontend.check(load)
      for (_, checked) in results where !checked.hasErrors {
        let plan = PlanCompiler.compile(checked.program, sources: load.sources)
        for spec in plan.plans {
          let table = Billing.usageChargesOf(spec)
          let expected = Self.plain(spec)
          #expect(table.count == expected.count, "\(folder) \(spec.name)")
          for (u, e) in zip(table, expected) {
            #expect(u.charge == e.0 && u.clock == e.1 && u.keys == e.2 && u.metric == e.3 && u.percentage == e.4, "\(folder) \(spec.name)")
          }
          plans += 1
          usage += table.count
        }
      }
    }
    #expect(plans > 20)
    #expect(usage > 5)
  }
}
