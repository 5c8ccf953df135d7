import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// A compiled capacity tier (grammar.md §6.9): its limits (each a metric's usage of the period at most, or below,
/// a bound) and its price; no limits: open.
public struct CompiledCapacityTier: Sendable {
  public var name: String
  public var label: String
  public var limits: [(metric: Int, strict: Bool, bound: CExpr)]
  public var price: CExpr
  public var source: RuleRef

  /// The metrics the tiers' limits name, each once, in the order first written.
  public static func metrics(_ tiers: [CompiledCapacityTier]) -> [Int] {
    var out: [Int] = []
    for t in tiers { for l in t.limits where !out.contains(l.metric) { out.append(l.metric) } }
    return out
  }
}

extension PlanCompiler {
  /// Compiles capacity tiers; `metricIndex` resolves the limits' metric names (the checker has reported unknown ones).
  static func capacity(
    _ tiers: [CapacityTier], _ program: CheckedProgram, _ metricIndex: [String: Int], _ ec: inout ExprCompiler,
    _ ref: (Span) -> RuleRef
  ) -> [CompiledCapacityTier] {
    tiers.map { t in
      let limits = (t.limits ?? []).compactMap { l -> (metric: Int, strict: Bool, bound: CExpr)? in
        guard let m = metricIndex[program.name(l.metric.symbol)] else { return nil }
        return (m, l.strict, ec.compile(l.bound))
      }
      let name = program.name(t.name.symbol)
      return CompiledCapacityTier(
        name: name, label: t.label?.value ?? name, limits: limits, price: ec.compile(t.price), source: ref(t.span))
    }
  }
}

extension CompiledCapacityTier {
  func pricedIn(_ c: Currency) -> CompiledCapacityTier {
    var t = self
    t.price = price.pricedIn(c)
    return t
  }
}
