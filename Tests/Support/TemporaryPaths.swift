import Foundation

/// Paths under the system's temporary directory for the tests' folders and files, each removed when the test
/// process exits normally, whether its tests passed, failed or threw (a run used to leave a few hundred folders
/// in /tmp). A process killed or crashed does not run exit handlers: its folders stay.
public enum TemporaryPaths {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var made: [String] = []
  nonisolated(unsafe) private static var hooked = false

  /// A new path `prefix-UUID` + `suffix` (nothing is created there), removed at exit with whatever it holds.
  public static func make(_ prefix: String, suffix: String = "") -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)\(suffix)").path
    lock.lock()
    made.append(path)
    if !hooked {
      hooked = true
      atexit { TemporaryPaths.removeAll() }
    }
    lock.unlock()
    return path
  }

  /// The same as a file URL.
  public static func url(_ prefix: String, suffix: String = "") -> URL { URL(fileURLWithPath: make(prefix, suffix: suffix)) }

  /// Removes every path made so far.
  public static func removeAll() {
    lock.lock()
    let all = made
    made = []
    lock.unlock()
    for p in all { try? FileManager.default.removeItem(atPath: p) }
  }
}
