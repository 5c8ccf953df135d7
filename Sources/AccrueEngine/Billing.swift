import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueParser

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
}

/// Aggregates one metric over one period for one contract.
struct Accumulator {
  var metric: Int
  var contract: Int
  var start: CivilDate
  var end: CivilDate
  var trialEnd: CivilDate?
  var sum = Fixed.zero
  var count = 0
  var max: Fixed?
  var latest: (CivilDate, String, Fixed)?
  var unique: Set<RValue> = []
  var events = 0
  var firstRows: [RowRef] = []
  /// Percentage pricing: the sum of per-transaction fees, when the metric feeds a percentage charge.
  var fees = Fixed.zero
  var percentage: (rate: Fixed, fee: Fixed?, min: Fixed?, max: Fixed?)?
  var currency: Currency?
}

/// Runs billing: which invoices are due in (since, asOf], with every line computed and explained.
public enum Billing {
  /// Progress reports: a phase name and how far it is (done, total; total 0 when unknown).
  public typealias Progress = (String, Int, Int) -> Void

  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate? = nil, progress: Progress? = nil,
    explain: String? = nil
  ) -> (BillingResult, [DataIssue]) {
    let env = Env(asOf: asOf)
    env.lets = []
    for l in plan.lets { env.lets.append(l.eval(env)) }
    let from = since ?? asOf.adding(months: -1, .clamp) ?? asOf
    var failures: [String] = []
    if let f = env.failure { failures.append("\(f.message) (rules: \(f.span.start))") }

    // 1. Billing dates in (from, asOf] for every contract.
    var tasks: [BillTask] = []
    for (ci, c) in data.contracts.enumerated() {
      tasks.append(contentsOf: billingTasks(plan, c, ci, from: from, to: asOf))
    }

    // 2. Usage accumulators for every arrears period being billed.
    var accs: [Accumulator] = []
    var byContract: [[Int]] = Array(repeating: [], count: data.contracts.count)
    for ti in tasks.indices {
      guard let arr = tasks[ti].arrears else { continue }
      let c = data.contracts[tasks[ti].contract]
      let spec = plan.plans[c.terms(on: CivilDate(dayNumber: arr.end.dayNumber - 1)).plan]
      let trialEnd = trialEnd(spec, c, env)
      for ch in spec.charges {
        guard case .usage(let m) = ch.quantity, tasks[ti].usage[m] == nil else { continue }
        var a = Accumulator(metric: m, contract: tasks[ti].contract, start: arr.start, end: arr.end, trialEnd: trialEnd)
        if case .percentage(let rate, let fee, let mn, let mx)? = ch.pricing {
          setRecords(env, data, c)
          func money(_ e: CExpr?) -> Fixed? {
            guard let e, case .money(let v, _) = e.eval(env) else { return nil }
            return v
          }
          if case .percent(let r) = rate.eval(env) { a.percentage = (r, money(fee), money(mn), money(mx)) }
        }
        tasks[ti].usage[m] = accs.count
        byContract[tasks[ti].contract].append(accs.count)
        accs.append(a)
      }
    }
    var issues: [DataIssue] = []
    if let usage = data.usage, !accs.isEmpty {
      issues += aggregateUsage(plan, data, usage, &accs, byContract, env, progress)
    }

    // 3. Invoices.
    var invoices: [PlannedInvoice] = []
    var already = 0
    for (n, t) in tasks.enumerated() {
      if n % 10_000 == 0 { progress?("invoices", n, tasks.count) }
      let c = data.contracts[t.contract]
      let key = "\(c.id)/\(t.date)"
      if data.issuedKeys.contains(key) {
        already += 1
        continue
      }
      env.reset()
      env.explaining = explain == key
      if let inv = invoice(plan, data, t, key: key, accs: accs, env: env) {
        invoices.append(inv)
      }
      if let f = env.failure { failures.append("\(key): \(f.message)") }
    }
    invoices.sort { ($0.issueDate, $0.customerID, $0.contractID) < ($1.issueDate, $1.customerID, $1.contractID) }
    return (BillingResult(asOf: asOf, since: from, invoices: invoices, alreadyIssued: already, failures: failures), issues)
  }

  static func setRecords(_ env: Env, _ data: Dataset, _ c: ContractData) {
    env.records[RecordKind.contract.index] = c.record
    env.records[RecordKind.customer.index] = data.customers[c.customer].record
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
  static func billingTasks(_ plan: ExecutablePlan, _ c: ContractData, _ ci: Int, from: CivilDate, to: CivilDate) -> [BillTask] {
    var out: [BillTask] = []
    let spec0 = plan.plans[c.plan]
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

  static func aggregateUsage(
    _ plan: ExecutablePlan, _ data: Dataset, _ file: TableFile, _ accs: inout [Accumulator], _ byContract: [[Int]], _ env: Env,
    _ progress: Progress?
  ) -> [DataIssue] {
    var seen = 0
    let p = plan.program
    let fields = p.fields(of: .event)
    let cols = data.usageSchema.columns
    func col(_ n: String) -> Int { cols.firstIndex { $0.name == n } ?? -1 }
    let (cId, cCust, cCon, cDate, cName, cQty, cCur) = (
      col("id"), col("customer"), col("contract"), col("date"), col("name"), col("quantity"), col("currency")
    )
    var issues: [DataIssue] = []
    // Contracts of each customer that meter something in this run.
    var meteredByCustomer: [Int: [Int]] = [:]
    for (ci, list) in byContract.enumerated() where !list.isEmpty {
      meteredByCustomer[data.contracts[ci].customer, default: []].append(ci)
    }
    // Only the event fields some metric reads are converted, straight into the environment's slots.
    var used = Set<Int>()
    for r in p.resolutions {
      if case .field(.event, let slot)? = r { used.insert(slot) }
    }
    let convert: [(column: Int, slot: Int)] = data.usageSlots.enumerated().filter { used.contains($0.element) }.map { ($0.offset, $0.element) }
    let ev = RecordKind.event.index
    let fast = plan.metrics.indices.map { FastMetric.make($0, p, data) }
    // Hot data laid out for the per-event loop (events hit contracts at random, so what each event
    // touches must be small and contiguous): one 16-byte window per accumulator, the accumulators of a
    // contract as one index range, and the running sums apart from the rarely used fields.
    // One cache line per accumulator: its window and its running totals.
    struct Hot {
      var sum = Fixed.zero
      var max = Fixed.zero
      var start: Int32
      var end: Int32
      var trialEnd: Int32
      var events: Int32 = 0
      var count: Int32 = 0
      var metric: Int16
      var percentage: Bool
      var hasMax = false
    }
    var hot: [Hot] = accs.map {
      Hot(
        start: $0.start.dayNumber, end: $0.end.dayNumber, trialEnd: $0.trialEnd?.dayNumber ?? Int32.min,
        metric: Int16(truncatingIfNeeded: $0.metric), percentage: $0.percentage != nil)
    }
    let ranges: [(Int32, Int32)] = byContract.map { list in
      guard let first = list.first else { return (0, 0) }
      // Accumulators are created contract by contract, so a contract's list is a contiguous range.
      return list.last! - first + 1 == list.count ? (Int32(first), Int32(list.count)) : (-1, 0)
    }
    let contractCustomer: [String] = data.contracts.map { data.customers[$0.customer].id }
    let eventNames: [String?] = plan.metrics.map(\.eventName)
    env.records[ev] = fields.map { Schemas.defaultValue($0.type, currency: nil) }
    let qtySlot = fields.first { $0.name == "quantity" }?.index
    let streamIssues = TableReader.stream(file, schema: data.usageSchema) { row in
      seen += 1
      if seen % 1_000_000 == 0 { progress?("usage events", seen, 0) }
      guard case .text(let cust) = row.values[cCust], case .date(let date) = row.values[cDate],
        case .text(let name) = row.values[cName]
      else { return }
      var single = -1
      var candidates: [Int] = []
      if case .text(let con) = row.values[cCon] {
        guard let ci = data.contractIndex[con] else {
          issues.append(
            DataIssue(code: "D0302", file: file.path, line: row.line, column: row.columns[cCon], message: "unknown contract '\(con)'", record: row.raw))
          return
        }
        guard contractCustomer[ci] == cust else {
          let known = data.customerIndex[cust] != nil
          issues.append(
            DataIssue(
              code: known ? "D0307" : "D0301", file: file.path, line: row.line, column: row.columns[cCust],
              message: known ? "contract '\(con)' belongs to another customer than '\(cust)'" : "unknown customer '\(cust)'",
              record: row.raw))
          return
        }
        single = ci
      } else {
        guard let custIndex = data.customerIndex[cust] else {
          issues.append(
            DataIssue(code: "D0301", file: file.path, line: row.line, column: row.columns[cCust], message: "unknown customer '\(cust)'", record: row.raw))
          return
        }
        candidates = meteredByCustomer[custIndex] ?? []
      }
      var built = false
      let day = date.dayNumber
      func visit(_ ci: Int) {
        let (lo, n) = ranges[ci]
        if lo < 0 {
          for ai in byContract[ci] { consider(ai) }
        } else {
          for ai in Int(lo)..<Int(lo + n) { consider(ai) }
        }
      }
      func consider(_ ai: Int) {
          guard day >= hot[ai].start, day < hot[ai].end, day >= hot[ai].trialEnd else { return }
          let mi = Int(hot[ai].metric)
          if let en = eventNames[mi], en != name { return }
          if let fm = fast[mi] {
            // Filters and value read straight from the row; sums, counts and maxima stay in the hot array.
            guard fm.passes(row) else { return }
            let v = fm.value(row)
            switch plan.metrics[mi].aggregation {
            case .sum, .count, .max:
              hot[ai].events += 1
              if hot[ai].events <= 5 { accs[ai].firstRows.append(RowRef(file: file.path, line: row.line)) }
              hot[ai].sum = hot[ai].sum.adding(v) ?? hot[ai].sum
              hot[ai].count += 1
              if !hot[ai].hasMax || v > hot[ai].max {
                hot[ai].max = v
                hot[ai].hasMax = true
              }
              if hot[ai].percentage { percentageFee(ai, v) }
            default:
              accumulate(ai, plan.metrics[mi], v, .number(v), row)
            }
            return
          }
          let m = plan.metrics[mi]
          if !built {
            var currency: Currency?
            if case .currency(let c) = row.values[cCur] { currency = c }
            for (k, slot) in convert {
              env.records[ev][slot] = Schemas.value(row.values[k], fields[slot].type, currency: currency)
            }
            if let qs = qtySlot, used.contains(qs), case .missing = row.values[cQty] { env.records[ev][qs] = .number(Fixed(1)) }
            built = true
          }
          env.reset()
          var pass = true
          for f in m.filters where !f.eval(env).isTrue {
            pass = false
            break
          }
          guard pass else { return }
          let value: RValue = m.value.map { $0.eval(env) } ?? .number(Fixed(1))
          let amount: Fixed
          switch value {
          case .number(let x): amount = x
          case .money(let x, let c):
            amount = x
            accs[ai].currency = c
          default: amount = .zero
          }
          accumulate(ai, m, amount, value, row)
      }
      func accumulate(_ ai: Int, _ m: CompiledMetric, _ amount: Fixed, _ value: RValue, _ row: borrowing Row) {
          accs[ai].events += 1
          if accs[ai].firstRows.count < 5 { accs[ai].firstRows.append(RowRef(file: file.path, line: row.line)) }
          switch m.aggregation {
          case .sum: accs[ai].sum = accs[ai].sum.adding(amount) ?? accs[ai].sum
          case .count: accs[ai].count += 1
          case .max: accs[ai].max = accs[ai].max.map { Swift.max($0, amount) } ?? amount
          case .latest:
            let idText: String = { if case .text(let s) = row.values[cId] { return s } else { return "" } }()
            if let l = accs[ai].latest, (l.0, l.1) > (date, idText) {
            } else {
              accs[ai].latest = (date, idText, amount)
            }
          case .uniqueCount: accs[ai].unique.insert(value)
          }
          if accs[ai].percentage != nil { percentageFee(ai, amount) }
      }
      func percentageFee(_ ai: Int, _ amount: Fixed) {
        guard let pct = accs[ai].percentage else { return }
        // Per transaction: rate x amount + fee, clamped to [min, max].
        var fee = amount.multiplied(by: pct.rate) ?? .zero
        if let f = pct.fee { fee = fee.adding(f) ?? fee }
        if let mn = pct.min, fee < mn { fee = mn }
        if let mx = pct.max, fee > mx { fee = mx }
        accs[ai].fees = accs[ai].fees.adding(fee) ?? accs[ai].fees
      }
      if single >= 0 {
        visit(single)
      } else {
        for ci in candidates { visit(ci) }
      }
    }
    for ai in accs.indices where hot[ai].events > 0 {
      accs[ai].events += Int(hot[ai].events)
      accs[ai].sum = accs[ai].sum.adding(hot[ai].sum) ?? accs[ai].sum
      accs[ai].count += Int(hot[ai].count)
      if hot[ai].hasMax { accs[ai].max = accs[ai].max.map { Swift.max($0, hot[ai].max) } ?? hot[ai].max }
    }
    return streamIssues + issues
  }

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
