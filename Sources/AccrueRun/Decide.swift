import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import Foundation

/// Recording people's decisions: each one a run of its own in the ledger (docs/decisions.md), checked against the
/// books as they stand and refused whole when it would not balance.
public enum Decide {
  /// What was recorded.
  public struct Recorded: Sendable {
    public var run: Int
    public var posting: PostedPayment
    public var decision: Decision
  }

  /// Resolves one payment the ledger records (`Resolution`) and records the decision as of `asOf` (on or after the
  /// ledger's last run: the books never go back in time). `recordedAt`: when, an audit fact no computation reads.
  public static func resolve(
    _ request: ResolutionRequest, plan: ExecutablePlan, data: Dataset, stateDir: String, asOf: CivilDate, recordedAt: String
  ) throws(JournalError) -> Recorded {
    guard !request.by.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw JournalError(message: "say who decides with --by NAME: every decision records who made it")
    }
    let lock = try StateLock.acquire(stateDir: stateDir)
    defer { withExtendedLifetime(lock) {} }
    guard LedgerStore.exists(stateDir: stateDir) else {
      throw JournalError(message: "\(stateDir) has no ledger yet: 'accrue apply' records payments before anyone can resolve them")
    }
    let journal = try LedgerStore.read(stateDir: stateDir)
    let last = journal.runs.last
    if let last, asOf < last.asOf {
      throw JournalError(message: "the ledger's last run is dated \(last.asOf); a decision cannot be dated before it (--as-of \(last.asOf) or later)")
    }
    // The books as they stand at the end of the decision's day: what the runs of that day issued counts.
    let (books, _) = data.recording(journal, plan: plan, asOf: asOf.adding(days: 1) ?? asOf)
    let (posting, decision): (PostedPayment, Decision)
    switch Resolution.decide(request, journal: journal, data: books) {
    case .failure(let e): throw JournalError(message: e.message)
    case .success(let r): (posting, decision) = r
    }
    let run = (last?.number ?? 0) + 1
    let number = String(run)
    let folder = "decision-" + String(repeating: "0", count: max(0, 4 - number.count)) + number + "-\(asOf)"
    var record = LedgerRecord(run: run, asOf: asOf, folder: folder, items: [.cashApplication(posting)], recordedAt: recordedAt)
    record.decision = decision
    let store = try LedgerStore.open(stateDir: stateDir)
    try store.record(record, expectedLast: last?.number ?? 0)
    return Recorded(run: run, posting: posting, decision: decision)
  }
}
