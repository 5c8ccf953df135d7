import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import Foundation

/// Recording people's decisions: each one a run of its own in the ledger (docs/decisions.md), checked against the
/// books as they stand and refused whole when it would not balance.
public enum Decide {
  /// What a decision posts to the general ledger (grammar.md §12): its record's journal entries, given the ledger as
  /// read and the books of the day; throws (nothing is recorded) when a posting rule cannot post it.
  public typealias Poster = @Sendable (LedgerRecord, Journal, Dataset) throws(JournalError) -> [JournalEntry]

  /// What was recorded.
  public struct Recorded: Sendable {
    public var run: Int
    public var posting: PostedPayment
    public var decision: Decision
    /// The payment's posting in force is already what was asked (the same decision again): nothing was recorded.
    public var unchanged = false
    /// Held for approval (its write-offs are routed, grammar.md §11): nothing was done; `run` is the request's
    /// (`unchanged` when the request already waited).
    public var held: HeldForApproval?
  }

  /// Whether two postings of a payment say the same: status, what each settles, rests and refund.
  static func same(_ a: PostedPayment, _ b: PostedPayment) -> Bool {
    a.status == b.status && a.customer == b.customer && a.credit == b.credit && a.unapplied == b.unapplied
      && a.overpaymentWrittenOff == b.overpaymentWrittenOff && a.refunded == b.refunded
      && a.settlements.map { [$0.invoice, $0.settled.description, $0.writtenOff.description] }
        == b.settlements.map { [$0.invoice, $0.settled.description, $0.writtenOff.description] }
  }

  /// The ledger read for a decision as of `asOf` (on or after its last run: the books never go back in time), and
  /// the books as they stand at the end of that day (what the runs of that day issued counts). The caller holds
  /// the state folder's lock.
  static func books(
    plan: ExecutablePlan, data: Dataset, stateDir: String, asOf: CivilDate, by: String, what: String, needsLedger: Bool = false
  ) throws(JournalError) -> (journal: Journal, run: Int, books: Dataset) {
    guard !by.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw JournalError(message: "say who decides with --by NAME: every decision records who made it")
    }
    // (Payments are known from the ledger only (`needsLedger`); disputes, promises, plans and credit notes concern
    // the data's invoices too: the first decision creates the ledger.)
    guard LedgerStore.exists(stateDir: stateDir) || !needsLedger else {
      throw JournalError(message: "\(stateDir) has no ledger yet: 'accrue apply' records \(what) before anyone can decide on them")
    }
    let journal = try LedgerStore.read(stateDir: stateDir)
    if let last = journal.runs.last, asOf < last.asOf {
      throw JournalError(message: "the ledger's last run is dated \(last.asOf); a decision cannot be dated before it (--as-of \(last.asOf) or later)")
    }
    let (books, _) = data.recording(journal, plan: plan, asOf: asOf.adding(days: 1) ?? asOf)
    return (journal, (journal.runs.last?.number ?? 0) + 1, books)
  }

  /// A decision run's record (its folder names it: no folder is written).
  static func record(run: Int, asOf: CivilDate, items: [JournalItem], recordedAt: String) -> LedgerRecord {
    let number = String(run)
    let folder = "decision-" + String(repeating: "0", count: max(0, 4 - number.count)) + number + "-\(asOf)"
    return LedgerRecord(run: run, asOf: asOf, folder: folder, items: items, recordedAt: recordedAt)
  }

  /// Resolves one payment the ledger records (`Resolution`) and records the decision as of `asOf`.
  /// `recordedAt`: when, an audit fact no computation reads.
  /// `fault` is called where a crash test may stop the process (the ledger's transaction begun, the decision written,
  /// committed).
  public static func resolve(
    _ request: ResolutionRequest, plan: ExecutablePlan, data: Dataset, stateDir: String, asOf: CivilDate, recordedAt: String,
    post: Poster? = nil, fault: ((String) -> Void)? = nil
  ) throws(JournalError) -> Recorded {
    let lock = try StateLock.acquire(stateDir: stateDir)
    defer { withExtendedLifetime(lock) {} }
    let (journal, run, books) = try books(plan: plan, data: data, stateDir: stateDir, asOf: asOf, by: request.by, what: "payments", needsLedger: true)
    var (posting, decision): (PostedPayment, Decision)
    switch Resolution.decide(request, journal: journal, data: books) {
    case .failure(let e): throw JournalError(message: e.message)
    case .success(let r): (posting, decision) = r
    }
    // The same decision again (a script run twice): nothing new.
    if let current = journal.currentPostings[PostedPayment.baseKey(posting.key)], current.rule == "decision", same(current, posting) {
      return Recorded(run: run - 1, posting: current, decision: decision, unchanged: true)
    }
    switch try Routed.writeOffs(posting, plan: plan, data: books, journal: journal, asOf: asOf) {
    case .proceed(let approved): decision.carryOut(approved)
    case .held(let h):
      let what = "the write-off of \(Routed.money(h.request.total, h.request.currency)) in resolving \(request.payment)"
      let asked = try Routed.ask(h, stateDir: stateDir, journal: journal, asOf: asOf, by: request.by, note: request.note, what: what, recordedAt: recordedAt, fault: fault)
      return Recorded(run: asked ?? run - 1, posting: posting, decision: decision, unchanged: asked == nil, held: h)
    }
    var record = record(run: run, asOf: asOf, items: [.cashApplication(posting)], recordedAt: recordedAt)
    record.decision = decision
    if let post { record.journalEntries = try post(record, journal, books) }
    try LedgerStore.open(stateDir: stateDir).record(record, expectedLast: run - 1, fault: fault)
    fault?("committed")
    return Recorded(run: run, posting: posting, decision: decision)
  }

  /// Records a dispute, a promise to pay or a payment plan (or its end) as of `asOf` (`HoldRequest`); the run is nil
  /// when the same dispute was recorded last (nothing new).
  public static func hold(
    _ request: HoldRequest, plan: ExecutablePlan, data: Dataset, stateDir: String, asOf: CivilDate, by: String, note: String, recordedAt: String,
    fault: ((String) -> Void)? = nil
  ) throws(JournalError) -> (run: Int?, decision: Decision, held: HeldForApproval?) {
    let lock = try StateLock.acquire(stateDir: stateDir)
    defer { withExtendedLifetime(lock) {} }
    let (journal, run, books) = try books(plan: plan, data: data, stateDir: stateDir, asOf: asOf, by: by, what: "invoices")
    var (hold, decision): (CollectionHold, Decision)
    switch request.decide(data: books, run: run, asOf: asOf, by: by, note: note) {
    case .failure(let e): throw JournalError(message: e.message)
    case .success(let r): (hold, decision) = r
    }
    // The same dispute again (the amount already disputed by the last decision on the invoice): nothing new.
    if hold.kind == .dispute, let last = journal.runs.last(where: { $0.hold?.kind == .dispute && $0.hold?.invoice == hold.invoice })?.hold,
      last.amount == hold.amount, last.state == hold.state
    {
      return (nil, decision, nil)
    }
    switch try Routed.paymentPlan(hold, plan: plan, data: books, journal: journal, asOf: asOf) {
    case .proceed(let approved): decision.carryOut(approved)
    case .held(let h):
      let what = "payment plan \(hold.planID) over \(Routed.money(h.request.total, h.request.currency))"
      let asked = try Routed.ask(h, stateDir: stateDir, journal: journal, asOf: asOf, by: by, note: note, what: what, recordedAt: recordedAt, fault: fault)
      return (asked, decision, h)
    }
    var record = record(run: run, asOf: asOf, items: [], recordedAt: recordedAt)
    record.decision = decision
    record.hold = hold
    try LedgerStore.open(stateDir: stateDir).record(record, expectedLast: run - 1, fault: fault)
    fault?("committed")
    return (run, decision, nil)
  }
}
