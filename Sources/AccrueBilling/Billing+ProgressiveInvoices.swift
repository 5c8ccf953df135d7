import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Progressive billing's invoices (grammar.md §6.10): the threshold invoices of the run's window, and what the
/// end-of-period invoice subtracts. Order of operations on every invoice: free units, then price (tiers, the
/// charge's minimum) on the period's usage to date; less what earlier threshold invoices of the period billed for
/// the charge; then the plan's percentage discounts, then its amount discounts; the minimum commitment only at the
/// end of the period (the threshold invoices' subtotals counted as spent); then taxes.
extension Billing {
  static func thresholdInvoices(
    _ plan: ExecutablePlan, _ data: Dataset, _ windows: [ProgressiveWindow], _ tasks: inout [BillTask], _ accs: [Accumulator],
    from: CivilDate, to: CivilDate, explain: String?, _ env: Env
  ) -> (invoices: [PlannedInvoice], failures: [RunFailure], already: Int) {
    var out: [PlannedInvoice] = []
    var failures: [RunFailure] = []
    var already = 0
    for w in windows {
      let c = data.contracts[w.contract]
      env.reset()
      let explaining = explain.map { $0.hasPrefix("\(c.id)/") } ?? false
      let days = thresholdDays(plan, data, w, accs, explaining: explaining, env)
      if let f = env.failure { failures.append(plan.failure(f, "contract \(c.id), usage from \(w.arrears.start)")) }
      var previous: (lines: [InvoiceLine], key: String, day: CivilDate)?
      var keys: [String] = []
      var subtotals = Fixed.zero
      for (usage, numbers, steps) in days {
        let key = "\(c.id)/\(usage.day)/threshold-\(numbers.last!)"
        env.reset()
        env.explaining = explain == key
        let inv = thresholdInvoice(plan, data, w, key: key, usage, steps, previous, env)
        if let f = env.failure { failures.append(plan.failure(f, "invoice \(key)")) }
        subtotals = env.exact(subtotals.adding(inv?.subtotal ?? .zero), plan.plans[c.plan].source, "the threshold invoices' subtotals")
        keys.append(key)
        previous = (usage.lines, key, usage.day)
        guard let inv, usage.day > from, usage.day <= to else { continue }
        if data.isIssued(key) { already += 1 } else { out.append(inv) }
      }
      if let ti = w.task, let p = previous { tasks[ti].early = EarlyBilled(lines: p.lines, through: p.day, keys: keys, subtotals: subtotals) }
    }
    return (out, failures, already)
  }

  /// The threshold invoice of one day: each usage line to date less what the period's earlier threshold invoices
  /// billed for its charge; the plan's discounts and taxes.
  static func thresholdInvoice(
    _ plan: ExecutablePlan, _ data: Dataset, _ w: ProgressiveWindow, key: String, _ usage: DayUsage, _ steps: [BillingStep],
    _ previous: (lines: [InvoiceLine], key: String, day: CivilDate)?, _ env: Env
  ) -> PlannedInvoice? {
    let c = data.contracts[w.contract]
    let customer = data.customers[c.customer]
    let spec = plan.plans[c.terms(on: usage.day).plan]
    c.setRecords(env, data)
    var lines: [InvoiceLine] = []
    for var line in usage.lines {
      let billed = previous?.lines.first { $0.charge == line.charge && $0.kind == line.kind }?.amount ?? .zero
      line.amount = env.exact(line.amount.subtracting(billed), line.rule, "\(line.amount) - \(billed)")
      line.description += ", usage to \(usage.day)"
      if let p = previous, !billed.isZero { line.description += " less \(money(billed, spec.currency)) billed on \(p.key)" }
      if env.explaining {
        line.explanation = steps + line.explanation
        if let p = previous { line.explanation.append(.billedEarly(billed: billed, through: p.day, keys: [p.key])) }
      } else {
        line.explanation = []  // priced while explaining another invoice of the contract
      }
      lines.append(line)
    }
    guard !lines.isEmpty else { return nil }
    let issue = usage.day
    let t = BillTask(
      contract: w.contract, date: issue, advance: nil, arrears: (w.arrears.start, issue.adding(days: 1) ?? issue, w.arrears.full),
      periodNumber: w.periodNumber)
    lines += discountLines(spec, c, t, lines, env)
    let subtotal = sum(lines, spec.source, "the invoice's subtotal", env)
    let (taxes, total) = invoiceTaxes(spec, subtotal, env)
    let (due, termsText, installments) = dueDate(spec, issue: issue, total: total, env: env)
    return explainTerms(
      PlannedInvoice(
        key: key, contractID: c.id, customerID: customer.id, customerName: customer.name, plan: spec.name, currency: spec.currency,
        issueDate: issue, periodStart: w.arrears.start, periodEnd: t.arrears!.end, lines: lines, subtotal: subtotal, taxes: taxes, total: total,
        dueDate: due, terms: termsText, earlyDiscount: earlyDiscount(spec, issue: issue, total: total, env), installments: installments,
        sources: [customer.source, c.source] + usage.sources),
      spec, env)
  }

  /// On the end-of-period invoice, after its usage lines: per charge, what the period's threshold invoices billed.
  static func billedEarlyLines(_ t: BillTask, _ spec: CompiledPlanSpec, _ env: Env) -> [InvoiceLine] {
    guard let e = t.early else { return [] }
    return e.lines.filter { !$0.amount.isZero }.map { l in
      InvoiceLine(
        description: "\(l.description.prefix { $0 != ":" }): billed on threshold invoices for usage to \(e.through)", kind: l.kind,
        charge: l.charge, amount: env.exact(Fixed.zero.subtracting(l.amount), l.rule, "-\(l.amount)"), periodStart: l.periodStart,
        periodEnd: e.through.adding(days: 1) ?? e.through, rule: l.rule,
        explanation: env.explaining ? [.billedEarly(billed: l.amount, through: e.through, keys: e.keys)] : [])
    }
  }

  /// For the minimum commitment: the threshold invoices' subtotals, as spent in the period (one line, never issued).
  static func spentEarly(_ t: BillTask, rule: RuleRef) -> [InvoiceLine] {
    guard let e = t.early, let arr = t.arrears else { return [] }
    return [
      InvoiceLine(
        description: "threshold invoices", kind: .usage, charge: nil, amount: e.subtotals, periodStart: arr.start, periodEnd: arr.end,
        rule: rule, explanation: [])
    ]
  }
}
