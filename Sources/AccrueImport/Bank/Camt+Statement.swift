import AccrueCore
import AccrueModel

extension Camt {
  /// One `Stmt` (camt.053) or `Ntfctn` (camt.054): its account, id, sequence, copy indicator, balances and booked
  /// entries (pending and information-only entries are left out, as the booked balances leave them out).
  static func statement(_ stmt: Node, path: String, file: String, camt054: Bool) -> Result<BankStatement, BankImportError> {
    var accountCurrency: Currency?
    if let code = stmt.value("Acct/Ccy") {
      guard let c = Currency.lookup(code) else {
        return .failure(BankImportError(file: file, line: stmt.at("Acct/Ccy")?.line ?? stmt.line, location: path + "/Acct/Ccy", message: unknownCurrency(code)))
      }
      accountCurrency = c
    }
    var st = BankStatement(
      format: (camt054 ? BankFormat.camt054 : BankFormat.camt053).rawValue,
      account: stmt.value("Acct/Id/IBAN") ?? stmt.value("Acct/Id/Othr/Id") ?? "", currency: accountCurrency,
      statementID: stmt.value("Id") ?? "", sequence: stmt.value("ElctrncSeqNb") ?? stmt.value("LglSeqNb") ?? "",
      copy: stmt.value("CpyDplctInd") ?? "", source: "\(file):\(stmt.line)")
    for (bi, bal) in stmt.all("Bal").enumerated() {
      switch balance(bal, path: path + "/Bal[\(bi + 1)]", file: file, accountCurrency: accountCurrency) {
      case .failure(let e): return .failure(e)
      case .success(nil): continue
      case .success(let (kind, b)?):
        switch kind {
        case "OPBD", "PRCD": if st.opening == nil { st.opening = b }
        case "CLBD": st.closing = b
        case "CLAV": st.available = b
        default: break
        }
      }
    }
    for (ni, entry) in stmt.all("Ntry").enumerated() {
      // Only booked entries are payments: pending (PDNG) and information-only (INFO) ones are left out.
      let status = entry.value("Sts/Cd") ?? entry.value("Sts") ?? "BOOK"
      if status == "PDNG" || status == "INFO" { continue }
      switch transactions(entry, path: path + "/Ntry[\(ni + 1)]", file: file, accountCurrency: accountCurrency) {
      case .failure(let e): return .failure(e)
      case .success(var list):
        // Bank transaction codes of a returned credit transfer (RRTN) or an unpaid direct debit (UPDD).
        let sub = entry.value("BkTxCd/Domn/Fmly/SubFmlyCd") ?? ""
        for k in list.indices {
          list[k].account = st.account
          if sub == "RRTN" || sub == "UPDD" { list[k].isReturn = true }
        }
        st.transactions += list
      }
    }
    return .success(st)
  }

  /// A `Bal`: its type code (`Tp/CdOrPrtry/Cd`) and the signed balance; nil when it has no type code.
  static func balance(_ bal: Node, path: String, file: String, accountCurrency: Currency?)
    -> Result<(String, StatementBalance)?, BankImportError>
  {
    guard let kind = bal.value("Tp/CdOrPrtry/Cd") ?? bal.value("Tp/CdOrPrtry/Prtry") else { return .success(nil) }
    let value: Fixed
    let ccy: Currency?
    switch amount(bal.child("Amt")) {
    case .absent: return .failure(BankImportError(file: file, line: bal.line, location: path + "/Amt", message: "the \(kind) balance has no amount (Amt)"))
    case .bad(let line, let message): return .failure(BankImportError(file: file, line: line, location: path + "/Amt", message: message))
    case .value(let v, let c): (value, ccy) = (v, c)
    }
    guard let currency = ccy ?? accountCurrency else {
      return .failure(
        BankImportError(file: file, line: bal.line, location: path + "/Amt", message: "the \(kind) balance has no currency (Amt Ccy=\"...\") and the account states none"))
    }
    guard let d = date(bal.child("Dt")) else {
      return .failure(BankImportError(file: file, line: bal.line, location: path + "/Dt", message: "the balance's date is not a real YYYY-MM-DD date"))
    }
    let cdi = bal.value("CdtDbtInd") ?? "CRDT"
    return .success((kind, StatementBalance(amount: signed(value, cdi), currency: currency, date: d, source: "\(file):\(bal.line) \(path)")))
  }
}
