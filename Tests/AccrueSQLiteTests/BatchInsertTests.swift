import AccrueSQLite
import Testing

/// `BatchInsert` (many rows a statement) against its definition: the same rows inserted one statement each.
@Suite("SQLite batch insert")
struct BatchInsertTests {
  static let schema = """
    CREATE TABLE p (k TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('a', 'b', 'c')),
      v, parent TEXT REFERENCES p(k)) WITHOUT ROWID;
    INSERT INTO p VALUES ('x'), ('y');
    """

  static func rows(_ count: Int) -> [[SQLValue]] {
    let kinds = ["a", "b", "c"]
    let values: [SQLValue] = [.null, .text("Müller"), .integer(Int64.min), .blob([0, 255])]
    return (0..<count).map { i in
      let key: SQLValue = .text("key-\(1000 + i)")
      let n: SQLValue = .integer(Int64(i) - 7)
      let parent: SQLValue = i % 5 == 0 ? .null : .text(i % 2 == 0 ? "x" : "y")
      return [key, n, .text(kinds[i % 3]), values[i % 4], parent]
    }
  }

  static func fresh() throws -> Database {
    let db = try DatabaseTests.fresh()
    try db.execute("PRAGMA foreign_keys = ON")
    try db.execute(schema)
    return db
  }

  @Test("the rows and their order in the table are those of one statement a row", arguments: [0, 1, 2, 3, 4, 7, 9, 10, 64])
  func sameRows(count: Int) throws {
    let rows = Self.rows(count)
    let plain = try Self.fresh()
    for r in rows { try plain.run("INSERT INTO t (k, n, kind, v, parent) VALUES (?1, ?2, ?3, ?4, ?5)", r) }
    let batched = try Self.fresh()
    try batched.transaction {
      let insert = BatchInsert(batched, table: "t", columns: ["k", "n", "kind", "v", "parent"], rowsPerStatement: 3)
      for r in rows { try insert.add(r) }
      try insert.finish()
    }
    #expect(try batched.query("SELECT k, n, kind, v, parent FROM t ORDER BY k") == plain.query("SELECT k, n, kind, v, parent FROM t ORDER BY k"))
    #expect(try batched.query("SELECT count(*) FROM t") == [[.integer(Int64(count))]])
  }

  @Test("a row that breaks a constraint fails the insert, and the message names the one-row statement")
  func constraints() throws {
    for bad: [SQLValue] in [
      [.text("key-1000"), .integer(1), .text("a"), .null, .null],  // the key again
      [.text("key-9999"), .integer(1), .text("d"), .null, .null],  // the check
      [.text("key-9999"), .null, .text("a"), .null, .null],  // not null
      [.text("key-9999"), .integer(1), .text("a"), .null, .text("z")],  // the foreign key
    ] {
      let db = try Self.fresh()
      let insert = BatchInsert(db, table: "t", columns: ["k", "n", "kind", "v", "parent"], rowsPerStatement: 3)
      #expect(insert.oneRowSQL == "INSERT INTO t (k, n, kind, v, parent) VALUES (?1, ?2, ?3, ?4, ?5)")
      do {
        try db.transaction {
          for r in Self.rows(2) + [bad] + Self.rows(8).dropFirst(2) { try insert.add(r) }
          try insert.finish()
        }
        Issue.record("\(bad) was inserted")
      } catch let e as SQLiteError {
        #expect(e.isConstraint, "\(e)")
        #expect(e.message.hasSuffix("(in: \(insert.oneRowSQL))"), "\(e.message)")
      }
      #expect(try db.query("SELECT count(*) FROM t") == [[.integer(0)]])
    }
  }
}
