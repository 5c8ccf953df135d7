import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import Foundation
import Testing

/// `statement format NAME { ... }` (grammar.md §8.1): what it parses and checks to, each diagnostic, what it
/// compiles to, and its layout.
@Suite("Statement formats")
struct StatementFormatTests {
  static let nordbank = """
    statement format nordbank "Nordbank online banking" {
      files "nordbank-*.csv", "NORDBANK_*.csv"
      delimiter ";"
      skip 2 lines
      date "Buchungstag" as "DD.MM.YYYY"
      value date "Valuta" as "D.M.YYYY"
      amount "Betrag" decimal "," thousands "."
      currency "Währung"
      reference "Kundenreferenz"
      remittance "Verwendungszweck"
      end to end id "EREF"
      bank reference "Bankreferenz"
      counterparty "Auftraggeber"
      counterparty account "IBAN"
    }

    """

  /// A statement format block around `body` (the required statements added unless given).
  static func block(_ body: String, name: String = "nordbank") -> String {
    var lines = ["statement format \(name) {"]
    if !body.contains("files") { lines.append("  files \"\(name)-*.csv\"") }
    if !body.contains("date \"") || body.hasPrefix("value") { lines.append("  date \"Buchungstag\" as \"DD.MM.YYYY\"") }
    if !body.contains("amount") && !body.contains("credit") && !body.contains("debit") { lines.append("  amount \"Betrag\" decimal \",\"") }
    if !body.contains("currency") { lines.append("  currency EUR") }
    lines.append(contentsOf: body.split(separator: "\n").map { "  " + $0 })
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  static func diagnostics(_ text: String) -> [Diagnostic] {
    Support.check(text).1.filter { $0.code.id != "W0301" }
  }

  static func plan(_ text: String) throws -> ExecutablePlan {
    try LedgerStatementTests.plan(text)
  }

  @Test("a full format compiles to the mapping the importer reads with, with its rule")
  func compiles() throws {
    let p = try Self.plan(Self.nordbank)
    let f = try #require(p.statementFormats.first)
    #expect(p.statementFormats.count == 1)
    #expect(f.name == "nordbank" && f.files == ["nordbank-*.csv", "NORDBANK_*.csv"])
    #expect(f.delimiter == ";" && f.skipLines == 2 && f.decimal == "," && f.thousands == ".")
    #expect(f.date.column == "Buchungstag" && f.date.format.description == "DD.MM.YYYY")
    #expect(f.valueDate?.column == "Valuta" && f.valueDate?.format.description == "D.M.YYYY")
    #expect(f.amount == .signed("Betrag") && f.currency == .column("Währung"))
    #expect(f.reference == "Kundenreferenz" && f.remittance == "Verwendungszweck" && f.endToEndID == "EREF")
    #expect(f.bankReference == "Bankreferenz" && f.counterpartyName == "Auftraggeber" && f.counterpartyAccount == "IBAN")
    #expect(f.rule.description == "rules/rules.accrue:1")
  }

  @Test("defaults: comma delimiter, no lines skipped, ISO dates, decimal point; debit first; a fixed currency")
  func defaults() throws {
    let p = try Self.plan(
      """
      statement format erp {
        files "erp.csv"
        date "Date"
        debit "Out", credit "In"
        currency USD
      }
      """)
    let f = try #require(p.statementFormats.first)
    #expect(f.delimiter == "," && f.skipLines == 0 && f.decimal == "." && f.thousands == nil)
    #expect(f.date.format.description == "YYYY-MM-DD" && f.valueDate == nil)
    #expect(f.amount == .split(credit: "In", debit: "Out") && f.currency == .fixed(.USD))
    #expect(try Self.plan("statement format t {\n  files \"t.csv\"\n  delimiter \"\\t\"\n  date \"D\"\n  amount \"A\"\n  currency EUR\n}\n").statementFormats.first?.delimiter == "\t")
  }

  /// Each mistake, the code it gets and a piece of its message or help.
  static let mistakes: [(String, String, String)] = [
    (block("amount \"Betrag\"\ncredit \"Haben\", debit \"Soll\""), "E0701", "states its amounts twice"),
    (block("date \"Buchungstag\" as \"dd.mm.yyyy\""), "E0702", "did you mean \"DD.MM.YYYY\"?"),
    (block("date \"Buchungstag\" as \"DD.MM.YY\""), "E0702", "two-digit years"),
    (block("date \"Buchungstag\" as \"DD.MM\""), "E0702", "no year"),
    (block("date \"Buchungstag\" as \"DMYYYY\""), "E0702", "cannot tell where the number ends"),
    (block("date \"Buchungstag\" as \"DD.QQ.YYYY\""), "E0702", "'Q' is not part of a date format"),
    (block("amount \"Betrag\" decimal \",\" thousands \",\""), "E0703", "did you mean thousands \".\"?"),
    (block("amount \"Betrag\" decimal \"1\""), "E0703", "not one character that can separate digits"),
    (block("amount \"Betrag\" decimal \",,\""), "E0703", "decimal separator"),
    (block("delimiter \";;\""), "E0703", "did you mean \";\"?"),
    (block("delimiter \"tab\""), "E0703", "a tab is written \"\\t\""),
    (block("delimiter \"\\\"\""), "E0703", "not one character that can separate fields"),
    (block("reference \"Text\"\nremittance \" text \""), "E0704", "read as the reference and again as the remittance"),
    (block("value date \"Buchungstag\""), "E0704", "read as the date and again as the value date"),
    (block("remittance \"\""), "E0704", "name is empty"),
    (block("files \"nordbank.txt\""), "E0705", "did you mean \"nordbank.csv\"?"),
    (block("files \"statements/nordbank-*.csv\""), "E0705", "names a folder"),
    (block("files \"\""), "E0705", "is empty"),
    (block("files \"" + String(repeating: "*", count: 5000) + ".csv\""), "E0705", "longer than a file name can be"),
    (block("delimiter \";\"\ndelimiter \",\""), "E0506", "states 'delimiter' twice"),
    (block("currency EUR\ncurrency \"Währung\""), "E0506", "states 'currency' twice"),
    ("statement format a {\n  files \"a.csv\"\n  amount \"A\"\n  currency EUR\n}\n", "E0510", "has no 'date'"),
    ("statement format a {\n  files \"a.csv\"\n  date \"D\"\n  currency EUR\n}\n", "E0510", "has no amount"),
    ("statement format a {\n  files \"a.csv\"\n  date \"D\"\n  amount \"A\"\n}\n", "E0510", "has no 'currency'"),
    (block("currency EURO"), "E0209", "did you mean 'EUR'?"),
    (block("credit \"Haben\" debit \"Soll\""), "E0201", "credit \"Haben\", debit \"Soll\""),
    (block("files nordbank"), "E0201", "write it in double quotes"),
    (block("skip 2"), "E0201", "'lines' or 'line'"),
    (block("remitance \"X\""), "E0202", "did you mean 'remittance'?"),
    (block("end to end \"X\""), "E0201", "expected 'id'"),
    ("statment format a {\n}\n", "E0203", "did you mean 'statement'?"),
  ]

  @Test("each mistake is located with its code and a message that says what to write", arguments: 0..<mistakes.count)
  func mistake(_ k: Int) {
    let (text, code, words) = Self.mistakes[k]
    let d = Self.diagnostics(text)
    #expect(d.map(\.code.id) == [code], "\(text)\n\(d.map { "\($0.code.id) \($0.message)" })")
    let all = d.map { $0.message + " " + ($0.help ?? "") }.joined()
    #expect(all.contains(words), "\(all)")
  }

  @Test("two formats whose file names overlap, with an example name; the same name twice")
  func acrossFormats() {
    let two = Self.block("files \"*.csv\"", name: "a") + Self.block("files \"b-2026.csv\"", name: "b")
    let d = Self.diagnostics(two)
    #expect(d.map(\.code.id) == ["E0705"])
    #expect(d.first?.message.contains("\"b-2026.csv\" matches both") == true)
    #expect(Self.diagnostics(Self.block("files \"a-*.csv\"", name: "a") + Self.block("files \"b-*.csv\"", name: "b")).isEmpty)
    #expect(Self.diagnostics(Self.block("", name: "a") + Self.block("files \"x.csv\"", name: "a")).map(\.code.id) == ["E0302"])
  }

  @Test("'statement format' is a top-level block: inside a plan it is an unknown statement")
  func topLevelOnly() {
    let d = Self.diagnostics("plan p {\n  statement format x {\n  }\n}\n")
    #expect(d.first?.code.id == "E0202")
  }

  @Test("dates in every supported format read, others do not", arguments: [
    ("DD.MM.YYYY", "07.03.2026", "2026-03-07"), ("DD/MM/YYYY", "07/03/2026", "2026-03-07"), ("MM/DD/YYYY", "03/07/2026", "2026-03-07"),
    ("YYYY-MM-DD", "2026-03-07", "2026-03-07"), ("D.M.YYYY", "7.3.2026", "2026-03-07"), ("D.M.YYYY", "17.12.2026", "2026-12-17"),
    ("YYYYMMDD", "20260307", "2026-03-07"), ("DD.MM.YYYY", "7.3.2026", ""), ("DD.MM.YYYY", "31.02.2026", ""),
    ("YYYYMMDD", "2026037", ""), ("MM/DD/YYYY", "03/07/2026 ", ""),
  ])
  func dates(_ pattern: String, _ text: String, _ expected: String) throws {
    let f = try DateFormat.parse(pattern).get()
    #expect(f.date(Substring(text))?.description ?? "" == expected)
  }

  @Test("accrue fmt writes a format in canonical layout, and again the same")
  func layout() throws {
    let messy = """
      statement   format nordbank{
      files "nordbank-*.csv" ,"x-*.csv"
          delimiter ";"   # semicolons
        credit "Haben",debit "Soll"   decimal ","  thousands "."
      date "Buchungstag"as "DD.MM.YYYY"
       currency   EUR
      }
      """
    let canonical = """
      statement format nordbank {
        files "nordbank-*.csv", "x-*.csv"
        delimiter ";"  # semicolons
        credit "Haben", debit "Soll" decimal "," thousands "."
        date "Buchungstag" as "DD.MM.YYYY"
        currency EUR
      }

      """
    let once = try FormatterTests.format(messy)
    #expect(once == canonical)
    #expect(try FormatterTests.format(once) == once)
    #expect(try FormatterTests.format(Self.nordbank) == Self.nordbank)
  }
}
