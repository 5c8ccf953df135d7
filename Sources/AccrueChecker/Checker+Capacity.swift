import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Capacity tiers (grammar.md §6.9): several metrics pick one tier together, the first whose every limit holds.
extension CheckerState {
  func checkCapacityTiers(_ tiers: [CapacityTier], _ ctx: Context, span: Span) {
    guard !tiers.isEmpty else {
      reportMissing(
        in: span, "a capacity tier list needs at least one tier", at: span, help: "as in: tier small when cpu <= 4 and memory <= 16 at 100.00 USD")
      return
    }
    if tiers.allSatisfy({ $0.condition == nil }) {
      report(
        .missingStatement, "no capacity tier has limits, so the charge is the same every period", at: span,
        help: "give the tiers limits with 'when', as in: tier small when cpu <= 4 at 100.00 USD; or write 'flat PRICE'")
    }
    var names: [Symbol: Span] = [:]
    // Each tier's limits with constant bounds, by metric (for the reachability check); nil when not known.
    var known: [(tier: CapacityTier, limits: [Int: (bound: Fixed, strict: Bool)])?] = []
    for (i, t) in tiers.enumerated() {
      if let first = names[t.name.symbol] {
        report(
          .conflictingStatement, "two capacity tiers are named '\(name(t.name.symbol))'", at: t.name.span,
          notes: [Note("the first is here", at: first)], help: "give each tier a name of its own: it names the tier on the invoice")
      } else {
        names[t.name.symbol] = t.name.span
      }
      expectMoney(t.price, ctx, "a capacity tier's price", total: true)
      if t.condition == nil, i < tiers.count - 1 {
        report(
          .tierOverlap, "tier '\(name(t.name.symbol))' has no limits, so it takes any usage and the tiers after it are never reached",
          at: t.span, notes: [Note("the next tier", at: tiers[i + 1].span)],
          help: "only the last tier may be open: give this one limits with 'when' (as in: when cpu <= 8 and memory <= 32), or move it last")
      }
      known.append(capacityLimits(t, ctx))
    }
    for j in known.indices {
      guard let later = known[j], !later.limits.isEmpty else { continue }
      for i in 0..<j {
        // An open tier before the last is reported above.
        guard let earlier = known[i], !earlier.limits.isEmpty, Self.within(later.limits, earlier.limits) else { continue }
        report(
          .tierOverlap,
          "tier '\(name(later.tier.name.symbol))' is never reached: any usage within its limits is within those of tier '\(name(earlier.tier.name.symbol))', which comes first",
          at: later.tier.span, notes: [Note("the earlier tier", at: earlier.tier.span)],
          help: "list the tiers from the smallest up, each allowing more of some metric than every tier before it")
        break
      }
    }
  }

  /// Checks one tier's limits (known metrics, number bounds, each metric once); its limits by metric when every
  /// bound is a constant number, else nil.
  func capacityLimits(_ t: CapacityTier, _ ctx: Context) -> (tier: CapacityTier, limits: [Int: (bound: Fixed, strict: Bool)])? {
    guard let limits = t.limits else {
      let bad = t.badPart ?? t.condition!
      report(
        .typeMismatch, "a capacity tier's limits compare a metric with a number, joined by 'and'", at: bad.span,
        help: "write each limit as METRIC <= NUMBER (or <), as in: when cpu <= 4 and memory <= 16")
      return nil
    }
    var out: [Int: (bound: Fixed, strict: Bool)] = [:]
    var spans: [Int: Span] = [:]
    var constant = true
    for l in limits {
      guard let m = metricIndex[l.metric.symbol] else {
        let sug = suggestion(for: name(l.metric.symbol), in: metricIndex.keys.map(name))
        report(
          .unknownReference, "there is no metric '\(name(l.metric.symbol))'", at: l.metric.span,
          help: sug.map { "did you mean '\($0)'?" } ?? "a capacity tier's limits name metrics: declare it, as in: metric \(name(l.metric.symbol)) { max of event.quantity }",
          fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(l.metric.span, $0)]) })
        constant = false
        continue
      }
      metricUsed.insert(m)
      if let t = metricTypes[m], t.isMoney {
        report(
          .typeMismatch, "metric '\(name(l.metric.symbol))' adds up money; a capacity limit counts units", at: l.metric.span,
          help: "limit a metric that measures units, as in: max of event.quantity")
      }
      if let first = spans[m] {
        report(
          .conflictingStatement, "this tier limits metric '\(name(l.metric.symbol))' twice", at: l.span,
          notes: [Note("the first limit", at: first)], help: "keep one limit per metric")
      }
      spans[m] = l.span
      expectType(l.bound, typeOf(l.bound, ctx), .number, "a capacity limit")
      if case .number(let v)? = constValue(l.bound) { out[m] = (v, l.strict) } else { constant = false }
    }
    return constant ? (t, out) : nil
  }

  /// Whether every usage within the limits `a` is within the limits `b`: `b` limits no metric `a` leaves open, and
  /// each of its bounds is at least `a`'s.
  static func within(_ a: [Int: (bound: Fixed, strict: Bool)], _ b: [Int: (bound: Fixed, strict: Bool)]) -> Bool {
    b.allSatisfy { m, lb in
      guard let la = a[m] else { return false }
      if la.bound < lb.bound { return true }
      return la.bound == lb.bound && (la.strict || !lb.strict)
    }
  }

  /// A phase re-prices a charge with capacity tiers only if the plan's charge has them, and the other way round:
  /// the tiers measure their own metrics, other pricings a quantity.
  func checkPhaseCapacity(_ c: ChargeDecl, planCharge: ChargeDecl?) {
    func capacity(_ d: ChargeDecl) -> Span? {
      for item in d.items { if case .pricing(.capacity, let s) = item { return s } }
      return nil
    }
    func priced(_ d: ChargeDecl) -> Bool { d.items.contains { if case .pricing = $0 { return true } else { return false } } }
    guard let p = planCharge, priced(c), (capacity(c) == nil) != (capacity(p) == nil) else { return }
    let own = capacity(c) != nil
    report(
      .conflictingStatement,
      own ? "the plan's charge '\(name(c.name.symbol))' is not priced by capacity tiers, so a phase cannot re-price it with them"
        : "the plan's charge '\(name(c.name.symbol))' is priced by capacity tiers, so a phase re-prices it with capacity tiers too",
      at: c.name.span, notes: [Note("the plan's charge", at: p.span)],
      help: own ? "re-price it with the plan's kind of pricing, or give the plan's charge capacity tiers" : "write 'capacity tiers { ... }' in the phase")
  }

  /// A capacity charge takes no `usage`, `quantity` or `free`: its tiers name what they measure.
  func checkCapacityCharge(_ what: String, quantity: Span?, free: Span?, tiers ps: Span) {
    if let s = quantity {
      report(
        .conflictingStatement, "capacity tiers measure the metrics their limits name, so \(what) takes no other quantity", at: s,
        notes: [Note("the tiers are here", at: ps)], help: "remove this statement; name the metrics in the tiers' limits")
    }
    if let s = free {
      report(
        .conflictingStatement, "capacity tiers price the tier the usage reaches, not units, so \(what) has no free units", at: s,
        notes: [Note("the tiers are here", at: ps)], help: "remove 'free'; a free tier is one priced at 0.00")
    }
  }
}
