import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// One invoice to compute: a contract and a billing date in the run's window.
struct BillTask {
  /// A service period [start, end) and the full period it belongs to (for proration: a contract's first or last
  /// period may be partial).
  typealias Period = (start: CivilDate, end: CivilDate, full: (CivilDate, CivilDate))

  /// The contract (index into the dataset's contracts).
  var contract: Int
  /// The billing date: the invoice's issue date.
  var date: CivilDate
  /// Advance period, if any.
  var advance: Period?
  /// Arrears period, if any.
  var arrears: Period?
  /// 0 for the first invoice of the contract, then one more per period.
  var periodNumber: Int
  /// Usage accumulators of this task's arrears period, by metric index.
  var usage = UsageKeys()
  /// The last day of the arrears period whose usage counts (outside the trial and free phases); nil when
  /// no day counts, or the plan has no usage charge. Its phase prices the period's usage.
  var lastUsageDay: CivilDate?
  /// For a task computed only for what it bills in a term (never issued): the index of the task whose invoice
  /// closes the term (Billing+ContractTerm).
  var countsFor: Int?
  /// For a task whose invoice closes a term with a commitment: what the term's earlier invoices billed, and how many.
  var termSpent: Fixed?
  var termInvoices = 0
  /// The clock of the charges this task bills when they have a period of their own (Billing+ChargePeriods); nil:
  /// the plan's charges on the plan's period.
  var clock: ChargeClock? = nil
  /// What the period's threshold invoices billed, for its end-of-period invoice (Billing+Progressive).
  var early: EarlyBilled? = nil
}

/// A task's usage accumulators by key (`[Int: Int]`'s subscript): most tasks have one or two, kept inline (a
/// dictionary per task cost an allocation and hashing for each), more in a dictionary (`UsageKeysTests`).
struct UsageKeys {
  private var keys: (Int, Int) = (0, 0)
  private var values: (Int, Int) = (0, 0)
  private var inline = 0
  private var more: [Int: Int] = [:]

  subscript(key: Int) -> Int? {
    get {
      if inline > 0 && keys.0 == key { return values.0 }
      if inline > 1 && keys.1 == key { return values.1 }
      return more.isEmpty ? nil : more[key]
    }
    set {
      if inline > 0 && keys.0 == key {
        if let v = newValue { values.0 = v } else { (keys.0, values.0, inline) = (keys.1, values.1, inline - 1) }
      } else if inline > 1 && keys.1 == key {
        if let v = newValue { values.1 = v } else { inline = 1 }
      } else if more[key] != nil || newValue == nil {
        more[key] = newValue
      } else if inline == 0 {
        (keys.0, values.0, inline) = (key, newValue!, 1)
      } else if inline == 1 {
        (keys.1, values.1, inline) = (key, newValue!, 2)
      } else {
        more[key] = newValue
      }
    }
  }
}

/// Which invoices are due: each contract's billing dates in the run's window, with the periods they bill, and
/// the days of a period that count (outside the trial and free phases).
extension Billing {
  /// The parts of [a, b) whose usage counts: outside the trial and outside free phases, in order.
  static func countedWindows(_ spec: CompiledPlanSpec, _ c: ContractData, _ a: CivilDate, _ b: CivilDate, _ env: Env)
    -> [(CivilDate, CivilDate)]
  {
    var out: [(CivilDate, CivilDate)] = []
    var cursor = CivilDate.max(a, trialEnd(spec, c, env) ?? a)
    for (ws, we, ph) in phaseWindows(spec, c, env) where ph.free && we > cursor && ws < b {
      if ws > cursor { out.append((cursor, ws)) }
      cursor = CivilDate.max(cursor, we)
    }
    if cursor < b { out.append((cursor, b)) }
    return out
  }

  static func trialEnd(_ spec: CompiledPlanSpec, _ c: ContractData, _ env: Env) -> CivilDate? {
    guard let t = spec.trial else { return nil }
    switch t.eval(env) {
    case .days(let n): return c.start.adding(days: Int(n))
    case .months(let n): return c.start.adding(months: Int(n), spec.monthEnd)
    default: return nil
    }
  }

  /// The day after a contract's last day of service: its end date's, or its cancellation's as its plan's policy
  /// says (the plan in effect on the day of the cancellation): the end of the period it falls in, or that day.
  static func serviceEnd(_ plan: ExecutablePlan, _ c: ContractData, _ clock: PeriodClock) -> CivilDate? {
    // The contract's end date, or where its term ends (§6.8), whichever comes first.
    let end = termEnd(plan, c).map { t in c.endExclusive.map { CivilDate.min($0, t) } ?? t } ?? c.endExclusive
    guard let d = c.cancelledOn,
      let policy = (plan.plans[c.terms(on: d).plan].cancellation ?? plan.plans[c.plan].cancellation)?.policy
    else { return end }
    let stop = policy == .endOfPeriod ? (clock.period(containing: d)?.end ?? d) : d
    return end.map { CivilDate.min($0, stop) } ?? stop
  }

  /// The billing dates of a contract in (from, to] with their advance and arrears periods.
  static func billingTasks(
    _ plan: ExecutablePlan, _ data: Dataset, _ contract: ContractData, _ ci: Int, from: CivilDate, to: CivilDate, _ env: Env,
    clock own: ChargeClock? = nil
  ) -> [BillTask] {
    var out: [BillTask] = []
    billingTasks(plan, data, contract, ci, from: from, to: to, env, clock: own, into: &out)
    return out
  }

  /// `billingTasks` appended to `out` (the run's list: no array per contract made, copied and freed).
  static func billingTasks(
    _ plan: ExecutablePlan, _ data: Dataset, _ contract: ContractData, _ ci: Int, from: CivilDate, to: CivilDate, _ env: Env,
    clock own: ChargeClock? = nil, into out: inout [BillTask]
  ) {
    let spec0 = plan.plans[contract.plan]
    // 'trial ... then new cycle': billing starts at the trial's end, periods counted from there.
    let c = Billing.cycleStart(spec0, contract, env, data)
    let planClock = PeriodClock(plan: spec0, contract: c)
    // A charge on a period of its own (Billing+ChargePeriods): its periods; the service ends as the plan says.
    let clock0 = own.map { PeriodClock(plan: spec0, contract: c, clock: $0) } ?? planClock
    guard let startPeriod = clock0.period(containing: c.start) else { return }
    let endX = serviceEnd(plan, c, planClock)
    // First invoice on the start date.
    if c.start > from && c.start <= to {
      let advEnd = endX.map { CivilDate.min($0, startPeriod.end) } ?? startPeriod.end
      out.append(
        BillTask(
          contract: ci, date: c.start, advance: (c.start, advEnd, (startPeriod.start, startPeriod.end)), arrears: nil,
          periodNumber: 0, clock: own))
    }
    // Then each boundary after the start, up to the first boundary at or after the end.
    guard let kFrom = clock0.index(of: CivilDate.max(from, c.start)) else { return }
    var k = max(kFrom, startPeriod.k) + 1
    // Boundaries k - 1, k and k + 1, each worked out once and handed on to the next k.
    var before = clock0.boundary(k - 1)
    var at = clock0.boundary(k)
    while let b = at, b <= to {
      let after = clock0.boundary(k + 1)
      defer { (k, before, at) = (k + 1, at, after) }
      guard b > c.start, b > from else { continue }
      if let e = endX, let prev = before, prev >= e { break }
      guard let prev = before, let next = after else { break }
      let arrStart = CivilDate.max(prev, c.start)
      let arrEnd = endX.map { CivilDate.min($0, b) } ?? b
      var task = BillTask(contract: ci, date: b, advance: nil, arrears: nil, periodNumber: k - startPeriod.k, clock: own)
      if arrStart < arrEnd { task.arrears = (arrStart, arrEnd, (prev, b)) }
      if endX.map({ b < $0 }) ?? true {
        let advEnd = endX.map { CivilDate.min($0, next) } ?? next
        task.advance = (b, advEnd, (b, next))
      }
      out.append(task)
    }
  }
}
