import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// Bank statement importers on fixtures written for each pitfall.
@Suite("Bank statements")
struct BankStatementTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

  static func read(_ name: String) throws -> [BankTransaction] {
    switch BankStatements.read(path: fixtures + "/" + name) {
    case .success(let list): return list
    case .failure(let e): throw e
    }
  }

  static func failure(_ name: String) -> BankImportError? {
    if case .failure(let e) = BankStatements.read(path: fixtures + "/" + name) { return e }
    return nil
  }

  @Test("camt.053 v02: structured reference, debtor IBAN, Dt dates, a batch split per transaction, a reversal")
  func camtV02() throws {
    let list = try Self.read("camt053_v02.xml")
    #expect(list.count == 4)
    let first = list[0]
    #expect(first.amount.description == "499.8" && first.currency == .EUR)
    #expect(first.bookingDate.description == "2026-10-31" && first.valueDate?.description == "2026-11-02")
    #expect(first.reference == "RF18539007547034")
    #expect(first.endToEndID == "")  // NOTPROVIDED
    #expect(first.bankReference == "BANK-REF-0001")
    #expect(first.counterpartyName == "Rheinland Stadtwerke GmbH" && first.counterpartyAccount == "DE02120300000000202051")
    // The batch of 1,000.00 becomes its two transactions, unstructured lines joined.
    #expect(list[1].amount.description == "600" && list[2].amount.description == "400")
    #expect(list[1].remittance == "Facture INV-2026-0040\net INV-2026-0041")  // one line per Ustrd (wrapped text)
    #expect(list[2].counterpartyName == "Keller & Voss Maschinenbau GmbH")
    #expect(list[1].source.hasSuffix("Stmt[1]/Ntry[2]/NtryDtls/TxDtls[1]"))
    #expect(list[1].notes.isEmpty)
    // A reversal booked as a debit: negative, flagged.
    #expect(list[3].amount.description == "-83.3" && list[3].reversal)
    #expect(list[3].remittance == "RUECKLASTSCHRIFT INV-2026-0006")
  }

  @Test("camt.053 v08: DtTm dates (their date part, no time zone shift), Dbtr/Pty/Nm, a non-IBAN account")
  func camtV08() throws {
    let list = try Self.read("camt053_v08.xml")
    #expect(list.count == 1)
    #expect(list[0].bookingDate.description == "2026-11-03" && list[0].valueDate?.description == "2026-11-04")
    #expect(list[0].counterpartyName == "Aurora Biotech plc" && list[0].counterpartyAccount == "000123456789")
    #expect(list[0].currency == .USD && list[0].amount.description == "2903.27")
  }

  @Test("MT940: two statements, an entry date across the year end, wrapped :86:, German and Dutch subfields, 30 February")
  func mt940() throws {
    let list = try Self.read("mt940_two_statements.sta")
    #expect(list.count == 3)
    // Value date 2027-01-02, entry date 12-31: the previous year.
    #expect(list[0].valueDate?.description == "2027-01-02" && list[0].bookingDate.description == "2026-12-31")
    #expect(list[0].endToEndID == "E2E-2026-0005")
    #expect(list[0].remittance == "INV-2026-0005 INV-2026-001 Dezember")  // ?21 and ?22 joined as wrapped
    #expect(list[0].counterpartyName == "Rheinland Stadtwerke GmbH" && list[0].counterpartyAccount == "DE02120300000000202051")
    #expect(list[0].bankReference == "BANK-1")
    // 30 February 2026 is taken as 28 February, and said so.
    #expect(list[1].valueDate?.description == "2026-02-28")
    #expect(list[1].notes == ["the date 260230 does not exist; taken as 2026-02-28"])
    #expect(list[1].amount.description == "-83.3" && list[1].counterpartyName == "Brauhaus Schneider KG")
    #expect(list[1].remittance == "RUECKLASTSCHRIFT INV-2026-0006" && list[1].endToEndID == "INV-2026-0006")
    // RC: a reversed credit takes money out; the :86: wrapped mid-word is joined back.
    #expect(list[2].amount.description == "-12" && list[2].reversal)
    #expect(list[2].remittance.contains("CONTRA ACCOUNT HOLDER"))
  }

  @Test("malformed files are rejected with their line and element or tag")
  func malformed() {
    let batch = Self.failure("camt054_batch_no_amounts.xml")
    #expect(batch?.line == 10)
    #expect(batch?.location == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls/TxDtls[1]")
    let xml = Self.failure("camt_broken.xml")
    #expect(xml?.line == 7 && xml?.message.hasPrefix("malformed XML") == true)
    let mt = Self.failure("mt940_broken.sta")
    #expect(mt?.line == 3 && mt?.location == ":61:")
    #expect(BankStatements.read(path: Self.fixtures + "/nope.xml").failure != nil)
  }
}

extension Result {
  var failure: Failure? {
    if case .failure(let e) = self { return e }
    return nil
  }
}

extension BankStatementTests {
  @Test("BAI2: implied decimals, the type code's direction, funds types V and S with their extra fields, 88 continuation")
  func bai2() throws {
    let list = try Self.read("bai2_day.bai")
    #expect(list.map { $0.amount.description } == ["2903.27", "75", "-49"])
    #expect(list.allSatisfy { $0.bookingDate.description == "2026-11-01" && $0.currency == .USD })
    #expect(list[0].valueDate?.description == "2026-11-02")  // funds type V
    #expect(list[0].reference == "INV-2026-0029" && list[0].bankReference == "BR-0001")
    #expect(list[0].remittance == "INCOMING WIRE AURORA BIOTECH PLC REF INV-2026-0029 THANK YOU")  // 88 joined
    #expect(list[1].remittance == "ACH CREDIT MAPLE ROW ACCOUNTING")  // after funds type S's three amounts
  }

  @Test("BAI2: a control total that does not add up is a located warning at its trailer (D0321); the entries are read")
  func bai2Totals() throws {
    let path = Self.fixtures + "/bai2_bad_total.bai"
    let statements = try BankStatements.readStatements(path: path).get()
    let warnings = StatementChecks.warnings(statements, file: path)
    #expect(warnings.map(\.code) == ["D0321"])
    #expect(warnings.first?.line == 5)
    #expect(warnings.first?.message.contains("the account 000123456789 control total is 17,903.28 USD, the records add up to 17,903.27 USD") == true, "\(warnings)")
    #expect(!statements.flatMap(\.transactions).isEmpty)
  }

  @Test("OFX 1.x SGML (open leaf tags, CRLF, cp1252 header) and 2.x XML: signed amounts, FITID, PAYEE, corrections")
  func ofx() throws {
    let one = try Self.read("ofx1.ofx")
    #expect(one.map { $0.amount.description } == ["3252.25", "-25", "10"])
    #expect(one[2].counterpartyName == "Caf\u{E9} Lumi\u{E8}re")  // Windows-1252 bytes, as the header says
    #expect(one[0].bookingDate.description == "2026-11-02" && one[0].currency == .USD)
    #expect(one[0].counterpartyName == "PAYMENT AURORA BIOTECH PLC FOR")  // NAME cut at 32 characters by the bank
    #expect(one[0].remittance == "INVOICE INV-2026-0029 OCTOBER SERVICES")
    #expect(one[0].bankReference == "20261102-0001")
    #expect(one[0].source.hasSuffix("ofx1.ofx:12 STMTTRN"))
    #expect(one[1].notes == ["corrects FITID 20261101-0009 (REPLACE)"])
    let two = try Self.read("ofx2.ofx")
    #expect(two.count == 1 && two[0].currency == .EUR && two[0].counterpartyName == "Dunmore Analytics Ltd")
    #expect(two[0].reference == "RF71202600033" && two[0].source.hasSuffix("ofx2.ofx:7 STMTTRN"))
  }
}

extension BankStatementTests {
  /// Every fixture cut at every byte, and with bytes changed: a result or a located error, never a crash or a hang.
  @Test("truncated and damaged statements: never a crash, errors located")
  func robustness() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures).sorted()
    var state: UInt64 = 42
    for name in names {
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/" + name)))
      for cut in 0...bytes.count {
        if case .failure(let e) = BankStatements.parse(bytes: Array(bytes[..<cut]), path: name) {
          #expect(e.line >= 0, "\(name) cut at \(cut)")
        }
      }
      for _ in 0..<200 {
        var damaged = bytes
        for _ in 0..<3 {
          state = state &* 6_364_136_223_846_793_005 &+ 1
          let at = Int((state >> 33) % UInt64(max(1, damaged.count)))
          let choices: [UInt8] = [0x2C, 0x2F, 0x3C, 0x3E, 0x3A, 0x3F, 0x0A, 0x2D, 0x30, 0x39, 0x44, 0xFF]
          if !damaged.isEmpty { damaged[at] = choices[Int((state >> 40) % UInt64(choices.count))] }
        }
        _ = BankStatements.parse(bytes: damaged, path: name)
      }
    }
  }
}

/// Pitfalls found in review: line ends, truncated files, empty SGML leaves, currencies, Dutch fields, pending entries.
@Suite("Bank statements: review fixes")
struct BankStatementReviewTests {
  static func parse(_ text: String, _ name: String) -> Result<[BankTransaction], BankImportError> {
    BankStatements.parse(bytes: Array(text.utf8), path: name)
  }

  @Test("CRLF line ends read like LF (MT940, BAI2)")
  func crlf() throws {
    for name in ["mt940_two_statements.sta", "bai2_day.bai"] {
      let text = try String(contentsOfFile: BankStatementTests.fixtures + "/" + name, encoding: .utf8)
      let lf = try Self.parse(text, name).get()
      let crlf = try Self.parse(text.replacingOccurrences(of: "\n", with: "\r\n"), name).get()
      #expect(lf.count > 0 && lf.map(\.amount) == crlf.map(\.amount) && lf.map(\.remittance) == crlf.map(\.remittance), "\(name)")
    }
  }

  @Test("BAI2 cut before its trailers, an unknown account currency, or a blank amount is rejected")
  func bai2Strict() {
    let head = "01,B,N,261102,0754,1,80,,2/\n02,N,B,1,261101,2400,,2/\n"
    #expect(Self.parse(head + "03,1,USD/\n16,195,100,0,BR,,X/\n", "x.bai").failure?.message.contains("ends before its trailers") == true)
    #expect(Self.parse(head + "03,1,XYZ/\n49,0,2/\n98,0,1,4/\n99,0,1,6/\n", "x.bai").failure?.message.contains("unknown currency") == true)
    #expect(Self.parse(head + "03,1,USD/\n16,195,,0,BR,,X/\n49,0,3/\n98,0,1,5/\n99,0,1,7/\n", "x.bai").failure?.message.contains("no amount") == true)
  }

  @Test("OFX: an empty leaf does not swallow the fields after it; ORIGCURRENCY does not change TRNAMT's currency; entities decoded")
  func ofx() throws {
    let text = """
      OFXHEADER:100
      <OFX><STMTRS><CURDEF>USD<BANKTRANLIST>
      <STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261102<TRNAMT>110.00<FITID>F1<NAME>
      <MEMO>INV-2026-0029 Smith &amp; Co
      <ORIGCURRENCY><CURRATE>1.1<CURSYM>EUR</ORIGCURRENCY>
      </STMTTRN></BANKTRANLIST></STMTRS></OFX>
      """
    let list = try Self.parse(text, "x.ofx").get()
    #expect(list.count == 1)
    #expect(list[0].currency == .USD && list[0].amount.description == "110")
    #expect(list[0].remittance == "INV-2026-0029 Smith & Co")
    #expect(list[0].notes == ["originally in EUR (rate 1.1)"])
  }

  @Test("MT940 Dutch: CNTP gives account and name; USTD and STRD remittance; a glued NOTPROVIDED is dropped")
  func dutch() throws {
    let text = """
      :20:S
      :60F:C260101EUR0,00
      :61:2601020102C10,00NTRFNONREF
      :86:/EREF/NOTPROVIDED//CNTP/NL91ABNA0417164300/ABNANL2A/Brauhaus KG/Amsterdam//REMI/USTD//INV-6/
      :61:2601020102C11,00NTRFNONREF
      :86:/EREF/E2E-1//CNTP/NL91ABNA0417164300/ABNANL2A/Brauhaus KG/Amsterdam//REMI/STRD/CUR/RF18539007547034/
      """
    let list = try Self.parse(text, "x.sta").get()
    #expect(list[0].endToEndID == "" && list[0].counterpartyName == "Brauhaus KG" && list[0].counterpartyAccount == "NL91ABNA0417164300")
    #expect(list[0].remittance == "INV-6")
    #expect(list[1].endToEndID == "E2E-1" && list[1].reference == "RF18539007547034")
  }

  @Test("camt: pending entries are left out; CDATA text is kept")
  func camtPendingAndCDATA() throws {
    let text = """
      <?xml version="1.0" encoding="UTF-8"?>
      <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
      <Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt></Ntry>
      <Ntry><Amt Ccy="EUR">7.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt>
      <NtryDtls><TxDtls><RmtInf><Ustrd><![CDATA[INV-7 <a&b>]]></Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
      </Stmt></BkToCstmrStmt></Document>
      """
    let list = try Self.parse(text, "x.xml").get()
    #expect(list.map { $0.amount.description } == ["7"])
    #expect(list[0].remittance == "INV-7 <a&b>")
  }
}
