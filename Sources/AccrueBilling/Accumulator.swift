import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Aggregates one metric over one period for one contract.
struct Accumulator {
  /// The metric (index into the plan's metrics) and the contract (index into the dataset's contracts).
  var metric: Int
  var contract: Int
  /// The window [start, end) whose events count (within the period, outside the trial and free phases).
  var start: CivilDate
  var end: CivilDate
  /// The running value of the metric's aggregation: sum, count, maximum, latest (date, event id, value), or
  /// the distinct values.
  var sum = Fixed.zero
  var count = 0
  var max: Fixed?
  var latest: (CivilDate, String, Fixed)?
  var unique: Set<RValue> = []
  /// Events counted.
  var events = 0
  /// The first rows counted, by line (at most five), cited by the invoice and its explanation.
  var firstRows: [RowRef] = []
  /// Percentage pricing: the sum of per-transaction fees, when the metric feeds a percentage charge.
  var fees = Fixed.zero
  /// Whether the metric feeds a percentage charge with a free allowance (the period's first transactions or
  /// first amount of volume): fees then depend on the order of the transactions, so each is kept and the fees
  /// are worked out on the invoice (`percentageFees`).
  var keepsTransactions = false
  /// The transactions kept for a free allowance: date, event id and value.
  var transactions: [(date: CivilDate, id: String, amount: Fixed)] = []
  /// The percentage charge's terms per transaction: rate, fixed fee, minimum and maximum fee.
  var percentage: (rate: Fixed, fee: Fixed?, min: Fixed?, max: Fixed?)?
  /// The currency of the events' money values, when they have one.
  var currency: Currency?
}

/// Accumulators: which one a usage charge reads, and folding the pieces of one together.
extension Billing {
  /// The key of a usage charge's accumulator in `BillTask.usage`: its metric, so charges on one metric share one;
  /// a percentage charge's own (its fees are its rate's), past the metric keys.
  static func usageKey(_ ch: CompiledCharge, _ index: Int) -> Int? {
    guard case .usage(let m) = ch.quantity else { return nil }
    if case .percentage? = ch.pricing { return -(index + 1) }
    return m
  }

  /// The metric a usage charge reads (-1 for a charge without usage).
  static func metricOf(_ ch: CompiledCharge) -> Int {
    if case .usage(let m) = ch.quantity { return m }
    return -1
  }

  /// Totals of `o` folded into `a` (exact sums, so the order does not matter); the first rows stay the earliest.
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
}
