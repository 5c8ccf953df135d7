import AccrueCore
import AccrueDiagnostics
import AccrueLexer

extension Parser {
  /// After `bill`, at `early`: `early when usage reaches AMOUNT` or `early when usage reaches N units of METRIC`.
  mutating func parseThreshold(from s: Token) -> PlanItem? {
    _ = advance()
    guard expectWord(.when, after: "'bill early'") != nil, expectWord(.usage, after: "'bill early when'") != nil,
      expectWord(.reaches, after: "'bill early when usage'") != nil
    else { return nil }
    // `N units of METRIC`: read here, since `of` is an operator of expressions.
    if at(.number), peek().is(.units) || peek().is(.unit) {
      let t = advance()
      guard let v = numberValue(t) else { return nil }
      let u = advance()
      let written = "'\(text(t)) \(text(u))'"
      guard expectWord(.of, after: written) != nil, let m = parseName("a metric name") else { return nil }
      return .threshold(ThresholdSpec(amount: nil, units: v, unitsSpan: span(t).to(span(u)), metric: m, span: span(from: s)))
    }
    let e = parseExpr()
    return .threshold(ThresholdSpec(amount: e, units: nil, unitsSpan: nil, metric: nil, span: span(from: s)))
  }
}
