import AccrueDiagnostics
import AccrueModel
import AccrueRender
import Foundation
import Testing

/// The data codes' catalogue (Catalog+Data*.swift) against the sources: every D code a source emits (a string
/// literal "D0xxx" in Sources/) has an entry `accrue explain` prints, and every entry is emitted somewhere.
@Suite("Data code catalog")
struct DataCatalogTests {
  /// Every "D0xxx" string literal in Sources/ (the catalogue's own files excepted), with the files having it.
  static func emitted() throws -> [String: [String]] {
    let sources = Support.repoRoot.appendingPathComponent("Sources")
    let fm = FileManager.default
    var out: [String: [String]] = [:]
    let files = try #require(fm.enumerator(atPath: sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
    for rel in files.sorted() where !rel.hasPrefix("AccrueDiagnostics/Catalog") {
      let bytes = Array(try Data(contentsOf: sources.appendingPathComponent(rel)))
      var i = 0
      // "D0" followed by three digits and a closing quote, after an opening quote.
      while i + 7 <= bytes.count {
        if bytes[i] == 0x22, bytes[i + 1] == 0x44, bytes[i + 2] == 0x30, bytes[i + 6] == 0x22,
          (3...5).allSatisfy({ bytes[i + $0] >= 0x30 && bytes[i + $0] <= 0x39 })
        {
          let code = String(decoding: bytes[(i + 1)...(i + 5)], as: UTF8.self)
          if out[code]?.last != rel { out[code, default: []].append(rel) }
          i += 7
        } else {
          i += 1
        }
      }
    }
    return out
  }

  @Test("every D code the sources emit has a catalog entry")
  func everyEmittedCodeIsExplained() throws {
    let emitted = try Self.emitted()
    #expect(emitted.count >= 30, "the scan found only \(emitted.keys.sorted())")
    let catalog = Set(DiagnosticCode.data.map(\.id))
    let missing = emitted.keys.filter { !catalog.contains($0) }.sorted()
    #expect(missing.isEmpty, "no entry in Catalog+Data*.swift for: \(missing.map { "\($0) (\(emitted[$0]!.joined(separator: ", ")))" })")
    for id in emitted.keys { #expect(DiagnosticCode.lookup(id)?.id == id, "accrue explain \(id) finds nothing") }
  }

  @Test("every catalog entry is emitted somewhere")
  func everyEntryIsEmitted() throws {
    let emitted = try Self.emitted()
    let stale = DiagnosticCode.data.map(\.id).filter { emitted[$0] == nil }
    #expect(stale.isEmpty, "catalogued but emitted nowhere in Sources/: \(stale)")
  }

  @Test("data entries are complete, unique and apart from the rules' codes")
  func entriesWellFormed() {
    let data = DiagnosticCode.data
    #expect(data == data.sorted())
    #expect(Set(data.map(\.id)).count == data.count)
    let names = (DiagnosticCode.all + data).map(\.name)
    #expect(Set(names).count == names.count, "names must be unique across all codes (lookup by name)")
    #expect(DiagnosticCode.all.allSatisfy { !$0.isData })
    for c in data {
      #expect(c.id.hasPrefix("D0") && c.isData, "\(c.id)")
      #expect(c.severity == .error || c.severity == .warning, "\(c.id)")
      #expect(!c.title.isEmpty && !c.title.hasSuffix("."), "\(c.id)")
      #expect(c.explanation.contains("gets:"), "\(c.id): the example shows the message the data gets")
      #expect(c.explanation.contains("Wrong") && c.explanation.contains("Right"), "\(c.id): the example shows the wrong and the fixed data")
      #expect(c.explanation.contains(c.id), "\(c.id): the example's message carries its code")
      #expect(c.explanation.split(separator: "\n").allSatisfy { $0.count <= 120 }, "\(c.id): a line longer than 120")
    }
    // The statements' own checks are warnings (errors with --strict); everything else stops the run.
    #expect(data.filter { $0.severity == .warning }.map(\.id) == ["D0320", "D0321", "D0322", "D0323"])
  }

  @Test("a list of data issues ends with one hint to accrue explain")
  func explainHintOnce() {
    #expect(InvoiceRenderer.explainHint([]) == "")
    #expect(InvoiceRenderer.issues([]) == "")
    #expect(
      InvoiceRenderer.explainHint(["D0203", "D0203", "D0204", "D0305", "D0101"])
        == "  = help: 'accrue explain D0203' says what a code means and what to write instead (also D0204, D0305, ...)\n")
    let rows = (1...3).map { DataIssue(code: "D0304", file: "payments.csv", line: $0 + 1, column: 1, message: "duplicate payment id 'P-1'") }
    let text = InvoiceRenderer.issues(rows)
    #expect(text.components(separatedBy: "accrue explain").count == 2, "\(text)")
    #expect(text.hasSuffix("  = help: 'accrue explain D0304' says what a code means and what to write instead\n"))
  }
}
