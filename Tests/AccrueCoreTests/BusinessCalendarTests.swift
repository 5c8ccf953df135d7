import AccrueCore
import Testing

/// Reference implementation: step one day at a time.
private func naiveAdd(_ n: Int, to start: CivilDate, weekend: Set<Weekday>, holidays: Set<Int32>) -> CivilDate? {
  func isBusiness(_ d: CivilDate) -> Bool { !weekend.contains(d.weekday) && !holidays.contains(d.dayNumber) }
  var d = start
  if n == 0 {
    while !isBusiness(d) {
      guard let next = d.adding(days: 1) else { return nil }
      d = next
    }
    return d
  }
  var remaining = n.magnitude
  let step = n > 0 ? 1 : -1
  while remaining > 0 {
    guard let next = d.adding(days: step) else { return nil }
    d = next
    if isBusiness(d) { remaining -= 1 }
  }
  return d
}

@Suite("BusinessCalendar")
struct BusinessCalendarTests {
  // 2026-11-20 is a Friday, 2026-11-21 Saturday, 2026-11-22 Sunday, 2026-11-23 Monday.
  let friday = day("2026-11-20")
  let saturday = day("2026-11-21")
  let monday = day("2026-11-23")

  @Test("weekends are skipped")
  func weekends() {
    let cal = BusinessCalendar.weekendsOnly
    #expect(cal.adding(businessDays: 1, to: friday) == monday)
    #expect(cal.adding(businessDays: -1, to: monday) == friday)
    #expect(cal.adding(businessDays: 0, to: saturday) == monday)
    #expect(cal.adding(businessDays: 0, to: friday) == friday)
    #expect(cal.adding(businessDays: 5, to: monday) == day("2026-11-30"))
    #expect(cal.adding(businessDays: -1, to: saturday) == friday)
    // The first business day after Saturday is Monday; the second is Tuesday.
    #expect(cal.adding(businessDays: 1, to: saturday) == monday)
    #expect(cal.adding(businessDays: 2, to: saturday) == day("2026-11-24"))
    #expect(cal.nextBusinessDay(onOrAfter: saturday) == monday)
    #expect(!cal.isBusinessDay(saturday) && cal.isBusinessDay(friday))
  }

  @Test("holidays are skipped")
  func holidays() throws {
    let cal = try #require(BusinessCalendar(holidays: [monday]))
    #expect(cal.adding(businessDays: 1, to: friday) == day("2026-11-24"))
    #expect(cal.adding(businessDays: 0, to: saturday) == day("2026-11-24"))
    #expect(!cal.isBusinessDay(monday))
    let fridayOff = try #require(BusinessCalendar(holidays: [friday, friday]))
    #expect(fridayOff.adding(businessDays: -1, to: monday) == day("2026-11-19"))
    #expect(fridayOff.holidays == [friday])
    // Holidays on weekend days change nothing.
    #expect(BusinessCalendar(holidays: [saturday]) == BusinessCalendar.weekendsOnly)
  }

  @Test("custom weekends")
  func customWeekends() throws {
    #expect(BusinessCalendar(weekend: Set(Weekday.allCases)) == nil)
    // Friday/Saturday weekend: Thursday 2026-11-19 + 1 business day is Sunday 2026-11-22.
    let gulf = try #require(BusinessCalendar(weekend: [.friday, .saturday]))
    #expect(gulf.adding(businessDays: 1, to: day("2026-11-19")) == day("2026-11-22"))
    #expect(gulf.weekend == [.friday, .saturday])
    // A six-day weekend: only Wednesdays work.
    let wednesdays = try #require(BusinessCalendar(weekend: Set(Weekday.allCases).subtracting([.wednesday])))
    #expect(wednesdays.adding(businessDays: 2, to: friday) == day("2026-12-02"))
    let open = try #require(BusinessCalendar(weekend: []))
    #expect(open.adding(businessDays: 3, to: friday) == day("2026-11-23"))
  }

  @Test("counting business days in (a, b]")
  func counting() throws {
    let cal = BusinessCalendar.weekendsOnly
    #expect(cal.businessDays(from: friday, to: monday) == 1)
    #expect(cal.businessDays(from: monday, to: friday) == -1)
    #expect(cal.businessDays(from: monday, to: monday) == 0)
    #expect(cal.businessDays(from: monday, to: day("2026-11-30")) == 5)
    let withHoliday = try #require(BusinessCalendar(holidays: [day("2026-11-26")]))
    #expect(withHoliday.businessDays(from: monday, to: day("2026-11-30")) == 4)
  }

  @Test("a long run of consecutive holidays")
  func holidayRun() throws {
    // Every day for 100 days from Monday 2026-11-23 is a holiday: the run ends on Tuesday 2027-03-02.
    let run = (0..<100).compactMap { monday.adding(days: $0) }
    let cal = try #require(BusinessCalendar(holidays: run))
    #expect(cal.adding(businessDays: 1, to: friday) == day("2027-03-03"))
    #expect(cal.adding(businessDays: 0, to: monday) == day("2027-03-03"))
    #expect(cal.adding(businessDays: -1, to: day("2027-03-03")) == friday)
  }

  @Test("the supported range is respected")
  func range() {
    let cal = BusinessCalendar.weekendsOnly
    #expect(cal.adding(businessDays: 1, to: day("9999-12-31")) == nil)  // a Friday
    #expect(cal.adding(businessDays: -1, to: day("0001-01-01")) == nil)
    #expect(cal.adding(businessDays: .max, to: friday) == nil)
    #expect(cal.adding(businessDays: .min, to: friday) == nil)
    #expect(cal.adding(businessDays: 0, to: day("9999-12-31")) == day("9999-12-31"))
  }

  @Test("400 random calendars and offsets up to 10,000 match day-by-day stepping")
  func matchesNaive() throws {
    var rng = LCG(seed: 0xB05_1DA7)
    let base = Int(day("2020-01-01").dayNumber)
    for round in 0..<400 {
      var weekend = Set<Weekday>()
      for w in Weekday.allCases where rng.int(0...3) == 0 { weekend.insert(w) }
      if weekend.count == 7 { weekend.remove(.wednesday) }
      var holidays: [CivilDate] = []
      for _ in 0..<rng.int(0...80) {
        let start = base + rng.int(-6000...9000)
        for offset in 0..<rng.int(1...6) {  // clusters of consecutive holidays
          holidays.append(CivilDate(dayNumber: Int32(start + offset)))
        }
      }
      let cal = try #require(BusinessCalendar(weekend: weekend, holidays: holidays))
      let holidaySet = Set(holidays.map(\.dayNumber))
      let start = CivilDate(dayNumber: Int32(base + rng.int(-2000...2000)))
      let n = round % 4 == 0 ? rng.int(-10_000...10_000) : rng.int(-40...40)
      let expected = naiveAdd(n, to: start, weekend: weekend, holidays: holidaySet)
      #expect(cal.adding(businessDays: n, to: start) == expected, "n=\(n) start=\(start) weekend=\(weekend)")
      if let end = expected, n > 0 {
        #expect(cal.businessDays(from: start, to: end) == n)
      }
      let other = CivilDate(dayNumber: Int32(base + rng.int(-2000...2000)))
      var count = 0
      var d = min(start, other)
      while d < max(start, other) {
        d = d.adding(days: 1) ?? d
        if !weekend.contains(d.weekday) && !holidaySet.contains(d.dayNumber) { count += 1 }
      }
      #expect(cal.businessDays(from: start, to: other) == (other >= start ? count : -count))
    }
  }
}
