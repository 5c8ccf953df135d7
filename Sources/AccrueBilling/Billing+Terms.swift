import AccrueCompiler
import AccrueCore
import AccrueModel

extension Billing {
  /// The payment terms of an invoice issued on `issue`: its due date, the terms as printed, and its installments
  /// (the total split by the plan's shares, the last taking the remainder).
  static func dueDate(_ spec: CompiledPlanSpec, issue: CivilDate, total: Fixed, env: Env) -> (CivilDate, InvoiceTerms, [Installment]) {
    func days(_ v: RValue) -> (Int, Int) {
      switch v {
      case .days(let n): return (Int(n), 0)
      case .months(let n): return (0, Int(n))
      default: return (0, 0)
      }
    }
    // (`v`: `e`'s value, when the caller has it already: the terms' days were evaluated twice per invoice.)
    func add(_ d: CivilDate, _ e: CExpr, _ v: RValue? = nil) -> CivilDate {
      let (n, m) = days(v ?? e.eval(env))
      guard let r = m != 0 ? d.adding(months: m, spec.monthEnd) : d.adding(days: n) else {
        env.fail("the due date \(d) + \(e.eval(env)) is not a date", e.span)
        return d
      }
      return r
    }
    switch spec.terms(env) {
    case .dueOnReceipt: return (issue, .dueOnReceipt, [])
    case .net(let e):
      let v = e.eval(env)
      return (add(issue, e, v), .net(TermsPeriod(v)), [])
    case .netEndOfMonth(let e):
      let v = e.eval(env)
      return (add(issue.endOfMonth, e, v), .netEndOfMonth(TermsPeriod(v)), [])
    case .endOfMonth: return (issue.endOfMonth, .endOfMonth, [])
    case .dayOfNextMonth(let e):
      guard case .number(let n) = e.eval(env), let day = n.toInt64(),
        let next = issue.endOfMonth.adding(days: 1), let d = CivilDate(year: next.year, month: next.month, day: Int(day))
      else {
        env.fail("day \(e.eval(env)) of the month after \(issue) is not a date", e.span)
        return (issue, .dueOnReceipt, [])
      }
      return (d, .dayOfNextMonth(day), [])
    case .installments(let parts):
      let exp = spec.currency.minorUnits
      guard let totalMinor = total.toMinorUnits(exponent: exp, .halfEven) else {
        env.fail("the total \(total) is too large to split into installments", rule: spec.source)
        return (issue, .installments, [])
      }
      let ratios: [Int64] = parts.map { p in
        if case .percent(let r) = p.share.eval(env), let x = r.multiplied(by: Fixed(1_000_000))?.toInt64() { return x }
        env.fail("an installment's share is not a percent", p.share.span)
        return 0
      }
      guard let amounts = allocate(totalMinor, ratios: ratios, remainder: .last) else {
        env.fail("the total \(total) cannot be split into these installments", rule: spec.source)
        return (issue, .installments, [])
      }
      let inst = zip(amounts, parts).map { Installment(amount: Fixed(minorUnits: $0.0, exponent: exp), dueDate: add(issue, $0.1.after)) }
      return (inst.last?.dueDate ?? issue, .installments, inst)
    }
  }
}

extension Billing {
  /// When explaining: where the invoice's payment terms and early payment discount are written.
  static func explainTerms(_ invoice: consuming PlannedInvoice, _ spec: CompiledPlanSpec, _ env: Env) -> PlannedInvoice {
    guard env.explaining else { return invoice }
    var inv = invoice
    (inv.termsRule, inv.earlyDiscountRule) = spec.termsRules(env)
    if inv.earlyDiscount == nil { inv.earlyDiscountRule = nil }
    return inv
  }
}
