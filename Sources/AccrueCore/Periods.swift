/// The length of a billing period; counts must be positive.
public enum PeriodUnit: Sendable, Hashable {
  /// A fixed number of days.
  case days(Int)
  /// A fixed number of weeks (7 days each).
  case weeks(Int)
  /// A number of calendar months (month-end handled by a `MonthEndRule`).
  case months(Int)
}

/// The start of period `k` (negative allowed): the anchor plus k periods, always computed from the anchor.
///
/// With `.clamp` a Jan 31 anchor gives Jan 31, Feb 28/29, Mar 31, Apr 30, ... Returns nil if the count is not
/// positive, on overflow, outside 0001-01-01...9999-12-31, or when `.reject` finds no such day.
public func periodBoundary(anchor: CivilDate, unit: PeriodUnit, index k: Int, rule: MonthEndRule) -> CivilDate? {
  switch unit {
  case .days(let n), .weeks(let n):
    guard n > 0, let step = periodStepDays(unit) else { return nil }
    let (offset, overflow) = k.multipliedReportingOverflow(by: step)
    if overflow { return nil }
    return anchor.adding(days: offset)
  case .months(let n):
    guard n > 0 else { return nil }
    let (offset, overflow) = k.multipliedReportingOverflow(by: n)
    if overflow { return nil }
    return anchor.adding(months: offset, rule)
  }
}

/// The largest k with `periodBoundary(k) <= date`, or nil if there is none (or the count is not positive).
///
/// The index is estimated arithmetically and then corrected by a step or two; with `.reject`, boundaries that do not
/// exist are skipped.
public func periodIndex(containing date: CivilDate, anchor: CivilDate, unit: PeriodUnit, rule: MonthEndRule) -> Int? {
  guard date.isInSupportedRange, anchor.isInSupportedRange else { return nil }
  switch unit {
  case .days(let n), .weeks(let n):
    guard n > 0 else { return nil }
    let diff = anchor.days(until: date)
    guard let step = periodStepDays(unit) else {
      // A step longer than any representable span: only period 0 can contain the date.
      return diff >= 0 ? 0 : nil
    }
    let k = Arith.floorDiv(diff, step)
    // boundary(k) <= date by construction; it only needs to exist.
    return periodBoundary(anchor: anchor, unit: unit, index: k, rule: rule) == nil ? nil : k
  case .months(let n):
    guard n > 0 else { return nil }
    let a = anchor.ymd
    let d = date.ymd
    let anchorMonth = a.year * 12 + (a.month - 1)
    let monthsDiff = (d.year * 12 + (d.month - 1)) - anchorMonth
    // boundary(k + 1) falls in a month after the date's month, so k is an upper bound.
    var k = Arith.floorDiv(monthsDiff, n)
    while true {
      let (offset, overflow) = k.multipliedReportingOverflow(by: n)
      if overflow { return nil }
      // Target months only decrease; stop once they precede year 1.
      if anchorMonth + offset < 12 { return nil }
      if let b = anchor.adding(months: offset, rule), b <= date { return k }
      k -= 1
    }
  }
}

/// Period length in days for `.days`/`.weeks`, nil on overflow or for `.months`.
private func periodStepDays(_ unit: PeriodUnit) -> Int? {
  switch unit {
  case .days(let n): return n
  case .weeks(let n):
    let (step, overflow) = n.multipliedReportingOverflow(by: 7)
    return overflow ? nil : step
  case .months: return nil
  }
}
