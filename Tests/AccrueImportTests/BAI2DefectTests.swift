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

  static func statements(_ name: String, altering: (String, String)? = nil) throws -> [BankStatement] {
    let path = BankStatementTests.fixtures + "/" + name
    var text = try String(contentsOfFile: path, encoding: .utf8)
    if let (a, b) = altering { text = text.replacingOccurrences(of: a, with: b) }
    return try BankStatements.parseStatements(bytes: Array(text.utf8), path: name).get()
  }

  @Test("BAI2: bank-defined type codes 920-959 and 960-999 read as credit and debit; 720 and record 890 held with located warnings")
  func customCodes() throws {
    let statements = try Self.statements("bai2_custom_codes.bai")
    let t = statements.flatMap(\.transactions)
    #expect(t.map { $0.amount.description } == ["1000", "200", "-50"])
    #expect(t.map(\.bankReference) == ["BR-0101", "BR-0102", "BR-0103"])
    #expect(t[1].notes == ["type code 925 is the bank's own (BAI2 920-959: a credit)"])
    #expect(t[2].notes == ["type code 965 is the bank's own (BAI2 960-999: a debit)"])
    let warnings = StatementChecks.warnings(statements, file: "bai2_custom_codes.bai")
    // The held 720 still counts in the control totals (they agree); the statement reconciles without it.
    #expect(warnings.map { "\($0.line):\($0.column) \($0.code)" } == ["7:1 D0323", "8:1 D0323"], "\(warnings)")
    #expect(
      warnings.first?.message
        == "detail type code 720 (account 000123456789, amount 70.00 USD) says neither credit nor debit (BAI2: 100-399 and 920-959 "
        + "credits, 400-699 and 960-999 debits; 700-799 are loan codes, whose direction the specification does not give): the entry is "
        + "held, not read as a payment (its amount still counts in the control totals); ask the bank which way type code 720 books")
    #expect(warnings.last?.message.hasPrefix("record type '890' is not a BAI2 record type (01, 02, 03, 16, 88, 49, 98, 99): the record is not read") == true)
  }

  @Test("BAI2: a status code, an unassigned code or a code past 999 in a 16 is held with its reason, never guessed", arguments: [
    ("010", "010 is an account status code, not a transaction"), ("850", "800-899 are not assigned"),
    ("905", "900-919 are a bank's own account status codes, not transactions"), ("1001", "1001 is no BAI2 type code"),
  ])
  func heldCodes(_ code: String, _ why: String) throws {
    let statements = try Self.statements("bai2_custom_codes.bai", altering: ("16,720,", "16,\(code),"))
    #expect(statements.flatMap(\.transactions).count == 3)
    let w = StatementChecks.warnings(statements, file: "x").filter { $0.code == "D0323" }
    #expect(w.first.map { $0.line == 7 && $0.message.contains(why) } == true, "\(w)")
  }

  @Test("BAI2: group and file control totals over accounts in USD, JPY and CAD are sums as written: no false D0321")
  func mixedCurrencyTotals() throws {
    let statements = try Self.statements("bai2_two_currencies.bai")
    #expect(statements.map { $0.currency?.code ?? "" } == ["USD", "JPY", "CAD"])
    #expect(statements.flatMap(\.transactions).map { $0.amount.description } == ["250.5", "12345"])
    #expect(StatementChecks.warnings(statements, file: "x").isEmpty)
    // A wrong total is still caught, compared as written and saying so.
    let altered = try Self.statements("bai2_two_currencies.bai", altering: ("98,437395,", "98,437396,"))
    let w = StatementChecks.warnings(altered, file: "bai2_two_currencies.bai")
    #expect(w.map { "\($0.line) \($0.code)" } == ["9 D0321"], "\(w)")
    #expect(w.first?.message.contains("(accounts in JPY, USD: amounts as written, in minor units) control total is 437396, the records add up to 437395") == true, "\(w)")
    // One currency in a group: compared in it, as before.
    let usd = try Self.statements("bai2_two_currencies.bai", altering: ("98,200000,", "98,200001,"))
    #expect(StatementChecks.warnings(usd, file: "x").first?.message.contains("control total is 2,000.01 CAD, the records add up to 2,000.00 CAD") == true)
  }
}
