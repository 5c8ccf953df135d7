import AccrueData
import AccrueModel
import AccrueParallel
import Foundation
import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport

/// Runs billing: which invoices are due in (since, asOf], with every line computed and explained.
public enum Billing {
  /// Progress reports: a phase name and how far it is (done, total; total 0 when unknown).
  public typealias Progress = (String, Int, Int) -> Void
  /// Some tasks' invoices: those to issue, the rules that failed, how many were already issued, how many were
  /// skipped for a zero total.
  typealias InvoicePart = (invoices: [PlannedInvoice], failures: [RunFailure], already: Int, zero: Int)

  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate? = nil, progress: Progress? = nil,
    explain: String? = nil, usageChunkBytes: Int? = nil
  ) -> (BillingResult, [DataIssue]) {
    let env = Env(asOf: asOf)
    env.lets = []
    for l in plan.lets { env.lets.append(l.eval(env)) }
    let data = decidingPlanChanges(plan, data, env)  // Billing+PlanChanges: upgrades and downgrades (§6.11)
    let from = since ?? asOf.adding(months: -1, .clamp) ?? asOf
    var failures: [RunFailure] = []
    if let f = env.failure { failures.append(plan.failure(f, "the rule set's definitions")) }

    // 1. Billing dates in (from, asOf] for every contract.
    let dates = billingDates(plan, data, from: from, to: asOf, env)
    var tasks = dates.tasks
    failures += dates.failures
    // The earlier billing dates of each term closing in the window with a commitment (Billing+ContractTerm).
    let shadowFrom = tasks.count
    termShadowTasks(plan, data, &tasks, env)
    PhaseLog.mark("billing dates")

    // 2. Usage accumulators for every arrears period being billed, filled from the usage file.
    var accs: [Accumulator]
    let pieces: [(primary: Int, piece: Int)]
    var byContract: [[Int]]
    (accs, pieces, byContract) = usageAccumulators(plan, data, &tasks, env, &failures)  // `accs` the only owner: filled in place
    // Plans that bill early: their periods measured day by day (Billing+Progressive).
    let windows = progressiveWindows(plan, data, tasks, asOf: asOf, &accs, &byContract, env, &failures)
    var issues: [DataIssue] = []
    var usageRows = (total: 0, fast: 0)
    if let usage = data.usage, !accs.isEmpty {
      let r = aggregateUsage(plan, data, usage, &accs, byContract, env, progress, chunkBytes: usageChunkBytes)
      issues += r.issues
      usageRows = r.rows
      failures += r.failures
    }
    for (primary, piece) in pieces where !merge(&accs[primary], accs[piece]) { failures.append(tooLarge(plan, data, accs[primary])) }
    PhaseLog.mark("usage")
    termSpend(plan, data, &tasks, from: shadowFrom, accs, env, &failures)
    let early = thresholdInvoices(plan, data, windows, &tasks, accs, from: from, to: asOf, explain: explain, env)  // Billing+ProgressiveInvoices

    // 3. Invoices, independent per task.
    var parts = invoiceParts(plan, data, tasks, accs, explain, env, progress)
    var invoices = joined(&parts)
    for part in parts { failures += part.failures }
    var groupedAlready = 0
    do {
      let grouped = consolidated(plan, data, invoices, already: &groupedAlready)  // Billing+Consolidate: 'invoice per customer'
      failures += grouped.failures
      invoices = grouped.invoices
    }  // (`grouped` gone: `invoices` holds its storage alone again, so appending copies nothing)
    let milestones = milestoneInvoices(plan, data, from: from, to: asOf, explain: explain, env)  // Billing+Milestones
    if !milestones.invoices.isEmpty { invoices += milestones.invoices }
    if !early.invoices.isEmpty { invoices += early.invoices }
    failures += milestones.failures + early.failures
    let already = parts.reduce(0) { $0 + $1.already } + milestones.already + groupedAlready + early.already
    let zero = parts.reduce(0) { $0 + $1.zero }
    PhaseLog.mark("invoices")
    // Sorted by index, then each moved once, in place (sorting the invoices moved each many times; a copy of each
    // retained all its strings).
    permute(&invoices, outputOrder(invoices))
    PhaseLog.mark("invoices sorted")
    var result = BillingResult(asOf: asOf, since: from, invoices: invoices, alreadyIssued: already, failures: failures)
    result.zeroSkipped = zero
    result.usageRows = usageRows
    return (result, issues)
  }

  /// Puts `a[order[k]]` at `k` for every k (`order` a permutation of `a`'s indices), moving each element once, bit for
  /// bit, along the permutation's cycles: `a = order.map { a[$0] }` without a copy of any element (no retain, no
  /// release).
  static func permute<T>(_ a: inout [T], _ order: [Int]) {
    precondition(order.count == a.count, "not a permutation")
    a.withUnsafeMutableBufferPointer { buf in
      guard let p = buf.baseAddress else { return }
      var done = [Bool](repeating: false, count: buf.count)
      for start in buf.indices where !done[start] {
        done[start] = true
        guard order[start] != start else { continue }
        let first = (p + start).move()
        var k = start
        while order[k] != start {
          (p + k).moveInitialize(from: p + order[k], count: 1)
          k = order[k]
          done[k] = true
        }
        (p + k).initialize(to: first)
      }
    }
  }

  /// The parts' invoices in part order, in one array: moved bit for bit, each part left holding placeholders (a
  /// copy retained every string an invoice holds, and the parts then released them all).
  static func joined(_ parts: inout [InvoicePart]) -> [PlannedInvoice] {
    let total = parts.reduce(0) { $0 + $1.invoices.count }
    return [PlannedInvoice](unsafeUninitializedCapacity: total) { out, count in
      count = 0
      for k in parts.indices {
        parts[k].invoices.withUnsafeMutableBufferPointer { src in
          guard let from = src.baseAddress, let to = out.baseAddress else { return }
          (to + count).moveInitialize(from: from, count: src.count)
          from.initialize(repeating: .placeholder, count: src.count)
          count += src.count
        }
      }
    }
  }

  /// The billing dates of every contract in (from, to], in contract order, with the rules that failed on a contract.
  /// Contracts are independent, so large runs take them in two halves on two threads, each with its own environment
  /// (the halves joined in order: the same list as one pass; `BillingDatesTests`).
  static func billingDates(
    _ plan: ExecutablePlan, _ data: Dataset, from: CivilDate, to: CivilDate, _ env: Env, twoThreadsFrom: Int = 8_000
  ) -> (tasks: [BillTask], failures: [RunFailure]) {
    let n = data.contracts.count
    guard n >= twoThreadsFrom, n >= 2 else { return billingDates(plan, data, 0..<n, from: from, to: to, env) }
    let half = n / 2
    let box = ThreadResult<(tasks: [BillTask], failures: [RunFailure])>()
    let done = DispatchSemaphore(value: 0)
    let lets = env.lets
    let asOf = env.asOf
    let second = Thread {
      let e = Env(asOf: asOf)
      e.lets = lets
      box.value = billingDates(plan, data, half..<n, from: from, to: to, e)
      done.signal()
    }
    second.stackSize = 8 << 20
    second.start()
    var first = billingDates(plan, data, 0..<half, from: from, to: to, env)
    done.wait()
    if let rest = box.value {
      first.tasks += rest.tasks
      first.failures += rest.failures
    }
    return first
  }

  /// The billing dates of `data.contracts[range]`.
  static func billingDates(
    _ plan: ExecutablePlan, _ data: Dataset, _ range: Range<Int>, from: CivilDate, to: CivilDate, _ env: Env
  ) -> (tasks: [BillTask], failures: [RunFailure]) {
    var tasks: [BillTask] = []
    var failures: [RunFailure] = []
    for ci in range {
      allBillingTasks(plan, data, data.contracts[ci], ci, from: from, to: to, env, into: &tasks)  // Billing+ChargePeriods
      if let f = env.failure { failures.append(plan.failure(f, "contract \(data.contracts[ci].id)")) }
      env.reset()
    }
    return (tasks, failures)
  }

  /// The invoices' output order: by issue date, customer id, contract id (as `String` orders them), then as
  /// computed. When every id is ASCII (for them `String`'s order is their bytes' order; `OutputOrderTests`), each
  /// invoice's fields are read once into a key of integers (`asciiPrefixKey`: an id's first 16 bytes), and ids are
  /// compared whole only when their keys are equal and one is longer than 16 bytes.
  static func outputOrder(_ invoices: [PlannedInvoice]) -> [Int] {
    invoices.withUnsafeBufferPointer { inv in
      func isASCII(_ s: String) -> Bool { s.withBytes { b in !b.contains { $0 >= 0x80 } } }
      guard inv.allSatisfy({ isASCII($0.customerID) && isASCII($0.contractID) }) else { return generalOrder(inv) }
      struct Key {
        var date: CivilDate
        var customer: (UInt64, UInt64)
        var contract: (UInt64, UInt64)
        var customerCount: Int
        var contractCount: Int
        var index: Int
      }
      // Keys made in issue-date order: the sort below (which finds the runs already in order) then meets long runs
      // whenever the ids come in order within a day; its result does not depend on the order it is given the keys
      // in (the index breaks every tie).
      var keys = byDay(inv).map { i in
        Key(
          date: inv[i].issueDate, customer: inv[i].customerID.asciiPrefixKey, contract: inv[i].contractID.asciiPrefixKey,
          customerCount: inv[i].customerID.utf8.count, contractCount: inv[i].contractID.utf8.count, index: i)
      }
      // Two ids of equal keys: equal if both fit in 16 bytes and are as long (a shorter one comes first: the rest of
      // the longer is NUL bytes), else compared byte by byte.
      func order(_ ka: (UInt64, UInt64), _ kb: (UInt64, UInt64), _ na: Int, _ nb: Int, _ a: () -> String, _ b: () -> String) -> Int {
        if ka != kb { return ka < kb ? -1 : 1 }
        if na <= 16 && nb <= 16 { return na - nb }
        return a().utf8Order(b())
      }
      keys.sort { a, b in
        if a.date != b.date { return a.date < b.date }
        let c = order(a.customer, b.customer, a.customerCount, b.customerCount, { inv[a.index].customerID }, { inv[b.index].customerID })
        if c != 0 { return c < 0 }
        let k = order(a.contract, b.contract, a.contractCount, b.contractCount, { inv[a.index].contractID }, { inv[b.index].contractID })
        return k != 0 ? k < 0 : a.index < b.index
      }
      return keys.map(\.index)
    }
  }

  /// The invoices' indices in issue-date order, each day's in index order (a counting sort when the days span no more
  /// than a few days per invoice; else index order).
  static func byDay(_ inv: UnsafeBufferPointer<PlannedInvoice>) -> [Int] {
    guard !inv.isEmpty else { return [] }
    var lo = inv[0].issueDate.dayNumber
    var hi = lo
    for i in inv.indices {
      lo = Swift.min(lo, inv[i].issueDate.dayNumber)
      hi = Swift.max(hi, inv[i].issueDate.dayNumber)
    }
    guard Int(hi) - Int(lo) < 4 * inv.count + 64 else { return Array(inv.indices) }
    var next = [Int](repeating: 0, count: Int(hi) - Int(lo) + 2)  // where each day's indices go
    for i in inv.indices { next[Int(inv[i].issueDate.dayNumber) - Int(lo) + 1] += 1 }
    for d in 1..<next.count { next[d] += next[d - 1] }
    var out = [Int](repeating: 0, count: inv.count)
    for i in inv.indices {
      let d = Int(inv[i].issueDate.dayNumber) - Int(lo)
      out[next[d]] = i
      next[d] += 1
    }
    return out
  }

  /// The output order by its definition: (issue date, customer id, contract id, index) as `String` and tuples compare.
  static func generalOrder(_ inv: UnsafeBufferPointer<PlannedInvoice>) -> [Int] {
    inv.indices.sorted { a, b in
      (inv[a].issueDate, inv[a].customerID, inv[a].contractID, a) < (inv[b].issueDate, inv[b].customerID, inv[b].contractID, b)
    }
  }

  /// The usage accumulators of every arrears period being billed: one per task and usage metric (a percentage
  /// charge has its own), over the days whose usage counts. A free phase inside the period leaves several
  /// windows, one accumulator each: `pieces`, merged into the first once usage is aggregated. `byContract`: each
  /// contract's accumulators. Sets each task's `usage` and `lastUsageDay`.
  static func usageAccumulators(
    _ plan: ExecutablePlan, _ data: Dataset, _ tasks: inout [BillTask], _ env: Env, _ failures: inout [RunFailure]
  ) -> (accs: [Accumulator], pieces: [(primary: Int, piece: Int)], byContract: [[Int]]) {
    var accs: [Accumulator] = []
    var pieces: [(primary: Int, piece: Int)] = []
    var byContract: [[Int]] = Array(repeating: [], count: data.contracts.count)
    let usageCharges = plan.plans.map(usageChargesOf)
    data.contracts.withUnsafeBufferPointer { contracts in
      for ti in tasks.indices {
        guard let arr = tasks[ti].arrears else { continue }
        let ci = tasks[ti].contract
        let c = contracts[ci]  // (one copy: read three times, the contract was copied three times)
        let p = c.terms(on: CivilDate(dayNumber: arr.end.dayNumber - 1)).plan
        guard !usageCharges[p].isEmpty else { continue }
        let spec = plan.plans[p]
        // Usage counts on the period's days outside the trial and outside free phases (found once per task,
        // only for plans with a usage charge).
        var counted: [(CivilDate, CivilDate)]?
        for u in usageCharges[p] where u.clock == tasks[ti].clock {
          for m in u.keys {
            guard tasks[ti].usage[m] == nil else { continue }
            let windows = counted ?? countedWindows(spec, c, arr.start, arr.end, env)
            if counted == nil {
              counted = windows
              tasks[ti].lastUsageDay = windows.last.map { CivilDate(dayNumber: $0.1.dayNumber - 1) }
            }
            let first = windows.first ?? (arr.start, arr.start)  // an empty window counts nothing
            var a = Accumulator(metric: m >= 0 ? m : u.metric, contract: ci, start: first.0, end: first.1)
            if u.percentage { percentageTerms(plan, data, c, spec.charges[u.charge], spec, from: arr.start, &a, env, &failures) }
            let primary = accs.count
            tasks[ti].usage[m] = primary
            byContract[ci].append(primary)
            accs.append(a)
            // A free phase inside the period leaves several windows: one accumulator each, merged below.
            for w in windows.dropFirst() {
              a.start = w.0
              a.end = w.1
              pieces.append((primary, accs.count))
              byContract[ci].append(accs.count)
              accs.append(a)
            }
          }
        }
      }
    }
    return (accs, pieces, byContract)
  }

  /// What `usageAccumulators` reads of a plan's usage charge, found once per plan (per task, each task copied every
  /// charge of its plan out of the plan, ~800 instructions): its index, its clock, the accumulator keys it reads
  /// (`usageKeys` under capacity pricing, else `usageKey`'s), its metric, whether it is priced as a percentage.
  struct UsageCharge {
    var charge: Int
    var clock: ChargeClock?
    var keys: [Int]
    var metric: Int
    var percentage: Bool
  }

  /// A plan's usage charges, in charge order.
  static func usageChargesOf(_ spec: CompiledPlanSpec) -> [UsageCharge] {
    spec.charges.indices.compactMap { k in
      let ch = spec.charges[k]
      guard case .usage = ch.quantity else { return nil }
      let keys: [Int]
      if case .capacity? = ch.pricing { keys = usageKeys(ch, k, spec) } else { keys = usageKey(ch, k).map { [$0] } ?? [] }
      let percentage: Bool
      if case .percentage? = ch.pricing { percentage = true } else { percentage = false }
      return UsageCharge(charge: k, clock: spec.clock(of: ch), keys: keys, metric: metricOf(ch), percentage: percentage)
    }
  }

  /// A percentage charge's terms for one period, read once: its rate, fixed fee, minimum and maximum per
  /// transaction, and whether it has a free allowance.
  static func percentageTerms(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ ch: CompiledCharge, _ spec: CompiledPlanSpec, from start: CivilDate,
    _ a: inout Accumulator, _ env: Env, _ failures: inout [RunFailure]
  ) {
    guard case .percentage(let rate, let fee, let mn, let mx)? = ch.pricing else { return }
    c.setRecords(env, data)
    func money(_ e: CExpr?) -> Fixed? {
      guard let e, case .money(let v, _) = e.eval(env) else { return nil }
      return v
    }
    env.reset()
    if case .percent(let r) = rate.eval(env) { a.percentage = (r, money(fee), money(mn), money(mx)) }
    a.keepsTransactions = Billing.hasFreeAllowance(ch, spec)
    if let f = env.failure { failures.append(plan.failure(f, "contract \(c.id), usage of \(ch.name) from \(start)")) }
  }

  /// The invoices of every task, in parts in task order. Tasks are independent, so large runs compute them on two
  /// threads, each with its own environment.
  static func invoiceParts(
    _ plan: ExecutablePlan, _ data: Dataset, _ tasks: [BillTask], _ accs: [Accumulator], _ explain: String?, _ env: Env,
    _ progress: Progress? = nil
  ) -> [InvoicePart] {
    guard tasks.count >= 4_000 else { return [computeInvoices(plan, data, tasks, 0..<tasks.count, accs, explain, env, progress)] }
    let half = groupEnd(tasks, tasks.count / 2 - 1, tasks.count)  // an invoice's tasks stay together
    let box = ThreadResult<InvoicePart>()
    let done = DispatchSemaphore(value: 0)
    let lets = env.lets
    let asOf = env.asOf
    let second = Thread {
      let e = Env(asOf: asOf)
      e.lets = lets
      box.value = computeInvoices(plan, data, tasks, half..<tasks.count, accs, explain, e)
      done.signal()
    }
    second.stackSize = 8 << 20
    second.start()
    // Progress from this thread's half (the other one goes at about the same pace).
    let halfProgress: Progress? = progress.map { p in { p("invoices, first half", $1, $2) } }
    let first = computeInvoices(plan, data, tasks, 0..<half, accs, explain, env, halfProgress)
    done.wait()
    return [first, box.value ?? ([], [], 0, 0)]
  }

  /// An invoice's key, "contract/date" (`String.concat(id, "/", date.description)`), with the date's ten bytes written
  /// in place (no string made for the date; `InvoiceKeyTests`).
  static func invoiceKey(_ id: String, _ date: CivilDate) -> String {
    var id = id
    let n = id.utf8.count
    let key = String(unsafeUninitializedCapacity: n + 11) { buf in
      guard let out = buf.baseAddress else { return 0 }
      id.withUTF8 { b in
        if let base = b.baseAddress, !b.isEmpty { out.initialize(from: base, count: b.count) }
      }
      out[n] = UInt8(ascii: "/")
      return date.writeISO(into: out + n + 1) ? n + 11 : 0
    }
    return key.isEmpty ? .concat(id, "/", date.description) : key  // (a year past four digits)
  }

  /// The invoices of `tasks[range]` (skipping keys already issued).
  static func computeInvoices(
    _ plan: ExecutablePlan, _ data: Dataset, _ tasks: [BillTask], _ range: Range<Int>, _ accs: [Accumulator],
    _ explain: String?, _ env: Env, _ progress: Progress? = nil
  ) -> InvoicePart {
    var out: [PlannedInvoice] = []
    var fails: [RunFailure] = []
    var already = 0
    var zero = 0
    var next = range.lowerBound
    for n in range where n >= next {
      if (n - range.lowerBound) % 4096 == 0 { progress?("invoices", n - range.lowerBound, range.count) }
      next = groupEnd(tasks, n, range.upperBound)  // tasks of one contract and date make one invoice
      let t = tasks[n]
      let key = invoiceKey(data.contracts[t.contract].id, t.date)
      if data.issuedPeriods.contains(Dataset.periodKey(t.contract, t.date)) || data.isIssued(key) {
        already += 1
        continue
      }
      env.reset()
      env.explaining = explains(explain, key: key, plan, customer: data.customers[data.contracts[t.contract].customer].id, date: t.date)
      if let inv = invoice(plan, data, t, key: key, accs: accs, env: env, also: tasks[(n + 1)..<next]) {
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

}

extension PlannedInvoice {
  /// What stands in for an invoice moved out of an array (`Billing.joined`): it holds no reference of
  /// its own (empty strings and arrays only), so leaving it or dropping it costs nothing.
  static let placeholder = PlannedInvoice(
    key: "", contractID: "", customerID: "", customerName: "", plan: "", currency: .USD, issueDate: CivilDate(dayNumber: 0),
    periodStart: CivilDate(dayNumber: 0), periodEnd: CivilDate(dayNumber: 0), lines: [], subtotal: .zero, taxes: [], total: .zero,
    dueDate: CivilDate(dayNumber: 0), terms: .dueOnReceipt, installments: [], sources: [])
}
