import AccrueCore
import Testing

@Suite("Periods")
struct PeriodTests {
  @Test("monthly boundaries from a Jan 31 anchor are computed from the anchor (clamp)")
  func monthlyClamp() {
    let anchor = day("2023-01-31")
    let expected = [
      "2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30", "2023-05-31", "2023-06-30", "2023-07-31",
      "2023-08-31", "2023-09-30", "2023-10-31", "2023-11-30", "2023-12-31", "2024-01-31", "2024-02-29",
      "2024-03-31",
    ]
    for (k, text) in expected.enumerated() {
      #expect(periodBoundary(anchor: anchor, unit: .months(1), index: k, rule: .clamp) == day(text), "k=\(k)")
    }
    #expect(periodBoundary(anchor: anchor, unit: .months(1), index: -1, rule: .clamp) == day("2022-12-31"))
    #expect(periodBoundary(anchor: anchor, unit: .months(1), index: -11, rule: .clamp) == day("2022-02-28"))
    #expect(periodBoundary(anchor: anchor, unit: .months(3), index: 1, rule: .clamp) == day("2023-04-30"))
    #expect(periodBoundary(anchor: anchor, unit: .months(1), index: 1, rule: .rollOver) == day("2023-03-01"))
    #expect(periodBoundary(anchor: anchor, unit: .months(1), index: 1, rule: .reject) == nil)
    #expect(periodBoundary(anchor: anchor, unit: .months(1), index: 2, rule: .reject) == day("2023-03-31"))
  }

  @Test("day and week boundaries")
  func dayWeek() {
    let anchor = day("2024-01-01")
    #expect(periodBoundary(anchor: anchor, unit: .days(10), index: 3, rule: .clamp) == day("2024-01-31"))
    #expect(periodBoundary(anchor: anchor, unit: .weeks(2), index: -1, rule: .clamp) == day("2023-12-18"))
    #expect(periodBoundary(anchor: anchor, unit: .weeks(1), index: 0, rule: .reject) == anchor)
  }

  @Test("invalid counts and overflow give nil")
  func invalid() {
    let anchor = day("2024-01-01")
    for unit in [PeriodUnit.days(0), .weeks(-1), .months(0)] {
      #expect(periodBoundary(anchor: anchor, unit: unit, index: 1, rule: .clamp) == nil)
      #expect(periodIndex(containing: anchor, anchor: anchor, unit: unit, rule: .clamp) == nil)
    }
    #expect(periodBoundary(anchor: anchor, unit: .days(Int.max), index: 2, rule: .clamp) == nil)
    #expect(periodBoundary(anchor: anchor, unit: .weeks(Int.max), index: 1, rule: .clamp) == nil)
    #expect(periodBoundary(anchor: anchor, unit: .months(Int.max), index: -2, rule: .clamp) == nil)
    #expect(periodIndex(containing: day("2030-01-01"), anchor: anchor, unit: .weeks(Int.max), rule: .clamp) == 0)
    #expect(periodIndex(containing: day("2020-01-01"), anchor: anchor, unit: .weeks(Int.max), rule: .clamp) == nil)
    #expect(periodIndex(containing: day("2030-01-01"), anchor: anchor, unit: .months(Int.max), rule: .clamp) == 0)
    // A period start before 0001-01-01 does not exist.
    #expect(periodIndex(containing: day("0001-01-01"), anchor: day("0001-01-03"), unit: .weeks(1), rule: .clamp) == nil)
    #expect(periodIndex(containing: day("0001-01-01"), anchor: day("0001-02-03"), unit: .months(1), rule: .clamp) == nil)
  }

  @Test(
    "period index examples",
    arguments: [
      ("2023-02-28", MonthEndRule.clamp, 1),
      ("2023-02-27", .clamp, 0),
      ("2023-01-31", .clamp, 0),
      ("2023-01-30", .clamp, -1),
      ("2023-03-15", .clamp, 1),
      ("2023-02-28", .rollOver, 0),  // boundary 1 rolls over to 2023-03-01
      ("2023-03-01", .rollOver, 1),
      ("2023-03-15", .reject, 0),  // boundary 1 (Feb 31) does not exist
      ("2023-03-31", .reject, 2),
      // Boundary -1 is 2022-12-31 (after the date) and -2 (Nov 31) does not exist: -3 is 2022-10-31.
      ("2022-12-30", .reject, -3),
      ("2022-12-30", .clamp, -2),  // boundary -2 clamps to 2022-11-30
    ])
  func indexExamples(date: String, rule: MonthEndRule, expected: Int) {
    let index = periodIndex(containing: day(date), anchor: day("2023-01-31"), unit: .months(1), rule: rule)
    #expect(index == expected)
  }

  @Test("period index is consistent with boundaries for 3,000 random dates, anchors and units")
  func indexProperty() throws {
    var rng = LCG(seed: 0x5EED_0042)
    let low = Int(try #require(CivilDate(year: 1900, month: 1, day: 1)).dayNumber)
    let high = Int(try #require(CivilDate(year: 2100, month: 12, day: 31)).dayNumber)
    for _ in 0..<3000 {
      let anchor = CivilDate(dayNumber: Int32(rng.int(low...high)))
      // Bias anchors toward month ends, where the rules differ.
      let anchorDate = rng.int(0...1) == 0 ? anchor.endOfMonth : anchor
      let date = CivilDate(dayNumber: Int32(rng.int(low...high)))
      let unit: PeriodUnit
      switch rng.int(0...2) {
      case 0: unit = .days(rng.int(1...40))
      case 1: unit = .weeks(rng.int(1...6))
      default: unit = .months([1, 1, 1, 2, 3, 6, 12, 5, 24][rng.int(0...8)])
      }
      let rule = MonthEndRule.allCases[rng.int(0...2)]
      let k = try #require(
        periodIndex(containing: date, anchor: anchorDate, unit: unit, rule: rule),
        "\(date) \(anchorDate) \(unit) \(rule)")
      let start = try #require(periodBoundary(anchor: anchorDate, unit: unit, index: k, rule: rule))
      #expect(start <= date)
      // No later boundary may start on or before the date (skipped boundaries under .reject are nil).
      for j in (k + 1)...(k + 12) {
        if let later = periodBoundary(anchor: anchorDate, unit: unit, index: j, rule: rule) {
          #expect(later > date, "\(date) \(anchorDate) \(unit) \(rule) k=\(k) j=\(j)")
        }
      }
      if rule != .reject {
        let next = try #require(periodBoundary(anchor: anchorDate, unit: unit, index: k + 1, rule: rule))
        #expect(date < next)
      }
    }
  }
}
