import AccrueCLI
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `accrue resolve` and `accrue dispute` killed with SIGKILL at each fault point and at random moments: the ledger
/// holds the decision whole (its `decisions` row with the payment's new posting, or with its dispute) or not at
/// all, and deciding again afterwards leaves exactly one decision.
@Suite("resolve and dispute: crash safety", .serialized)
struct ResolveCrashTests {
  static func decide(_ base: String, _ args: [String], fault: Int?, killAfterMicroseconds: UInt32? = nil) throws -> (Int32, Process.TerminationReason) {
    try ApplyCrashTests.launch(
      args + ["--by", "alice", "--as-of", "2026-11-22", "--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"],
      fault: fault, killAfterMicroseconds: killAfterMicroseconds)
  }

  static let resolve = ["resolve", "payment:p1", "INV-1", "INV-2=30.00", "--rest", "on-account"]
  static let dispute = ["dispute", "INV-2", "--amount", "20.00"]

  /// The decisions the ledger records, each checked whole: a resolution with its posting, a dispute with its row.
  static func decisions(_ base: String) throws -> [String] {
    let journal = try LedgerStore.read(stateDir: base + "/state")
    var out: [String] = []
    for run in journal.runs {
      guard let d = run.decision else { continue }
      switch d.kind {
      case .resolve: #expect(run.items.count == 1 && run.hold == nil, "run \(run.number): a resolution without its posting")
      case .dispute: #expect(run.items.isEmpty && run.hold?.amount?.amount.description == "20", "run \(run.number): a dispute without its row")
      default: Issue.record("unexpected decision \(d.kind)")
      }
      out.append(d.kind.rawValue)
    }
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
    return out
  }

  @Test("killed at each fault point: recorded whole or not at all; deciding again records it once", arguments: ["resolve", "dispute"])
  func faultPoints(_ kind: String) throws {
    let args = kind == "resolve" ? Self.resolve : Self.dispute
    for point in 1...3 {
      let base = try ResolveCommandTests.applied("\(kind)-crash")
      let (_, reason) = try Self.decide(base, args, fault: point)
      #expect(reason == .uncaughtSignal, "point \(point): the process was not stopped")
      let before = try Self.decisions(base)
      #expect(before.isEmpty || before == [kind], "point \(point): \(before)")
      // Again: recorded now, or nothing new when it was (the same decision twice records it once).
      let (status, _) = try Self.decide(base, args, fault: nil)
      #expect(status == 0, "point \(point)")
      #expect(try Self.decisions(base) == [kind], "point \(point)")
    }
    // There is no 4th point: the decision finishes.
    let base = try ResolveCommandTests.applied("\(kind)-crash-count")
    let (status, reason) = try Self.decide(base, args, fault: 4)
    #expect(status == 0 && reason == .exit)
  }

  @Test("killed at random moments: never half a decision")
  func randomKills() throws {
    var generator = SplitMix(seed: 20_261_206)
    for _ in 0..<6 {
      let base = try ResolveCommandTests.applied("resolve-random")
      _ = try Self.decide(base, Self.resolve, fault: nil, killAfterMicroseconds: UInt32(generator.next() % 150_000))
      let before = try Self.decisions(base)
      #expect(before.isEmpty || before == ["resolve"])
      _ = try Self.decide(base, Self.resolve, fault: nil)
      #expect(try Self.decisions(base) == ["resolve"])
    }
  }
}

/// `accrue credit-note` killed with SIGKILL at each fault point and at random moments: the ledger holds the credit
/// note whole (its decision, its `credit_notes` row, its posting and its number) or not at all, and issuing it again
/// afterwards leaves exactly one credit note and one number.
@Suite("credit-note: crash safety", .serialized)
struct CreditNoteCrashTests {
  static let args = ["credit-note", "INV-1", "--amount", "30.00", "--reason", "price error"]

  static func decide(_ base: String, fault: Int?, killAfterMicroseconds: UInt32? = nil) throws -> (Int32, Process.TerminationReason) {
    try ApplyCrashTests.launch(
      args + ["--by", "alice", "--as-of", "2026-11-22", "--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"],
      fault: fault, killAfterMicroseconds: killAfterMicroseconds)
  }

  /// The credit notes the ledger records, each checked whole: its decision, its posting, its number drawn.
  static func notes(_ base: String) throws -> [String] {
    let journal = try LedgerStore.read(stateDir: base + "/state")
    var out: [String] = []
    for run in journal.runs where run.decision != nil {
      #expect(run.decision?.kind == .creditNote && run.creditNote != nil && run.items.count == 1, "run \(run.number): half a credit note")
      out.append(run.creditNote?.number ?? "?")
    }
    #expect(journal.sequences["credit_note/2026"] == (out.isEmpty ? nil : out.count))
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
    return out
  }

  @Test("killed at each fault point: recorded whole or not at all; issuing it again records it once")
  func faultPoints() throws {
    for point in 1...3 {
      let base = try CreditNoteCommandTests.folder("cn-crash")
      let (_, reason) = try Self.decide(base, fault: point)
      #expect(reason == .uncaughtSignal, "point \(point): the process was not stopped")
      let before = try Self.notes(base)
      #expect(before.isEmpty || before == ["CN-2026-0001"], "point \(point): \(before)")
      let (status, _) = try Self.decide(base, fault: nil)
      #expect(status == 0, "point \(point)")
      #expect(try Self.notes(base) == ["CN-2026-0001"], "point \(point)")
    }
    let base = try CreditNoteCommandTests.folder("cn-crash-count")
    let (status, reason) = try Self.decide(base, fault: 4)
    #expect(status == 0 && reason == .exit)
  }

  @Test("killed at random moments: never half a credit note")
  func randomKills() throws {
    var generator = SplitMix(seed: 20_261_207)
    for _ in 0..<6 {
      let base = try CreditNoteCommandTests.folder("cn-random")
      _ = try Self.decide(base, fault: nil, killAfterMicroseconds: UInt32(generator.next() % 150_000))
      let before = try Self.notes(base)
      #expect(before.isEmpty || before == ["CN-2026-0001"])
      _ = try Self.decide(base, fault: nil)
      #expect(try Self.notes(base) == ["CN-2026-0001"])
    }
  }
}
