import AccrueDiagnostics
import AccrueLexer
import AccrueModel

extension Parser {
  /// `upgrade POLICY` or `downgrade POLICY` (the keyword is current), POLICY being `immediately with proration` or
  /// `at end of period`: when a change from this plan to another takes effect (grammar.md §6.11).
  mutating func parsePlanChange() -> PlanItem? {
    let s = cur
    let direction: PlanChangeDirection = advance().symbol.keyword == .upgrade ? .upgrade : .downgrade
    let word = direction.rawValue
    let help = "write '\(word) immediately with proration' (the change takes effect on its day, the unused days credited) "
      + "or '\(word) at end of period' (it takes effect at the end of the billing period it falls in)"
    guard atWord(.immediately) || atWord(.at) else {
      error(.expectedToken, "expected when a plan \(word) takes effect after '\(word)', found \(describe(cur))", cur, help: help)
      return nil
    }
    if eatWord(.at) != nil {
      guard atWord(.end) else { return policyWordError("'\(word) at'", help) }
      _ = advance()
      guard atWord(.of) else { return policyWordError("'\(word) at end'", help) }
      _ = advance()
      guard atWord(.period) else { return policyWordError("'\(word) at end of'", help) }
      _ = advance()
      return .planChange(direction, .endOfPeriod, span(from: s))
    }
    _ = advance()
    guard atWord(.with) else { return policyWordError("'\(word) immediately'", help) }
    _ = advance()
    guard atWord(.proration) else { return policyWordError("'\(word) immediately with'", help) }
    _ = advance()
    return .planChange(direction, .immediately, span(from: s))
  }

  /// A word of an upgrade or downgrade policy that is not one: what was found, and the two policies to write instead.
  private mutating func policyWordError(_ after: String, _ help: String) -> PlanItem? {
    error(.expectedToken, "unknown policy word \(describe(cur)) after \(after)", cur, help: help)
    return nil
  }
}
