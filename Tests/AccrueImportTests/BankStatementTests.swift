import AccrueCore
import AccrueImport
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
    #expect(list[1].remittance == "Facture INV-2026-0040 et INV-2026-0041")
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
