import AccrueSQLite
import AccrueTestSupport
import Foundation
import Testing

/// The SQLite binding: values round-trip exactly, transactions are all or nothing, writers never interleave.
@Suite("SQLite")
struct DatabaseTests {
  static func fresh() throws -> Database {
    let dir = TemporaryPaths.make("accrue-sqlite")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let db = try Database(path: dir + "/ledger.sqlite")
    try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
    return db
  }

  @Test("the library loads, in WAL mode")
  func loads() throws {
    let db = try Self.fresh()
    #expect(!db.libraryVersion.isEmpty)
    #expect(try db.query("PRAGMA journal_mode") == [[.text("wal")]])
  }

  @Test(
    "values round-trip exactly",
    arguments: [
      SQLValue.null, .integer(0), .integer(Int64.max), .integer(Int64.min), .text(""), .text("Müller & Söhne, 株式会社"),
      .text("a\u{0}b"), .blob([]), .blob([0, 255, 1, 254]),
    ])
  func roundTrip(value: SQLValue) throws {
    let db = try Self.fresh()
    try db.execute("CREATE TABLE t (v)")
    try db.run("INSERT INTO t VALUES (?1)", [value])
    #expect(try db.query("SELECT v FROM t") == [[value]])
  }

  @Test("a transaction that throws leaves nothing behind")
  func rollback() throws {
    let db = try Self.fresh()
    try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    struct Stop: Error {}
    #expect(throws: Stop.self) {
      try db.transaction {
        try db.run("INSERT INTO t VALUES ('a')")
        throw Stop()
      }
    }
    try db.transaction { try db.run("INSERT INTO t VALUES ('b')") }
    #expect(try db.query("SELECT k FROM t") == [[.text("b")]])
  }

  @Test("a key inserted twice is a constraint error, with the statement")
  func constraint() throws {
    let db = try Self.fresh()
    try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    try db.run("INSERT INTO t VALUES ('a')")
    let e = #expect(throws: SQLiteError.self) { try db.run("INSERT INTO t VALUES ('a')") }
    #expect(e?.isConstraint == true)
    #expect(e?.message.contains("INSERT INTO t") == true)
  }

  @Test("a second writer waits for the first, then fails as busy: never interleaved")
  func busy() throws {
    let a = try Self.fresh()
    try a.execute("CREATE TABLE t (k INTEGER)")
    let b = try Database(path: a.path, busyTimeout: 50)
    try a.execute("BEGIN IMMEDIATE")
    try a.run("INSERT INTO t VALUES (1)")
    let e = #expect(throws: SQLiteError.self) { try b.transaction { try b.run("INSERT INTO t VALUES (2)") } }
    #expect(e?.isBusy == true)
    // A reader still sees the last committed state.
    #expect(try b.query("SELECT count(*) FROM t") == [[.integer(0)]])
    try a.execute("COMMIT")
    try b.transaction { try b.run("INSERT INTO t VALUES (2)") }
    #expect(try a.query("SELECT k FROM t ORDER BY k") == [[.integer(1)], [.integer(2)]])
  }

  @Test("a floating-point column is an error, not a value")
  func noFloats() throws {
    let db = try Self.fresh()
    let e = #expect(throws: SQLiteError.self) { try db.query("SELECT 0.1 AS amount") }
    #expect(e?.message.contains("amount") == true)
  }

  @Test("a bad statement names itself; a folder that does not exist cannot be opened")
  func errors() throws {
    let db = try Self.fresh()
    let e = #expect(throws: SQLiteError.self) { try db.query("SELEC 1") }
    #expect(e?.message.contains("SELEC 1") == true)
    let open = #expect(throws: SQLiteError.self) { try Database(path: "/nonexistent-folder/ledger.sqlite") }
    #expect(open?.message.contains("/nonexistent-folder/ledger.sqlite") == true)
  }

  @Test("texts bound without a copy read back as bound: empty, short, long, non-ASCII, a statement rebound with more and fewer")
  func textsBoundInPlace() throws {
    let db = try Self.fresh()
    try db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, a, b, c)")
    let long = String(repeating: "Zürich ", count: 300)
    let rows: [[SQLValue]] = [
      [.integer(1), .text(""), .text("x"), .null],
      [.integer(2), .text(long), .text("短い"), .text("")],
      [.integer(3), .text("a\u{0}b"), .integer(-5), .text(long + long)],
      [.integer(4), .null, .text("Müller"), .blob([1, 2])],
    ]
    let insert = try db.prepare("INSERT INTO t (n, a, b, c) VALUES (?1, ?2, ?3, ?4)")
    for r in rows {
      try insert.bind(r)
      while try insert.step() {}
    }
    #expect(try db.query("SELECT n, a, b, c FROM t ORDER BY n") == rows)
    // A text compared inside SQLite (a query's parameter) as bound.
    #expect(try db.query("SELECT n FROM t WHERE b = ?1 OR a = ?2 ORDER BY n", [.text("Müller"), .text(long)]) == [[.integer(2)], [.integer(4)]])
  }
}
