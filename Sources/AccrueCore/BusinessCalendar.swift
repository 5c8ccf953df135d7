/// Working days: every day except weekend weekdays and listed holidays.
///
/// All queries run in O(log h) per holiday "round" (h = number of holidays), never by stepping day by day.
public struct BusinessCalendar: Sendable, Hashable {
  /// Bit i set = weekday i (0 = Monday ... 6 = Sunday) is a weekend day; never all seven.
  @usableFromInline
  let weekendMask: UInt8
  /// Holiday day numbers falling on working weekdays, sorted and unique (weekend holidays change nothing).
  @usableFromInline
  let holidayDays: [Int32]
  /// Working weekdays per week (1...7).
  let workingPerWeek: Int

  /// A calendar with the given weekend and holidays; nil if all seven days are weekend.
  public init?(weekend: Set<Weekday> = [.saturday, .sunday], holidays: [CivilDate] = []) {
    var mask: UInt8 = 0
    for day in weekend { mask |= 1 << UInt8(day.rawValue - 1) }
    if mask == 0x7F { return nil }
    weekendMask = mask
    workingPerWeek = 7 - mask.nonzeroBitCount
    var days: [Int32] = []
    days.reserveCapacity(holidays.count)
    for h in holidays where mask & (1 << UInt8(BusinessCalendar.weekdayIndex(Int(h.dayNumber)))) == 0 {
      days.append(h.dayNumber)
    }
    days.sort()
    var unique: [Int32] = []
    unique.reserveCapacity(days.count)
    for d in days where unique.last != d { unique.append(d) }
    holidayDays = unique
  }

  /// Saturday and Sunday off, no holidays.
  public static let weekendsOnly = BusinessCalendar(validMask: 0b110_0000, holidayDays: [])

  /// Builds a calendar from an already valid mask (not all seven bits) and normalized holidays.
  private init(validMask: UInt8, holidayDays: [Int32]) {
    weekendMask = validMask
    workingPerWeek = 7 - validMask.nonzeroBitCount
    self.holidayDays = holidayDays
  }

  /// The weekend days.
  public var weekend: Set<Weekday> {
    Set(Weekday.allCases.filter { weekendMask & (1 << UInt8($0.rawValue - 1)) != 0 })
  }

  /// The holidays that fall on working weekdays, sorted.
  public var holidays: [CivilDate] { holidayDays.map { CivilDate(dayNumber: $0) } }

  // MARK: Queries

  /// True if the date is neither a weekend day nor a holiday.
  public func isBusinessDay(_ d: CivilDate) -> Bool {
    let z = Int(d.dayNumber)
    return isWorkingWeekday(z) && !isHoliday(z)
  }

  /// The first business day on or after `d` ("following" roll); nil past 9999-12-31.
  public func nextBusinessDay(onOrAfter d: CivilDate) -> CivilDate? {
    adding(businessDays: 0, to: d)
  }

  /// n > 0: the n-th business day after `d`; n < 0: the |n|-th before; n == 0: `d` rolled forward if needed.
  ///
  /// Returns nil if the result leaves 0001-01-01...9999-12-31.
  public func adding(businessDays n: Int, to d: CivilDate) -> CivilDate? {
    // No answer can lie within the supported range beyond this many business days.
    guard n >= -10_000_000 && n <= 10_000_000 else { return nil }
    let z = Int(d.dayNumber)
    let result: Int
    if n >= 0 {
      // The n-th business day after z is the first day x > z with B(x) = B(z) + n (n == 0: first x >= z).
      let base = n == 0 ? z - 1 : z
      result = firstReaching(cumulative(base) + Swift.max(n, 1), holidaysBelow: holidaysUpTo(base))
    } else {
      // The |n|-th business day before z is one past the last y with B(y) <= B(z - 1) - |n|.
      let target = cumulative(z - 1) + n
      result = lastNotExceeding(target, holidaysAbove: holidaysUpTo(z - 1)) + 1
    }
    return CivilDate.checked(result)
  }

  /// Business days in (a, b]; negative (minus the count in (b, a]) when b < a.
  public func businessDays(from a: CivilDate, to b: CivilDate) -> Int {
    cumulative(Int(b.dayNumber)) - cumulative(Int(a.dayNumber))
  }

  // MARK: Counting machinery
  //
  // W(z): working weekdays up to day z (from an arbitrary origin), computed arithmetically.
  // H(z): holidays (on working weekdays) up to day z, by binary search.
  // B(z) = W(z) - H(z): business days up to day z; B(b) - B(a) counts business days in (a, b].

  /// Weekday index 0 (Monday) ... 6 (Sunday) of a day number.
  @inlinable
  static func weekdayIndex(_ z: Int) -> Int { Arith.floorMod(z + 3, 7) }

  /// True if the day is not a weekend day.
  @inlinable
  func isWorkingWeekday(_ z: Int) -> Bool {
    weekendMask & (1 << UInt8(truncatingIfNeeded: BusinessCalendar.weekdayIndex(z))) == 0
  }

  /// True if the day is a listed holiday (on a working weekday).
  func isHoliday(_ z: Int) -> Bool {
    let i = holidaysUpTo(z)
    return i > 0 && Int(holidayDays[i - 1]) == z
  }

  /// H(z): number of holidays on or before day z.
  func holidaysUpTo(_ z: Int) -> Int {
    var lo = 0
    var hi = holidayDays.count
    while lo < hi {
      let mid = lo + (hi - lo) / 2
      if Int(holidayDays[mid]) <= z { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// Working weekdays among weekday indices 0...r.
  func workingPrefix(_ r: Int) -> Int {
    let working = ~weekendMask & 0x7F
    let upTo = UInt8(truncatingIfNeeded: (1 << (r + 1)) - 1)
    return (working & upTo).nonzeroBitCount
  }

  /// W(z): working weekdays up to day z, counted from the Monday of day number -3.
  func workingUpTo(_ z: Int) -> Int {
    let u = z + 3
    let week = Arith.floorDiv(u, 7)
    return week * workingPerWeek + workingPrefix(u - week * 7)
  }

  /// The smallest day z with W(z) >= t (always a working weekday with W(z) == t).
  func firstWorkingReaching(_ t: Int) -> Int {
    let week = Arith.floorDiv(t - 1, workingPerWeek)
    var j = t - week * workingPerWeek  // 1...workingPerWeek: which working day of that week
    var r = 0
    while r < 7 {
      if weekendMask & (1 << UInt8(r)) == 0 {
        j -= 1
        if j == 0 { break }
      }
      r += 1
    }
    return week * 7 + r - 3
  }

  /// B(z): business days up to day z.
  func cumulative(_ z: Int) -> Int { workingUpTo(z) - holidaysUpTo(z) }

  /// The smallest x with B(x) >= t, given H(x) >= `h` (fixed-point iteration; each round absorbs the holidays
  /// passed so far, so it stops after at most h + 1 rounds).
  func firstReaching(_ t: Int, holidaysBelow h: Int) -> Int {
    var h = h
    while true {
      let x = firstWorkingReaching(t + h)
      let seen = holidaysUpTo(x)
      if seen == h { return x }
      h = seen
    }
  }

  /// The largest y with B(y) <= t, given H(y) <= `h` (decreasing fixed-point iteration).
  func lastNotExceeding(_ t: Int, holidaysAbove h: Int) -> Int {
    var h = h
    while true {
      let y = firstWorkingReaching(t + h + 1) - 1
      let seen = holidaysUpTo(y)
      if seen == h { return y }
      h = seen
    }
  }
}
