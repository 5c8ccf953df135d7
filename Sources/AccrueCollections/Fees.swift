import AccrueCompiler
import AccrueCore
import AccrueModel

extension CollectionsRun {
  /// A fee or interest step without amounts, on an invoice whose plan states no such terms.
  func noTerms(_ kind: CollectionAction.Kind, _ what: String, _ inv: OpenInvoice) -> CollectionAction {
    CollectionAction(
      kind: kind, detail: "no \(kind.rawValue): the invoice's plan states no \(kind.rawValue) terms", amount: nil,
      explanation: ["'\(kind.rawValue)' without \(what) uses the plan's terms; invoice \(inv.id) has \(inv.contract >= 0 ? "a plan without them" : "no contract")"])
  }

  /// An amount too large to compute: reported as a failure, the action carries no amount.
  mutating func overflow(_ kind: CollectionAction.Kind, _ step: CompiledStep, _ inv: OpenInvoice) -> CollectionAction {
    fail("the \(kind.rawValue) is too large to compute", step.source, inv)
    return CollectionAction(kind: kind, detail: "\(kind.rawValue) not computed: the amount is too large", amount: nil, explanation: [])
  }

  mutating func lateFee(
    _ fixed: CExpr?, _ percent: CExpr?, _ total: Fixed, _ inv: OpenInvoice, _ cad: CompiledCadence, _ step: CompiledStep
  ) -> CollectionAction {
    var fixedE = fixed
    var percentE = percent
    var from = "step \(step.name) (\(step.source))"
    if fixed == nil && percent == nil {
      guard let spec = invoicePlan(inv), let terms = spec.lateFee else { return noTerms(.lateFee, "amounts", inv) }
      fixedE = terms.fixed
      percentE = terms.percent
      from = "the terms of plan \(spec.name)"
    }
    var fee = Fixed.zero
    var lines: [String] = []
    if explaining { lines.append("late fee from \(from)") }
    env.reset()
    if let f = fixedE {
      var v = f.eval(env)
      // Amounts per currency: the invoice's.
      if case .list(let xs) = v, Arith.isTable(v) { v = Arith.select(xs, inv.currency, env, f.span) }
      switch v {
      case .money(let m, let cur) where cur == inv.currency:
        fee = m
        if explaining { lines.append("fixed part \(money(m, cur))") }
      case .money(_, let cur):
        fail("the late fee is in \(cur.code) but the invoice is in \(inv.currency.code)", fixedE.map { plan.ref($0.span) } ?? step.source, inv)
        return CollectionAction(kind: .lateFee, detail: "late fee not computed: currency mismatch", amount: nil, explanation: lines)
      default: break
      }
    }
    if let f = env.failure {
      fail(f)
      return CollectionAction(kind: .lateFee, detail: "late fee not computed", amount: nil, explanation: lines)
    }
    if let p = percentE, case .percent(let r) = p.eval(env) {
      guard let part = total.multiplied(by: r), let sum = fee.adding(part) else { return overflow(.lateFee, step, inv) }
      fee = sum
      if explaining { lines.append("\(r.multiplied(by: Fixed(100))?.description ?? "?")% of \(money(total, inv.currency)) = \(part)") }
    }
    if let f = env.failure {
      fail(f)
      return CollectionAction(kind: .lateFee, detail: "late fee not computed", amount: nil, explanation: lines)
    }
    guard let rounded = Money(amount: fee, currency: inv.currency).rounded(cad.rounding)?.amount else { return overflow(.lateFee, step, inv) }
    if explaining { lines.append("rounded \(cad.rounding.rawValue) to \(money(rounded, inv.currency))") }
    return CollectionAction(kind: .lateFee, detail: "late fee \(money(rounded, inv.currency))", amount: rounded, explanation: lines)
  }

  mutating func interest(
    _ rate: CExpr?, _ dayCount: DayCount?, _ group: [Candidate], _ invoices: [OpenInvoice], _ inv: OpenInvoice, _ cad: CompiledCadence,
    _ step: CompiledStep
  ) -> CollectionAction {
    var rateE = rate
    var dc = dayCount ?? .actual365
    var from = "step \(step.name) (\(step.source))"
    if rate == nil {
      guard let spec = invoicePlan(inv), let terms = spec.interest else { return noTerms(.interest, "a rate", inv) }
      rateE = terms.rate
      dc = terms.dayCount
      from = "the terms of plan \(spec.name)"
    }
    env.reset()
    guard let re = rateE, case .percent(let r) = re.eval(env) else {
      if let f = env.failure { fail(f) } else { fail("the interest rate is not a percent", step.source, inv) }
      return CollectionAction(kind: .interest, detail: "no interest: the rate did not evaluate", amount: nil, explanation: [])
    }
    var lines: [String] = []
    if explaining { lines.append("interest at \(r.multiplied(by: Fixed(100))?.description ?? "?")% a year, \(dc.rawValue), from \(from)") }
    var total = Fixed.zero
    for g in group {
      // Fields read one by one (a copy of the invoice would retain all its strings).
      let due = invoices[g.invoice].dueDate
      guard due < asOf else { continue }
      guard let part = simpleInterest(principal: g.balance, annualRate: r, dayCount: dc, from: due, to: asOf) else {
        return overflow(.interest, step, inv)
      }
      if explaining {
        let x = invoices[g.invoice]
        lines.append("\(x.id): \(money(g.balance, x.currency)) x \(asOf.dayNumber - due.dayNumber) days since \(due) = \(part)")
      }
      guard let sum = total.adding(part) else { return overflow(.interest, step, inv) }
      total = sum
    }
    guard let rounded = Money(amount: total, currency: inv.currency).rounded(cad.rounding)?.amount else { return overflow(.interest, step, inv) }
    if explaining { lines.append("rounded \(cad.rounding.rawValue) to \(money(rounded, inv.currency))") }
    return CollectionAction(kind: .interest, detail: "interest \(money(rounded, inv.currency))", amount: rounded, explanation: lines)
  }
}
