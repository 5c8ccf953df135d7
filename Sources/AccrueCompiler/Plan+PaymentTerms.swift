import AccrueCore
import AccrueModel
import AccrueParser

/// Payment terms and early payment discounts that depend on the contract (grammar.md §6.4): `payment terms ...
/// when COND` statements are tried in the order written, the first whose condition holds giving an invoice's
/// terms, the statement without `when` (the checker requires one, last) when none does; likewise the early
/// payment discount, with no discount when none holds and none is stated without `when`.
extension CompiledPlanSpec {
  /// The terms of an invoice whose contract and customer are `env`'s records.
  public func terms(_ env: Env) -> CompiledTerms {
    for t in conditionalTerms where t.condition.eval(env).isTrue { return t.terms }
    return terms
  }

  /// The early payment discount offered on an invoice whose contract and customer are `env`'s records.
  public func earlyDiscount(_ env: Env) -> (rate: CExpr, within: CExpr)? {
    for d in conditionalEarlyDiscounts where d.condition.eval(env).isTrue { return (d.rate, d.within) }
    return earlyDiscount
  }

  /// Where the payment terms and the early payment discount an invoice gets are written (for `--explain`).
  public func termsRules(_ env: Env) -> (terms: RuleRef?, earlyDiscount: RuleRef?) {
    let t = conditionalTerms.first { $0.condition.eval(env).isTrue }.map(\.source) ?? termsSource
    let d = conditionalEarlyDiscounts.first { $0.condition.eval(env).isTrue }.map(\.source)
      ?? (earlyDiscount == nil ? nil : earlyDiscountSource)
    return (t, d)
  }
}

extension ExprCompiler {
  /// `payment terms TERMS`, compiled.
  func compileTerms(_ terms: PaymentTerms) -> CompiledTerms {
    switch terms {
    case .dueOnReceipt: .dueOnReceipt
    case .net(let e): .net(compile(e))
    case .netEndOfMonth(let e): .netEndOfMonth(compile(e))
    case .endOfMonth: .endOfMonth
    case .dayOfNextMonth(let e): .dayOfNextMonth(compile(e))
    case .installments(let parts): .installments(parts.map { (compile($0.share), compile($0.after)) })
    }
  }
}
