/// "Did you mean" support: the closest candidate within a small edit distance.
public enum Suggest {
  /// Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), case-insensitive.
  public static func distance(_ a: String, _ b: String, limit: Int = .max) -> Int {
    // Lengths that differ by more than the limit are too far apart, decided before anything is allocated.
    if limit < .max, abs(a.utf8.count - b.utf8.count) > limit { return limit + 1 }
    let x = Array(a.lowercased().utf8)
    let y = Array(b.lowercased().utf8)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    if abs(x.count - y.count) > limit { return limit + 1 }
    var prev2 = [Int](repeating: 0, count: y.count + 1)
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
      cur[0] = i
      var rowMin = cur[0]
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
          v = min(v, prev2[j - 2] + 1)
        }
        cur[j] = v
        rowMin = min(rowMin, v)
      }
      if rowMin > limit { return limit + 1 }
      swap(&prev2, &prev)
      swap(&prev, &cur)
    }
    return prev[y.count]
  }

  /// The best candidate for a misspelt `name`, or nil when nothing is close.
  /// Ties go to the candidate that sorts first, so the answer is deterministic.
  public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
    let limit = max(1, min(3, name.utf8.count / 3))
    var best: (Int, String)?
    for c in candidates where c != name {
      let d = distance(name, c, limit: limit)
      guard d <= limit else { continue }
      if let b = best {
        if d < b.0 || (d == b.0 && c < b.1) { best = (d, c) }
      } else {
        best = (d, c)
      }
    }
    if let b = best { return b.1 }
    // No close spelling: fall back to the candidate sharing the longest prefix (at least 3 letters),
    // which catches truncations and doubled letters such as 'biling' for 'bill'.
    let word = Array(name.lowercased().utf8)
    var bestPrefix: (Int, String)?
    for c in candidates where c != name {
      let cw = Array(c.lowercased().utf8)
      var n = 0
      while n < min(word.count, cw.count), word[n] == cw[n] { n += 1 }
      guard n >= 3, n * 2 >= min(word.count, cw.count) else { continue }
      if let b = bestPrefix {
        if n > b.0 || (n == b.0 && c < b.1) { bestPrefix = (n, c) }
      } else {
        bestPrefix = (n, c)
      }
    }
    return bestPrefix?.1
  }
}
