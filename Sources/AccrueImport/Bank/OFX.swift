import AccrueCore
import AccrueModel
import Foundation

/// OFX bank and card statements, 1.x (SGML: leaf tags left open; Windows-1252 when the header says so) and 2.x
/// (XML): one payment per `STMTTRN`, signed `TRNAMT`, `DTPOSTED` (its date part), `FITID` as the bank's
/// reference, `NAME`/`PAYEE`, `MEMO`, `REFNUM`, and corrections noted.
enum OFX {
  /// A tag or a text between tags, with its line.
  struct Token {
    var tag: String?
    var closing = false
    var text = ""
    var line: Int
  }

  static func tokens(_ s: String) -> [Token] {
    var out: [Token] = []
    var line = 1
    var i = s.startIndex
    var text = ""
    var textLine = 1
    while i < s.endIndex {
      let c = s[i]
      if c == "<", s[i...].hasPrefix("<![CDATA[") {
        // CDATA: its text as written (OFX 2.x writes names and memos so).
        let start = s.index(i, offsetBy: 9)
        let end = s[start...].range(of: "]]>")
        let content = s[start..<(end?.lowerBound ?? s.endIndex)]
        if text.isEmpty { textLine = line }
        line += content.filter(\.isNewline).count
        text += content
        i = end?.upperBound ?? s.endIndex
        continue
      }
      if c == "<" {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { out.append(Token(tag: nil, text: trimmed, line: textLine)) }
        text = ""
        guard let close = s[i...].firstIndex(of: ">") else { break }
        let inner = s[s.index(after: i)..<close]
        line += inner.filter(\.isNewline).count
        if !inner.hasPrefix("?") && !inner.hasPrefix("!") {
          let closing = inner.hasPrefix("/")
          let name = String(inner.drop { $0 == "/" }.prefix { !$0.isWhitespace && $0 != "/" }).uppercased()
          out.append(Token(tag: name, closing: closing, line: line))
        }
        i = s.index(after: close)
        textLine = line
        continue
      }
      if c.isNewline { line += 1 }
      if text.isEmpty && !c.isWhitespace { textLine = line }
      text.append(c)
      i = s.index(after: i)
    }
    return out
  }

  /// The deepest nesting of aggregates read inside a transaction (real ones nest one level: PAYEE, CURRENCY).
  static let maxDepth = 8

  /// Aggregates that may appear inside a transaction (every other tag there is a leaf, possibly empty).
  static let aggregates: Set<String> = ["PAYEE", "BANKACCTTO", "CCACCTTO", "CURRENCY", "ORIGCURRENCY", "IMAGEDATA"]

  /// Text with its character references decoded (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#233;`).
  static func decode(_ s: String) -> String {
    guard s.contains("&") else { return s }
    var out = ""
    var rest = Substring(s)
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 8 else {
        out += "&"
        rest = rest[rest.index(after: amp)...]
        continue
      }
      let name = rest[rest.index(after: amp)..<semi]
      let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}"]
      if let v = named[name] {
        out += v
      } else if name.hasPrefix("#"), let code = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : UInt32(name.dropFirst()),
        let scalar = Unicode.Scalar(code)
      {
        out.unicodeScalars.append(scalar)
      } else {
        out += rest[amp...semi]
      }
      rest = rest[rest.index(after: semi)...]
    }
    return out + rest
  }

  /// `YYYYMMDD[HHMMSS[.sss]][[-5:EST]]`: the date part, as written.
  static func date(_ s: String) -> CivilDate? {
    let d = s.prefix(8)
    guard d.count == 8, d.allSatisfy(\.isNumber), let y = Int(d.prefix(4)), let m = Int(d.dropFirst(4).prefix(2)), let day = Int(d.suffix(2))
    else { return nil }
    return CivilDate(year: y, month: m, day: day)
  }

  static func parse(_ bytes: [UInt8], file: String) -> Result<[BankStatement], BankImportError> {
    let head = String(decoding: bytes.prefix(512), as: UTF8.self)
    // The header says Windows-1252: read so, with the decoder MT940 and CSV statements share.
    let text = head.contains("CHARSET:1252") ? Windows1252.decode(bytes) : String(decoding: bytes, as: UTF8.self)
    let toks = tokens(text)
    guard toks.contains(where: { $0.tag == "OFX" }) else {
      return .failure(BankImportError(file: file, line: 1, location: "", message: "no <OFX> element"))
    }
    var out: [BankStatement] = []
    var currency: Currency?
    var k = 0
    /// The statement being read (a transaction before any STMTRS opens one of its own).
    func current(_ line: Int) -> Int {
      if out.isEmpty { out.append(BankStatement(format: BankFormat.ofx.rawValue, currency: currency, source: "\(file):\(line)")) }
      return out.count - 1
    }
    /// The leaf values inside the element opened at `start` (up to its closing tag or the next STMTTRN), by
    /// path of open aggregates (`PAYEE.NAME`); SGML leaves are not closed, so a value is the text after its tag.
    /// An aggregate opened deeper than `maxDepth` inside a transaction (its token), which stops the reading.
    var tooDeep: Token?
    func leaves(from start: Int, until endTag: String) -> ([String: String], Int) {
      var values: [String: String] = [:]
      var stack: [String] = []
      var j = start + 1
      while j < toks.count {
        let t = toks[j]
        if let tag = t.tag {
          if t.closing {
            if tag == endTag && stack.isEmpty { return (values, j) }
            if let p = stack.lastIndex(of: tag) { stack.removeSubrange(p...) }
          } else if tag == endTag {
            return (values, j - 1)  // the next one starts: this one was not closed
          } else if j + 1 < toks.count, toks[j + 1].tag == nil {
            values[(stack + [tag]).joined(separator: ".")] = decode(toks[j + 1].text)
            j += 1
          } else if aggregates.contains(tag) {
            // Each value is keyed by its path of open aggregates: a depth the input chose would make that quadratic.
            if stack.count >= maxDepth {
              tooDeep = t
              return (values, j)
            }
            stack.append(tag)
          } else {
            values[(stack + [tag]).joined(separator: ".")] = ""  // an empty leaf (SGML leaves are not closed)
          }
        }
        j += 1
      }
      return (values, j)
    }
    while k < toks.count {
      let t = toks[k]
      if t.tag == "CURDEF", !t.closing, k + 1 < toks.count, toks[k + 1].tag == nil {
        guard let c = Currency.lookup(toks[k + 1].text) else {
          return .failure(BankImportError(file: file, line: t.line, location: "CURDEF", message: "unknown currency '\(toks[k + 1].text)'"))
        }
        currency = c
        if !out.isEmpty { out[out.count - 1].currency = c }
      }
      if let tag = t.tag, !t.closing {
        switch tag {
        case "STMTRS", "CCSTMTRS":
          out.append(BankStatement(format: BankFormat.ofx.rawValue, source: "\(file):\(t.line)"))
        case "ACCTID" where k + 1 < toks.count && toks[k + 1].tag == nil:
          out[current(t.line)].account = toks[k + 1].text.trimmingCharacters(in: .whitespaces)
        case "LEDGERBAL", "AVAILBAL":
          let (v, end) = leaves(from: k, until: tag)
          guard let raw = v["BALAMT"], let amount = Fixed.parse(Array(raw.replacingOccurrences(of: ",", with: ".").utf8)) else {
            return .failure(BankImportError(file: file, line: t.line, location: "\(tag)/BALAMT", message: "the balance amount is missing or not a number"))
          }
          let s = current(t.line)
          guard let cur = out[s].currency ?? currency else {
            return .failure(BankImportError(file: file, line: t.line, location: tag, message: "no currency: the statement has no CURDEF before its balance"))
          }
          let b = StatementBalance(amount: amount, currency: cur, date: v["DTASOF"].flatMap(date), source: "\(file):\(t.line) \(tag)")
          if tag == "LEDGERBAL" { out[s].closing = b } else { out[s].available = b }
          k = end + 1
          continue
        default: break
        }
      }
      guard t.tag == "STMTTRN", !t.closing else {
        k += 1
        continue
      }
      let (v, end) = leaves(from: k, until: "STMTTRN")
      func fail(_ msg: String) -> Result<[BankStatement], BankImportError> {
        .failure(BankImportError(file: file, line: t.line, location: "STMTTRN", message: msg))
      }
      if let d = tooDeep {
        return .failure(
          BankImportError(
            file: file, line: d.line, location: "STMTTRN/\(d.tag ?? "")",
            message: "aggregates nested deeper than \(maxDepth) levels inside a transaction (<\(d.tag ?? "")> opens one more; "
              + "an OFX transaction holds PAYEE or CURRENCY one level deep): the file is damaged or not a statement"))
      }
      guard let posted = v["DTPOSTED"].flatMap(date) else { return fail("DTPOSTED is missing or not a date") }
      guard let raw = v["TRNAMT"], let amount = Fixed.parse(Array(raw.replacingOccurrences(of: ",", with: ".").utf8)) else {
        return fail("TRNAMT is missing or not a number")
      }
      // TRNAMT is in CURDEF unless CURRENCY says otherwise; ORIGCURRENCY only tells the original currency.
      guard let cur = v["CURRENCY.CURSYM"].flatMap(Currency.lookup) ?? currency else {
        return fail("no currency: the statement has no CURDEF before its transactions")
      }
      var notes: [String] = []
      if let c = v["CORRECTFITID"] { notes.append("corrects FITID \(c) (\(v["CORRECTACTION"] ?? "REPLACE"))") }
      if let n = v["CHECKNUM"], !n.isEmpty { notes.append("check number \(n)") }
      if let o = v["ORIGCURRENCY.CURSYM"] { notes.append("originally in \(o) (rate \(v["ORIGCURRENCY.CURRATE"] ?? "?"))") }
      let s = current(t.line)
      var tx = BankTransaction(
        bookingDate: posted, valueDate: v["DTAVAIL"].flatMap(date), amount: amount, currency: cur, reference: v["REFNUM"] ?? "",
        bankReference: v["FITID"] ?? "", remittance: v["MEMO"] ?? "", counterpartyName: v["NAME"] ?? v["PAYEE.NAME"] ?? "",
        counterpartyAccount: v["BANKACCTTO.ACCTID"] ?? "", source: "\(file):\(t.line) STMTTRN", notes: notes)
      tx.account = out[s].account
      out[s].transactions.append(tx)
      k = end + 1
    }
    return .success(out)
  }
}
