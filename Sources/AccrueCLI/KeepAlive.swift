/// Large results are kept here instead of being freed when a command returns: the process ends
/// right after, and tearing down the syntax tree of a 100,000-line rule set would cost about a tenth
/// of the run (compilers do the same, e.g. clang's -disable-free). Small runs, and tests, free normally.
enum KeepAlive {
  /// Only runs with at least this many lines are kept.
  static let threshold = 20_000
  // Written only from the command's own thread, just before it returns; never read.
  nonisolated(unsafe) private static var kept: [Any] = []

  static func keepIfLarge(_ value: Any, lines: Int) {
    if lines >= threshold { kept.append(value) }
  }
}
