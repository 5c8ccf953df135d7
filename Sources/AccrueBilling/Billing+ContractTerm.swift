import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// A contract's term (grammar.md §6.8): where it ends (its plan's `term`, `renew` and `notice`, and the
/// contract's `notice_given_on`), and the commitment over the term, trued up on the invoice that closes it or
/// (`pro rata`) shared among its periods.
extension Billing {
  /// The term of a contract: its plan's as of its start (a later change of plan keeps the term), and that plan.
  static func contractTerm(_ plan: ExecutablePlan, _ c: ContractData) -> (CompiledContractTerm, CompiledPlanSpec)? {
    let spec = plan.plans[c.plan]
    return spec.contractTerm.map { ($0, spec) }
  }

  /// The day after a contract's last day under its term (nil while it renews on): the first term's end with
  /// `renew never`, else the end of the term a notice of non-renewal was given in time for.
  static func termEnd(_ plan: ExecutablePlan, _ c: ContractData) -> CivilDate? {
    guard let (term, spec) = contractTerm(plan, c) else { return nil }
    return term.end(start: c.start, notice: c.noticeGivenOn, spec.monthEnd)?.end
  }

  /// The term an arrears period starting on `day` falls in, and the day its service ends (the term's end, or the
  /// contract's end inside it).
  static func termOf(_ plan: ExecutablePlan, _ c: ContractData, _ day: CivilDate) -> (k: Int, start: CivilDate, end: CivilDate, closes: CivilDate)? {
    guard let (term, spec) = contractTerm(plan, c), let t = term.term(containing: day, start: c.start, spec.monthEnd) else { return nil }
    let served = serviceEnd(plan, c, PeriodClock(plan: spec, contract: c)).map { CivilDate.min($0, t.end) } ?? t.end
    return (t.k, t.start, t.end, served)
  }

  /// For each task that closes a term with a commitment trued up at its end: the tasks of the term's earlier
  /// billing dates (marked as counting for it, never issued), whose lines are the term's spend. The closing task's
  /// spend starts at zero.
  static func termShadowTasks(_ plan: ExecutablePlan, _ data: Dataset, _ tasks: inout [BillTask], _ env: Env) {
    // Only a plan with such a term has any (a look at each task cost a copy of its contract).
    guard plan.plans.contains(where: { $0.contractTerm.map { $0.commitment != nil && !$0.proRata } ?? false }) else { return }
    for ti in tasks.indices {
      let c = data.contracts[tasks[ti].contract]
      guard let (term, _) = contractTerm(plan, c), term.commitment != nil, !term.proRata, let arr = tasks[ti].arrears,
        let t = termOf(plan, c, arr.start), arr.end >= t.closes, let before = tasks[ti].date.adding(days: -1),
        let from = t.start.adding(days: -1)
      else { continue }
      tasks[ti].termSpent = .zero
      for var shadow in billingTasks(plan, data, c, tasks[ti].contract, from: from, to: before, env) {
        shadow.countsFor = ti
        tasks.append(shadow)
      }
      env.reset()
    }
  }

  /// Computes the shadow tasks' invoices (from `first` on), adds what each billed in the term to the task it counts
  /// for, and removes them.
  static func termSpend(
    _ plan: ExecutablePlan, _ data: Dataset, _ tasks: inout [BillTask], from first: Int, _ accs: [Accumulator], _ env: Env,
    _ failures: inout [RunFailure]
  ) {
    guard first < tasks.count else { return }
    let credits = Set(plan.plans.flatMap { $0.serviceCredits.map(\.source) })
    for n in first..<tasks.count {
      guard let ci = tasks[n].countsFor else { continue }
      let c = data.contracts[tasks[n].contract]
      let key = "\(c.id)/\(tasks[n].date)"
      env.reset()
      env.explaining = false
      if let inv = invoice(plan, data, tasks[n], key: key, accs: accs, env: env), let arr = tasks[ci].arrears, let t = termOf(plan, c, arr.start) {
        let spent = termLines(inv.lines, t.start, t.end, credits)
        if !spent.isEmpty {
          tasks[ci].termSpent = env.exact(tasks[ci].termSpent?.adding(sum(spent, inv.lines[0].rule, "the term's spend", env)) ?? .zero, inv.lines[0].rule, "the term's spend")
          tasks[ci].termInvoices += 1
        }
      }
      if let f = env.failure { failures.append(plan.failure(f, "invoice \(key), counted towards its term's commitment")) }
    }
    tasks.removeSubrange(first...)
    env.reset()
  }

  /// The lines that count towards a term's commitment: charges and usage (and the credits of a change of terms)
  /// whose period starts in the term, before discounts, true-ups, service credits and tax.
  static func termLines(_ lines: [InvoiceLine], _ start: CivilDate, _ end: CivilDate, _ serviceCredits: Set<RuleRef>) -> [InvoiceLine] {
    lines.filter { l in
      guard l.periodStart >= start, l.periodStart < end else { return false }
      switch l.kind {
      case .charge, .usage: return true
      case .credit: return !serviceCredits.contains(l.rule)
      case .discount, .minimumTrueUp, .fee: return false
      }
    }
  }

  /// The true-up of a term's commitment on the invoice that closes the term: the commitment (for the days served
  /// of a term cut short) less what the term's invoices billed, this one's lines for the term included; nil
  /// without a shortfall.
  static func termTrueUp(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ t: BillTask, _ lines: [InvoiceLine], _ env: Env
  ) -> InvoiceLine? {
    guard let before = t.termSpent, let arr = t.arrears, let (term, spec) = contractTerm(plan, c), let commitE = term.commitment,
      let rule = term.commitmentSource, let tt = termOf(plan, c, arr.start), case .money(let commitment, _) = commitE.eval(env)
    else { return nil }
    let credits = Set(spec.serviceCredits.map(\.source))
    let own = termLines(lines, tt.start, tt.end, credits)
    let spent = env.exact(before.adding(sum(own, rule, "the term's spend", env)), rule, "the term's spend")
    let invoices = t.termInvoices + (own.isEmpty ? 0 : 1)
    let (days, full) = (tt.start.days(until: tt.closes), tt.start.days(until: tt.end))
    let due = rounded(
      env.exact(commitment.multiplied(by: Fixed(days), dividedBy: Fixed(full), rounding: spec.rounding), rule, "\(commitment) x \(days) / \(full)"),
      spec, env)
    guard spent < due else { return nil }
    let gap = rounded(env.exact(due.subtracting(spent), rule, "\(due) - \(spent)"), spec, env)
    let places = spec.currency.minorUnits
    let last = CivilDate(dayNumber: tt.closes.dayNumber - 1)
    return InvoiceLine(
      description: "Term commitment true-up, \(tt.start) to \(last) (\(due.formatted(places: places)) committed, \(spent.formatted(places: places)) billed)",
      kind: .minimumTrueUp, charge: nil, quantity: nil, unitPrice: nil, amount: gap, periodStart: tt.start, periodEnd: tt.closes, rule: rule,
      explanation: env.explaining
        ? [
          .termCommitment(rule: rule, term: tt.k + 1, commitment: commitment, days: days, termDays: full, due: due, invoices: invoices, spent: spent),
          .trueUp(spend: spent, trueUp: gap),
        ] : [])
  }

  /// `minimum commitment ... per term pro rata`: the commitment's share for one billing period (the commitment
  /// divided by the term's periods), trued up as a per-period commitment is; nil when the plan has no such
  /// commitment or a phase in effect states its own per period.
  static func termShare(_ plan: ExecutablePlan, _ c: ContractData, _ spec: CompiledPlanSpec, _ arr: BillTask.Period, _ env: Env) -> (Fixed, RuleRef, BillingStep)? {
    guard let (term, tspec) = contractTerm(plan, c), term.proRata, let commitE = term.commitment, let rule = term.commitmentSource,
      minimumCommitment(spec, c, on: arr.start, env) == nil, case .months(let per) = tspec.period,
      let t = termOf(plan, c, arr.start), case .money(let commitment, _) = commitE.eval(env)
    else { return nil }
    let months = t.k == 0 ? term.months : (term.renewalMonths ?? term.months)
    let periods = max(1, months / max(per, 1))
    let share = env.exact(commitment.multiplied(by: Fixed(1), dividedBy: Fixed(periods), rounding: spec.rounding), rule, "\(commitment) / \(periods)")
    return (share, rule, .termShare(rule: rule, commitment: commitment, periods: periods, share: share))
  }

  /// `--explain`'s word on the term an invoice falls in (the term of the period it shows) and why the contract ends or renews.
  static func termStep(_ plan: ExecutablePlan, _ c: ContractData, _ day: CivilDate) -> BillingStep? {
    guard let (term, spec) = contractTerm(plan, c), let t = term.term(containing: day, start: c.start, spec.monthEnd) else { return nil }
    let last = CivilDate(dayNumber: t.end.dayNumber - 1)
    let renews = ContractTermEnding.renews(months: term.renewalMonths ?? term.months, rule: term.renewalSource ?? term.source)
    let ending: ContractTermEnding
    switch term.end(start: c.start, notice: c.noticeGivenOn, spec.monthEnd) {
    case nil: ending = renews
    case let (end, k, why)?:
      switch why {
      case .noRenewal where k == t.k: ending = .noRenewal(rule: term.renewalSource)
      case .noticeInTime(let given, let deadline) where k == t.k: ending = .noticeInTime(given: given, deadline: deadline, rule: term.noticeSource)
      case .noticeLate(let given, let missed, _) where k == t.k + 1:
        ending = .noticeLate(given: given, missed: missed, endsOn: CivilDate(dayNumber: end.dayNumber - 1), rule: term.noticeSource)
      case .noticeLate(let given, _, let deadline) where k == t.k: ending = .noticeInTime(given: given, deadline: deadline, rule: term.noticeSource)
      default: ending = renews
      }
    }
    return .contractTerm(rule: term.source, term: t.k + 1, start: t.start, last: last, ending: ending)
  }
}
