import AccrueCore
import AccrueModel

/// Turns what dunning decided into the sentences outputs print: step timings, the steps of `--explain`
/// and of `--why-not`.
public enum CollectionsSentences {
  /// "5 business days after due", "on due", "3 days before due".
  public static func timing(_ t: ReminderTiming) -> String {
    if t.offset == 0 { return "on due" }
    let n = abs(t.offset)
    return "\(n) \(t.business ? "business " : "")day\(n == 1 ? "" : "s") \(t.offset < 0 ? "before" : "after") due"
  }
}
