import AccrueCore
import AccrueModel
import Foundation

/// BAI2 cash-management files: groups (`02`) of accounts (`03`) with transaction details (`16`, continued in
/// `88`), amounts with implied decimals and no sign (the type code says credit or debit), funds types with their
/// extra fields, and every account, group and file control total verified.
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
    let t = strip(s)
    guard !t.isEmpty else { return .zero }
    let negative = t.hasPrefix("-")
    let digits = t.drop { $0 == "+" || $0 == "-" }
    guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let v = Int64(digits) else { return nil }
    let m = Money(minorUnits: negative ? -v : v, currency: c).amount
    return m
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
  static func summaryTotal(_ r: Record, _ c: Currency) -> Result<Fixed, Problem> {
    let f = r.fields
    var total = Fixed.zero
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
    return .success(total)
  }

  static func parse(_ bytes: [UInt8], file: String) -> Result<[BankTransaction], BankImportError> {
    var out: [BankTransaction] = []
    var groupCurrency = Currency.USD
    var groupDate: CivilDate?
    var accountCurrency = Currency.USD
    var accountTotal = Fixed.zero
    var groupTotal = Fixed.zero
    var fileTotal = Fixed.zero
    var account = ""
    func fail(_ r: Record, _ msg: String) -> Result<[BankTransaction], BankImportError> {
      .failure(BankImportError(file: file, line: r.line, location: "record \(r.fields.first ?? "")", message: msg))
    }
    /// The amounts of an account, group or file add up past what can be represented: the control total cannot
    /// be checked, so the file is refused rather than read with a partial sum.
    func tooLarge(_ what: String) -> String {
      "the \(what)'s amounts add up to more than Accrue can represent (at most \(RowAssembler.largest)): its control total cannot be checked"
    }
    func check(_ r: Record, _ field: Int, _ computed: Fixed, _ what: String) -> BankImportError? {
      guard field < r.fields.count else { return nil }
      let given = strip(r.fields[field])
      guard !given.isEmpty else { return nil }  // a blank control total is not checked
      guard let v = amount(given, accountCurrency == groupCurrency ? groupCurrency : accountCurrency) else {
        return BankImportError(file: file, line: r.line, location: "record \(r.fields[0])", message: "the \(what) control total '\(given)' is not a number")
      }
      guard v == computed else {
        return BankImportError(
          file: file, line: r.line, location: "record \(r.fields[0])",
          message: "the \(what) control total is \(v), the records add up to \(computed): the file is incomplete or altered")
      }
      return nil
    }
    let recs = records(bytes)
    guard recs.first?.fields.first == "01" else {
      return .failure(BankImportError(file: file, line: recs.first?.line ?? 1, location: "", message: "a BAI2 file starts with a 01 file header"))
    }
    // Every group, account and the file must be closed by their trailers: a file cut short is incomplete.
    var openGroup = false
    var openAccount = false
    var closed = false
    for r in recs {
      let f = r.fields
      if closed { return fail(r, "a record after the file trailer (99)") }
      switch f[0] {
      case "01": continue
      case "02":
        if openGroup { return fail(r, "a group header before the previous group's trailer (98)") }
        openGroup = true
        guard f.count >= 5, let d = date(f[4]) else { return fail(r, "expected a group header with the as-of date YYMMDD in field 5") }
        groupDate = d
        let c = f.count > 6 ? strip(f[6]) : ""
        guard c.isEmpty || Currency.lookup(c) != nil else { return fail(r, "unknown currency '\(c)'") }
        groupCurrency = c.isEmpty ? .USD : Currency.lookup(c) ?? .USD
        groupTotal = .zero
      case "03":
        guard openGroup else { return fail(r, "an account outside a group (02)") }
        if openAccount { return fail(r, "an account before the previous account's trailer (49)") }
        openAccount = true
        guard f.count >= 2 else { return fail(r, "expected an account identifier") }
        account = strip(f[1])
        let c = f.count > 2 ? strip(f[2]) : ""
        guard c.isEmpty || Currency.lookup(c) != nil else { return fail(r, "unknown currency '\(c)'") }
        accountCurrency = c.isEmpty ? groupCurrency : Currency.lookup(c) ?? groupCurrency
        accountTotal = .zero
        switch summaryTotal(r, accountCurrency) {
        case .success(let t): accountTotal = t
        case .failure(let p): return fail(r, p.message)
        }
      case "16":
        guard let booking = groupDate, openAccount else { return fail(r, "a transaction outside an account (03)") }
        guard f.count >= 4, let code = Int(f[1]) else { return fail(r, "expected type code, amount and funds type") }
        guard !strip(f[2]).isEmpty else { return fail(r, "the transaction has no amount") }
        guard let a = amount(f[2], accountCurrency) else { return fail(r, "amount '\(f[2])' is not a whole number of minor units") }
        guard let t = accountTotal.adding(a) else { return fail(r, tooLarge("account")) }
        accountTotal = t
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
          guard f.count > 4, let n = Int(strip(f[4])), (0...1000).contains(n) else {
            return fail(r, "funds type D needs the number of distributions")
          }
          i += 1 + 2 * n
        default: return fail(r, "unknown funds type '\(f[3])'")
        }
        let bankRef = i < f.count ? strip(f[i]) : ""
        let customerRef = i + 1 < f.count ? strip(f[i + 1]) : ""
        let text = i + 2 < f.count ? strip(f[(i + 2)...].joined(separator: ",")) : ""
        let signed: Fixed
        switch code {
        case 100...399: signed = a
        case 400...699: signed = a.negated ?? a
        default: return fail(r, "type code \(code) is neither a credit (100-399) nor a debit (400-699) detail")
        }
        out.append(
          BankTransaction(
            bookingDate: booking, valueDate: valueDate, amount: signed, currency: accountCurrency, reference: customerRef,
            bankReference: bankRef, remittance: trimSpaces(text), counterpartyAccount: "",
            source: "\(file):\(r.line) 16 (account \(account), type \(code))"))
      case "49":
        guard openAccount else { return fail(r, "an account trailer without its account (03)") }
        openAccount = false
        if let e = check(r, 1, accountTotal, "account") { return .failure(e) }
        guard let t = groupTotal.adding(accountTotal) else { return fail(r, tooLarge("group")) }
        groupTotal = t
      case "98":
        guard openGroup, !openAccount else { return fail(r, "a group trailer before its accounts are closed (49)") }
        openGroup = false
        if let e = check(r, 1, groupTotal, "group") { return .failure(e) }
        guard let t = fileTotal.adding(groupTotal) else { return fail(r, tooLarge("file")) }
        fileTotal = t
      case "99":
        guard !openGroup else { return fail(r, "the file trailer before its groups are closed (98)") }
        closed = true
        if let e = check(r, 1, fileTotal, "file") { return .failure(e) }
      default:
        return fail(r, "unknown record type '\(f[0])'")
      }
    }
    if !closed {
      let last = recs.last ?? Record(fields: [""], line: 1)
      return .failure(
        BankImportError(
          file: file, line: last.line, location: "", message: "the file ends before its trailers (49, 98, 99): it is incomplete"))
    }
    return .success(out)
  }
}
