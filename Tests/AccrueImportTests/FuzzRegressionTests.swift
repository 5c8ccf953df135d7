import AccrueImport
import Foundation
import Testing

/// The findings of the importer fuzz targets (Tests/Fuzz/Regressions/TARGET/), replayed without the fuzzer:
/// each input goes through the same checks as in its target (`ImportFuzzChecks`) and must pass them quickly. An
/// input that crashes again crashes this test run.
@Suite("Fuzz regressions: importers")
struct ImportFuzzRegressionTests {
  static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fuzz/Regressions")

  /// The importer targets (the others are replayed by the front-end tests).
  static let targets = ["camt", "mt940", "bai2", "ofx", "csv", "json"]

  /// The checks of a target.
  static func check(_ target: String, _ bytes: [UInt8]) -> [String] {
    switch target {
    case "csv": ImportFuzzChecks.csv(bytes)
    case "json": ImportFuzzChecks.json(bytes)
    default: ImportFuzzChecks.bank(bytes)
    }
  }

  /// The kept inputs of a target: every file of its folder but dot files and READMEs.
  static func inputs(_ target: String) -> [URL] {
    let dir = regressions.appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && !$0.hasPrefix("README") }.sorted().map { dir.appendingPathComponent($0) }
  }

  @Test("every kept finding passes its target's checks, each in under 10 s", arguments: ["camt", "mt940", "bai2", "ofx", "csv", "json"])
  func replay(_ target: String) throws {
    for url in Self.inputs(target) {
      let bytes = [UInt8](try Data(contentsOf: url))
      if ["camt", "mt940", "bai2", "ofx"].contains(target) {
        #expect(ImportFuzzChecks.isBank(bytes, target), "\(target)/\(url.lastPathComponent) is not detected as \(target)")
      }
      let clock = ContinuousClock()
      let start = clock.now
      let problems = Self.check(target, bytes)
      let elapsed = clock.now - start
      #expect(problems.isEmpty, "\(target)/\(url.lastPathComponent): \(problems.joined(separator: "; "))")
      #expect(elapsed < .seconds(10), "\(target)/\(url.lastPathComponent) took \(elapsed)")
    }
  }

  @Test("every folder of Tests/Fuzz/Regressions is a fuzz target's")
  func foldersAreTargets() throws {
    let known: Set<String> = Set(Self.targets).union(["rules", "fmt"])
    let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.regressions.path)) ?? []
    for name in names where !name.hasPrefix(".") && !name.hasPrefix("README") {
      #expect(known.contains(name), "Tests/Fuzz/Regressions/\(name) is not a fuzz target (\(known.sorted().joined(separator: ", ")))")
    }
  }
}

/// What the fixes of the importer findings promise, beyond not crashing.
@Suite("Fuzz findings: importer fixes")
struct ImportFuzzFixTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  @Test("camt: a processing instruction without data (<?x?>: XMLParser crashed), anywhere, is read like one with data; an entity declaration is refused at its line, wherever it is")
  func camtProcessingInstructions() throws {
    let text = try String(contentsOf: Self.fixtures.appendingPathComponent("camt053_v02.xml"), encoding: .utf8)
    guard case .success(let expected) = BankStatements.parse(bytes: Array(text.utf8), path: "s.xml") else {
      Issue.record("the fixture does not read")
      return
    }
    let declarationEnd = try #require(text.range(of: "?>")).upperBound
    // Where libxml2 goes on after an error (a name missing, a broken declaration), an instruction follows.
    for broken in ["<?<?x?>", "<?a <?b?>", "<?xml BkToCstmrStmt><?n?>", "<?<BkToCstmrStmt\n<?x?>"] {
      var text2 = text
      text2.insert(contentsOf: broken, at: declarationEnd)
      _ = BankStatements.parse(bytes: Array(text2.utf8), path: "s.xml")
      _ = BankStatements.parse(bytes: Array(broken.utf8), path: "s.xml")
    }
    for pi in ["<?x?>", "<?x ?>", "<?xml-stylesheet?>", "<!-- <?x?> --><?y?>"] {
      var withPI = text
      withPI.insert(contentsOf: pi, at: declarationEnd)
      guard case .success(let list) = BankStatements.parse(bytes: Array(withPI.utf8), path: "s.xml") else {
        Issue.record("\(pi): not read")
        continue
      }
      #expect(list == expected, "\(pi)")
    }
    var cdata = text
    cdata = cdata.replacingOccurrences(of: "<Ustrd>", with: "<Ustrd><![CDATA[<?x?>]]>")
    if case .success(let list) = BankStatements.parse(bytes: Array(cdata.utf8), path: "s.xml") {
      #expect(list.contains { $0.remittance.contains("<?x ?>") }, "CDATA is read (with the guard's space)")
    } else {
      Issue.record("CDATA: not read")
    }
    let doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY e \"&#60;?x?>\">]>\n<Document>&e;<BkToCstmrStmt/></Document>\n"
    guard case .failure(let e) = BankStatements.parse(bytes: Array(doctype.utf8), path: "d.xml") else {
      Issue.record("a DOCTYPE is read")
      return
    }
    #expect(e.line == 2 && e.location == "DOCTYPE", "\(e)")
    // After a broken declaration the prolog cannot be told from the bytes, but libxml2 may still read a DOCTYPE
    // there: its entity is refused all the same.
    let hidden = "<?xml BkToCstmrStmt>\n<!DOCTYPE Document [<!ENTITY e \"&#60;?x?>\">]>\n<Document>&e;</Document>\n"
    guard case .failure(let h) = BankStatements.parse(bytes: Array(hidden.utf8), path: "d.xml") else {
      Issue.record("an entity after a broken declaration is read")
      return
    }
    #expect(h.line == 2 && h.location == "DOCTYPE" && h.message.hasPrefix("the file declares an entity"), "\(h)")
  }
}
