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
    /// After a statement's end (`-`), lines up to the next tag are a transmission's headers (`ABNANL2A`, `940`), not
    /// a continuation of the closing balance.
    var ended = false
    for (k, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      var line = String(raw)
      if line.hasSuffix("\r") { line.removeLast() }
      if line.hasPrefix(":"), let close = line.dropFirst().firstIndex(of: ":") {
        let tag = String(line[line.index(after: line.startIndex)..<close])
        if (2...3).contains(tag.count), tag.prefix(2).allSatisfy(\.isNumber) {
          out.append(Field(tag: tag, text: String(line[line.index(after: close)...]), line: k + 1))
          ended = false
          continue
        }
      }
      // The end of a statement: `-`, `-}` (a SWIFT block's end), or `-` and an end-of-text control character.
      if line.hasPrefix("-") && line.dropFirst().allSatisfy({ $0 == "}" || $0.isWhitespace || ($0.asciiValue ?? 32) < 32 }) {
        ended = true
        continue
      }
      if ended || line.hasPrefix("{") { continue }
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

  /// A reference as written, or "" when it says there is none: `NONREF` or `NOTPROVIDED` (padded with spaces or
  /// not), or a SEPA keyword with no value (`KREF+`, `EREF+`); `KREF+value` is the value.
  static func reference(_ raw: String) -> String {
    var s = raw.trimmingCharacters(in: .whitespaces)
    for k in ["EREF+", "KREF+", "MREF+", "CRED+", "DEBT+"] where s.uppercased().hasPrefix(k) {
      s = String(s.dropFirst(k.count)).trimmingCharacters(in: .whitespaces)
      break
    }
    return ["NONREF", "NOTPROVIDED"].contains(s.uppercased()) ? "" : s
  }

  /// Reads `:86:` into the transaction: German subfields, Dutch keywords, or free text.
  static func information(_ text: String, into p: inout BankTransaction) {
    if text.contains("?20") || text.contains("?32") { return german(text, into: &p) }
    if text.hasPrefix("/") { return dutch(text, into: &p) }
    p.remittance = [p.remittance, text.trimmingCharacters(in: .whitespaces)].filter { !$0.isEmpty }.joined(separator: " ")
    // In free text, the words mark a return only on money going out (a customer's remittance may say "Retoure").
    if p.amount.isNegative && returnWords(in: text) { markReturn(&p, text: text) }
  }


  /// German subfields (`?00` posting text, `?20`–`?29` purpose with SEPA keywords, `?31` account, `?32`/`?33`
  /// name) after the business transaction code (GVC).
  static func german(_ text: String, into p: inout BankTransaction) {
    var sub: [String: String] = [:]
    var rest = Substring(text)
    if let q = rest.firstIndex(of: "?") { rest = rest[q...] }
    for part in rest.split(separator: "?") where part.count >= 2 {
      let key = String(part.prefix(2))
      sub[key, default: ""] += String(part.dropFirst(2))
    }
    let purpose = (20...29).compactMap { sub[String($0)] }.joined()
    p.counterpartyName = [sub["32"], sub["33"]].compactMap { $0 }.joined()
    if let a = sub["31"], !a.isEmpty { p.counterpartyAccount = a }
    // SEPA keywords inside the purpose: EREF+ end-to-end id, SVWZ+ remittance.
    let keywords = ["EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "COAM+", "OAMT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+"]
    var values: [String: String] = [:]
    var current: String?
    /// The text before the first keyword.
    var leading = ""
    var i = purpose.startIndex
    var buffer = ""
    while i < purpose.endIndex {
      if let k = keywords.first(where: { purpose[i...].hasPrefix($0) }) {
        if let c = current { values[c] = buffer } else { leading = buffer }
        current = k
        buffer = ""
        i = purpose.index(i, offsetBy: k.count)
        continue
      }
      buffer.append(purpose[i])
      i = purpose.index(after: i)
    }
    if let c = current { values[c] = buffer } else { values["SVWZ+"] = buffer }
    if let e = values["EREF+"].map(reference), !e.isEmpty { p.endToEndID = e }
    if let m = values["MREF+"].map(reference), !m.isEmpty { p.mandateID = m }
    if p.counterpartyAccount.isEmpty, let iban = values["IBAN+"]?.trimmingCharacters(in: .whitespaces) { p.counterpartyAccount = iban }
    // The remittance is SVWZ+'s; without it, the text before the keywords (never a keyword's value).
    p.remittance = values["SVWZ+"] ?? leading.trimmingCharacters(in: .whitespaces)
    // GVC 159 is a returned transfer (Retoure); 109 a returned direct debit (Rücklastschrift).
    let gvc = text.prefix(3)
    if gvc == "159" || gvc == "109" || (p.amount.isNegative && returnWords(in: purpose + " " + (sub["00"] ?? ""))) {
      markReturn(&p, text: purpose)
    }
  }

  /// Dutch keywords: `/KEY/value/KEY/value...`.
  static func dutch(_ text: String, into p: inout BankTransaction) {
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
    if let a = values["IBAN"] ?? cntp.first, !a.isEmpty { p.counterpartyAccount = a }
    // /REMI/USTD//text/ (unstructured) or /REMI/STRD/CUR/reference/ (structured).
    p.remittance = [values["REMI"], values["USTD"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    if let r = values["RTRN"] {  // /RTRN/MD06/: a return and its reason code
      p.isReturn = true
      p.returnReason = r.split(separator: "/").first.map(String.init) ?? ""
    }
    if let m = values["MARF"], !m.isEmpty { p.mandateID = m }
    if !p.isReturn && p.amount.isNegative && returnWords(in: p.remittance) { markReturn(&p, text: p.remittance) }
    if let r = values["CDTRREF"] {
      p.reference = r
    } else if let strd = values["STRD"], let r = strd.split(separator: "/").last {
      p.reference = String(r)
    }
  }

  /// Words banks write on a returned payment (German, English, Dutch); they count on debits only.
  static func returnWords(in text: String) -> Bool {
    let u = text.uppercased()
    return ["RETOURE", "RUECKLASTSCHRIFT", "RÜCKLASTSCHRIFT", "RUCKLASTSCHRIFT", "RETURNED PAYMENT", "TERUGBOEKING", "RETOURNERING"]
      .contains { u.contains($0) }
  }

  /// Marks a return, with the first ISO 20022 return reason code in its text (AC04, MD06, ...), when there is one.
  static func markReturn(_ p: inout BankTransaction, text: String) {
    p.isReturn = true
    guard p.returnReason.isEmpty else { return }
    let words = text.uppercased().split { !($0.isLetter || $0.isNumber) }
    if let code = words.first(where: { isoReturnReasons.contains(String($0)) }) { p.returnReason = String(code) }
  }

  /// ISO 20022 external return reason codes seen on SEPA returns.
  static let isoReturnReasons: Set<String> = [
    "AC01", "AC04", "AC06", "AC13", "AG01", "AG02", "AM04", "AM05", "BE05", "CNOR", "DNOR", "FF01", "MD01", "MD02", "MD06", "MD07",
    "MS02", "MS03", "RC01", "RR01", "RR02", "RR03", "RR04", "SL01", "FOCR", "DUPL", "TECH", "FRAD", "CUST", "AM09", "ERIN",
  ]
}
