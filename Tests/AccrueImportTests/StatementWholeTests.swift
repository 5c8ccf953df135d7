import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// Issue 23 item 6: statements as wholes (account, id, sequence, balances), opening + entries = closing checked
/// per statement as a located warning; item 5: MT940 returns, mandates and the counterparty IBAN of :61:.
@Suite("Statements as wholes")
struct StatementWholeTests {
  static func read(_ name: String) throws -> [BankStatement] {
    try BankStatements.readStatements(path: BankStatementTests.fixtures + "/" + name).get()
  }

  @Test("camt.053: account, id, sequence, copy indicator, OPBD/CLBD/CLAV balances; it reconciles")
  func camtWhole() throws {
    let list = try Self.read("camt053_balances_return.xml")
    #expect(list.count == 1)
    let st = list[0]
    #expect(st.account == "DE89370400440532013000" && st.currency == .EUR)
    #expect(st.statementID == "STMT-2026-11-30" && st.sequence == "334" && st.copy == "DUPL")
    #expect(st.opening?.amount.description == "1000" && st.opening?.date?.description == "2026-11-29")
    #expect(st.closing?.amount.description == "1170" && st.available?.amount.description == "1100")
    #expect(st.reconciliation?.reconciles == true)
    #expect(StatementChecks.warnings(list, file: "x").isEmpty)
  }

  @Test("camt.053: a returned direct debit has its reason code (RtrInf) and mandate; the credit its mandate, not a return")
  func camtReturn() throws {
    let t = try Self.read("camt053_balances_return.xml")[0].transactions
    #expect(t.map(\.isReturn) == [false, true])
    #expect(t.map(\.returnReason) == ["", "MD06"])
    #expect(t.map(\.mandateID) == ["MANDATE-0042", "MANDATE-0017"])
    #expect(t.allSatisfy { $0.account == "DE89370400440532013000" })
  }

  @Test("MT940: :25: account, :28C: sequence, :60F:/:62F:/:64: balances; a statement without entries is read")
  func mt940Whole() throws {
    let list = try Self.read("mt940_balances_return.sta")
    #expect(list.map(\.statementID) == ["STARTUMS", "STARTUMS"])
    #expect(list.map(\.sequence) == ["00045/002", "00046/001"])
    #expect(list.map(\.account) == ["10020030/1234567890", "10020030/1234567890"])
    #expect(list[0].closing?.amount.description == "5900" && list[0].available?.amount.description == "5900")
    #expect(list[1].transactions.isEmpty && list[1].opening?.amount.description == "5900")
    #expect(list.map { $0.reconciliation?.reconciles } == [true, false])
  }

  @Test("MT940: opening + entries ≠ closing is a located D0320 warning naming the statement, the figures and the difference")
  func mt940DoesNotReconcile() throws {
    let path = BankStatementTests.fixtures + "/mt940_balances_return.sta"
    let warnings = StatementChecks.warnings(try BankStatements.readStatements(path: path).get(), file: path)
    #expect(warnings.count == 1)
    let w = try #require(warnings.first)
    #expect(w.code == "D0320" && w.line == 17)
    #expect(
      w.message
        == "the statement STARTUMS (00046/001) of account 10020030/1234567890 does not reconcile: opening 5,900.00 EUR + entries 0.00 EUR = 5,900.00 EUR, but the closing balance is 5,950.00 EUR (50.00 EUR more): an entry is missing from the file or a balance is wrong; ask the bank for the complete statement")
  }

  @Test("MT940: the :61: supplementary IBAN, MREF+, GVC 159 returns with their ISO reason code; KREF+ alone is no reference")
  func mt940Returns() throws {
    let t = try Self.read("mt940_balances_return.sta")[0].transactions
    #expect(t.count == 2)
    #expect(t[0].counterpartyAccount == "DE44500105175407324931" && t[0].endToEndID == "E2E-2026-0081" && !t[0].isReturn)
    #expect(t[1].isReturn && t[1].returnReason == "AC04" && t[1].mandateID == "MAND-0009")
    #expect(t[1].counterpartyAccount == "DE12500105170648489890" && t[1].endToEndID == "E2E-2026-0064")
  }

  @Test("MT940: a returned item (type RTI), a Dutch /RTRN/ code, and a debit saying RUECKLASTSCHRIFT are returns; a credit saying Retoure is not")
  func mt940ReturnMarks() throws {
    func one(_ line61: String, _ info: String) throws -> BankTransaction {
      let text = ":20:S\n:60F:C261230EUR0,00\n:61:\(line61)\n:86:\(info)\n:62F:C261231EUR0,00\n-\n"
      return try #require(BankStatements.parse(bytes: Array(text.utf8), path: "s.sta").get().first)
    }
    #expect(try one("2612311231D5,00NRTINONREF", "RETURN OF DEBIT").isReturn)
    let dutch = try one("2612311231D5,00NTRFNONREF", "/RTRN/MS03/EREF/E-1/REMI/USTD//INV-9/")
    #expect(dutch.isReturn && dutch.returnReason == "MS03")
    #expect(try one("2612311231D5,00NTRFNONREF", "RUECKLASTSCHRIFT MD01 INV-9").returnReason == "MD01")
    #expect(try !one("2612311231C5,00NTRFNONREF", "Retoure Artikel 12, Rechnung INV-9").isReturn)
  }

  @Test("a signed amount where the format signs by indicator or type code is refused at its line (camt Amt, BAI2 16)")
  func signedAmountsRefused() {
    let camt = """
      <?xml version="1.0" encoding="UTF-8"?>
      <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry><Amt Ccy="EUR">-100.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2026-11-30</Dt></BookgDt></Ntry>
      </Stmt></BkToCstmrStmt></Document>
      """
    guard case .failure(let e) = BankStatements.parseStatements(bytes: Array(camt.utf8), path: "neg.xml") else {
      Issue.record("a negative camt amount was read")
      return
    }
    #expect(e.line == 3 && e.message.contains("has a sign"), "\(e)")
    let bai = "01,A,B,261102,0754,1,80,,2/\n02,B,A,1,261101,2400,,2/\n03,111,USD,010,100000,,/\n16,475,-50000,0,BREF1,CREF1,Check paid/\n49,50000,2/\n98,50000,1,4/\n99,50000,1,6/\n"
    guard case .failure(let b) = BankStatements.parseStatements(bytes: Array(bai.utf8), path: "neg.bai") else {
      Issue.record("a signed BAI2 detail amount was read")
      return
    }
    #expect(b.line == 4 && b.message.contains("has a sign"), "\(b)")
  }

  @Test("BAI2: 03 status codes 010, 015, 045 are the opening, closing and available balances; the account reconciles")
  func bai2Balances() throws {
    let list = try Self.read("bai2_balances.bai")
    #expect(list.count == 1 && list[0].account == "000123456789" && list[0].currency == .USD)
    #expect(list[0].opening?.amount.description == "15000" && list[0].closing?.amount.description == "17903.27")
    #expect(list[0].available?.amount.description == "17000")
    #expect(list[0].reconciliation?.reconciles == true)
    #expect(list[0].controlTotals.allSatisfy { $0.stated == $0.computed } && list[0].controlTotals.count == 3)
  }

  @Test("OFX: the account (ACCTID), CURDEF, LEDGERBAL as closing and AVAILBAL as available (no opening: not reconciled)")
  func ofxBalances() throws {
    let list = try Self.read("ofx_balances.ofx")
    #expect(list.count == 1 && list[0].account == "000123456789" && list[0].currency == .USD)
    #expect(list[0].closing?.amount.description == "10252.25" && list[0].closing?.date?.description == "2026-11-02")
    #expect(list[0].available?.amount.description == "9000" && list[0].opening == nil)
    #expect(list[0].reconciliation == nil && list[0].transactions.count == 1)
    #expect(try Self.read("ofx1.ofx").map(\.account) == ["000123456789"])
  }
}
