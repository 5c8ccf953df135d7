import AccrueCore
import Testing

@Suite("Day counts and simple interest")
struct DayCountTests {
  /// Flattens parts for comparison (tuples are not Equatable as array elements).
  func parts(_ dc: DayCount, _ a: String, _ b: String) -> [[Int]] {
    yearFractionParts(dc, from: day(a), to: day(b)).map { [$0.days, $0.basis] }
  }

  @Test("actual/365 and actual/360")
  func actual() {
    // Jan has 31 days and Feb 2024 has 29: 60 days.
    #expect(parts(.actual365, "2024-01-01", "2024-03-01") == [[60, 365]])
    #expect(parts(.actual360, "2024-01-01", "2024-03-01") == [[60, 360]])
    #expect(parts(.actual365, "2024-03-01", "2024-01-01") == [[-60, 365]])
  }

  // US 30/360: days = 360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1) after the end-of-month adjustments.
  @Test(
    "30/360 US",
    arguments: [
      ("2023-01-31", "2023-02-28", 28),  // D1 31 -> 30; 30 * 1 + (28 - 30) = 28
      ("2023-02-28", "2023-03-31", 30),  // D1 last of Feb -> 30; D2 31 with D1 30 -> 30; 30 + 0
      ("2024-02-28", "2024-03-31", 33),  // Feb 28 2024 is not the last day: 30 + (31 - 28)
      ("2024-02-29", "2025-02-28", 360),  // both last of Feb: D1 = D2 = 30; 360 + 0 + 0
      ("2023-01-15", "2023-03-31", 76),  // D1 15 < 30 so D2 stays 31: 60 + 16
      ("2023-01-30", "2023-03-31", 60),  // D2 31 with D1 30 -> 30: 60 + 0
      ("2023-03-31", "2023-04-30", 30),  // D1 31 -> 30: 30 + 0
      ("2023-01-01", "2024-01-01", 360),
      ("2023-02-28", "2023-01-31", -28),  // reversed span is negated
    ])
  func thirty360(from: String, to: String, days: Int) {
    #expect(parts(.thirty360, from, to) == [[days, 360]])
  }

  @Test("actual/actual ISDA splits at year boundaries")
  func actualActual() {
    // 2023-12-15 -> 2024-01-01 is 17 days of 2023; 2024-01-01 -> 2024-01-15 is 14 days of leap 2024.
    #expect(parts(.actualActual, "2023-12-15", "2024-01-15") == [[17, 365], [14, 366]])
    // Jul..Dec 2023 = 31+31+30+31+30+31 = 184; all of 2024 = 366; Jan..Jun 2025 = 31+28+31+30+31+30 = 181.
    #expect(parts(.actualActual, "2023-07-01", "2025-07-01") == [[184, 365], [366, 366], [181, 365]])
    // Ending exactly on Jan 1 adds no empty part: Jun..Dec 2023 = 30+31+31+30+31+30+31 = 214.
    #expect(parts(.actualActual, "2023-06-01", "2024-01-01") == [[214, 365]])
    #expect(parts(.actualActual, "2024-05-05", "2024-05-05") == [[0, 366]])
    #expect(parts(.actualActual, "2024-01-15", "2023-12-15") == [[-17, 365], [-14, 366]])
    #expect(parts(.actualActual, "9999-12-01", "9999-12-31") == [[30, 365]])
  }

  @Test("simple interest rounds only at the 18th digit")
  func interest() {
    // ERPNext example: 1000 * 10% * 45 / 365 = 4500 / 365 = 900 / 73 = 12.32876712 32876712 32|876...
    // (1/73 has period 8); the 19th digit is 8, so half even rounds the 18th up: 12.328767123287671233.
    let erp = simpleInterest(
      principal: fx("1000"), annualRate: fx("0.10"), dayCount: .actual365, from: day("2024-01-01"),
      to: day("2024-02-15"))
    #expect(erp == fx("12.328767123287671233"))
    #expect(erp?.rounded(places: 2, .halfEven) == fx("12.33"))
    // Across the 2023/2024 boundary: 1000 * 5% * 17/365 + 1000 * 5% * 14/366
    //   = 850/365 + 700/366 = 2.328767123287671232|87... + 1.912568306010928961|74...
    //   -> 2.328767123287671233 + 1.912568306010928962 = 4.241335429298600195.
    let split = simpleInterest(
      principal: fx("1000"), annualRate: fx("0.05"), dayCount: .actualActual, from: day("2023-12-15"),
      to: day("2024-01-15"))
    #expect(split == fx("4.241335429298600195"))
    let bond = simpleInterest(
      principal: fx("1000"), annualRate: fx("0.06"), dayCount: .thirty360, from: day("2023-01-31"),
      to: day("2023-02-28"))
    // Jan 31 -> Feb 28 is 28 days under 30/360 US: 1000 * 0.06 * 28 / 360 = 4.666666666666666667.
    #expect(bond == fx("4.666666666666666667"))
    let overflow = simpleInterest(
      principal: Fixed(raw: .max), annualRate: fx("1"), dayCount: .actual360, from: day("2023-01-01"),
      to: day("2024-01-01"))
    #expect(overflow == nil)
  }
}
