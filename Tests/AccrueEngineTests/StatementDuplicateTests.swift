import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueRun
import Foundation
import Testing

/// Issue 23: a statement delivered twice, or the same payment in two formats, is read once (same account, bank
/// reference, amount, currency and value date).
@Suite("Statement entries delivered twice")
struct StatementDuplicateTests {
  static let camt = """
    <?xml version="1.0" encoding="UTF-8"?>
    <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
    <Id>S-1</Id><Acct><Id><Othr><Id>000123456789</Id></Othr></Id><Ccy>USD</Ccy></Acct>
    <Ntry><Amt Ccy="USD">480.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2026-10-20</Dt></BookgDt><ValDt><Dt>2026-10-20</Dt></ValDt><AcctSvcrRef>B-777</AcctSvcrRef>
    <NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>Acme Corporation</Nm></Pty></Dbtr></RltdPties>
    <RmtInf><Ustrd>INV-1001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
    </Stmt></BkToCstmrStmt></Document>

    """
  static let ofx = """
    OFXHEADER:100
    DATA:OFXSGML

    <OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD
    <BANKACCTFROM><BANKID>121000248<ACCTID>0001 2345 6789<ACCTTYPE>CHECKING</BANKACCTFROM>
    <BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261020<TRNAMT>480.00<FITID>B-777<NAME>ACME CORP<MEMO>PAYMENT INV-1001</STMTTRN>
    </BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>

    """

  static func load(_ statements: [String: String]) throws -> (Dataset, [DataIssue]) {
    let p = try Run.plan(EarlyPaymentTests.rules)
    let dir = try Run.folder(["customers.csv": EarlyPaymentTests.customers, "contracts.csv": EarlyPaymentTests.contracts, "invoices.csv": EarlyPaymentTests.invoices])
    try FileManager.default.createDirectory(atPath: dir + "/statements", withIntermediateDirectories: true)
    for (name, text) in statements { try text.write(toFile: dir + "/statements/" + name, atomically: true, encoding: .utf8) }
    return Dataset.load(folder: dir, plan: p)
  }

  @Test("the same payment in camt.053 and OFX is one payment, noted; it is applied once")
  func acrossFormats() throws {
    let (data, issues) = try Self.load(["a.xml": Self.camt, "b.ofx": Self.ofx])
    #expect(issues.isEmpty)
    #expect(data.cash.payments.count == 1)
    let p = try #require(data.cash.payments.first)
    #expect(p.transaction.source.contains("a.xml"))
    #expect(p.transaction.notes.contains { $0.hasPrefix("also delivered in ") && $0.contains("b.ofx") })
    let out = Produce.run(plan: try Run.plan(EarlyPaymentTests.rules), data: data, asOf: CivilDate.parse("2026-11-05")!, since: CivilDate.parse("2026-11-05")!)
    #expect(out.cash?.applications.map(\.status) == [.applied])
  }

  @Test("a statement delivered twice is read once; entries without a bank reference are not merged by this rule")
  func sameFileTwice() throws {
    let (data, _) = try Self.load(["a.xml": Self.camt, "copy-of-a.xml": Self.camt])
    #expect(data.cash.payments.count == 1)
    let noRef = Self.camt.replacingOccurrences(of: "<AcctSvcrRef>B-777</AcctSvcrRef>", with: "")
    let (two, _) = try Self.load(["a.xml": noRef, "copy-of-a.xml": noRef])
    #expect(two.cash.payments.count == 2)  // held as a possible duplicate for review by cash application
  }

  @Test("a batch entry split into details of the same amount keeps each of them; the same file again adds none")
  func batchOfEqualAmounts() throws {
    func detail(_ name: String, _ ref: String) -> String {
      let head = "<TxDtls><Amt Ccy=\"USD\">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Refs><EndToEndId>" + ref + "</EndToEndId></Refs>"
      return head + "<RltdPties><Dbtr><Pty><Nm>" + name + "</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>" + ref + "</Ustrd></RmtInf></TxDtls>"
    }
    let details: String = "<NtryDtls>" + detail("Alpha GmbH", "INV-A") + detail("Beta AG", "INV-B") + detail("Gamma KG", "INV-C") + "</NtryDtls>"
    let amount: String = Self.camt.replacingOccurrences(of: "480.00", with: "300.00")
    let start = try #require(amount.range(of: "<NtryDtls>")), end = try #require(amount.range(of: "</NtryDtls>"))
    let batch = amount.replacingCharacters(in: start.lowerBound..<end.upperBound, with: details)
    let (one, _) = try Self.load(["a.xml": batch])
    #expect(one.cash.payments.count == 3)
    let (twice, _) = try Self.load(["a.xml": batch, "b.xml": batch])
    #expect(twice.cash.payments.count == 3)
  }

  @Test("accounts compare across formats: spaces, case, a currency suffix, a German IBAN and its bank code/account pair")
  func accounts() {
    #expect(StatementEntryKey.account("DE89 3704 0044 0532 0130 00") == StatementEntryKey.account("37040044/532013000"))
    #expect(StatementEntryKey.account("NL91ABNA0417164300EUR") == StatementEntryKey.account("nl91 abna 0417 1643 00"))
    #expect(StatementEntryKey.account("GB29NWBK60161331926819") != StatementEntryKey.account("GB29NWBK60161331926810"))
    #expect(StatementEntryKey.account("  ") == nil)
  }
}
