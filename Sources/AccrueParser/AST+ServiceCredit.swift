import AccrueCore
import AccrueDiagnostics

/// One service level of a service credit: `below 99.9% credit 10%`.
public struct ServiceLevel: Sendable {
  public var below: Expr
  public var credit: Expr
  public var span: Span
}

/// `service credit ["label"] on charge NAME { below X% credit Y% ... [maximum Z] }` (grammar.md §6.7): the credit a
/// period whose measured service level (the data's `service_levels`) fell below a level earns, a percent of the
/// charge billed for that period, at most `maximum` (a percent of the charge or an amount).
public struct ServiceCreditSpec: Sendable {
  public var label: StringLit?
  public var charge: Name
  public var levels: [ServiceLevel]
  public var maximum: Expr?
  /// Where `maximum` is written, and any statement given twice (reported by the checker).
  public var maximumSpan: Span?
  public var repeats: [Span]
  public var span: Span
}

/// A statement inside `service credit { ... }`.
public enum ServiceCreditItem: Sendable {
  case level(ServiceLevel)
  case maximum(Expr, Span)
}
