/// Line diffs in the unified format (`diff -u`), for `fmt --check` and rule reviews.
public enum UnifiedDiff {
  /// The diff of `old` and `new` (texts split at newlines) with `context` lines around changes; empty when equal.
  public static func diff(_ old: String, _ new: String, oldName: String, newName: String, context: Int = 3) -> String {
    var a = lines(old)
    var b = lines(new)
    if a == b {
      if old == new { return "" }
      // Only the last line's end differs: say so the way diff does.
      let noEOL = "\\ No newline at end of file"
      let last = max(a.count, 1)
      var out = "--- \(oldName)\n+++ \(newName)\n@@ -\(last),1 +\(last),1 @@\n"
      out += "-" + (a.last ?? "") + "\n" + (old.hasSuffix("\n") ? "" : noEOL + "\n")
      out += "+" + (b.last ?? "") + "\n" + (new.hasSuffix("\n") ? "" : noEOL + "\n")
      return out
    }
    a = a.map(visible)
    b = b.map(visible)
    let ops = script(a, b)
    // Group changes into hunks with context.
    var out = "--- \(oldName)\n+++ \(newName)\n"
    var i = 0
    while i < ops.count {
      guard let firstChange = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
      let start = max(i, firstChange - context)
      var end = firstChange
      // Extend while the next change is within 2 x context of the last one.
      var lastChange = firstChange
      while end < ops.count {
        if ops[end].kind != .same { lastChange = end }
        if end - lastChange > 2 * context { break }
        end += 1
      }
      let stop = min(ops.count, lastChange + context + 1)
      let hunk = ops[start..<stop]
      let aStart = hunk.first.map { $0.a } ?? 0
      let bStart = hunk.first.map { $0.b } ?? 0
      let aCount = hunk.filter { $0.kind != .insert }.count
      let bCount = hunk.filter { $0.kind != .delete }.count
      out += "@@ -\(aCount == 0 ? aStart : aStart + 1),\(aCount) +\(bCount == 0 ? bStart : bStart + 1),\(bCount) @@\n"
      for op in hunk {
        switch op.kind {
        case .same: out += " " + a[op.a] + "\n"
        case .delete: out += "-" + a[op.a] + "\n"
        case .insert: out += "+" + b[op.b] + "\n"
        }
      }
      i = stop
    }
    return out
  }

  /// Lines split at line feeds only, byte by byte (a carriage return stays part of its line).
  static func lines(_ s: String) -> [String] {
    var parts = s.utf8.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    if parts.last == "" { parts.removeLast() }
    return parts
  }

  /// A line as printed: a carriage return shown as `\r`, so line-end changes are visible.
  static func visible(_ s: String) -> String { s.contains("\r") ? s.replacingOccurrences(of: "\r", with: "\\r") : s }

  struct Op {
    enum Kind { case same, delete, insert }
    var kind: Kind
    /// Positions in the old and new lines at this step (before it is applied).
    var a: Int
    var b: Int
  }

  /// An edit script from a longest common subsequence (dynamic programming over the lines).
  static func script(_ a: [String], _ b: [String]) -> [Op] {
    // Common prefix and suffix first: formatting changes are usually few and local.
    var pre = 0
    while pre < a.count && pre < b.count && a[pre] == b[pre] { pre += 1 }
    var suf = 0
    while suf < a.count - pre && suf < b.count - pre && a[a.count - 1 - suf] == b[b.count - 1 - suf] { suf += 1 }
    let am = Array(a[pre..<(a.count - suf)])
    let bm = Array(b[pre..<(b.count - suf)])
    let n = am.count
    let m = bm.count
    var ops: [Op] = (0..<pre).map { Op(kind: .same, a: $0, b: $0) }
    if n * m > 25_000_000 {
      // Too large for the table: the changed middle as one block of deletions, then insertions.
      for i in 0..<n { ops.append(Op(kind: .delete, a: pre + i, b: pre)) }
      for j in 0..<m { ops.append(Op(kind: .insert, a: pre + n, b: pre + j)) }
      for k in 0..<suf { ops.append(Op(kind: .same, a: a.count - suf + k, b: b.count - suf + k)) }
      return ops
    }
    var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
    if n > 0 && m > 0 {
      for i in stride(from: n - 1, through: 0, by: -1) {
        for j in stride(from: m - 1, through: 0, by: -1) {
          lcs[i][j] = am[i] == bm[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
        }
      }
    }
    var i = 0
    var j = 0
    while i < n || j < m {
      if i < n && j < m && am[i] == bm[j] {
        ops.append(Op(kind: .same, a: pre + i, b: pre + j))
        i += 1
        j += 1
      } else if j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j]) {
        ops.append(Op(kind: .insert, a: pre + i, b: pre + j))
        j += 1
      } else {
        ops.append(Op(kind: .delete, a: pre + i, b: pre + j))
        i += 1
      }
    }
    for k in 0..<suf { ops.append(Op(kind: .same, a: a.count - suf + k, b: b.count - suf + k)) }
    return ops
  }
}
