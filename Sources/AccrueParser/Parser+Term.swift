import AccrueDiagnostics
import AccrueLexer

extension Parser {
  /// `term EXPR`, `renew automatically for EXPR`, `renew never` or `notice EXPR` (the keyword is current).
  mutating func parseContractTerm() -> PlanItem? {
    let s = cur
    let k = advance().symbol.keyword
    switch k {
    case .term:
      return .contractTerm(.length(parseExpr()), span(from: s))
    case .notice:
      return .contractTerm(.notice(parseExpr()), span(from: s))
    default:
      guard atWord(.automatically) || atWord(.never) else {
        error(
          .expectedToken, "expected 'automatically for' or 'never' after 'renew', found \(describe(cur))", cur,
          help: "write 'renew automatically for 12 months' (each renewal's length) or 'renew never' (the contract ends with its term)")
        return nil
      }
      if eatWord(.never) != nil { return .contractTerm(.renew(nil), span(from: s)) }
      _ = advance()
      guard expectWord(.for, after: "'renew automatically'") != nil else { return nil }
      return .contractTerm(.renew(parseExpr()), span(from: s))
    }
  }

  /// After `minimum commitment EXPR per`: `period` (a commitment per billing period), or `term [pro rata]`.
  mutating func parseCommitmentPer(_ e: Expr, from s: Token) -> PlanItem? {
    if eatWord(.term) != nil {
      if eatWord(.pro) != nil {
        guard expectWord(.rata, after: "'pro'") != nil else { return nil }
        return .contractTerm(.commitment(e, proRata: true), span(from: s))
      }
      return .contractTerm(.commitment(e, proRata: false), span(from: s))
    }
    guard atWord(.period) else {
      error(
        .expectedToken, "expected 'period' or 'term' after 'per', found \(describe(cur))", cur,
        help: "write 'minimum commitment 500.00 USD per period' (each billing period) or '... per term' (over the contract's term)")
      return nil
    }
    _ = advance()
    return .minimum(e, span(from: s))
  }
}
