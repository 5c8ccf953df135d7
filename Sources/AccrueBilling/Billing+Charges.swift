import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// The lines of a contract's flat, per-unit, package and tiered charges for a stretch of days, through the
/// trial, the plan's phases and proration.
extension Billing {
  /// The phases of a contract as date windows, in order after the trial: [start, end) and the phase.
  static func phaseWindows(_ spec: CompiledPlanSpec, _ c: ContractData, _ env: Env) -> [(CivilDate, CivilDate, CompiledPhase)] {
    var out: [(CivilDate, CivilDate, CompiledPhase)] = []
    if spec.phases.isEmpty { return out }
    var at = trialEnd(spec, c, env) ?? c.start
    for ph in spec.phases {
      let end: CivilDate?
      switch ph.duration.eval(env) {
      case .days(let n): end = at.adding(days: Int(n))
      case .months(let n): end = at.adding(months: Int(n), spec.monthEnd)
      default: end = nil
      }
      guard let e = end else { break }
      out.append((at, e, ph))
      at = e
    }
    return out
  }

  /// Days of [a, b) outside the trial.
  static func chargedDays(_ a: CivilDate, _ b: CivilDate, trialEnd: CivilDate?) -> Int {
    guard a < b else { return 0 }
    guard let te = trialEnd, te > a else { return a.days(until: b) }
    return te >= b ? 0 : te.days(until: b)
  }

  /// Lines of the non-usage charges of one timing for [a, b) under terms `t`.
  static func periodLines(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, terms t: Terms, timing: BillTiming,
    _ a: CivilDate, _ b: CivilDate, full: (CivilDate, CivilDate), firstInvoice: Bool,
    kind: InvoiceLine.Kind = .charge, note: String = "", clock: ChargeClock? = nil, env: Env
  ) -> [InvoiceLine] {
    periodLines(
      plan.plans[t.plan], data, c, terms: t, timing: timing, a, b, full: full, firstInvoice: firstInvoice, kind: kind, note: note,
      clock: clock, env: env)
  }

  static func periodLines(
    _ spec: CompiledPlanSpec, _ data: Dataset, _ c: ContractData, terms t: Terms, timing: BillTiming,
    _ a: CivilDate, _ b: CivilDate, full: (CivilDate, CivilDate), firstInvoice: Bool,
    kind: InvoiceLine.Kind, note: String, clock: ChargeClock? = nil, env: Env
  ) -> [InvoiceLine] {
    let te = trialEnd(spec, c, env)
    var record = c.record
    if let s = data.contractSlots.quantity { put(.number(t.quantity), s, &record) }
    if let s = data.contractSlots.seats { put(.number(t.seats), s, &record) }
    if let s = data.contractSlots.plan { put(.text(spec.name), s, &record) }
    env.records[RecordKind.contract.index] = record
    env.records[RecordKind.customer.index] = data.customers[c.customer].record
    let fullDays = full.0.days(until: full.1)
    // Split [a, b) by phase windows: a phase may re-price a charge or make everything free.
    let windows = phaseWindows(spec, c, env)
    var pieces: [(CivilDate, CivilDate, CompiledPhase?)] = []
    var cursor = a
    for (ws, we, ph) in windows where we > a && ws < b {
      if ws > cursor { pieces.append((cursor, ws, nil)) }
      pieces.append((CivilDate.max(ws, a), CivilDate.min(we, b), ph))
      cursor = CivilDate.min(we, b)
    }
    if cursor < b { pieces.append((cursor, b, nil)) }
    if pieces.count > 1 || pieces.first?.2 != nil {
      return pieces.flatMap { (pa, pb, ph) -> [InvoiceLine] in
        if ph?.free == true { return [] }
        var phased = spec
        if let ph { phased.charges = spec.charges.map { Self.phased($0, ph) } }
        return chargeLines(
          c, spec: phased, te: te, timing: timing, pa, pb, fullDays: fullDays, firstInvoice: firstInvoice && pa == a,
          kind: kind, note: note + (ph.map { "\($0.name) phase: " } ?? ""), clock: clock, env: env)
      }
    }
    return chargeLines(
      c, spec: spec, te: te, timing: timing, a, b, fullDays: fullDays, firstInvoice: firstInvoice, kind: kind, note: note,
      clock: clock, env: env)
  }

  /// `v` into slot `s` of a record, unless the slot holds exactly that already (the contract's own terms, the usual
  /// case): the record's storage then stays shared, not copied.
  @inline(__always) static func put(_ v: RValue, _ s: Int, _ record: inout [RValue]) {
    switch (record[s], v) {
    case (.number(let x), .number(let y)) where x == y: return
    case (.text(let x), .text(let y)) where x.utf8Order(y) == 0: return  // the same bytes (memcmp)
    default: record[s] = v
    }
  }

  /// The lines of the plan's non-usage charges of one timing for [a, b), each charge read in place.
  static func chargeLines(
    _ c: ContractData, spec: CompiledPlanSpec, te: CivilDate?, timing: BillTiming,
    _ a: CivilDate, _ b: CivilDate, fullDays: Int, firstInvoice: Bool, kind: InvoiceLine.Kind, note: String,
    clock: ChargeClock? = nil, env: Env
  ) -> [InvoiceLine] {
    var out: [InvoiceLine] = []
    for k in spec.charges.indices where spec.clock(of: spec.charges[k]) == clock {
      let line = chargeLine(
        spec.charges[k], spec, te: te, timing: timing, a, b, fullDays: fullDays, firstInvoice: firstInvoice, kind: kind, note: note, env: env)
      if let line { out.append(line) }
    }
    return out
  }

  /// One charge's line for [a, b), or nil when it bills nothing then (usage, another timing, no day charged, no price).
  static func chargeLine(
    _ ch: CompiledCharge, _ spec: CompiledPlanSpec, te: CivilDate?, timing: BillTiming,
    _ a: CivilDate, _ b: CivilDate, fullDays: Int, firstInvoice: Bool, kind: InvoiceLine.Kind, note: String, env: Env
  ) -> InvoiceLine? {
    // A milestone's charge is billed on its own (Billing+Milestones).
    if ch.milestone != nil { return nil }
    if case .usage = ch.quantity { return nil }
    let isOnce = ch.isOnce
    if isOnce {
      guard firstInvoice, timing == .advance, kind != .credit else { return nil }
    } else if ch.timing != timing {
      return nil
    }
    let days = isOnce ? fullDays : chargedDays(a, b, trialEnd: te)
    guard days > 0 else { return nil }
    var q = Fixed.zero
    if case .expr(let e) = ch.quantity, case .number(let v) = e.eval(env) { q = v }
    guard let (priced, unit, steps, tiersHit) = price(ch, quantity: q, env: env, currency: spec.currency, firstTierFee: spec.firstTierFeeAlways)
    else { return nil }
    var explain = BillingSteps(explaining: env.explaining)
    explain.add(.charge(rule: ch.source, name: ch.name))
    if env.explaining, let k = spec.clock(of: ch) { explain.add(ownPeriodStep(k, spec)) }
    if !spec.priceBook.isEmpty { explain.add(.priceBook(currency: spec.currency, offered: spec.priceBook)) }
    explain.add(contentsOf: steps)
    let amt = chargeMinimum(ch, priced, env: env, currency: spec.currency, &explain)
    var value = amt
    let prorated = !isOnce && ch.prorate && days != fullDays
    if prorated {
      value = env.exact(amt.multiplied(by: Fixed(days), dividedBy: Fixed(fullDays), rounding: spec.rounding), ch.source, "\(amt) x \(days) / \(fullDays)")
      explain.add(.prorated(days: days, fullDays: fullDays, amount: amt, prorated: value))
    }
    if kind == .credit { value = env.exact(value.negated, ch.source, "-\(value)") }
    let rounded = env.exact(value.rounded(places: spec.currency.minorUnits, spec.rounding), ch.source, "\(value) rounded")
    explain.add(.rounded(spec.rounding, places: spec.currency.minorUnits, amount: rounded))
    var desc = ch.label
    if let u = unit, case .expr = ch.quantity {
      desc = .concat(desc, ": ", q.description, " x ", u.formatted(places: max(spec.currency.minorUnits, u.significantFractionDigits)), " ", spec.currency.code)
    }
    if prorated { desc = .concat(desc, ", ", String(days), " of ", String(fullDays), " days") }
    if !note.isEmpty { desc = note + desc }
    var line = InvoiceLine(
      description: desc, kind: kind, charge: ch.name, quantity: unit != nil ? q : nil, unitPrice: unit, amount: rounded,
      periodStart: a, periodEnd: b, rule: ch.source, explanation: explain.list)
    line.tiers = tiersHit
    return line
  }

  /// The minimum commitment for the period starting on `date`: the phase's own if the phase in effect then
  /// states one, none in a free phase, the plan's otherwise; with the rule it comes from.
  static func minimumCommitment(_ spec: CompiledPlanSpec, _ c: ContractData, on date: CivilDate, _ env: Env) -> (CExpr, RuleRef)? {
    if let phase = phaseWindows(spec, c, env).first(where: { date >= $0.0 && date < $0.1 })?.2 {
      if let m = phase.minimum { return (m, phase.minimumSource ?? phase.source) }
      if phase.free { return nil }
    }
    return spec.minimum.map { ($0, spec.minimumSource ?? spec.source) }
  }

  /// A charge as a phase prices it: the phase's price (the line then cites it) and free units, where it states them.
  static func phased(_ ch: CompiledCharge, _ phase: CompiledPhase?) -> CompiledCharge {
    guard let o = phase?.charges[ch.name] else { return ch }
    var x = ch
    if let p = o.pricing {
      x.pricing = p
      x.source = o.source  // the line cites the phase's price
    }
    if o.free != nil { x.free = o.free }
    return x
  }
}
