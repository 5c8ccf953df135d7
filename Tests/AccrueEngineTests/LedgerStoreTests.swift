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
    _ = FileManager.default.createFile(atPath: dir + "/journal.log", contents: Data(bytes))
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

  @Test("a damaged ledger is an error, never an empty or different ledger: garbage, a truncated file, a changed byte")
  func damage() throws {
    let dir = TemporaryPaths.make("ledger")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // (The connection closed before the file is read: its last close moves the write-ahead log into the file.)
    try {
      let store = try LedgerStore.open(stateDir: dir)
      let inv = Self.invoice("k1/2026-11-01", total: "100.00", number: "NW-2026-00001")
      try store.record(Self.record(1, [.invoice(IssuedInvoice(key: inv.key, date: Self.day, customer: "c1"))], documents: [inv]), expectedLast: 0)
    }()
    let path = dir + "/" + LedgerStore.fileName
    let good = try Data(contentsOf: URL(fileURLWithPath: path))
    // A changed byte inside the document's number (no structure broken): the run's checksum no longer matches.
    var changed = [UInt8](good)
    let at = try #require(changed.indices.first { changed[$0...].starts(with: Array("NW-2026-00001".utf8)) })
    changed[at + 12] = UInt8(ascii: "7")
    try Data(changed).write(to: URL(fileURLWithPath: path))
    let e1 = #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
    #expect(e1?.message.contains("no longer matches the checksum") == true)
    // Garbage, and a file cut short.
    try Data(repeating: 0x5A, count: 5000).write(to: URL(fileURLWithPath: path))
    let e2 = #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
    #expect(e2?.message.contains("does not read as a ledger") == true)
    try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: path))
    #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
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

/// Money is conserved in the ledger (issue "The receivables ledger"): whatever runs record, for every customer and
/// currency, documents less what payments settled equals the open balance, and a run that would break it is refused.
@Suite("Ledger conservation")
struct LedgerConservationTests {
  /// A seeded generator (SplitMix64): the same seed, the same runs.
  struct Seeded {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Int((z ^ (z >> 31)) % UInt64(n))
    }
  }

  @Test("random runs of invoices and payments: the ledger always balances, and open balances add up", arguments: [1, 2, 3, 4, 5])
  func randomRuns(seed: Int) throws {
    var g = Seeded(state: UInt64(seed))
    let dir = TemporaryPaths.make("ledger-prop")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    var totals: [String: (customer: String, currency: Currency, total: Int64, settled: Int64)] = [:]
    var day = LedgerStoreTests.day
    for run in 1...8 {
      var items: [JournalItem] = []
      var documents: [PlannedInvoice] = []
      for k in 0..<g.next(6) {
        let currency: Currency = g.next(2) == 0 ? .USD : .JPY
        let cents = Int64(1 + g.next(500_000))
        var inv = LedgerStoreTests.invoice("k\(k)/\(run)", total: "0", currency: currency)
        inv.customerID = "c\(g.next(4))"
        inv.total = Fixed(minorUnits: cents, exponent: currency.minorUnits)
        inv.subtotal = inv.total
        documents.append(inv)
        items.append(.invoice(IssuedInvoice(key: inv.key, date: day, customer: inv.customerID)))
        totals[inv.key] = (inv.customerID, currency, cents, 0)
      }
      // Payments settle part or all of what is open on earlier documents, some with a write-off.
      for (p, key) in totals.keys.sorted().enumerated() where g.next(3) == 0 {
        let t = totals[key]!
        let open = t.total - t.settled
        guard open > 0 else { continue }
        let applied = Int64(g.next(Int(open))) + 1
        let writtenOff = g.next(4) == 0 ? open - applied : 0
        let e = t.currency.minorUnits
        var s = PostedPayment.Settlement(
          invoice: key, settled: Fixed(minorUnits: applied + writtenOff, exponent: e), paidBefore: Fixed(minorUnits: t.settled, exponent: e), places: e)
        s.writtenOff = Fixed(minorUnits: writtenOff, exponent: e)
        var pay = PostedPayment(key: "payment:r\(run)p\(p)", date: day, customer: t.customer, rule: "r", status: .applied, settlements: [s])
        pay.amount = Money(amount: Fixed(minorUnits: applied, exponent: e), currency: t.currency)
        items.append(.cashApplication(pay))
        totals[key]!.settled += applied + writtenOff
      }
      try store.record(LedgerRecord(run: run, asOf: day, folder: "run-\(run)", items: items, documents: documents, recordedAt: "t"), expectedLast: run - 1)
      #expect(try store.verify().isEmpty)
      day = day.adding(days: 30)!
    }
    // Open balances from the ledger's own rows agree with the sums kept here, per customer and currency.
    let j = try LedgerStore.read(stateDir: dir)
    var settled: [String: Fixed] = [:]
    for p in j.postedPayments { for s in p.settlements { settled[s.invoice] = (settled[s.invoice] ?? .zero).adding(s.settled)! } }
    for r in j.receivables {
      let t = totals[r.key]!
      #expect(r.total.subtracting(settled[r.id] ?? .zero)! == Fixed(minorUnits: t.total - t.settled, exponent: r.currency.minorUnits))
    }
  }

  @Test("a run that would settle a document beyond its total is refused whole; the ledger keeps balancing")
  func overApplication() throws {
    let dir = TemporaryPaths.make("ledger-prop")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    let inv = LedgerStoreTests.invoice("k1/1", total: "100.00")
    try store.record(
      LedgerRecord(
        run: 1, asOf: LedgerStoreTests.day, folder: "run-1", items: [.invoice(IssuedInvoice(key: inv.key, date: LedgerStoreTests.day, customer: "c1"))],
        documents: [inv], recordedAt: "t"), expectedLast: 0)
    let s = PostedPayment.Settlement(invoice: inv.key, settled: Fixed("100.01")!, paidBefore: .zero, places: 2)
    var pay = PostedPayment(key: "payment:p1", date: LedgerStoreTests.day, customer: "c1", rule: "r", status: .applied, settlements: [s])
    pay.amount = Money(amount: Fixed("100.01")!, currency: .USD)
    let e = #expect(throws: JournalError.self) {
      try store.record(LedgerRecord(run: 2, asOf: LedgerStoreTests.day, folder: "run-2", items: [.cashApplication(pay)], recordedAt: "t"), expectedLast: 1)
    }
    #expect(e?.message.contains("would not balance") == true)
    #expect(try store.lastRun() == 1)
    #expect(try store.verify().isEmpty)
  }
}
