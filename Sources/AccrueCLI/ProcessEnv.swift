import Foundation

/// The few environment facts the CLI reads.
enum ProcessEnv {
  /// Colour is off when NO_COLOR is set or TERM is dumb.
  static var colorAllowed: Bool {
    let env = ProcessInfo.processInfo.environment
    return env["NO_COLOR"] == nil && env["TERM"] != "dumb"
  }
}
