import AccrueCore

/// Rules that never fired on a run's data: plans no contract used, charges, tiers, discounts, minimums and
/// taxes that produced no line, cadences no invoice got, steps never sent and match rules that decided no
/// payment. Dead rules show up in review.
public struct Coverage: Sendable {
  public struct Item: Sendable {
    public var rule: RuleRef
    public var what: String

    public init(rule: RuleRef, what: String) {
      self.rule = rule
      self.what = what
    }
  }

  /// In rule order (file, line).
  public var unused: [Item]
  /// How many coverable items there are in all.
  public var total: Int

  public init(unused: [Item], total: Int) {
    self.unused = unused
    self.total = total
  }
}
