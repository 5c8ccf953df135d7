import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Capacity tiers (grammar.md §6.9): the period's usage of several metrics picks one tier together, the first whose
/// every limit holds, and the line bills that tier's price.
extension Billing {
  /// The keys of a usage charge's accumulators in `BillTask.usage`: its own (`usageKey`), and for capacity tiers
  /// one per metric their limits name, the limits of a phase re-pricing the charge included (metric keys, shared
  /// with the plan's other charges on those metrics).
  static func usageKeys(_ ch: CompiledCharge, _ index: Int, _ spec: CompiledPlanSpec) -> [Int] {
    guard case .capacity(let tiers)? = ch.pricing else { return usageKey(ch, index).map { [$0] } ?? [] }
    var keys = CompiledCapacityTier.metrics(tiers)
    for ph in spec.phases {
      guard case .capacity(let more)? = ph.charges[ch.name]?.pricing else { continue }
      for m in CompiledCapacityTier.metrics(more) where !keys.contains(m) { keys.append(m) }
    }
    return keys
  }

  /// The capacity line of a period: each metric measured, the tiers tried in order, the first whose every limit
  /// holds priced (raised to the charge's minimum, rounded). Usage above every tier is a failure of the run naming
  /// the measurements and their rows; nil then, or when a price cannot be read.
  static func capacityLine(
    _ ch: CompiledCharge, _ tiers: [CompiledCapacityTier], _ t: BillTask, _ accs: [Accumulator], _ plan: ExecutablePlan,
    _ arr: BillTask.Period, phase: CompiledPhase?, _ uspec: CompiledPlanSpec, _ env: Env
  ) -> InvoiceLine? {
    var explain = BillingSteps(explaining: env.explaining)
    explain.add(.charge(rule: ch.source, name: ch.name))
    if !uspec.priceBook.isEmpty { explain.add(.priceBook(currency: uspec.currency, offered: uspec.priceBook)) }
    var measured: [Int: Fixed] = [:]
    var rows: [RowRef] = []
    let last = CivilDate(dayNumber: arr.end.dayNumber - 1)
    for m in CompiledCapacityTier.metrics(tiers) {
      let a = t.usage[m].map { accs[$0] }
      let q = a.map { usageQuantity($0, plan.metrics[m], arr) } ?? .zero
      measured[m] = q
      for r in a?.firstRows ?? [] where !rows.contains(r) { rows.append(r) }
      explain.add(
        .capacityMeasured(
          metric: plan.metrics[m].name, aggregation: plan.metrics[m].aggregation, quantity: q, events: a?.events ?? 0, first: arr.start,
          last: last, firstRows: a?.firstRows ?? []))
    }
    func said(_ m: Int) -> String { "\(plan.metrics[m].name) \(measured[m] ?? .zero)" }
    for (ti, tier) in tiers.enumerated() {
      var holds = true
      var words: [String] = []
      for l in tier.limits {
        guard case .number(let b) = l.bound.eval(env) else { return nil }
        let q = measured[l.metric] ?? .zero
        holds = holds && (l.strict ? q < b : q <= b)
        words.append("\(plan.metrics[l.metric].name) \(q) \(l.strict ? "<" : "<=") \(b)")
      }
      explain.add(.capacityTier(name: tier.name, rule: tier.source, limits: words.joined(separator: ", "), holds: holds))
      guard holds else { continue }
      guard let price = ChargePricing(ch: ch, env: env, currency: uspec.currency).money(tier.price) else { return nil }
      explain.add(.fixedPrice(once: false, price: price, currency: uspec.currency))
      let amount = chargeMinimum(ch, price, env: env, currency: uspec.currency, &explain)
      let rounded = env.exact(amount.rounded(places: uspec.currency.minorUnits, uspec.rounding), ch.source, "\(amount) rounded")
      explain.add(.rounded(uspec.rounding, places: uspec.currency.minorUnits, amount: rounded))
      let metrics = CompiledCapacityTier.metrics(tiers).map(said).joined(separator: ", ")
      return InvoiceLine(
        description: (phase.map { "\($0.name) phase: " } ?? "") + "\(ch.label): \(tier.label) (\(metrics))",
        kind: .usage, charge: ch.name, quantity: nil, unitPrice: nil, amount: rounded, periodStart: arr.start, periodEnd: arr.end,
        rule: ch.source, explanation: explain.list, tiers: [ti])
    }
    let rowsSaid = rows.isEmpty ? "no usage rows" : "usage rows " + rows.sorted { $0.line < $1.line }.prefix(5).map(\.description).joined(separator: ", ")
    let lastLimits = tiers.last.map { $0.limits.map { l in "\(plan.metrics[l.metric].name) \(l.strict ? "<" : "<=") \(l.bound.resolved)" } }?
      .joined(separator: " and ") ?? ""
    env.fail(
      "the usage of charge \(ch.name) from \(arr.start) to \(last) (\(CompiledCapacityTier.metrics(tiers).map(said).joined(separator: ", ")); \(rowsSaid)) "
        + "is above every capacity tier (the last allows \(lastLimits)): check those rows, or end the tiers with an open one ('tier NAME at PRICE', no 'when')",
      rule: tiers.last?.source ?? ch.source)
    return nil
  }
}
