import AccrueCompiler
import AccrueCore
import AccrueData

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

extension CivilDate {
  /// Days from self to other, as a Fixed.
  func daysFixed(until other: CivilDate) -> Fixed { Fixed(days(until: other)) }
  static func max(_ a: CivilDate, _ b: CivilDate) -> CivilDate { a < b ? b : a }
  static func min(_ a: CivilDate, _ b: CivilDate) -> CivilDate { a < b ? a : b }
}
