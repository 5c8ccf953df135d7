import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One worker's running totals. Events hit contracts at random, so what each event touches is kept
/// to one cache line per accumulator (`Hot`); the rarely used fields stay in `accs`.
struct UsageWorker {
  /// 32 bytes: the window (the trial's end folded into its start) and the one running value its
  /// metric needs (a sum, a count or a maximum).
  struct Hot {
    var value = Fixed.zero
    var start: Int32
    var end: Int32
    var events: Int32 = 0
    var metric: Int16
    var percentage: Bool
  }

  /// The hot values, in memory of their own read and written in place (no uniqueness check per event).
  final class HotTable {
    let base: UnsafeMutablePointer<Hot>
    let count: Int
    init(_ values: [Hot]) {
      count = values.count
      base = .allocate(capacity: max(1, count))
      base.initialize(from: values, count: count)
    }
    deinit { base.deallocate() }
    subscript(i: Int) -> Hot {
      unsafeAddress { UnsafePointer(base + i) }
      unsafeMutableAddress { base + i }
    }
  }

  let s: UsageShared
  var accs: [Accumulator]
  let hot: HotTable
  let env: Env
  var issues: [DataIssue] = []
  /// Rules that could not be evaluated on an event, and totals too large to represent (the first 100).
  var failures: [RunFailure] = []
  /// Rows aggregated, and how many of them by the fast path.
  var seen = 0
  var fastSeen = 0
  /// What the fast path's early reads of accumulators added up to: kept so they are not optimized away.
  var touchedSink: Int32 = 0
  /// Added to row lines (a chunk's rows are numbered from its own start).
  var lineOffset = 0
  /// The currency of the money fields of the event record made for the row being aggregated.
  var builtCurrency = Currency.USD
  /// The instant of the row being aggregated, when a metric is a weighted sum (Usage+Weighted).
  var rowInstant = Timestamp(seconds: 0)
  /// The contracts by id when `s` has no table and an id was not found by the data's index as it is written.
  var lateTable: ContractTable?

  init(_ s: UsageShared, _ accs: [Accumulator], _ env: Env) {
    self.s = s
    self.accs = accs
    self.env = env
    // (Per metric, once: reading a metric out of its array per accumulator copied it, retaining all it holds.)
    let weighted = s.plan.metrics.map { $0.aggregation == .weightedSum }
    hot = HotTable(accs.map {
      Hot(
        // A weighted sum counts the events before its window too: the value they leave is held into it.
        start: weighted[$0.metric] ? Int32.min : $0.start.dayNumber, end: $0.end.dayNumber,
        metric: Int16(truncatingIfNeeded: $0.metric), percentage: $0.percentage != nil)
    })
    env.records[RecordKind.event.index] = s.fields.map { s.plan.fieldDefault(.event, $0.index) ?? Schemas.defaultValue($0.type, currency: nil) }
  }

  mutating func issue(_ code: String, _ row: borrowing Row, _ col: Int, _ message: String) {
    issues.append(
      DataIssue(code: code, file: s.path, line: row.line + lineOffset, column: row.columns[col], message: message, record: row.raw))
  }

  /// Aggregates one event row.
  mutating func process(_ row: borrowing Row) {
    seen += 1
    let c = s.cols
    guard case .text(let cust) = row.values[c.cust], case .date(let date) = row.values[c.date],
      case .text(let name) = row.values[c.name]
    else { return }
    if s.weighted, !instant(row, date) { return }  // Usage+Weighted
    if case .text(let con) = row.values[c.con] {
      guard let info = contract(con) else {
        issue("D0302", row, c.con, s.data.unknownContract(con))
        return
      }
      guard s.customerIs(info, cust) else {
        let known = s.data.customerIndex[cust] != nil
        issue(
          known ? "D0307" : "D0301", row, c.cust,
          known ? "contract '\(con)' belongs to another customer than '\(cust)'" : s.data.unknownCustomer(cust))
        return
      }
      visit(info, row, date, name)
    } else {
      guard let custIndex = s.data.customerIndex[cust] else {
        issue("D0301", row, c.cust, s.data.unknownCustomer(cust))
        return
      }
      for ci in s.meteredByCustomer[custIndex] {
        let (lo, n) = s.ranges[Int(ci)]
        visit(ContractInfo(index: ci, first: lo, count: n), row, date, name)
      }
    }
  }

  /// The contract whose id is `con`, byte for byte (as the table finds it). Without a table: the data's index
  /// (which holds ids in NFC) when it finds a contract with exactly these bytes; else a table made once.
  mutating func contract(_ con: String) -> ContractInfo? {
    if let t = s.contracts { return t.find(con) }
    if let ci = s.data.contractIndex[con], s.data.contracts[ci].id.utf8.elementsEqual(con.utf8) { return s.info(ci) }
    if lateTable == nil { lateTable = UsageShared.table(s.data, s.ranges) }
    return lateTable!.find(con)
  }

  @inline(__always) mutating func visit(_ info: ContractInfo, _ row: borrowing Row, _ date: CivilDate, _ name: String) {
    let lo = info.first
    let n = info.count
    var built = false
    if lo < 0 {
      for ai in s.byContract[Int(info.index)] { consider(ai, row, date, name, &built) }
    } else {
      for ai in Int(lo)..<Int(lo + n) { consider(ai, row, date, name, &built) }
    }
  }

  mutating func consider(_ ai: Int, _ row: borrowing Row, _ date: CivilDate, _ name: String, _ built: inout Bool) {
    let day = date.dayNumber
    guard day >= hot[ai].start, day < hot[ai].end else { return }
    let mi = Int(hot[ai].metric)
    if let en = s.eventNames[mi], en != name { return }
    if let fm = s.fast[mi] {
      // Filters and value read straight from the row; sums, counts and maxima stay in the hot array.
      guard fm.passes(row.values) else { return }
      let v = fm.value(row.values)
      let agg = s.plan.metrics[mi].aggregation
      switch agg {
      case .sum, .count, .max: addHot(ai, agg, v, line: row.line + lineOffset)
      default: accumulate(ai, s.plan.metrics[mi], v, .number(v), row, date)
      }
      return
    }
    let m = s.plan.metrics[mi]
    let ev = RecordKind.event.index
    // Money fields are in the row's currency; a row without one reads them in its contract's (its plan's, as
    // contracts' own money fields are), never in a currency guessed. (An event naming no contract may visit
    // contracts of plans in different currencies: its record is then made again for each.) Without such a field
    // the currency is not looked up.
    var currency = builtCurrency
    if s.convertsByCurrency {
      if case .currency(let cur) = row.values[s.cols.cur] { currency = cur } else { currency = s.plan.plans[s.data.contracts[accs[ai].contract].plan].currency }
    }
    if !built || currency != builtCurrency {
      builtCurrency = currency
      for (k, slot) in s.convert {
        env.records[ev][slot] = Schemas.value(row.values[k], s.fields[slot].type, currency: currency, default: s.eventDefaults[slot])
      }
      if let qs = s.qtySlot, s.used.contains(qs), case .missing = row.values[s.cols.qty] {
        env.records[ev][qs] = .number(Fixed(1))
      }
      built = true
    }
    env.reset()
    for f in m.filters where !f.eval(env).isTrue {
      if let e = env.failure { fail(s.plan.failure(e, "usage event at \(s.path):\(row.line + lineOffset)")) }
      return
    }
    let value: RValue = m.value.map { $0.eval(env) } ?? .number(Fixed(1))
    if let e = env.failure {
      fail(s.plan.failure(e, "usage event at \(s.path):\(row.line + lineOffset)"))
      return
    }
    let amount: Fixed
    switch value {
    case .number(let x): amount = x
    case .money(let x, let cur):
      amount = x
      accs[ai].currency = cur
    default: amount = .zero
    }
    accumulate(ai, m, amount, value, row, date)
  }

  /// Adds a value to a sum, count or maximum kept in the hot array (`line`: the event's file line).
  @inline(__always) mutating func addHot(_ ai: Int, _ agg: AggregationKind, _ v: Fixed, line: Int) {
    hot[ai].events += 1
    if hot[ai].events <= 5 { accs[ai].firstRows.append(RowRef(file: s.path, line: line)) }
    if agg == .sum {
      guard let sum = hot[ai].value.adding(v) else { return overflow(ai, line: line) }
      hot[ai].value = sum
    } else if agg == .max, hot[ai].events == 1 || v > hot[ai].value {
      hot[ai].value = v
    }
    if hot[ai].percentage { percentageFee(ai, v) }
  }

  mutating func accumulate(_ ai: Int, _ m: CompiledMetric, _ amount: Fixed, _ value: RValue, _ row: borrowing Row, _ date: CivilDate) {
    accs[ai].events += 1
    if accs[ai].firstRows.count < 5 { accs[ai].firstRows.append(RowRef(file: s.path, line: row.line + lineOffset)) }
    switch m.aggregation {
    case .sum:
      guard let sum = accs[ai].sum.adding(amount) else { return overflow(ai, line: row.line + lineOffset) }
      accs[ai].sum = sum
    case .count: accs[ai].count += 1
    case .max: accs[ai].max = accs[ai].max.map { Swift.max($0, amount) } ?? amount
    case .latest:
      let idText: String = { if case .text(let t) = row.values[s.cols.id] { return t } else { return "" } }()
      if let l = accs[ai].latest, (l.0, l.1) > (date, idText) {
      } else {
        accs[ai].latest = (date, idText, amount)
      }
    case .uniqueCount: accs[ai].unique.insert(value)
    case .weightedSum: weigh(ai, amount, line: row.line + lineOffset)  // Usage+Weighted
    }
    if accs[ai].percentage != nil {
      if accs[ai].keepsTransactions {
        let id: String = { if case .text(let t) = row.values[s.cols.id] { return t } else { return "" } }()
        accs[ai].transactions.append((date, id, amount))
      } else {
        percentageFee(ai, amount)
      }
    }
  }

  mutating func percentageFee(_ ai: Int, _ amount: Fixed) {
    guard let pct = accs[ai].percentage else { return }
    // Per transaction: rate x amount + fee, clamped to [min, max].
    guard var fee = amount.multiplied(by: pct.rate), pct.fee.map({ f in fee.adding(f).map { fee = $0 } != nil }) ?? true else {
      return overflow(ai, line: nil)
    }
    if let mn = pct.min, fee < mn { fee = mn }
    if let mx = pct.max, fee > mx { fee = mx }
    guard let fees = accs[ai].fees.adding(fee) else { return overflow(ai, line: nil) }
    accs[ai].fees = fees
  }

  /// A failure to evaluate a rule on an event (the first 100 are kept; one is enough to stop the run).
  mutating func fail(_ f: RunFailure) { if failures.count < 100 { failures.append(f) } }

  /// A usage total too large to represent: the run stops (never a total quietly left short).
  mutating func overflow(_ ai: Int, line: Int?) {
    let m = s.plan.metrics[Int(hot[ai].metric)]
    let c = s.data.contracts[accs[ai].contract].id
    fail(
      RunFailure(
        message: "the usage of metric \(m.name) is too large to add up" + (line.map { " at \(s.path):\($0)" } ?? ""), rule: m.source,
        subject: "contract \(c), period from \(accs[ai].start)"))
  }

  /// The totals folded into the accumulators (exact sums, so the order of events does not matter), taken out of
  /// the worker (no copy of them when it held them alone).
  mutating func finished() -> [Accumulator] {
    var out: [Accumulator] = []
    swap(&out, &accs)
    for ai in out.indices where hot[ai].events > 0 {
      let n = Int(hot[ai].events)
      out[ai].events += n
      switch s.plan.metrics[Int(hot[ai].metric)].aggregation {
      case .sum:
        if let sum = out[ai].sum.adding(hot[ai].value) { out[ai].sum = sum } else { fail(Billing.tooLarge(s.plan, s.data, out[ai])) }
      case .count: out[ai].count += n
      case .max: out[ai].max = out[ai].max.map { Swift.max($0, hot[ai].value) } ?? hot[ai].value
      default: break
      }
    }
    return out
  }
}
