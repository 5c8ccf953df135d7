import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// BAI2 defects of issue 23 (items 1 and 2): `88` continuations of account summaries and of detail text.
@Suite("BAI2 defects")
struct BAI2DefectTests {
  static func read(_ name: String) throws -> [BankTransaction] {
    try BankStatementTests.read(name)
  }

  @Test("BAI2: a 03 record ending in ',,,/' continued by 88 records keeps its summary groups aligned")
  func continuedSummaryAligned() throws {
    // Read with the empty field before '/' as a field, the groups shift and the 49 total (16631101.00) is not met.
    let list = try Self.read("bai2_continued_summary.bai")
    #expect(list.map { $0.amount.description } == ["25000", "7500.25", "-6750"])
    #expect(list.map(\.reference) == ["INV-2026-0101", "INV-2026-0102", "1043"])
  }

  @Test("BAI2: the specification's forms stay read: ',,/' ending a group's count, a type code alone before '/'")
  func specContinuations() throws {
    let list = try Self.read("bai2_spec_continued.bai")
    #expect(list.map { $0.amount.description } == ["18000", "-6000"])
    // A 16 ended after its funds type's extra fields: the 88 carries the references, then the text.
    #expect(list[0].bankReference == "LB-0042" && list[0].reference == "INV-2026-0200")
    #expect(list[0].remittance == "LOCKBOX DEPOSIT, 2 ITEMS MAPLE ROW ACCOUNTING")
  }

  @Test("BAI2: 88 text of a 16 lands in the remittance; the bank and customer references stay as written")
  func detailTextContinues() throws {
    let list = try Self.read("bai2_detail_text.bai")
    #expect(list.count == 2)
    #expect(list[0].bankReference == "BR-8001" && list[0].reference == "INV-2026-0311")
    #expect(list[0].remittance == "FP INCOMING, AURORA BIOTECH PLC INV-2026-0311 AND INV-2026-0312")
    #expect(list[0].valueDate?.description == "2026-11-01")
    #expect(list[1].bankReference == "BR-8002" && list[1].reference == "INV-2026-0313")
    #expect(list[1].remittance == "BACS CREDIT, MAPLE ROW REF 0313")  // text begun in the 16, commas kept
  }

  @Test("BAI2: a wrong control total on a continued 03 is still caught at its trailer (D0321)")
  func continuedSummaryStillChecked() {
    let path = BankStatementTests.fixtures + "/bai2_continued_summary.bai"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      Issue.record("fixture missing")
      return
    }
    let altered = text.replacingOccurrences(of: "88,040,412610000", with: "88,040,412610001")
    guard case .success(let statements) = BankStatements.parseStatements(bytes: Array(altered.utf8), path: "day.bai") else {
      Issue.record("the file was not read")
      return
    }
    let warnings = StatementChecks.warnings(statements, file: "day.bai")
    #expect(warnings.first.map { $0.line == 9 && $0.code == "D0321" } == true)
    #expect(warnings.first?.message.contains("control total is 16,631,101.00 USD, the records add up to 16,631,101.01 USD") == true, "\(warnings)")
  }
}
