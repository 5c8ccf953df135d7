@testable import AccrueImport
import AccrueCore
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
}
