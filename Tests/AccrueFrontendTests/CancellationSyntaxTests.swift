import AccrueChecker
import AccrueCompiler
import AccrueDiagnostics
import AccrueModel
import Foundation
import Testing

/// `cancellation ...` in a plan (grammar.md §6.6): each policy compiles with its place; a half-written one teaches
/// the three forms; a second one is E0506.
@Suite("Cancellation policies in the language")
struct CancellationSyntaxTests {
  static func plan(_ statements: String) -> String {
    "currency EUR\nplan p {\n  period monthly\n  align to calendar\n" + statements + "  charge a { flat 1.00 EUR }\n}\n"
  }

  @Test("each policy compiles, with the file:line of its statement", arguments: [
    ("cancellation at end of period", CancellationPolicy.endOfPeriod),
    ("cancellation immediately with prorated credit", .immediateProratedCredit),
    ("cancellation immediately without credit", .immediateNoCredit),
  ])
  func policies(_ text: String, _ policy: CancellationPolicy) throws {
    let p = try LedgerStatementTests.plan(Self.plan("  " + text + "\n"))
    #expect(p.plans[0].cancellation?.policy == policy && p.plans[0].cancellation?.source.line == 5)
  }

  @Test("a plan without a policy compiles without one")
  func none() throws {
    #expect(try LedgerStatementTests.plan(Self.plan("")).plans[0].cancellation == nil)
  }

  @Test("a half-written policy names the forms to write; a misspelt word gets a did-you-mean; a second policy is E0506", arguments: [
    ("  cancellation\n", "E0201", "write 'cancellation at end of period', 'cancellation immediately with prorated credit' or"),
    ("  cancellation immediately\n", "E0201", "say whether the unused days come back"),
    ("  cancellation immediatly without credit\n", "E0201", "did you mean 'immediately'?"),
    ("  cancellation immediately with credit\n", "E0201", "write 'cancellation immediately with prorated credit'"),
    ("  cancellation at end of period\n  cancellation immediately without credit\n", "E0506", "keep one 'cancellation' statement"),
  ])
  func errors(_ text: String, _ code: String, _ help: String) {
    let d = Support.check(Self.plan(text)).1
    #expect(d.contains { $0.code.id == code && ($0.help ?? "").contains(help) }, "\(d.map { "\($0.code.id) \($0.message) \($0.help ?? "")" })")
  }
}
