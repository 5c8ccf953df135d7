import AccrueCore
@testable import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// The journal entries the ledger records (schema version 11): written with their run, exactly once per event,
/// read back as posted and covered by the run's checksum, checked to balance by `verify`, and a ledger of
/// version 10 migrated without losing a run.
@Suite("journal entries in the ledger")
struct JournalLedgerTests {
  static let day = CivilDate.parse("2026-11-01")!

  static func run(_ n: Int, entries: [JournalEntry], key: String = "k1/2026-11-01") -> LedgerRecord {
    var r = LedgerRecord(
      run: n, asOf: day, folder: "run-000\(n)-2026-11-01", items: [.invoice(IssuedInvoice(key: key, date: day, customer: "c1"))],
      recordedAt: "t")
    r.journalEntries = entries
    return r
  }

  static func store(_ name: String) throws -> (String, LedgerStore) {
    let dir = TemporaryPaths.make(name)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return (dir, try LedgerStore.open(stateDir: dir))
  }

  @Test("entries are read back as posted (lines, sides, dimensions, rules, obligations) and the ledger verifies")
  func roundTrip() throws {
    let (dir, store) = try Self.store("ledger-je")
    let entry = LedgerExportTests.sampleEntry()
    try store.record(Self.run(1, entries: [entry]), expectedLast: 0)
    let read = try LedgerStore.read(stateDir: dir)
    let back = try #require(read.runs.first?.journalEntries.first)
    #expect(back.event == entry.event && back.lines == entry.lines && back.date == entry.date && back.document == entry.document)
    #expect(try LedgerStore.openForReading(stateDir: dir).journalEntries().map(\.id) == [entry.id])
    #expect(try store.verify().isEmpty)
  }

  @Test("an event is posted once: a second run posting the same event is refused whole")
  func exactlyOnce() throws {
    let (dir, store) = try Self.store("ledger-je-once")
    try store.record(Self.run(1, entries: [LedgerExportTests.sampleEntry()]), expectedLast: 0)
    #expect(throws: JournalError.self) {
      try store.record(Self.run(2, entries: [LedgerExportTests.sampleEntry()], key: "k2/2026-11-01"), expectedLast: 1)
    }
    let read = try LedgerStore.read(stateDir: dir)
    #expect(read.runs.count == 1 && read.runs[0].journalEntries.count == 1)
  }

  @Test("the checksum covers the entries, and verify names an entry whose lines do not balance")
  func tampered() throws {
    let (dir, store) = try Self.store("ledger-je-verify")
    try store.record(Self.run(1, entries: [LedgerExportTests.sampleEntry()]), expectedLast: 0)
    try store.db.execute("UPDATE journal_lines SET credit = 1800 WHERE account = '2200'")
    #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
    let breaches = try store.verify()
    #expect(breaches == ["journal entry JE-invoice:k1/2026-11-01 (USD) does not balance: debits 11900, credits 11800 minor units in 3 lines"])
  }

  @Test("a ledger of schema version 10 migrates to 11: its runs kept (checksums intact), the journal tables added")
  func migrationFromV10() throws {
    let dir = TemporaryPaths.make("ledger-v10")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + LedgerStore.fileName
    let items: [JournalItem] = [.invoice(IssuedInvoice(key: "k0/2026-10-01", date: Self.day, customer: "c1"))]
    do {
      let db = try Database(path: path)
      for v in [LedgerSchema.v1, LedgerSchema.v2, LedgerSchema.v3, LedgerSchema.v4, LedgerSchema.v5, LedgerSchema.v6, LedgerSchema.v7, LedgerSchema.v8, LedgerSchema.v9, LedgerSchema.v10] {
        try db.execute(v)
      }
      try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '10')")
      try db.execute("BEGIN")
      try db.run(
        "INSERT INTO runs (run, as_of, folder, items, recorded_at, checksum) VALUES (1, '2026-11-01', 'run-0001-2026-11-01', 1, 't', ?1)",
        [.text(LedgerChecksum.of(run: 1, asOf: Self.day, folder: "run-0001-2026-11-01", items: items, documents: []))])
      try db.run("INSERT INTO items VALUES ('k0/2026-10-01', 1, 0, 'invoice', '2026-11-01', 'c1')")
      try db.execute("COMMIT")
    }
    // Read-only before any apply (no migration): no entries, and the export's journal_lines is empty.
    let before = try LedgerStore.read(stateDir: dir)
    #expect(before.runs.count == 1 && before.runs[0].journalEntries.isEmpty)
    let reader = try LedgerStore.openForReading(stateDir: dir)
    #expect(try reader.journalEntries().isEmpty)
    #expect(try reader.export().tables.first { $0.name == "journal_lines" }?.rows.isEmpty == true)
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.schemaVersion() == LedgerSchema.version)
    try store.record(Self.run(2, entries: [LedgerExportTests.sampleEntry()]), expectedLast: 1)
    let after = try LedgerStore.read(stateDir: dir)
    #expect(after.runs.count == 2 && after.runs[1].journalEntries.count == 1)
    #expect(try store.verify().isEmpty)
  }
}
