import Foundation
import Testing

/// The findings of the rule fuzz targets (Tests/Fuzz/Regressions/rules and fmt), replayed without the fuzzer:
/// each input goes through the same checks as in its target (`FrontendFuzzChecks`), on an 8 MB stack as in
/// `accrue`, and must pass them quickly.
/// An input that crashes again crashes this test run. (The importer targets' are replayed by AccrueImportTests.)
@Suite("Fuzz regressions: rules and fmt")
struct FrontendFuzzRegressionTests {
  static let regressions = Support.repoRoot.appendingPathComponent("Tests/Fuzz/Regressions")

  /// The kept inputs of a target: every file of its folder but dot files and READMEs.
  static func inputs(_ target: String) -> [URL] {
    let dir = regressions.appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && !$0.hasPrefix("README") }.sorted().map { dir.appendingPathComponent($0) }
  }

  @Test("every kept finding passes its target's checks, each in under 10 s", arguments: ["rules", "fmt"])
  func replay(_ target: String) throws {
    for url in Self.inputs(target) {
      let bytes = [UInt8](try Data(contentsOf: url))
      let clock = ContinuousClock()
      let start = clock.now
      // On a stack as large as the command line's (the fuzz targets give theirs more: AddressSanitizer).
      let problems = FrontendFuzzChecks.onThread(stackSize: FrontendFuzzChecks.commandLineStack) {
        target == "rules" ? FrontendFuzzChecks.rules(bytes) : FrontendFuzzChecks.fmt(bytes)
      }
      let elapsed = clock.now - start
      #expect(problems.isEmpty, "\(target)/\(url.lastPathComponent): \(problems.joined(separator: "; "))")
      #expect(elapsed < .seconds(10), "\(target)/\(url.lastPathComponent) took \(elapsed)")
    }
  }
}
