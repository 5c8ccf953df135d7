import AccrueCore
import AccrueDiagnostics
import AccrueParser

/// A plan's `payment terms ... when COND` and `early payment discount ... when COND` (grammar.md §6.4): tried in
/// the order written, the first whose condition holds applies, the one without `when` when none does. So the
/// statement without `when` comes last (one after it would never apply), at most once, and payment terms with
/// conditions need it: an invoice meeting none of them must still have terms.
struct ConditionalStatements {
  /// The first statement with a condition, and the one without.
  var firstConditional: Span?
  var unconditional: Span?
  /// The conditions so far, and their statements.
  var conditions: [(Expr, Span)] = []

  /// Checks one statement's place and condition; true when the statement itself is to be checked.
  mutating func check(
    _ condition: Expr?, _ span: Span, _ c: CheckerState, _ what: String, _ ctx: Context, once: inout CheckerState.Once,
    in block: @autoclosure () -> String
  ) -> Bool {
    guard let condition else {
      guard once.check(what, span, c, in: block()) else { return false }
      unconditional = span
      return true
    }
    if let all = unconditional {
      c.report(
        .unreachableRule, "these \(what) never apply: the \(what) without 'when' before them apply to every invoice", at: span,
        notes: [Note("the \(what) for every invoice are here", at: all)],
        help: "move the \(what) without 'when' last: the ones with 'when' are tried first, in order")
    }
    if firstConditional == nil { firstConditional = span }
    c.expectCondition(condition, ctx, "the 'when' of \(what)")
    if let asOf = c.asOfReference(in: condition) {
      // Billing, a later run's catch-up and cash application must all find the terms the invoice was issued with.
      c.report(
        .conflictingStatement, "the 'when' of \(what) cannot read as_of: an invoice's terms are fixed when it is issued, and a run on another date would find other terms",
        at: asOf, help: "compare a date of the contract instead, as in: when contract.start_date >= 2027-01-01")
    }
    if let same = conditions.first(where: { c.sameExpression($0.0, condition) }) {
      c.report(
        .unreachableRule, "these \(what) never apply: the \(what) before them have the same condition", at: span,
        notes: [Note("the same condition is here", at: same.1)], help: "keep one of the two statements")
    }
    conditions.append((condition, span))
    return true
  }

  /// Payment terms with conditions need the terms of every other invoice.
  func requireFallback(_ c: CheckerState, _ block: String, _ blockSpan: Span, example: String) {
    guard let first = firstConditional, unconditional == nil else { return }
    c.reportMissing(
      in: blockSpan, "\(block) states payment terms only with 'when': an invoice whose contract meets none of the conditions would have no terms",
      at: first, help: "add the terms of every other invoice last, without 'when', as in: \(example)")
  }
}

extension CheckerState {
  /// Where an expression reads `as_of` (after it is typed), if it does.
  func asOfReference(in e: Expr) -> Span? {
    if case .name = e.kind, Int(e.id) < resolutions.count, case .asOf? = resolutions[Int(e.id)] { return e.span }
    for child in e.kind.children { if let s = asOfReference(in: child) { return s } }
    return nil
  }

  /// Whether two expressions are written alike (their source text, spacing aside).
  func sameExpression(_ a: Expr, _ b: Expr) -> Bool {
    func words(_ e: Expr) -> [Substring] { sources[e.span.file].text(e.span).split(whereSeparator: \.isWhitespace) }
    return words(a) == words(b)
  }
}
