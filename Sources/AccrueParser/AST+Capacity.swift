import AccrueCore
import AccrueDiagnostics

/// One capacity tier: `tier NAME ["label"] [when LIMIT and LIMIT ...] at PRICE` (grammar.md §6.9). Its limits are
/// the condition, a conjunction of `METRIC <= NUMBER` (or `<`); a tier without `when` is open (it takes any usage).
public struct CapacityTier: Sendable {
  public var name: Name
  public var label: StringLit?
  public var condition: Expr?
  public var price: Expr
  public var span: Span
}

/// One limit of a capacity tier: a metric's usage of the period at most (`<=`) or below (`<`) a number.
public struct CapacityLimit: Sendable {
  public var metric: Name
  public var strict: Bool
  public var bound: Expr
  public var span: Span
}

extension CapacityTier {
  /// The tier's limits, in the order written; nil when the condition is not a conjunction of `NAME <= EXPR` or
  /// `NAME < EXPR` (the checker reports where); empty for an open tier.
  public var limits: [CapacityLimit]? {
    guard let c = condition else { return [] }
    var out: [CapacityLimit] = []
    func walk(_ e: Expr) -> Bool {
      switch e.kind {
      case .binary(.and, let l, let r): return walk(l) && walk(r)
      case .binary(let op, let l, let r) where op == .lessEqual || op == .less:
        guard case .name(let n) = l.kind else { return false }
        out.append(CapacityLimit(metric: n, strict: op == .less, bound: r, span: e.span))
        return true
      default: return false
      }
    }
    return walk(c) ? out : nil
  }

  /// The first part of the condition that is not a limit (for the checker's message).
  public var badPart: Expr? {
    guard let c = condition else { return nil }
    func find(_ e: Expr) -> Expr? {
      switch e.kind {
      case .binary(.and, let l, let r): return find(l) ?? find(r)
      case .binary(let op, let l, _) where op == .lessEqual || op == .less:
        if case .name = l.kind { return nil }
        return e
      default: return e
      }
    }
    return find(c)
  }
}
