import AccrueCompiler
import AccrueCore

/// Percentage charges with a free allowance: the period's first transactions, or its first amount of
/// transaction volume, are free (Lago's "free units per events" and "per total aggregation").
extension Billing {
  /// Whether a charge (or a phase's re-pricing of it) has a free allowance on a percentage price.
  static func hasFreeAllowance(_ ch: CompiledCharge, _ spec: CompiledPlanSpec) -> Bool {
    guard case .percentage? = ch.pricing else { return false }
    if ch.free != nil || ch.freeAmount != nil { return true }
    return spec.phases.contains { ph in ph.charges[ch.name].map { $0.free != nil || $0.freeAmount != nil } ?? false }
  }

  /// The period's fees, transaction by transaction in date then id order: while the allowance lasts (both of
  /// its limits, when both are stated), a transaction is free; the one that uses up a free amount pays on the
  /// rest of its value. Each paying transaction: rate × value + fixed fee, kept between the minimum and maximum.
  static func percentageFees(
    _ a: Accumulator, _ pct: (rate: Fixed, fee: Fixed?, min: Fixed?, max: Fixed?), _ ch: CompiledCharge, env: Env,
    _ explain: inout [String]
  ) -> Fixed {
    var freeCount: Int64?
    if let f = ch.free {
      if case .number(let n) = f.eval(env) { freeCount = n.toInt64() ?? Int64.max }
    }
    var freeVolume: Fixed?
    if let f = ch.freeAmount {
      if case .money(let v, _) = f.eval(env) { freeVolume = v }
    }
    let txs = a.transactions.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
    var total = Fixed.zero
    var freeTaken = 0
    var volumeFree = Fixed.zero
    func exact(_ v: Fixed?) -> Fixed { env.exact(v, ch.source, "charge \(ch.name): the transaction fees") }
    for t in txs {
      var value = t.amount
      let allowance = (freeCount != nil || freeVolume != nil) && (freeCount.map { $0 > 0 } ?? true) && (freeVolume.map { $0 > .zero } ?? true)
      if allowance, value > .zero {
        if let n = freeCount { freeCount = n - 1 }
        if let left = freeVolume {
          if left >= value {
            freeVolume = exact(left.subtracting(value))
            volumeFree = exact(volumeFree.adding(value))
            freeTaken += 1
            continue
          }
          volumeFree = exact(volumeFree.adding(left))
          value = exact(value.subtracting(left))
          freeVolume = .zero
        } else {
          freeTaken += 1
          continue
        }
      }
      var fee = exact(value.multiplied(by: pct.rate))
      if let f = pct.fee { fee = exact(fee.adding(f)) }
      if let mn = pct.min, fee < mn { fee = mn }
      if let mx = pct.max, fee > mx { fee = mx }
      total = exact(total.adding(fee))
    }
    if env.explaining {
      let limits = [ch.free.map { "the first \($0.eval(env)) transactions" }, ch.freeAmount.map { "the first \($0.eval(env)) of volume" }]
        .compactMap { $0 }.joined(separator: " and ")
      explain.append(
        "free: \(limits) of the period, in date order: \(freeTaken) of \(txs.count) transaction(s) free"
          + (volumeFree > .zero ? ", \(volumeFree) of volume free" : ""))
      explain.append("percentage of each other transaction (plus fee, within min/max), summed: \(total)")
    }
    return total
  }
}
