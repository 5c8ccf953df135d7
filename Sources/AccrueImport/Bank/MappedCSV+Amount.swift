import AccrueCore

/// Amounts as a statement CSV writes them, with the format's decimal and thousands separators: `1.234,56`,
/// `-1.234,56`, `1.234,56-` (trailing minus), `(1,234.56)` (parentheses), `+12,00`. Exact: the digits are
/// read as written, never through binary floating point.
struct AmountSyntax {
  let decimal: Character
  let thousands: Character?

  enum Outcome: Equatable {
    case empty
    case value(Fixed)
    case invalid
  }

  /// An example of the syntax, for messages: `-1.234,56`.
  var example: String { "-1\(thousands.map(String.init) ?? "")234\(decimal)56" }

  /// How the syntax is described in messages: `decimal "," and thousands "."`.
  var described: String {
    "decimal \"\(decimal)\"" + (thousands.map { " and thousands \"\($0 == " " ? "␠" : String($0))\"" } ?? " and no thousands separator")
  }

  /// What to write in the format when `raw` would read with another thousands separator ("" when none would).
  func hint(_ raw: String) -> String {
    for th: Character in [".", ",", "'", " ", "\u{2019}"] where th != decimal && th != thousands {
      if case .value = AmountSyntax(decimal: decimal, thousands: th).read(raw) {
        return "; if \"\(th == " " ? "␠" : String(th))\" groups its thousands, write thousands \"\(th)\" after decimal \"\(decimal)\" in the statement format"
      }
    }
    return ""
  }

  func read(_ raw: String) -> Outcome {
    var t = Substring(raw.trimmingSpaces())
    if t.isEmpty { return .empty }
    var negative = false
    if t.hasPrefix("("), t.hasSuffix(")") {
      negative = true
      t = t.dropFirst().dropLast()
    } else if t.hasPrefix("-") {
      negative = true
      t = t.dropFirst()
    } else if t.hasPrefix("+") {
      t = t.dropFirst()
    } else if t.hasSuffix("-") {
      negative = true
      t = t.dropLast()
    }
    t = Substring(String(t).trimmingSpaces())
    guard !t.isEmpty else { return .invalid }
    var integer = ""
    var fraction: String?
    var groups: [Int] = []
    var run = 0
    for c in t {
      if c.isASCII, c.isNumber {
        if fraction != nil { fraction!.append(c) } else { integer.append(c) }
        run += 1
      } else if c == decimal, fraction == nil {
        groups.append(run)
        run = 0
        fraction = ""
      } else if let th = thousands, c == th, fraction == nil {
        groups.append(run)
        run = 0
      } else {
        return .invalid
      }
    }
    if fraction == nil { groups.append(run) }
    // Thousands separators stand between groups of three digits: 1.234.567,89 (the first group 1 to 3).
    if groups.count > 1 {
      if groups[0] < 1 || groups[0] > 3 || groups.dropFirst().contains(where: { $0 != 3 }) { return .invalid }
    }
    guard !integer.isEmpty || !(fraction ?? "").isEmpty, fraction.map({ !$0.isEmpty }) ?? true else { return .invalid }
    let canonical = (negative ? "-" : "") + (integer.isEmpty ? "0" : integer) + (fraction.map { "." + $0 } ?? "")
    guard let v = Fixed(canonical) else { return .invalid }
    return .value(v)
  }
}

extension String {
  /// Without spaces (and no-break spaces) at either end.
  func trimmingSpaces() -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\u{00A0}" || $0 == "\t" || $0 == "\u{202F}" }
    var s = Substring(self)
    while let f = s.first, blank(f) { s = s.dropFirst() }
    while let l = s.last, blank(l) { s = s.dropLast() }
    return String(s)
  }
}
