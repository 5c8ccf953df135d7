import AccrueCore
import AccrueModel
import Foundation

/// BAI2 cash-management files: groups (`02`) of accounts (`03`) with transaction details (`16`, continued in
/// `88`), amounts with implied decimals and no sign (the type code says credit or debit), funds types with their
/// extra fields; each account (`03`) a statement with its opening, closing and available balances (status codes
/// 010, 015, 045), and every account, group and file control total checked (see BAI2+Parse.swift).
enum BAI2 {
  struct Record {
    var fields: [String]
    var line: Int
    /// Where a continuation (`88`) begins in `fields`, for each one that follows a physical record ending in `/`:
    /// that record ended there, so an account summary group cut short by it has its remaining fields defaulted.
    var slashBreaks: [Int] = []
  }

  /// Records with their `88` continuations joined. Lines end in LF, CR LF or CR; blank lines (spaces and tabs) are
  /// skipped.
  ///
  /// A continuation's fields follow the previous record's fields (its closing `/` removed), except in a detail
  /// (`16`): its references are never continued, only its text (the last field, which may hold commas) is, with a
  /// space between the parts; a continuation of a detail that has no text yet supplies its missing references
  /// and then the text. A continuation that follows a record ending in `/` is noted in `slashBreaks`.
  ///
  /// Linear in the file's size however many `88` records continue one record: the bytes are split once, a
  /// detail's text is kept as its parts and joined once, and other records' fields are extended in place
  /// (joining each continuation to the whole text so far took quadratic time: 320,000 continuations did not
  /// finish in minutes).
  static func records(_ bytes: [UInt8]) -> [Record] {
    var out: [Record] = []
    /// The text parts of the last record, a `16` being continued (its text field is taken out meanwhile).
    var parts: [String]?
    func closeText() {
      guard let p = parts else { return }
      out[out.count - 1].fields.append(p.joined(separator: " "))
      parts = nil
    }
    bytes.withUnsafeBufferPointer { b in
      var i = 0
      var lineNumber = 0
      while i < b.count {
        lineNumber += 1
        var end = i
        while end < b.count && b[end] != 10 && b[end] != 13 { end += 1 }
        let next = end < b.count && b[end] == 13 && end + 1 < b.count && b[end + 1] == 10 ? end + 2 : end + 1
        let line = UnsafeBufferPointer(rebasing: b[i..<end])
        i = next
        if line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
        let fields = line.split(separator: 44, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if fields.first == "88", !out.isEmpty {
          continueRecord(&out[out.count - 1], with: fields.dropFirst(), text: &parts)
          continue
        }
        closeText()
        out.append(Record(fields: fields, line: lineNumber))
      }
    }
    closeText()
    return out
  }

  /// Joins one `88` record's fields (`more`) to `r`; `parts` holds the text parts of a detail being continued.
  static func continueRecord(_ r: inout Record, with more: ArraySlice<String>, text parts: inout [String]?) {
    if parts != nil {
      parts![parts!.count - 1] = strip(parts![parts!.count - 1])
      parts!.append(more.joined(separator: ","))
      return
    }
    let n = r.fields.count
    if r.fields.first == "16", let t = textIndex(r.fields) {
      if n > t, let text = r.fields.popLast() {  // the text has begun: it continues
        parts = [strip(text), more.joined(separator: ",")]
        return
      }
      // No text yet: the continuation holds the references still missing, then the text.
      if n > 0 { r.fields[n - 1] = strip(r.fields[n - 1]) }
      let missing = more.prefix(t - n)
      r.fields.append(contentsOf: missing)
      if r.fields.count == t && missing.count < more.count {
        parts = [more.dropFirst(missing.count).joined(separator: ",")]
      }
      return
    }
    if n > 0 {
      if r.fields[n - 1].utf8.last == UInt8(ascii: "/") { r.slashBreaks.append(n) }
      r.fields[n - 1] = strip(r.fields[n - 1])
    }
    r.fields.append(contentsOf: more)
  }

  /// The index of a detail's (`16`) text field: after the type code, amount, funds type with its extra fields,
  /// bank and customer references. Nil when the funds type's extra fields cannot be counted yet.
  static func textIndex(_ f: [String]) -> Int? {
    guard f.count >= 4 else { return nil }
    switch strip(f[3]) {
    case "S": return 9
    case "V": return 8
    case "D":
      guard f.count > 4, let n = Int(strip(f[4])), (0...1000).contains(n) else { return nil }
      return 7 + 2 * n
    default: return 6
    }
  }

  /// A field without the record's closing `/`.
  static func strip(_ s: String) -> String {
    guard s.utf8.last == UInt8(ascii: "/") else { return s }
    return String(decoding: s.utf8.dropLast(), as: UTF8.self)  // (the '/' alone, whatever precedes it)
  }

  /// `s` without leading and trailing spaces and tabs (Unicode space separators), as
  /// `trimmingCharacters(in: .whitespaces)` gives, in one pass over the scalars (a continued text may be megabytes).
  static func trimSpaces(_ s: String) -> String {
    func space(_ u: Unicode.Scalar) -> Bool { u == "\t" || u.properties.generalCategory == .spaceSeparator }
    let scalars = s.unicodeScalars
    guard let first = scalars.firstIndex(where: { !space($0) }), let last = scalars.lastIndex(where: { !space($0) }) else { return "" }
    if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return s }
    return String(scalars[first...last])
  }

  static func date(_ s: String) -> CivilDate? {
    guard s.count == 6, s.allSatisfy(\.isNumber), let yy = Int(s.prefix(2)), let mm = Int(s.dropFirst(2).prefix(2)), let dd = Int(s.suffix(2))
    else { return nil }
    return CivilDate(year: 2000 + yy, month: mm, day: dd)
  }

  /// An amount in minor units (implied decimals), optionally signed.
  static func amount(_ s: String, _ c: Currency) -> Fixed? {
    minorUnits(s).map { Money(minorUnits: $0, currency: c).amount }
  }

  /// An amount as written: the whole number of minor units (control totals across currencies are sums of these).
  static func rawAmount(_ s: String) -> Fixed? {
    minorUnits(s).map { Fixed(minorUnits: $0, exponent: 0) }
  }

  static func minorUnits(_ s: String) -> Int64? {
    let t = strip(s)
    guard !t.isEmpty else { return 0 }
    let negative = t.hasPrefix("-")
    let digits = t.drop { $0 == "+" || $0 == "-" }
    guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let v = Int64(digits) else { return nil }
    return negative ? -v : v
  }

  /// An amount in a currency as written in a BAI2 file: in its minor units (exact).
  static func asWritten(_ v: Fixed, _ c: Currency) -> Fixed? {
    var scale = Fixed(1)
    for _ in 0..<c.minorUnits { scale = scale.multiplied(by: Fixed(10)) ?? scale }
    return v.multiplied(by: scale)
  }

  /// How a detail (`16`) type code signs its amount (BAI2 version 2, "type codes": 100-399 credits, 400-699
  /// debits; of the codes a bank defines itself, 920-959 credits and 960-999 debits). Nil for the codes whose
  /// direction the specification does not give: 001-099 and 900-919 (account status, not transactions), 700-799
  /// (loan), 800-899 (not assigned), and any code past 999.
  static func isCredit(_ code: Int) -> Bool? {
    switch code {
    case 100...399, 920...959: return true
    case 400...699, 960...999: return false
    default: return nil
    }
  }

  /// Why a record cannot be read (its message; the caller locates it).
  struct Problem: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }

  /// The sum of an account identifier's (`03`) summary amounts, or why it cannot be taken. Each summary is a type
  /// code, an amount, an item count and a funds type (with its extra fields). A record continued in `88` records
  /// that ends in `/` ends there: a summary it cuts short after its amount has its remaining fields defaulted, and
  /// an empty field just before the `/` (as in `...,,,/`) is not the start of another summary.
  static func summaryTotal(_ r: Record, _ c: Currency) -> Result<(total: Fixed, byType: [String: Fixed]), Problem> {
    let f = r.fields
    var total = Fixed.zero
    var byType: [String: Fixed] = [:]
    var i = 3
    var b = 0
    let breaks = r.slashBreaks
    while i + 1 < f.count {
      while b < breaks.count && breaks[b] <= i { b += 1 }
      if b < breaks.count && breaks[b] == i + 1 && f[i].isEmpty {  // the empty field before a record's '/'
        i += 1
        continue
      }
      // A type code alone before a '/' (as in `...,190/`) has its amount in the continuation.
      let k = b < breaks.count && breaks[b] == i + 1 ? b + 1 : b
      let stop = k < breaks.count ? breaks[k] : f.count
      guard let a = amount(f[i + 1], c) else { return .failure(Problem("summary amount '\(f[i + 1])' is not a number")) }
      guard let t = total.adding(a) else {
        return .failure(Problem("the account's amounts add up to more than Accrue can represent (at most \(RowAssembler.largest)): its control total cannot be checked"))
      }
      total = t
      let code = strip(f[i])
      if byType[code] == nil { byType[code] = a }
      var next = i + 4
      if i + 3 < stop {
        switch strip(f[i + 3]) {
        case "S": next += 3
        case "V": next += 2
        case "D":
          guard i + 4 < f.count, let n = Int(strip(f[i + 4])), (0...1000).contains(n) else {
            return .failure(Problem("funds type D needs the number of distributions"))
          }
          i = next + 1 + 2 * n  // distributions are never defaulted
          continue
        default: break
        }
      }
      i = min(next, stop)
    }
    return .success((total, byType))
  }
}
