import AccrueCore

/// A CSV statement format as the rules state it (`statement format NAME { ... }`, grammar.md §8.1), compiled: the
/// importer (`MappedCSV`) reads a statement CSV with it.
public struct StatementFormat: Sendable, Equatable {
  /// How the amount is written: one signed column, or money in and money out in two columns.
  public enum Amount: Sendable, Equatable {
    /// One column, credits positive and debits negative (`-12,00`, `12,00-`, `(12.00)`).
    case signed(String)
    /// Two columns, each amount written without a sign; on each row exactly one of them is filled.
    case split(credit: String, debit: String)
  }

  /// Where a row's currency comes from.
  public enum CurrencySource: Sendable, Equatable {
    case column(String)
    case fixed(Currency)
  }

  /// The format's name (`nordbank`).
  public var name: String
  /// Globs on the file name (`*` any run of characters, `?` one character; letter case ignored).
  public var files: [String]
  /// The field delimiter (one character: `,`, `;`, a tab, `|`).
  public var delimiter: Character = ","
  /// Lines before the header (a bank's preamble).
  public var skipLines = 0
  /// The booking date's column and format.
  public var date: (column: String, format: DateFormat)
  /// The value date's column and format, when the format reads one.
  public var valueDate: (column: String, format: DateFormat)?
  public var amount: Amount
  /// The decimal separator and the thousands separator (nil: none).
  public var decimal: Character = "."
  public var thousands: Character?
  public var currency: CurrencySource
  /// Text columns: reference, remittance, end-to-end id, bank reference, counterparty name and account.
  public var reference: String?
  public var remittance: String?
  public var endToEndID: String?
  public var bankReference: String?
  public var counterpartyName: String?
  public var counterpartyAccount: String?
  /// Where the format is stated: `rules/banks.accrue:3`.
  public var rule: RuleRef

  public init(
    name: String, files: [String], date: (column: String, format: DateFormat), amount: Amount, currency: CurrencySource,
    rule: RuleRef = RuleRef(file: "", line: 0)
  ) {
    self.name = name
    self.files = files
    self.date = date
    self.amount = amount
    self.currency = currency
    self.rule = rule
  }

  public static func == (a: StatementFormat, b: StatementFormat) -> Bool {
    a.name == b.name && a.files == b.files && a.delimiter == b.delimiter && a.skipLines == b.skipLines && a.date.column == b.date.column
      && a.date.format == b.date.format && a.valueDate?.column == b.valueDate?.column && a.valueDate?.format == b.valueDate?.format
      && a.amount == b.amount && a.decimal == b.decimal && a.thousands == b.thousands && a.currency == b.currency
      && a.reference == b.reference && a.remittance == b.remittance && a.endToEndID == b.endToEndID && a.bankReference == b.bankReference
      && a.counterpartyName == b.counterpartyName && a.counterpartyAccount == b.counterpartyAccount && a.rule == b.rule
  }

  /// Whether the format reads a file of this name (its globs, letter case ignored).
  public func reads(fileName: String) -> Bool {
    files.contains { Glob.matches($0, fileName) }
  }

  /// Every column the format reads, in the order it names them (for "a column named twice" and the header check).
  public var columns: [(role: String, column: String)] {
    var out: [(String, String)] = [("date", date.column)]
    if let v = valueDate { out.append(("value date", v.column)) }
    switch amount {
    case .signed(let c): out.append(("amount", c))
    case .split(let c, let d): out += [("credit", c), ("debit", d)]
    }
    if case .column(let c) = currency { out.append(("currency", c)) }
    let texts: [(String, String?)] = [
      ("reference", reference), ("remittance", remittance), ("end to end id", endToEndID), ("bank reference", bankReference),
      ("counterparty", counterpartyName), ("counterparty account", counterpartyAccount),
    ]
    for (role, c) in texts { if let c { out.append((role, c)) } }
    return out
  }
}

/// A date format of a statement column: day, month and year fields with literal separators between them
/// (`DD.MM.YYYY`, `D.M.YYYY`, `MM/DD/YYYY`, `YYYY-MM-DD`, `YYYYMMDD`).
public struct DateFormat: Sendable, Equatable, CustomStringConvertible {
  /// A piece of the format.
  public enum Piece: Sendable, Equatable {
    /// `DD`/`MM` (exactly two digits), `D`/`M` (one or two digits), `YYYY` (four digits).
    case day(exact: Bool), month(exact: Bool), year
    case literal(Character)
  }
  public var pieces: [Piece]
  /// As written in the rules.
  public var description: String

  /// The formats a message offers (each is valid).
  public static let examples = ["DD.MM.YYYY", "DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "D.M.YYYY", "YYYYMMDD"]

  /// Reads a format; the error says what is wrong, for a finance analyst.
  public static func parse(_ text: String) -> Result<DateFormat, DateFormatError> {
    var pieces: [Piece] = []
    let chars = Array(text)
    var i = 0
    var seen: Set<String> = []
    while i < chars.count {
      let c = chars[i]
      var run = 1
      while i + run < chars.count, chars[i + run] == c { run += 1 }
      switch c {
      case "D", "M":
        guard run <= 2 else { return .failure(.init("'\(String(repeating: c, count: run))' is not a \(c == "D" ? "day" : "month"): write \(c)\(c) (two digits) or \(c) (one or two)")) }
        let which = c == "D" ? "day" : "month"
        guard seen.insert(which).inserted else { return .failure(.init("the format has the \(which) twice")) }
        pieces.append(c == "D" ? .day(exact: run == 2) : .month(exact: run == 2))
      case "Y":
        guard run == 4 else {
          return .failure(.init(run == 2 ? "two-digit years (YY) do not say the century: write YYYY and let the bank's file have four digits" : "a year is written YYYY (four digits)"))
        }
        guard seen.insert("year").inserted else { return .failure(.init("the format has the year twice")) }
        pieces.append(.year)
      case "d", "m", "y":
        return .failure(.init("the format is written in capitals: DD, MM, YYYY"))
      default:
        if c.isLetter || c.isNumber {
          return .failure(.init("'\(c)' is not part of a date format: use DD, MM, YYYY (D and M for one or two digits) and separators"))
        }
        for _ in 0..<run { pieces.append(.literal(c)) }
      }
      i += run
    }
    for need in ["day", "month", "year"] where !seen.contains(need) {
      return .failure(.init("the format has no \(need == "year" ? "year (YYYY)" : need == "day" ? "day (DD)" : "month (MM)")"))
    }
    // A one-or-two-digit field must be followed by a separator, or where it ends cannot be told.
    for (k, p) in pieces.enumerated() {
      switch p {
      case .day(false), .month(false):
        if k + 1 < pieces.count, case .literal = pieces[k + 1] { continue }
        if k + 1 == pieces.count { continue }
        return .failure(.init("D or M without a separator after it cannot tell where the number ends: write DD or MM"))
      default: continue
      }
    }
    return .success(DateFormat(pieces: pieces, description: text))
  }

  /// The date a cell holds, nil when it is not written in this format or is not a calendar day.
  public func date(_ text: Substring) -> CivilDate? {
    let chars = Array(text)
    var i = 0
    var day = 0, month = 0, year = 0
    func digits(_ min: Int, _ max: Int) -> Int? {
      var n = 0, count = 0
      while count < max, i < chars.count, let d = chars[i].wholeNumberValue, chars[i].isASCII {
        n = n * 10 + d
        count += 1
        i += 1
      }
      return count >= min ? n : nil
    }
    for p in pieces {
      switch p {
      case .day(let exact): guard let d = digits(exact ? 2 : 1, 2) else { return nil }; day = d
      case .month(let exact): guard let m = digits(exact ? 2 : 1, 2) else { return nil }; month = m
      case .year: guard let y = digits(4, 4) else { return nil }; year = y
      case .literal(let c):
        guard i < chars.count, chars[i] == c else { return nil }
        i += 1
      }
    }
    guard i == chars.count else { return nil }
    return CivilDate(year: year, month: month, day: day)
  }

  /// An example of a date in this format (2026-03-07).
  public var example: String {
    var out = ""
    for p in pieces {
      switch p {
      case .day(let exact): out += exact ? "07" : "7"
      case .month(let exact): out += exact ? "03" : "3"
      case .year: out += "2026"
      case .literal(let c): out.append(c)
      }
    }
    return out
  }
}

/// Why a date format does not read.
public struct DateFormatError: Error, Sendable, Equatable {
  public var message: String
  public init(_ m: String) { message = m }
}

extension String {
  fileprivate func replacingStars() -> String {
    var out = ""
    for c in self { out += c == "*" ? "2026" : c == "?" ? "1" : String(c) }
    return out
  }
}

/// File name globs: `*` any run of characters, `?` one; letter case ignored.
public enum Glob {
  /// Whether `name` matches `glob`.
  public static func matches(_ glob: String, _ name: String) -> Bool {
    // (File names are at most 255 bytes; the search is recursive, so nothing longer is compared.)
    guard glob.utf8.count <= 1024, name.utf8.count <= 1024 else { return false }
    return intersect(Array(glob.lowercased()), Array(name.lowercased()), literalB: true)
  }

  /// Whether some file name matches both globs.
  public static func overlap(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count <= 1024, b.utf8.count <= 1024 else { return false }
    return intersect(Array(a.lowercased()), Array(b.lowercased()), literalB: false)
  }

  /// A file name both globs match, when an obvious one does (each glob with `*` written as "2026" and `?` as "1").
  public static func example(_ a: String, _ b: String) -> String? {
    for g in [a, b] {
      let name = g.replacingStars()
      if matches(a, name) && matches(b, name) { return name }
    }
    return nil
  }

  /// Whether the languages of two globs meet (`b` taken literally when `literalB`). Memoized over positions.
  static func intersect(_ a: [Character], _ b: [Character], literalB: Bool) -> Bool {
    var memo: [Int: Bool] = [:]
    func star(_ c: Character, _ literal: Bool) -> Bool { !literal && c == "*" }
    func one(_ c: Character, _ literal: Bool) -> Bool { !literal && c == "?" }
    func go(_ i: Int, _ j: Int) -> Bool {
      let key = i * (b.count + 1) + j
      if let v = memo[key] { return v }
      var r: Bool
      if i == a.count && j == b.count {
        r = true
      } else if i < a.count, star(a[i], false) {
        r = go(i + 1, j) || (j < b.count && go(i, j + 1))
      } else if j < b.count, star(b[j], literalB) {
        r = go(i, j + 1) || (i < a.count && go(i + 1, j))
      } else if i < a.count, j < b.count {
        r = (a[i] == b[j] || one(a[i], false) || one(b[j], literalB)) && go(i + 1, j + 1)
      } else {
        r = false
      }
      memo[key] = r
      return r
    }
    return go(0, 0)
  }
}
