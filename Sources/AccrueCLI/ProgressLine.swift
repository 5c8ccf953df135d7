import Foundation

/// Progress of a long run on standard error, one line rewritten in place: the step, the items done (of the
/// total, when known) and the rate, or the seconds the step has taken when it counts no items. Shown only when
/// standard error is a terminal and only once the run has taken two seconds (a short run prints nothing), at most
/// ten times a second; a step that reports nothing more is shown again every half second with its time. The library
/// reports through `Billing.Progress`; this is the CLI's end of it.
final class ProgressLine: @unchecked Sendable {
  private let io: OutputSink
  private let lock = NSLock()
  private let clock = ContinuousClock()
  private let start: ContinuousClock.Instant
  private var step = ""
  private var stepStart: ContinuousClock.Instant
  private var stepFirst = 0
  private var done = 0
  private var total = 0
  private var finished = false
  private var timer: DispatchSourceTimer?
  private var lastShown: ContinuousClock.Instant?
  /// Whether a line was written (the caller clears it when the run is done).
  private(set) var shown = false

  init(_ io: OutputSink) {
    self.io = io
    start = clock.now
    stepStart = start
    let t = DispatchSource.makeTimerSource(queue: .global())
    t.schedule(deadline: .now() + .seconds(2), repeating: .milliseconds(500))
    t.setEventHandler { [weak self] in self?.tick() }
    t.resume()
    timer = t
  }

  deinit { timer?.cancel() }

  /// `done` items of `total` (0: unknown) in `step`.
  func report(_ step: String, _ done: Int, _ total: Int) {
    lock.lock()
    defer { lock.unlock() }
    let now = clock.now
    if step != self.step {
      self.step = step
      stepStart = now
      stepFirst = done
    }
    (self.done, self.total) = (done, total)
    if let last = lastShown, now - last < .milliseconds(100) { return }
    show(now)
  }

  /// The last step reported, shown again (its time goes on).
  private func tick() {
    lock.lock()
    defer { lock.unlock() }
    show(clock.now)
  }

  /// Writes the line (under the lock), once the run has taken two seconds and until it is finished.
  private func show(_ now: ContinuousClock.Instant) {
    guard !finished, !step.isEmpty, now - start >= .seconds(2) else { return }
    lastShown = now
    io.err("\r" + Self.line(step, done: done - stepFirst, total: total, seconds: Self.seconds(now - stepStart)) + "\u{1B}[K")
    shown = true
  }

  /// Clears the line, when one was written.
  func finish() {
    lock.lock()
    defer { lock.unlock() }
    timer?.cancel()
    finished = true
    if shown { io.err("\r\u{1B}[K") }
    shown = false
  }

  /// "usage MB: 220 of 657, 110/s"; "invoices: 1,000 of 90,000, 45,000/s"; "collections: 3 s".
  static func line(_ step: String, done: Int, total: Int, seconds: Double) -> String {  // elapsed time: not money
    guard done > 0 || total > 0 else { return "\(step): \(Int(seconds)) s" }
    var s = "\(step): \(grouped(done))"
    if total > 0 { s += " of \(grouped(total))" }
    if seconds >= 0.1 { s += ", \(grouped(Int(Double(done) / seconds)))/s" }  // a display rate, not money
    return s
  }

  static func seconds(_ d: Duration) -> Double {  // elapsed time: not money
    let (s, atto) = d.components
    return Double(s) + Double(atto) / 1e18  // not money
  }

  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (k, c) in digits.enumerated() {
      if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return (n < 0 ? "-" : "") + out
  }
}
