import AccrueCompiler
import AccrueDiagnostics
import AccrueModel

/// Rules that could not be evaluated on the data, as errors in the style of the checker's diagnostics: where the
/// rule is, the rule's line with a caret, and the record it ran on.
public enum FailureRenderer {
  /// Each failure once, in file, line and column order, then a summary line.
  public static func text(_ failures: [RunFailure], sources: SourceMap) -> String {
    var seen = Set<RunFailure>()
    let list = failures.filter { seen.insert($0).inserted }.sorted {
      ($0.rule.file, $0.rule.line, $0.rule.column, $0.subject) < ($1.rule.file, $1.rule.line, $1.rule.column, $1.subject)
    }
    var out = ""
    for f in list.prefix(maxShown) {
      out += "\(f.rule.file):\(f.rule.line):\(f.rule.column): error: \(f.message)\n"
      let gutter = String(repeating: " ", count: String(f.rule.line).count)
      if let file = sources.files.first(where: { $0.path == f.rule.file }), f.rule.line >= 1, f.rule.line <= file.lineCount {
        let text = file.lineText(f.rule.line)
        out += "\(gutter) |\n\(f.rule.line) | \(text)\n\(gutter) | \(String(repeating: " ", count: max(0, f.rule.column - 1)))^\n"
      }
      out += "\(gutter) = note: while evaluating it on \(f.subject)\n"
    }
    if list.count > maxShown { out += "... and \(list.count - maxShown) more\n" }
    let n = list.count
    out += "Error: \(n) rule evaluation\(n == 1 ? "" : "s") failed on the data; nothing was produced. "
      + "Fix the rule or the data it names: Accrue never drops a line or guesses a value it cannot compute.\n"
    return out
  }

  /// Most failures printed (the rest are counted).
  static let maxShown = 20
}
