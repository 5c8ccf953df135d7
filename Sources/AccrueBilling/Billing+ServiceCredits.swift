import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Service credits (grammar.md §6.7): on the invoice at the end of a billing period, a credit for each of the
/// plan's `service credit` rules whose level the period's measured uptime (service_levels) fell below: the level's
/// percent of what the credited charge bills for that period, at most the rule's maximum, never more than the
/// invoice's lines so far.
extension Billing {
  static func serviceCreditLines(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ t: BillTask, _ spec: CompiledPlanSpec, _ lines: [InvoiceLine],
    _ sources: inout [RowRef], _ env: Env
  ) -> [InvoiceLine] {
    guard !spec.serviceCredits.isEmpty, let arr = t.arrears else { return [] }
    let measured = c.serviceLevels.filter { $0.date >= arr.start && $0.date < arr.end }
    // Several measurements of one period: the lowest counts.
    guard let worst = measured.min(by: { ($0.uptime, $0.id) < ($1.uptime, $1.id) }) else { return [] }
    var left = sum(lines, spec.source, "the invoice's lines", env)
    var out: [InvoiceLine] = []
    for sc in spec.serviceCredits {
      c.setRecords(env, data)
      guard let (below, rate) = level(sc, worst.uptime, env) else { continue }
      let terms = c.terms(on: arr.start)
      guard let ch = plan.plans[terms.plan].charges.first(where: { $0.name == sc.charge }) else { continue }
      let billed = periodLines(plan, data, c, terms: terms, timing: ch.timing, arr.start, arr.end, full: arr.full, firstInvoice: false, env: env)
        .filter { $0.kind == .charge && $0.charge == sc.charge }
      let base = sum(billed, sc.source, "the charge for the period", env)
      c.setRecords(env, data)
      var credit = env.exact(base.multiplied(by: rate), sc.source, "\(base) x \(RValue.percent(rate))")
      var steps = BillingSteps(explaining: env.explaining)
      steps.add(.serviceCredit(rule: sc.source, uptime: worst.uptime, below: below, rate: rate, charge: sc.charge, base: base, credit: credit, rows: measured.map(\.source)))
      if let cap = maximum(sc, base, env), cap < credit {
        credit = cap
        steps.add(.serviceCreditCapped(maximum: cap, byInvoice: false))
      }
      if credit > left {
        credit = left.isNegative ? .zero : left
        steps.add(.serviceCreditCapped(maximum: credit, byInvoice: true))
      }
      credit = rounded(credit, spec, env)
      guard credit > .zero else { continue }
      left = env.exact(left.subtracting(credit), sc.source, "the invoice's lines less the credit")
      sources += measured.map(\.source)
      let last = CivilDate(dayNumber: arr.end.dayNumber - 1)
      out.append(
        InvoiceLine(
          description: "\(sc.label): \(ch.label) \(arr.start) to \(last), uptime \(percentText(worst.uptime)) below \(percentText(below))",
          kind: .credit, charge: sc.charge, amount: env.exact(credit.negated, sc.source, "the credit"), periodStart: arr.start, periodEnd: arr.end, rule: sc.source,
          explanation: steps.list))
    }
    return out
  }

  /// The level the uptime falls below and its credit: of the levels (highest first), the last one it is below.
  static func level(_ sc: CompiledServiceCredit, _ uptime: Fixed, _ env: Env) -> (below: Fixed, rate: Fixed)? {
    var found: (Fixed, Fixed)?
    for (belowE, creditE) in sc.levels {
      guard case .percent(let b) = belowE.eval(env), case .percent(let r) = creditE.eval(env) else { continue }
      if uptime < b { found = (b, r) }
    }
    return found
  }

  /// The rule's maximum for a period whose charge billed `base`: a percent of it, or an amount.
  static func maximum(_ sc: CompiledServiceCredit, _ base: Fixed, _ env: Env) -> Fixed? {
    switch sc.maximum?.eval(env) {
    case .percent(let p)?: return env.exact(base.multiplied(by: p), sc.source, "\(base) x \(RValue.percent(p))")
    case .money(let v, _)?: return v
    default: return nil
    }
  }

  static func percentText(_ f: Fixed) -> String { "\(RValue.percent(f))" }
}
