import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import Foundation

/// A `statement format` block, checked: the mapping the importer reads with (its `rule` is set by the compiler) and
/// where it is written.
public struct CheckedStatementFormat: Sendable {
  public var format: StatementFormat
  public var span: Span
}

// CSV statement formats (grammar.md §8.1): each statement once (E0506); files, date, amount and currency stated
// (E0510); one way of writing amounts (E0701); date formats that read dates (E0702); separators of one character
// that differ (E0703); every column read for one thing (E0704); file globs that match .csv names and no other
// format's (E0705).
extension CheckerState {
  func checkStatementFormats(_ ordered: [(Decl, FileID)]) {
    var globs: [(format: String, glob: StringLit)] = []
    for (d, _) in ordered {
      guard case .statementFormat(let f) = d else { continue }
      guard register("statement format", f.name) else { continue }
      guard let format = checkStatementFormat(f) else { continue }
      statementFormats.append(CheckedStatementFormat(format: format, span: f.span))
      for case .files(let list, _) in f.items {
        for g in list where !globs.contains(where: { $0.format == format.name && $0.glob.value == g.value }) {
          checkGlobOverlap(g, of: format.name, against: globs)
          globs.append((format.name, g))
        }
      }
    }
  }

  /// One block: nil when it has an error (the importer never reads with a half-stated format).
  func checkStatementFormat(_ f: StatementFormatDecl) -> StatementFormat? {
    let before = diags.count
    var stated: [String: Span] = [:]
    var items: [StatementFormatItem] = []
    for item in f.items {
      if item.key == "amount", let first = stated["amount"], let earlier = items.first(where: { $0.key == "amount" }),
        isSigned(earlier) != isSigned(item)
      {
        amountTwice(item.span, first: first)
        continue
      }
      if let first = stated[item.key] {
        report(
          .duplicateSetting, "the statement format states '\(item.key)' twice", at: item.span, notes: [Note("first stated here", at: first)],
          help: "keep one '\(item.key)' statement")
        continue
      }
      stated[item.key] = item.span
      items.append(item)
    }
    let name = self.name(f.name.symbol)
    var parts = FormatParts()
    for item in items { read(item, into: &parts) }
    checkColumnsOnce(parts.columns)
    for (key, example) in [
      ("files", "files \"\(name)-*.csv\""), ("date", "date \"Booking date\" as \"DD.MM.YYYY\""),
      ("amount", "amount \"Amount\" (or: credit \"Credit\", debit \"Debit\")"), ("currency", "currency EUR (or: currency \"Currency\")"),
    ] where stated[key] == nil {
      let what = key == "amount" ? "amount" : "'\(key)'"
      reportMissing(in: f.span, "the statement format '\(name)' has no \(what)", at: f.name.span, help: "add: \(example)")
    }
    guard diags.count == before, let date = parts.date, let amount = parts.amount, let currency = parts.currency else { return nil }
    var out = StatementFormat(name: name, files: parts.files, date: date, amount: amount, currency: currency)
    out.delimiter = parts.delimiter
    out.skipLines = parts.skip
    out.valueDate = parts.valueDate
    out.decimal = parts.decimal
    out.thousands = parts.thousands
    for (field, column) in parts.texts {
      switch field {
      case .reference: out.reference = column
      case .remittance: out.remittance = column
      case .endToEndID: out.endToEndID = column
      case .bankReference: out.bankReference = column
      case .counterparty: out.counterpartyName = column
      case .counterpartyAccount: out.counterpartyAccount = column
      }
    }
    return out
  }

  func isSigned(_ item: StatementFormatItem) -> Bool {
    if case .amount = item { true } else { false }
  }

  func amountTwice(_ span: Span, first: Span) {
    report(
      .statementAmountColumns, "the statement format states its amounts twice: as one signed column and as credit and debit columns",
      at: span, notes: [Note("first stated here", at: first)],
      help: "keep one: 'amount \"COLUMN\"' when the file has one signed amount, 'credit \"COLUMN\", debit \"COLUMN\"' when it has two")
  }

  /// What a block's statements say, read one by one.
  struct FormatParts {
    var files: [String] = []
    var delimiter: Character = ","
    var skip = 0
    var date: (column: String, format: DateFormat)?
    var valueDate: (column: String, format: DateFormat)?
    var amount: StatementFormat.Amount?
    var decimal: Character = "."
    var thousands: Character?
    var currency: StatementFormat.CurrencySource?
    var texts: [(StatementTextField, String)] = []
    /// Every column named, with what for.
    var columns: [(role: String, column: StringLit)] = []
  }

  func read(_ item: StatementFormatItem, into p: inout FormatParts) {
    switch item {
    case .files(let list, _):
      for g in list where checkGlob(g) { p.files.append(g.value) }
    case .delimiter(let d, _):
      if let c = delimiter(d) { p.delimiter = c }
    case .skip(let n, let s, _):
      if let k = Int(n), k >= 0, k <= 10_000 {
        p.skip = k
      } else {
        report(.statementSeparators, "'skip \(n)' is not a number of lines", at: s, help: "write the whole number of lines above the header, as in: skip 2 lines")
      }
    case .date(let kind, let column, let pattern, _):
      p.columns.append((kind.rawValue, column))
      guard let format = dateFormat(pattern) else { return }
      if kind == .booking { p.date = (column.value, format) } else { p.valueDate = (column.value, format) }
    case .amount(let column, let seps, _):
      p.columns.append(("amount", column))
      p.amount = .signed(column.value)
      separators(seps, into: &p)
    case .creditDebit(let credit, let debit, let seps, _):
      p.columns += [("credit", credit), ("debit", debit)]
      p.amount = .split(credit: credit.value, debit: debit.value)
      separators(seps, into: &p)
    case .currencyColumn(let column, _):
      p.columns.append(("currency", column))
      p.currency = .column(column.value)
    case .fixedCurrency(let c, _):
      p.currency = .fixed(c)
    case .text(let field, let column, _):
      p.columns.append((field.rawValue, column))
      p.texts.append((field, column.value))
    }
  }

  /// A glob that can match a statement CSV's name; false (reported) otherwise.
  func checkGlob(_ g: StringLit) -> Bool {
    let v = g.value
    if v.isEmpty || v.contains("/") || v.contains("\\") {
      report(
        .statementFiles, v.isEmpty ? "the file name pattern is empty" : "the file name pattern \(v.quotedForMessage) names a folder",
        at: g.span, help: "give a pattern for the names of the CSV files in statements/, as in: files \"nordbank-*.csv\"")
      return false
    }
    guard v.count <= 255 else {
      report(.statementFiles, "the file name pattern is longer than a file name can be (255 characters)", at: g.span, help: "give a pattern such as \"nordbank-*.csv\"")
      return false
    }
    guard Glob.overlap(v, "*.csv") else {
      let stem = v.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
      let better = (v.contains(".") && !stem.isEmpty ? stem : v) + ".csv"
      report(
        .statementFiles, "the file name pattern \(v.quotedForMessage) matches no .csv file: only the .csv files of statements/ are read with a statement format",
        at: g.span, help: "did you mean \(better.quotedForMessage)?", fix: FixIt("replace with \(better.quotedForMessage)", edits: [Edit(g.span, better.quotedForMessage)]))
      return false
    }
    return true
  }

  /// E0705 when `g` and a glob of another format can match the same file name.
  func checkGlobOverlap(_ g: StringLit, of format: String, against earlier: [(format: String, glob: StringLit)]) {
    for (other, e) in earlier where other != format && Glob.overlap(g.value, e.value) {
      let example = Glob.example(g.value, e.value).map { "\($0.quotedForMessage) matches both" } ?? "a file name can match both"
      report(
        .statementFiles, "the statement formats '\(other)' and '\(format)' could both read a file: \(example)", at: g.span,
        notes: [Note("'\(other)' reads \(e.value.quotedForMessage)", at: e.span)],
        help: "narrow the patterns so that each file name matches one format's, as in \"\(other)-*.csv\" and \"\(format)-*.csv\": a statement file is read with exactly one format")
      return
    }
  }

  /// The delimiter's character; nil (reported) when it is not one usable character.
  func delimiter(_ d: StringLit) -> Character? {
    let v = d.value
    if v.count == 1, let c = v.first, c != "\"", c != "\n", c != "\r" { return c }
    let help: String
    if v.lowercased() == "tab" || v == "\\t" {
      help = "a tab is written \"\\t\": delimiter \"\\t\""
    } else if v.count > 1, let c = v.first, v.allSatisfy({ $0 == c }) {
      help = "did you mean \"\(c)\"? fields are separated by one character"
    } else {
      help = "write one character, as in: delimiter \";\" (or \",\", \"|\", \"\\t\" for a tab)"
    }
    report(.statementSeparators, "the delimiter \(v.quotedForMessage) is not one character that can separate fields", at: d.span, help: help)
    return nil
  }

  /// A date format (default YYYY-MM-DD); nil (reported) when it does not read dates.
  func dateFormat(_ pattern: StringLit?) -> DateFormat? {
    guard let p = pattern else { return try? DateFormat.parse("YYYY-MM-DD").get() }
    switch DateFormat.parse(p.value) {
    case .success(let f): return f
    case .failure(let e):
      var suggestion: String?
      for candidate in [p.value.uppercased(), p.value.uppercased().replacingYY()] where (try? DateFormat.parse(candidate).get()) != nil {
        suggestion = candidate
        break
      }
      let help = suggestion.map { "did you mean \($0.quotedForMessage)?" }
        ?? "write a format such as " + DateFormat.examples.map(\.quotedForMessage).joined(separator: ", ")
      report(
        .statementDateFormat, "the date format \(p.value.quotedForMessage) does not read dates: \(e.message)", at: p.span, help: help,
        fix: suggestion.map { FixIt("replace with \($0.quotedForMessage)", edits: [Edit(p.span, $0.quotedForMessage)]) })
      return nil
    }
  }

  /// The decimal and thousands separators: one character each, not a digit, sign or parenthesis, and different.
  func separators(_ s: NumberSeparatorsLit, into p: inout FormatParts) {
    func one(_ lit: StringLit, _ what: String) -> Character? {
      let v = lit.value
      if v.count == 1, let c = v.first, !c.isNumber, !"+-()\"\n\r".contains(c) { return c }
      report(
        .statementSeparators, "the \(what) separator \(v.quotedForMessage) is not one character that can separate digits", at: lit.span,
        help: what == "decimal" ? "write decimal \",\" (1.234,56) or decimal \".\" (1,234.56)" : "write thousands \".\" (1.234,56), thousands \",\" (1,234.56), thousands \" \" or thousands \"'\"")
      return nil
    }
    if let d = s.decimal, let c = one(d, "decimal") { p.decimal = c }
    if let t = s.thousands, let c = one(t, "thousands") {
      guard c != p.decimal else {
        let other: Character = c == "," ? "." : ","
        report(
          .statementSeparators, "the thousands separator is the decimal separator \(String(c).quotedForMessage): 1\(c)234 could be either", at: t.span,
          help: "did you mean thousands \(String(other).quotedForMessage)?")
        return
      }
      p.thousands = c
    }
  }

  /// E0704 for a column named for two things (header names compared trimmed, letter case ignored, as read).
  func checkColumnsOnce(_ columns: [(role: String, column: StringLit)]) {
    var seen: [String: (String, Span)] = [:]
    for (role, c) in columns {
      let key = c.value.trimmingCharacters(in: .whitespaces).lowercased()
      if key.isEmpty {
        report(.statementColumnTwice, "the \(role) column's name is empty", at: c.span, help: "write the column's name as the file's header row has it")
        continue
      }
      if let (first, span) = seen[key] {
        report(
          .statementColumnTwice, "the column \(c.value.quotedForMessage) is read as the \(first) and again as the \(role)", at: c.span,
          notes: [Note("read as the \(first) here", at: span)], help: "a column holds one thing: name the \(role)'s own column, or leave this statement out")
        continue
      }
      seen[key] = (role, c.span)
    }
  }
}

extension String {
  /// `DD.MM.YY` made `DD.MM.YYYY` (a suggestion for two-digit years).
  func replacingYY() -> String {
    contains("YYYY") ? self : replacingOccurrences(of: "YY", with: "YYYY")
  }
}
