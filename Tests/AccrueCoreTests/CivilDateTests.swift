import AccrueCore
import Testing

@Suite("CivilDate")
struct CivilDateTests {
  @Test(
    "leap years",
    arguments: [(1900, false), (2000, true), (2024, true), (2023, false), (2100, false), (2400, true), (4, true)])
  func leapYears(year: Int, leap: Bool) {
    #expect(CivilDate.isLeapYear(year) == leap)
    #expect(CivilDate.daysInMonth(year: year, month: 2) == (leap ? 29 : 28))
  }

  @Test("days in month")
  func daysInMonth() {
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for (index, length) in lengths.enumerated() {
      #expect(CivilDate.daysInMonth(year: 2023, month: index + 1) == length)
    }
    #expect(CivilDate.daysInMonth(year: 2023, month: 0) == 0)
    #expect(CivilDate.daysInMonth(year: 2023, month: 13) == 0)
  }

  @Test(
    "known day numbers",
    arguments: [
      ("1970-01-01", Int32(0)), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-01-01", 10_957),
      ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
    ])
  func dayNumbers(text: String, number: Int32) throws {
    let date = try #require(CivilDate.parse(text))
    #expect(date.dayNumber == number)
    #expect(date.description == text)
    #expect(CivilDate(dayNumber: number) == date)
  }

  @Test(
    "weekdays of known dates",
    arguments: [
      ("2026-11-22", Weekday.sunday), ("2000-01-01", .saturday), ("1970-01-01", .thursday),
      ("2024-02-29", .thursday), ("0001-01-01", .monday), ("1969-12-29", .monday),
    ])
  func weekdays(text: String, weekday: Weekday) {
    #expect(day(text).weekday == weekday)
  }

  @Test("weekday names")
  func weekdayNames() {
    #expect(Weekday.sunday.name == "sunday")
    #expect(Weekday(name: "monday") == .monday)
    #expect(Weekday(name: "Monday") == nil)
  }

  @Test(
    "strict parsing rejects",
    arguments: [
      "", "2024-1-01", "2024-01-1", "20240101", "2024/01/01", "2024-01-01 ", " 2024-01-01", "+024-01-01",
      "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "2023-02-29", "2024-02-30", "2024-04-31",
      "0000-01-01", "abcd-ef-gh", "2024-01-0a", "2024_01_01",
    ])
  func parseRejects(text: String) {
    #expect(CivilDate.parse(text) == nil)
  }

  @Test("component initializer validates")
  func componentInit() {
    #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
    #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
    #expect(CivilDate(year: 0, month: 1, day: 1) == nil)
    #expect(CivilDate(year: 10_000, month: 1, day: 1) == nil)
    #expect(CivilDate(year: 2024, month: 13, day: 1) == nil)
    #expect(CivilDate(year: Int.min, month: 1, day: 1) == nil)
    #expect(CivilDate(year: 2024, month: 1, day: Int.max) == nil)
  }

  // Catala reference cases: (start, months, roll over, clamp).
  @Test(
    "month addition (Catala semantics)",
    arguments: [
      ("2012-01-31", 1, "2012-03-01", "2012-02-29"),
      ("2013-01-31", 1, "2013-03-01", "2013-02-28"),
      ("2012-03-31", 1, "2012-05-01", "2012-04-30"),
      ("2012-10-31", 4, "2013-03-01", "2013-02-28"),
      // Negative months.
      ("2013-03-31", -1, "2013-03-01", "2013-02-28"),
      ("2012-03-31", -1, "2012-03-01", "2012-02-29"),
      ("2012-05-31", -3, "2012-03-01", "2012-02-29"),
      ("2024-08-31", -2, "2024-07-01", "2024-06-30"),
      // Year-end roll over.
      ("2023-10-31", 1, "2023-12-01", "2023-11-30"),
    ])
  func ambiguousMonths(start: String, months: Int, rolled: String, clamped: String) {
    let date = day(start)
    #expect(date.adding(months: months, .rollOver) == day(rolled))
    #expect(date.adding(months: months, .clamp) == day(clamped))
    #expect(date.adding(months: months, .reject) == nil)
    #expect(date.monthAdditionIsAmbiguous(months))
  }

  @Test(
    "unambiguous month addition is the same under every rule",
    arguments: [
      ("2024-01-15", 1, "2024-02-15"), ("2024-01-15", -13, "2022-12-15"), ("2024-01-31", 2, "2024-03-31"),
      ("2024-02-29", 12, "2025-02-28"), ("2023-12-31", 0, "2023-12-31"), ("2024-01-28", 1, "2024-02-28"),
    ])
  func plainMonths(start: String, months: Int, expected: String) {
    let date = day(start)
    let ambiguous = date.monthAdditionIsAmbiguous(months)
    for rule in MonthEndRule.allCases where !ambiguous || rule == .clamp {
      #expect(date.adding(months: months, rule) == day(expected), "\(rule)")
    }
  }

  @Test("range limits give nil, never a trap")
  func limits() {
    #expect(day("9999-12-31").adding(days: 1) == nil)
    #expect(day("0001-01-01").adding(days: -1) == nil)
    #expect(day("9999-12-30").adding(days: 1) == day("9999-12-31"))
    #expect(day("2024-01-01").adding(days: Int.max) == nil)
    #expect(day("2024-01-01").adding(days: Int.min) == nil)
    #expect(day("9999-12-15").adding(months: 1, .clamp) == nil)
    #expect(day("0001-01-15").adding(months: -1, .clamp) == nil)
    #expect(day("9999-10-31").adding(months: 1, .rollOver) == day("9999-12-01"))
    #expect(day("2024-01-01").adding(months: Int.max, .clamp) == nil)
    #expect(day("2024-01-01").adding(months: Int.min, .clamp) == nil)
    #expect(!day("2024-01-31").monthAdditionIsAmbiguous(Int.max))
    let far = CivilDate(dayNumber: .max)
    #expect(far.adding(days: 0) == nil)
    #expect(far.adding(months: 1, .clamp) == nil)
    #expect(CivilDate(dayNumber: .min).adding(days: 1) == nil)
    _ = far.description  // formatting any day number is safe
    _ = CivilDate(dayNumber: .min).description
  }

  @Test("month boundaries and differences")
  func monthBoundaries() {
    #expect(day("2024-02-10").startOfMonth == day("2024-02-01"))
    #expect(day("2024-02-10").endOfMonth == day("2024-02-29"))
    #expect(day("2023-12-31").endOfMonth == day("2023-12-31"))
    #expect(day("2024-01-01").days(until: day("2024-12-31")) == 365)
    #expect(day("2024-12-31").days(until: day("2024-01-01")) == -365)
    #expect(day("2024-03-01") > day("2024-02-29"))
  }

  @Test("every day from 1900 to 2100 round-trips through its fields and text")
  func dayNumberRoundTrip() throws {
    let first = try #require(CivilDate(year: 1900, month: 1, day: 1))
    let last = try #require(CivilDate(year: 2100, month: 12, day: 31))
    var expected = (year: 1900, month: 1, day: 1)
    var weekday = Weekday.monday.rawValue  // 1900-01-01 was a Monday
    var failures = 0
    for n in first.dayNumber...last.dayNumber {
      let date = CivilDate(dayNumber: n)
      let ymd = date.ymd
      if ymd != expected || date.weekday.rawValue != weekday
        || CivilDate(year: ymd.year, month: ymd.month, day: ymd.day)?.dayNumber != n
        || CivilDate.parse(date.description) != date
      {
        failures += 1
      }
      // Advance the expected fields by hand.
      expected.day += 1
      if expected.day > CivilDate.daysInMonth(year: expected.year, month: expected.month) {
        expected.day = 1
        expected.month += 1
        if expected.month > 12 {
          expected.month = 1
          expected.year += 1
        }
      }
      weekday = weekday % 7 + 1
    }
    #expect(failures == 0)
    #expect(expected == (2101, 1, 1))
  }

  @Test("text of any day number, in and out of the supported years, as the field-by-field form writes it")
  func descriptionEverywhere() {
    func reference(_ d: CivilDate) -> String {
      let (y, m, day) = d.ymd
      let digits = String(y.magnitude)
      let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
      return (y < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-" + two(m) + "-" + two(day)
    }
    var wrong = 0
    for n in stride(from: Int32(-800_000), through: 3_000_000, by: 97) where CivilDate(dayNumber: n).description != reference(CivilDate(dayNumber: n)) {
      wrong += 1
    }
    #expect(wrong == 0)
    #expect(CivilDate(dayNumber: 0).description == "1970-01-01")
    #expect(CivilDate(year: 1, month: 2, day: 3)?.description == "0001-02-03")
  }
}
