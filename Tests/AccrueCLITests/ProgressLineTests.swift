import Foundation
import Testing

@testable import AccrueCLI

/// Progress on long runs: shown on a terminal only, never in the first two seconds, as the step, the items done
/// of the total and the rate.
@Suite("progress line")
struct ProgressLineTests {
  /// A sink that says its standard error is a terminal.
  final class Terminal: OutputSink {
    var stderr = ""
    func out(_ s: String) {}
    func err(_ s: String) { stderr += s }
    var stdoutIsTerminal: Bool { false }
    var stderrIsTerminal: Bool { true }
  }

  @Test("the step, the items done of the total and the rate; or the step's seconds when it counts nothing")
  func line() {
    #expect(ProgressLine.line("usage MB", done: 220, total: 657, seconds: 2) == "usage MB: 220 of 657, 110/s")
    #expect(ProgressLine.line("invoices", done: 1_234_567, total: 0, seconds: 0.05) == "invoices: 1,234,567")
    #expect(ProgressLine.line("collections", done: 0, total: 0, seconds: 3.7) == "collections: 3 s")
  }

  @Test("nothing unless standard error is a terminal, and nothing in a run's first two seconds")
  func quiet() {
    #expect(RunInputs.progress(CapturedOutput()) == nil)
    let t = Terminal()
    let p = RunInputs.progress(t)
    #expect(p != nil)
    p?.report("usage MB", 10, 600)
    p?.finish()
    #expect(t.stderr.isEmpty)
  }
}
