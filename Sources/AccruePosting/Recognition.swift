import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import AccrueParser

/// One period of an obligation's recognition schedule: its key (the period's last day, or the milestone), its
/// last day and its part of the line's deferred revenue (minor units).
struct RecognitionPiece: Sendable, Equatable {
  var key: String
  var end: CivilDate
  var amount: Int64
}

/// Revenue recognition (grammar.md §13): each obligation's schedule from its rule, and the entries that move
/// deferred revenue to revenue through a date, exactly once per period.
public enum Recognition {
  /// The schedule of `total` (minor units) over the service period [start, end): one piece per month of the period
  /// from its first day (`ratably monthly`, equal parts to the minor unit, the last taking the remainder), per
  /// calendar month by its days (`ratably daily`, the last taking the remainder), per milestone reached
  /// (`on milestone`), or all on the first day (`at point in time`). A contract that ends inside the period
  /// (`stop`, its last day of service) ends the schedule there: the rest is released on that day.
  static func schedule(
    _ method: RecognitionMethod, start: CivilDate, end: CivilDate, stop: CivilDate?, total: Int64, milestones: [RevenueMilestone]
  ) -> [RecognitionPiece] {
    var pieces: [(start: CivilDate, end: CivilDate, weight: Int64)] = []
    switch method {
    case .pointInTime: return [RecognitionPiece(key: start.description, end: start, amount: total)]
    case .milestone: return milestonePieces(milestones, total: total)
    case .ratably(let monthly):
      var from = start
      var k = 1
      while from < end {
        let next: CivilDate
        if monthly {
          next = min(start.adding(months: k, .clamp) ?? end, end)
        } else {
          let first = CivilDate(year: from.month == 12 ? from.year + 1 : from.year, month: from.month == 12 ? 1 : from.month + 1, day: 1) ?? end
          next = min(first, end)
        }
        guard next > from else { break }
        pieces.append((from, next, monthly ? 1 : Int64(from.days(until: next))))
        from = next
        k += 1
      }
    }
    if pieces.isEmpty { return [RecognitionPiece(key: start.description, end: start, amount: total)] }
    let weights = pieces.map(\.weight)
    let sum = weights.reduce(0, +)
    var out: [RecognitionPiece] = []
    var given: Int64 = 0
    for (i, p) in pieces.enumerated() {
      let amount = i == pieces.count - 1 ? total - given : Int64((Int128(total) * Int128(p.weight)) / Int128(sum))
      given += amount
      out.append(RecognitionPiece(key: (p.end.adding(days: -1) ?? p.end).description, end: p.end.adding(days: -1) ?? p.end, amount: amount))
    }
    // A contract ended inside the period: nothing after its last day; the rest released on it.
    if let stop, let cut = out.firstIndex(where: { $0.end > stop }) {
      let rest = out[cut...].reduce(0) { $0 + $1.amount }
      out.removeSubrange(cut...)
      out.append(RecognitionPiece(key: stop.description, end: stop, amount: rest))
      if out.count >= 2, out[out.count - 2].end == stop {
        out[out.count - 2].amount += rest
        out.removeLast()
      }
    }
    return out
  }

  /// One piece per milestone (by date, then id): its per cent of the total, the one that brings the line to 100
  /// per cent taking the remainder.
  static func milestonePieces(_ milestones: [RevenueMilestone], total: Int64) -> [RecognitionPiece] {
    var out: [RecognitionPiece] = []
    var percent = Fixed.zero
    var given: Int64 = 0
    for m in milestones.sorted(by: { ($0.date, $0.id) < ($1.date, $1.id) }) {
      percent = percent.adding(m.percent) ?? percent
      let full = !(percent < Fixed(100))
      let target = full ? total : Int64((Int128(total) * percent.raw) / (Int128(100) * Fixed(1).raw))
      out.append(RecognitionPiece(key: "milestone-" + m.id, end: m.date, amount: max(0, target - given)))
      given = max(given, target)
      if full { return out }
    }
    // Milestones not yet stated hold the rest: never due.
    out.append(RecognitionPiece(key: "milestone-rest", end: CivilDate(year: 9999, month: 12, day: 31)!, amount: total - given))
    return out
  }

  /// What each not yet recognized piece recognizes of `balance` (the deferred revenue left, after credit notes):
  /// the pieces' own amounts when nothing was credited; otherwise the balance spread over them in their
  /// proportions (the last taking the rest).
  static func amounts(_ pieces: [RecognitionPiece], balance: Int64) -> [Int64] {
    var left = balance
    var weight = pieces.reduce(0) { $0 + $1.amount }
    var out: [Int64] = []
    for (i, p) in pieces.enumerated() {
      let amount: Int64
      if i == pieces.count - 1 {
        amount = left
      } else if left == weight {
        amount = p.amount
      } else {
        amount = weight == 0 ? 0 : Int64((Int128(left) * Int128(p.amount)) / Int128(weight))
      }
      out.append(amount)
      left -= amount
      weight -= p.amount
    }
    return out
  }
}

/// The deferred revenue of each obligation as the journal entries hold it: per obligation and account, credits less
/// debits (minor units), the amount originally deferred (its credits), and the periods already recognized.
public struct DeferredBook: Sendable {
  var balances: [String: [String: Int64]] = [:]
  var deferred: [String: [String: Int64]] = [:]
  var events: Set<String> = []

  public init(_ entries: [JournalEntry]) {
    for e in entries {
      events.insert(e.event)
      for l in e.lines {
        guard let o = l.obligation, let m = l.amount.toMinorUnits(exponent: e.currency.minorUnits, .down) else { continue }
        balances[o, default: [:]][l.account, default: 0] += l.isDebit ? -m : m
        if !l.isDebit { deferred[o, default: [:]][l.account, default: 0] += m }
      }
    }
  }

  /// What is left on `account` for the obligation.
  public func balance(_ obligation: String, _ account: String) -> Int64 { balances[obligation]?[account] ?? 0 }
  /// What was ever credited to `account` for it (the deferral).
  func deferred(_ obligation: String, _ account: String) -> Int64 { deferred[obligation]?[account] ?? 0 }
}

extension Posting {
  /// The recognition entries due through `through` (grammar.md §13): for each obligation with deferred revenue, each
  /// period of its schedule that ended by then and was not recognized yet (`recognition:OBLIGATION/PERIOD`, dated
  /// the period's last day), debiting deferred revenue and crediting revenue (the `revenue recognized` row).
  public static func recognize(
    _ obligations: [RevenueObligation], entries: [JournalEntry], through: CivilDate, milestones: [RevenueMilestone], plan: ExecutablePlan,
    data: Dataset, chart: Chart
  ) -> PostingResult {
    var b = JournalBuilder(plan: plan, data: data, chart: chart, asOf: through)
    let book = DeferredBook(entries)
    for o in obligations.sorted(by: { $0.id < $1.id }) where book.balances[o.id] != nil {
      b.recognize(o, book: book, through: through, milestones: milestones.filter { $0.contract == o.contract && $0.charge == o.charge })
    }
    var r = b.result
    r.entries.sort { ($0.date, $0.event) < ($1.date, $1.event) }
    var seen: Set<String> = []
    r.failures = r.failures.filter { seen.insert("\($0.rule.file):\($0.rule.line):\($0.rule.column) \($0.message)").inserted }
    return r
  }
}

extension JournalBuilder {
  /// An obligation's deferred revenue left and its schedule's periods not recognized yet, each with what it will
  /// recognize, and the `revenue recognized` row's lines (naming the obligation); nil when nothing is deferred (or
  /// a rule cannot be resolved: a failure is recorded).
  mutating func remaining(_ o: RevenueObligation, book: DeferredBook, milestones: [RevenueMilestone]) -> (
    entity: String, debit: GLLine, credit: GLLine, periods: [(RecognitionPiece, Int64)]
  )? {
    let contract = data.contractIndex[o.contract].map { data.contracts[$0] }
    let planName = plan.planIndex[o.plan] != nil ? o.plan : nil
    fill(customer: o.customer, contract: contract?.id, currency: o.currency)
    let event = "recognition:" + o.id
    guard let entity = entity(event) else { return nil }
    let (method, _) = rules.recognition(entity: entity, plan: planName, charge: o.charge)
    let memo = "\(o.description) (\(o.document)): revenue recognized"
    guard var (d, c) = lines(.revenueRecognized, entity: entity, plan: planName, charge: o.charge, memo: memo, event: event) else { return nil }
    let balance = book.balance(o.id, d.account)
    guard balance > 0 else { return nil }
    let stop = contract?.end.flatMap { $0 < o.periodEnd ? $0 : nil }
    let pieces = Recognition.schedule(
      method, start: o.periodStart, end: o.periodEnd, stop: stop, total: book.deferred(o.id, d.account), milestones: milestones)
    let open = pieces.filter { !book.events.contains(event + "/" + $0.key) }
    d.obligation = o.id
    c.obligation = o.id
    return (entity, d, c, Array(zip(open, Recognition.amounts(open, balance: balance))))
  }

  mutating func recognize(_ o: RevenueObligation, book: DeferredBook, through: CivilDate, milestones: [RevenueMilestone]) {
    guard let (entity, d, c, periods) = remaining(o, book: book, milestones: milestones) else { return }
    for (p, amount) in periods where p.end <= through && amount > 0 {
      var entry = JournalEntry(
        event: "recognition:" + o.id + "/" + p.key, document: o.document, date: p.end, entity: entity, currency: o.currency, customer: o.customer)
      entry.post(Fixed(minorUnits: amount, exponent: o.currency.minorUnits), debit: d, credit: c)
      result.entries.append(entry)
    }
  }
}

extension Posting {
  /// The deferred revenue waterfall as of `asOf` (entries dated after it do not count yet): per plan, currency and
  /// month, what the deferred revenue left will recognize (periods already due but not recognized in the month
  /// they ended), in plan, currency and month order.
  public static func waterfall(
    _ obligations: [RevenueObligation], entries: [JournalEntry], asOf: CivilDate, milestones: [RevenueMilestone], plan: ExecutablePlan,
    data: Dataset, chart: Chart
  ) -> (rows: [WaterfallRow], failures: [RunFailure]) {
    var b = JournalBuilder(plan: plan, data: data, chart: chart, asOf: asOf)
    let book = DeferredBook(entries.filter { $0.date <= asOf })
    var sums: [String: WaterfallRow] = [:]
    for o in obligations.sorted(by: { $0.id < $1.id }) where book.balances[o.id] != nil {
      guard let (_, _, _, periods) = b.remaining(o, book: book, milestones: milestones.filter { $0.contract == o.contract && $0.charge == o.charge })
      else { continue }
      for (p, amount) in periods where amount > 0 {
        let month = p.end.year == 9999 ? "later" : periodOf(p.end)
        let key = o.plan + "\u{0}" + o.currency.code + "\u{0}" + month
        var row = sums[key] ?? WaterfallRow(plan: o.plan, currency: o.currency, month: month, amount: .zero, obligations: 0)
        row.amount = row.amount.adding(Fixed(minorUnits: amount, exponent: o.currency.minorUnits)) ?? row.amount
        row.obligations += 1
        sums[key] = row
      }
    }
    let rows = sums.values.sorted { ($0.plan, $0.currency.code, $0.month) < ($1.plan, $1.currency.code, $1.month) }
    return (rows, b.result.failures)
  }
}
