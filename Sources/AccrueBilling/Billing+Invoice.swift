import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// One invoice: its lines, discounts, the minimum commitment's true-up, taxes and payment terms.
extension Billing {
  /// The invoice of one billing task, or nil when it has no line. Lines come in this order: the coming period's
  /// advance charges; for the period just ended, the changes of terms inside it, its arrears charges and its
  /// usage; then the discounts and the minimum commitment's true-up.
  static func invoice(
    _ plan: ExecutablePlan, _ data: Dataset, _ t: BillTask, key: String, accs: [Accumulator], env: Env,
    also: ArraySlice<BillTask> = []
  ) -> PlannedInvoice? {
    let c = data.contracts[t.contract]
    let customer = data.customers[c.customer]
    let now = c.terms(on: t.date)
    var spec = plan.plans[now.plan]
    var lines: [InvoiceLine] = []
    var sources = [customer.source, c.source]

    // Advance charges for the coming period, at the terms in effect on the billing date (the first lines: the
    // array is taken as it is, not copied).
    if let adv = t.advance {
      lines = periodLines(
        plan, data, c, terms: now, timing: .advance, adv.start, adv.end, full: adv.full, firstInvoice: t.periodNumber == 0,
        clock: t.clock, env: env)
    }
    if let arr = t.arrears {
      add(&lines, changeLines(plan, data, c, arr, &sources, env, clock: t.clock))
      // Arrears flat and per-unit charges, segment by segment.
      for seg in c.segments(arr.start, arr.end) {
        add(
          &lines,
          periodLines(
            plan, data, c, terms: seg.terms, timing: .arrears, seg.start, seg.end, full: arr.full, firstInvoice: false,
            clock: t.clock, env: env))
      }
      let usage = usageLines(plan, data, c, t, arr, accs, &sources, env)
      add(&lines, usage.lines)
      add(&lines, billedEarlyLines(t, usage.spec, env))  // Billing+ProgressiveInvoices
      spec = usage.spec
    }
    // Charges on periods of their own billed on the same date (Billing+ChargePeriods); the commitment counts the plan's.
    let own = ownPeriodLines(plan, data, c, also, accs, &sources, env)
    add(&lines, own)
    // A term commitment's true-up may be the last invoice's only line (§6.8).
    guard !lines.isEmpty || t.termSpent != nil || (t.arrears != nil && contractTerm(plan, c)?.0.commitment != nil) else { return nil }

    // Discounts: percentages of the lines they cover, then amounts.
    c.setRecords(env, data)
    let discounts = discountLines(spec, c, t, lines, env)
    add(&lines, discounts)
    // (The commitment counts the plan's charges and the discounts, as before charges had periods of their own;
    // those lines are gathered only when there is a commitment.)
    let withoutOwn = lines.count - discounts.count - own.count
    // Minimum commitment: at the end of a period, the shortfall of that period's spend.
    if t.clock == nil, let arr = t.arrears,
      let trueUp = minimumTrueUp(
        plan, data, c, spec, arr, Array(lines[..<withoutOwn]) + discounts + spentEarly(t, rule: spec.source), env,
        committed: termShare(plan, c, spec, arr, env))
    {
      lines.append(trueUp)
    }
    if let trueUp = termTrueUp(plan, data, c, t, lines, env) { lines.append(trueUp) }  // Billing+ContractTerm
    guard !lines.isEmpty else { return nil }
    planChangeSources(c, lines, &sources)  // Billing+PlanChanges
    if env.explaining { explainPlanChanges(c, &lines) }
    if env.explaining, let step = termStep(plan, c, invoicePeriod(t, lines).0) { lines[0].explanation.insert(step, at: 0) }
    if t.clock == nil { add(&lines, serviceCreditLines(plan, data, c, t, spec, lines, &sources, env)) }

    let subtotal = sum(lines, spec.source, "the invoice's subtotal", env)
    let (taxes, total) = invoiceTaxes(spec, subtotal, env)
    let (due, termsText, installments) = dueDate(spec, issue: t.date, total: total, env: env)
    let early = earlyDiscount(spec, issue: t.date, total: total, env)
    let period = invoicePeriod(t, also: also, lines)
    return explainTerms(
      PlannedInvoice(
        key: key, contractID: c.id, customerID: customer.id, customerName: customer.name, plan: spec.name, currency: spec.currency,
        issueDate: t.date, periodStart: period.0, periodEnd: period.1, lines: lines, subtotal: subtotal, taxes: taxes, total: total,
        dueDate: due, terms: termsText, earlyDiscount: early, installments: installments, sources: sources),
      spec, env)
  }

  /// Changes of terms inside the period just ended: for each, a credit for the unused part of what was billed in
  /// advance and the rest of the period charged at the new terms. The changes' rows join the invoice's sources.
  static func changeLines(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ arr: BillTask.Period, _ sources: inout [RowRef], _ env: Env,
    clock: ChargeClock? = nil
  ) -> [InvoiceLine] {
    var lines: [InvoiceLine] = []
    if c.changes.isEmpty { return lines }
    let billed = c.terms(on: arr.start)
    for seg in c.segments(arr.start, arr.end) where seg.terms != billed {
      sources += c.changes.filter { $0.date == seg.start }.map(\.source)
      lines += periodLines(
        plan, data, c, terms: billed, timing: .advance, seg.start, seg.end, full: arr.full, firstInvoice: false,
        kind: .credit, note: "Credit, unused from \(seg.start): ", clock: clock, env: env)
      lines += periodLines(
        plan, data, c, terms: seg.terms, timing: .advance, seg.start, seg.end, full: arr.full, firstInvoice: false,
        note: "From \(seg.start): ", clock: clock, env: env)
    }
    return lines
  }

  /// The minimum commitment's true-up for the period just ended: the commitment in effect at its start (prorated
  /// for a partial period) less the period's spend (its in-advance lines as billed, and this invoice's lines for
  /// the period). Nil without a commitment or without a shortfall.
  static func minimumTrueUp(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ spec: CompiledPlanSpec, _ arr: BillTask.Period,
    _ lines: @autoclosure () -> [InvoiceLine], _ env: Env, committed: (Fixed, RuleRef, BillingStep)? = nil
  ) -> InvoiceLine? {
    // `committed`: a term's commitment shared per period (`pro rata`, §6.8), when the plan states one.
    let found: (Fixed, RuleRef)?
    if let (m, r, _) = committed {
      found = (m, r)
    } else if let (minE, r) = minimumCommitment(spec, c, on: arr.start, env), case .money(let m, _) = minE.eval(env) {
      found = (m, r)
    } else {
      found = nil
    }
    guard let (minimum, minRule) = found else { return nil }
    let billed = c.terms(on: arr.start)
    let advanceForPeriod = periodLines(
      plan, data, c, terms: billed, timing: .advance, arr.start, arr.end, full: arr.full, firstInvoice: false, env: env)
    let arrearsLines = lines().filter { $0.periodStart >= arr.start && $0.periodEnd <= arr.end }
    let spend = sum(advanceForPeriod + arrearsLines, minRule, "the period's spend", env)
    let days = arr.start.days(until: arr.end)
    let full = arr.full.0.days(until: arr.full.1)
    let due = rounded(
      env.exact(minimum.multiplied(by: Fixed(days), dividedBy: Fixed(full), rounding: spec.rounding), minRule, "\(minimum) x \(days) / \(full)"),
      spec, env)
    guard spend < due else { return nil }
    let gap = rounded(env.exact(due.subtracting(spend), minRule, "\(due) - \(spend)"), spec, env)
    let places = spec.currency.minorUnits
    return InvoiceLine(
      description: "Minimum commitment true-up (\(due.formatted(places: places)) committed, \(spend.formatted(places: places)) spent)",
      kind: .minimumTrueUp, charge: nil, quantity: nil, unitPrice: nil, amount: gap, periodStart: arr.start, periodEnd: arr.end,
      rule: minRule,
      explanation: env.explaining
        ? (committed.map { [$0.2] } ?? []) + [
          .minimumCommitment(rule: minRule, minimum: minimum, days: days, fullDays: full, due: due),
          .trueUp(spend: spend, trueUp: gap),
        ] : [])
  }

  /// The plan's taxes on a subtotal (each whose condition holds), and the invoice's total: an exclusive tax is
  /// added to it; an inclusive tax is the part of the subtotal that is tax.
  static func invoiceTaxes(_ spec: CompiledPlanSpec, _ subtotal: Fixed, _ env: Env) -> (taxes: [InvoiceTax], total: Fixed) {
    var taxes: [InvoiceTax] = []
    var total = subtotal
    for tax in spec.taxes {
      if let cond = tax.condition, !cond.eval(env).isTrue { continue }
      guard case .percent(let r) = tax.rate.eval(env) else { continue }
      if tax.mode == .exclusive {
        let amt = rounded(env.exact(subtotal.multiplied(by: r), tax.source, "\(subtotal) x \(RValue.percent(r))"), spec, env)
        taxes.append(InvoiceTax(label: tax.label, rate: r, inclusive: false, amount: amt, rule: tax.source))
        total = env.exact(total.adding(amt), tax.source, "the invoice's total")
      } else {
        let onePlus = env.exact(Fixed(1).adding(r), tax.source, "1 + \(RValue.percent(r))")
        let amt = rounded(
          env.exact(subtotal.multiplied(by: r, dividedBy: onePlus, rounding: spec.rounding), tax.source, "\(subtotal) x \(RValue.percent(r)) / \(onePlus)"),
          spec, env)
        taxes.append(InvoiceTax(label: tax.label, rate: r, inclusive: true, amount: amt, rule: tax.source))
      }
    }
    return (taxes, total)
  }

  /// The early payment discount: the plan's rate of the total, off if paid within its days of the issue date.
  static func earlyDiscount(
    _ spec: CompiledPlanSpec, issue: CivilDate, total: Fixed, _ env: Env
  ) -> (amount: Fixed, until: CivilDate, rate: Fixed)? {
    guard let (rateE, withinE) = spec.earlyDiscount(env), case .percent(let r) = rateE.eval(env), case .days(let n) = withinE.eval(env),
      let until = issue.adding(days: Int(n))
    else { return nil }
    return (rounded(env.exact(total.multiplied(by: r), spec.source, "\(total) x \(RValue.percent(r))"), spec, env), until, r)
  }

  /// The period an invoice shows: that of its advance lines; with none (usage in arrears alone), the arrears period.
  static func invoicePeriod(_ t: BillTask, _ lines: [InvoiceLine]) -> (CivilDate, CivilDate) {
    let advanceLines = t.advance.map { adv in lines.contains { $0.periodStart >= adv.start && $0.periodStart < adv.end } } ?? false
    return (advanceLines ? t.advance.map { ($0.start, $0.end) } : nil) ?? t.arrears.map { ($0.start, $0.end) }
      ?? t.advance.map { ($0.start, $0.end) } ?? (t.date, t.date)
  }

  /// `more` after `lines` (`lines += more`): nothing done when `more` is empty (most charges give no line on most
  /// invoices: `+=` still cost ~170 instructions), and `more` taken as it is when `lines` is empty (no line copied).
  @inline(__always) static func add(_ lines: inout [InvoiceLine], _ more: [InvoiceLine]) {
    if more.isEmpty { return }
    if lines.isEmpty { lines = more } else { lines += more }
  }

  /// An amount rounded to the plan's currency as the plan rounds.
  static func rounded(_ v: Fixed, _ spec: CompiledPlanSpec, _ env: Env) -> Fixed {
    env.exact(v.rounded(places: spec.currency.minorUnits, spec.rounding), spec.source, "\(v) rounded")
  }

  /// The lines' amounts added up (`what` names the sum when it is too large to represent).
  static func sum(_ lines: [InvoiceLine], _ rule: RuleRef, _ what: String, _ env: Env) -> Fixed {
    // (By index: `reduce` hands each line on as a copy, retaining all it holds.)
    var total = Fixed.zero
    for i in lines.indices { total = env.exact(total.adding(lines[i].amount), rule, what) }
    return total
  }
}
