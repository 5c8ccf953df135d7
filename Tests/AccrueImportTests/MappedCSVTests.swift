import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// Statement CSVs read with a `statement format` (grammar.md §8.1; the mapping built here as the compiler builds it).
@Suite("Statement CSVs read with a format")
struct MappedCSVTests {
  static func format(
    amount: StatementFormat.Amount = .signed("Betrag"), currency: StatementFormat.CurrencySource = .column("Währung"),
    delimiter: Character = ";", decimal: Character = ",", thousands: Character? = ".", date: String = "DD.MM.YYYY", skip: Int = 0
  ) -> StatementFormat {
    let d = try! DateFormat.parse(date).get()
    var f = StatementFormat(
      name: "nordbank", files: ["nordbank-*.csv"], date: ("Buchungstag", d), amount: amount, currency: currency,
      rule: RuleRef(file: "rules/banks.accrue", line: 3))
    f.delimiter = delimiter
    f.decimal = decimal
    f.thousands = thousands
    f.skipLines = skip
    f.remittance = "Verwendungszweck"
    f.counterpartyName = "Auftraggeber"
    return f
  }

  static func read(_ text: String, _ f: StatementFormat = format()) -> Result<[BankTransaction], MappedCSV.Errors> {
    read(Array(text.utf8), f)
  }

  static func read(_ bytes: [UInt8], _ f: StatementFormat) -> Result<[BankTransaction], MappedCSV.Errors> {
    MappedCSV.parse(bytes: bytes, path: "s/nordbank-1.csv", format: f).map { $0.flatMap(\.transactions) }
  }

  /// The issues of a file that must not read, as `line:column code message`.
  static func issues(_ text: String, _ f: StatementFormat = format()) -> [String] {
    guard case .failure(let e) = read(text, f) else { return ["(read)"] }
    return e.issues.map { "\($0.line):\($0.column) \($0.code) \($0.message)" }
  }

  @Test(
    "amounts with each format's separators are exact, debits negative",
    arguments: [
      (",", ".", "1.234,56", "1234.56"), (",", ".", "-1.234,56", "-1234.56"), (",", ".", "1.234,56-", "-1234.56"),
      (",", ".", "(1.234,56)", "-1234.56"), (",", ".", "+12,5", "12.5"), (",", ".", "1234,56", "1234.56"),
      (",", ".", "1.234.567,89", "1234567.89"), (",", ".", " 12 ", "12"), (",", ".", "0,07", "0.07"), (",", ".", ",07", "0.07"),
      (".", ",", "1,234.56", "1234.56"), (".", ",", "(1,234.56)", "-1234.56"), (".", ",", "-0.01", "-0.01"),
      (".", " ", "1 234.56", "1234.56"), (".", "'", "1'234.56", "1234.56"), (".", "", "1234.56", "1234.56"),
    ])
  func amounts(_ decimal: String, _ thousands: String, _ cell: String, _ expected: String) throws {
    let f = Self.format(currency: .fixed(.EUR), decimal: Character(decimal), thousands: thousands.first)
    let text = "Buchungstag;Betrag;Verwendungszweck;Auftraggeber\n01.11.2026;\(cell);x;y\n"
    let t = try Self.read(text, f).get()
    #expect(t.map(\.amount.description) == [Fixed(expected)!.description])
  }

  @Test(
    "amounts not written as the format says are errors, never guessed",
    arguments: ["1,234.56", "12.34,56", "1.2345,00", "12,", "EUR 12,00", "12,00 EUR", "--12", "1.234,5.6", "abc", "-"])
  func badAmounts(_ cell: String) {
    let got = Self.issues("Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber\n01.11.2026;\(cell);EUR;x;y\n")
    #expect(got == ["2:12 D0205 the column \"Betrag\" holds \"\(cell)\", not an amount written with decimal \",\" and thousands \".\" (such as -1.234,56, 1,50- or (1,50) for a debit)"])
  }

  @Test("a European export: preamble skipped, BOM, CRLF, quoted fields holding the delimiter and quotes, columns by name")
  func european() throws {
    let text = "\u{FEFF}Nordbank AG;Kontoauszug\r\nKonto;DE89\r\n Auftraggeber ;BUCHUNGSTAG;Betrag;Währung;Verwendungszweck;Extra\r\n"
      + "\"ACME; GmbH\";03.11.2026;1.234,56;eur;\"Rechnung \"\"INV-1001\"\"\r\nzweite Zeile\";x\r\n\r\n"
      + "Bank;04.11.2026;-12,00;EUR;Gebühr;y\r\n"
    let t = try Self.read(text, Self.format(skip: 2)).get()
    #expect(t.count == 2)
    #expect(t[0].bookingDate.description == "2026-11-03" && t[0].amount == Fixed("1234.56")! && t[0].currency == .EUR)
    #expect(t[0].counterpartyName == "ACME; GmbH" && t[0].remittance == "Rechnung \"INV-1001\"\nzweite Zeile")
    #expect(t[0].source == "s/nordbank-1.csv:4" && t[1].source == "s/nordbank-1.csv:7")
    #expect(t[1].amount == Fixed("-12")! && t[1].remittance == "Gebühr")
  }

  @Test("a US export: comma delimiter, 1,234.56 in quotes, MM/DD/YYYY, a fixed currency")
  func american() throws {
    var f = Self.format(currency: .fixed(.USD), delimiter: ",", decimal: ".", thousands: ",", date: "MM/DD/YYYY")
    f.date.column = "Posted"
    f.amount = .signed("Amount")
    f.remittance = "Memo"
    f.counterpartyName = nil
    let t = try Self.read("Posted,Amount,Memo\n11/03/2026,\"1,234.56\",INV-1001\n11/04/2026,(12.00),fee\n", f).get()
    #expect(t.map(\.amount) == [Fixed("1234.56")!, Fixed("-12")!])
    #expect(t.map(\.currency) == [.USD, .USD] && t[0].bookingDate.description == "2026-11-03")
  }

  @Test("credit and debit columns: one side filled, a zero beside an amount counts as empty, debits negative")
  func creditDebit() throws {
    let f = Self.format(amount: .split(credit: "Haben", debit: "Soll"), currency: .fixed(.EUR))
    let head = "Buchungstag;Haben;Soll;Verwendungszweck;Auftraggeber\n"
    let t = try Self.read(head + "01.11.2026;1.000,00;;a;b\n02.11.2026;;250,50;a;b\n03.11.2026;0,00;3,00;a;b\n04.11.2026;;-4,00;a;b\n", f).get()
    #expect(t.map(\.amount) == [Fixed("1000")!, Fixed("-250.5")!, Fixed("-3")!, Fixed("-4")!])
    #expect(
      Self.issues(head + "01.11.2026;1,00;2,00;a;b\n02.11.2026;;;a;b\n03.11.2026;-1,00;;a;b\n", f) == [
        "2:12 D0205 both \"Haben\" and \"Soll\" hold an amount: a row is money in or money out, not both",
        "3:12 D0203 neither \"Haben\" nor \"Soll\" holds an amount: each row is money in or money out",
        "4:12 D0205 the credit column \"Haben\" holds a negative amount: money received is written without a minus (money paid out goes in \"Soll\")",
      ])
  }

  @Test("each bad cell is located with its column and what to write; a file with errors gives no transactions")
  func badCells() {
    let head = "Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber\n"
    let got = Self.issues(head + "32.11.2026;1,00;EUR;a;b\n01.11.2026;1,005;EUR;a;b\n01.11.2026;1;EURO;a;b\n;1;EUR;a;b\n01.11.2026;1;JPY;a;b\n01.11.2026;1,5;JPY;a;b\n01.11.2026;1\n\"open;1;EUR;a;b\n")
    #expect(
      got == [
        "2:1 D0204 the column \"Buchungstag\" holds \"32.11.2026\", written DD.MM.YYYY but no day of the calendar (a day past the month's end?)",
        "3:12 D0208 the column \"Betrag\" holds \"1,005\", finer than EUR has (2 decimals): amounts are never rounded",
        "4:14 D0206 the column \"Währung\" holds \"EURO\", not an ISO 4217 currency code; did you mean EUR?",
        "5:1 D0203 the column \"Buchungstag\" is empty: the booking date is needed, written DD.MM.YYYY (such as 07.03.2026)",
        "7:12 D0208 the column \"Betrag\" holds \"1,5\", finer than JPY has (0 decimals): amounts are never rounded",
        "8:12 D0101 the row has 2 field(s), the header 5: is a delimiter missing, or a field with the delimiter in it not quoted?",
        "9:1 D0101 a quoted field is not closed: its closing quote (\") is missing",
      ], "\(got)")
  }

  @Test("a row with more fields than the header is refused (a comma inside an amount, not quoted), not read shifted")
  func longerRow() {
    let head = "Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber\n"
    let got = Self.issues(head + "01.11.2026;1;234,56;EUR;a;b\n")
    #expect(got.count == 1 && got[0].hasPrefix("2:") && got[0].contains("D0101 the row has 6 field(s), the header 5"), "\(got)")
    // One trailing empty field (a delimiter at the end of the line) is not a shift.
    guard case .success(let rows) = Self.read(head + "01.11.2026;1,00;EUR;a;b;\n") else {
      Issue.record("a trailing delimiter was refused")
      return
    }
    #expect(rows.count == 1)
  }

  @Test("a value that reads with another thousands separator or date order says what to write in the format")
  func hints() {
    let head = "Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber\n"
    let got = Self.issues(head + "2026-11-03;1.250,00;EUR;a;b\n", Self.format(thousands: nil))
    #expect(
      got == [
        "2:1 D0204 the column \"Buchungstag\" holds \"2026-11-03\", not a date written DD.MM.YYYY (such as 07.03.2026); it reads as \"YYYY-MM-DD\": if the file's dates are all written so, write as \"YYYY-MM-DD\" in the statement format",
        "2:12 D0205 the column \"Betrag\" holds \"1.250,00\", not an amount written with decimal \",\" and no thousands separator (such as -1234,56, 1,50- or (1,50) for a debit); if \".\" groups its thousands, write thousands \".\" after decimal \",\" in the statement format",
      ], "\(got)")
  }

  @Test("a date such as 1/2/2024 in a DD.MM.YYYY or YYYY-MM-DD format says it reads D/M/YYYY or M/D/YYYY, with each day")
  func dayOrMonthFirstHint() {
    let head = "Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber\n"
    for date in ["DD.MM.YYYY", "YYYY-MM-DD"] {
      let got = Self.issues(head + "1/2/2024;5,00;EUR;a;b\n", Self.format(date: date))
      #expect(
        got == [
          "2:1 D0204 the column \"Buchungstag\" holds \"1/2/2024\", not a date written \(date) (such as \(try! DateFormat.parse(date).get().example)); "
            + "it reads as \"D/M/YYYY\" (1 February 2024) or as \"M/D/YYYY\" (2 January 2024): day first and month first give different days, "
            + "so find a date in the file whose first or second number is above 12 to tell which order the bank writes, then write that "
            + "format in the statement format (date \"Buchungstag\" as \"D/M/YYYY\", or as \"M/D/YYYY\")"
        ], "\(got)")
    }
    // Only one order reads it: said so, as for two-digit forms.
    #expect(
      Self.issues(head + "13/2/2024;5,00;EUR;a;b\n").first?.hasSuffix(
        "it reads as \"D/M/YYYY\": if the file's dates are all written so, write as \"D/M/YYYY\" in the statement format") == true)
    // Day and month equal: both orders give the same day.
    #expect(Self.issues(head + "3/3/2024;5,00;EUR;a;b\n").first?.hasSuffix("it reads as \"D/M/YYYY\" or \"M/D/YYYY\": if the file's dates are all written so, write as \"D/M/YYYY\" in the statement format") == true)
  }

  @Test("a missing column lists the header's columns with the closest; a one-column header suggests the delimiter")
  func missingColumn() {
    #expect(
      Self.issues("Buchungstag;Betrag;Waehrung;Verwendungszweck;Auftraggeber\n") == [
        "1:1 D0201 the header has no column \"Währung\" (the currency of statement format nordbank, rules/banks.accrue:3); did you mean \"Waehrung\"? The header's columns: \"Buchungstag\", \"Betrag\", \"Waehrung\", \"Verwendungszweck\", \"Auftraggeber\""
      ])
    let got = Self.issues("Buchungstag,Betrag,Währung,Verwendungszweck,Auftraggeber\n")
    #expect(got.count == 5 && got[0].hasSuffix("is the delimiter \",\" rather than \";\"?"), "\(got)")
    #expect(
      Self.issues("Buchungstag;Betrag;Währung;Betrag;Verwendungszweck;Auftraggeber\n") == [
        "1:28 D0101 the header has the column \"Betrag\" twice (fields 2 and 4): which one holds the amount cannot be told; rename one in the file"
      ])
    #expect(Self.issues("") == ["1:1 D0101 the file has no header row: expected the columns \"Buchungstag\", \"Betrag\", \"Währung\", \"Verwendungszweck\", \"Auftraggeber\""])
  }

  @Test("a file that is not UTF-8 is read as Windows-1252, and each entry says so")
  func latin1() throws {
    let bytes: [UInt8] = Array("Buchungstag;Betrag;W".utf8) + [0xE4] + Array("hrung;Verwendungszweck;Auftraggeber\n01.11.2026;5,00;EUR;Geb".utf8) + [0xFC] + Array("hr;x\n".utf8)
    let t = try Self.read(bytes, Self.format()).get()
    #expect(t.first?.remittance == "Gebühr" && t.first?.notes == ["the file is not UTF-8: read as Windows-1252"])
  }

  @Test("the format for a file is the one whose globs match its name; none or two is an error naming them")
  func choosing() {
    let a = Self.format()
    var b = Self.format()
    b.name = "all"
    b.files = ["*.CSV"]
    #expect((try? MappedCSV.format(for: "x/NordBank-2026.csv", among: [a]).get())?.name == "nordbank")
    guard case .failure(let none) = MappedCSV.format(for: "x/sudbank.csv", among: [a]) else { return #expect(Bool(false)) }
    #expect(none.message.contains("no statement format reads sudbank.csv: the rules declare nordbank (\"nordbank-*.csv\", rules/banks.accrue:3)"))
    guard case .failure(let two) = MappedCSV.format(for: "x/nordbank-1.csv", among: [a, b]) else { return #expect(Bool(false)) }
    #expect(two.message.contains("read by two statement formats: nordbank (rules/banks.accrue:3) and all"))
    guard case .failure(let noRules) = MappedCSV.format(for: "x/a.csv", among: []) else { return #expect(Bool(false)) }
    #expect(noRules.message.contains("the rules declare no statement format"))
  }

  @Test("globs: * and ?, letter case ignored; overlap between two globs", arguments: [
    ("nordbank-*.csv", "nordbank-2026-11.csv", true), ("nordbank-*.csv", "NORDBANK-1.CSV", true), ("nordbank-?.csv", "nordbank-12.csv", false),
    ("*.csv", "a.txt", false), ("a*b*c.csv", "abxc.csv", true),
  ])
  func globs(_ glob: String, _ name: String, _ expected: Bool) {
    #expect(Glob.matches(glob, name) == expected)
  }

  @Test("the input's row order does not change what each row reads as")
  func rowOrder() throws {
    let head = "Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber\n"
    let rows = ["01.11.2026;1,00;EUR;a;b\n", "02.11.2026;2,00;EUR;c;d\n"]
    let one = try Self.read(head + rows.joined()).get().map { "\($0.bookingDate) \($0.amount) \($0.remittance)" }
    let other = try Self.read(head + rows.reversed().joined()).get().map { "\($0.bookingDate) \($0.amount) \($0.remittance)" }
    #expect(one.sorted() == other.sorted())
    #expect(Glob.overlap("*.csv", "b-*.csv") && !Glob.overlap("a-*.csv", "b-*.csv"))
  }
}
