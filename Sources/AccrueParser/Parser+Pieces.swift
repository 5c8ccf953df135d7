import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel

/// Pieces shared by many statements: names, strings, settings, currencies, rounding modes, types.
extension Parser {
  mutating func parseName(_ what: @autoclosure () -> String) -> Name? {
    if cur.kind == .identifier {
      if let k = cur.symbol.keyword, k.isReserved {
        error(.expectedToken, "'\(k.spelling)' is a reserved word and cannot be \(what())", cur)
        return nil
      }
      let t = advance()
      return Name(t.symbol, span(t))
    }
    error(.expectedToken, "expected \(what()), found \(describe(cur))", cur)
    return nil
  }

  mutating func parseStringLit(_ what: @autoclosure () -> String) -> StringLit? {
    guard let t = expect(.string, what()) else { return nil }
    return StringLit(value: decodeString(t), span: span(t))
  }

  mutating func optionalLabel() -> StringLit? {
    guard at(.string) else { return nil }
    let t = advance()
    return StringLit(value: decodeString(t), span: span(t))
  }

  func decodeString(_ t: Token) -> String {
    let bytes = file.bytes
    var s = Int(t.start) + 1
    var e = Int(t.end)
    if e > s, bytes[e - 1] == UInt8(ascii: "\"") { e -= 1 }
    if !bytes[s..<e].contains(UInt8(ascii: "\\")) {
      return String(decoding: bytes[s..<e], as: UTF8.self)  // no escapes: the common case
    }
    var out: [UInt8] = []
    out.reserveCapacity(e - s)
    while s < e {
      let c = bytes[s]
      if c == UInt8(ascii: "\\"), s + 1 < e {
        switch bytes[s + 1] {
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        default:
          out.append(c)
          s += 1
          continue
        }
        s += 2
        continue
      }
      out.append(c)
      s += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `currency USD`, `rounding half even`, `month end clamp|roll over`.
  mutating func parseSetting() -> SettingDecl? {
    let start = cur
    if eatWord(.currency) != nil {
      guard let c = parseCurrencyCode() else { return nil }
      return SettingDecl(setting: .currency(c), span: span(from: start))
    }
    if eatWord(.rounding) != nil {
      guard let m = parseRoundingMode(required: true) else { return nil }
      return SettingDecl(setting: .rounding(m), span: span(from: start))
    }
    if eatWord(.month) != nil {
      guard expectWord(.end, after: "'month'") != nil else { return nil }
      guard let k = expectOneOf([.clamp, .roll], after: "'month end'") else { return nil }
      if k == .roll {
        guard expectWord(.over, after: "'roll'") != nil else { return nil }
        return SettingDecl(setting: .monthEnd(.rollOver), span: span(from: start))
      }
      return SettingDecl(setting: .monthEnd(.clamp), span: span(from: start))
    }
    if eatWord(.first) != nil {
      guard expectWord(.tier, after: "'first'") != nil, expectWord(.fee, after: "'first tier'") != nil,
        let k = expectOneOf([.always, .when], after: "'first tier fee'")
      else { return nil }
      if k == .when { guard expectWord(.used, after: "'when'") != nil else { return nil } }
      return SettingDecl(setting: .firstTierFee(always: k == .always), span: span(from: start))
    }
    if eatWord(.zero) != nil {
      guard expectWord(.invoices, after: "'zero'") != nil, let k = expectOneOf([.issued, .skipped], after: "'zero invoices'") else {
        return nil
      }
      return SettingDecl(setting: .zeroInvoices(issued: k == .issued), span: span(from: start))
    }
    return nil
  }

  /// A currency code word: `USD`.
  mutating func parseCurrencyCode() -> Currency? {
    guard cur.kind == .identifier else {
      error(.expectedToken, "expected a currency code such as USD, found \(describe(cur))", cur)
      return nil
    }
    let t = advance()
    return currency(of: t)
  }

  /// Looks a token up as an ISO 4217 code, reporting E0209 with a suggestion when it is not one.
  mutating func currency(of t: Token) -> Currency? {
    let found = file.bytes.withUnsafeBufferPointer {
      Currency.lookup(bytes: UnsafeBufferPointer(rebasing: $0[Int(t.start)..<Int(t.end)]))
    }
    if let c = found { return c }
    let w = text(t)
    let upper = w.uppercased()
    let s = Currency.lookup(upper) != nil ? upper : Suggest.closest(to: upper, in: Currency.all.map(\.code))
    report(
      .unknownCurrency, "'\(w)' is not an ISO 4217 currency code", at: span(t),
      help: s.map { "did you mean '\($0)'?" } ?? "use a three-letter code such as USD, EUR or JPY",
      fix: s.map { FixIt("replace '\(w)' with '\($0)'", edits: [Edit(span(t), $0)]) })
    statementFailed = true
    return nil
  }

  /// `half even`, `half up`, `half down`, `up`, `down`, `ceiling`, `floor`.
  mutating func parseRoundingMode(required: Bool) -> RoundingMode? {
    if eatWord(.half) != nil {
      guard let k = expectOneOf([.even, .up, .down], after: "'half'") else { return nil }
      return k == .even ? .halfEven : k == .up ? .halfUp : .halfDown
    }
    if eatWord(.up) != nil { return .up }
    if eatWord(.down) != nil { return .down }
    if eatWord(.ceiling) != nil { return .ceiling }
    if eatWord(.floor) != nil { return .floor }
    if required {
      error(
        .expectedToken, "expected a rounding mode, found \(describe(cur))", cur,
        help: "rounding modes: half even, half up, half down, up, down, ceiling, floor")
    }
    return nil
  }

  func isRoundingModeStart() -> Bool {
    (atWord(.half) && (peek().is(.even) || peek().is(.up) || peek().is(.down)))
      || ((atWord(.up) || atWord(.down) || atWord(.ceiling) || atWord(.floor))
        && (peek().kind == .rparen || peek().kind == .comma))
  }

  /// `number`, `money [USD]`, `percent`, `date`, `days`, `business days`, `months`, `text`, `bool`, `currency`.
  mutating func parseType() -> TypeAnnotation? {
    let start = cur
    guard cur.kind == .identifier, let k = cur.symbol.keyword else {
      error(.expectedToken, "expected a type, found \(describe(cur))", cur, help: Self.typeHelp)
      return nil
    }
    let kind: TypeAnnotation.Kind
    switch k {
    case .number: kind = .number
    case .money: kind = .money
    case .percent: kind = .percent
    case .date: kind = .date
    case .days: kind = .days
    case .business:
      _ = advance()
      guard expectWord(.days, after: "'business'") != nil else { return nil }
      return TypeAnnotation(kind: .businessDays, currency: nil, span: span(from: start))
    case .months: kind = .months
    case .text: kind = .text
    case .bool: kind = .bool
    case .currency: kind = .currency
    default:
      let s = Suggest.closest(to: text(cur), in: Self.typeNames)
      error(
        .expectedToken, "'\(text(cur))' is not a type", cur, help: s.map { "did you mean '\($0)'?" } ?? Self.typeHelp)
      return nil
    }
    _ = advance()
    var code: Currency?
    if kind == .money, cur.kind == .identifier, isCurrencyShaped(cur) {
      code = currency(of: advance())
    }
    return TypeAnnotation(kind: kind, currency: code, span: span(from: start))
  }

  static let typeNames = ["number", "money", "percent", "date", "days", "business days", "months", "text", "bool", "currency"]
  static let typeHelp = "types: " + typeNames.joined(separator: ", ")

  func isCurrencyShaped(_ t: Token) -> Bool {
    guard t.kind == .identifier, t.end - t.start == 3 else { return false }
    let b = file.bytes
    for i in Int(t.start)..<Int(t.end) where !(b[i] >= 65 && b[i] <= 90) { return false }
    return true
  }
}
