import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Upgrades and downgrades (grammar.md §6.11): a change to another plan is an upgrade when the new plan's daily
/// price is above the old one's, a downgrade when below, neither when equal. The plan being left says when each
/// takes effect: `immediately with proration` (on the change's day, as any change) or `at end of period` (at the
/// next boundary of the billing period the change falls in). Without such statements nothing here changes a thing.
extension Billing {
  /// The dataset with every change of plan its plan has a policy for decided: dated the day it takes effect, the
  /// decision kept for `--explain`. The same dataset when no plan states a policy.
  static func decidingPlanChanges(_ plan: ExecutablePlan, _ data: Dataset, _ env: Env) -> Dataset {
    guard plan.plans.contains(where: { $0.upgrade != nil || $0.downgrade != nil }) else { return data }
    var out = data
    for ci in data.contracts.indices where data.contracts[ci].changes.contains(where: { $0.plan != nil }) {
      out.contracts[ci].changes = decidedChanges(plan, data, data.contracts[ci], env)
    }
    env.reset()
    return out
  }

  /// A contract's changes, those of plan decided, in the order of the days they take effect (a deferred change
  /// after the changes written before that day).
  static func decidedChanges(_ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ env: Env) -> [ContractChange] {
    var changes = c.changes
    for i in changes.indices {
      guard let to = changes[i].plan, changes[i].decided == nil else { continue }
      let date = changes[i].date
      // The terms in effect the day before, by the rows written earlier as decided (a deferred one not yet).
      var earlier = c
      earlier.changes = Array(changes[..<i])
      let before = earlier.terms(on: CivilDate(dayNumber: date.dayNumber - 1))
      guard before.plan != to else { continue }
      var after = before
      after.plan = to
      if let q = changes[i].quantity { after.quantity = q }
      if let s = changes[i].seats { after.seats = s }
      let old = plan.plans[before.plan]
      guard let (oldAmount, oldDays) = recurringPrice(plan, data, c, before, on: date, env),
        let (newAmount, newDays) = recurringPrice(plan, data, c, after, on: date, env),
        let oldScaled = oldAmount.multiplied(by: Fixed(newDays)), let newScaled = newAmount.multiplied(by: Fixed(oldDays)),
        oldScaled != newScaled
      else { continue }  // equal daily prices (or past what Accrue can represent): as written
      let direction: PlanChangeDirection = newScaled > oldScaled ? .upgrade : .downgrade
      guard let (timing, rule) = direction == .upgrade ? old.upgrade : old.downgrade else { continue }
      var effective = date
      if timing == .endOfPeriod, let (clock, _) = planPeriodClock(plan, c, env, data), let p = clock.period(containing: date),
        p.start != date
      {
        effective = p.end
      }
      // A row written for a day before then replaces what is pending: this one takes effect with it, and the later
      // row's terms win (Chargebee and Kill Bill drop a scheduled change when another is made).
      var replaced = false
      if effective != date, let next = changes[(i + 1)...].first(where: { $0.date > date && $0.date < effective }) {
        effective = next.date
        replaced = true
      }
      changes[i].date = effective
      changes[i].decided = PlanChangeDecision(
        direction: direction, timing: timing, from: old.name, to: plan.plans[to].name, written: date, effective: effective, rule: rule,
        fromAmount: oldAmount, fromDays: oldDays, toAmount: newAmount, toDays: newDays, currency: old.currency, row: changes[i].source,
        replaced: replaced)
    }
    return changes.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
  }

  /// A plan's price for a full billing period around `date` under terms `t` (its recurring flat and per-unit
  /// charges, in advance and in arrears, at the terms' quantity and seats; not usage, one-time fees, milestones,
  /// phases, trials nor charges on periods of their own), and that period's days. Nil when the period is unknown.
  static func recurringPrice(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ t: Terms, on date: CivilDate, _ env: Env
  ) -> (Fixed, Int)? {
    let spec = plan.plans[t.plan]
    guard let p = PeriodClock(plan: spec, contract: c).period(containing: date) else { return nil }
    let days = p.start.days(until: p.end)
    guard days > 0 else { return nil }
    var record = c.record
    if let s = data.contractSlots.quantity { put(.number(t.quantity), s, &record) }
    if let s = data.contractSlots.seats { put(.number(t.seats), s, &record) }
    if let s = data.contractSlots.plan { put(.text(spec.name), s, &record) }
    env.records[RecordKind.contract.index] = record
    env.records[RecordKind.customer.index] = data.customers[c.customer].record
    var total = Fixed.zero
    for timing in [BillTiming.advance, .arrears] {
      let lines = chargeLines(
        c, spec: spec, te: nil, timing: timing, p.start, p.end, fullDays: days, firstInvoice: false, kind: .charge, note: "",
        env: env)
      for l in lines {
        guard let s = total.adding(l.amount) else { return nil }
        total = s
      }
    }
    return (total, days)
  }

  /// The rows of the changes of plan deferred to a day one of the lines begins on join the invoice's sources (an
  /// immediate change's row joins them with its credit, in `changeLines`).
  static func planChangeSources(_ c: ContractData, _ lines: [InvoiceLine], _ sources: inout [RowRef]) {
    for change in c.changes {
      guard let d = change.decided, d.effective != d.written, !sources.contains(change.source),
        lines.contains(where: { $0.periodStart == d.effective })
      else { continue }
      sources.append(change.source)
    }
  }

  /// With `--explain`: the decision of each change of plan on the lines it starts (those whose period begins the
  /// day it takes effect: the credit and new charges of an immediate change, the first period of a deferred one).
  static func explainPlanChanges(_ c: ContractData, _ lines: inout [InvoiceLine]) {
    for change in c.changes {
      guard let d = change.decided else { continue }
      for i in lines.indices where lines[i].periodStart == d.effective && lines[i].kind != .discount {
        lines[i].explanation.insert(.planChange(d), at: 0)
      }
    }
  }
}
