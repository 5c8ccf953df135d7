import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// Statement files that are not UTF-8 are read as Windows-1252 (banks' Windows exports), with located warnings
/// naming the encoding assumed (D0322).
@Suite("Statement encodings")
struct StatementEncodingTests {
  @Test("Windows-1252: 0x80-0x9F are € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ, the five undefined bytes U+FFFD")
  func table() {
    let bytes = (0x80...0x9F).map { UInt8($0) }
    #expect(Windows1252.decode(bytes) == "€\u{FFFD}‚ƒ„…†‡ˆ‰Š‹Œ\u{FFFD}Ž\u{FFFD}\u{FFFD}‘’“”•–—˜™š›œ\u{FFFD}žŸ")
    #expect(Windows1252.decode([0x41, 0xA0, 0xE4, 0xFF]) == "A\u{A0}äÿ")  // Latin-1 elsewhere
  }

  @Test("CSV statement in Windows-1252: € and umlauts read, one located warning naming the encoding, a note on each entry")
  func csvWindows1252() throws {
    // Verwendungszweck "Gebühr 5 € – Nov" (0xFC ü, 0x80 €, 0x96 en dash) on line 2.
    let bytes: [UInt8] =
      Array("Buchungstag;Betrag;W".utf8) + [0xE4] + Array("hrung;Verwendungszweck;Auftraggeber\n".utf8)
      + Array("01.11.2026;5,00;EUR;Geb".utf8) + [0xFC] + Array("hr 5 ".utf8) + [0x80, 0x20, 0x96] + Array(" Nov;M".utf8) + [0xFC]
      + Array("ller\n".utf8)
    guard case .success(let statements) = MappedCSV.parse(bytes: bytes, path: "s/nordbank-1.csv", format: MappedCSVTests.format()) else {
      Issue.record("the file was not read")
      return
    }
    let t = statements.flatMap(\.transactions)
    #expect(t.map(\.remittance) == ["Gebühr 5 € – Nov"] && t.map(\.counterpartyName) == ["Müller"])
    #expect(t.first?.notes == ["the file is not UTF-8: read as Windows-1252"])
    let warnings = StatementChecks.warnings(statements, file: "s/nordbank-1.csv")
    #expect(warnings.map { "\($0.file):\($0.line):\($0.column) \($0.code)" } == ["s/nordbank-1.csv:1:21 D0322"], "\(warnings)")
    #expect(warnings.first?.message.contains("not UTF-8 (the byte 0xE4 here is not UTF-8 text): read as Windows-1252") == true)
    #expect(warnings.first?.message.contains("so 0xE4 is \"ä\"") == true)
  }

  @Test("CSV statement: a byte Windows-1252 leaves undefined is U+FFFD with a located warning counting the others")
  func csvUndefinedByte() throws {
    let bytes: [UInt8] =
      Array("Buchungstag;Betrag;Verwendungszweck;Auftraggeber\n01.11.2026;5,00;A".utf8) + [0x81] + Array(";x\n02.11.2026;6,00;B".utf8)
      + [0x9D, 0x8D] + Array(";y\n".utf8)
    let f = MappedCSVTests.format(currency: .fixed(.EUR))
    guard case .success(let statements) = MappedCSV.parse(bytes: bytes, path: "s/nordbank-1.csv", format: f) else {
      Issue.record("the file was not read")
      return
    }
    #expect(statements.flatMap(\.transactions).map(\.remittance) == ["A\u{FFFD}", "B\u{FFFD}\u{FFFD}"])
    let warnings = StatementChecks.warnings(statements, file: "s/nordbank-1.csv")
    #expect(warnings.map { "\($0.line):\($0.column) \($0.code)" } == ["2:18 D0322", "2:18 D0322"], "\(warnings)")
    #expect(warnings.last?.message.contains("the byte 0x81 is no character in Windows-1252 (nor in UTF-8): read as the replacement character") == true)
    #expect(warnings.last?.message.contains("(and 2 more such bytes in the file)") == true, "\(warnings)")
  }

  @Test("MT940 in Windows-1252 (a German bank's umlauts and €): read, with one located warning for the file")
  func mt940Windows1252() throws {
    let path = BankStatementTests.fixtures + "/mt940_windows1252.sta"
    let statements = try BankStatements.readStatements(path: path).get()
    let t = statements.flatMap(\.transactions)
    #expect(t.map(\.remittance) == ["Rechnung INV-2026-0420Gebühr inkl.", "Kontoführung 12,50 €"], "\(t.map(\.remittance))")
    #expect(t.map(\.counterpartyName) == ["Müller & Söhne GmbH", "Sparkasse Köln"])
    #expect(!t.contains { $0.remittance.contains("\u{FFFD}") || $0.counterpartyName.contains("\u{FFFD}") })
    let warnings = StatementChecks.warnings(statements, file: path)
    // One for the file (there are five non-UTF-8 bytes on three lines), at the first; the statement reconciles.
    #expect(warnings.map { "\($0.line):\($0.column) \($0.code)" } == ["6:78 D0322"], "\(warnings)")
    #expect(warnings.first?.message.hasPrefix("the MT940 file is not UTF-8 (the byte 0xFC here is not UTF-8 text): read as Windows-1252") == true)
  }

  @Test("a UTF-8 statement file gets no encoding warning")
  func utf8Quiet() throws {
    let text = ":20:S\n:60F:C261130EUR0,00\n:61:2612011201C10,00NTRFNONREF//B-1\n:86:166?20SVWZ+Gebühr?32Müller\n:62F:C261201EUR10,00\n-\n"
    let statements = try BankStatements.parseStatements(bytes: Array(text.utf8), path: "s.sta").get()
    #expect(StatementChecks.warnings(statements, file: "s.sta").isEmpty)
    #expect(statements.flatMap(\.transactions).map(\.counterpartyName) == ["Müller"])
  }
}
