import AccrueCompiler
import AccrueCore
import AccrueModel

extension CollectionsRun {
  /// A fee or interest step without amounts, on an invoice whose plan states no such terms.
  func noTerms(_ kind: CollectionAction.Kind, _ inv: OpenInvoice) -> CollectionAction {
    CollectionAction(
      kind: kind, detail: "no \(kind.rawValue): the invoice's plan states no \(kind.rawValue) terms", amount: nil,
      explanation: [.noPlanTerms(kind: kind, invoice: inv.id, hasContract: inv.contract >= 0)])
  }

  /// An amount too large to compute: reported as a failure, the action carries no amount.
  mutating func overflow(_ kind: CollectionAction.Kind, _ step: CompiledStep, _ inv: OpenInvoice) -> CollectionAction {
    fail("the \(kind.rawValue) is too large to compute", step.source, inv)
    return CollectionAction(kind: kind, detail: "\(kind.rawValue) not computed: the amount is too large", amount: nil, explanation: [])
  }

  /// A late fee: the step's fixed amount plus its percent of the open total (the plan's terms when the step states
  /// neither), rounded as the cadence says.
  mutating func lateFee(
    _ fixed: CExpr?, _ percent: CExpr?, _ total: Fixed, _ inv: OpenInvoice, _ cad: CompiledCadence, _ step: CompiledStep
  ) -> CollectionAction {
    var fixedE = fixed
    var percentE = percent
    var from = CollectionsStep.FeeTerms.step(name: step.name, rule: step.source)
    if fixed == nil && percent == nil {
      guard let spec = invoicePlan(inv), let terms = spec.lateFee else { return noTerms(.lateFee, inv) }
      fixedE = terms.fixed
      percentE = terms.percent
      from = .plan(name: spec.name)
    }
    var fee = Fixed.zero
    var steps: [CollectionsStep] = []
    record(.lateFeeFrom(from), in: &steps)
    env.reset()
    if let f = fixedE {
      var v = f.eval(env)
      // Amounts per currency: the invoice's.
      if case .list(let xs) = v, Arith.isTable(v) { v = Arith.select(xs, inv.currency, env, f.span) }
      switch v {
      case .money(let m, let cur) where cur == inv.currency:
        fee = m
        record(.fixedPart(m, cur), in: &steps)
      case .money(_, let cur):
        fail("the late fee is in \(cur.code) but the invoice is in \(inv.currency.code)", fixedE.map { plan.ref($0.span) } ?? step.source, inv)
        return CollectionAction(kind: .lateFee, detail: "late fee not computed: currency mismatch", amount: nil, explanation: steps)
      default: break
      }
    }
    if let f = env.failure {
      fail(f)
      return CollectionAction(kind: .lateFee, detail: "late fee not computed", amount: nil, explanation: steps)
    }
    if let p = percentE, case .percent(let r) = p.eval(env) {
      guard let part = total.multiplied(by: r), let sum = fee.adding(part) else { return overflow(.lateFee, step, inv) }
      fee = sum
      record(.percentPart(rate: r, of: total, currency: inv.currency, part: part), in: &steps)
    }
    if let f = env.failure {
      fail(f)
      return CollectionAction(kind: .lateFee, detail: "late fee not computed", amount: nil, explanation: steps)
    }
    guard let rounded = Money(amount: fee, currency: inv.currency).rounded(cad.rounding)?.amount else { return overflow(.lateFee, step, inv) }
    record(.rounded(cad.rounding, rounded, inv.currency), in: &steps)
    return CollectionAction(kind: .lateFee, detail: "late fee \(money(rounded, inv.currency))", amount: rounded, explanation: steps)
  }

  /// Interest: each covered overdue invoice's balance at the annual rate for the days since it fell due (the day
  /// count and rate the step states, else the plan's terms); the sum rounded as the cadence says. A rate stated per
  /// month accrues as the annual rate twelve times it (1.5% a month is 18% a year), by the same day count.
  mutating func interest(
    _ rate: CExpr?, _ per: InterestPeriod, _ dayCount: DayCount?, _ group: [Candidate], _ invoices: [OpenInvoice], _ inv: OpenInvoice,
    _ cad: CompiledCadence, _ step: CompiledStep
  ) -> CollectionAction {
    var rateE = rate
    var per = per
    var dc = dayCount ?? .actual365
    var from = CollectionsStep.FeeTerms.step(name: step.name, rule: step.source)
    if rate == nil {
      guard let spec = invoicePlan(inv), let terms = spec.interest else { return noTerms(.interest, inv) }
      rateE = terms.rate
      per = terms.per
      dc = terms.dayCount
      from = .plan(name: spec.name)
    }
    env.reset()
    guard let re = rateE, case .percent(let stated) = re.eval(env) else {
      if let f = env.failure { fail(f) } else { fail("the interest rate is not a percent", step.source, inv) }
      return CollectionAction(kind: .interest, detail: "no interest: the rate did not evaluate", amount: nil, explanation: [])
    }
    // The annual rate: exact (a stated rate has at most 18 decimals; times 12 only overflows far beyond any rate).
    guard let r = stated.multiplied(by: Fixed(per.perYear)) else { return overflow(.interest, step, inv) }
    var steps: [CollectionsStep] = []
    record(.interestRate(rate: stated, per: per, dayCount: dc, from: from), in: &steps)
    var total = Fixed.zero
    for g in group {
      // Fields read one by one (a copy of the invoice would retain all its strings).
      // Interest runs from the due date, or from the day through which an earlier step charged it: the days
      // actually late, each charged once.
      var due = invoices[g.invoice].dueDate
      if !data.collections.interestChargedThrough.isEmpty, let charged = data.collections.interestChargedThrough[invoices[g.invoice].id],
        charged > due
      {
        due = charged
      }
      guard due < asOf else { continue }
      guard let part = simpleInterest(principal: g.balance, annualRate: r, dayCount: dc, from: due, to: asOf) else {
        return overflow(.interest, step, inv)
      }
      record(
        .interestOn(
          invoice: invoices[g.invoice].id, balance: g.balance, currency: invoices[g.invoice].currency, days: Int(asOf.dayNumber - due.dayNumber),
          counted: yearFractionParts(dc, from: due, to: asOf).reduce(0) { $0 + $1.days }, dayCount: dc, since: due, part: part), in: &steps)
      guard let sum = total.adding(part) else { return overflow(.interest, step, inv) }
      total = sum
    }
    guard let rounded = Money(amount: total, currency: inv.currency).rounded(cad.rounding)?.amount else { return overflow(.interest, step, inv) }
    record(.rounded(cad.rounding, rounded, inv.currency), in: &steps)
    return CollectionAction(kind: .interest, detail: "interest \(money(rounded, inv.currency))", amount: rounded, explanation: steps)
  }
}
