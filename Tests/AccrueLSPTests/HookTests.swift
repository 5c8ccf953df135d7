@testable import AccrueCLI
import AccrueLSP
import Foundation
import Testing

/// What `accrue lsp` lends the server for code lenses, on the bundled rules and example data.
@Suite struct HookTests {
  static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  @Test func ruleTestsOfTheBundledRulesPass() {
    let results = LSPCommand.runTests(Self.repo + "/rules")
    #expect(results.count == 4)
    #expect(results.allSatisfy { $0.passed })
  }

  @Test func aPlanRunNamesTheRulesThatProducedEachItem() {
    let r = LSPCommand.planRun(Self.repo + "/rules", Self.repo + "/examples/data", "2026-11-01")
    #expect(r.error == nil)
    #expect(r.produced.contains { $0.kind == "invoice" && $0.file.hasSuffix("rules/plans.accrue") })
    #expect(r.produced.contains { $0.kind == "reminder" && $0.file.hasSuffix("rules/dunning.accrue") })
    #expect(LSPCommand.planRun(Self.repo + "/rules", Self.repo + "/examples/data", "someday").error?.contains("must be a date") == true)
  }
}
