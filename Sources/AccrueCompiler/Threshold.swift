import AccrueCore
import AccrueModel

/// `bill early when usage reaches ...` (grammar.md §6.10): what triggers a threshold invoice.
public struct CompiledThreshold: Sendable {
  public enum Measure: Sendable {
    /// The usage charges' amount to date (free units, tiers and charge minimums applied; before discounts and taxes).
    case amount(CExpr)
    /// The units of one metric to date (index into the plan's metrics).
    case units(Fixed, metric: Int)
  }
  public var measure: Measure
  public var source: RuleRef

}
