@testable import AccrueCash
import AccrueCore
import AccrueData
@testable import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// Returned payments: linked to their original by the stated rule (never guessed), replayed in run order, recorded
/// in the ledger's `payment_returns` (schema version 2, migrated from 1).
@Suite("Payment returns")
struct PaymentReturnTests {
  static let day = CivilDate.parse("2026-11-01")!

  static func payment(
    _ id: String, _ amount: String, on date: String, e2e: String = "", mandate: String = "", bankRef: String = "", account: String = "",
    text: String = "", isReturn: Bool = false, reason: String = ""
  ) -> Payment {
    var t = BankTransaction(
      bookingDate: CivilDate.parse(date)!, valueDate: nil, amount: Fixed(amount)!, currency: .EUR, endToEndID: e2e, bankReference: bankRef,
      remittance: text, counterpartyAccount: account, source: "s.sta:\(id)")
    t.isReturn = isReturn
    t.mandateID = mandate
    t.returnReason = reason
    return Payment(id: id, transaction: t)
  }

  static func links(_ payments: [Payment], done: Set<String> = []) -> ReturnLinks {
    ReturnLinks(payments, asOf: CivilDate.parse("2026-12-31")!, done: done, returnedBefore: [])
  }

  @Test("a return is linked by end-to-end id, then mandate, then a bank reference it quotes, then payer account; the first test decides")
  func linkOrder() {
    let original = Self.payment("p1", "100.00", on: "2026-11-02", e2e: "E1", mandate: "M1", account: "DE11")
    let other = Self.payment("p2", "100.00", on: "2026-11-05", mandate: "M1", account: "DE11")
    let byE2E = Self.links([original, other, Self.payment("r", "-100.00", on: "2026-11-20", e2e: "E1", mandate: "M1", isReturn: true)])
    #expect(byE2E.outcomes[2] == .linked(original: 0, by: "its end-to-end id E1"))
    #expect(byE2E.returnedInRun == [0: 2])
    // The mandate alone: the one payment under it of that amount.
    let byMandate = Self.links([other, Self.payment("p6", "100.00", on: "2026-11-06", mandate: "M2"),
                                Self.payment("r", "-100.00", on: "2026-11-20", mandate: "M1", isReturn: true)])
    #expect(byMandate.outcomes[2] == .linked(original: 0, by: "its mandate id M1"))
    // A bank reference quoted in the return's text.
    let quoted = Self.payment("p3", "100.00", on: "2026-11-03", bankRef: "BANK-81")
    let byRef = Self.links([quoted, other, Self.payment("r", "-100.00", on: "2026-11-20", text: "RETOURE BANK-81 AC04", isReturn: true)])
    #expect(byRef.outcomes[2] == .linked(original: 0, by: "its bank reference, quoted in the return's text"))
    // Payer account, spaces and case aside; not a payment booked after the return, nor of another amount.
    let late = Self.payment("p4", "100.00", on: "2026-11-25", account: "DE11")
    let byAccount = Self.links([original, late, Self.payment("p5", "99.00", on: "2026-11-10", account: "DE11"),
                                Self.payment("r", "-100.00", on: "2026-11-20", account: "de 11", isReturn: true)])
    #expect(byAccount.outcomes[3] == .linked(original: 0, by: "its payer account de 11"))
  }

  @Test("several candidates passing the deciding test, or none: held with a reason naming them, never guessed")
  func heldNotGuessed() {
    let a = Self.payment("pa", "50.00", on: "2026-11-04", mandate: "M9")
    let b = Self.payment("pb", "50.00", on: "2026-11-04", mandate: "M9")
    let tie = Self.links([a, b, Self.payment("r", "-50.00", on: "2026-11-20", mandate: "M9", isReturn: true)])
    guard case .held(let why) = tie.outcomes[2] else { Issue.record("linked a tie"); return }
    #expect(why.contains("2 payments of that amount have the same mandate id M9: pa (2026-11-04), pb (2026-11-04)"))
    #expect(tie.returnedInRun.isEmpty)
    // A monthly direct debit: October's and November's collections under one mandate; the later is not assumed.
    let monthly = Self.links([Self.payment("oct", "50.00", on: "2026-10-04", mandate: "M9", account: "DE11"), a,
                              Self.payment("r", "-50.00", on: "2026-11-20", mandate: "M9", account: "DE11", isReturn: true)])
    guard case .held(let which) = monthly.outcomes[2] else { Issue.record("took the latest of a monthly debit"); return }
    #expect(which.contains("2 payments of that amount have the same mandate id M9: oct (2026-10-04), pa (2026-11-04)"))
    let none = Self.links([a, Self.payment("r", "-70.00", on: "2026-11-20", mandate: "M9", isReturn: true)])
    guard case .held(let nothing) = none.outcomes[1] else { Issue.record("linked another amount"); return }
    #expect(nothing.hasPrefix("returns 70.00 EUR, but no payment of 70.00 EUR booked on or before 2026-11-20"))
    let unnamed = Self.links([a, Self.payment("r", "-50.00", on: "2026-11-20", isReturn: true)])
    guard case .held(let noKey) = unnamed.outcomes[1] else { Issue.record("linked by amount alone"); return }
    #expect(noKey.contains("pa (2026-11-04), but none has the same end-to-end id, mandate id, bank reference or payer account"))
    // Two returns of one payment: the earlier one takes it.
    let twice = Self.links([a, Self.payment("r2", "-50.00", on: "2026-11-21", mandate: "M9", isReturn: true),
                            Self.payment("r1", "-50.00", on: "2026-11-20", mandate: "M9", isReturn: true)])
    #expect(twice.outcomes[2] == .linked(original: 0, by: "its mandate id M9"))
    if case .linked = twice.outcomes[1] { Issue.record("a payment returned twice") }
  }

  @Test("ISO reason codes read as words, in one place")
  func reasonTexts() {
    #expect(ReturnReason.describe("AC04") == "AC04 account closed")
    #expect(ReturnReason.describe("md06") == "MD06 refund requested by the debtor")
    #expect(ReturnReason.describe("") == "no reason given")
    #expect(ReturnReason.describe("KONTO ERLOSCHEN") == "KONTO ERLOSCHEN")
    for code in ["AC01", "AC04", "AC06", "AG01", "AM04", "MD01", "MD06", "MD07", "MS02", "MS03", "RR01", "RR02", "RR03", "RR04", "SL01",
                 "FOCR", "DUPL", "FRAD", "TECH", "CUST"] {
      #expect(ReturnReason.texts[code] != nil, "\(code)")
    }
  }

  static func posted(_ id: String, _ invoice: String, settled: String, paidBefore: String) -> JournalItem {
    var p = PostedPayment(
      key: "payment:" + id, date: day, customer: "c2", rule: "r", status: .applied,
      settlements: [PostedPayment.Settlement(invoice: invoice, settled: Fixed(settled)!, paidBefore: Fixed(paidBefore)!, places: 2)])
    p.amount = Money(amount: Fixed(settled)!, currency: .USD)
    return .cashApplication(p)
  }

  static func returned(_ id: String, of original: String, reversed: Bool = true) -> JournalItem {
    .paymentReturn(
      PaymentReturn(
        key: "payment:" + id, original: "payment:" + original, date: day, customer: "c2", amount: Money(amount: Fixed("1.00")!, currency: .USD),
        reason: "AC04", source: "s.sta:1", reversed: reversed))
  }

  @Test("replay of a run recorded before runs undid their returns first: its payments, then its returns, as it was computed")
  func legacyRunOrder() throws {
    let p = try Run.plan(Cash.rules)
    let (data, _) = Dataset.load(folder: try Run.folder(["customers.csv": Cash.customers, "invoices.csv": Cash.invoices]), plan: p)
    // Run 2 returned p1 and applied p2, which (computed the old way) saw p1 as still paid: paid before 600.00.
    var journal = Journal()
    journal.runs = [
      JournalRun(number: 1, asOf: Self.day, folder: "run-0001", items: [Self.posted("p1", "i1", settled: "600.00", paidBefore: "0.00")]),
      JournalRun(
        number: 2, asOf: Self.day, folder: "run-0002",
        items: [Self.returned("r1", of: "p1"), Self.posted("p2", "i1", settled: "100.00", paidBefore: "600.00")]),
    ]
    func unpaid(_ j: Journal) -> Fixed? {
      var d = data
      d.recordJournal(j.cashEvents)
      return d.invoices.first { $0.id == "i1" }?.unpaid
    }
    // Read as a run of this version (returns first), it would close to 300.00 open: max(0, 600 + 100) = 700 paid.
    #expect(unpaid(journal) == Fixed("300.00")!)
    journal.returnsFirstFrom = 3
    #expect(unpaid(journal) == Fixed("900.00")!)
  }

  @Test("replay: applications and reversals as events in run order give the right open amounts")
  func replayOrder() throws {
    let p = try Run.plan(Cash.rules)
    let (data, _) = Dataset.load(folder: try Run.folder(["customers.csv": Cash.customers, "invoices.csv": Cash.invoices]), plan: p)
    func unpaid(_ events: [JournalItem], paid: String? = nil) -> (Fixed?, InvoiceStatus?) {
      var d = data
      if let paid, let k = d.invoices.firstIndex(where: { $0.id == "i1" }) {
        d.invoices[k].paid = Fixed(paid)!
        d.invoices[k].status = .paid
      }
      d.recordJournal(events)
      let i1 = d.invoices.first { $0.id == "i1" }
      return (i1?.unpaid, i1?.status)
    }
    let p1 = Self.posted("p1", "i1", settled: "600.00", paidBefore: "0.00")
    // Applied, then returned after a second payment: the second one's 100.00 stays.
    let p2after = Self.posted("p2", "i1", settled: "100.00", paidBefore: "600.00")
    #expect(unpaid([p1, p2after, Self.returned("r1", of: "p1")]) == (Fixed("900.00")!, .open))
    // Returned before the second payment: the second one was applied on the reopened amount.
    let p2before = Self.posted("p2", "i1", settled: "100.00", paidBefore: "0.00")
    #expect(unpaid([p1, Self.returned("r1", of: "p1"), p2before]) == (Fixed("900.00")!, .open))
    // Paid in full, then returned: open again for the whole amount.
    let full = Self.posted("p3", "i1", settled: "1000.00", paidBefore: "0.00")
    #expect(unpaid([full]) == (Fixed("0.00")!, .paid))
    #expect(unpaid([full, Self.returned("r3", of: "p3")]) == (Fixed("1000.00")!, .open))
    // The invoices file already shows the payment (exported after posting it): the return still reopens it.
    #expect(unpaid([full, Self.returned("r3", of: "p3")], paid: "1000.00") == (Fixed("1000.00")!, .open))
    // A return that reversed nothing (its original was never applied), or one seen twice, changes nothing.
    #expect(unpaid([p1, Self.returned("r1", of: "p1", reversed: false)]) == (Fixed("400.00")!, .open))
    #expect(unpaid([p1, Self.returned("r1", of: "p1"), Self.returned("r9", of: "p1")]) == (Fixed("1000.00")!, .open))
  }

  @Test("the ledger records a return as its own event and reads it back; a payment is returned once")
  func ledgerRoundTrip() throws {
    let dir = TemporaryPaths.make("ledger-returns")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    let p1 = Self.posted("p1", "i1", settled: "600.00", paidBefore: "0.00")
    try store.record(LedgerRecord(run: 1, asOf: Self.day, folder: "run-0001", items: [p1], recordedAt: "t"), expectedLast: 0)
    let back = Self.returned("r1", of: "p1")
    try store.record(LedgerRecord(run: 2, asOf: Self.day, folder: "run-0002", items: [back], recordedAt: "t"), expectedLast: 1)
    let j = try LedgerStore.read(stateDir: dir)
    #expect(j.runs.map(\.items) == [[p1], [back]])
    #expect(j.cashEvents == [p1, back])
    #expect(j.reversedPayments() == ["payment:p1"])
    #expect(try store.verify().isEmpty)
    // The same original returned again is refused (UNIQUE), whole run and all.
    #expect(throws: JournalError.self) {
      try store.record(
        LedgerRecord(run: 3, asOf: Self.day, folder: "run-0003", items: [Self.returned("r2", of: "p1")], recordedAt: "t"), expectedLast: 2)
    }
    #expect(try LedgerStore.read(stateDir: dir).runs.count == 2)
  }

  @Test("a ledger of schema version 1 migrates to 2 in one transaction, its runs kept")
  func migrationFromV1() throws {
    let dir = TemporaryPaths.make("ledger-v1")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + LedgerStore.fileName
    do {
      let db = try Database(path: path)
      try db.execute(LedgerSchema.v1)
      try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
    }
    // Written as version 1 was: a run with a payment.
    do {
      let v1 = LedgerStore(path: path, db: try Database(path: path))
      let p1 = Self.posted("p1", "i1", settled: "600.00", paidBefore: "0.00")
      try v1.db.execute("BEGIN")
      try v1.db.run(
        "INSERT INTO runs (run, as_of, folder, items, recorded_at, checksum) VALUES (1, '2026-11-01', 'run-0001', 1, 't', ?1)",
        [.text(LedgerChecksum.of(run: 1, asOf: Self.day, folder: "run-0001", items: [p1], documents: []))])
      try v1.db.run("INSERT INTO items (key, run, position, kind, date, customer) VALUES ('payment:p1', 1, 0, 'match', '2026-11-01', 'c2')")
      try v1.db.run("INSERT INTO payments VALUES ('payment:p1', 'r', 'applied', 'USD', 60000, 0, 0, 0)")
      try v1.db.run("INSERT INTO applications VALUES ('payment:p1', 0, 'i1', 'USD', 2, 60000, 60000, 0, 0, 0)")
      try v1.db.execute("COMMIT")
    }
    // Read before any apply: version 1, no returns, nothing written.
    let before = try LedgerStore.read(stateDir: dir)
    #expect(before.runs.count == 1 && before.paymentReturns.isEmpty)
    let reader = try LedgerStore.openForReading(stateDir: dir)
    #expect(reader.schemaVersion == 1)
    #expect(try reader.export().tables.first { $0.name == "payment_returns" }?.rows.isEmpty == true)
    // Opened for writing: migrated.
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.schemaVersion() == LedgerSchema.version)
    #expect(try store.db.query("SELECT count(*) FROM payment_returns").first?.first?.integer == 0)
    try store.record(LedgerRecord(run: 2, asOf: Self.day, folder: "run-0002", items: [Self.returned("r1", of: "p1")], recordedAt: "t"), expectedLast: 1)
    let after = try LedgerStore.read(stateDir: dir)
    #expect(after.runs.count == 2 && after.paymentReturns.map(\.original) == ["payment:p1"])
    #expect(try store.verify().isEmpty)
  }

  @Test("a ledger of schema version 2 migrates to 3: a payout keyed by its bank credit keeps it as its credit, its checksum intact")
  func migrationFromV2() throws {
    let dir = TemporaryPaths.make("ledger-v2")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + LedgerStore.fileName
    let payout = RecordedPayout(
      key: "payment:b1", payout: "payout:stripe:po_1", credit: "payment:b1", processor: "stripe", date: Self.day,
      net: Money(amount: Fixed("870.70")!, currency: .USD), charges: Fixed("1000.00")!, refunds: Fixed("100.00")!, fees: Fixed("29.30")!,
      source: "payments.csv:2")
    // Written as version 2 was: a run with a payout keyed by its credit.
    do {
      let db = try Database(path: path)
      try db.execute(LedgerSchema.v1)
      try db.execute(LedgerSchema.v2)
      try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '2')")
      try db.execute("BEGIN")
      try db.run(
        "INSERT INTO runs (run, as_of, folder, items, recorded_at, checksum) VALUES (1, '2026-11-01', 'run-0001', 1, 't', ?1)",
        [.text(LedgerChecksum.of(run: 1, asOf: Self.day, folder: "run-0001", items: [.payout(payout)], documents: []))])
      try db.run("INSERT INTO items (key, run, position, kind, date, customer) VALUES ('payment:b1', 1, 0, 'match', '2026-11-01', '')")
      try db.run(
        "INSERT INTO processor_payouts VALUES ('payment:b1', 'payout:stripe:po_1', 1, 'stripe', '2026-11-01', 'USD', 87070, 100000, 10000, 2930, 'payments.csv:2')")
      try db.execute("COMMIT")
    }
    // Read before any apply (no migration): the credit is the key.
    #expect(try LedgerStore.read(stateDir: dir).recordedPayouts == [payout])
    let reader = try LedgerStore.openForReading(stateDir: dir)
    #expect(reader.schemaVersion == 2)
    #expect(try reader.export().tables.first { $0.name == "processor_payouts" }?.rows.first?.first == .text("b1"))
    // Opened for writing: migrated, the row's credit filled, its run's checksum still good.
    let store = try LedgerStore.open(stateDir: dir)
    #expect(try store.schemaVersion() == LedgerSchema.version)
    #expect(try store.db.query("SELECT credit FROM processor_payouts").first?.first?.text == "payment:b1")
    #expect(try LedgerStore.read(stateDir: dir).recordedPayouts == [payout])
    #expect(try store.verify().isEmpty)
  }
}
