import AccrueCore
import AccrueModel
import Foundation

/// SWIFT MT940 customer statements: several statements per file, `:61:` lines with their `:86:` information
/// (wrapped lines joined), German (`?20`–`?33` with SEPA keywords) and Dutch (`/EREF/…/NAME/…/REMI/…`)
/// structured `:86:`, entry dates without a year, and impossible dates (30 February) taken as the month's end.
enum MT940 {
  struct Field {
    var tag: String
    var text: String
    var line: Int
  }

  /// The tagged fields of the file, continuation lines joined to their field.
  static func fields(_ text: String) -> [Field] {
    var out: [Field] = []
    for (k, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      var line = String(raw)
      if line.hasSuffix("\r") { line.removeLast() }
      if line.hasPrefix(":"), let close = line.dropFirst().firstIndex(of: ":") {
        let tag = String(line[line.index(after: line.startIndex)..<close])
        if (2...3).contains(tag.count), tag.prefix(2).allSatisfy(\.isNumber) {
          out.append(Field(tag: tag, text: String(line[line.index(after: close)...]), line: k + 1))
          continue
        }
      }
      if line == "-" || line.hasPrefix("-}") || line.hasPrefix("{") { continue }
      // A continuation: :86: text wrapped at a fixed width, so joined as is; :61: supplementary details.
      if var last = out.popLast() {
        last.text += (last.tag == "86" ? "" : "\n") + line
        out.append(last)
      }
    }
    return out
  }

  /// YYMMDD; a day past the month's end (30/360 conventions) is taken as the last day, with a note.
  static func date(_ s: Substring, notes: inout [String]) -> CivilDate? {
    guard s.count == 6, s.allSatisfy(\.isNumber), let yy = Int(s.prefix(2)), let mm = Int(s.dropFirst(2).prefix(2)),
      let dd = Int(s.suffix(2)), (1...12).contains(mm), (1...31).contains(dd)
    else { return nil }
    let year = yy < 80 ? 2000 + yy : 1900 + yy
    if let d = CivilDate(year: year, month: mm, day: dd) { return d }
    guard let first = CivilDate(year: year, month: mm, day: 1) else { return nil }
    let last = first.endOfMonth
    notes.append("the date \(s) does not exist; taken as \(last)")
    return last
  }

  static func amount(_ s: Substring) -> Fixed? {
    let text = s.replacingOccurrences(of: ",", with: ".")
    return Fixed.parse(Array((text.hasSuffix(".") ? text + "0" : text).utf8))
  }

  static func parse(_ bytes: [UInt8], file: String) -> Result<[BankTransaction], BankImportError> {
    let text = String(decoding: bytes, as: UTF8.self)
    var out: [BankTransaction] = []
    var currency: Currency?
    var pending: BankTransaction?
    func fail(_ f: Field, _ msg: String) -> Result<[BankTransaction], BankImportError> {
      .failure(BankImportError(file: file, line: f.line, location: ":\(f.tag):", message: msg))
    }
    func flush() {
      if let p = pending { out.append(p) }
      pending = nil
    }
    for f in fields(text) {
      switch f.tag {
      case "20":
        flush()
        currency = nil
      case "60F", "60M":
        // C|D YYMMDD CCY amount: the statement's currency.
        let t = f.text
        guard t.count >= 10, let c = Currency.lookup(String(t.dropFirst(7).prefix(3))) else {
          return fail(f, "expected an opening balance like C260131EUR1234,56")
        }
        currency = c
      case "61":
        flush()
        guard let cur = currency else { return fail(f, "a statement line before the opening balance (:60F:) that gives its currency") }
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
        rest = rest.dropFirst(4)
        let refs = rest.components(separatedBy: "//")
        let customerRef = refs[0] == "NONREF" ? "" : refs[0]
        let bankRef = refs.count > 1 ? refs[1] : ""
        // Credits and reversals of debits bring money in; debits and reversals of credits take it out.
        let signed = mark == "C" || mark == "RD" ? amt : (amt.negated ?? amt)
        pending = BankTransaction(
          bookingDate: booking, valueDate: value, amount: signed, currency: cur, endToEndID: customerRef, bankReference: bankRef,
          reversal: mark.hasPrefix("R"), source: "\(file):\(f.line) :61:", notes: notes)
        if first.count > 1 { pending?.remittance = String(first[1]).trimmingCharacters(in: .whitespaces) }
      case "86":
        guard var p = pending else { continue }  // a summary :86: after the closing balance
        information(f.text, into: &p)
        out.append(p)
        pending = nil
      default:
        continue
      }
    }
    flush()
    if out.isEmpty {
      return .failure(BankImportError(file: file, line: 1, location: "", message: "no statement lines (:61:) in the file"))
    }
    return .success(out)
  }

  /// Reads `:86:` into the transaction: German subfields, Dutch keywords, or free text.
  static func information(_ text: String, into p: inout BankTransaction) {
    if text.contains("?20") || text.contains("?32") {
      var sub: [String: String] = [:]
      var rest = Substring(text)
      if let q = rest.firstIndex(of: "?") { rest = rest[q...] }
      for part in rest.split(separator: "?") where part.count >= 2 {
        let key = String(part.prefix(2))
        sub[key, default: ""] += String(part.dropFirst(2))
      }
      let purpose = (20...29).compactMap { sub[String($0)] }.joined()
      p.counterpartyName = [sub["32"], sub["33"]].compactMap { $0 }.joined()
      p.counterpartyAccount = sub["31"] ?? ""
      // SEPA keywords inside the purpose: EREF+ end-to-end id, SVWZ+ remittance.
      let keywords = ["EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "COAM+", "OAMT+", "SVWZ+", "ABWA+", "ABWE+"]
      var values: [String: String] = [:]
      var current: String?
      var i = purpose.startIndex
      var buffer = ""
      while i < purpose.endIndex {
        if let k = keywords.first(where: { purpose[i...].hasPrefix($0) }) {
          if let c = current { values[c] = buffer }
          current = k
          buffer = ""
          i = purpose.index(i, offsetBy: k.count)
          continue
        }
        buffer.append(purpose[i])
        i = purpose.index(after: i)
      }
      if let c = current { values[c] = buffer } else { values["SVWZ+"] = buffer }
      if let e = values["EREF+"], !e.hasPrefix("NOTPROVIDED") { p.endToEndID = e }
      p.remittance = values["SVWZ+"] ?? purpose
      return
    }
    if text.hasPrefix("/") {
      // Dutch: /KEY/value/KEY/value...; a key may have an empty value (/BENM//NAME/...).
      let keys: Set<String> = [
        "EREF", "NAME", "REMI", "IBAN", "BENM", "ORDP", "CSID", "MARF", "ISDT", "TRCD", "ADDR", "BIC", "RTRN", "USTD", "STRD",
        "CDTRREFTP", "CDTRREF", "PREF", "CNTP", "ULTC", "ULTD", "PURP", "SVCL",
      ]
      let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      var values: [String: String] = [:]
      var k = 1
      while k < parts.count {
        let key = parts[k]
        guard keys.contains(key) else {
          k += 1
          continue
        }
        var value: [String] = []
        var j = k + 1
        while j < parts.count, !keys.contains(parts[j]) {
          value.append(parts[j])
          j += 1
        }
        values[key] = value.joined(separator: "/").trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        k = j
      }
      if let e = values["EREF"], !e.hasPrefix("NOTPROVIDED") { p.endToEndID = e }
      // /CNTP/account/BIC/name/city/: the counterparty in one field.
      let cntp = (values["CNTP"] ?? "").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      p.counterpartyName = values["NAME"] ?? (cntp.count > 2 ? cntp[2] : "")
      p.counterpartyAccount = values["IBAN"] ?? (cntp.first ?? "")
      // /REMI/USTD//text/ (unstructured) or /REMI/STRD/CUR/reference/ (structured).
      p.remittance = [values["REMI"], values["USTD"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
      if let r = values["CDTRREF"] {
        p.reference = r
      } else if let strd = values["STRD"], let r = strd.split(separator: "/").last {
        p.reference = String(r)
      }
      return
    }
    p.remittance = [p.remittance, text.trimmingCharacters(in: .whitespaces)].filter { !$0.isEmpty }.joined(separator: " ")
  }
}
