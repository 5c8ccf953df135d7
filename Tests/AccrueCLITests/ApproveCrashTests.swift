import AccrueCLI
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `accrue approve` killed with SIGKILL at each of its fault points (the ledger transaction begun, the decision
/// written, committed): the ledger holds the decision whole (its `decisions` row with what it did to the request)
/// or not at all, and deciding again afterwards leaves exactly one decision.
@Suite("approve: crash safety", .serialized)
struct ApproveCrashTests {
  static func approve(_ base: String, fault: Int?, killAfterMicroseconds: UInt32? = nil) throws -> (Int32, Process.TerminationReason) {
    try ApplyCrashTests.launch(
      [
        "approve", "ca/2026-11-01", "--by", "alice", "--role", "controller", "--as-of", "2026-11-02", "--rules", base + "/rules.accrue",
        "--data", base + "/data", "--state", base + "/state",
      ], fault: fault, killAfterMicroseconds: killAfterMicroseconds)
  }

  /// The approvals the ledger records, each checked whole: a decision of kind approve with its act and steps.
  static func decisions(_ base: String) throws -> [String] {
    let journal = try LedgerStore.read(stateDir: base + "/state")
    var out: [String] = []
    for run in journal.runs {
      guard let d = run.decision else {
        #expect(run.approvalAct == nil, "run \(run.number): an approval act without its decision")
        continue
      }
      let act = try #require(run.approvalAct, "run \(run.number): a decision without what it did to the request")
      #expect(act.steps.map(\.rule) == ["large_invoice"] && act.role == "controller")
      out.append("\(d.kind.rawValue) \(d.by)")
    }
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
    return out
  }

  @Test("killed at each fault point: the decision is recorded whole or not at all; deciding again records it once")
  func faultPoints() throws {
    for point in 1...3 {
      let base = try ApprovalCommandTests.folder("approve-crash")
      try #require(ApprovalCommandTests.apply(base, "2026-11-01").0 == 0)
      let (_, reason) = try Self.approve(base, fault: point)
      #expect(reason == .uncaughtSignal, "point \(point): the process was not stopped")
      let before = try Self.decisions(base)
      #expect(before.isEmpty || before == ["approve alice"], "point \(point): \(before)")
      // Again: recorded now, or refused because it already was (the step is the CFO's now).
      let (status, _) = try Self.approve(base, fault: nil)
      #expect(status == (before.isEmpty ? 0 : 1), "point \(point)")
      #expect(try Self.decisions(base) == ["approve alice"], "point \(point)")
      let waiting = try #require(LedgerStore.read(stateDir: base + "/state").openApprovalRequests.first)
      #expect(waiting.chains.first?.currentRole == "cfo", "point \(point)")
    }
  }

  @Test("there is no 4th fault point in approve")
  func faultPointCount() throws {
    let base = try ApprovalCommandTests.folder("approve-crash-count")
    try #require(ApprovalCommandTests.apply(base, "2026-11-01").0 == 0)
    let (status, reason) = try Self.approve(base, fault: 4)
    #expect(status == 0 && reason == .exit)
    #expect(try Self.decisions(base) == ["approve alice"])
  }

  @Test("killed at random moments: never half a decision, and finishing records it once")
  func randomKills() throws {
    var generator = SplitMix(seed: 20_261_206)
    for _ in 0..<6 {
      let base = try ApprovalCommandTests.folder("approve-random")
      try #require(ApprovalCommandTests.apply(base, "2026-11-01").0 == 0)
      _ = try Self.approve(base, fault: nil, killAfterMicroseconds: UInt32(generator.next() % 150_000))
      let before = try Self.decisions(base)
      #expect(before.isEmpty || before == ["approve alice"])
      _ = try Self.approve(base, fault: nil)
      #expect(try Self.decisions(base) == ["approve alice"])
    }
  }
}
