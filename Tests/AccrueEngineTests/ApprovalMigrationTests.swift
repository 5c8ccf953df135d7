import AccrueCore
@testable import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

@Suite("ledger schema 12: approval requests migrated")
struct ApprovalMigrationTests {
  @Test("a v11 ledger with an approval request, two approvals and steps migrates to 12: rows, foreign keys and checksums intact")
  func v11() throws {
    let dir = TemporaryPaths.make("rv-ledger-v11")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    do {
      let store = try LedgerStore.open(stateDir: dir)
      var run = LedgerRecord(run: 1, asOf: ApprovalLedgerTests.day, folder: "run-0001-2026-11-01", items: [], recordedAt: "t")
      run.approvalRequests = [ApprovalLedgerTests.request()]
      try store.record(run, expectedLast: 0)
      try store.record(ApprovalLedgerTests.approval(run: 2, by: "alice", role: "controller", step: 0, next: "2026-11-04"), expectedLast: 1)
      try store.record(ApprovalLedgerTests.approval(run: 3, by: "bob", role: "cfo", step: 1, next: nil), expectedLast: 2)
      // Written back as version 11 was.
      try store.db.execute("PRAGMA foreign_keys = OFF")
      try store.db.execute("""
        BEGIN;
        CREATE TABLE ar_old (
          key TEXT PRIMARY KEY, document TEXT NOT NULL, run INTEGER NOT NULL REFERENCES runs(run),
          kind TEXT NOT NULL CHECK (kind IN ('invoice', 'debit_note')), as_of TEXT NOT NULL, customer TEXT NOT NULL,
          currency TEXT NOT NULL, total INTEGER NOT NULL, issue_date TEXT NOT NULL, fingerprint TEXT NOT NULL,
          supersedes TEXT UNIQUE REFERENCES approval_requests(key), UNIQUE (document, fingerprint)) WITHOUT ROWID;
        INSERT INTO ar_old SELECT * FROM approval_requests;
        DROP TABLE approval_requests;
        ALTER TABLE ar_old RENAME TO approval_requests;
        CREATE INDEX approval_requests_run ON approval_requests(run);
        ALTER TABLE decisions DROP COLUMN request;
        ALTER TABLE payments DROP COLUMN holds_dunning;
        UPDATE meta SET value = '11' WHERE key = 'schema_version';
        COMMIT;
        """)
    }
    let before = try LedgerStore.read(stateDir: dir)
    #expect(before.runs.count == 3 && before.openApprovalRequests.first?.state == .approved)
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.schemaVersion() == LedgerSchema.version)
    #expect(try store.db.query("PRAGMA foreign_keys").first?[0].integer == 1)
    #expect(try store.db.query("PRAGMA foreign_key_check").isEmpty)
    #expect(try store.db.query("SELECT count(*) FROM approval_routes").first?[0].integer == 1)
    #expect(try store.db.query("SELECT count(*) FROM approval_steps").first?[0].integer == 2)
    #expect(try store.verify().isEmpty)
    let after = try LedgerStore.read(stateDir: dir)
    #expect(after.openApprovalRequests.first?.state == .approved && after.runs.count == 3)
    // The new kinds are accepted.
    var r = LedgerRecord(run: 4, asOf: ApprovalLedgerTests.day, folder: "decision-0004-2026-11-01", items: [], recordedAt: "t")
    var q = ApprovalLedgerTests.request("approval:write-off:payment:p1")
    q.document = "write-off:payment:p1"
    q.kind = .writeOff
    r.approvalRequests = [q]
    r.decision = Decision(kind: .approvalRequest, subject: q.document, by: "a", note: "", summary: "s", customer: "a", askedBy: "x")
    try store.record(r, expectedLast: 3)
    // A row referring to a missing request is still refused (foreign keys back on).
    #expect(throws: (any Error).self) { try store.db.run("INSERT INTO approval_routes (request, position, rule, label, source, chain) VALUES ('approval:nope', 0, 'r', 'l', 's', 'c')") }
    #expect(try store.verify().isEmpty)
  }
}
