import AccrueCore
@testable import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// The checks at the end of an apply take the run's matches, their customers and its sequences from the record
/// (`RunScope`): the same the ledger's own rows name (`items` of the run), and the sequences' counts found
/// through their indexes agree with the plain join over every numbered row.
@Suite("Ledger: a run's checks from its record")
struct LedgerRunScopeTests {
  /// What `breaches` asked the ledger before `RunScope`: the run's matches, their customers, its sequences.
  static func fromLedger(_ store: LedgerStore, run: Int) throws -> (payments: Set<String>, customers: Set<String>, sequences: Set<String>) {
    func texts(_ sql: String) throws -> Set<String> { Set(try store.db.query(sql, [.integer(Int64(run))]).compactMap { $0.first?.text }) }
    return (
      try texts("SELECT key FROM items WHERE run = ?1 AND kind = 'match'"),
      try texts("SELECT customer FROM items WHERE run = ?1 AND kind = 'match'"),
      try texts(
        "SELECT d2.sequence_scope FROM documents d2 JOIN items i ON i.key = d2.key WHERE i.run = ?1 UNION SELECT sequence_scope FROM credit_notes WHERE run = ?1")
    )
  }

  /// The sequences' check as it was written first: a join over every numbered row.
  static func plainGaps(_ store: LedgerStore) throws -> [String] {
    let q = """
      SELECT s.scope, s.last, count(d.sequence), coalesce(max(d.sequence), 0)
      FROM sequences s LEFT JOIN (SELECT sequence_scope, sequence FROM documents UNION ALL SELECT sequence_scope, sequence FROM credit_notes) d
        ON d.sequence_scope = s.scope
      GROUP BY s.scope HAVING count(d.sequence) != s.last OR coalesce(max(d.sequence), 0) != s.last ORDER BY 1
      """
    return try store.db.query(q).map { r in
      "numbering sequence \(r[0].text ?? "") has \(r[2].integer ?? 0) numbers up to \(r[3].integer ?? 0), but its last number is \(r[1].integer ?? 0)"
    }
  }

  @Test("random runs of numbered documents and payments: the record names what the ledger's rows name", arguments: [1, 2, 3])
  func sameAsLedger(seed: Int) throws {
    var g = LedgerConservationTests.Seeded(state: UInt64(seed))
    let dir = TemporaryPaths.make("ledger-scope")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    var last: [String: Int] = [:]
    var day = LedgerStoreTests.day
    for run in 1...6 {
      var r = LedgerRecord(run: run, asOf: day, folder: "run-\(run)", items: [], recordedAt: "t")
      for k in 0..<g.next(5) {
        var inv = LedgerStoreTests.invoice("k\(k)/\(run)", total: "10.00")
        inv.customerID = "c\(g.next(3))"
        r.items.append(.invoice(IssuedInvoice(key: inv.key, date: day, customer: inv.customerID)))
        // Some documents drew a number, from one of two sequences; some none.
        if g.next(3) != 0 {
          let scope = g.next(2) == 0 ? "invoice/2026" : "debit_note/2026"
          let n = (last[scope] ?? 0) + 1
          last[scope] = n
          inv.number = "\(scope)-\(n)"
          r.numbers.append((scope, n, inv.key))
        }
        r.documents.append(inv)
      }
      for p in 0..<g.next(4) {
        var pay = PostedPayment(key: "payment:r\(run)p\(p)", date: day, customer: "c\(g.next(4))", rule: "r", status: .applied, settlements: [])
        pay.amount = Money(amount: Fixed("5.00")!, currency: .USD)
        pay.credit = Fixed("5.00")!
        r.items.append(.cashApplication(pay))
      }
      r.items.append(.reminder(SentReminder(key: "rem\(run)", date: day, customer: "c9", cadence: "std", step: "first", invoices: [])))
      try store.record(r, expectedLast: run - 1)
      let scope = RunScope(r)
      let ledger = try Self.fromLedger(store, run: run)
      #expect(Set(scope.payments) == ledger.payments && scope.payments.count == ledger.payments.count)
      #expect(Set(scope.customers) == ledger.customers)
      #expect(Set(scope.sequences) == ledger.sequences)
      #expect(try store.breaches(run: scope).isEmpty)
      #expect(try store.verify() == Self.plainGaps(store))
      day = day.adding(days: 30)!
    }
    // A sequence moved past its numbers, and one behind them: both forms of the check find both.
    try store.db.execute("UPDATE sequences SET last = last + 2 WHERE scope = 'invoice/2026'; UPDATE sequences SET last = last - 1 WHERE scope = 'debit_note/2026'")
    let gaps = try Self.plainGaps(store)
    #expect(gaps.count == last.count)
    #expect(try store.verify() == gaps)
    var r = LedgerRecord(run: 7, asOf: day, folder: "run-7", items: [], recordedAt: "t")
    r.numbers = last.keys.map { ($0, 1, "x") }
    #expect(try store.breaches(run: RunScope(r)) == gaps)
  }
}
