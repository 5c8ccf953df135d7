import AccrueCore
import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// ISO 20022 camt.053 (bank to customer statement) and camt.054 (debit/credit notification), versions 001.02
/// onwards: one transaction per `TxDtls` of each entry (batch bookings are split), amounts signed by
/// `CdtDbtInd`, `Dt` or `DtTm` dates, structured and unstructured remittance.
enum Camt {
  /// An element: local name, attributes, text, children, and the line it starts on.
  final class Node {
    let name: String
    let attributes: [String: String]
    let line: Int
    var text = ""
    var children: [Node] = []
    init(name: String, attributes: [String: String], line: Int) {
      self.name = name
      self.attributes = attributes
      self.line = line
    }

    func child(_ n: String) -> Node? { children.first { $0.name == n } }
    func all(_ n: String) -> [Node] { children.filter { $0.name == n } }
    /// The first node along a path of names.
    func at(_ path: String) -> Node? {
      var node: Node? = self
      for part in path.split(separator: "/") { node = node?.child(String(part)) }
      return node
    }
    func value(_ path: String) -> String? {
      at(path).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }
  }

  final class Builder: NSObject, XMLParserDelegate {
    var stack: [Node] = []
    var root: Node?
    weak var parser: XMLParser?

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
      let node = Node(name: local, attributes: attributes, line: parser.lineNumber)
      stack.last?.children.append(node)
      if stack.isEmpty { root = node }
      stack.append(node)
    }

    /// The first end tag that does not close the open element, or the parser's first error (it may recover
    /// and still report success; a statement with an error is not read).
    var mismatch: (line: Int, message: String)?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
      guard mismatch == nil else { return }
      let code = (parseError as NSError).code
      let what: String
      switch code {
      case 76: what = "an end tag does not match the element it closes"
      case 5: what = "the document ends before its elements are closed"
      case 4: what = "the document is empty"
      case 9, 40, 41, 42, 73: what = "an element or attribute is not well formed"
      default: what = "not well-formed XML (parser error \(code))"
      }
      mismatch = (parser.lineNumber, "malformed XML: " + what)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
      let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
      if let open = stack.last, open.name != local, mismatch == nil {
        mismatch = (parser.lineNumber, "malformed XML: </\(local)> closes <\(open.name)> (opened on line \(open.line))")
      }
      _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { stack.last?.text += String(decoding: CDATABlock, as: UTF8.self) }
  }

  static func parse(_ bytes: [UInt8], file: String) -> Result<[BankTransaction], BankImportError> {
    // camt files are UTF-8; anything else is rejected here (the XML parser can trap on it).
    let bad = bytes.withUnsafeBufferPointer { b in b.isEmpty ? nil : UTF8Scan.firstInvalid(b.baseAddress!, 0, b.count) }
    if let at = bad {
      let line = bytes[..<at].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
      return .failure(BankImportError(file: file, line: line, location: "", message: "invalid UTF-8 (byte \(at + 1)): camt files are UTF-8"))
    }
    // What XMLParser must not see (it crashes on a processing instruction without data): XMLGuard.
    let xml: [UInt8]
    switch XMLGuard.prepare(bytes) {
    case .success(let b): xml = b
    case .failure(let d):
      return .failure(
        BankImportError(file: file, line: d.line, location: "DOCTYPE", message: "a camt file has no DOCTYPE declaration (ISO 20022 uses XML Schema)"))
    }
    let parser = XMLParser(data: Data(xml))
    parser.shouldProcessNamespaces = true
    let builder = Builder()
    parser.delegate = builder
    guard parser.parse(), let root = builder.root else {
      let message = parser.parserError.map { "malformed XML: \(($0 as NSError).localizedDescription)" } ?? "malformed XML"
      return .failure(BankImportError(file: file, line: max(1, parser.lineNumber), location: "", message: message))
    }
    if let m = builder.mismatch { return .failure(BankImportError(file: file, line: m.line, location: "", message: m.message)) }
    guard root.name == "Document" else {
      return .failure(BankImportError(file: file, line: root.line, location: root.name, message: "expected a camt Document"))
    }
    let statements: [(Node, String)]
    if let s = root.child("BkToCstmrStmt") {
      statements = s.all("Stmt").map { ($0, "BkToCstmrStmt/Stmt") }
    } else if let n = root.child("BkToCstmrDbtCdtNtfctn") {
      statements = n.all("Ntfctn").map { ($0, "BkToCstmrDbtCdtNtfctn/Ntfctn") }
    } else {
      return .failure(
        BankImportError(
          file: file, line: root.line, location: "Document",
          message: "no BkToCstmrStmt (camt.053) or BkToCstmrDbtCdtNtfctn (camt.054) in the document"))
    }
    var out: [BankTransaction] = []
    for (si, (stmt, stmtPath)) in statements.enumerated() {
      let accountCurrency = stmt.value("Acct/Ccy").flatMap(Currency.lookup)
      for (ni, entry) in stmt.all("Ntry").enumerated() {
        // Only booked entries are payments: pending (PDNG) and information-only (INFO) ones are left out.
        let status = entry.value("Sts/Cd") ?? entry.value("Sts") ?? "BOOK"
        if status == "PDNG" || status == "INFO" { continue }
        let path = "Document/\(stmtPath)[\(si + 1)]/Ntry[\(ni + 1)]"
        switch transactions(entry, path: path, file: file, accountCurrency: accountCurrency) {
        case .success(let list): out += list
        case .failure(let e): return .failure(e)
        }
      }
    }
    return .success(out)
  }

  /// `Dt` (YYYY-MM-DD) or `DtTm` (its date part, as written: no time zone conversion).
  static func date(_ node: Node?) -> CivilDate?? {
    guard let node else { return .some(nil) }
    guard let text = node.value("Dt") ?? node.value("DtTm").map({ String($0.prefix(10)) }) else { return .some(nil) }
    guard let d = CivilDate.parse(text) else { return nil }
    return .some(d)
  }

  static func amount(_ node: Node?) -> (Fixed, Currency?)? {
    guard let node, let v = Fixed.parse(Array(node.text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)) else { return nil }
    return (v, node.attributes["Ccy"].flatMap(Currency.lookup))
  }

  static func transactions(_ entry: Node, path: String, file: String, accountCurrency: Currency?)
    -> Result<[BankTransaction], BankImportError>
  {
    func fail(_ node: Node, _ where: String, _ msg: String) -> Result<[BankTransaction], BankImportError> {
      .failure(BankImportError(file: file, line: node.line, location: `where`, message: msg))
    }
    guard let (entryAmount, entryCcy) = amount(entry.child("Amt")) else {
      return fail(entry, path + "/Amt", "the entry has no amount (Amt)")
    }
    guard let currency = entryCcy ?? accountCurrency else {
      return fail(entry, path + "/Amt", "the amount has no currency (Amt Ccy=\"...\") and the account states none")
    }
    guard let cdi = entry.value("CdtDbtInd"), cdi == "CRDT" || cdi == "DBIT" else {
      return fail(entry, path + "/CdtDbtInd", "expected CdtDbtInd CRDT or DBIT")
    }
    guard let booked = date(entry.child("BookgDt")) else {
      return fail(entry, path + "/BookgDt", "the booking date is not a real YYYY-MM-DD date")
    }
    guard let valued = date(entry.child("ValDt")) else {
      return fail(entry, path + "/ValDt", "the value date is not a real YYYY-MM-DD date")
    }
    guard let booking = booked ?? valued else { return fail(entry, path + "/BookgDt", "the entry has neither BookgDt nor ValDt") }
    let reversal = entry.value("RvslInd") == "true"
    let entryRef = entry.value("AcctSvcrRef") ?? entry.value("NtryRef") ?? ""
    let details = entry.all("NtryDtls").flatMap { $0.all("TxDtls") }
    func signed(_ v: Fixed, _ indicator: String) -> Fixed { indicator == "DBIT" ? (v.negated ?? v) : v }
    guard !details.isEmpty else {
      return .success([
        BankTransaction(
          bookingDate: booking, valueDate: valued, amount: signed(entryAmount, cdi), currency: currency, bankReference: entryRef,
          remittance: entry.value("AddtlNtryInf") ?? "", reversal: reversal, source: "\(file):\(entry.line) \(path)")
      ])
    }
    var out: [BankTransaction] = []
    var sum = Fixed.zero
    for (ti, tx) in details.enumerated() {
      let txPath = path + "/NtryDtls/TxDtls[\(ti + 1)]"
      var value = entryAmount
      var ccy = currency
      if let (v, c) = amount(tx.child("Amt")) ?? amount(tx.at("AmtDtls/TxAmt/Amt")) {
        value = v
        ccy = c ?? currency
      } else if details.count > 1 {
        return fail(tx, txPath, "a batch entry of \(details.count) transactions without an amount for each (TxDtls/Amt or AmtDtls/TxAmt/Amt)")
      }
      let indicator = tx.value("CdtDbtInd") ?? cdi
      let v = signed(value, indicator)
      sum = sum.adding(v) ?? sum
      // The other party: the debtor of a credit, the creditor of a debit (v02: Dbtr/Nm; v08+: Dbtr/Pty/Nm).
      let party = indicator == "CRDT" ? "Dbtr" : "Cdtr"
      let name = tx.value("RltdPties/\(party)/Nm") ?? tx.value("RltdPties/\(party)/Pty/Nm") ?? ""
      let account = tx.value("RltdPties/\(party)Acct/Id/IBAN") ?? tx.value("RltdPties/\(party)Acct/Id/Othr/Id") ?? ""
      var endToEnd = tx.value("Refs/EndToEndId") ?? ""
      if endToEnd == "NOTPROVIDED" { endToEnd = "" }
      let structured = tx.all("RmtInf").flatMap { $0.all("Strd") }.compactMap { $0.value("CdtrRefInf/Ref") }
      let unstructured = tx.all("RmtInf").flatMap { $0.all("Ustrd") }.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
      out.append(
        BankTransaction(
          bookingDate: booking, valueDate: valued, amount: v, currency: ccy, reference: structured.first ?? "", endToEndID: endToEnd,
          bankReference: tx.value("Refs/AcctSvcrRef") ?? entryRef, remittance: unstructured.joined(separator: "\n"),
          counterpartyName: name, counterpartyAccount: account, reversal: reversal, source: "\(file):\(tx.line) \(txPath)"))
    }
    let entrySigned = signed(entryAmount, cdi)
    if details.count > 1 && sum != entrySigned {
      for k in out.indices { out[k].notes.append("the entry's transactions add up to \(sum), the entry says \(entrySigned)") }
    }
    return .success(out)
  }
}
