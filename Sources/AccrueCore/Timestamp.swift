/// An instant read from an ISO 8601 timestamp with its offset (`2026-03-16T09:30:00Z`, `2026-03-16T09:30:00+01:00`),
/// as whole seconds since 1970-01-01T00:00:00Z. A date alone (`2026-03-16`) is 00:00 UTC of that day. No time zone
/// is guessed: a time without `Z` or an offset is refused, as is a fraction of a second other than zero (usage is
/// weighted to the second).
public struct Timestamp: Sendable, Hashable, Comparable {
  public var seconds: Int64

  public init(seconds: Int64) { self.seconds = seconds }

  public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

  /// 00:00 UTC of a civil date.
  public init(_ date: CivilDate) { seconds = Int64(date.dayNumber) * 86_400 }

  /// The UTC civil date of the instant.
  public var utcDate: CivilDate {
    let d = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    return CivilDate(dayNumber: Int32(truncatingIfNeeded: d))
  }

  /// Why a text is not a timestamp, worded for the person who wrote it.
  public enum Problem: Error, Sendable, Equatable {
    case notATimestamp, noOffset, fractionOfSecond
  }

  /// Parses `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.000…](Z|±HH:MM|±HHMM)` (a space may stand for `T`).
  public static func parse(_ text: String) -> Result<Timestamp, Problem> {
    let b = Array(text.utf8)
    guard b.count >= 10, let date = b[0..<10].withUnsafeBufferPointer({ CivilDate.parse(bytes: $0) }) else {
      return .failure(.notATimestamp)
    }
    if b.count == 10 { return .success(Timestamp(date)) }
    guard b.count >= 19, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"),
      b[16] == UInt8(ascii: ":"), let h = digits(b, 11, 2), let m = digits(b, 14, 2), let s = digits(b, 17, 2), h < 24, m < 60, s < 60
    else { return .failure(.notATimestamp) }
    var i = 19
    if i < b.count, b[i] == UInt8(ascii: ".") {
      i += 1
      let start = i
      while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
        if b[i] != 0x30 { return .failure(.fractionOfSecond) }
        i += 1
      }
      guard i > start else { return .failure(.notATimestamp) }
    }
    guard i < b.count else { return .failure(.noOffset) }
    var offset = 0
    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
      i += 1
    } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
      let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
      guard let oh = digits(b, i + 1, 2), oh <= 23 else { return .failure(.notATimestamp) }
      var j = i + 3
      var om = 0
      if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
      if j < b.count {
        guard let v = digits(b, j, 2), v < 60 else { return .failure(.notATimestamp) }
        om = v
        j += 2
      }
      offset = sign * (oh * 3_600 + om * 60)
      i = j
    } else {
      return .failure(.noOffset)
    }
    guard i == b.count else { return .failure(.notATimestamp) }
    let local = Int64(date.dayNumber) * 86_400 + Int64(h * 3_600 + m * 60 + s)
    return .success(Timestamp(seconds: local - Int64(offset)))
  }

  static func digits(_ b: [UInt8], _ at: Int, _ n: Int) -> Int? {
    guard at + n <= b.count else { return nil }
    var v = 0
    for k in at..<(at + n) {
      guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
      v = v * 10 + Int(b[k] - 0x30)
    }
    return v
  }
}
