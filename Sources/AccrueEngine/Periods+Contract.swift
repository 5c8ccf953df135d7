import AccrueCompiler
import AccrueCore
import AccrueParser

/// Period arithmetic for one contract under one plan: every boundary is anchor + k periods.
struct PeriodClock {
  let anchor: CivilDate
  let unit: PeriodUnit
  let rule: MonthEndRule

  init(plan: CompiledPlanSpec, contract: ContractData) {
    switch plan.period {
    case .weeks(let n):
      unit = .weeks(n)
      // Calendar weeks start on Monday; 2000-01-03 was one.
      anchor = plan.alignment == .calendar ? (CivilDate(year: 2000, month: 1, day: 3) ?? contract.anchor) : contract.anchor
    case .months(let n):
      unit = .months(n)
      anchor = plan.alignment == .calendar ? (CivilDate(year: 2000, month: 1, day: 1) ?? contract.anchor) : contract.anchor
    }
    rule = plan.monthEnd
  }

  func boundary(_ k: Int) -> CivilDate? { periodBoundary(anchor: anchor, unit: unit, index: k, rule: rule) }
  func index(of d: CivilDate) -> Int? { periodIndex(containing: d, anchor: anchor, unit: unit, rule: rule) }

  /// The full period containing `d`: [start, end).
  func period(containing d: CivilDate) -> (k: Int, start: CivilDate, end: CivilDate)? {
    guard let k = index(of: d), let s = boundary(k), let e = boundary(k + 1) else { return nil }
    return (k, s, e)
  }
}

/// The terms of a contract on one day (plan, quantity, seats), after the changes dated on or before it.
struct Terms: Equatable {
  var plan: Int
  var quantity: Fixed
  var seats: Fixed
}

extension ContractData {
  func terms(on d: CivilDate) -> Terms {
    var t = Terms(plan: plan, quantity: quantity, seats: seats)
    for c in changes where c.date <= d {
      if let p = c.plan { t.plan = p }
      if let q = c.quantity { t.quantity = q }
      if let s = c.seats { t.seats = s }
    }
    return t
  }

  /// Day after the last day of service (nil: open-ended).
  var endExclusive: CivilDate? { end.flatMap { $0.adding(days: 1) } }

  /// Segments of [a, b) with constant terms (split at change dates).
  func segments(_ a: CivilDate, _ b: CivilDate) -> [(start: CivilDate, end: CivilDate, terms: Terms)] {
    var cuts = [a]
    for c in changes where c.date > a && c.date < b { cuts.append(c.date) }
    cuts.append(b)
    var out: [(CivilDate, CivilDate, Terms)] = []
    for i in 0..<(cuts.count - 1) where cuts[i] < cuts[i + 1] {
      out.append((cuts[i], cuts[i + 1], terms(on: cuts[i])))
    }
    return out
  }
}

extension CivilDate {
  /// Days from self to other, as a Fixed.
  func daysFixed(until other: CivilDate) -> Fixed { Fixed(days(until: other)) }
  static func max(_ a: CivilDate, _ b: CivilDate) -> CivilDate { a < b ? b : a }
  static func min(_ a: CivilDate, _ b: CivilDate) -> CivilDate { a < b ? a : b }
}
