/// "Did you mean" for unknown column names (and other names written in data files).
public enum Suggest {
  /// The name closest to `name` among `names` (same rules as for columns), or nil.
  public static func closest(to name: String, among names: [String]) -> String? { column(name, among: names) }

  /// The schema name closest to `name`: equal ignoring case, else within edit distance 2 (1 for short
  /// names); nil when nothing is close.
  static func column(_ name: String, among names: [String]) -> String? {
    let lower = name.lowercased()
    if let same = names.first(where: { $0.lowercased() == lower }) { return same }
    let a = Array(lower.unicodeScalars)
    if a.isEmpty || a.count > 64 { return nil }
    var best: (String, Int)?
    for candidate in names {
      let b = Array(candidate.lowercased().unicodeScalars)
      let limit = min(a.count, b.count) <= 4 ? 1 : 2
      if abs(a.count - b.count) > limit { continue }
      let d = distance(a, b)
      if d <= limit && (best == nil || d < best!.1) { best = (candidate, d) }
    }
    return best?.0
  }

  /// Levenshtein distance with adjacent transpositions (optimal string alignment).
  static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev2 = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
        cur[j] = v
      }
      (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[b.count]
  }

  /// The D0202 message for an unknown column.
  static func unknownColumnMessage(_ name: String, table: String, names: [String]) -> String {
    var message = "unknown column '\(name)' in \(table)"
    if name.isEmpty { message = "unnamed column in \(table) (an empty header name)" }
    if let s = column(name, among: names) {
      message += s.lowercased() == name.lowercased() ? "; did you mean '\(s)'? (names are case-sensitive)" : "; did you mean '\(s)'?"
    }
    return message
  }
}
