import AccrueCore
@testable import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// The ledger's credit notes (schema version 8): recorded with their decision and posting, covered by the run's
/// checksum, and a ledger of version 7 migrated without losing a run.
@Suite("credit notes in the ledger")
struct CreditNoteLedgerTests {
  static let day = CivilDate.parse("2026-11-20")!
  static let eur = Currency.lookup("EUR")!

  static func f(_ s: String) -> Fixed { Fixed(s)! }

  /// A credit note of 30.00 EUR on INV-1 (all of it settled), with its posting and decision, as run `run`.
  static func record(run: Int) -> LedgerRecord {
    let note = CreditNote(
      key: "credit-note:INV-1:1", number: "CN-2026-0001", invoice: "INV-1", customer: "c1", issueDate: day, currency: eur, net: f("25.21"),
      tax: f("4.79"), total: f("30.00"), settled: f("30.00"), credit: .zero, reason: "price error", scope: "credit_note/2026", sequence: 1)
    var posting = PostedPayment(
      key: note.postingKey, date: day, customer: "c1", rule: "credit note", status: .applied,
      settlements: [PostedPayment.Settlement(invoice: "INV-1", settled: f("30.00"), paidBefore: .zero, places: 2)])
    posting.amount = Money(amount: f("30.00"), currency: eur)
    var r = LedgerRecord(
      run: run, asOf: day, folder: "decision-000\(run)-2026-11-20", items: [.cashApplication(posting)],
      numbers: [("credit_note/2026", 1, note.key)], recordedAt: "t")
    r.decision = Decision(kind: .creditNote, subject: "INV-1", by: "ann", note: "price error", summary: "credit note", customer: "c1", askedBy: "")
    r.creditNotes = [note]
    return r
  }

  @Test("the run's checksum covers its credit note: a credit note changed by hand is caught")
  func checksum() throws {
    let dir = TemporaryPaths.make("ledger-cn-sum")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    try store.record(Self.record(run: 1), expectedLast: 0)
    let read = try LedgerStore.read(stateDir: dir)
    #expect(read.creditNotes.map(\.number) == ["CN-2026-0001"] && read.creditNotes.first?.tax == Self.f("4.79"))
    try store.db.execute("UPDATE credit_notes SET reason = 'other'")
    #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
  }

  @Test("a ledger of schema version 7 migrates to the current version: its runs and holds kept, the credit_notes table added")
  func migrationFromV7() throws {
    let dir = TemporaryPaths.make("ledger-v7")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + LedgerStore.fileName
    let decision = Decision(kind: .dispute, subject: "INV-1", by: "alice", note: "", summary: "disputed", customer: "c1", askedBy: "")
    let hold = CollectionHold(kind: .dispute, customer: "c1", invoice: "INV-1", amount: Money(amount: Self.f("10.00"), currency: Self.eur), state: "open")
    do {
      let db = try Database(path: path)
      for v in [LedgerSchema.v1, LedgerSchema.v2, LedgerSchema.v3, LedgerSchema.v4, LedgerSchema.v5, LedgerSchema.v6, LedgerSchema.v7] { try db.execute(v) }
      try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '7')")
      try db.execute("BEGIN")
      try db.run(
        "INSERT INTO runs (run, as_of, folder, items, recorded_at, checksum) VALUES (1, '2026-11-20', 'decision-0001-2026-11-20', 0, 't', ?1)",
        [.text(LedgerChecksum.of(run: 1, asOf: Self.day, folder: "decision-0001-2026-11-20", items: [], documents: [], decision: decision, hold: hold))])
      try db.run("INSERT INTO decisions VALUES (1, 'dispute', 'INV-1', 'alice', '', 'disputed', 'c1', '')")
      try db.run("INSERT INTO collection_holds VALUES (1, 'dispute', 'c1', 'INV-1', 'EUR', 1000, NULL, NULL, 'open', '')")
      try db.execute("COMMIT")
    }
    // Read before any decision (no migration): no credit notes.
    let before = try LedgerStore.read(stateDir: dir)
    #expect(before.runs.count == 1 && before.creditNotes.isEmpty && before.runs.first?.hold == hold)
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.schemaVersion() == LedgerSchema.version)
    #expect(try store.db.query("SELECT count(*) FROM credit_notes").first?.first?.integer == 0)
    try store.record(Self.record(run: 2), expectedLast: 1)
    let after = try LedgerStore.read(stateDir: dir)
    #expect(after.runs.count == 2 && after.creditNotes.count == 1 && after.runs.first?.hold == hold && after.sequences["credit_note/2026"] == 1)
    #expect(try store.verify().isEmpty)
  }

  @Test("verify: a gap in the credit notes' numbering is a breach")
  func breaches() throws {
    let dir = TemporaryPaths.make("ledger-cn-verify")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    try store.record(Self.record(run: 1), expectedLast: 0)
    try store.db.execute("UPDATE sequences SET last = 2 WHERE scope = 'credit_note/2026'")
    #expect(try store.verify().contains { $0.hasPrefix("numbering sequence credit_note/2026 has 1 numbers up to 1") })
  }

  @Test("a ledger of schema version 8 migrates to the current version: its credit note and checksum kept, and a run may then record two credit notes")
  func migrationFromV8() throws {
    let dir = TemporaryPaths.make("ledger-v8")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + LedgerStore.fileName
    let first = Self.record(run: 1)
    do {
      let db = try Database(path: path)
      for v in [LedgerSchema.v1, LedgerSchema.v2, LedgerSchema.v3, LedgerSchema.v4, LedgerSchema.v5, LedgerSchema.v6, LedgerSchema.v7, LedgerSchema.v8] {
        try db.execute(v)
      }
      try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '8')")
    }
    // Written as version 8 wrote it: the run with its posting, its credit note (no rule column), its checksum.
    do {
      let db = try Database(path: path)
      let store = LedgerStore(path: path, db: db)
      var bare = first
      bare.creditNotes = []
      let n = first.creditNotes[0]
      try db.execute("BEGIN")
      // (Today's writer names version 13's column: there for the write, then dropped.)
      try db.execute("ALTER TABLE payments ADD COLUMN holds_dunning INTEGER")
      try store.write(bare)
      try db.execute("ALTER TABLE payments DROP COLUMN holds_dunning")
      try db.run(
        """
        INSERT INTO credit_notes (key, run, number, invoice, customer, currency, issue_date, net, tax, total, settled, credit, reason, posting,
          sequence_scope, sequence) VALUES (?1, 1, ?2, 'INV-1', 'c1', 'EUR', '2026-11-20', 2521, 479, 3000, 3000, 0, 'price error', ?3, 'credit_note/2026', 1)
        """, [.text(n.key), .text(n.number), .text(n.postingKey)])
      let sum = LedgerChecksum.of(
        run: 1, asOf: Self.day, folder: first.folder, items: first.items, documents: [], decision: first.decision, creditNotes: first.creditNotes)
      try db.run("UPDATE runs SET checksum = ?1 WHERE run = 1", [.text(sum)])
      try db.execute("COMMIT")
    }
    #expect(try LedgerStore.read(stateDir: dir).creditNotes.map(\.number) == ["CN-2026-0001"])
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.schemaVersion() == LedgerSchema.version)
    var second = LedgerRecord(run: 2, asOf: Self.day, folder: "run-0002-2026-11-20", items: [], recordedAt: "t")
    for (k, invoice) in ["INV-2", "INV-3"].enumerated() {
      var note = first.creditNotes[0]
      (note.key, note.number, note.invoice, note.sequence, note.rule) = ("credit-note:\(invoice):cancellation", "CN-2026-000\(k + 2)", invoice, k + 2, "r.accrue:9")
      var posting = PostedPayment(key: note.postingKey, date: Self.day, customer: "c1", rule: "credit note", status: .applied, settlements: [])
      posting.amount = Money(amount: note.total, currency: Self.eur)
      (posting.credit, note.settled, note.credit) = (note.total, .zero, note.total)
      second.items.append(.cashApplication(posting))
      second.creditNotes.append(note)
      second.numbers.append(("credit_note/2026", k + 2, note.key))
    }
    try store.record(second, expectedLast: 1)
    let read = try LedgerStore.read(stateDir: dir)
    #expect(read.creditNotes.map(\.number) == ["CN-2026-0001", "CN-2026-0002", "CN-2026-0003"])
    #expect(read.creditNotes.map(\.rule) == ["", "r.accrue:9", "r.accrue:9"])
    #expect(try store.verify().isEmpty)
  }
}
