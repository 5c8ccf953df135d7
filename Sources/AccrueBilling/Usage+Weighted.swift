import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel

/// Weighted sums (grammar.md §6.1): each event's value changes a running total at the event's instant, and a
/// period's quantity is the total weighted by the seconds it was held, over the seconds in the period. Kept exact:
/// an accumulator adds value × seconds held inside its window (an event before the window is held all of it), so
/// the order of the events does not matter; the division by the period's seconds comes last.
extension UsageWorker {
  /// Reads the row's instant into `rowInstant`: its `timestamp` (ISO 8601 with an offset, in UTC), else 00:00 UTC of
  /// its date. False, with a located issue, when the timestamp is not one or falls on another UTC day than `date`.
  mutating func instant(_ row: borrowing Row, _ date: CivilDate) -> Bool {
    let col = s.tsCol
    guard col >= 0, case .text(let text) = row.values[col], !text.isEmpty else {
      rowInstant = Timestamp(date)
      return true
    }
    switch Timestamp.parse(text) {
    case .success(let t):
      guard t.utcDate == date else {
        issue(
          "D0204", row, col,
          "timestamp '\(text)' is on \(t.utcDate) in UTC, but the row's date is \(date): write the date of the timestamp in UTC (\(t.utcDate)), or the timestamp the event happened at")
        return false
      }
      rowInstant = t
      return true
    case .failure(let p):
      let why: String
      switch p {
      case .noOffset: why = "it has no time zone: end it with Z for UTC or an offset, as in 2026-03-16T09:30:00Z or 2026-03-16T09:30:00+01:00"
      case .fractionOfSecond: why = "usage is weighted to the second: leave out the fraction, as in 2026-03-16T09:30:00Z"
      case .notATimestamp: why = "write an ISO 8601 timestamp with its offset, as in 2026-03-16T09:30:00Z, or a date alone (00:00 UTC)"
      }
      issue("D0204", row, col, "'\(text)' is not a timestamp Accrue reads: \(why)")
      return false
    }
  }

  /// Adds the value held from the row's instant (or the window's start, if earlier) to the window's end.
  mutating func weigh(_ ai: Int, _ value: Fixed, line: Int) {
    let start = Timestamp(accs[ai].start).seconds
    let end = Timestamp(accs[ai].end).seconds
    let held = end - Swift.max(rowInstant.seconds, start)
    guard held > 0 else { return }
    guard let part = value.multiplied(by: Fixed(Int(held))), let sum = accs[ai].sum.adding(part) else { return overflow(ai, line: line) }
    accs[ai].sum = sum
  }
}

extension Billing {
  /// A weighted sum's quantity for a period: the value-seconds held over the seconds of the full billing period
  /// (a partial first or last period holds for fewer seconds, so it weighs less), exact to 18 decimals.
  static func weightedQuantity(_ a: Accumulator, _ period: BillTask.Period) -> (quantity: Fixed, seconds: Int64) {
    let seconds = Timestamp(period.full.1).seconds - Timestamp(period.full.0).seconds
    guard seconds > 0 else { return (.zero, 0) }
    return (a.sum.divided(by: Fixed(Int(seconds))) ?? .zero, seconds)
  }
}
