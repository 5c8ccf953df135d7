import AccrueCore
import AccrueModel
import Foundation

extension MT940 {
  static func parse(_ bytes: [UInt8], file: String) -> Result<[BankStatement], BankImportError> {
    var reader = Reader(file: file)
    // German banks' files are often Latin-1 or Windows-1252 (umlauts): read as Windows-1252, one warning per file.
    let (text, warnings) = Windows1252.text(bytes, file: file, what: "MT940 file")
    for f in fields(text) {
      if let e = reader.take(f) { return .failure(e) }
    }
    reader.flush()
    if reader.statements.isEmpty {
      return .failure(BankImportError(file: file, line: 1, location: "", message: "no statement in the file (an MT940 statement starts with :20:)"))
    }
    reader.statements[0].warnings += warnings
    return .success(reader.statements)
  }

  /// Reads the fields in order: `:20:` starts a statement (`:25:` its account, `:28C:` its number and sequence,
  /// `:60F:`/`:60M:` opening, `:62F:`/`:62M:` closing, `:64:` available balance), `:61:` an entry, and the `:86:`
  /// after it the entry's information.
  struct Reader {
    let file: String
    var statements: [BankStatement] = []
    var pending: BankTransaction?

    init(file: String) { self.file = file }

    func fail(_ f: Field, _ msg: String) -> BankImportError {
      BankImportError(file: file, line: f.line, location: ":\(f.tag):", message: msg)
    }

    mutating func flush() {
      if let p = pending, !statements.isEmpty { statements[statements.count - 1].transactions.append(p) }
      pending = nil
    }

    /// A balance field: C|D, YYMMDD, currency, amount with the decimal comma.
    func balance(_ f: Field, _ what: String) -> Result<StatementBalance, BankImportError> {
      let t = Substring(f.text.trimmingCharacters(in: .whitespacesAndNewlines))
      var notes: [String] = []
      let like = "like C260131EUR1234,56 (C or D, the date YYMMDD, the currency, the amount with its decimal comma)"
      guard t.count >= 11, let mark = t.first, mark == "C" || mark == "D", let d = date(t.dropFirst().prefix(6), notes: &notes) else {
        return .failure(fail(f, "expected the \(what) \(like)"))
      }
      let code = String(t.dropFirst(7).prefix(3))
      guard let c = Currency.lookup(code) else {
        return .failure(fail(f, "unknown currency '\(code)' in the \(what): expected an ISO 4217 code such as EUR (a balance is never taken in another currency)"))
      }
      guard t.dropFirst(10).contains(","), let a = amount(t.dropFirst(10)) else {
        return .failure(fail(f, "the \(what)'s amount '\(t.dropFirst(10))' is not an MT940 amount \(like)"))
      }
      return .success(StatementBalance(amount: mark == "D" ? (a.negated ?? a) : a, currency: c, date: d, source: "\(file):\(f.line) :\(f.tag):"))
    }

    mutating func take(_ f: Field) -> BankImportError? {
      switch f.tag {
      case "20":
        flush()
        statements.append(
          BankStatement(format: BankFormat.mt940.rawValue, statementID: f.text.trimmingCharacters(in: .whitespacesAndNewlines), source: "\(file):\(f.line)"))
      case "25", "28C", "28", "60F", "60M", "62F", "62M", "64":
        flush()
        guard !statements.isEmpty else { return fail(f, "a statement field before the statement's :20:") }
        return statementField(f)
      case "61":
        flush()
        return entry(f)
      case "86":
        guard var p = pending else { return nil }  // a summary :86: after the closing balance
        information(f.text, into: &p)
        pending = p
        flush()
      default:
        break
      }
      return nil
    }

    mutating func statementField(_ f: Field) -> BankImportError? {
      let k = statements.count - 1
      switch f.tag {
      case "25":
        statements[k].account = f.text.trimmingCharacters(in: .whitespacesAndNewlines)
      case "28C", "28":
        let parts = f.text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/", maxSplits: 1)
        statements[k].sequence = parts.map(String.init).joined(separator: "/")
      case "60F", "60M":
        switch balance(f, "opening balance") {
        case .failure(let e): return e
        case .success(let b):
          // An intermediate (60M) opening continues the statement the first page opened: the first one counts.
          if statements[k].opening == nil { statements[k].opening = b }
          statements[k].currency = b.currency
        }
      case "62F", "62M":
        switch balance(f, "closing balance") {
        case .failure(let e): return e
        case .success(let b): statements[k].closing = b
        }
      default:  // 64
        switch balance(f, "closing available balance") {
        case .failure(let e): return e
        case .success(let b): statements[k].available = b
        }
      }
      return nil
    }

    /// `:61:` value date, entry date MMDD, mark (C, D, RC, RD), funds code, amount, type, references, and on the
    /// next line the supplementary details.
    mutating func entry(_ f: Field) -> BankImportError? {
      guard let cur = statements.last?.currency else { return fail(f, "a statement line before the opening balance (:60F:) that gives its currency") }
      var notes: [String] = []
      let first = f.text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
      var rest = Substring(first[0])
      guard let value = date(rest.prefix(6), notes: &notes) else { return fail(f, "expected a value date YYMMDD at the start") }
      rest = rest.dropFirst(6)
      var booking = value
      if rest.count >= 4, rest.prefix(4).allSatisfy(\.isNumber), let mm = Int(rest.prefix(2)), let dd = Int(rest.dropFirst(2).prefix(2)) {
        // The entry date has no year: the value date's, or the next or previous one across a year end.
        var year = value.year
        if mm == 12 && value.month == 1 { year -= 1 }
        if mm == 1 && value.month == 12 { year += 1 }
        let yymmdd = String(format: "%02d%02d%02d", year % 100, mm, dd)
        guard let d = date(Substring(yymmdd), notes: &notes) else { return fail(f, "the entry date \(rest.prefix(4)) is not a real MMDD") }
        booking = d
        rest = rest.dropFirst(4)
      }
      var mark = ""
      for m in ["RC", "RD", "C", "D"] where rest.hasPrefix(m) {
        mark = m
        break
      }
      guard !mark.isEmpty else { return fail(f, "expected the mark C, D, RC or RD after the dates") }
      rest = rest.dropFirst(mark.count)
      if let c = rest.first, c.isLetter { rest = rest.dropFirst() }  // funds code
      let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ",") }
      // MT940 always writes the decimal comma (499,80; 500, for a whole amount): without one the amount is not
      // known (49980 might be 499,80 or 49.980,00), so it is never guessed.
      let commas = digits.filter { $0 == "," }.count
      if !digits.isEmpty && commas != 1 {
        return fail(
          f, commas == 0
            ? "the amount '\(digits)' has no decimal comma: MT940 amounts always have one (like 499,80, or 49980, for a whole amount), so this one is not guessed; ask the bank for a corrected file"
            : "the amount '\(digits)' has \(commas) commas: an MT940 amount has one, the decimal comma (like 1234,56)")
      }
      guard !digits.isEmpty, let amt = amount(digits) else { return fail(f, "expected an amount like 1234,56 after the mark") }
      rest = rest.dropFirst(digits.count)
      guard rest.count >= 4 else { return fail(f, "expected a transaction type (like NTRF) after the amount") }
      let type = rest.prefix(4)
      rest = rest.dropFirst(4)
      let refs = rest.components(separatedBy: "//")
      // Credits and reversals of debits bring money in; debits and reversals of credits take it out.
      let signed = mark == "C" || mark == "RD" ? amt : (amt.negated ?? amt)
      var t = BankTransaction(
        bookingDate: booking, valueDate: value, amount: signed, currency: cur, endToEndID: reference(refs[0]),
        bankReference: refs.count > 1 ? refs[1].trimmingCharacters(in: .whitespaces) : "", reversal: mark.hasPrefix("R"),
        source: "\(file):\(f.line) :61:", notes: notes)
      t.account = statements[statements.count - 1].account
      if type.dropFirst() == "RTI" { t.isReturn = true }  // transaction type RTI: a returned item
      if first.count > 1 { supplementary(String(first[1]), into: &t) }
      pending = t
      return nil
    }

    /// The `:61:` supplementary details: the counterparty's IBAN when that is what they hold (as some banks
    /// write), else text for the remittance.
    func supplementary(_ line: String, into t: inout BankTransaction) {
      let s = line.trimmingCharacters(in: .whitespaces)
      let compact = s.replacingOccurrences(of: " ", with: "")
      let u = Array(compact.uppercased().utf8)
      if (15...34).contains(u.count), u.prefix(2).allSatisfy({ $0 >= 65 && $0 <= 90 }), u.dropFirst(2).prefix(2).allSatisfy({ $0 >= 48 && $0 <= 57 }),
        u.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) })
      {
        t.counterpartyAccount = compact.uppercased()
      } else {
        t.remittance = s
      }
    }
  }
}
