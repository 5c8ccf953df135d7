/// Inserts rows into one table many at a time: one `INSERT ... VALUES (...), (...), ...` statement per
/// `rowsPerStatement` rows, in the order they are added (what inserting them one by one does, and fails as that
/// does: a constraint a row breaks fails the statement). Each run of a statement has a fixed cost (binding it
/// again, its halt, a check constraint's `IN` list made into a temporary table: SQLite 3.40 makes one for a list of
/// three or more values), which many rows share. Errors name the one-row statement.
public final class BatchInsert {
  let db: Database
  let table: String
  let columns: [String]
  let rowsPerStatement: Int
  private var full: Statement?
  private var pending: [SQLValue] = []

  /// Rows of `columns` into `table`, `rowsPerStatement` at a time (SQLite allows 32,766 parameters a statement).
  public init(_ db: Database, table: String, columns: [String], rowsPerStatement: Int = 64) {
    precondition(!columns.isEmpty && rowsPerStatement >= 1 && columns.count * rowsPerStatement <= 32_766)
    self.db = db
    self.table = table
    self.columns = columns
    self.rowsPerStatement = rowsPerStatement
    pending.reserveCapacity(columns.count * rowsPerStatement)
  }

  /// The one-row statement, as error messages name it.
  public var oneRowSQL: String {
    "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\((1...columns.count).map { "?\($0)" }.joined(separator: ", ")))"
  }

  /// The statement inserting `rows` rows.
  func statement(rows: Int) throws(SQLiteError) -> Statement {
    let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: tuple, count: rows).joined(separator: ", ")
    return try db.prepare(sql, describedAs: oneRowSQL)
  }

  /// Adds a row (its values in `columns` order); inserts the rows waiting once there are `rowsPerStatement`.
  public func add(_ row: [SQLValue]) throws(SQLiteError) {
    precondition(row.count == columns.count, "a row of \(table) has \(columns.count) values")
    pending.append(contentsOf: row)
    guard pending.count == columns.count * rowsPerStatement else { return }
    if full == nil { full = try statement(rows: rowsPerStatement) }
    try insert(full!)
  }

  /// Inserts the rows still waiting.
  public func finish() throws(SQLiteError) {
    guard !pending.isEmpty else { return }
    try insert(try statement(rows: pending.count / columns.count))
  }

  private func insert(_ s: Statement) throws(SQLiteError) {
    defer { pending.removeAll(keepingCapacity: true) }
    try s.bind(pending)
    while try s.step() {}
  }
}
