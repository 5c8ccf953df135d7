import AccrueCore
import AccrueModel

extension MappedCSV {
  /// What a date cell that does not read in the format's date format would read as: the formats of the same pieces
  /// in another order or with other separators (two-digit ones first; `D`/`M`, one or two digits, when none of
  /// those reads it, as in `1/2/2024`). Where day-first and month-first both read it as different days, both are
  /// named with the day each gives, and how to tell which the bank writes; "" when nothing reads it.
  static func dateHint(_ t: String, _ format: DateFormat, column: String) -> String {
    func readings(_ orders: [[String]]) -> [(format: String, date: CivilDate)] {
      var out: [(format: String, date: CivilDate)] = []
      for sep in [".", "/", "-", ""] {
        for order in orders {
          let text = order.joined(separator: sep)
          if text != format.description, case .success(let f) = DateFormat.parse(text), let d = f.date(Substring(t)) { out.append((text, d)) }
        }
      }
      return out
    }
    var found = readings([["DD", "MM", "YYYY"], ["MM", "DD", "YYYY"], ["YYYY", "MM", "DD"]])
    if found.isEmpty { found = readings([["D", "M", "YYYY"], ["M", "D", "YYYY"], ["YYYY", "M", "D"]]) }
    guard let first = found.first else { return "" }
    if Set(found.map(\.date)).count == 1 {
      return "; it reads as \(found.map { "\"\($0.format)\"" }.joined(separator: " or ")): if the file's dates are all written so, write as \"\(first.format)\" in the statement format"
    }
    let each = found.map { "\"\($0.format)\" (\(spell($0.date)))" }.joined(separator: " or as ")
    return "; it reads as \(each): day first and month first give different days, so find a date in the file whose first "
      + "or second number is above 12 to tell which order the bank writes, then write that format in the statement format "
      + "(date \"\(column)\" as \"\(first.format)\", or as \"\(found[1].format)\")"
  }

  /// "1 February 2024".
  static func spell(_ d: CivilDate) -> String {
    let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    return "\(d.day) \(months[d.month - 1]) \(d.year)"
  }
}
