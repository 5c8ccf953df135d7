import AccrueCore
@testable import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// Documents held for approval in the ledger (schema version 5): requests and decisions recorded, read back,
/// covered by the run's checksum; a ledger of version 4 migrates.
@Suite("ledger: approval requests")
struct ApprovalLedgerTests {
  static let day = CivilDate.parse("2026-11-01")!

  static func request(_ key: String = "approval:ca/2026-11-01") -> ApprovalRequest {
    ApprovalRequest(
      key: key, document: "ca/2026-11-01", kind: .invoice, run: 0, asOf: day, customer: "a", currency: .USD, total: Fixed("15000.00")!,
      issueDate: day, fingerprint: "fnv1a64:0123456789abcdef",
      routes: [
        ApprovalRoute(
          rule: "large_invoice", label: "Invoices over 10,000", source: "rules.accrue:17", chain: ["controller", "cfo"], escalatesTo: "cfo",
          escalatesOn: CivilDate.parse("2026-11-03"))
      ])
  }

  static func approval(run: Int, by: String, role: String, step: Int, next: String?) -> LedgerRecord {
    var r = LedgerRecord(run: run, asOf: day, folder: "decision-000\(run)-2026-11-01", items: [], recordedAt: "t")
    r.decision = Decision(kind: .approve, subject: "ca/2026-11-01", by: by, note: "", summary: "approved", customer: "a", askedBy: "large_invoice")
    r.approvalAct = ApprovalAct(
      request: "approval:ca/2026-11-01", role: role, steps: [ApprovalAct.Step(rule: "large_invoice", step: step, nextEscalatesOn: next.flatMap(CivilDate.parse))])
    return r
  }

  @Test("a request and two approvals recorded and replayed: the chain complete, the request approved")
  func recordedAndReplayed() throws {
    let dir = TemporaryPaths.make("ledger-approvals")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    var run = LedgerRecord(run: 1, asOf: Self.day, folder: "run-0001-2026-11-01", items: [], recordedAt: "t")
    run.approvalRequests = [Self.request()]
    try store.record(run, expectedLast: 0)
    var j = try LedgerStore.read(stateDir: dir)
    #expect(j.approvalRequests.map(\.key) == ["approval:ca/2026-11-01"] && j.approvalRequests.first?.run == 1)
    #expect(j.approvalRequests.first?.routes == Self.request().routes && j.approvalRequests.first?.total == Fixed("15000.00")!)
    #expect(j.openApprovalRequests.first?.state == .waiting && j.openApprovalRequests.first?.chains.first?.currentRole == "controller")
    try store.record(Self.approval(run: 2, by: "alice", role: "controller", step: 0, next: "2026-11-04"), expectedLast: 1)
    j = try LedgerStore.read(stateDir: dir)
    #expect(j.openApprovalRequests.first?.chains.first?.escalatesOn == CivilDate.parse("2026-11-04"))
    try store.record(Self.approval(run: 3, by: "bob", role: "cfo", step: 1, next: nil), expectedLast: 2)
    j = try LedgerStore.read(stateDir: dir)
    let p = try #require(j.openApprovalRequests.first)
    #expect(p.state == .approved && p.chains.first?.approvals.map(\.by) == ["alice", "bob"])
    #expect(j.decisions.map(\.decision.kind) == [.approve, .approve])
    // The same content is asked once.
    var again = LedgerRecord(run: 4, asOf: Self.day, folder: "run-0004-2026-11-01", items: [], recordedAt: "t")
    again.approvalRequests = [Self.request("approval:ca/2026-11-01@2")]
    #expect(throws: JournalError.self) { try store.record(again, expectedLast: 3) }
  }

  @Test("the run's checksum covers its requests: a request changed by hand is caught")
  func checksum() throws {
    let dir = TemporaryPaths.make("ledger-approvals-sum")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    var run = LedgerRecord(run: 1, asOf: Self.day, folder: "run-0001-2026-11-01", items: [], recordedAt: "t")
    run.approvalRequests = [Self.request()]
    try store.record(run, expectedLast: 0)
    try store.db.execute("UPDATE approval_requests SET total = 100")
    #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
  }

  @Test("a ledger of schema version 4 migrates to 5: its runs and decisions kept, the approval tables added")
  func migrationFromV4() throws {
    let dir = TemporaryPaths.make("ledger-v4")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + LedgerStore.fileName
    let decision = Decision(kind: .notOurs, subject: "payment:p1", by: "alice", note: "bank interest", summary: "not ours", customer: "", askedBy: "status unapplied")
    // Written as version 4 was: a decision's run.
    do {
      let db = try Database(path: path)
      for v in [LedgerSchema.v1, LedgerSchema.v2, LedgerSchema.v3, LedgerSchema.v4] { try db.execute(v) }
      try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '4')")
      try db.execute("BEGIN")
      try db.run(
        "INSERT INTO runs (run, as_of, folder, items, recorded_at, checksum) VALUES (1, '2026-11-01', 'decision-0001-2026-11-01', 0, 't', ?1)",
        [.text(LedgerChecksum.of(run: 1, asOf: Self.day, folder: "decision-0001-2026-11-01", items: [], documents: [], decision: decision))])
      try db.run(
        "INSERT INTO decisions VALUES (1, 'not-ours', 'payment:p1', 'alice', 'bank interest', 'not ours', '', 'status unapplied')")
      try db.execute("COMMIT")
    }
    // Read before any apply (no migration): no approval tables, nothing waits.
    let before = try LedgerStore.read(stateDir: dir)
    #expect(before.runs.count == 1 && before.approvalRequests.isEmpty && before.decisions.first?.decision == decision)
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.schemaVersion() == LedgerSchema.version)
    #expect(try store.db.query("SELECT count(*) FROM approval_requests").first?.first?.integer == 0)
    var run = LedgerRecord(run: 2, asOf: Self.day, folder: "run-0002-2026-11-01", items: [], recordedAt: "t")
    run.approvalRequests = [Self.request()]
    try store.record(run, expectedLast: 1)
    let after = try LedgerStore.read(stateDir: dir)
    #expect(after.runs.count == 2 && after.approvalRequests.map(\.run) == [2] && after.decisions.count == 1)
    #expect(try store.verify().isEmpty)
  }
}
