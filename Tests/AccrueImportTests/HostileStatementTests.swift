@testable import AccrueImport
import AccrueCore
import AccrueModel
import Foundation
import Testing

/// Statement files made to break the importers: nothing they hold may crash, hang or be read as something else.
@Suite("Hostile statements")
struct HostileStatementTests {
  static func parse(_ text: String, _ name: String = "s.xml") -> Result<[BankTransaction], BankImportError> {
    BankStatements.parse(bytes: Array(text.utf8), path: name)
  }

  static func camt(_ inner: String) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
    <BkToCstmrStmt>\(inner)</BkToCstmrStmt>
    </Document>

    """
  }

  @Test("camt nested 50,000 deep is a located D0105 error, not a stack overflow")
  func deepCamt() {
    let n = 50_000
    let text = Self.camt(String(repeating: "<a>", count: n) + String(repeating: "</a>", count: n))
    guard case .failure(let e) = Self.parse(text) else {
      Issue.record("a statement nested 50,000 deep was read")
      return
    }
    #expect(e.code == "D0105")
    #expect(e.line == 3)
    #expect(e.message.contains("nested deeper than \(Camt.maxDepth) levels"), "\(e.message)")
    // As deep as real statements get, and a little more, still reads.
    let fine = Self.camt(
      "<Stmt><Acct><Ccy>EUR</Ccy></Acct><Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-10-01</Dt></BookgDt>"
        + "<NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref>"
        + "</CdtrRefInf><AddtlRmtInf>" + String(repeating: "<x>", count: 50) + String(repeating: "</x>", count: 50)
        + "</AddtlRmtInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt>")
    guard case .success(let list) = Self.parse(fine) else {
      Issue.record("a statement 60 deep did not read")
      return
    }
    #expect(list.map(\.reference) == ["RF18539007547034"])
  }

  @Test("a camt tree of any depth is released without recursion")
  func deepTreeTeardown() {
    var root: Camt.Node? = Camt.Node(name: "Document", attributes: [:], line: 1)
    var node = root!
    for k in 0..<300_000 {
      let child = Camt.Node(name: "a", attributes: [:], line: k)
      node.children.append(child)
      node = child
    }
    node = Camt.Node(name: "end", attributes: [:], line: 0)
    root = nil
    #expect(root == nil)
  }

  /// The joining of `88` continuations as it was (quadratic), the reference for the linear one.
  static func referenceRecords(_ text: String) -> [BAI2.Record] {
    var out: [BAI2.Record] = []
    for (k, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      var line = String(raw)
      if line.hasSuffix("\r") { line.removeLast() }
      if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if fields.first == "88", var last = out.popLast() {
        let more = Array(fields.dropFirst())
        if last.fields.first == "16", let text = last.fields.popLast() {
          last.fields.append(BAI2.strip(text) + " " + more.joined(separator: ","))
        } else {
          last.fields = last.fields.dropLast() + [BAI2.strip(last.fields.last ?? "")] + more
        }
        out.append(last)
        continue
      }
      out.append(BAI2.Record(fields: fields, line: k + 1))
    }
    return out
  }

  @Test("BAI2: 88 continuations join as before, on random files")
  func bai2JoinDifferential() {
    var rng = LCG(seed: 88)
    let kinds = ["01,A,B,261101,0800,1,,,2/", "02,A,B,1,261031,,USD,2/", "03,1,USD,010,100,,/", "16,195,100,0,BR,CR,TEXT", "16,195,1,0,,,a,b/",
      "49,1,2/", "98,1,1,2/", "99,1,1,2/", "", "  ", "88", "88,", "88,x/", "88,more, text/", "88,/", "88,a,b,c"]
    for _ in 0..<500 {
      var lines: [String] = []
      for _ in 0..<rng.int(0...30) { lines.append(rng.pick(kinds) + (rng.int(0...5) == 0 ? "\r" : "")) }
      let text = lines.joined(separator: "\n")
      let got = BAI2.records(Array(text.utf8)).map { "\($0.line):\($0.fields)" }
      let want = Self.referenceRecords(text).map { "\($0.line):\($0.fields)" }
      #expect(got == want, "\(text)")
    }
  }

  @Test("BAI2: 200,000 88 records continuing one detail, and one account summary, are read whole")
  func bai2ManyContinuations() throws {
    let n = 200_000
    var text = "01,BANK,CUST,261101,0800,1,,,2/\n02,CUST,BANK,1,261031,,USD,2/\n03,12345,USD,,,,/\n16,195,150000,0,REF1,CUST1,Payment/\n"
    for k in 0..<n { text += "88,part \(k)/\n" }
    text += "49,150000,/\n03,777,USD,010,100,,/\n"
    for _ in 0..<n { text += "88,010,0,,/\n" }
    text += "49,100,/\n98,150100,2/\n99,150100,1/\n"
    guard case .success(let list) = Self.parse(text, "big.bai") else {
      Issue.record("the file did not read")
      return
    }
    #expect(list.count == 1)
    let remittance = list.first?.remittance ?? ""
    #expect(remittance.hasPrefix("Payment part 0 part 1 part 2 "))
    #expect(remittance.hasSuffix(" part \(n - 1)"))
    #expect(remittance.count == "Payment".count + (0..<n).reduce(0) { $0 + " part \($1)".count })
  }

  /// One statement with one entry; `entryAmt` and `tx` are the entry's `Amt` and its `TxDtls` content.
  static func oneEntry(accountCcy: String = "EUR", entryAmt: String = "<Amt Ccy=\"EUR\">100.00</Amt>", tx: String = "") -> String {
    camt(
      "<Stmt><Acct><Ccy>\(accountCcy)</Ccy></Acct>\n<Ntry>\n\(entryAmt)\n<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-10-01</Dt></BookgDt>"
        + (tx.isEmpty ? "" : "\n<NtryDtls><TxDtls>\n\(tx)\n</TxDtls></NtryDtls>") + "</Ntry></Stmt>")
  }

  @Test("camt: an unknown currency (Ccy=\"ZZZ\") is a located error, never the account's currency")
  func camtUnknownCurrency() {
    let cases: [(String, Int, String)] = [
      (Self.oneEntry(entryAmt: "<Amt Ccy=\"ZZZ\">100.00</Amt>"), 5, "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"),
      (Self.oneEntry(tx: "<Amt Ccy=\"ZZZ\">100.00</Amt>"), 8, "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/Amt"),
      (
        Self.oneEntry(tx: "<AmtDtls><TxAmt><Amt Ccy=\"ZZZ\">100.00</Amt></TxAmt></AmtDtls>"), 8,
        "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/AmtDtls/TxAmt/Amt"
      ),
      (Self.oneEntry(accountCcy: "ZZZ", entryAmt: "<Amt>100.00</Amt>"), 3, "Document/BkToCstmrStmt/Stmt[1]/Acct/Ccy"),
    ]
    for (text, line, location) in cases {
      guard case .failure(let e) = Self.parse(text) else {
        Issue.record("read although a currency is ZZZ: \(text)")
        continue
      }
      #expect(e.code == "D0105")
      #expect(e.line == line, "\(e)")
      #expect(e.location == location)
      #expect(e.message.hasPrefix("unknown currency 'ZZZ' (Ccy): expected an ISO 4217 code such as EUR"), "\(e.message)")
    }
    let lower = Self.parse(Self.oneEntry(entryAmt: "<Amt Ccy=\"usd\">100.00</Amt>"))
    guard case .failure(let e) = lower else {
      Issue.record("a lowercase currency was read")
      return
    }
    #expect(e.message.contains("currency codes are uppercase (USD)"))
    // A known Ccy still reads, and an Amt without one takes the account's.
    guard case .success(let ok) = Self.parse(Self.oneEntry(entryAmt: "<Amt Ccy=\"USD\">100.00</Amt>")),
      case .success(let plain) = Self.parse(Self.oneEntry(entryAmt: "<Amt>100.00</Amt>"))
    else {
      Issue.record("a good statement did not read")
      return
    }
    #expect(ok.map(\.currency) == [.USD])
    #expect(plain.map(\.currency) == [.EUR])
  }

  @Test("camt: an amount that is not a number is a located error, not the entry's amount")
  func camtBadAmount() {
    guard case .failure(let e) = Self.parse(Self.oneEntry(tx: "<Amt Ccy=\"EUR\">1.000,00</Amt>")) else {
      Issue.record("a transaction amount of 1.000,00 was read")
      return
    }
    #expect(e.line == 8)
    #expect(e.message.contains("the amount '1.000,00' is not a decimal number"))
  }

  /// A camt file with `doctype` after the XML declaration and `ustrd` as a transaction's remittance.
  static func withDoctype(_ doctype: String, ustrd: String) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\(doctype)\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n"
      + "<BkToCstmrStmt><Stmt><Acct><Ccy>EUR</Ccy></Acct><Ntry><Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
      + "<BookgDt><Dt>2026-10-01</Dt></BookgDt><NtryDtls><TxDtls>\n<RmtInf><Ustrd>\(ustrd)</Ustrd></RmtInf>\n"
      + "</TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>\n"
  }

  @Test("camt: an entity declaration is a located error (its text was dropped), and nothing is fetched")
  func camtEntities() throws {
    let dir = TempDir()
    let secret = dir.write("secret.txt", "INV-SECRET-0001")
    let dtd = dir.write("leak.dtd", "<!ENTITY leak \"INV-SECRET-0002\">\n")
    // (Before, the first read with an empty remittance: the file's text was dropped without a word.)
    let declared: [(String, String, String)] = [
      ("<!DOCTYPE Document [<!ENTITY ext SYSTEM \"file://\(secret)\">]>", "&ext;", "the external entity 'ext'"),
      ("<!DOCTYPE Document [\n  <!-- a comment -->\n  <!ENTITY inv \"INV-2026-0099\">\n]>", "&inv;", "the entity 'inv'"),
      ("<!DOCTYPE Document [<!ENTITY % p SYSTEM \"file://\(dtd)\"> %p;]>", "&leak;", "the external parameter entity 'p'"),
      (
        "<!DOCTYPE Document PUBLIC \"-//x//y\" \"file://\(dtd)\" [<!ENTITY w PUBLIC \"-//a//b\" \"http://127.0.0.1:9/w\">]>", "&w;",
        "the external entity 'w'"
      ),
    ]
    for (doctype, reference, what) in declared {
      let text = Self.withDoctype(doctype, ustrd: "Payment " + reference)
      guard case .failure(let e) = Self.parse(text) else {
        Issue.record("read with \(doctype)")
        continue
      }
      #expect(e.code == "D0105")
      #expect(e.location == "DOCTYPE")
      #expect(e.line == (doctype.contains("<!-- a comment") ? 4 : 2), "\(doctype)")
      #expect(e.message.hasPrefix("the file declares \(what): camt statements declare no entities"), "\(e.message)")
    }
    // An external DTD is not loaded: an entity it would declare stays undeclared, so its reference is an error.
    let external = Self.parse(Self.withDoctype("<!DOCTYPE Document SYSTEM \"file://\(dtd)\">", ustrd: "Payment &leak;"))
    guard case .failure(let e) = external else {
      Issue.record("an entity of an external DTD was read: \(external)")
      return
    }
    #expect(e.line == 5)
    #expect(e.message == "malformed XML: a reference to an entity that is not declared (write a literal & as &amp;)")
    // A DOCTYPE without entities, and the predefined entities, still read.
    guard case .success(let ok) = Self.parse(Self.withDoctype("<!DOCTYPE Document>", ustrd: "R&amp;D INV-1")) else {
      Issue.record("a plain DOCTYPE did not read")
      return
    }
    #expect(ok.map(\.remittance) == ["R&D INV-1"])
    // A NUL byte (UTF-16 text, say) is refused before the XML parser sees the file.
    guard case .failure(let u) = Self.parse(Self.withDoctype("", ustrd: "a\u{0}b")) else {
      Issue.record("a camt with a NUL byte was read")
      return
    }
    #expect(u.line == 5)
    #expect(u.message.contains("camt files are UTF-8"))
  }

  static func mt940(_ line61: String) -> String {
    ":20:STMT-1\n:25:DE89370400440532013000\n:60F:C261230EUR1000,00\n:61:\(line61)\n:86:INV-2026-0005\n:62F:C270102EUR1499,80\n-\n"
  }

  @Test("MT940: an amount without its decimal comma (C49980) is a located error, not 49,980.00")
  func mt940AmountWithoutComma() {
    for (line, message) in [
      ("2610311031C49980NTRFNONREF//BANK-1", "the amount '49980' has no decimal comma"),
      ("2610311031D49980NTRFNONREF//BANK-1", "the amount '49980' has no decimal comma"),
      ("2610311031RCN49980NTRFNONREF//BANK-1", "the amount '49980' has no decimal comma"),
      ("2610311031C1,234,56NTRFNONREF//BANK-1", "the amount '1,234,56' has 2 commas"),
    ] {
      guard case .failure(let e) = Self.parse(Self.mt940(line), "s.sta") else {
        Issue.record("read: \(line)")
        continue
      }
      #expect(e.code == "D0105")
      #expect(e.line == 4)
      #expect(e.location == ":61:")
      #expect(e.message.hasPrefix(message), "\(e.message)")
    }
    for (line, amount) in [("2610311031C499,80NTRFNONREF", "499.8"), ("2610311031C49980,NTRFNONREF", "49980"), ("2610311031D0,5NTRF", "-0.5")] {
      guard case .success(let list) = Self.parse(Self.mt940(line), "s.sta") else {
        Issue.record("did not read: \(line)")
        continue
      }
      #expect(list.map(\.amount.description) == [amount])
    }
  }

  @Test("OFX: aggregates nested deep inside a transaction are a located error (keying values by path was quadratic)")
  func ofxDeep() {
    let head = "OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKTRANLIST>\n"
      + "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261001<TRNAMT>10.00<FITID>1\n"
    let tail = "</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    let n = 2_000
    for body in [String(repeating: "<PAYEE>", count: n) + String(repeating: "<NAME>x\n", count: n), String(repeating: "<PAYEE><NAME>x\n", count: n)] {
      guard case .failure(let e) = Self.parse(head + body + tail, "s.ofx") else {
        Issue.record("a transaction with aggregates \(n) deep was read")
        continue
      }
      #expect(e.code == "D0105")
      #expect(e.location == "STMTTRN/PAYEE")
      #expect(e.message.hasPrefix("aggregates nested deeper than \(OFX.maxDepth) levels inside a transaction"))
    }
    // A PAYEE (and a CURRENCY) one level deep still reads.
    let ok = Self.parse(head + "<PAYEE><NAME>Acme</PAYEE><CURRENCY><CURSYM>EUR<CURRATE>1.0</CURRENCY>\n" + tail, "s.ofx")
    guard case .success(let list) = ok else {
      Issue.record("a plain transaction did not read: \(ok)")
      return
    }
    #expect(list.map(\.counterpartyName) == ["Acme"])
    #expect(list.map(\.currency) == [.EUR])
  }
}
