import AccrueCore
import AccrueModel
import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// ISO 20022 camt.053 (bank to customer statement) and camt.054 (debit/credit notification), versions 001.02
/// onwards: one transaction per entry at the amount it books (`Ntry/Amt`, `Ccy`, `CdtDbtInd`); a batch entry is
/// split into its `TxDtls` only when their amounts, in the entry's currency, add up to it. `Dt` or `DtTm` dates;
/// every structured reference; `Ustrd` and `AddtlTxInf` (or, without details, `AddtlNtryInf`) as remittance.
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

    /// Released one by one, not recursively: a tree as deep as the input must not exhaust the stack when it goes
    /// (the builder caps the depth too; this holds whatever the cap).
    deinit {
      guard !children.isEmpty else { return }
      var pending = children
      children = []
      while var node = pending.popLast() {
        if isKnownUniquelyReferenced(&node) {
          pending.append(contentsOf: node.children)
          node.children = []
        }
      }
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

  /// The deepest nesting of elements read. A camt statement nests about 10 deep (Document/BkToCstmrStmt/Stmt/
  /// Ntry/NtryDtls/TxDtls/RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Cd is 12); anything far deeper is not a statement.
  static let maxDepth = 100

  final class Builder: NSObject, XMLParserDelegate {
    var stack: [Node] = []
    var root: Node?
    weak var parser: XMLParser?
    /// Set when an element opens deeper than `maxDepth` (parsing stops there).
    var tooDeep: (line: Int, message: String)?

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
      if stack.count >= Camt.maxDepth {
        if tooDeep == nil {
          tooDeep = (
            parser.lineNumber,
            "elements nested deeper than \(Camt.maxDepth) levels (<\(local)> opens level \(stack.count + 1)): a camt statement "
              + "nests about 10 deep, so the file is damaged or not a statement; ask the bank for the file again"
          )
        }
        parser.abortParsing()
        return
      }
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
      case 26, 27: what = "a reference to an entity that is not declared (write a literal & as &amp;)"
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

  static func parse(_ bytes: [UInt8], file: String) -> Result<[BankStatement], BankImportError> {
    // camt files are UTF-8; anything else is rejected here (the XML parser can trap on it).
    let bad = bytes.withUnsafeBufferPointer { b in b.isEmpty ? nil : UTF8Scan.firstInvalid(b.baseAddress!, 0, b.count) }
    if let at = bad {
      let line = bytes[..<at].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
      return .failure(BankImportError(file: file, line: line, location: "", message: "invalid UTF-8 (byte \(at + 1)): camt files are UTF-8"))
    }
    if let nul = bytes.firstIndex(of: 0) {
      let line = bytes[..<nul].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
      return .failure(
        BankImportError(file: file, line: line, location: "", message: "a NUL byte (byte \(nul + 1)): camt files are UTF-8 (is this UTF-16?)"))
    }
    if let e = entityDeclaration(bytes) {
      return .failure(
        BankImportError(
          file: file, line: e.line, location: "DOCTYPE",
          message: "the file declares \(e.what): camt statements declare no entities, and Accrue neither expands them nor fetches "
            + "what they point to (the text that uses one would be lost); ask the bank for the file without a DOCTYPE"))
    }
    // What XMLParser must not see (it crashes on a processing instruction without data): XMLGuard.
    let xml: [UInt8]
    switch XMLGuard.prepare(bytes) {
    case .success(let b): xml = b
    case .failure(let d):
      return .failure(
        BankImportError(
          file: file, line: d.line, location: "DOCTYPE",
          message: "the file declares an entity: camt statements declare no entities, and Accrue neither expands them nor fetches "
            + "what they point to; ask the bank for the file without a DOCTYPE"))
    }
    let parser = XMLParser(data: Data(xml))
    parser.shouldProcessNamespaces = true
    parser.shouldResolveExternalEntities = false
    let builder = Builder()
    parser.delegate = builder
    let parsed = parser.parse()
    if let d = builder.tooDeep { return .failure(BankImportError(file: file, line: d.line, location: "", message: d.message)) }
    guard parsed, let root = builder.root else {
      if let m = builder.mismatch { return .failure(BankImportError(file: file, line: m.line, location: "", message: m.message)) }
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
    var out: [BankStatement] = []
    for (si, (stmt, stmtPath)) in statements.enumerated() {
      switch statement(stmt, path: "Document/\(stmtPath)[\(si + 1)]", file: file, camt054: stmtPath.hasPrefix("BkToCstmrDbtCdtNtfctn")) {
      case .success(let st): out.append(st)
      case .failure(let e): return .failure(e)
      }
    }
    return .success(out)
  }

  /// The first entity declaration in the document's DOCTYPE (the only place one may be), with its line, or nil.
  ///
  /// The XML parser drops the text of a reference to a declared entity without a word (a remittance came out
  /// empty), and an external one must never be fetched: a file that declares any is refused before parsing.
  static func entityDeclaration(_ b: [UInt8]) -> (line: Int, what: String)? {
    func at(_ k: Int, _ s: StaticString) -> Bool {
      let n = s.utf8CodeUnitCount
      guard k + n <= b.count else { return false }
      for m in 0..<n where b[k + m] != s.utf8Start[m] { return false }
      return true
    }
    /// The offset after the first `end` at or after `k` (the end of the bytes when there is none).
    func after(_ end: StaticString, from k: Int) -> Int {
      var j = k
      while j < b.count && !at(j, end) { j += 1 }
      return min(b.count, j + end.utf8CodeUnitCount)
    }
    var i = at(0, "\u{FEFF}") ? 3 : 0
    // The prolog: the XML declaration, comments, processing instructions, white space and the DOCTYPE.
    while i < b.count {
      let c = b[i]
      if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
        i += 1
      } else if at(i, "<?") {
        i = after("?>", from: i + 2)
      } else if at(i, "<!--") {
        i = after("-->", from: i + 4)
      } else if at(i, "<!DOCTYPE") {
        var j = i + 9
        var subset = false
        var quote: UInt8?
        while j < b.count {
          let d = b[j]
          if let q = quote {
            if d == q { quote = nil }
            j += 1
          } else if subset && at(j, "<!--") {
            j = after("-->", from: j + 4)
          } else if subset && at(j, "<?") {
            j = after("?>", from: j + 2)
          } else if subset && at(j, "<!ENTITY") {
            var k = j + 8
            func skipSpace() { while k < b.count && (b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A || b[k] == 0x0D) { k += 1 } }
            skipSpace()
            let parameter = k < b.count && b[k] == UInt8(ascii: "%")
            if parameter { k += 1 }
            skipSpace()
            var end = k
            while end < b.count && end - k < 100 && !(b[end] == 0x20 || b[end] == 0x09 || b[end] == 0x0A || b[end] == 0x0D || b[end] == 0x3E) { end += 1 }
            let name = String(decoding: b[k..<end], as: UTF8.self)
            k = end
            skipSpace()
            let external = at(k, "SYSTEM") || at(k, "PUBLIC")
            let line = b[..<j].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
            return (line, "the \(external ? "external " : "")\(parameter ? "parameter " : "")entity '\(name)'")
          } else {
            if d == 0x22 || d == 0x27 {
              quote = d
            } else if d == UInt8(ascii: "[") {
              subset = true
            } else if d == UInt8(ascii: "]") {
              subset = false
            } else if d == UInt8(ascii: ">") && !subset {
              break
            }
            j += 1
          }
        }
        i = j + 1
      } else {
        return nil  // the root element: the prolog is over
      }
    }
    return nil
  }

  /// `Dt` (YYYY-MM-DD) or `DtTm` (its date part, as written: no time zone conversion).
  static func date(_ node: Node?) -> CivilDate?? {
    guard let node else { return .some(nil) }
    guard let text = node.value("Dt") ?? node.value("DtTm").map({ String($0.prefix(10)) }) else { return .some(nil) }
    guard let d = CivilDate.parse(text) else { return nil }
    return .some(d)
  }

  /// An `Amt` element: absent, its amount and `Ccy` (nil when it has no `Ccy`), or what is wrong with it.
  enum AmountRead {
    case absent
    case value(Fixed, Currency?)
    case bad(line: Int, message: String)
  }

  static func amount(_ node: Node?) -> AmountRead {
    guard let node else { return .absent }
    let text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
    if text.hasPrefix("-") || text.hasPrefix("+") {
      return .bad(line: node.line, message: "the amount '\(text)' has a sign: a camt amount is written without one, its direction given by CdtDbtInd (CRDT or DBIT)")
    }
    guard let v = Fixed.parse(Array(text.utf8)) else {
      if text.isEmpty { return .absent }
      return .bad(line: node.line, message: "the amount '\(text)' is not a decimal number such as 1250.00")
    }
    guard let code = node.attributes["Ccy"] else { return .value(v, nil) }
    guard let c = Currency.lookup(code) else { return .bad(line: node.line, message: unknownCurrency(code)) }
    return .value(v, c)
  }

  /// The message for a `Ccy` that is not an ISO 4217 code: never taken as another currency.
  static func unknownCurrency(_ code: String) -> String {
    let upper = code.uppercased()
    let hint = upper != code && Currency.lookup(upper) != nil ? "currency codes are uppercase (\(upper))" : "expected an ISO 4217 code such as EUR"
    return "unknown currency '\(code)' (Ccy): \(hint); ask the bank for a corrected file (an amount is never taken in another currency)"
  }

  /// What a `TxDtls` says besides its amount: references, remittance, the other party.
  struct DetailFields {
    var references: [String] = []
    var endToEnd = ""
    var bankReference = ""
    var remittance: [String] = []
    var name = ""
    var account = ""
    var mandate = ""
    /// `RtrInf` present: the transaction returns an earlier one, for this reason (`Rsn/Cd`, else `Rsn/Prtry`).
    var returnReason: String?
  }

  /// The fields of one `TxDtls`, the other party taken for `indicator` (the debtor of a credit, the creditor of a
  /// debit; v02: Dbtr/Nm, v08+: Dbtr/Pty/Nm). Every structured reference is kept, in order; the remittance is the
  /// `Ustrd` lines, then `AddtlTxInf` (where some banks put the customer number).
  static func detailFields(_ tx: Node, indicator: String) -> DetailFields {
    var f = DetailFields()
    let party = indicator == "CRDT" ? "Dbtr" : "Cdtr"
    f.name = tx.value("RltdPties/\(party)/Nm") ?? tx.value("RltdPties/\(party)/Pty/Nm") ?? ""
    f.account = tx.value("RltdPties/\(party)Acct/Id/IBAN") ?? tx.value("RltdPties/\(party)Acct/Id/Othr/Id") ?? ""
    f.endToEnd = tx.value("Refs/EndToEndId") ?? ""
    if f.endToEnd == "NOTPROVIDED" { f.endToEnd = "" }
    f.bankReference = tx.value("Refs/AcctSvcrRef") ?? ""
    f.mandate = tx.value("Refs/MndtId") ?? ""
    if let r = tx.child("RtrInf") {
      f.returnReason = r.value("Rsn/Cd") ?? r.value("Rsn/Prtry") ?? r.value("AddtlInf") ?? ""
    }
    let info = tx.all("RmtInf")
    f.references = info.flatMap { $0.all("Strd") }.flatMap { $0.all("CdtrRefInf") }.compactMap { $0.value("Ref") }
    f.remittance = info.flatMap { $0.all("Ustrd") }.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    f.remittance += tx.all("AddtlTxInf").map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    f.remittance = f.remittance.filter { !$0.isEmpty }
    return f
  }

  /// Values joined in order, each once, empty ones left out.
  static func distinct(_ values: [String], _ separator: String) -> String {
    var seen: Set<String> = []
    return values.filter { !$0.isEmpty && seen.insert($0).inserted }.joined(separator: separator)
  }

  /// A `TxDtls` with its own amount (nil when it states none), sign and currency, and where that amount is.
  struct Detail {
    var node: Node
    var path: String
    var amount: Fixed?
    var currency: Currency
    var indicator: String
    var amountAt: String
  }

  /// Each `TxDtls` of the entry with the amount it states (`Amt`, else `AmtDtls/TxAmt/Amt`); a malformed amount or
  /// an unknown currency is a located error even where the amount is only information.
  static func readDetails(_ entry: Node, path: String, file: String, currency: Currency, cdi: String)
    -> Result<[Detail], BankImportError>
  {
    var out: [Detail] = []
    for (ti, tx) in entry.all("NtryDtls").flatMap({ $0.all("TxDtls") }).enumerated() {
      let txPath = path + "/NtryDtls/TxDtls[\(ti + 1)]"
      var read = amount(tx.child("Amt"))
      var at = txPath + "/Amt"
      if case .absent = read {
        read = amount(tx.at("AmtDtls/TxAmt/Amt"))
        at = txPath + "/AmtDtls/TxAmt/Amt"
      }
      var detail = Detail(node: tx, path: txPath, amount: nil, currency: currency, indicator: tx.value("CdtDbtInd") ?? cdi, amountAt: at)
      switch read {
      case .bad(let line, let message): return .failure(BankImportError(file: file, line: line, location: at, message: message))
      case .value(let v, let c): (detail.amount, detail.currency) = (v, c ?? currency)
      case .absent: break
      }
      out.append(detail)
    }
    return .success(out)
  }

  static func signed(_ v: Fixed, _ indicator: String) -> Fixed { indicator == "DBIT" ? (v.negated ?? v) : v }

  static func transactions(_ entry: Node, path: String, file: String, accountCurrency: Currency?)
    -> Result<[BankTransaction], BankImportError>
  {
    func fail(_ node: Node, _ where: String, _ msg: String) -> Result<[BankTransaction], BankImportError> {
      .failure(BankImportError(file: file, line: node.line, location: `where`, message: msg))
    }
    let entryAmount: Fixed
    let entryCcy: Currency?
    switch amount(entry.child("Amt")) {
    case .absent: return fail(entry, path + "/Amt", "the entry has no amount (Amt)")
    case .bad(let line, let message): return .failure(BankImportError(file: file, line: line, location: path + "/Amt", message: message))
    case .value(let v, let c): (entryAmount, entryCcy) = (v, c)
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
    let entryRef = entry.value("AcctSvcrRef") ?? entry.value("NtryRef") ?? ""
    // What was booked on the account: the entry's Amt, its Ccy and CdtDbtInd.
    let whole = BankTransaction(
      bookingDate: booking, valueDate: valued, amount: signed(entryAmount, cdi), currency: currency, bankReference: entryRef,
      reversal: entry.value("RvslInd") == "true", source: "\(file):\(entry.line) \(path)")
    let details: [Detail]
    switch readDetails(entry, path: path, file: file, currency: currency, cdi: cdi) {
    case .failure(let e): return .failure(e)
    case .success(let d): details = d
    }
    guard !details.isEmpty else {
      var t = whole
      t.remittance = entry.value("AddtlNtryInf") ?? ""
      return .success([t])
    }
    if details.count == 1 {
      return .success([single(whole, details[0], booked: entryAmount, cdi: cdi, entryPath: path, file: file)])
    }
    return batch(whole, details, entryPath: path, file: file)
  }

  /// An entry of one `TxDtls`: the entry's booked amount, currency and sign, the detail's references and parties.
  /// A detail amount that differs from the booked one is information about it (an instructed or original amount):
  /// said in a note, never taken.
  static func single(_ whole: BankTransaction, _ d: Detail, booked: Fixed, cdi: String, entryPath: String, file: String)
    -> BankTransaction
  {
    var t = whole
    apply(detailFields(d.node, indicator: cdi), to: &t)
    t.source = "\(file):\(d.node.line) \(d.path)"
    if let v = d.amount, v != booked || d.currency != whole.currency {
      t.notes.append(
        "\(d.amountAt) states \(v) \(d.currency.code), the entry books \(booked) \(whole.currency.code) (\(entryPath)/Amt): "
          + "the booked amount is taken, the detail's is information")
    }
    return t
  }

  static func apply(_ f: DetailFields, to t: inout BankTransaction) {
    t.reference = distinct(f.references, " ")
    t.endToEndID = f.endToEnd
    if !f.bankReference.isEmpty { t.bankReference = f.bankReference }
    t.remittance = f.remittance.joined(separator: "\n")
    t.counterpartyName = f.name
    t.counterpartyAccount = f.account
    t.mandateID = f.mandate
    if let r = f.returnReason { (t.isReturn, t.returnReason) = (true, r) }
  }

  /// A batch entry of several `TxDtls`: split into its transactions when their amounts, all in the entry's currency,
  /// add up to the booked amount; otherwise kept whole (the booked amount) with every detail's references and text,
  /// and a note saying why.
  static func batch(_ whole: BankTransaction, _ details: [Detail], entryPath: String, file: String)
    -> Result<[BankTransaction], BankImportError>
  {
    var sum = Fixed.zero
    var out: [BankTransaction] = []
    var otherCurrencies: [String] = []
    for d in details {
      guard let v = d.amount else {
        return .failure(
          BankImportError(
            file: file, line: d.node.line, location: d.path,
            message: "a batch entry of \(details.count) transactions without an amount for each (TxDtls/Amt or AmtDtls/TxAmt/Amt)"))
      }
      let s = signed(v, d.indicator)
      guard let total = sum.adding(s) else {
        return .failure(
          BankImportError(
            file: file, line: d.node.line, location: d.path,
            message: "the entry's transactions add up to more than Accrue can represent (at most \(RowAssembler.largest))"))
      }
      sum = total
      if d.currency != whole.currency { otherCurrencies.append(d.currency.code) }
      var t = whole
      apply(detailFields(d.node, indicator: d.indicator), to: &t)
      (t.amount, t.currency, t.source) = (s, d.currency, "\(file):\(d.node.line) \(d.path)")
      out.append(t)
    }
    if otherCurrencies.isEmpty && sum == whole.amount { return .success(out) }
    var t = whole
    let fields = details.map { detailFields($0.node, indicator: $0.indicator) }
    t.reference = distinct(fields.flatMap(\.references), " ")
    t.endToEndID = distinct(fields.map(\.endToEnd), " ")
    t.remittance = fields.flatMap(\.remittance).joined(separator: "\n")
    let names = Set(fields.map(\.name)), accounts = Set(fields.map(\.account))
    if names.count == 1 { t.counterpartyName = names.first! }
    if accounts.count == 1 { t.counterpartyAccount = accounts.first! }
    let why =
      otherCurrencies.isEmpty
      ? "add up to \(sum) \(whole.currency.code)"
      : "are stated partly in \(distinct(otherCurrencies, ", ")), not all in the entry's \(whole.currency.code)"
    t.notes.append(
      "the entry's \(details.count) transactions (\(entryPath)/NtryDtls/TxDtls) \(why), the entry books \(whole.amount) "
        + "\(whole.currency.code) (\(entryPath)/Amt): kept as one transaction of the booked amount")
    return .success([t])
  }
}
