import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// The usage lines of an invoice: each usage charge's aggregated usage of the arrears period, priced.
extension Billing {
  /// The usage lines of an arrears period, priced with the terms of its last day and the phase in effect on the
  /// last day that counts (a phase may re-price a usage charge); with the plan that prices them. The first rows
  /// of each metric's usage join the invoice's sources.
  static func usageLines(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ t: BillTask, _ arr: BillTask.Period, _ accs: [Accumulator],
    _ sources: inout [RowRef], _ env: Env
  ) -> (lines: [InvoiceLine], spec: CompiledPlanSpec) {
    let last = c.terms(on: CivilDate(dayNumber: arr.end.dayNumber - 1))
    let uspec = plan.plans[last.plan]
    c.setRecords(env, data)
    // No counted day (all in the trial or free phases): no usage line.
    let usagePhase = t.lastUsageDay.flatMap { d in phaseWindows(uspec, c, env).first { d >= $0.0 && d < $0.1 }?.2 }
    var lines: [InvoiceLine] = []
    for (k, plain) in uspec.charges.enumerated() where t.lastUsageDay != nil {
      guard case .usage(let m) = plain.quantity, uspec.clock(of: plain) == t.clock, let key = usageKey(plain, k), let ai = t.usage[key]
      else { continue }
      if case .capacity? = plain.pricing, case .capacity(let tiers)? = phased(plain, usagePhase).pricing {  // Billing+Capacity
        for m in CompiledCapacityTier.metrics(tiers) {
          for r in t.usage[m].map({ accs[$0].firstRows }) ?? [] where !sources.contains(r) { sources.append(r) }
        }
        if let line = capacityLine(phased(plain, usagePhase), tiers, t, accs, plan, arr, phase: usagePhase, uspec, env) { lines.append(line) }
        continue
      }
      // (The accumulator and the metric read in place, not copied out of their arrays.)
      sources += accs[ai].firstRows
      if let line = usageLine(phased(plain, usagePhase), accs[ai], plan.metrics[m], arr, phase: usagePhase, uspec, env) {
        lines.append(line)
      }
    }
    return (lines, uspec)
  }

  /// One usage charge's line: the period's usage under its metric, priced (a percentage charge: the fees of its
  /// transactions), raised to the charge's minimum, rounded. Nil when the usage cannot be priced.
  static func usageLine(
    _ ch: CompiledCharge, _ a: Accumulator, _ metric: CompiledMetric, _ arr: BillTask.Period, phase: CompiledPhase?,
    _ uspec: CompiledPlanSpec, _ env: Env
  ) -> InvoiceLine? {
    var explain = BillingSteps(explaining: env.explaining)
    explain.add(.usageCharge(rule: ch.source, name: ch.name, metric: metric.name, metricRule: metric.source))
    if env.explaining, let k = uspec.clock(of: ch) { explain.add(ownPeriodStep(k, uspec)) }
    if !uspec.priceBook.isEmpty { explain.add(.priceBook(currency: uspec.currency, offered: uspec.priceBook)) }
    explain.add(.usageEvents(events: a.events, first: arr.start, last: CivilDate(dayNumber: arr.end.dayNumber - 1), firstRows: a.firstRows))
    let q = usageQuantity(a, metric, arr)
    var amount: Fixed
    var unit: Fixed?
    var tiersHit: [Int] = []
    if case .percentage(let rate, _, _, _)? = ch.pricing {
      if a.keepsTransactions, let pct = a.percentage {
        amount = percentageFees(a, pct, ch, env: env, &explain)
      } else {
        amount = a.fees
        explain.add(.percentageSummed(rate: rate.resolved, total: amount))
      }
      // A charge's minimum raises the line as for any pricing.
      amount = chargeMinimum(ch, amount, env: env, currency: uspec.currency, &explain)
    } else {
      if metric.aggregation == .weightedSum {
        explain.add(.weighted(valueSeconds: a.sum, periodSeconds: weightedQuantity(a, arr).seconds, quantity: q))
      }
      explain.add(.aggregated(metric.aggregation, quantity: q))
      guard let (amt, u, steps, hit) = price(ch, quantity: q, env: env, currency: uspec.currency, firstTierFee: uspec.firstTierFeeAlways)
      else { return nil }
      unit = u
      tiersHit = hit
      explain.add(contentsOf: steps)
      amount = chargeMinimum(ch, amt, env: env, currency: uspec.currency, &explain)
    }
    let rounded = env.exact(amount.rounded(places: uspec.currency.minorUnits, uspec.rounding), ch.source, "\(amount) rounded")
    explain.add(.rounded(uspec.rounding, places: uspec.currency.minorUnits, amount: rounded))
    return InvoiceLine(
      description: (phase.map { "\($0.name) phase: " } ?? "") + usageDescription(ch, metric, a, q, uspec.currency),
      kind: .usage, charge: ch.name, quantity: q, unitPrice: unit, amount: rounded, periodStart: arr.start, periodEnd: arr.end,
      rule: ch.source, explanation: explain.list, tiers: tiersHit)
  }

  /// What a usage line says it bills: "API calls: 250000 units"; for a percentage charge the transactions and their
  /// volume ("Card fees: 4 transactions, 10,090.00 USD").
  static func usageDescription(_ ch: CompiledCharge, _ metric: CompiledMetric, _ a: Accumulator, _ q: Fixed, _ c: Currency) -> String {
    if case .percentage? = ch.pricing {
      return "\(ch.label): \(a.events) transaction\(a.events == 1 ? "" : "s"), \(q.formatted(places: c.minorUnits, grouping: true)) \(c.code)"
    }
    return .concat(ch.label, ": ", q.description, " ", metric.aggregation == .sum ? "units" : metric.aggregation.rawValue)
  }

  /// The period's usage under the metric's aggregation.
  static func usageQuantity(_ a: Accumulator, _ m: CompiledMetric, _ period: BillTask.Period) -> Fixed {
    switch m.aggregation {
    case .weightedSum: weightedQuantity(a, period).quantity  // Usage+Weighted
    case .sum: a.sum
    case .count: Fixed(a.count)
    case .max: a.max ?? .zero
    case .latest: a.latest?.2 ?? .zero
    case .uniqueCount: Fixed(a.unique.count)
    }
  }
}
