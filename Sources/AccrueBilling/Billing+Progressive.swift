import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Progressive billing (grammar.md §6.10): `bill early when usage reaches AMOUNT | N units of METRIC`.
///
/// A billing period of a plan with thresholds is measured day by day: one accumulator per usage metric and day,
/// filled by the ordinary usage scan (only these contracts get them, so the scan of other contracts is unchanged).
/// The usage to date on day D is the days' accumulators up to D merged, priced as a whole (free units, tiers,
/// the charge's minimum) as the end of the period would price it. A threshold is reached on the first day its
/// measure is at least its value; that day's threshold invoice (`CONTRACT/DAY/threshold-N`, N the highest threshold
/// reached that day, counted from 1 in ascending order) bills each usage charge's amount to date less what the
/// period's earlier threshold invoices billed for it (both recomputed from the rules and the data, never read back
/// from the ledger), then the plan's discounts and taxes. The end-of-period invoice prices the whole period's usage
/// and subtracts, per charge, what the period's last threshold invoice had billed to date; its minimum commitment
/// counts the threshold invoices' subtotals as spent.
struct EarlyBilled {
  /// The usage lines priced to the last threshold day of the period (what the threshold invoices billed together).
  var lines: [InvoiceLine]
  /// That day, and the keys of the period's threshold invoices.
  var through: CivilDate
  var keys: [String]
  /// The threshold invoices' subtotals (their usage less their discounts), for the minimum commitment.
  var subtotals: Fixed
}

/// One period measured day by day: its days' accumulators by usage key.
struct ProgressiveWindow {
  var contract: Int
  var arrears: BillTask.Period
  /// The days measured: [arrears.start, through).
  var through: CivilDate
  /// The end-of-period task of this period, if it is billed in this run.
  var task: Int?
  var periodNumber: Int
  /// Per day (from arrears.start), the accumulator of each usage key.
  var days: [[Int: Int]] = []
}

extension Billing {
  /// The periods to measure day by day, with their accumulators added to `accs` and `byContract`: each arrears period
  /// of a plan with thresholds billed in this run, and each such contract's period in progress on `asOf`.
  static func progressiveWindows(
    _ plan: ExecutablePlan, _ data: Dataset, _ tasks: [BillTask], asOf: CivilDate, _ accs: inout [Accumulator], _ byContract: inout [[Int]],
    _ env: Env, _ failures: inout [RunFailure]
  ) -> [ProgressiveWindow] {
    guard plan.plans.contains(where: { !$0.thresholds.isEmpty }) else { return [] }
    var windows: [ProgressiveWindow] = []
    // The periods already measured, by contract and first day (a set: one look-up per contract, whatever their number).
    var measured = Set<Int64>()
    func id(_ ci: Int, _ start: CivilDate) -> Int64 { Int64(ci) << 32 | Int64(start.dayNumber) & 0xFFFF_FFFF }
    for (ti, t) in tasks.enumerated() where t.clock == nil && t.countsFor == nil {
      guard let arr = t.arrears else { continue }
      let c = data.contracts[t.contract]
      guard !plan.plans[c.terms(on: CivilDate(dayNumber: arr.end.dayNumber - 1)).plan].thresholds.isEmpty else { continue }
      windows.append(ProgressiveWindow(contract: t.contract, arrears: arr, through: arr.end, task: ti, periodNumber: t.periodNumber))
      measured.insert(id(t.contract, arr.start))
    }
    for (ci, c) in data.contracts.enumerated() where c.start <= asOf {
      let spec = plan.plans[c.terms(on: asOf).plan]
      guard !spec.thresholds.isEmpty, let p = PeriodClock(plan: spec, contract: c).period(containing: asOf) else { continue }
      let start = CivilDate.max(p.start, c.start)
      let end = serviceEnd(plan, c, PeriodClock(plan: spec, contract: c)).map { CivilDate.min($0, p.end) } ?? p.end
      guard start <= asOf, asOf < end, !measured.contains(id(ci, start)) else { continue }
      let number = p.k - (PeriodClock(plan: spec, contract: c).index(of: c.start) ?? p.k)
      windows.append(
        ProgressiveWindow(
          contract: ci, arrears: (start, end, (p.start, p.end)), through: asOf.adding(days: 1) ?? end, task: nil, periodNumber: number))
    }
    for w in windows.indices { dayAccumulators(plan, data, &windows[w], &accs, &byContract, env, &failures) }
    return windows
  }

  /// One accumulator per usage key and counted day of a window (none on days of the trial or a free phase).
  static func dayAccumulators(
    _ plan: ExecutablePlan, _ data: Dataset, _ w: inout ProgressiveWindow, _ accs: inout [Accumulator], _ byContract: inout [[Int]],
    _ env: Env, _ failures: inout [RunFailure]
  ) {
    let c = data.contracts[w.contract]
    let spec = plan.plans[c.terms(on: CivilDate(dayNumber: w.arrears.end.dayNumber - 1)).plan]
    c.setRecords(env, data)
    let counted = countedWindows(spec, c, w.arrears.start, w.through, env)
    var keys: [(key: Int, metric: Int, charge: CompiledCharge?)] = []
    for (k, ch) in spec.charges.enumerated() where spec.clock(of: ch) == nil {
      guard case .usage = ch.quantity else { continue }
      for m in usageKeys(ch, k, spec) where !keys.contains(where: { $0.key == m }) {
        keys.append((m, m >= 0 ? m : metricOf(ch), ch))
      }
    }
    for t in spec.thresholds {
      if case .units(_, let m) = t.measure, !keys.contains(where: { $0.key == m }) { keys.append((m, m, nil)) }
    }
    var d = w.arrears.start
    while d < w.through {
      let next = d.adding(days: 1) ?? w.through
      var day: [Int: Int] = [:]
      if counted.contains(where: { d >= $0.0 && d < $0.1 }) {
        for (key, metric, ch) in keys {
          var a = Accumulator(metric: metric, contract: w.contract, start: d, end: next)
          if let ch, case .percentage? = ch.pricing { percentageTerms(plan, data, c, ch, spec, from: d, &a, env, &failures) }
          day[key] = accs.count
          byContract[w.contract].append(accs.count)
          accs.append(a)
        }
      }
      w.days.append(day)
      d = next
    }
  }

  /// What one day of a window measured: the usage lines priced to date, and the usage to date of each threshold.
  struct DayUsage {
    var day: CivilDate
    var lines: [InvoiceLine]
    var sources: [RowRef]
  }

  /// The threshold days of a window, in order: each day some threshold was reached for the first time, with the
  /// usage lines to date, the thresholds reached (numbered from 1) and the explanation's steps.
  static func thresholdDays(
    _ plan: ExecutablePlan, _ data: Dataset, _ w: ProgressiveWindow, _ accs: [Accumulator], explaining: Bool, _ env: Env
  ) -> [(usage: DayUsage, numbers: [Int], steps: [BillingStep])] {
    let c = data.contracts[w.contract]
    let spec = plan.plans[c.terms(on: CivilDate(dayNumber: w.arrears.end.dayNumber - 1)).plan]
    c.setRecords(env, data)
    // Thresholds in ascending order of their values (an amount that cannot be evaluated fails the run).
    var thresholds: [(CompiledThreshold, Fixed)] = []
    for t in spec.thresholds {
      switch t.measure {
      case .units(let n, _): thresholds.append((t, n))
      case .amount(let e): if case .money(let v, _) = e.eval(env) { thresholds.append((t, v)) }
      }
    }
    thresholds.sort { $0.1 < $1.1 }
    var cumulative: [Int: Accumulator] = [:]
    var out: [(DayUsage, [Int], [BillingStep])] = []
    var next = 0
    var d = w.arrears.start
    let counted = countedWindows(spec, c, w.arrears.start, w.through, env)
    for day in w.days {
      defer { d = d.adding(days: 1) ?? d }
      for (key, ai) in day {
        if cumulative[key] == nil {
          var a = accs[ai]
          a.start = w.arrears.start
          cumulative[key] = a
        } else if !merge(&cumulative[key]!, accs[ai]) {
          env.fail(tooLarge(plan, data, accs[ai]).message, rule: spec.source)
        }
      }
      guard next < thresholds.count, !day.isEmpty else { continue }
      let usage = usageToDate(plan, data, c, w, d, cumulative, counted, explaining: explaining, env)
      var numbers: [Int] = []
      var steps: [BillingStep] = []
      while next < thresholds.count {
        let (t, value) = thresholds[next]
        let reached: Fixed
        let words: (String, String)
        switch t.measure {
        case .amount:
          reached = sum(usage.lines, t.source, "the usage to date", env)
          words = (money(value, spec.currency), money(reached, spec.currency))
        case .units(_, let m):
          reached = cumulative[m].map { usageQuantity($0, plan.metrics[m], (w.arrears.start, d.adding(days: 1) ?? d, w.arrears.full)) } ?? .zero
          words = ("\(value) units of \(plan.metrics[m].name)", "\(reached) units")
        }
        guard reached >= value else { break }
        next += 1
        numbers.append(next)
        if explaining { steps.append(.thresholdReached(rule: t.source, threshold: words.0, day: d, reached: words.1)) }
      }
      if !numbers.isEmpty { out.append((usage, numbers, steps)) }
    }
    return out
  }

  static func money(_ v: Fixed, _ c: Currency) -> String { "\(v.formatted(places: c.minorUnits, grouping: true)) \(c.code)" }

  /// The usage lines of [arrears.start, day]: the cumulative accumulators priced as the period's end prices them.
  static func usageToDate(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ w: ProgressiveWindow, _ day: CivilDate, _ cumulative: [Int: Accumulator],
    _ counted: [(CivilDate, CivilDate)], explaining: Bool, _ env: Env
  ) -> DayUsage {
    let end = day.adding(days: 1) ?? day
    var local: [Accumulator] = []
    var t = BillTask(contract: w.contract, date: end, advance: nil, arrears: (w.arrears.start, end, w.arrears.full), periodNumber: w.periodNumber)
    for (key, a) in cumulative.sorted(by: { $0.key < $1.key }) {
      t.usage[key] = local.count
      local.append(a)
    }
    t.lastUsageDay = counted.last { $0.0 <= day }.map { CivilDate.min(day, CivilDate(dayNumber: $0.1.dayNumber - 1)) }
    var sources: [RowRef] = []
    let was = env.explaining
    env.explaining = explaining
    defer { env.explaining = was }
    let lines = usageLines(plan, data, c, t, t.arrears!, local, &sources, env).lines
    return DayUsage(day: day, lines: lines, sources: sources)
  }
}
