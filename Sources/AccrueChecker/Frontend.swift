import AccrueDiagnostics
import AccrueParser

/// The whole front end over a load: every rule set checked, all diagnostics merged and sorted.
public enum Frontend {
  /// Checks every set of a load. `strict` turns warnings into errors.
  public static func check(_ load: LoadResult, strict: Bool = false) -> (results: [(RuleSet, CheckResult)], diagnostics: [Diagnostic]) {
    var diags = load.diagnostics
    var results: [(RuleSet, CheckResult)] = []
    for set in load.sets {
      let r = Checker.check(set, in: load)
      diags.append(contentsOf: r.diagnostics)
      results.append((set, r))
    }
    if strict {
      for i in diags.indices where diags[i].severity == .warning { diags[i].severity = .error }
    }
    return (results, diags.sortedForOutput())
  }
}
