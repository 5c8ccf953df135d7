import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// The public statement files of Tests/PublicStatements (open-source parsers' test suites; SOURCES.md) read with the
/// counts and sums the independent parsers give (mt-940 5.1.1, bai2 0.15.0, ofxparse 0.21, an XML reader for camt;
/// `.ci/compare-parsers` compares every field). The defects the comparison found are known issues below, named as in
/// Tests/PublicStatements/DIFFERENCES.md.
@Suite("Public statement files")
struct PublicStatementTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("PublicStatements").path

  struct Expected: Sendable, CustomTestStringConvertible {
    var file: String
    var count: Int
    /// The sum per currency, in currency order, as the reference parser adds them up.
    var sums: String
    var testDescription: String { file }
  }

  /// Transactions and sums per currency, verified against the reference parsers.
  static let readable: [Expected] = [
    Expected(file: "mt940/betterplace_sepa_snippet.sta", count: 11, sums: "EUR -2143323.39"),
    Expected(file: "mt940/jejik_abnamro.sta", count: 10, sums: "EUR -345.93"),
    Expected(file: "mt940/jejik_ing.sta", count: 7, sums: "EUR -45.59"),
    Expected(file: "mt940/jejik_postfinance.sta", count: 4, sums: "CHF 159.4"),
    Expected(file: "mt940/jejik_rabobank-iban.sta", count: 4, sums: "EUR -70"),
    Expected(file: "mt940/jejik_sns.sta", count: 2, sums: "EUR -25"),
    Expected(file: "mt940/jejik_triodos.sta", count: 2, sums: "EUR -715.7"),
    Expected(file: "mt940/mBank_mt940.sta", count: 3, sums: "PLN 0.03"),
    Expected(file: "bai2/account_trailer_amount_blank_example.bai2", count: 0, sums: ""),
    Expected(file: "bai2/citi_example.bai2", count: 1, sums: "GBP 0.01"),
    Expected(file: "bai2/nwb_example.bai2", count: 5, sums: "GBP -26.76"),
    Expected(file: "bai2/svb_us_example.bai2", count: 2, sums: "USD 13959.96"),
    Expected(file: "ofx/anzcc.ofx", count: 1, sums: "AUD -5.5"),
    Expected(file: "ofx/bank_medium.ofx", count: 3, sums: "CAD -345.27"),
    Expected(file: "ofx/checking.ofx", count: 3, sums: "USD -59.5"),
    Expected(file: "ofx/suncorp.ofx", count: 1, sums: "AUD -16.85"),
    Expected(file: "camt/camt053.v2.minimal.xml", count: 1, sums: "EUR 8.85"),
    Expected(file: "camt/camt053.v2.multi.statement.xml", count: 2, sums: "EUR 1.85"),
    Expected(file: "camt/camt053.v8.xml", count: 1, sums: "EUR 8.85"),
  ]

  /// Files Accrue refuses on purpose (DIFFERENCES.md): the file, the line of the error, what it says (the DEM
  /// statement's message is defect D6, so not pinned).
  static let rejected: [(file: String, line: Int, says: String)] = [
    ("camt/camt054.v2.xml", 79, "without an amount for each"),
    ("camt/camt054.v8-with-UETR.xml", 16, "neither BookgDt nor ValDt"),
    ("mt940/cmxl_mt940.sta", 4, ""),
  ]

  static func read(_ file: String) throws -> [BankTransaction] {
    switch BankStatements.read(path: root + "/" + file) {
    case .success(let list): return list
    case .failure(let e): throw e
    }
  }

  static func sums(_ list: [BankTransaction]) -> String {
    var totals = CurrencyTotals()
    for t in list { totals.add(t.amount, t.currency) }
    return totals.inOrder.map { "\($0.currency.code) \($0.sum.map(\.description) ?? "too large")" }.joined(separator: ", ")
  }

  @Test("each file reads with the reference parser's transaction count and sums", arguments: readable)
  func countsAndSums(_ e: Expected) throws {
    let list = try Self.read(e.file)
    #expect(list.count == e.count)
    #expect(Self.sums(list) == e.sums)
    for t in list { #expect(t.source.hasPrefix(Self.root + "/" + e.file + ":")) }
  }

  @Test("the files refused on purpose are refused at their line")
  func refused() {
    for r in Self.rejected {
      guard case .failure(let e) = BankStatements.read(path: Self.root + "/" + r.file) else {
        Issue.record("\(r.file) was read; it is refused on purpose (DIFFERENCES.md)")
        continue
      }
      #expect(e.line == r.line, "\(r.file)")
      #expect(r.says.isEmpty || e.message.contains(r.says), "\(r.file): \(e.message)")
    }
  }

  @Test("every public file is listed here, and has its origin in SOURCES.md")
  func everyFileListed() throws {
    let fm = FileManager.default
    let sources = try String(contentsOfFile: Self.root + "/SOURCES.md", encoding: .utf8)
    var found: [String] = []
    for folder in ["bai2", "camt", "mt940", "ofx"] {
      for name in try fm.contentsOfDirectory(atPath: Self.root + "/" + folder) { found.append(folder + "/" + name) }
    }
    let listed = Set(Self.readable.map(\.file) + Self.rejected.map(\.file))
    #expect(Set(found) == listed)
    for file in found { #expect(sources.contains("`\(file)`"), "\(file) has no origin in SOURCES.md") }
  }

  @Test("the defects the comparison found stay fixed (DIFFERENCES.md D1-D6); the GVC 159 returns are flagged")
  func fixedDefects() throws {
    let sepa = try Self.read("mt940/betterplace_sepa_snippet.sta")
    #expect(sepa[3].endToEndID == "")  // D1: a bare KREF+ is no reference
    #expect(!sepa[3].remittance.contains("KREF+") && !sepa[4].remittance.contains("EREF+"))  // D2
    #expect(sepa.filter(\.isReturn).count == 4)
    let rabo = try Self.read("mt940/jejik_rabobank-iban.sta")
    #expect(rabo[1].endToEndID == "" && rabo[3].endToEndID == "")  // D3
    #expect(rabo[0].counterpartyAccount == "NL70ABNA0987654321")  // D5
    let suncorp = try Self.read("ofx/suncorp.ofx")
    #expect(suncorp[0].counterpartyName.trimmingCharacters(in: .whitespaces) == "EFTPOS WDL HANDYWAY ALDI STORE")  // D4
    #expect(suncorp[0].remittance.hasPrefix("EFTPOS WDL HANDYWAY ALDI STORE"))
    guard case .failure(let e) = BankStatements.read(path: Self.root + "/mt940/cmxl_mt940.sta") else {
      Issue.record("a DEM statement was read")
      return
    }
    #expect(e.message.contains("unknown currency 'DEM'"))  // D6
  }

  @Test("accrue warns on exactly the public statements that do not reconcile (DIFFERENCES.md, balances)")
  func reconciliation() throws {
    var warned: [String] = []
    for file in Self.readable.map(\.file) {
      let path = Self.root + "/" + file
      let statements = try BankStatements.readStatements(path: path).get()
      for w in StatementChecks.warnings(statements, file: path) { warned.append("\(file):\(w.line)") }
    }
    #expect(
      warned.sorted() == [
        "bai2/citi_example.bai2:3", "camt/camt053.v2.minimal.xml:\(try Self.closingLine("camt/camt053.v2.minimal.xml"))",
        "camt/camt053.v8.xml:\(try Self.closingLine("camt/camt053.v8.xml"))", "mt940/betterplace_sepa_snippet.sta:55", "mt940/jejik_abnamro.sta:27",
        "mt940/jejik_abnamro.sta:40", "mt940/jejik_ing.sta:26", "mt940/jejik_postfinance.sta:27", "mt940/jejik_triodos.sta:12",
      ].sorted(), "\(warned)")
  }

  /// The line of a camt file's closing (`CLBD`) balance.
  static func closingLine(_ file: String) throws -> Int {
    let statements = try BankStatements.readStatements(path: root + "/" + file).get()
    return StatementChecks.line(statements.first?.closing?.source ?? "", root + "/" + file)
  }
}
