import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel

/// Top-level declarations: `let`, `define`, `field`, `calendar` and `metric`.
extension Parser {
  /// `let name [: type] = expr`.
  mutating func parseLet() -> LetDecl? {
    let start = advance()
    guard let name = parseName("a name after 'let'") else { return nil }
    var type: TypeAnnotation?
    if eat(.colon) != nil {
      guard let t = parseType() else { return nil }
      type = t
    }
    guard expect(.equal, "'=' after the name") != nil else { return nil }
    skipNewlines()
    let value = parseExpr()
    return LetDecl(name: name, type: type, value: value, span: span(from: start))
  }

  /// `define name(p: type, ...) [: type] = expr`.
  mutating func parseDefine() -> DefineDecl? {
    let start = advance()
    guard let name = parseName("a name after 'define'") else { return nil }
    guard expect(.lparen, "'(' and the parameters") != nil else { return nil }
    var params: [Param] = []
    while !at(.rparen) {
      guard let pn = parseName("a parameter name") else { return nil }
      guard expect(.colon, "':' and the parameter's type") != nil else { return nil }
      guard let pt = parseType() else { return nil }
      params.append(Param(name: pn, type: pt))
      if eat(.comma) == nil { break }
    }
    guard expect(.rparen, "')' after the parameters") != nil else { return nil }
    var result: TypeAnnotation?
    if eat(.colon) != nil {
      guard let t = parseType() else { return nil }
      result = t
    }
    guard expect(.equal, "'=' and the definition") != nil else { return nil }
    skipNewlines()
    let body = parseExpr()
    return DefineDecl(name: name, params: params, result: result, body: body, span: span(from: start))
  }

  /// `field record.name: type [= default]`.
  mutating func parseField() -> FieldDecl? {
    let start = advance()
    guard let record = parseName("a record name (customer, contract, invoice, event, payment)") else { return nil }
    guard expect(.dot, "'.' between the record and the field name") != nil else { return nil }
    guard let field = parseName("a field name") else { return nil }
    guard expect(.colon, "':' and the field's type") != nil else { return nil }
    guard let type = parseType() else { return nil }
    var def: Expr?
    if eat(.equal) != nil { def = parseExpr() }
    return FieldDecl(record: record, field: field, type: type, defaultValue: def, span: span(from: start))
  }

  /// `calendar name ["label"] { weekend day, day; holiday DATE ["label"] }`.
  mutating func parseCalendar() -> CalendarDecl? {
    let start = advance()
    guard let name = parseName("a calendar name") else { return nil }
    let label = optionalLabel()
    var weekend: [(Weekday, Span)]?
    var weekendSpan: Span?
    var holidays: [HolidayDecl] = []
    let items: [Void] = block("calendar", words: [.weekend, .holiday], opener: start) { p in
      let s = p.cur
      if p.eatWord(.weekend) != nil {
        var days: [(Weekday, Span)] = []
        // `weekend none`: every day is a business day (holidays aside).
        if p.eatWord(.none) != nil {
          if weekendSpan != nil {
            p.error(.duplicateSetting, "the weekend is stated twice in this calendar", at: p.span(from: s), notes: [Note("first stated here", at: weekendSpan)])
          }
          weekend = []
          weekendSpan = p.span(from: s)
          return ()
        }
        repeat {
          guard p.cur.kind == .identifier, let k = p.cur.symbol.keyword, let wd = Self.weekday(k) else {
            p.error(.expectedToken, "expected a day of the week, found \(p.describe(p.cur))", p.cur, help: "write days as monday ... sunday")
            return nil
          }
          days.append((wd, p.span(p.advance())))
        } while p.eat(.comma) != nil
        if weekendSpan != nil {
          p.error(.duplicateSetting, "the weekend is stated twice in this calendar", at: p.span(from: s), notes: [Note("first stated here", at: weekendSpan)])
        }
        weekend = days
        weekendSpan = p.span(from: s)
        return ()
      }
      _ = p.advance()
      let date = p.parseExpr()
      let label = p.optionalLabel()
      holidays.append(HolidayDecl(date: date, label: label, span: p.span(from: s)))
      return ()
    }
    _ = items
    return CalendarDecl(name: name, label: label, weekend: weekend, weekendSpan: weekendSpan, holidays: holidays, span: span(from: start))
  }

  static func weekday(_ k: Keyword) -> Weekday? {
    switch k {
    case .monday: .monday
    case .tuesday: .tuesday
    case .wednesday: .wednesday
    case .thursday: .thursday
    case .friday: .friday
    case .saturday: .saturday
    case .sunday: .sunday
    default: nil
    }
  }

  /// `metric name ["label"] { event "name"; sum of EXPR | count | ...; where EXPR }`.
  mutating func parseMetric() -> MetricDecl? {
    let start = advance()
    guard let name = parseName("a metric name") else { return nil }
    let label = optionalLabel()
    var decl = MetricDecl(name: name, label: label, eventName: nil, aggregation: nil, filters: [], span: span(start), repeats: [])
    let words: KeywordList = [.event, .sum, .count, .unique, .max, .latest, .where, .weighted]
    let _: [Void] = block("metric", words: words, opener: start) { p in
      let s = p.cur
      if p.eatWord(.event) != nil {
        guard let n = p.parseStringLit("the event name in quotes") else { return nil }
        if decl.eventName != nil { decl.repeats.append(p.span(from: s)) }
        decl.eventName = n
        return ()
      }
      if p.eatWord(.where) != nil {
        decl.filters.append(p.parseExpr())
        return ()
      }
      let kind: AggregationKind
      var value: Expr?
      if p.eatWord(.count) != nil {
        kind = .count
        if p.cur.is(.of) {
          // `count of event.x`, by analogy with `sum of`: count takes no value.
          p.error(
            .expectedToken, "'count' counts events and takes no 'of'", p.cur,
            help: "write 'count' alone (filter the events with 'where'), or 'unique count of EXPR' to count distinct values")
          // Read as 'count' (the rest of the line is skipped), so nothing else is reported about the metric.
        }
      } else if p.eatWord(.weighted) != nil {
        guard p.expectWord(.sum, after: "'weighted'") != nil, p.expectWord(.of, after: "'weighted sum'") != nil else { return nil }
        kind = .weightedSum
        value = p.parseExpr()
      } else if p.eatWord(.unique) != nil {
        guard p.expectWord(.count, after: "'unique'") != nil, p.expectWord(.of, after: "'unique count'") != nil else { return nil }
        kind = .uniqueCount
        value = p.parseExpr()
      } else {
        let k = p.advance().symbol.keyword!
        kind = k == .sum ? .sum : k == .max ? .max : .latest
        guard p.expectWord(.of, after: "'\(k.spelling)'") != nil else { return nil }
        value = p.parseExpr()
      }
      if decl.aggregation != nil { decl.repeats.append(p.span(from: s)) }
      decl.aggregation = Aggregation(kind: kind, value: value, span: p.span(from: s))
      return ()
    }
    decl.span = span(from: start)
    return decl
  }
}
