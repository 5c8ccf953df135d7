import AccrueCore
import AccrueDiagnostics

/// `bill early when usage reaches 1000.00 USD` or `bill early when usage reaches 10_000 units of api_calls`
/// (grammar.md §6.10): a threshold invoice, issued the first day of a billing period whose usage to date reaches
/// the amount (the usage charges' amount before discounts and taxes) or the units of one metric.
public struct ThresholdSpec: Sendable {
  /// The amount (a money expression), for an amount threshold.
  public var amount: Expr?
  /// The units and where they are written, for a units threshold, with the metric they count.
  public var units: Fixed?
  public var unitsSpan: Span?
  public var metric: Name?
  public var span: Span
}
