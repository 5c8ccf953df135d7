import AccrueCore
import AccrueDiagnostics
import AccrueLexer

extension Parser {
  /// `capacity tiers { tier NAME ["label"] [when LIMITS] at PRICE ... }` (grammar.md §6.9).
  mutating func parseCapacityTiers() -> ChargeItem? {
    let s = advance()
    guard expectWord(.tiers, after: "'capacity'") != nil else { return nil }
    let tiers: [CapacityTier] = block("capacity tier list", words: [.tier], opener: s) { $0.parseCapacityTier() }
    return .pricing(.capacity(tiers), span(from: s))
  }

  /// `tier NAME ["label"] [when LIMIT { and LIMIT }] at PRICE`.
  mutating func parseCapacityTier() -> CapacityTier? {
    let s = advance()
    guard let name = parseName("the tier's name, as in: tier small when cpu <= 4 at 100.00 USD") else { return nil }
    let label = optionalLabel()
    var condition: Expr?
    if eatWord(.when) != nil { condition = parseExpr() }
    guard atWord(.at) else {
      error(
        .expectedToken, "expected 'at' and the tier's price, found \(describe(cur))", cur,
        help: condition == nil
          ? "write the limits after 'when' and the price after 'at', as in: tier small when cpu <= 4 and memory <= 16 at 100.00 USD"
          : "join the limits with 'and', then give the price: ... when cpu <= 4 and memory <= 16 at 100.00 USD")
      return nil
    }
    _ = advance()
    let price = parseExpr()
    return CapacityTier(name: name, label: label, condition: condition, price: price, span: span(from: s))
  }
}
