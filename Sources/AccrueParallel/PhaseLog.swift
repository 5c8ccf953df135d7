import Foundation

/// Moments of a run worth timing (a step of loading, of dunning, of matching), recorded by the library as
/// they pass and read by `--stats`. The library never prints them.
public enum PhaseLog {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var marks: [(label: String, at: UInt64)] = []
  /// At most this many are kept between two `take`s (a library caller that never reads them loses the oldest).
  package static let limit = 256

  /// Records that the step `label` just ended.
  public static func mark(_ label: String) {
    lock.lock()
    // The clock read under the lock: marks from several threads stay in time order.
    let now = DispatchTime.now().uptimeNanoseconds
    if marks.count >= limit { marks.removeFirst(marks.count - limit + 1) }
    marks.append((label, now))
    lock.unlock()
  }

  /// Forgets what was recorded (a run about to be timed starts here).
  public static func start() {
    lock.lock()
    marks = [("start", DispatchTime.now().uptimeNanoseconds)]
    lock.unlock()
  }

  /// The steps recorded since `start`, each with the milliseconds since the one before, and forgets them.
  public static func take() -> [(label: String, milliseconds: Int)] {
    lock.lock()
    defer {
      marks = []
      lock.unlock()
    }
    var out: [(String, Int)] = []
    for k in marks.indices.dropFirst() { out.append((marks[k].label, Int((marks[k].at &- marks[k - 1].at) / 1_000_000))) }
    return out
  }
}
