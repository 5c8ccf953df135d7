/// A day of the week, numbered ISO-style (Monday = 1 ... Sunday = 7).
public enum Weekday: Int, Sendable, CaseIterable {
  /// Monday (1).
  case monday = 1
  /// Tuesday (2).
  case tuesday
  /// Wednesday (3).
  case wednesday
  /// Thursday (4).
  case thursday
  /// Friday (5).
  case friday
  /// Saturday (6).
  case saturday
  /// Sunday (7).
  case sunday

  /// The lowercase English name, e.g. "monday".
  public var name: String {
    switch self {
    case .monday: return "monday"
    case .tuesday: return "tuesday"
    case .wednesday: return "wednesday"
    case .thursday: return "thursday"
    case .friday: return "friday"
    case .saturday: return "saturday"
    case .sunday: return "sunday"
    }
  }

  /// The weekday with this lowercase English name, or nil.
  public init?(name: String) {
    guard let match = Weekday.allCases.first(where: { $0.name == name }) else { return nil }
    self = match
  }
}

/// What adding months does when the day does not exist in the target month.
public enum MonthEndRule: String, Sendable, CaseIterable {
  /// Use the last day of the target month (Jan 31 + 1 month = Feb 28/29).
  case clamp = "clamp"
  /// Use the first day of the month after the target month (2013-01-31 + 1 month = 2013-03-01).
  case rollOver = "roll over"
  /// Give no date (nil).
  case reject = "reject"
}

/// A proleptic Gregorian calendar date without time or time zone, valid from 0001-01-01 to 9999-12-31.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Days since 1970-01-01 (negative before); ordering follows this number.
  public var dayNumber: Int32

  /// Wraps a day number (values outside 0001-01-01...9999-12-31 make later operations return nil).
  @inlinable
  public init(dayNumber: Int32) { self.dayNumber = dayNumber }

  /// Day number of 0001-01-01.
  @usableFromInline
  static var minDay: Int { -719_162 }
  /// Day number of 9999-12-31.
  @usableFromInline
  static var maxDay: Int { 2_932_896 }

  /// The earliest supported date, 0001-01-01.
  public static let minimum = CivilDate(dayNumber: -719_162)
  /// The latest supported date, 9999-12-31.
  public static let maximum = CivilDate(dayNumber: 2_932_896)

  /// The date for a day number if it lies in 0001-01-01...9999-12-31.
  @inlinable
  static func checked(_ day: Int) -> CivilDate? {
    guard day >= minDay && day <= maxDay else { return nil }
    return CivilDate(dayNumber: Int32(truncatingIfNeeded: day))
  }

  /// True when the date lies in 0001-01-01...9999-12-31.
  @inlinable
  public var isInSupportedRange: Bool {
    Int(dayNumber) >= CivilDate.minDay && Int(dayNumber) <= CivilDate.maxDay
  }

  /// A real calendar date in years 1...9999, or nil (no Feb 30, Feb 29 only in leap years).
  public init?(year: Int, month: Int, day: Int) {
    guard year >= 1 && year <= 9999, month >= 1 && month <= 12, day >= 1,
      day <= CivilDate.daysInMonth(year: year, month: month)
    else { return nil }
    dayNumber = Int32(truncatingIfNeeded: CivilDate.daysFromCivil(year, month, day))
  }

  /// Strict "YYYY-MM-DD" parse; nil on any deviation or impossible date.
  public static func parse(_ text: String) -> CivilDate? {
    text.withBytes { parse(bytes: $0) }
  }

  /// Strict "YYYY-MM-DD" parse of exactly 10 bytes; nil on any deviation or impossible date.
  public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
    guard bytes.count == 10, let p = bytes.baseAddress else { return nil }
    guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") else { return nil }
    let y0 = p[0] &- 0x30, y1 = p[1] &- 0x30, y2 = p[2] &- 0x30, y3 = p[3] &- 0x30
    let m0 = p[5] &- 0x30, m1 = p[6] &- 0x30, d0 = p[8] &- 0x30, d1 = p[9] &- 0x30
    guard y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10 else { return nil }
    let year = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
    let month = Int(m0) * 10 + Int(m1)
    let day = Int(d0) * 10 + Int(d1)
    return CivilDate(year: year, month: month, day: day)
  }

  // MARK: Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html)

  /// Days since 1970-01-01 for a proleptic Gregorian (year, month, day); callers keep |year| small.
  @usableFromInline
  static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400  // [0, 399]
    let mp = month > 2 ? month - 3 : month + 9  // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1  // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy  // [0, 146096]
    return era * 146_097 + doe - 719_468
  }

  /// (year, month, day) for a day number since 1970-01-01.
  @usableFromInline
  static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097  // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365  // [0, 399]
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)  // [0, 365]
    let mp = (5 * doy + 2) / 153  // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1  // [1, 31]
    let m = mp < 10 ? mp + 3 : mp - 9  // [1, 12]
    return (m <= 2 ? y + 1 : y, m, d)
  }

  // MARK: Fields

  /// Year, month and day computed together.
  public var ymd: (year: Int, month: Int, day: Int) { CivilDate.civilFromDays(Int(dayNumber)) }
  /// The year (1...9999 for supported dates).
  public var year: Int { ymd.year }
  /// The month, 1...12.
  public var month: Int { ymd.month }
  /// The day of the month, 1...31.
  public var day: Int { ymd.day }

  /// The day of the week (1970-01-01 was a Thursday).
  public var weekday: Weekday {
    let index = Arith.floorMod(Int(dayNumber) + 3, 7)  // 0 = Monday
    return Weekday(rawValue: index + 1) ?? .monday  // index + 1 is always 1...7
  }

  /// Writes the ten bytes of `description` ("YYYY-MM-DD") at `out`, which must have room for them; false, with
  /// nothing written, for a year outside 0...9999 (`description` writes those otherwise).
  @inlinable
  public func writeISO(into out: UnsafeMutablePointer<UInt8>) -> Bool {
    let (y, m, d) = ymd
    guard (0...9999).contains(y) else { return false }
    out[0] = 0x30 &+ UInt8(truncatingIfNeeded: y / 1000)
    out[1] = 0x30 &+ UInt8(truncatingIfNeeded: y / 100 % 10)
    out[2] = 0x30 &+ UInt8(truncatingIfNeeded: y / 10 % 10)
    out[3] = 0x30 &+ UInt8(truncatingIfNeeded: y % 10)
    out[4] = UInt8(ascii: "-")
    out[5] = 0x30 &+ UInt8(truncatingIfNeeded: m / 10)
    out[6] = 0x30 &+ UInt8(truncatingIfNeeded: m % 10)
    out[7] = UInt8(ascii: "-")
    out[8] = 0x30 &+ UInt8(truncatingIfNeeded: d / 10)
    out[9] = 0x30 &+ UInt8(truncatingIfNeeded: d % 10)
    return true
  }

  /// "YYYY-MM-DD".
  public var description: String {
    // Written straight into the string (ten bytes: no allocation); years beyond four digits are not ours.
    let iso = String(unsafeUninitializedCapacity: 10) { writeISO(into: $0.baseAddress!) ? 10 : 0 }
    if !iso.isEmpty { return iso }
    let (y, m, d) = ymd
    let digits = String(y.magnitude)
    let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
    return (y < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-" + two(m) + "-" + two(d)
  }

  /// Orders chronologically.
  @inlinable
  public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

  // MARK: Arithmetic

  /// The date `days` later (earlier if negative); nil if it leaves 0001-01-01...9999-12-31.
  @inlinable
  public func adding(days: Int) -> CivilDate? {
    guard days >= -4_000_000 && days <= 4_000_000 else { return nil }
    return CivilDate.checked(Int(dayNumber) + days)
  }

  /// The date `months` later (earlier if negative), resolving missing days with `rule` (Catala semantics).
  ///
  /// Returns nil when the result leaves years 1...9999 or when `rule` is `.reject` and the day does not exist.
  public func adding(months: Int, _ rule: MonthEndRule) -> CivilDate? {
    guard months >= -240_000 && months <= 240_000 else { return nil }
    let (y, m, d) = ymd
    guard y >= 1 && y <= 9999 else { return nil }
    let total = y * 12 + (m - 1) + months
    let ty = Arith.floorDiv(total, 12)
    let tm = Arith.floorMod(total, 12) + 1
    guard ty >= 1 && ty <= 9999 else { return nil }
    let length = CivilDate.daysInMonth(year: ty, month: tm)
    if d <= length { return CivilDate(year: ty, month: tm, day: d) }
    switch rule {
    case .clamp: return CivilDate(year: ty, month: tm, day: length)
    case .rollOver:
      return tm == 12 ? CivilDate(year: ty + 1, month: 1, day: 1) : CivilDate(year: ty, month: tm + 1, day: 1)
    case .reject: return nil
    }
  }

  /// True iff the day of this date does not exist in the month `months` later (false if that month is out of range).
  public func monthAdditionIsAmbiguous(_ months: Int) -> Bool {
    guard months >= -240_000 && months <= 240_000 else { return false }
    let (y, m, d) = ymd
    let total = y * 12 + (m - 1) + months
    let ty = Arith.floorDiv(total, 12)
    guard ty >= 1 && ty <= 9999 else { return false }
    return d > CivilDate.daysInMonth(year: ty, month: Arith.floorMod(total, 12) + 1)
  }

  /// `other - self` in days.
  @inlinable
  public func days(until other: CivilDate) -> Int { Int(other.dayNumber) - Int(dayNumber) }

  /// The first day of this date's month.
  public var startOfMonth: CivilDate { CivilDate(dayNumber: dayNumber &- Int32(truncatingIfNeeded: day - 1)) }

  /// The last day of this date's month.
  public var endOfMonth: CivilDate {
    let (y, m, d) = ymd
    let length = CivilDate.daysInMonth(year: y, month: m)
    return CivilDate(dayNumber: dayNumber &+ Int32(truncatingIfNeeded: length - d))
  }

  // MARK: Calendar facts

  /// Gregorian leap year rule: divisible by 4, except centuries not divisible by 400.
  @inlinable
  public static func isLeapYear(_ y: Int) -> Bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
  }

  /// Days in the month (28...31), or 0 if `month` is not 1...12.
  @inlinable
  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 1, 3, 5, 7, 8, 10, 12: return 31
    case 4, 6, 9, 11: return 30
    case 2: return isLeapYear(year) ? 29 : 28
    default: return 0
    }
  }
}
