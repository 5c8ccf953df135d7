import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// A charge's own billing period and alignment, where they differ from its plan's (grammar.md §6.2, "Charges on
/// their own period"). Its periods count from the same anchor as the plan's.
struct ChargeClock: Hashable, Sendable {
  let period: PeriodSpec
  let alignment: Alignment
}

extension CompiledPlanSpec {
  /// The charge's own clock; nil when it is billed on the plan's period (the usual case).
  func clock(of ch: CompiledCharge) -> ChargeClock? {
    if ch.period == nil && ch.alignment == nil { return nil }
    let p = ch.period ?? period
    let a = ch.alignment ?? alignment
    return p == period && a == alignment ? nil : ChargeClock(period: p, alignment: a)
  }

  /// The distinct clocks of the plan's charges on periods of their own, in charge order.
  var chargeClocks: [ChargeClock] {
    var out: [ChargeClock] = []
    for ch in charges { if let k = clock(of: ch), !out.contains(k) { out.append(k) } }
    return out
  }
}

extension PeriodClock {
  /// The periods of a charge's own clock for a contract under a plan: the plan's anchor rules and month-end rule.
  init(plan: CompiledPlanSpec, contract: ContractData, clock: ChargeClock) {
    var spec = plan
    spec.period = clock.period
    spec.alignment = clock.alignment
    self.init(plan: spec, contract: contract)
  }
}

extension Billing {
  /// A contract's billing tasks: those of its plan's period, then those of each clock of a charge on a period of
  /// its own (of every plan the contract has terms under), ordered by date; tasks of one date make one invoice,
  /// the plan's first. Without such a charge, exactly `billingTasks`.
  static func allBillingTasks(
    _ plan: ExecutablePlan, _ data: Dataset, _ contract: ContractData, _ ci: Int, from: CivilDate, to: CivilDate, _ env: Env,
    into tasks: inout [BillTask]
  ) {
    var clocks = plan.plans[contract.plan].chargeClocks
    for ch in contract.changes {
      guard let p = ch.plan else { continue }
      for k in plan.plans[p].chargeClocks where !clocks.contains(k) { clocks.append(k) }
    }
    guard !clocks.isEmpty else { return billingTasks(plan, data, contract, ci, from: from, to: to, env, into: &tasks) }
    let main = billingTasks(plan, data, contract, ci, from: from, to: to, env)
    var all = main.map { ($0, 0) }
    for (i, k) in clocks.enumerated() {
      let own = billingTasks(plan, data, contract, ci, from: from, to: to, env, clock: k)
      all += own.map { ($0, i + 1) }
    }
    let planClock = planPeriodClock(plan, contract, env, data)
    tasks += all.sorted { ($0.0.date, $0.1) < ($1.0.date, $1.1) }.map { (t, i) in
      var t = t
      // `for N periods` discounts count the plan's periods: the one the date falls in.
      if i > 0, let (clock, k0) = planClock, let k = clock.index(of: t.date) { t.periodNumber = k - k0 }
      return t
    }
  }

  /// 'trial ... then new cycle': the contract as billing counts it, starting (and anchored) at the trial's end.
  static func cycleStart(_ spec: CompiledPlanSpec, _ contract: ContractData, _ env: Env, _ data: Dataset) -> ContractData {
    var c = contract
    guard spec.trialStartsCycle else { return c }
    contract.setRecords(env, data)
    if let te = trialEnd(spec, contract, env), te > c.start {
      c.start = te
      c.anchor = te
    }
    return c
  }

  /// The plan's period clock of a contract and the index of its first period (as `billingTasks` counts them).
  static func planPeriodClock(_ plan: ExecutablePlan, _ c: ContractData, _ env: Env, _ data: Dataset) -> (PeriodClock, Int)? {
    let spec = plan.plans[c.plan]
    let c = cycleStart(spec, c, env, data)
    let clock = PeriodClock(plan: spec, contract: c)
    return clock.index(of: c.start).map { (clock, $0) }
  }

  /// The lines of the tasks of charges on their own period that share an invoice's date: for each, its charges in
  /// advance for its coming period, and for its period just ended the changes of terms, its charges in arrears and
  /// its usage.
  static func ownPeriodLines(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ tasks: ArraySlice<BillTask>, _ accs: [Accumulator],
    _ sources: inout [RowRef], _ env: Env
  ) -> [InvoiceLine] {
    var lines: [InvoiceLine] = []
    for t in tasks {
      if let adv = t.advance {
        lines += periodLines(
          plan, data, c, terms: c.terms(on: t.date), timing: .advance, adv.start, adv.end, full: adv.full,
          firstInvoice: false, clock: t.clock, env: env)
      }
      guard let arr = t.arrears else { continue }
      lines += changeLines(plan, data, c, arr, &sources, env, clock: t.clock)
      for seg in c.segments(arr.start, arr.end) {
        lines += periodLines(
          plan, data, c, terms: seg.terms, timing: .arrears, seg.start, seg.end, full: arr.full, firstInvoice: false,
          clock: t.clock, env: env)
      }
      lines += usageLines(plan, data, c, t, arr, accs, &sources, env).lines
    }
    return lines
  }

  /// The period an invoice of several tasks shows: the advance period of the first task with advance lines, else
  /// the first task's (as `invoicePeriod`).
  static func invoicePeriod(_ t: BillTask, also: ArraySlice<BillTask>, _ lines: [InvoiceLine]) -> (CivilDate, CivilDate) {
    // (`t` first, then `also`: no array of them made per invoice.)
    func advanceWithLines(_ x: BillTask.Period?) -> Bool {
      guard let adv = x else { return false }
      return lines.contains(where: { $0.periodStart >= adv.start && $0.periodStart < adv.end })
    }
    if advanceWithLines(t.advance), let adv = t.advance { return (adv.start, adv.end) }
    for i in also.indices where advanceWithLines(also[i].advance) {
      if let adv = also[i].advance { return (adv.start, adv.end) }
    }
    return invoicePeriod(t, lines)
  }

  /// The `--explain` step of a line of a charge on a period of its own.
  static func ownPeriodStep(_ k: ChargeClock, _ spec: CompiledPlanSpec) -> BillingStep {
    .ownPeriod(period: k.period.text, alignment: k.alignment.rawValue, planPeriod: spec.period.text, planAlignment: spec.alignment.rawValue)
  }

  /// Where the tasks of `range` that make one invoice end: the first index after `n` with another contract or date.
  static func groupEnd(_ tasks: [BillTask], _ n: Int, _ upper: Int) -> Int {
    var end = n + 1
    while end < upper, tasks[end].contract == tasks[n].contract, tasks[end].date == tasks[n].date { end += 1 }
    return end
  }
}
