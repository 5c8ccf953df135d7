import AccrueChecker
import AccrueCompiler
import AccrueDiagnostics
import AccrueModel
import Foundation
import Testing

/// `upgrade ...` / `downgrade ...` in a plan (grammar.md §6.11): each policy compiles with its place; an unknown
/// policy word names the two policies to write; a second statement of a direction is E0506.
@Suite("Upgrade and downgrade policies in the language")
struct PlanChangeSyntaxTests {
  static func plan(_ statements: String) -> String {
    "currency EUR\nplan p {\n  period monthly\n  align to calendar\n" + statements + "  charge a { flat 1.00 EUR }\n}\n"
  }

  @Test("each policy compiles, with the file:line of its statement")
  func policies() throws {
    let p = try LedgerStatementTests.plan(Self.plan("  upgrade immediately with proration\n  downgrade at end of period\n"))
    #expect(p.plans[0].upgrade?.timing == .immediately && p.plans[0].upgrade?.source.line == 5)
    #expect(p.plans[0].downgrade?.timing == .endOfPeriod && p.plans[0].downgrade?.source.line == 6)
    let q = try LedgerStatementTests.plan(Self.plan("  upgrade at end of period\n"))
    #expect(q.plans[0].upgrade?.timing == .endOfPeriod && q.plans[0].downgrade == nil)
  }

  @Test("a plan without a policy compiles without one")
  func none() throws {
    let p = try LedgerStatementTests.plan(Self.plan(""))
    #expect(p.plans[0].upgrade == nil && p.plans[0].downgrade == nil)
  }

  @Test("an unknown policy word names the policies to write; a second statement of a direction is E0506", arguments: [
    ("  downgrade next period\n", "E0201", "write 'downgrade immediately with proration' (the change takes effect on its day"),
    ("  upgrade immediately\n", "E0201", "or 'upgrade at end of period'"),
    ("  upgrade immediately with prorated\n", "E0201", "write 'upgrade immediately with proration'"),
    ("  downgrade at end of term\n", "E0201", "'downgrade at end of period'"),
    ("  downgrade at end of period\n  downgrade immediately with proration\n", "E0506", "keep one 'downgrade' statement"),
  ])
  func errors(_ text: String, _ code: String, _ help: String) {
    let d = Support.check(Self.plan(text)).1
    #expect(d.contains { $0.code.id == code && ($0.help ?? "").contains(help) }, "\(d.map { "\($0.code.id) \($0.message) \($0.help ?? "")" })")
  }

  @Test("an upgrade and a downgrade policy in one plan are not a repeat")
  func bothDirections() {
    let d = Support.check(Self.plan("  upgrade at end of period\n  downgrade at end of period\n")).1
    #expect(d.isEmpty, "\(d.map(\.message))")
  }
}
