import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

extension CheckerState {
  // MARK: - Shared

  /// Remembers the first span of each once-only statement in a block; reports repeats.
  struct Once {
    /// Each key with its length and first byte, compared before the strings (every statement of a block is checked).
    var seen: [(Int, String, Span)] = []
    mutating func check(_ key: String, _ span: Span, _ c: CheckerState, in block: @autoclosure () -> String) -> Bool {
      let quick = key.utf8.count << 8 | Int(key.utf8.first ?? 0)
      if let first = seen.first(where: { $0.0 == quick && $0.1 == key })?.2 {
        c.report(
          .duplicateSetting, "\(block()) states '\(key)' twice", at: span, notes: [Note("first stated here", at: first)],
          help: "keep one '\(key)' statement")
        return false
      }
      if seen.isEmpty { seen.reserveCapacity(12) }
      seen.append((quick, key, span))
      return true
    }
  }

  /// Applies a block's own settings over the rule set's, reporting repeats.
  func blockSettings(_ decls: [SettingDecl], block: String, once: inout Once) -> Settings {
    var s = Settings()
    for d in decls {
      guard once.check(d.setting.kindName, d.span, self, in: block) else { continue }
      switch d.setting {
      case .firstTierFee, .zeroInvoices:
        // Conventions of billing: at the top of the rule set or in a plan.
        guard block.hasPrefix("plan ") else {
          report(
            .unknownStatement, "'\(d.setting.kindName)' is a billing convention: state it in a plan or at the top of the rule set, not in \(block)",
            at: d.span)
          continue
        }
        s.apply(d.setting)
      default: s.apply(d.setting)
      }
    }
    return s
  }

  func expectCondition(_ e: Expr, _ ctx: Context, _ what: @autoclosure () -> String) {
    let t = typeOf(e, ctx)
    if t != .bool, t != .error {
      report(.conditionNotBoolean, "\(what()) must be a yes/no condition, found \(t)", at: e.span, help: conversionHelp(e, t, .bool))
    }
  }

  func expectMoney(_ e: Expr, _ ctx: Context, _ what: @autoclosure () -> String, total: Bool) {
    if !ctx.priceBook.isEmpty {
      checkPriceBookAmount(e, typeOf(e, ctx), ctx, what())
      return
    }
    let want: ValueType = .money(ctx.blockCurrency.map { .known($0) } ?? .dynamic)
    let got = typeOf(e, ctx)
    expectType(e, got, want, what())
    if ctx.blockCurrency == nil, ctx.records.contains(.invoice) || ctx.records.contains(.payment),
      case .money(.known(let c)) = got
    {
      report(
        .currencyUnchecked, "\(what()) is in \(c.code), but \(ctx.what) handles records of any currency", at: e.span,
        help: "add 'currency \(c.code)' to \(ctx.what) so only \(c.code) records reach it, or give one amount per currency: "
          + "[\(sources[e.span.file].text(e.span)), ... \(c == .GBP ? "EUR" : "GBP")]")
    }
    if total { checkMinorUnits(e, what()) }
    if case .money(let v, _)? = constValue(e), v.isNegative {
      report(.valueOutOfRange, "\(what()) cannot be negative", at: e.span)
    }
  }

  func expectPercent(_ e: Expr, _ ctx: Context, _ what: @autoclosure () -> String, max: Fixed? = Fixed(1)) {
    expectType(e, typeOf(e, ctx), .percent, what())
    if case .percent(let v)? = constValue(e) {
      if v.isNegative || (max.map { v > $0 } ?? false) {
        let range = max == nil ? "cannot be negative" : "must be between 0% and 100%"
        report(.valueOutOfRange, "\(what()) \(range), found \(sources[e.span.file].text(e.span))", at: e.span)
      }
    }
  }

  /// A duration in days or (with a month-end rule) months, applied to a date that comes from data.
  func expectDateOffset(_ e: Expr, _ ctx: Context, _ what: @autoclosure () -> String, allowMonths: Bool = true, allowBusiness: Bool = false) {
    let t = typeOf(e, ctx)
    var wants: [ValueType] = [.days]
    if allowBusiness { wants.append(.businessDays) }
    if allowMonths { wants.append(.months) }
    expectOneOf(e, t, wants, what())
    if t == .months, allowMonths, ctx.settings.monthEnd == nil {
      report(
        .ambiguousMonthArithmetic, "\(what()) counts months from a date in the data, which can land on a day that does not exist",
        at: e.span,
        help: "state how month ends round, for the rule set or this block: 'month end clamp' or 'month end roll over'")
    }
    if let c = constValue(e) {
      switch c {
      case .days(let n), .months(let n), .businessDays(let n):
        if n < 0 { report(.valueOutOfRange, "\(what()) cannot be negative", at: e.span) }
      default: break
      }
    }
  }

  func checkWholeCount(_ e: Expr, _ ctx: Context, _ what: @autoclosure () -> String) {
    expectType(e, typeOf(e, ctx), .number, what())
    if case .number(let v)? = constValue(e), !(v.isInteger && !v.isNegative && !v.isZero) {
      report(.valueOutOfRange, "\(what()) must be a whole number of at least 1", at: e.span)
    }
  }

  // MARK: - Calendars and metrics

  func checkCalendar(_ c: Located<CalendarDecl>) {
    let d = c.decl
    if let w = d.weekend, Set(w.map(\.0)).count == 7 {
      report(.valueOutOfRange, "a calendar needs at least one working day", at: d.weekendSpan ?? d.name.span)
    }
    var ctx = Context()
    ctx.settings = topSettings
    ctx.what = "a calendar"
    for h in d.holidays {
      let t = typeOf(h.date, ctx)
      expectType(h.date, t, .date, "a holiday")
      if t == .date, constValue(h.date) == nil {
        report(.typeMismatch, "holiday dates must be known without data, as in 2026-12-25", at: h.date.span)
      }
    }
  }

  /// Reports a constant that is negative where only zero or more makes sense.
  func checkNotNegative(_ e: Expr, _ what: @autoclosure () -> String) {
    let negative: Bool
    switch constValue(e) {
    case .number(let v)?, .money(let v, _)?, .percent(let v)?: negative = v.isNegative
    case .days(let n)?, .businessDays(let n)?, .months(let n)?: negative = n < 0
    default: negative = false
    }
    if negative { report(.valueOutOfRange, "\(what()) cannot be negative", at: e.span) }
  }

  /// Checks the metric at `index` of `metrics`.
  func checkMetric(_ m: Located<MetricDecl>, _ index: Int) {
    let d = m.decl
    var ctx = Context()
    ctx.records = [.event]
    ctx.settings = topSettings
    ctx.what = "metric '\(name(d.name.symbol))'"
    for r in d.repeats {
      report(.conflictingStatement, "metric '\(name(d.name.symbol))' states this twice", at: r, help: "a metric has one 'event' and one aggregation")
    }
    for f in d.filters { expectCondition(f, ctx, "a metric's 'where'") }
    guard let agg = d.aggregation else {
      report(
        .missingStatement, "metric '\(name(d.name.symbol))' does not say how to aggregate its events", at: d.name.span,
        help: "add one of: sum of event.quantity, count, unique count of event.customer, max of event.quantity, latest of event.quantity")
      return
    }
    metricTypes[index] = .number
    if let v = agg.value {
      let t = typeOf(v, ctx)
      if agg.kind != .uniqueCount, t.isMoney { metricTypes[index] = t }
      switch agg.kind {
      case .uniqueCount:
        expectOneOf(v, t, [.text, .number, .date], "the value counted by 'unique count'")
      case .weightedSum:
        // A quantity held over time (GB of storage, seats): money held has no meaning.
        expectType(v, t, .number, "the value of 'weighted sum' (a quantity held, as in: weighted sum of event.gb)")
      default:
        expectOneOf(v, t, [.number, .money(.dynamic)], "the value of '\(agg.kind.rawValue)'")
      }
    }
  }

  // MARK: - Plans

  func checkPlan(_ lp: inout Located<PlanDecl>) {
    let p = lp.decl
    let block = "plan '\(name(p.name.symbol))'"
    var once = Once()
    let own = blockSettings(p.items.compactMap { if case .setting(let s) = $0 { return s } else { return nil } }, block: block, once: &once)
    let (eff, ctx) = planContext(p, topSettings.overridden(by: own), block)
    lp.settings = eff
    if eff.currency == nil {
      reportMissing(
        in: p.span, "\(block) has no currency", at: p.name.span,
        help: "add 'currency USD' (or another code) to the plan, or once at the top of the rule set")
    }
    var period: (PeriodSpec, Span)?
    var alignment: Alignment = .anniversary
    var charges: [Symbol: ChargeDecl] = [:]
    var chargeSpans: [Symbol: Span] = [:]
    for item in p.items {
      if case .charge(let c) = item {
        if let first = chargeSpans[c.name.symbol] {
          report(
            .duplicateDeclaration, "charge '\(name(c.name.symbol))' is declared twice in \(block)", at: c.name.span,
            notes: [Note("first declared here", at: first)])
        } else {
          chargeSpans[c.name.symbol] = c.name.span
          charges[c.name.symbol] = c
        }
      }
    }
    var phaseNames: [Symbol: Span] = [:]
    var conditionalTerms = ConditionalStatements(), conditionalDiscounts = ConditionalStatements()
    for item in p.items {
      switch item {
      case .setting, .currencies: break
      case .period(let ps, let s):
        if once.check("period", s, self, in: block) { period = (ps, s) }
      case .billTiming(_, let s): _ = once.check("bill", s, self, in: block)
      case .align(let a, let s): if once.check("align", s, self, in: block) { alignment = a }
      case .trial(let e, _, let s):
        if once.check("trial", s, self, in: block) { expectDateOffset(e, ctx, "the trial") }
      case .phase(let ph):
        if let first = phaseNames[ph.name.symbol] {
          report(.duplicateDeclaration, "phase '\(name(ph.name.symbol))' is declared twice", at: ph.name.span, notes: [Note("first declared here", at: first)])
        }
        phaseNames[ph.name.symbol] = ph.name.span
        checkPhase(ph, charges, ctx, block)
      case .charge(let c): checkCharge(c, ctx, block)
      case .discount(let d): checkDiscount(d, ctx, charges: charges)
      case .minimum(let e, let s):
        if once.check("minimum commitment", s, self, in: block) { expectMoney(e, ctx, "the minimum commitment", total: true) }
      case .tax(let t):
        expectPercent(t.rate, ctx, "a tax rate")
        if let c = t.condition { expectCondition(c, ctx, "a tax's 'when'") }
      case .terms(let terms, let condition, let s):
        if conditionalTerms.check(condition, s, self, "payment terms", ctx, once: &once, in: block) { checkTerms(terms, ctx, span: s) }
      case .earlyDiscount(let rate, let within, let condition, let s):
        if conditionalDiscounts.check(condition, s, self, "early payment discount", ctx, once: &once, in: block) {
          expectPercent(rate, ctx, "the early-payment discount")
          expectDateOffset(within, ctx, "the early-payment window", allowMonths: false)
        }
      case .lateFee(let l):
        if once.check("late fee", l.span, self, in: block) { checkLateFee(l, ctx, requireAmount: true) }
      case .interest(let i):
        if once.check("interest", i.span, self, in: block) { checkInterest(i, ctx, requireRate: true) }
      case .free(let s):
        report(.unknownStatement, "'free' belongs in a phase", at: s)
      case .cancellation(_, let s): _ = once.check("cancellation", s, self, in: block)
      case .planChange(let d, _, let s): _ = once.check(d.rawValue, s, self, in: block)  // §6.11
      case .serviceCredit(let sc): checkServiceCredit(sc, ctx, charges: charges)
      case .contractTerm(let t, let s): checkContractTermItem(t, s, ctx, block, &once)  // Checker+Term
      case .threshold(let t): checkThreshold(t, ctx)  // Checker+Threshold
      }
    }
    conditionalTerms.requireFallback(self, block, p.span, example: "payment terms net 30 days")
    checkContractTerms(p, period: period?.0, block)
    if charges.isEmpty {
      reportMissing(in: p.span, "\(block) has no charges", at: p.name.span, help: "add a charge, as in: charge base { flat 49.00 USD }")
    }
    checkChargePeriods(p, planPeriod: period?.0, planAlignment: alignment, monthEnd: eff.monthEnd != nil, block)  // Checker+ChargePeriods
    if let (ps, s) = period {
      if case .months = ps, alignment == .anniversary, eff.monthEnd == nil {
        report(
          .ambiguousMonthArithmetic,
          "\(block) bills \(ps.text) from each contract's start, and a contract starting on the 29th, 30th or 31st has no such day in some months",
          at: s,
          help: "state how month ends round ('month end clamp' or 'month end roll over'), or bill on calendar months with 'align to calendar'")
      }
    } else if p.items.contains(where: { if case .charge = $0 { return true } else { return false } }) {
      reportMissing(
        in: p.span, "\(block) has no billing period", at: p.name.span,
        help: "add 'period monthly' (or weekly, quarterly, semiannual, annual, every N months)")
    }
  }

  func checkPhase(_ ph: PhaseDecl, _ charges: [Symbol: ChargeDecl], _ ctx: Context, _ block: String) {
    expectDateOffset(ph.duration, ctx, "the phase's length")
    for item in ph.items {
      switch item {
      case .charge(let c):
        if charges[c.name.symbol] == nil {
          let s = suggestion(for: name(c.name.symbol), in: charges.keys.map(name))
          report(
            .unknownReference, "\(block) has no charge '\(name(c.name.symbol))' for this phase to change", at: c.name.span,
            help: s.map { "did you mean '\($0)'?" } ?? "a phase can only re-price the plan's own charges")
        }
        checkCharge(c, ctx, block, override: true)
        checkPhaseChargePeriod(c)
        checkPhaseCapacity(c, planCharge: charges[c.name.symbol])  // Checker+Capacity
      case .discount(let d): checkDiscount(d, ctx, charges: charges)
      case .minimum(let e, _): expectMoney(e, ctx, "the minimum commitment", total: true)
      case .contractTerm(let t, let s):
        report(
          .conflictingStatement, "a phase cannot state '\(t.words)': the contract's term belongs to the plan", at: s,
          help: "move it to the plan; a phase's own commitment is per period: 'minimum commitment 500.00 USD per period'")
      default: break
      }
    }
  }

  func checkCharge(_ c: ChargeDecl, _ ctx: Context, _ block: String, override: Bool = false) {
    let what = "charge '\(name(c.name.symbol))'"
    var pricing: (Pricing, Span)?
    var usage: Span?
    var usageMetric: (Int, Name)?
    var quantity: Span?
    var frees: [(Expr, Span, ValueType)] = []
    var once = Once()
    for item in c.items {
      switch item {
      case .pricing(let p, let s):
        if let (_, first) = pricing {
          report(
            .conflictingStatement, "\(what) has two prices", at: s, notes: [Note("the first price is here", at: first)],
            help: "a charge has one pricing: flat, once, per unit, tiers, package or percentage")
        } else {
          pricing = (p, s)
        }
        checkPricing(p, ctx, span: s)
      case .quantity(let e, let s):
        if once.check("quantity", s, self, in: what) {
          quantity = s
          expectType(e, typeOf(e, ctx), .number, "a quantity")
          checkNotNegative(e, "a quantity")
        }
      case .usage(let m, let s):
        if once.check("usage", s, self, in: what) {
          usage = s
          if let i = metricIndex[m.symbol] {
            metricUsed.insert(i)
            usageMetric = (i, m)
          } else {
            let sug = suggestion(for: name(m.symbol), in: metricIndex.keys.map(name))
            report(
              .unknownReference, "there is no metric '\(name(m.symbol))'", at: m.span,
              help: sug.map { "did you mean '\($0)'?" } ?? "declare it: metric \(name(m.symbol)) { sum of event.quantity }",
              fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(m.span, $0)]) })
          }
        }
      case .free(let e, let s):
        frees.append((e, s, typeOf(e, ctx)))
      case .billTiming(_, let s): _ = once.check("bill", s, self, in: what)
      case .prorate(_, let s): _ = once.check("prorate", s, self, in: what)
      case .discount(let d): checkDiscount(d, ctx, charges: [:])
      case .minimum(let e, let s):
        if once.check("minimum", s, self, in: what) { expectMoney(e, ctx, "the charge's minimum", total: true) }
      case .milestone(_, let s): if once.check("milestone", s, self, in: what) { checkMilestone(c, what) }
      case .period, .align: break  // Checker+ChargePeriods
      }
    }
    checkFree(frees, percentage: pricing.map { if case .percentage = $0.0 { return true } else { return false } } ?? override, ctx, what)
    if let u = usage, let q = quantity {
      report(
        .conflictingStatement, "\(what) takes its quantity both from usage and from 'quantity'", at: q,
        notes: [Note("usage is stated here", at: u)], help: "keep one of them")
    }
    guard let (p, ps) = pricing else {
      if !override {
        reportMissing(
          in: c.span, "\(what) has no price", at: c.name.span,
          help: "add one of: flat 49.00 USD, once 500.00 USD, per unit 12.00 USD, tiers graduated { ... }, package 100 units at 5.00 USD, percentage 2.9%")
      }
      return
    }
    let hasQuantity = usage != nil || quantity != nil
    switch p {
    case .flat, .once:
      if let s = usage ?? quantity {
        report(.conflictingStatement, "a flat or one-time price does not use a quantity", at: s, notes: [Note("the price is here", at: ps)])
      }
    case .capacity:
      checkCapacityCharge(what, quantity: usage ?? quantity, free: frees.first?.1, tiers: ps)  // Checker+Capacity
    case .percentage:
      if let (i, m) = usageMetric, let t = metricTypes[i], !t.isMoney {
        report(
          .typeMismatch, "percentage pricing takes a share of transaction amounts, but metric '\(name(m.symbol))' counts units",
          at: m.span, help: "aggregate amounts in the metric, as in: sum of event.amount")
      }
      if usage == nil, !override {
        reportMissing(
          in: c.span, "\(what) charges a percentage of transactions, so it needs 'usage METRIC'", at: ps,
          help: "add 'usage payments' where metric payments { sum of event.amount }")
      }
    default:
      if let (i, m) = usageMetric, let t = metricTypes[i], t.isMoney {
        report(
          .moneyTimesMoney, "\(what) prices each unit, but metric '\(name(m.symbol))' adds up money, and money times money has no meaning",
          at: m.span, help: "use 'percentage' to charge a share of transaction amounts, or aggregate a quantity")
      }
      if !hasQuantity, !override {
        reportMissing(
          in: c.span, "\(what) prices each unit, so it needs a quantity", at: ps,
          help: "add 'usage METRIC' for metered usage, or 'quantity contract.seats' for a contracted quantity")
      }
    }
  }

  /// `free`: a number of units; on a percentage charge also (once each) a number of transactions and an amount
  /// of transaction volume, free at the start of each period.
  func checkFree(_ frees: [(Expr, Span, ValueType)], percentage: Bool, _ ctx: Context, _ what: String) {
    var number: Span?
    var amount: Span?
    for (e, s, t) in frees {
      if t.isMoney {
        guard percentage else {
          report(
            .typeMismatch, "a free amount applies to a percentage charge (the first amount of transaction volume); this charge prices units",
            at: e.span, help: "write the number of free units, as in 'free 1_000 units'")
          continue
        }
        if let first = amount {
          report(.conflictingStatement, "\(what) states two free amounts", at: s, notes: [Note("the first is here", at: first)])
        }
        amount = s
        expectMoney(e, ctx, "a free amount", total: false)
        checkNotNegative(e, "a free amount")
      } else {
        if let first = number {
          report(
            .conflictingStatement, "\(what) states two free quantities", at: s, notes: [Note("the first is here", at: first)],
            help: percentage ? "a percentage charge may state one number of free transactions and one free amount" : nil)
        }
        number = s
        expectType(e, t, .number, percentage ? "free transactions (or a free amount)" : "free units")
        checkNotNegative(e, "free units")
        if percentage, case .number(let v)? = constValue(e), !v.isInteger {
          report(.valueOutOfRange, "a number of free transactions must be whole", at: e.span)
        }
      }
    }
  }

  func checkPricing(_ p: Pricing, _ ctx: Context, span: Span) {
    switch p {
    case .flat(let e): expectMoney(e, ctx, "a flat price", total: true)
    case .once(let e): expectMoney(e, ctx, "a one-time fee", total: true)
    case .perUnit(let e): expectMoney(e, ctx, "a unit price", total: false)
    case .package(let size, let price):
      checkWholeCount(size, ctx, "a package size")
      expectMoney(price, ctx, "a package price", total: true)
    case .percentage(let spec):
      expectPercent(spec.rate, ctx, "a percentage rate")
      if let f = spec.fixedFee { expectMoney(f, ctx, "a per-transaction fee", total: false) }
      if let m = spec.minimum { expectMoney(m, ctx, "a per-transaction minimum", total: false) }
      if let m = spec.maximum { expectMoney(m, ctx, "a per-transaction maximum", total: false) }
      if case .money(let lo, _)? = spec.minimum.flatMap(constValue), case .money(let hi, _)? = spec.maximum.flatMap(constValue), lo > hi {
        report(.valueOutOfRange, "the minimum is larger than the maximum", at: spec.span)
      }
    case .tiers(_, let tiers):
      checkTiers(tiers, ctx, span: span)
    case .capacity(let tiers):
      checkCapacityTiers(tiers, ctx, span: span)  // Checker+Capacity
    }
  }

  func checkTiers(_ tiers: [Tier], _ ctx: Context, span: Span) {
    guard let first = tiers.first else {
      report(.missingStatement, "a tier list needs at least one tier", at: span, help: "as in: 1 and above at 0.10 USD")
      return
    }
    let one = Fixed(1)
    if first.from > one {
      report(
        .tierGap, "quantities from 1 to \(first.from.subtracting(one)?.description ?? "") fall in no tier", at: first.fromSpan,
        help: "start the first tier at 1 (or 0)")
    }
    for (i, t) in tiers.enumerated() {
      expectMoney(t.unitPrice, ctx, "a tier's unit price", total: false)
      if let f = t.flatFee { expectMoney(f, ctx, "a tier's flat fee", total: true) }
      if let to = t.to, let ts = t.toSpan, to < t.from {
        report(.tierOverlap, "this tier ends (\(to)) before it starts (\(t.from))", at: ts)
      }
      guard i > 0 else { continue }
      let prev = tiers[i - 1]
      guard let prevTo = prev.to else {
        report(
          .tierOverlap, "the tier before this one has no upper bound, so it already covers these quantities", at: t.span,
          notes: [Note("open tier here", at: prev.span)], help: "only the last tier may be open ('and above')")
        continue
      }
      guard let expected = prevTo.adding(one) else { continue }
      if t.from > expected {
        let gapEnd = t.from.subtracting(one)?.description ?? ""
        report(
          .tierGap, "quantities \(expected) to \(gapEnd) fall in no tier", at: t.fromSpan,
          notes: [Note("the previous tier ends at \(prevTo)", at: prev.toSpan)],
          help: "start this tier at \(expected)",
          fix: FixIt("start at \(expected)", edits: [Edit(t.fromSpan, expected.description)]))
      } else if t.from < expected {
        let last = min(prevTo, t.to ?? prevTo)
        report(
          .tierOverlap, last == t.from ? "quantity \(t.from) is in two tiers" : "quantities \(t.from) to \(last) are in two tiers", at: t.fromSpan,
          notes: [Note("the previous tier ends at \(prevTo)", at: prev.toSpan)],
          help: "start this tier at \(expected)",
          fix: FixIt("start at \(expected)", edits: [Edit(t.fromSpan, expected.description)]))
      }
    }
    if let last = tiers.last, last.to != nil {
      report(
        .tiersBounded, "quantities above \(last.to!) have no price", at: last.toSpan ?? last.span,
        help: "end the list with an open tier, as in '\(last.from) and above at ...'")
    }
  }

  func checkDiscount(_ d: DiscountSpec, _ ctx: Context, charges: [Symbol: ChargeDecl]) {
    let t = typeOf(d.amount, ctx)
    let want: [ValueType] = [.percent, .money(ctx.blockCurrency.map { .known($0) } ?? .dynamic)]
    expectOneOf(d.amount, t, want, "a discount")
    if !ctx.priceBook.isEmpty, t.isMoney { checkPriceBookAmount(d.amount, t, ctx, "a discount") }
    if t == .percent { expectPercent(d.amount, ctx, "a discount") } else if t.isMoney { checkMinorUnits(d.amount, "a discount") }
    if let c = d.charge, charges[c.symbol] == nil {
      let s = suggestion(for: name(c.symbol), in: charges.keys.map(name))
      report(.unknownReference, "there is no charge '\(name(c.symbol))' in this plan", at: c.span, help: s.map { "did you mean '\($0)'?" })
    }
    switch d.duration {
    case .forever: break
    case .periods(let n): checkWholeCount(n, ctx, "the number of periods")
    case .until(let e): expectType(e, typeOf(e, ctx), .date, "the end of a discount")
    }
    if let c = d.condition { expectCondition(c, ctx, "a discount's 'when'") }
  }

  func checkTerms(_ terms: PaymentTerms, _ ctx: Context, span: Span) {
    switch terms {
    case .dueOnReceipt, .endOfMonth: break
    case .net(let e), .netEndOfMonth(let e): expectDateOffset(e, ctx, "the payment term")
    case .dayOfNextMonth(let e):
      expectType(e, typeOf(e, ctx), .number, "the day of the month")
      if case .number(let v)? = constValue(e), !(v.isInteger && v >= Fixed(1) && v <= Fixed(28)) {
        report(.valueOutOfRange, "the day of the month must be 1 to 28, found \(v)", at: e.span, help: "use 'end of month' for the last day")
      }
    case .installments(let parts):
      guard !parts.isEmpty else {
        report(.missingStatement, "installments need at least one part", at: span, help: "as in: 50% net 30 days")
        return
      }
      var total = Fixed.zero
      var allConst = true
      var prev: Int64 = -1
      for p in parts {
        expectPercent(p.share, ctx, "an installment's share")
        expectDateOffset(p.after, ctx, "an installment's term", allowMonths: false)
        if case .percent(let v)? = constValue(p.share) { total = total.adding(v) ?? total } else { allConst = false }
        if case .days(let n)? = constValue(p.after) {
          if n < prev { report(.stepsOutOfOrder, "installments must be listed in due-date order", at: p.after.span) }
          prev = n
        }
      }
      if allConst, total != Fixed(1) {
        let pct = (total.multiplied(by: Fixed(100)) ?? total).description
        report(
          .installmentsNotWhole, "the installment shares add up to \(pct)%, not 100%", at: parts.last!.span,
          help: "make the shares add up to exactly 100%")
      }
    }
  }

  func checkLateFee(_ l: LateFeeSpec, _ ctx: Context, requireAmount: Bool) {
    if let f = l.fixed, l.percent == nil, typeOf(f, ctx) == .percent {
      // 'late fee rate' where rate is a percent-valued definition: the percent part alone.
      expectPercent(f, ctx, "a late-fee percentage")
      return
    }
    if let f = l.fixed { expectMoney(f, ctx, "a late fee", total: true) }
    if let p = l.percent { expectPercent(p, ctx, "a late-fee percentage") }
    if requireAmount, l.fixed == nil, l.percent == nil {
      report(.missingStatement, "a late fee needs an amount, a percent, or both", at: l.span, help: "as in: late fee 25.00 USD plus 1.5%")
    }
  }

  func checkInterest(_ i: InterestSpec, _ ctx: Context, requireRate: Bool) {
    if let r = i.rate { expectPercent(r, ctx, "an interest rate", max: nil) }
    if requireRate, i.rate == nil {
      report(
        .missingStatement, "interest in a plan needs a rate, per year or per month", at: i.span,
        help: "as in: interest 8% per year actual/365, or interest 1.5% per month 30/360")
    }
  }
}
