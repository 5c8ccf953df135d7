import AccrueCore
@testable import AccrueLedger
import AccrueModel
import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// A run's rows are made on a thread of their own while the ledger's thread inserts them (`RowPipe`): the ops
/// arrive as they were made, whatever the chunks; a failure arrives after the rows made before it; a ledger that
/// fails stops the maker; and a run's rows, errors and checksum are what making them in place gave.
@Suite("Ledger: rows made on a thread of their own")
struct LedgerRowPipeTests {
  struct Boom: Error {}

  /// What an op says, to compare sequences.
  static func describe(_ op: RowPipe.Op) -> String {
    switch op {
    case .row(let t, let v): "\(t) \(v)"
    case .finish(let t): "end \(t)"
    }
  }

  /// The ops of `make` in the order they were made, with a sink that keeps them in place.
  static func made(count: Int, failAt: Int? = nil) -> (@Sendable (RowPipe) throws -> String) {
    { pipe in
      for k in 0..<count {
        if k == failAt { throw Boom() }
        try pipe.add(LedgerTable.allCases[k % 7], [.integer(Int64(k)), .text("row \(k)"), k % 3 == 0 ? .null : .text("")])
        if k % 97 == 96 { pipe.finish(LedgerTable.allCases[k % 7]) }
      }
      return "sum \(count)"
    }
  }

  static func expected(count: Int, upTo: Int? = nil) -> [String] {
    var out: [String] = []
    for k in 0..<min(count, upTo ?? count) {
      out.append("\(LedgerTable.allCases[k % 7]) \([SQLValue.integer(Int64(k)), .text("row \(k)"), k % 3 == 0 ? .null : .text("")])")
      if k % 97 == 96 { out.append("end \(LedgerTable.allCases[k % 7])") }
    }
    return out
  }

  @Test("every op arrives in the order it was made, whatever the chunk size and the queue's capacity", arguments: [(1, 1), (3, 2), (1024, 16), (7, 1)])
  func order(chunk: Int, capacity: Int) throws {
    let pipe = RowPipe(chunkSize: chunk, capacity: capacity).start(Self.made(count: 2_000))
    var got: [String] = []
    while let ops = try pipe.next() { got += ops.map(Self.describe) }
    #expect(got == Self.expected(count: 2_000))
    #expect(pipe.checksum == "sum 2000")
  }

  @Test("a failure arrives after every op made before it", arguments: [0, 1, 500, 1_023, 1_024])
  func failure(at: Int) throws {
    let pipe = RowPipe(chunkSize: 64, capacity: 2).start(Self.made(count: 2_000, failAt: at))
    var got: [String] = []
    #expect(throws: Boom.self) {
      while let ops = try pipe.next() { got += ops.map(Self.describe) }
    }
    #expect(got == Self.expected(count: 2_000, upTo: at))
  }

  @Test("the ledger's thread failing stops the maker, which never blocks on a full queue")
  func cancel() throws {
    let pipe = RowPipe(chunkSize: 4, capacity: 1).start(Self.made(count: 1_000_000))
    _ = try pipe.next()
    pipe.cancel()
    // Once cancelled, the maker has stopped: nothing more is queued than the chunk it had made.
    var rest = 0
    while let ops = try pipe.next() { rest += ops.count }
    #expect(rest <= 4)
  }

  @Test("a large run's rows go in as made in place: round trip, checksum read back, the first error wins")
  func largeRun() throws {
    let dir = TemporaryPaths.make("ledger-pipe")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    let day = LedgerStoreTests.day
    let invoices = (0..<3_000).map { k in LedgerStoreTests.invoice("k\(k)/2026-11-01", total: "\(k).25", number: "NW-\(k)") }
    var items: [JournalItem] = invoices.map { .invoice(IssuedInvoice(key: $0.key, date: day, customer: "c1")) }
    items += (0..<2_000).map { k in
      .reminder(SentReminder(key: "NW-\(k)/std/first", date: day, customer: "c\(k % 10)", cadence: "std", step: "first", invoices: ["NW-\(k)"]))
    }
    // An amount finer than the currency's cents late in the run, after a key given twice: the key fails first, as
    // it did when the rows were made in place (items go in before documents).
    var bad = invoices
    bad[2_900].total = Fixed("1.005")!
    let twice = items + [items[10]]
    let e = #expect(throws: JournalError.self) {
      try store.record(LedgerStoreTests.record(1, twice, documents: bad), expectedLast: 0)
    }
    #expect(e?.message.contains("UNIQUE") == true)
    let inexact = #expect(throws: JournalError.self) { try store.record(LedgerStoreTests.record(1, items, documents: bad), expectedLast: 0) }
    #expect(inexact?.message.contains("1.005") == true)
    #expect(try LedgerStore.read(stateDir: dir).runs.isEmpty)
    try store.record(LedgerStoreTests.record(1, items, documents: invoices), expectedLast: 0)
    // Reading checks every run against its recorded checksum.
    let j = try LedgerStore.read(stateDir: dir)
    #expect(j.items == items)
    #expect(j.receivables.count == 3_000)
    let sum = try store.db.query("SELECT checksum FROM runs WHERE run = 1").first?.first?.text
    #expect(sum == LedgerStore.checksum(LedgerStoreTests.record(1, items, documents: invoices)))
  }
}
