import AccrueCore
import AccrueModel

/// A compiled `service credit` (grammar.md §6.7): its levels highest first (a period measured below a level earns
/// that level's credit, the lowest level it is below deciding), the charge it credits and its maximum.
public struct CompiledServiceCredit: Sendable {
  public var label: String
  public var charge: String
  public var levels: [(below: CExpr, credit: CExpr)]
  /// A percent of the charge's amount for the period, or an amount; nil: the levels' credit as it is.
  public var maximum: CExpr?
  public var source: RuleRef
}
