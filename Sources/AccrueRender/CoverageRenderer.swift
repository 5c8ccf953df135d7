import AccrueModel

/// Renders `plan --coverage`.
public enum CoverageRenderer {
  public static func text(_ c: Coverage) -> String {
    var out = "\nCoverage: \(c.total - c.unused.count) of \(c.total) rules, tiers and steps fired on this data"
    if c.unused.isEmpty { return out + "\n" }
    out += "; never fired:\n"
    for i in c.unused { out += "  \(i.rule.file):\(i.rule.line): \(i.what)\n" }
    return out
  }
}
