import AccrueCore
import AccrueModel

extension BAI2 {
  static func parse(_ bytes: [UInt8], file: String) -> Result<[BankStatement], BankImportError> {
    let recs = records(bytes)
    guard recs.first?.fields.first == "01" else {
      return .failure(BankImportError(file: file, line: recs.first?.line ?? 1, location: "", message: "a BAI2 file starts with a 01 file header"))
    }
    var reader = Reader(file: file)
    for r in recs {
      if let e = reader.take(r) { return .failure(e) }
    }
    if !reader.closed {
      let last = recs.last ?? Record(fields: [""], line: 1)
      return .failure(
        BankImportError(file: file, line: last.line, location: "", message: "the file ends before its trailers (49, 98, 99): it is incomplete"))
    }
    if !reader.statements.isEmpty { reader.statements[0].warnings = reader.pending + reader.statements[0].warnings }
    return .success(reader.statements)
  }

  /// Reads the records in order: each account (`03` … `49`) becomes a statement. Every group, account and the
  /// file must be closed by their trailers (a file cut short is incomplete); a control total that disagrees with
  /// the amounts is kept with its statement (reported as a warning, an error with `--strict`). Control totals
  /// are sums of the amounts as written (BAI2: whole numbers of minor units, whatever the currency): a group's or
  /// the file's of accounts in several currencies is compared so. A record of a type BAI2 does not have, and a
  /// detail whose type code says neither credit nor debit, is not read, with a warning (D0323) at its line.
  struct Reader {
    let file: String
    var statements: [BankStatement] = []
    var groupCurrency = Currency.USD
    var groupDate: CivilDate?
    var groupID = ""
    var accountCurrency = Currency.USD
    var accountTotal = Fixed.zero
    var groupTotal = Fixed.zero
    var fileTotal = Fixed.zero
    /// The group's and file's totals as written (minor units of each account's currency), and their currencies.
    var groupRaw = Fixed.zero
    var fileRaw = Fixed.zero
    var groupCurrencies: Set<String> = []
    var fileCurrencies: Set<String> = []
    /// Warnings before the first account (kept with the first statement).
    var pending: [DataIssue] = []
    var account = ""
    var openGroup = false
    var openAccount = false
    var closed = false
    /// The first statement of the current group (its control total is kept with the group's last statement).
    var groupStart = 0

    init(file: String) { self.file = file }

    func fail(_ r: Record, _ msg: String) -> BankImportError {
      BankImportError(file: file, line: r.line, location: "record \(r.fields.first ?? "")", message: msg)
    }

    /// The amounts of an account, group or file add up past what can be represented: the control total cannot be
    /// checked, so the file is refused rather than read with a partial sum.
    func tooLarge(_ what: String) -> String {
      "the \(what)'s amounts add up to more than Accrue can represent (at most \(RowAssembler.largest)): its control total cannot be checked"
    }

    /// Reads the control total in `field` of a trailer and keeps it with the last statement; an error when it is
    /// not a number, or disagrees and there is no statement to keep it with.
    /// `currency` nil: the amounts of several currencies, compared as written (whole numbers of minor units).
    mutating func control(_ r: Record, _ field: Int, _ computed: Fixed, _ currency: Currency?, _ scope: String) -> BankImportError? {
      guard field < r.fields.count else { return nil }
      let given = strip(r.fields[field])
      guard !given.isEmpty else { return nil }  // a blank control total is not checked
      guard let v = currency.map({ amount(given, $0) }) ?? rawAmount(given) else { return fail(r, "the \(scope) control total '\(given)' is not a number") }
      guard !statements.isEmpty else {
        return v == computed ? nil : fail(r, "the \(scope) control total is \(v), the records add up to \(computed): the file is incomplete or altered")
      }
      let total = ControlTotal(scope: scope, stated: v, computed: computed, currency: currency, source: "\(file):\(r.line) record \(r.fields[0])")
      statements[statements.count - 1].controlTotals.append(total)
      return nil
    }

    mutating func take(_ r: Record) -> BankImportError? {
      let f = r.fields
      if closed { return fail(r, "a record after the file trailer (99)") }
      switch f[0] {
      case "01": return nil
      case "02": return group(r)
      case "03": return accountHeader(r)
      case "16": return detail(r)
      case "49":
        guard openAccount else { return fail(r, "an account trailer without its account (03)") }
        openAccount = false
        if let e = control(r, 1, accountTotal, accountCurrency, "account \(account)") { return e }
        guard let t = groupTotal.adding(accountTotal), let raw = asWritten(accountTotal, accountCurrency), let g = groupRaw.adding(raw) else {
          return fail(r, tooLarge("group"))
        }
        (groupTotal, groupRaw) = (t, g)
        groupCurrencies.insert(accountCurrency.code)
      case "98":
        guard openGroup, !openAccount else { return fail(r, "a group trailer before its accounts are closed (49)") }
        openGroup = false
        let (total, currency, scope) = scoped(groupTotal, groupRaw, groupCurrencies, groupID.isEmpty ? "group" : "group \(groupID)")
        if let e = control(r, 1, total, currency, scope) { return e }
        guard let t = fileTotal.adding(groupTotal), let raw = fileRaw.adding(groupRaw) else { return fail(r, tooLarge("file")) }
        (fileTotal, fileRaw) = (t, raw)
        fileCurrencies.formUnion(groupCurrencies)
      case "99":
        guard !openGroup else { return fail(r, "the file trailer before its groups are closed (98)") }
        closed = true
        let (total, currency, scope) = scoped(fileTotal, fileRaw, fileCurrencies, "file")
        if let e = control(r, 1, total, currency, scope) { return e }
      default:
        warn(
          r, "record type '\(f[0])' is not a BAI2 record type (01, 02, 03, 16, 88, 49, 98, 99): the record is not read; "
            + "if it holds a transaction, ask the bank for the file as BAI2 version 2 writes it")
      }
      return nil
    }

    /// A group's or the file's total to check: in its currency when its accounts have one, else as written (the
    /// sum of whole numbers of minor units, as BAI2 totals are), the scope saying so.
    func scoped(_ total: Fixed, _ raw: Fixed, _ codes: Set<String>, _ scope: String) -> (Fixed, Currency?, String) {
      if codes.count <= 1 { return (total, codes.first.flatMap(Currency.lookup) ?? groupCurrency, scope) }
      return (raw, nil, "\(scope) (accounts in \(codes.sorted().joined(separator: ", ")): amounts as written, in minor units)")
    }

    /// A located warning (D0323), kept with the statement being read (the first one, before any).
    mutating func warn(_ r: Record, _ message: String) {
      let w = DataIssue(code: "D0323", file: file, line: r.line, column: 1, message: message)
      if statements.isEmpty { pending.append(w) } else { statements[statements.count - 1].warnings.append(w) }
    }

    mutating func group(_ r: Record) -> BankImportError? {
      let f = r.fields
      if openGroup { return fail(r, "a group header before the previous group's trailer (98)") }
      openGroup = true
      guard f.count >= 5, let d = date(f[4]) else { return fail(r, "expected a group header with the as-of date YYMMDD in field 5") }
      groupDate = d
      groupID = [f.count > 2 ? strip(f[2]) : "", strip(f[4])].filter { !$0.isEmpty }.joined(separator: "/")
      let c = f.count > 6 ? strip(f[6]) : ""
      guard c.isEmpty || Currency.lookup(c) != nil else { return fail(r, "unknown currency '\(c)'") }
      groupCurrency = c.isEmpty ? .USD : Currency.lookup(c) ?? .USD
      groupTotal = .zero
      groupRaw = .zero
      groupCurrencies = []
      groupStart = statements.count
      return nil
    }

    /// An account identifier (`03`): a new statement with the balances its status codes give (010 opening ledger,
    /// 015 closing ledger, 045 closing available; signed), dated the group's as-of date.
    mutating func accountHeader(_ r: Record) -> BankImportError? {
      let f = r.fields
      guard openGroup else { return fail(r, "an account outside a group (02)") }
      if openAccount { return fail(r, "an account before the previous account's trailer (49)") }
      openAccount = true
      guard f.count >= 2 else { return fail(r, "expected an account identifier") }
      account = strip(f[1])
      let c = f.count > 2 ? strip(f[2]) : ""
      guard c.isEmpty || Currency.lookup(c) != nil else { return fail(r, "unknown currency '\(c)'") }
      accountCurrency = c.isEmpty ? groupCurrency : Currency.lookup(c) ?? groupCurrency
      let summary: (total: Fixed, byType: [String: Fixed])
      switch summaryTotal(r, accountCurrency) {
      case .success(let s): summary = s
      case .failure(let p): return fail(r, p.message)
      }
      accountTotal = summary.total
      let source = "\(file):\(r.line) record 03"
      func balance(_ code: String) -> StatementBalance? {
        summary.byType[code].map { StatementBalance(amount: $0, currency: accountCurrency, date: groupDate, source: source + " type \(code)") }
      }
      statements.append(
        BankStatement(
          format: BankFormat.bai2.rawValue, account: account, currency: accountCurrency, statementID: groupID, opening: balance("010"),
          closing: balance("015"), available: balance("045"), source: "\(file):\(r.line)"))
      return nil
    }

    mutating func detail(_ r: Record) -> BankImportError? {
      let f = r.fields
      guard let booking = groupDate, openAccount, !statements.isEmpty else { return fail(r, "a transaction outside an account (03)") }
      guard f.count >= 4, let code = Int(f[1]) else { return fail(r, "expected type code, amount and funds type") }
      guard !strip(f[2]).isEmpty else { return fail(r, "the transaction has no amount") }
      guard let s = strip(f[2]).first, s.isNumber else {
        return fail(r, "the detail amount '\(strip(f[2]))' has a sign: a 16 record's amount is unsigned, its type code says credit or debit")
      }
      guard let a = amount(f[2], accountCurrency) else { return fail(r, "amount '\(f[2])' is not a whole number of minor units") }
      guard let sum = accountTotal.adding(a) else { return fail(r, tooLarge("account")) }
      accountTotal = sum
      // Funds type and its extra fields.
      var i = 4
      var valueDate: CivilDate?
      switch strip(f[3]) {
      case "", "0", "1", "2", "Z": break
      case "S": i += 3
      case "V":
        valueDate = f.count > 4 ? date(strip(f[4])) : nil
        i += 2
      case "D":
        guard f.count > 4, let n = Int(strip(f[4])), (0...1000).contains(n) else { return fail(r, "funds type D needs the number of distributions") }
        i += 1 + 2 * n
      default: return fail(r, "unknown funds type '\(f[3])'")
      }
      let bankRef = i < f.count ? strip(f[i]) : ""
      let customerRef = i + 1 < f.count ? strip(f[i + 1]) : ""
      let text = i + 2 < f.count ? strip(f[(i + 2)...].joined(separator: ",")) : ""
      guard let credit = isCredit(code) else {
        let written = strip(f[1])
        warn(
          r, "detail type code \(written) (account \(account), amount \(StatementChecks.money(a, accountCurrency))) says neither credit nor debit "
            + "(BAI2: 100-399 and 920-959 credits, 400-699 and 960-999 debits; \(codeRange(code, written))): the entry is held, not read as a "
            + "payment (its amount still counts in the control totals); ask the bank which way type code \(written) books")
        return nil
      }
      let signed = credit ? a : (a.negated ?? a)
      var t = BankTransaction(
        bookingDate: booking, valueDate: valueDate, amount: signed, currency: accountCurrency, reference: customerRef,
        bankReference: bankRef, remittance: trimSpaces(text), counterpartyAccount: "",
        source: "\(file):\(r.line) 16 (account \(account), type \(code))")
      t.account = account
      if code >= 900 { t.notes.append("type code \(code) is the bank's own (BAI2 \(credit ? "920-959: a credit" : "960-999: a debit"))") }
      if let reason = returnCodes[code] {
        t.isReturn = true
        t.returnReason = reason
      }
      statements[statements.count - 1].transactions.append(t)
      return nil
    }
  }

  /// BAI2 detail type codes that return an earlier payment, with what they say (BAI2 version 2, "detail type
  /// codes": 555 is a deposited item returned unpaid; the ACH return codes vary by bank and are not guessed).
  static let returnCodes: [Int: String] = [555: "deposited item returned"]

  /// What the BAI2 specification says of a type code's range, for a detail whose direction it does not give.
  static func codeRange(_ code: Int, _ written: String) -> String {
    switch code {
    case 0...99: return "\(written) is an account status code, not a transaction"
    case 700...799: return "700-799 are loan codes, whose direction the specification does not give"
    case 800...899: return "800-899 are not assigned"
    case 900...919: return "900-919 are a bank's own account status codes, not transactions"
    default: return "\(written) is no BAI2 type code"
    }
  }
}
