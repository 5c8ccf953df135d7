import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueGen
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

@testable import AccrueBilling

/// Billing dates found on two threads (each a half of the contracts, its own environment) are the list one pass
/// over the contracts gives: the same tasks in the same order, the same failures.
@Suite("Billing dates on two threads")
struct BillingDatesTests {
  static func describe(_ r: (tasks: [BillTask], failures: [RunFailure])) -> [String] {
    r.tasks.map { t in
      "\(t.contract) \(t.date) \(String(describing: t.advance)) \(String(describing: t.arrears)) \(t.periodNumber) \(String(describing: t.clock))"
    } + r.failures.map { "\($0.subject) \($0.message)" }
  }

  @Test("generated contracts and the example company's: two halves joined equal one pass", arguments: [false, true])
  func halvesAsOnePass(_ examples: Bool) throws {
    let dir: String
    if examples {
      dir = CLITestsRoot.repo.appendingPathComponent("examples/data").path
    } else {
      dir = TemporaryPaths.make("accrue-dates")
      try DataGenerator.write(DataGeneratorOptions(contracts: 500, events: 10, openInvoices: 10, payments: 10, seed: 5), to: dir)
    }
    let (plan, data) = CLITestsRoot.load(dir)
    for asOf in ["2026-11-01", "2026-12-15", "2027-03-01"] {
      let to = try #require(CivilDate.parse(asOf))
      let from = try #require(to.adding(months: -1, .clamp))
      func env() -> Env {
        let e = Env(asOf: to)
        for l in plan.lets { e.lets.append(l.eval(e)) }
        return e
      }
      let one = Billing.billingDates(plan, data, from: from, to: to, env(), twoThreadsFrom: .max)
      let two = Billing.billingDates(plan, data, from: from, to: to, env(), twoThreadsFrom: 2)
      #expect(!one.tasks.isEmpty)
      #expect(Self.describe(one) == Self.describe(two), "\(asOf)")
    }
  }
}

/// `UsageKeys` (two keys inline, the rest in a dictionary) reads and writes as `[Int: Int]` does.
@Suite("A task's usage keys")
struct UsageKeysTests {
  @Test("random sets, removals and reads agree with a dictionary")
  func asDictionary() {
    var g: UInt64 = 3
    func next(_ n: Int) -> Int {
      g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((g >> 33) % UInt64(n))
    }
    for round in 0..<200 {
      var keys = UsageKeys()
      var dict: [Int: Int] = [:]
      for _ in 0..<(1 + round % 12) {
        let k = next(7) - 3
        let v: Int? = next(4) == 0 ? nil : next(1000)
        keys[k] = v
        dict[k] = v
        for q in -4...4 { #expect(keys[q] == dict[q], "round \(round), key \(q)") }
      }
    }
  }
}
