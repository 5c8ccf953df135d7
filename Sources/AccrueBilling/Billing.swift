import AccrueData
import AccrueModel
import Foundation
import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport

/// One invoice to compute: a contract and a billing date in the run's window.
struct BillTask {
  var contract: Int
  var date: CivilDate
  /// Advance period [start, end) and the full period it belongs to (for proration), if any.
  var advance: (start: CivilDate, end: CivilDate, full: (CivilDate, CivilDate))?
  /// Arrears period and its full period, if any.
  var arrears: (start: CivilDate, end: CivilDate, full: (CivilDate, CivilDate))?
  /// 0 for the first invoice of the contract, then one more per period.
  var periodNumber: Int
  /// Usage accumulators of this task's arrears period, by metric index.
  var usage: [Int: Int] = [:]
  /// The last day of the arrears period whose usage counts (outside the trial and free phases); nil when
  /// no day counts, or the plan has no usage charge. Its phase prices the period's usage.
  var lastUsageDay: CivilDate?
}

/// Aggregates one metric over one period for one contract.
struct Accumulator {
  var metric: Int
  var contract: Int
  /// The window [start, end) whose events count (within the period, outside the trial and free phases).
  var start: CivilDate
  var end: CivilDate
  var sum = Fixed.zero
  var count = 0
  var max: Fixed?
  var latest: (CivilDate, String, Fixed)?
  var unique: Set<RValue> = []
  var events = 0
  var firstRows: [RowRef] = []
  /// Percentage pricing: the sum of per-transaction fees, when the metric feeds a percentage charge.
  var fees = Fixed.zero
  /// Whether the metric feeds a percentage charge with a free allowance (the period's first transactions or
  /// first amount of volume): fees then depend on the order of the transactions, so each is kept and the fees
  /// are worked out on the invoice (`percentageFees`).
  var keepsTransactions = false
  var transactions: [(date: CivilDate, id: String, amount: Fixed)] = []
  var percentage: (rate: Fixed, fee: Fixed?, min: Fixed?, max: Fixed?)?
  var currency: Currency?
}

/// Carries the second thread's invoices back (written once before the join).
final class ResultBox: @unchecked Sendable {
  var value: (invoices: [PlannedInvoice], failures: [RunFailure], already: Int, zero: Int)?
}

/// Runs billing: which invoices are due in (since, asOf], with every line computed and explained.
public enum Billing {
  /// Progress reports: a phase name and how far it is (done, total; total 0 when unknown).
  public typealias Progress = (String, Int, Int) -> Void

  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate? = nil, progress: Progress? = nil,
    explain: String? = nil, usageChunkBytes: Int? = nil
  ) -> (BillingResult, [DataIssue]) {
    let env = Env(asOf: asOf)
    env.lets = []
    for l in plan.lets { env.lets.append(l.eval(env)) }
    let from = since ?? asOf.adding(months: -1, .clamp) ?? asOf
    var failures: [RunFailure] = []
    if let f = env.failure { failures.append(plan.failure(f, "the rule set's definitions")) }

    // 1. Billing dates in (from, asOf] for every contract.
    var tasks: [BillTask] = []
    for (ci, c) in data.contracts.enumerated() {
      tasks.append(contentsOf: billingTasks(plan, data, c, ci, from: from, to: asOf, env))
      if let f = env.failure { failures.append(plan.failure(f, "contract \(c.id)")) }
      env.reset()
    }

    // 2. Usage accumulators for every arrears period being billed.
    var accs: [Accumulator] = []
    var pieces: [(primary: Int, piece: Int)] = []
    var byContract: [[Int]] = Array(repeating: [], count: data.contracts.count)
    for ti in tasks.indices {
      guard let arr = tasks[ti].arrears else { continue }
      let c = data.contracts[tasks[ti].contract]
      let spec = plan.plans[c.terms(on: CivilDate(dayNumber: arr.end.dayNumber - 1)).plan]
      // Usage counts on the period's days outside the trial and outside free phases (found once per task,
      // only for plans with a usage charge).
      var counted: [(CivilDate, CivilDate)]?
      for (k, ch) in spec.charges.enumerated() {
        guard case .usage = ch.quantity, let m = usageKey(ch, k), tasks[ti].usage[m] == nil else { continue }
        let windows = counted ?? countedWindows(spec, c, arr.start, arr.end, env)
        if counted == nil {
          counted = windows
          tasks[ti].lastUsageDay = windows.last.map { CivilDate(dayNumber: $0.1.dayNumber - 1) }
        }
        let first = windows.first ?? (arr.start, arr.start)  // an empty window counts nothing
        var a = Accumulator(metric: metricOf(ch), contract: tasks[ti].contract, start: first.0, end: first.1)
        if case .percentage(let rate, let fee, let mn, let mx)? = ch.pricing {
          c.setRecords(env, data)
          func money(_ e: CExpr?) -> Fixed? {
            guard let e, case .money(let v, _) = e.eval(env) else { return nil }
            return v
          }
          env.reset()
          if case .percent(let r) = rate.eval(env) { a.percentage = (r, money(fee), money(mn), money(mx)) }
          a.keepsTransactions = Billing.hasFreeAllowance(ch, spec)
          if let f = env.failure { failures.append(plan.failure(f, "contract \(c.id), usage of \(ch.name) from \(arr.start)")) }
        }
        let primary = accs.count
        tasks[ti].usage[m] = primary
        byContract[tasks[ti].contract].append(primary)
        accs.append(a)
        // A free phase inside the period leaves several windows: one accumulator each, merged below.
        for w in windows.dropFirst() {
          a.start = w.0
          a.end = w.1
          pieces.append((primary, accs.count))
          byContract[tasks[ti].contract].append(accs.count)
          accs.append(a)
        }
      }
    }
    var issues: [DataIssue] = []
    var usageRows = (total: 0, fast: 0)
    if let usage = data.usage, !accs.isEmpty {
      let r = aggregateUsage(plan, data, usage, &accs, byContract, env, progress, chunkBytes: usageChunkBytes)
      issues += r.issues
      usageRows = r.rows
      failures += r.failures
    }
    for (primary, piece) in pieces where !merge(&accs[primary], accs[piece]) { failures.append(tooLarge(plan, data, accs[primary])) }

    // 3. Invoices: independent per task, so large runs compute them on two threads (each with its own
    // environment) and concatenate the results in task order.
    let frozen = accs
    let allTasks = tasks
    func compute(_ range: Range<Int>, _ env: Env) -> (invoices: [PlannedInvoice], failures: [RunFailure], already: Int, zero: Int) {
      computeInvoices(plan, data, allTasks, range, frozen, explain, env)
    }
    progress?("invoices", 0, tasks.count)
    var parts: [(invoices: [PlannedInvoice], failures: [RunFailure], already: Int, zero: Int)]
    if tasks.count >= 4_000 {
      let half = tasks.count / 2
      let box = ResultBox()
      let done = DispatchSemaphore(value: 0)
      let lets = env.lets
      let count = tasks.count
      let second = Thread {
        let e = Env(asOf: asOf)
        e.lets = lets
        box.value = computeInvoices(plan, data, allTasks, half..<count, frozen, explain, e)
        done.signal()
      }
      second.stackSize = 8 << 20
      second.start()
      let first = compute(0..<half, env)
      done.wait()
      parts = [first, box.value ?? ([], [], 0, 0)]
    } else {
      parts = [compute(0..<tasks.count, env)]
    }
    var invoices = parts.flatMap(\.invoices)
    failures += parts.flatMap(\.failures)
    let already = parts.reduce(0) { $0 + $1.already }
    let zero = parts.reduce(0) { $0 + $1.zero }
    invoices.sort { ($0.issueDate, $0.customerID, $0.contractID) < ($1.issueDate, $1.customerID, $1.contractID) }
    var result = BillingResult(asOf: asOf, since: from, invoices: invoices, alreadyIssued: already, failures: failures)
    result.zeroSkipped = zero
    result.usageRows = usageRows
    return (result, issues)
  }

  /// The invoices of `tasks[range]` (skipping keys already issued).
  static func computeInvoices(
    _ plan: ExecutablePlan, _ data: Dataset, _ tasks: [BillTask], _ range: Range<Int>, _ accs: [Accumulator],
    _ explain: String?, _ env: Env
  ) -> (invoices: [PlannedInvoice], failures: [RunFailure], already: Int, zero: Int) {
    var out: [PlannedInvoice] = []
    var fails: [RunFailure] = []
    var already = 0
    var zero = 0
    for n in range {
      let t = tasks[n]
      let c = data.contracts[t.contract]
      let key = "\(c.id)/\(t.date)"
      if data.issuedPeriods.contains(Dataset.periodKey(t.contract, t.date)) || data.isIssued(key) {
        already += 1
        continue
      }
      env.reset()
      env.explaining = explain == key
      if let inv = invoice(plan, data, t, key: key, accs: accs, env: env) {
        // 'zero invoices skipped': an invoice of nothing is not issued (and counted, so the summary says so).
        if inv.total.isZero, let pi = plan.planIndex[inv.plan], !plan.plans[pi].zeroInvoicesIssued {
          zero += 1
        } else {
          out.append(inv)
        }
      }
      if let f = env.failure { fails.append(plan.failure(f, "invoice \(key)")) }
    }
    return (out, fails, already, zero)
  }

  /// Totals of `o` folded into `a` (exact sums, so the order does not matter); the first rows stay the earliest.
  /// The key of a usage charge's accumulator in `BillTask.usage`: its metric, so charges on one metric share one;
  /// a percentage charge's own (its fees are its rate's), past the metric keys.
  static func usageKey(_ ch: CompiledCharge, _ index: Int) -> Int? {
    guard case .usage(let m) = ch.quantity else { return nil }
    if case .percentage? = ch.pricing { return -(index + 1) }
    return m
  }

  static func metricOf(_ ch: CompiledCharge) -> Int {
    if case .usage(let m) = ch.quantity { return m }
    return -1
  }

  /// (False when a total is too large to represent: the caller stops the run.)
  @discardableResult
  static func merge(_ a: inout Accumulator, _ o: Accumulator) -> Bool {
    guard o.events > 0 else { return true }
    guard let sum = a.sum.adding(o.sum), let fees = a.fees.adding(o.fees) else { return false }
    a.events += o.events
    a.sum = sum
    a.count += o.count
    if let m = o.max { a.max = a.max.map { Swift.max($0, m) } ?? m }
    if let l = o.latest {
      if let cur = a.latest, (cur.0, cur.1) >= (l.0, l.1) {
      } else {
        a.latest = l
      }
    }
    a.unique.formUnion(o.unique)
    a.fees = fees
    a.transactions += o.transactions
    if a.currency == nil { a.currency = o.currency }
    a.firstRows = Array((a.firstRows + o.firstRows).sorted { $0.line < $1.line }.prefix(5))
    return true
  }

  /// A usage total too large to represent.
  static func tooLarge(_ plan: ExecutablePlan, _ data: Dataset, _ a: Accumulator) -> RunFailure {
    RunFailure(
      message: "the usage of metric \(plan.metrics[a.metric].name) is too large to add up", rule: plan.metrics[a.metric].source,
      subject: "contract \(data.contracts[a.contract].id), period from \(a.start)")
  }

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

  /// The billing dates of a contract in (from, to] with their advance and arrears periods.
  static func billingTasks(
    _ plan: ExecutablePlan, _ data: Dataset, _ contract: ContractData, _ ci: Int, from: CivilDate, to: CivilDate, _ env: Env
  ) -> [BillTask] {
    var out: [BillTask] = []
    let spec0 = plan.plans[contract.plan]
    // 'trial ... then new cycle': billing starts at the trial's end, periods counted from there.
    var c = contract
    if spec0.trialStartsCycle {
      contract.setRecords(env, data)
      if let te = trialEnd(spec0, contract, env), te > c.start {
        c.start = te
        c.anchor = te
      }
    }
    let clock0 = PeriodClock(plan: spec0, contract: c)
    guard let startPeriod = clock0.period(containing: c.start) else { return [] }
    let endX = c.endExclusive
    // First invoice on the start date.
    if c.start > from && c.start <= to {
      let advEnd = endX.map { CivilDate.min($0, startPeriod.end) } ?? startPeriod.end
      out.append(
        BillTask(
          contract: ci, date: c.start, advance: (c.start, advEnd, (startPeriod.start, startPeriod.end)), arrears: nil,
          periodNumber: 0))
    }
    // Then each boundary after the start, up to the first boundary at or after the end.
    guard let kFrom = clock0.index(of: CivilDate.max(from, c.start)) else { return out }
    var k = max(kFrom, startPeriod.k) + 1
    while let b = clock0.boundary(k), b <= to {
      defer { k += 1 }
      guard b > c.start, b > from else { continue }
      if let e = endX, let prev = clock0.boundary(k - 1), prev >= e { break }
      guard let prev = clock0.boundary(k - 1), let next = clock0.boundary(k + 1) else { break }
      let arrStart = CivilDate.max(prev, c.start)
      let arrEnd = endX.map { CivilDate.min($0, b) } ?? b
      var task = BillTask(contract: ci, date: b, advance: nil, arrears: nil, periodNumber: k - startPeriod.k)
      if arrStart < arrEnd { task.arrears = (arrStart, arrEnd, (prev, b)) }
      if endX.map({ b < $0 }) ?? true {
        let advEnd = endX.map { CivilDate.min($0, next) } ?? next
        task.advance = (b, advEnd, (b, next))
      }
      out.append(task)
    }
    return out
  }

  // MARK: - Usage

  static func usageQuantity(_ a: Accumulator, _ m: CompiledMetric) -> Fixed {
    switch m.aggregation {
    case .sum: a.sum
    case .count: Fixed(a.count)
    case .max: a.max ?? .zero
    case .latest: a.latest?.2 ?? .zero
    case .uniqueCount: Fixed(a.unique.count)
    }
  }
}
