import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// The ledger database: what a run records comes back whole; older state folders migrate; what cannot be
/// recorded exactly is refused.
@Suite("Ledger store")
struct LedgerStoreTests {
  static let day = CivilDate.parse("2026-11-01")!

  static func invoice(_ key: String, total: String, currency: Currency = .USD, number: String? = nil) -> PlannedInvoice {
    var i = PlannedInvoice(
      key: key, contractID: "k1", customerID: "c1", customerName: "C One", plan: "p", currency: currency, issueDate: day, periodStart: day,
      periodEnd: day.adding(days: 30)!, lines: [], subtotal: Fixed(total)!, taxes: [], total: Fixed(total)!, dueDate: day.adding(days: 30)!,
      terms: .dueOnReceipt, installments: [], sources: [])
    i.number = number
    return i
  }

  static func payment(_ id: String) -> JournalItem {
    var s = PostedPayment.Settlement(invoice: "NW-1", settled: Fixed("100.00")!, paidBefore: .zero, places: 2)
    s.writtenOff = Fixed("0.50")!
    var p = PostedPayment(key: "payment:" + id, date: day, customer: "c1", rule: "r", status: .applied, settlements: [s])
    p.amount = Money(amount: Fixed("120.00")!, currency: .USD)
    p.credit = Fixed("20.50")!
    return .cashApplication(p)
  }

  static func record(_ run: Int, _ items: [JournalItem], documents: [PlannedInvoice] = []) -> LedgerRecord {
    LedgerRecord(run: run, asOf: day, folder: "run-000\(run)", items: items, documents: documents, recordedAt: "test")
  }

  @Test("a run comes back as recorded: items in order, documents as receivables, payments with amounts and parts")
  func roundTrip() throws {
    let dir = TemporaryPaths.make("ledger")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    let inv = Self.invoice("k1/2026-11-01", total: "100.00", number: "NW-1")
    let items: [JournalItem] = [
      .invoice(IssuedInvoice(key: inv.key, date: Self.day, customer: "c1")),
      .reminder(SentReminder(key: "NW-0/std/first", date: Self.day, customer: "c1", cadence: "std", step: "first", invoices: ["NW-0", "x;y"])),
      Self.payment("p1"),
    ]
    try store.record(Self.record(1, items, documents: [inv]), expectedLast: 0)
    let j = try LedgerStore.read(stateDir: dir)
    #expect(j.runs.count == 1 && j.runs[0].folder == "run-0001")
    #expect(j.items == items)
    #expect(j.receivables.map(\.id) == ["NW-1"])
    #expect(j.receivables.first?.total == Fixed("100.00")!)
    #expect(j.postedPayments.first?.settlements.first?.applied == Fixed("99.50")!)
  }

  @Test("a run recorded meanwhile by another writer fails the record; a key is recorded once")
  func exactlyOnce() throws {
    let dir = TemporaryPaths.make("ledger")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    try store.record(Self.record(1, [Self.payment("p1")]), expectedLast: 0)
    let stale = #expect(throws: JournalError.self) { try store.record(Self.record(2, [Self.payment("p2")]), expectedLast: 0) }
    #expect(stale?.message.contains("changed while this apply ran") == true)
    #expect(throws: JournalError.self) { try store.record(Self.record(2, [Self.payment("p1")]), expectedLast: 1) }
    #expect(try LedgerStore.read(stateDir: dir).runs.count == 1)
  }

  @Test("an amount finer than its currency's minor unit is refused, never rounded; nothing of the run is recorded")
  func inexact() throws {
    let dir = TemporaryPaths.make("ledger")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    let inv = Self.invoice("k1/2026-11-01", total: "10.005")
    let e = #expect(throws: JournalError.self) {
      try store.record(Self.record(1, [.invoice(IssuedInvoice(key: inv.key, date: Self.day, customer: "c1"))], documents: [inv]), expectedLast: 0)
    }
    #expect(e?.message.contains("10.005") == true)
    #expect(try LedgerStore.read(stateDir: dir).runs.isEmpty)
  }

  @Test("a state folder with journal.log: read as it is, migrated by the next open, then renamed")
  func migration() throws {
    let dir = TemporaryPaths.make("ledger")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let items = [JournalTests.item("a"), JournalTests.item("b")]
    var bytes = Journal.encode(run: 1, asOf: Self.day, folder: "run-0001-2026-11-01", items: items)
    bytes += Journal.encode(run: 2, asOf: Self.day, folder: "run-0002-2026-11-01", items: [JournalTests.item("c")])
    FileManager.default.createFile(atPath: dir + "/journal.log", contents: Data(bytes))
    let before = try LedgerStore.read(stateDir: dir)
    #expect(before.items.map(\.key) == ["a", "b", "c"])
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.lastRun() == 2)
    #expect(!FileManager.default.fileExists(atPath: dir + "/journal.log"))
    #expect(FileManager.default.fileExists(atPath: dir + "/journal.log.migrated"))
    let after = try LedgerStore.read(stateDir: dir)
    #expect(after.items == before.items)
    #expect(after.runs.map(\.folder) == before.runs.map(\.folder))
  }

  @Test("a ledger of a newer schema version is refused with a message, for reading and for writing")
  func newerVersion() throws {
    let dir = TemporaryPaths.make("ledger")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    _ = try LedgerStore.open(stateDir: dir)
    let db = try Database(path: dir + "/" + LedgerStore.fileName)
    try db.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    let e = #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
    #expect(e?.message.contains("use a newer Accrue") == true)
    #expect(throws: JournalError.self) { try LedgerStore.open(stateDir: dir) }
  }
}
