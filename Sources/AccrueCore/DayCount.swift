/// A day-count convention for turning a date span into a fraction of a year.
public enum DayCount: String, Sendable, CaseIterable {
  /// Actual days over 365.
  case actual365 = "actual/365"
  /// Actual days over 360.
  case actual360 = "actual/360"
  /// US 30/360 (NASD / bond basis with the February end-of-month rules) over 360.
  case thirty360 = "30/360"
  /// Actual/actual ISDA: the span split at year boundaries, each part over 365 or 366.
  case actualActual = "actual/actual"
}

/// The year fraction from `from` to `to` as a sum of `days / basis` parts (days negative if `to < from`).
///
/// 30/360 uses the US rule: if both dates are the last day of February, D2 = 30; if `from` is the last day of
/// February, D1 = 30; if D2 = 31 and D1 >= 30, D2 = 30; if D1 = 31, D1 = 30;
/// days = 360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1).
public func yearFractionParts(_ dc: DayCount, from: CivilDate, to: CivilDate) -> [(days: Int, basis: Int)] {
  if to < from {
    return yearFractionParts(dc, from: to, to: from).map { (days: -$0.days, basis: $0.basis) }
  }
  switch dc {
  case .actual365:
    return [(days: from.days(until: to), basis: 365)]
  case .actual360:
    return [(days: from.days(until: to), basis: 360)]
  case .thirty360:
    let a = from.ymd
    let b = to.ymd
    var d1 = a.day
    var d2 = b.day
    let fromIsLastOfFebruary = a.month == 2 && a.day == CivilDate.daysInMonth(year: a.year, month: 2)
    let toIsLastOfFebruary = b.month == 2 && b.day == CivilDate.daysInMonth(year: b.year, month: 2)
    if fromIsLastOfFebruary && toIsLastOfFebruary { d2 = 30 }
    if fromIsLastOfFebruary { d1 = 30 }
    if d2 == 31 && d1 >= 30 { d2 = 30 }
    if d1 == 31 { d1 = 30 }
    let days = 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1)
    return [(days: days, basis: 360)]
  case .actualActual:
    let start = Int(from.dayNumber)
    let end = Int(to.dayNumber)
    let firstYear = from.year
    let lastYear = to.year
    var parts: [(days: Int, basis: Int)] = []
    var year = firstYear
    while year <= lastYear {
      let yearStart = CivilDate.daysFromCivil(year, 1, 1)
      let nextStart = CivilDate.daysFromCivil(year + 1, 1, 1)
      let days = Swift.min(end, nextStart) - Swift.max(start, yearStart)
      if days > 0 { parts.append((days: days, basis: CivilDate.isLeapYear(year) ? 366 : 365)) }
      year += 1
    }
    if parts.isEmpty { parts.append((days: 0, basis: CivilDate.isLeapYear(firstYear) ? 366 : 365)) }
    return parts
  }
}

/// Simple interest `Σ principal × annualRate × days / basis` over the day-count parts.
///
/// Each part is computed with a single rounding at the 18th digit (`multiplied(by:dividedBy:)`); the caller rounds
/// the result to the currency. Returns nil on overflow.
public func simpleInterest(
  principal: Fixed, annualRate: Fixed, dayCount: DayCount, from: CivilDate, to: CivilDate,
  rounding: RoundingMode = .halfEven
) -> Fixed? {
  var total = Fixed.zero
  for part in yearFractionParts(dayCount, from: from, to: to) {
    // rate × days is exact (an integer multiple of the rate).
    let (rateDays, overflow) = annualRate.raw.multipliedReportingOverflow(by: Int128(part.days))
    if overflow { return nil }
    guard let term = principal.multiplied(by: Fixed(raw: rateDays), dividedBy: Fixed(part.basis), rounding: rounding),
      let sum = total.adding(term)
    else { return nil }
    total = sum
  }
  return total
}
