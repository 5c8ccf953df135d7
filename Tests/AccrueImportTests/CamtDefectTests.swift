import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// camt defects of issue 23 (items 3 and 4): the booked amount of an entry, and references and texts kept.
@Suite("camt defects")
struct CamtDefectTests {
  static func read(_ name: String) throws -> [BankTransaction] {
    try BankStatementTests.read(name)
  }

  static let entry = "Document/BkToCstmrStmt/Stmt[1]/Ntry"

  @Test("camt: an entry of one TxDtls takes the entry's booked Amt, Ccy and sign; a differing detail amount is a note")
  func singleDetailTakesBookedAmount() throws {
    let list = try Self.read("camt053_single_detail_amounts.xml")
    let first = list[0]
    #expect(first.amount.description == "8.85" && first.currency == .EUR)
    #expect(first.endToEndID == "E2E-SE-0885" && first.counterpartyName == "Nordvik Handel AB")
    #expect(first.remittance == "INV-2026-0885" && first.bankReference == "BR-0885")
    #expect(first.source.hasSuffix("\(Self.entry)[1]/NtryDtls/TxDtls[1]"))
    #expect(
      first.notes == [
        "\(Self.entry)[1]/NtryDtls/TxDtls[1]/AmtDtls/TxAmt/Amt states 0 SEK, the entry books 8.85 EUR (\(Self.entry)[1]/Amt): "
          + "the booked amount is taken, the detail's is information"
      ])
    // The same amount in the detail: nothing to say; a debit stays a debit, its party the creditor.
    #expect(list[1].amount.description == "-250" && list[1].currency == .EUR && list[1].notes.isEmpty)
    #expect(list[1].counterpartyName == "Brauhaus Schneider KG")
  }

  @Test("camt: a batch whose details do not add up to the booked amount is kept whole, with its references and a note")
  func batchNotAddingUpKeptWhole() throws {
    let list = try Self.read("camt053_single_detail_amounts.xml")
    #expect(list.count == 6)
    let batch = list[2]
    #expect(batch.amount.description == "300" && batch.currency == .EUR)
    #expect(batch.reference == "RF18539007547034 RF71INV20260042")
    #expect(batch.counterpartyName == "Keller & Voss Maschinenbau GmbH" && batch.bankReference == "BR-BATCH-1")
    #expect(batch.source.hasSuffix("\(Self.entry)[3]"))
    #expect(
      batch.notes == [
        "the entry's 2 transactions (\(Self.entry)[3]/NtryDtls/TxDtls) add up to 250 EUR, the entry books 300 EUR "
          + "(\(Self.entry)[3]/Amt): kept as one transaction of the booked amount"
      ])
    // Details in another currency than the entry's are not added to it.
    let mixed = list[3]
    #expect(mixed.amount.description == "120" && mixed.currency == .EUR)
    #expect(mixed.remittance == "INV-2026-0501\nINV-2026-0502" && mixed.counterpartyName == "Alpenfirn AG")
    #expect(mixed.notes.count == 1)
    #expect(mixed.notes.first?.contains("are stated partly in CHF, not all in the entry's EUR") == true, "\(mixed.notes)")
    // Details that add up (a credit less a charge) still split, each with its own sign and no note.
    #expect(list[4].amount.description == "100" && list[5].amount.description == "-10")
    #expect(list[4].remittance == "INV-2026-0601" && list[5].remittance == "Bank charge")
    #expect(list[4].notes.isEmpty && list[5].notes.isEmpty)
  }

  @Test("camt: every structured reference is kept, AddtlTxInf and AddtlNtryInf reach the remittance")
  func referencesAndTexts() throws {
    let list = try Self.read("camt054_references.xml")
    #expect(list.count == 4)
    #expect(list[0].reference == "RF18539007547034 RF71INV20260042 210000000003139471430009017")
    #expect(list[0].remittance == "Sammelzahlung November" && list[0].endToEndID == "E2E-1500")
    #expect(list[0].amount.description == "1500" && list[0].currency.code == "CHF" && list[0].notes.isEmpty)
    // The customer number only in AddtlTxInf.
    #expect(list[1].remittance == "KUNDENNR 100234" && list[1].reference == "")
    // Ustrd first, then AddtlTxInf; the return reason (RtrInf) has no field in the transaction.
    #expect(list[2].remittance == "INV-2026-0710\nRUECKUEBERWEISUNG" && list[2].reversal && list[2].amount.description == "-75")
    // No details: the entry's own text.
    #expect(list[3].remittance == "KONTOFUEHRUNG NOVEMBER" && list[3].amount.description == "-12.5")
  }

  @Test("camt: a batch of several TxDtls with one lacking an amount is still a located error")
  func batchWithoutAmountsStillRejected() {
    let e = BankStatementTests.failure("camt054_batch_no_amounts.xml")
    #expect(e?.line == 10 && e?.message.contains("without an amount for each") == true)
  }
}
