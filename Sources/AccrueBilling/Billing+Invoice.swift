import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

extension Billing {
  /// Prices a quantity under a charge's pricing (before proration and rounding). Returns the amount,
  /// the unit price when one price applies to every unit, and the steps for `--explain`.
  static func price(
    _ ch: CompiledCharge, quantity q: Fixed, env: Env, currency: Currency, firstTierFee: Bool = true
  ) -> (amount: Fixed, unit: Fixed?, steps: [String], tiers: [Int])? {
    func money(_ e: CExpr) -> Fixed? {
      switch e.eval(env) {
      case .money(let v, let c):
        if c != currency {
          env.fail("\(ch.name): the price is in \(c.code), the plan bills in \(currency.code)", e.span)
          return nil
        }
        return v
      default: return nil
      }
    }
    var qty = q
    var steps: [String] = []
    func step(_ text: @autoclosure () -> String) { if env.explaining { steps.append(text()) } }
    func exact(_ v: Fixed?, _ what: @autoclosure () -> String) -> Fixed { env.exact(v, ch.source, "charge \(ch.name): " + what()) }
    if let f = ch.free, case .number(let free) = f.eval(env), free > .zero {
      let after = Swift.max(.zero, exact(qty.subtracting(free), "\(qty) - \(free)"))
      step("free units: \(qty) - \(free) = \(after)")
      qty = after
    }
    switch ch.pricing {
    case .flat(let e)?, .once(let e)?:
      guard let v = money(e) else { return nil }
      step("\(ch.pricing!.kind) \(v) \(currency.code)")
      return (v, nil, steps, [])
    case .perUnit(let e)?:
      guard let unit = money(e) else { return nil }
      let amt = exact(unit.multiplied(by: qty), "\(qty) x \(unit)")
      step("\(qty) x \(unit) \(currency.code) = \(amt)")
      return (amt, unit, steps, [])
    case .package(let size, let price)?:
      guard case .number(let s) = size.eval(env), !s.isZero, let p = money(price) else { return nil }
      let packs = qty.divided(by: s)?.ceilingInt() ?? 0
      let amt = exact(qty.divided(by: s)?.ceilingInt().flatMap { Fixed(Int($0)).multiplied(by: p) }, "\(qty) units in packages of \(s) at \(p)")
      step("\(qty) units in packages of \(s): \(packs) package(s) (rounded up) x \(p) = \(amt)")
      return (amt, nil, steps, [])
    case .tiers(let mode, let tiers)?:
      var total = Fixed.zero
      var reached: [Int] = []
      // No units: the first tier's flat fee alone, unless the rules say 'first tier fee when used'.
      if qty <= .zero, let first = tiers.first, let ff = first.flatFee {
        guard firstTierFee, let f = money(ff) else {
          step("no units: no flat fee ('first tier fee when used')")
          return (.zero, nil, steps, [])
        }
        step("no units: the first tier's flat fee \(f) ('first tier fee always', the default)")
        return (f, nil, steps, [0])
      }
      if mode == .graduated {
        for (ti, t) in tiers.enumerated() {
          let lower = t.from.isZero ? Fixed.zero : (t.from.subtracting(Fixed(1)) ?? .zero)
          let upper = t.to.map { Swift.min(qty, $0) } ?? qty
          let units = Swift.max(.zero, upper.subtracting(lower) ?? .zero)
          guard units > .zero else { continue }
          reached.append(ti)
          guard let p = money(t.unitPrice) else { return nil }
          var part = exact(units.multiplied(by: p), "\(units) x \(p)")
          var text = "tier \(t.from)\(t.to.map { " to \($0)" } ?? " and above"): \(units) x \(p)"
          if let ff = t.flatFee, let f = money(ff) {
            part = exact(part.adding(f), "\(part) + \(f)")
            text += " + flat \(f)"
          }
          total = exact(total.adding(part), "the tiers' total")
          step(text + " = \(part)")
        }
        step("graduated total \(total)")
        return (total, nil, steps, reached)
      }
      // Volume: every unit at the price of the tier the quantity reaches.
      guard qty > .zero else {
        step("no units")
        return (.zero, nil, steps, [])
      }
      let hit =
        tiers.firstIndex(where: { t in
          let lower = t.from.isZero ? Fixed.zero : (t.from.subtracting(Fixed(1)) ?? .zero)
          return qty > lower && (t.to.map { qty <= $0 } ?? true)
        }) ?? tiers.count - 1
      guard hit >= 0, let p = money(tiers[hit].unitPrice) else { return nil }
      var amt = exact(qty.multiplied(by: p), "\(qty) x \(p)")
      let t = tiers[hit]
      var text = "volume tier \(t.from)\(t.to.map { " to \($0)" } ?? " and above"): \(qty) x \(p)"
      if let ff = t.flatFee, let f = money(ff) {
        amt = exact(amt.adding(f), "\(amt) + \(f)")
        text += " + flat \(f)"
      }
      step(text + " = \(amt)")
      return (amt, p, steps, [hit])
    case .percentage?, nil:
      return nil
    }
  }

  /// What a usage line says it bills: "API calls: 250000 units"; for a percentage charge the transactions and their
  /// volume ("Card fees: 4 transactions, 10,090.00 USD").
  static func usageDescription(_ ch: CompiledCharge, _ metric: CompiledMetric, _ a: Accumulator, _ q: Fixed, _ c: Currency) -> String {
    if case .percentage? = ch.pricing {
      return "\(ch.label): \(a.events) transaction\(a.events == 1 ? "" : "s"), \(q.formatted(places: c.minorUnits, grouping: true)) \(c.code)"
    }
    return "\(ch.label): \(q) \(metric.aggregation == .sum ? "units" : metric.aggregation.rawValue)"
  }

  /// A charge's `minimum`: its line is at least that much each period (before a partial period's proration).
  static func chargeMinimum(_ ch: CompiledCharge, _ amount: Fixed, env: Env, currency: Currency, _ explain: inout [String]) -> Fixed {
    guard let m = ch.minimum, case .money(let floor, let c) = m.eval(env) else { return amount }
    guard c == currency else {
      env.fail("\(ch.name): the minimum is in \(c.code), the plan bills in \(currency.code)", m.span)
      return amount
    }
    guard amount < floor else { return amount }
    if env.explaining { explain.append("below the charge's minimum: \(amount) raised to \(floor)") }
    return floor
  }

  /// The phases of a contract as date windows, in order after the trial: [start, end) and the phase.
  static func phaseWindows(_ spec: CompiledPlanSpec, _ c: ContractData, _ env: Env) -> [(CivilDate, CivilDate, CompiledPhase)] {
    var out: [(CivilDate, CivilDate, CompiledPhase)] = []
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
    _ a: CivilDate, _ b: CivilDate, full: (CivilDate, CivilDate), firstInvoice: Bool, sign: Fixed = Fixed(1),
    note: String = "", env: Env
  ) -> [InvoiceLine] {
    let spec = plan.plans[t.plan]
    let te = trialEnd(spec, c, env)
    var record = c.record
    if let s = data.contractSlots.quantity { record[s] = .number(t.quantity) }
    if let s = data.contractSlots.seats { record[s] = .number(t.seats) }
    if let s = data.contractSlots.plan { record[s] = .text(spec.name) }
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
        if let ph {
          phased.charges = spec.charges.map { ch in
            guard let o = ph.charges[ch.name] else { return ch }
            var x = ch
            if let p = o.pricing {
              x.pricing = p
              x.source = o.source  // the line cites the phase's price
            }
            if o.free != nil { x.free = o.free }
            return x
          }
        }
        return chargeLines(
          plan, data, c, spec: phased, te: te, timing: timing, pa, pb, fullDays: fullDays, firstInvoice: firstInvoice && pa == a,
          sign: sign, note: note + (ph.map { "\($0.name) phase: " } ?? ""), env: env)
      }
    }
    return chargeLines(
      plan, data, c, spec: spec, te: te, timing: timing, a, b, fullDays: fullDays, firstInvoice: firstInvoice, sign: sign, note: note,
      env: env)
  }

  static func chargeLines(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, spec: CompiledPlanSpec, te: CivilDate?, timing: BillTiming,
    _ a: CivilDate, _ b: CivilDate, fullDays: Int, firstInvoice: Bool, sign: Fixed, note: String, env: Env
  ) -> [InvoiceLine] {
    var out: [InvoiceLine] = []
    for ch in spec.charges {
      if case .usage = ch.quantity { continue }
      let isOnce: Bool = { if case .once? = ch.pricing { return true } else { return false } }()
      if isOnce {
        guard firstInvoice, timing == .advance, sign == Fixed(1) else { continue }
      } else if ch.timing != timing {
        continue
      }
      let days = isOnce ? fullDays : chargedDays(a, b, trialEnd: te)
      guard days > 0 else { continue }
      var q = Fixed.zero
      if case .expr(let e) = ch.quantity, case .number(let v) = e.eval(env) { q = v }
      guard let (priced, unit, steps, tiersHit) = price(ch, quantity: q, env: env, currency: spec.currency, firstTierFee: spec.firstTierFeeAlways)
      else { continue }
      var explain: [String] = env.explaining ? ["rule \(ch.source): charge \(ch.name)"] + steps : []
      let amt = chargeMinimum(ch, priced, env: env, currency: spec.currency, &explain)
      var value = amt
      let prorated = !isOnce && ch.prorate && days != fullDays
      if prorated {
        value = env.exact(amt.multiplied(by: Fixed(days), dividedBy: Fixed(fullDays), rounding: spec.rounding), ch.source, "\(amt) x \(days) / \(fullDays)")
        if env.explaining { explain.append("prorated \(days) of \(fullDays) days: \(amt) x \(days) / \(fullDays) = \(value)") }
      }
      if sign != Fixed(1) { value = env.exact(value.negated, ch.source, "-\(value)") }
      let rounded = env.exact(value.rounded(places: spec.currency.minorUnits, spec.rounding), ch.source, "\(value) rounded")
      if env.explaining { explain.append("rounded \(spec.rounding.rawValue) to \(spec.currency.minorUnits) decimals: \(rounded)") }
      var desc = ch.label
      if let u = unit, case .expr = ch.quantity { desc += ": \(q) x \(u.formatted(places: max(spec.currency.minorUnits, u.significantFractionDigits))) \(spec.currency.code)" }
      if prorated { desc += ", \(days) of \(fullDays) days" }
      if !note.isEmpty { desc = note + desc }
      var line = InvoiceLine(
        description: desc, charge: ch.name, quantity: unit != nil ? q : nil, unitPrice: unit, amount: rounded,
        periodStart: a, periodEnd: b, rule: ch.source, explanation: explain)
      line.tiers = tiersHit
      out.append(line)
    }
    return out
  }

  static func invoiceDiscounts(_ spec: CompiledPlanSpec, _ c: ContractData, on date: CivilDate, _ env: Env) -> [CompiledDiscount] {
    let phase = phaseWindows(spec, c, env).first { date >= $0.0 && date < $0.1 }?.2
    return spec.discounts + (phase?.discounts ?? [])
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

  static func invoice(
    _ plan: ExecutablePlan, _ data: Dataset, _ t: BillTask, key: String, accs: [Accumulator], env: Env
  ) -> PlannedInvoice? {
    let c = data.contracts[t.contract]
    let customer = data.customers[c.customer]
    let now = c.terms(on: t.date)
    var spec = plan.plans[now.plan]
    var lines: [InvoiceLine] = []
    var sources = [customer.source, c.source]

    // Advance charges for the coming period, at the terms in effect on the billing date.
    if let adv = t.advance {
      lines += periodLines(
        plan, data, c, terms: now, timing: .advance, adv.start, adv.end, full: adv.full, firstInvoice: t.periodNumber == 0,
        env: env)
    }
    if let arr = t.arrears {
      // Changes inside the previous period: credit the unused part of what was billed in advance and
      // charge the rest of the period at the new terms.
      let billed = c.terms(on: arr.start)
      for seg in c.segments(arr.start, arr.end) where seg.terms != billed {
        sources += c.changes.filter { $0.date == seg.start }.map(\.source)
        lines += periodLines(
          plan, data, c, terms: billed, timing: .advance, seg.start, seg.end, full: arr.full, firstInvoice: false,
          sign: Fixed(-1), note: "Credit, unused from \(seg.start): ", env: env)
        lines += periodLines(
          plan, data, c, terms: seg.terms, timing: .advance, seg.start, seg.end, full: arr.full, firstInvoice: false,
          note: "From \(seg.start): ", env: env)
      }
      // Arrears flat and per-unit charges, segment by segment.
      for seg in c.segments(arr.start, arr.end) {
        lines += periodLines(
          plan, data, c, terms: seg.terms, timing: .arrears, seg.start, seg.end, full: arr.full, firstInvoice: false, env: env)
      }
      // Usage of the period, priced with the terms of its last day and the phase in effect on the last
      // day that counts (a phase may re-price a usage charge).
      let last = c.terms(on: CivilDate(dayNumber: arr.end.dayNumber - 1))
      let uspec = plan.plans[last.plan]
      c.setRecords(env, data)
      // No counted day (all in the trial or free phases): no usage line.
      let usagePhase = t.lastUsageDay.flatMap { d in phaseWindows(uspec, c, env).first { d >= $0.0 && d < $0.1 }?.2 }
      for (k, plain) in uspec.charges.enumerated() where t.lastUsageDay != nil {
        guard case .usage(let m) = plain.quantity, let key = usageKey(plain, k), let ai = t.usage[key] else { continue }
        var ch = plain
        if let o = usagePhase?.charges[ch.name] {
          if let p = o.pricing {
            ch.pricing = p
            ch.source = o.source  // the line cites the phase's price
          }
          if o.free != nil { ch.free = o.free }
        }
        let a = accs[ai]
        let metric = plan.metrics[m]
        sources += a.firstRows
        var explain: [String] = []
        if env.explaining { explain = [
          "rule \(ch.source): charge \(ch.name), usage of metric \(metric.name) (\(metric.source))",
          "\(a.events) event(s) from \(arr.start) to \(CivilDate(dayNumber: arr.end.dayNumber - 1))"
            + (a.firstRows.isEmpty ? "" : ", first rows " + a.firstRows.map(\.description).joined(separator: ", ")),
        ] }
        let q = usageQuantity(a, metric)
        var amount: Fixed
        var unit: Fixed?
        var tiersHit: [Int] = []
        if case .percentage(let rate, _, _, _)? = ch.pricing {
          if a.keepsTransactions, let pct = a.percentage {
            amount = percentageFees(a, pct, ch, env: env, &explain)
          } else {
            amount = a.fees
            if env.explaining { explain.append("percentage \(rate.resolved) of each transaction (plus fee, within min/max), summed: \(amount)") }
          }
          // A charge's minimum raises the line as for any pricing.
          amount = chargeMinimum(ch, amount, env: env, currency: uspec.currency, &explain)
        } else {
          if env.explaining { explain.append("\(metric.aggregation.rawValue) = \(q)") }
          guard let (amt, u, steps, hit) = price(ch, quantity: q, env: env, currency: uspec.currency, firstTierFee: uspec.firstTierFeeAlways)
          else { continue }
          unit = u
          tiersHit = hit
          explain += steps
          amount = chargeMinimum(ch, amt, env: env, currency: uspec.currency, &explain)
        }
        let rounded = env.exact(amount.rounded(places: uspec.currency.minorUnits, uspec.rounding), ch.source, "\(amount) rounded")
        if env.explaining { explain.append("rounded \(uspec.rounding.rawValue) to \(uspec.currency.minorUnits) decimals: \(rounded)") }
        var line = InvoiceLine(
          description: (usagePhase.map { "\($0.name) phase: " } ?? "") + usageDescription(ch, metric, a, q, uspec.currency),
          charge: ch.name, quantity: q, unitPrice: unit, amount: rounded, periodStart: arr.start, periodEnd: arr.end,
          rule: ch.source, explanation: explain)
        line.tiers = tiersHit
        lines.append(line)
      }
      spec = uspec
    }
    guard !lines.isEmpty else { return nil }
    let currency = spec.currency
    let mode = spec.rounding
    func round(_ v: Fixed) -> Fixed { env.exact(v.rounded(places: currency.minorUnits, mode), spec.source, "\(v) rounded") }
    func exact(_ v: Fixed?, _ rule: RuleRef, _ what: @autoclosure () -> String) -> Fixed { env.exact(v, rule, what()) }
    func sum(_ ls: [InvoiceLine], _ rule: RuleRef, _ what: String) -> Fixed {
      ls.reduce(Fixed.zero) { exact($0.adding($1.amount), rule, what) }
    }

    // Discounts: percentages of the lines they cover, then amounts.
    c.setRecords(env, data)
    lines += discountLines(spec, c, t, lines, env)

    // Minimum commitment: at the end of a period, the shortfall of that period's spend.
    if let arr = t.arrears, let (minE, minRule) = minimumCommitment(spec, c, on: arr.start, env),
      case .money(let minimum, _) = minE.eval(env)
    {
      let billed = c.terms(on: arr.start)
      let advanceForPeriod = periodLines(
        plan, data, c, terms: billed, timing: .advance, arr.start, arr.end, full: arr.full, firstInvoice: false, env: env)
      let arrearsLines = lines.filter { $0.periodStart >= arr.start && $0.periodEnd <= arr.end }
      let spend = sum(advanceForPeriod + arrearsLines, minRule, "the period's spend")
      let days = arr.start.days(until: arr.end)
      let full = arr.full.0.days(until: arr.full.1)
      let due = round(exact(minimum.multiplied(by: Fixed(days), dividedBy: Fixed(full), rounding: mode), minRule, "\(minimum) x \(days) / \(full)"))
      if spend < due {
        let gap = round(exact(due.subtracting(spend), minRule, "\(due) - \(spend)"))
        lines.append(
          InvoiceLine(
            description: "Minimum commitment true-up (\(due.formatted(places: currency.minorUnits)) committed, \(spend.formatted(places: currency.minorUnits)) spent)",
            charge: "minimum", quantity: nil,
            unitPrice: nil, amount: gap, periodStart: arr.start, periodEnd: arr.end, rule: minRule,
            explanation: [
              "rule \(minRule): minimum commitment \(minimum) for \(days) of \(full) days = \(due)",
              "spend of the period (its in-advance and in-arrears lines) \(spend); true-up \(gap)",
            ]))
      }
    }

    let subtotal = sum(lines, spec.source, "the invoice's subtotal")
    var taxes: [InvoiceTax] = []
    var total = subtotal
    for tax in spec.taxes {
      if let cond = tax.condition, !cond.eval(env).isTrue { continue }
      guard case .percent(let r) = tax.rate.eval(env) else { continue }
      if tax.mode == .exclusive {
        let amt = round(exact(subtotal.multiplied(by: r), tax.source, "\(subtotal) x \(RValue.percent(r))"))
        taxes.append(InvoiceTax(label: tax.label, rate: r, inclusive: false, amount: amt, rule: tax.source))
        total = exact(total.adding(amt), tax.source, "the invoice's total")
      } else {
        let onePlus = exact(Fixed(1).adding(r), tax.source, "1 + \(RValue.percent(r))")
        let amt = round(exact(subtotal.multiplied(by: r, dividedBy: onePlus, rounding: mode), tax.source, "\(subtotal) x \(RValue.percent(r)) / \(onePlus)"))
        taxes.append(InvoiceTax(label: tax.label, rate: r, inclusive: true, amount: amt, rule: tax.source))
      }
    }

    // Terms.
    let (due, termsText, installments) = dueDate(spec, issue: t.date, total: total, env: env)
    var early: (amount: Fixed, until: CivilDate, rate: Fixed)?
    if let (rateE, withinE) = spec.earlyDiscount, case .percent(let r) = rateE.eval(env), case .days(let n) = withinE.eval(env),
      let until = t.date.adding(days: Int(n))
    {
      early = (round(exact(total.multiplied(by: r), spec.source, "\(total) x \(RValue.percent(r))")), until, r)
    }
    // The period of its advance lines; an invoice with none (usage in arrears alone) shows the arrears period.
    let advanceLines = t.advance.map { adv in lines.contains { $0.periodStart >= adv.start && $0.periodStart < adv.end } } ?? false
    let period = (advanceLines ? t.advance.map { ($0.start, $0.end) } : nil) ?? t.arrears.map { ($0.start, $0.end) }
      ?? t.advance.map { ($0.start, $0.end) } ?? (t.date, t.date)
    return PlannedInvoice(
      key: key, contractID: c.id, customerID: customer.id, customerName: customer.name, plan: spec.name, currency: currency,
      issueDate: t.date, periodStart: period.0, periodEnd: period.1, lines: lines, subtotal: subtotal, taxes: taxes, total: total,
      dueDate: due, terms: termsText, earlyDiscount: early, installments: installments, sources: sources)
  }

  static func dueDate(_ spec: CompiledPlanSpec, issue: CivilDate, total: Fixed, env: Env) -> (CivilDate, String, [Installment]) {
    func days(_ e: CExpr) -> (Int, Int) {
      switch e.eval(env) {
      case .days(let n): return (Int(n), 0)
      case .months(let n): return (0, Int(n))
      default: return (0, 0)
      }
    }
    func add(_ d: CivilDate, _ e: CExpr) -> CivilDate {
      let (n, m) = days(e)
      guard let r = m != 0 ? d.adding(months: m, spec.monthEnd) : d.adding(days: n) else {
        env.fail("the due date \(d) + \(e.eval(env)) is not a date", e.span)
        return d
      }
      return r
    }
    switch spec.terms {
    case .dueOnReceipt: return (issue, "due on receipt", [])
    case .net(let e): return (add(issue, e), "net \(e.eval(env))", [])
    case .netEndOfMonth(let e): return (add(issue.endOfMonth, e), "net \(e.eval(env)) end of month", [])
    case .endOfMonth: return (issue.endOfMonth, "end of month", [])
    case .dayOfNextMonth(let e):
      guard case .number(let n) = e.eval(env), let day = n.toInt64(),
        let next = issue.endOfMonth.adding(days: 1), let d = CivilDate(year: next.year, month: next.month, day: Int(day))
      else {
        env.fail("day \(e.eval(env)) of the month after \(issue) is not a date", e.span)
        return (issue, "due on receipt", [])
      }
      return (d, "day \(day) of next month", [])
    case .installments(let parts):
      let exp = spec.currency.minorUnits
      guard let totalMinor = total.toMinorUnits(exponent: exp, .halfEven) else {
        env.fail("the total \(total) is too large to split into installments", rule: spec.source)
        return (issue, "installments", [])
      }
      let ratios: [Int64] = parts.map { p in
        if case .percent(let r) = p.share.eval(env), let x = r.multiplied(by: Fixed(1_000_000))?.toInt64() { return x }
        env.fail("an installment's share is not a percent", p.share.span)
        return 0
      }
      guard let amounts = allocate(totalMinor, ratios: ratios, remainder: .last) else {
        env.fail("the total \(total) cannot be split into these installments", rule: spec.source)
        return (issue, "installments", [])
      }
      let inst = zip(amounts, parts).map { Installment(amount: Fixed(minorUnits: $0.0, exponent: exp), dueDate: add(issue, $0.1.after)) }
      return (inst.last?.dueDate ?? issue, "installments", inst)
    }
  }
}
