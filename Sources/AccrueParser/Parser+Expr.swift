import AccrueCore
import AccrueDiagnostics
import AccrueLexer

extension Parser {
  /// Unit words a number may carry, with what they mean.
  static let unitWords: [String] = [
    "day", "days", "business days", "week", "weeks", "month", "months", "year", "years", "unit", "units",
  ]

  mutating func makeExpr(_ kind: ExprKind, _ span: Span) -> Expr {
    let id = nextID
    nextID += 1
    let e = Expr(id: id, span: span, kind: kind)
    // A long chain of operators (`1 + 1 + ... + 1`) nests as deep as it is long: capped like parentheses, so no
    // stage after the parser can exhaust the stack on it.
    guard Int(e.depth) <= Self.maxTreeDepth else {
      error(
        .nestingTooDeep, "this expression nests more than \(Self.maxTreeDepth) levels (a chain of operators nests one per operator)",
        at: span, help: "split it into named parts with 'let' or 'define'")
      return Expr(id: id, span: span, kind: .invalid)
    }
    return e
  }

  mutating func invalidExpr(_ at: Span) -> Expr { makeExpr(.invalid, at) }

  /// Parses a full expression.
  mutating func parseExpr() -> Expr { parseExpr(minPrecedence: 1) }

  /// Parses an expression whose operators bind at least as tightly as `minPrecedence`
  /// (3 stops before `and`/`or`, used where `or` separates list items).
  mutating func parseExpr(minPrecedence: Int) -> Expr {
    depth += 1
    defer { depth -= 1 }
    if depth > Self.maxDepth + 1 {
      let t = cur
      error(.nestingTooDeep, "this expression is nested more than \(Self.maxDepth) levels deep", t)
      // Skip the rest of the statement's tokens without recursing.
      while !at(.newline), !at(.eof), !at(.rbrace) { _ = advance() }
      return invalidExpr(span(t))
    }
    var lhs = parseUnary()
    while true {
      // A line that starts with `and`/`or` continues the expression above it.
      if at(.newline), peek().is(.and) || peek().is(.or), minPrecedence <= 2 {
        _ = advance()
      }
      let t = cur
      // Comparison-level postfix forms.
      if minPrecedence <= 3 {
        if t.is(.between) {
          _ = advance()
          let lo = parseExpr(minPrecedence: 4)
          if at(.newline), peek().is(.and) { _ = advance() }
          guard expectWord(.and, after: "the lower bound of 'between'") != nil else { return lhs }
          skipNewlines()
          let hi = parseExpr(minPrecedence: 4)
          lhs = makeExpr(.between(lhs, lo, hi), lhs.span.to(hi.span))
          continue
        }
        if t.is(.in) || (t.is(.not) && peek().is(.in)) {
          let negated = t.is(.not)
          _ = advance()
          if negated { _ = advance() }
          let rhs = parseExpr(minPrecedence: 4)
          lhs = makeExpr(.membership(lhs, rhs, negated: negated), lhs.span.to(rhs.span))
          continue
        }
        if t.is(.matches) {
          _ = advance()
          guard let pt = expect(.pattern, "a pattern between slashes after 'matches'") else { return lhs }
          let src = file.text(span(pt))
          let inner = src.count >= 2 && src.hasSuffix("/") ? String(src.dropFirst().dropLast()) : String(src.dropFirst())
          lhs = makeExpr(.matches(lhs, PatternLit(source: inner, span: span(pt))), lhs.span.to(span(pt)))
          continue
        }
      }
      guard let op = binaryOperator(t), op.precedence >= minPrecedence else { return lhs }
      _ = advance()
      skipNewlines()  // an operator at the end of a line continues on the next
      let rhs = parseExpr(minPrecedence: op.precedence + 1)
      lhs = makeExpr(.binary(op, lhs, rhs), lhs.span.to(rhs.span))
    }
  }

  func binaryOperator(_ t: Token) -> BinaryOp? {
    switch t.kind {
    case .plus: .add
    case .minus: .subtract
    case .star: .multiply
    case .slash: .divide
    case .equal: .equal
    case .notEqual: .notEqual
    case .less: .less
    case .lessEqual: .lessEqual
    case .greater: .greater
    case .greaterEqual: .greaterEqual
    case .identifier:
      t.symbol.is(.and) ? .and : t.symbol.is(.or) ? .or : t.symbol.is(.of) ? .of : nil
    default: nil
    }
  }

  mutating func parseUnary() -> Expr {
    let t = cur
    if t.kind == .minus {
      _ = advance()
      let operand = parseExpr(minPrecedence: 6)
      return makeExpr(.unary(.negate, operand), span(t).to(operand.span))
    }
    if t.is(.not) {
      _ = advance()
      let operand = parseExpr(minPrecedence: 3)
      return makeExpr(.unary(.not, operand), span(t).to(operand.span))
    }
    return parsePostfix()
  }

  mutating func parsePostfix() -> Expr {
    var e = parsePrimary()
    while at(.dot) {
      _ = advance()
      guard cur.kind == .identifier else {
        error(.expectedToken, "expected a field name after '.', found \(describe(cur))", cur)
        return e
      }
      let f = advance()
      e = makeExpr(.field(e, Name(f.symbol, span(f))), e.span.to(span(f)))
    }
    return e
  }

  mutating func parsePrimary() -> Expr {
    let t = cur
    switch t.kind {
    case .number:
      return parseNumberLiteral()
    case .percent:
      _ = advance()
      let value = file.bytes.withUnsafeBufferPointer {
        Fixed.parse(UnsafeBufferPointer(rebasing: $0[Int(t.start)..<Int(t.end) - 1]))
      }
      guard let v = value, let frac = v.divided(by: Fixed(100)) else { return invalidExpr(span(t)) }
      return makeExpr(.percent(frac), span(t))
    case .date:
      _ = advance()
      guard let d = file.bytes.withUnsafeBufferPointer({ CivilDate.parse(bytes: UnsafeBufferPointer(rebasing: $0[Int(t.start)..<Int(t.end)])) })
      else { return invalidExpr(span(t)) }
      return makeExpr(.date(d), span(t))
    case .string:
      _ = advance()
      return makeExpr(.string(decodeString(t)), span(t))
    case .lparen:
      _ = advance()
      let inner = parseExpr()
      guard let close = expect(.rparen, "')' to close the '('") else { return inner }
      var e = inner
      e.span = span(t).to(span(close))
      return e
    case .lbracket:
      _ = advance()
      var items: [Expr] = []
      while !at(.rbracket), !at(.eof), !at(.newline) {
        items.append(parseExpr())
        if eat(.comma) == nil { break }
      }
      guard let close = expect(.rbracket, "']' to close the list") else { return makeExpr(.list(items), span(from: t)) }
      return makeExpr(.list(items), span(t).to(span(close)))
    case .identifier:
      guard let k = t.symbol.keyword else { return parseNameOrCall() }
      switch k {
      case .true:
        _ = advance()
        return makeExpr(.bool(true), span(t))
      case .false:
        _ = advance()
        return makeExpr(.bool(false), span(t))
      case .if:
        _ = advance()
        let c = parseExpr()
        skipNewlines()
        guard expectWord(.then, after: "the condition of 'if'") != nil else { return invalidExpr(span(t)) }
        let a = parseExpr()
        skipNewlines()
        guard expectWord(.else, after: "the 'then' value") != nil else { return invalidExpr(span(t)) }
        let b = parseExpr()
        return makeExpr(.conditional(c, a, b), span(t).to(b.span))
      default:
        if k.isReserved {
          error(.expectedExpression, "expected a value, found '\(k.spelling)'", t)
          return invalidExpr(span(t))
        }
        return parseNameOrCall()
      }
    default:
      error(
        .expectedExpression, "expected a value, found \(describe(t))", t,
        help: "a value is a number, an amount (12.00 USD), a percent (2%), a duration (30 days), a date, a string or a name")
      return invalidExpr(span(t))
    }
  }

  mutating func parseNameOrCall() -> Expr {
    let t = advance()
    let name = Name(t.symbol, span(t))
    guard at(.lparen) else { return makeExpr(.name(name), span(t)) }
    _ = advance()
    var args: [Expr] = []
    while !at(.rparen), !at(.eof) {
      if isRoundingModeStart() {
        let ms = cur
        if let m = parseRoundingMode(required: true) {
          args.append(makeExpr(.roundingMode(m), span(from: ms)))
        }
      } else {
        args.append(parseExpr())
      }
      if eat(.comma) == nil { break }
    }
    let (source, calleeSpan) = (file, span(t))
    guard let close = expect(.rparen, "')' to close the arguments of '\(source.text(calleeSpan))'") else {
      return makeExpr(.call(name, args), span(from: t))
    }
    return makeExpr(.call(name, args), span(t).to(span(close)))
  }

  /// The value of a number token, tolerating the malformations the lexer reported (doubled or
  /// trailing underscores, a trailing point, grouping commas).
  func numberValue(_ t: Token) -> Fixed? {
    let direct = file.bytes.withUnsafeBufferPointer {
      Fixed.parse(UnsafeBufferPointer(rebasing: $0[Int(t.start)..<Int(t.end)]))
    }
    if let direct { return direct }
    var s = text(t).filter { $0 != "_" && $0 != "," }
    if s.hasSuffix(".") { s.removeLast() }
    return Fixed(s)
  }

  /// A number and its optional unit: `12`, `1_000 units`, `12.50 USD`, `30 days`, `5 business days`.
  mutating func parseNumberLiteral() -> Expr {
    let t = advance()
    // The lexer already reported a malformed number; read what it meant so the unit is still consumed.
    let v = numberValue(t) ?? .zero
    let u = cur
    guard u.kind == .identifier else { return makeExpr(.number(v), span(t)) }
    if isCurrencyShaped(u) {
      _ = advance()
      guard let c = currency(of: u) else { return invalidExpr(span(t).to(span(u))) }
      return makeExpr(.money(v, c), span(t).to(span(u)))
    }
    let unit: DurationUnit?
    switch u.symbol.keyword {
    case .day, .days: unit = .days
    case .week, .weeks: unit = .weeks
    case .month, .months: unit = .months
    case .year, .years: unit = .years
    case .business:
      guard peek().is(.days) || peek().is(.day) else {
        error(.unknownUnit, "expected 'days' after 'business'", peek())
        return invalidExpr(span(t))
      }
      _ = advance()
      unit = .businessDays
    case .unit, .units:
      _ = advance()
      return makeExpr(.number(v), span(t).to(span(u)))
    default:
      // A word right after a number that is no keyword and looks like a unit is a misspelt unit.
      if u.symbol.keyword == nil, var s = Suggest.closest(to: text(u), in: Self.unitWords) {
        if v != Fixed(1), !s.hasSuffix("s"), Self.unitWords.contains(s + "s") { s += "s" }
        error(
          .unknownUnit, "'\(text(u))' is not a unit", u, help: "did you mean '\(s)'?",
          fix: FixIt("replace '\(text(u))' with '\(s)'", edits: [Edit(span(u), s)]))
        _ = advance()
        return invalidExpr(span(t).to(span(u)))
      }
      return makeExpr(.number(v), span(t))
    }
    let end = advance()
    guard let unit else { return invalidExpr(span(t)) }
    guard v.isInteger, let n = v.toInt64(), n <= 1_000_000 else {
      error(
        .invalidNumber, "a duration is a whole number of \(unit.rawValue), found '\(text(t))'", t,
        help: unit == .months || unit == .years ? "write the duration in days instead" : nil)
      return invalidExpr(span(t).to(span(end)))
    }
    return makeExpr(.duration(n, unit), span(t).to(span(end)))
  }
}
