import Foundation

/// How long the stages of a run (billing, cash application, collections) and the steps inside them took, recorded
/// by the library as they pass and read by `--stats`. The library never prints them.
public enum PhaseLog {
  /// One recorded moment: the end of a step, or the start or end of a stage.
  struct Mark {
    enum Kind { case step, stageStart, stageEnd }
    let kind: Kind
    let label: String
    let at: UInt64
  }

  /// What `take` hands over: the steps of loading, then each stage with its own steps.
  public struct Timing: Sendable, Equatable {
    /// The step's name, or the stage's.
    public let label: String
    /// Milliseconds since the mark before (a step), or from the stage's start to its end (a stage).
    public let milliseconds: Int
    /// The steps recorded while the stage ran (empty for a step).
    public let steps: [Timing]
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var marks: [Mark] = []
  /// At most this many are kept between two `take`s (a library caller that never reads them loses the oldest).
  package static let limit = 256

  private static func record(_ kind: Mark.Kind, _ label: String) {
    lock.lock()
    // The clock read under the lock: marks from several threads stay in time order.
    let now = DispatchTime.now().uptimeNanoseconds
    if marks.count >= limit { marks.removeFirst(marks.count - limit + 1) }
    marks.append(Mark(kind: kind, label: label, at: now))
    lock.unlock()
  }

  /// Records that the step `label` just ended (of loading, or of the stage running).
  public static func mark(_ label: String) { record(.step, label) }

  /// Runs one stage of a run, recording its start and end under its name.
  public static func stage<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
    record(.stageStart, name)
    defer { record(.stageEnd, name) }
    return try body()
  }

  /// Forgets what was recorded (a run about to be timed starts here).
  public static func start() {
    lock.lock()
    marks = [Mark(kind: .step, label: "start", at: DispatchTime.now().uptimeNanoseconds)]
    lock.unlock()
  }

  /// The steps and stages recorded since `start`, in order, and forgets them.
  public static func take() -> [Timing] {
    lock.lock()
    let all = marks
    marks = []
    lock.unlock()
    var out: [Timing] = []
    var open: (label: String, at: UInt64, steps: [Timing])?
    for k in all.indices.dropFirst() {
      let m = all[k]
      let since = Int((m.at &- all[k - 1].at) / 1_000_000)
      switch m.kind {
      case .step:
        let t = Timing(label: m.label, milliseconds: since, steps: [])
        if open != nil { open!.steps.append(t) } else { out.append(t) }
      case .stageStart: open = (m.label, m.at, [])
      case .stageEnd:
        guard let s = open else { continue }
        out.append(Timing(label: s.label, milliseconds: Int((m.at &- s.at) / 1_000_000), steps: s.steps))
        open = nil
      }
    }
    return out
  }
}
