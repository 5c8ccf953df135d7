/// What SQLite said went wrong: its (extended) result code and message, with the statement when there is one.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
  /// SQLite's extended result code (-1: the library could not be loaded).
  public var code: Int32
  public var message: String

  public init(code: Int32, message: String) {
    self.code = code
    self.message = message
  }

  /// The primary result code (SQLITE_BUSY is 5, SQLITE_CONSTRAINT 19...).
  public var primary: Int32 { code & 0xFF }
  /// The database is locked by another connection (after the busy timeout).
  public var isBusy: Bool { primary == 5 || primary == 6 }
  /// A constraint failed (a unique key, a check).
  public var isConstraint: Bool { primary == 19 }

  public var description: String { message }
}

/// A value of a column or a parameter. Money is stored as integer minor units or exact decimal text, never as
/// SQLite's floating point: there is no case for it, and a floating-point column reads as an error.
public enum SQLValue: Sendable, Equatable, Hashable {
  case null
  case integer(Int64)
  case text(String)
  case blob([UInt8])

  public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
  public var text: String? { if case .text(let v) = self { v } else { nil } }
}

/// A connection to one database file, used from one thread at a time.
public final class Database {
  let lib: SQLiteLibrary
  let handle: OpaquePointer
  /// The file's path.
  public let path: String

  /// Opens (creating it when `create`) the database at `path`. A connection waits up to `busyTimeout`
  /// milliseconds for another connection's write lock before a statement fails with `isBusy`.
  public init(path: String, create: Bool = true, readOnly: Bool = false, busyTimeout: Int32 = 5_000) throws(SQLiteError) {
    let lib = try SQLiteLibrary.shared.get()
    var h: OpaquePointer?
    // SQLITE_OPEN_READONLY 1, READWRITE 2, CREATE 4; NOMUTEX: a connection is used from one thread at a time.
    let flags: Int32 = (readOnly ? 0x1 : 0x2 | (create ? 0x4 : 0)) | 0x8000
    let rc = lib.open(path, &h, flags, nil)
    guard rc == 0, let h else {
      let message = h.flatMap { lib.errmsg($0) }.map { String(cString: $0) } ?? "out of memory"
      _ = lib.close(h)
      throw SQLiteError(code: rc, message: "cannot open the database \(path): \(message)")
    }
    self.lib = lib
    handle = h
    self.path = path
    _ = lib.busyTimeout(h, busyTimeout)
  }

  deinit { _ = lib.close(handle) }

  /// The library's version, e.g. "3.40.1".
  public var libraryVersion: String { lib.libversion().map { String(cString: $0) } ?? "" }

  func error(_ rc: Int32, _ sql: String? = nil) -> SQLiteError {
    let message = lib.errmsg(handle).map { String(cString: $0) } ?? "error \(rc)"
    let code = lib.extendedErrcode(handle)
    return SQLiteError(code: code != 0 ? code : rc, message: sql.map { "\(message) (in: \($0))" } ?? message)
  }

  /// Runs one or more statements without parameters (schema, pragmas); rows they return are ignored.
  public func execute(_ sql: String) throws(SQLiteError) {
    var err: UnsafeMutablePointer<CChar>?
    let rc = lib.exec(handle, sql, nil, nil, &err)
    if rc != 0 {
      let message = err.map { String(cString: $0) }
      lib.free(err)
      let e = error(rc, sql)
      throw SQLiteError(code: e.code, message: message.map { "\($0) (in: \(sql))" } ?? e.message)
    }
  }

  /// A compiled statement (reusable: bind, step, reset).
  public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
    try prepare(sql, describedAs: sql)
  }

  /// A compiled statement that error messages name as `description`.
  func prepare(_ sql: String, describedAs description: String) throws(SQLiteError) -> Statement {
    var s: OpaquePointer?
    let rc = lib.prepare(handle, sql, -1, &s, nil)
    guard rc == 0, let s else { throw error(rc, description) }
    return Statement(db: self, handle: s, sql: description)
  }

  /// The number of rows the last finished statement changed.
  public var changes: Int { Int(lib.changes(handle)) }

  /// Runs one statement with parameters; the number of rows it changed.
  @discardableResult
  public func run(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> Int {
    let s = try prepare(sql)
    try s.bind(values)
    while try s.step() {}
    return Int(lib.changes(handle))
  }

  /// The rows of one query.
  public func query(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> [[SQLValue]] {
    let s = try prepare(sql)
    try s.bind(values)
    var rows: [[SQLValue]] = []
    while try s.step() { rows.append(try s.row()) }
    return rows
  }

  /// Runs `body` in one write transaction: all of it is committed, or none of it (an error thrown, or the
  /// process killed, leaves the database as before). `BEGIN IMMEDIATE` takes the write lock first, so two
  /// writers never interleave: the second waits up to the busy timeout, then fails with `isBusy`.
  @discardableResult
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let value = try body()
      try execute("COMMIT")
      return value
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }
}

/// A compiled statement of a `Database`.
public final class Statement {
  let db: Database
  let handle: OpaquePointer
  /// Its text, for error messages.
  public let sql: String

  /// The bound texts' bytes, one after the other: bound without a copy (SQLITE_STATIC), they stay here until the
  /// next `bind` (which first clears the bindings) or the statement's end. (SQLite's own copy of each text, and
  /// its freeing, cost a fifth of the ledger's inserts.)
  private var texts: UnsafeMutableRawPointer
  private var textsCapacity = 256

  init(db: Database, handle: OpaquePointer, sql: String) {
    self.db = db
    self.handle = handle
    self.sql = sql
    texts = .allocate(byteCount: textsCapacity, alignment: 8)
  }

  deinit {
    _ = db.lib.finalize(handle)
    texts.deallocate()
  }

  /// Binds the parameters in order (`?1`, `?2`, ...), after a reset: the statement can run again.
  public func bind(_ values: [SQLValue]) throws(SQLiteError) {
    let lib = db.lib
    _ = lib.reset(handle)
    // (No binding refers to `texts` from here on: it may be replaced.)
    _ = lib.clearBindings(handle)
    var needed = 0
    for case .text(let t) in values { needed += t.utf8.count }
    if needed > textsCapacity {
      texts.deallocate()
      textsCapacity = max(needed, textsCapacity * 2)
      texts = .allocate(byteCount: textsCapacity, alignment: 8)
    }
    var used = 0
    for (k, v) in values.enumerated() {
      let i = Int32(k + 1)
      let rc: Int32
      switch v {
      case .null: rc = lib.bindNull(handle, i)
      case .integer(let n): rc = lib.bindInt64(handle, i, n)
      case .text(let t):
        // Never a null pointer (`texts` is not): SQLite would bind NULL instead of an empty text.
        let start = texts + used
        var t = t
        let count = t.withUTF8 { b in
          if let base = b.baseAddress, b.count > 0 { start.copyMemory(from: base, byteCount: b.count) }
          return b.count
        }
        used += count
        rc = lib.bindText(handle, i, start.assumingMemoryBound(to: CChar.self), Int32(count), 0)
      case .blob(let bytes):
        rc = bytes.withUnsafeBytes { b in
          guard let base = b.baseAddress, b.count > 0 else { return withUnsafePointer(to: UInt8(0)) { lib.bindBlob(handle, i, $0, 0, -1) } }
          return lib.bindBlob(handle, i, base, Int32(b.count), -1)
        }
      }
      if rc != 0 { throw db.error(rc, sql) }
    }
  }

  /// Steps once: true when a row is ready, false when the statement is done.
  public func step() throws(SQLiteError) -> Bool {
    let rc = db.lib.step(handle)
    switch rc {
    case 100: return true
    case 101: return false
    default:
      let e = db.error(rc, sql)
      _ = db.lib.reset(handle)
      throw e
    }
  }

  /// The current row's values.
  public func row() throws(SQLiteError) -> [SQLValue] {
    let lib = db.lib
    let n = lib.columnCount(handle)
    var out: [SQLValue] = []
    out.reserveCapacity(Int(n))
    for c in 0..<n {
      switch lib.columnType(handle, c) {
      case 1: out.append(.integer(lib.columnInt64(handle, c)))
      case 3:
        let p = lib.columnText(handle, c)
        let count = Int(lib.columnBytes(handle, c))
        out.append(.text(p.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) } ?? ""))
      case 4:
        let p = lib.columnBlob(handle, c)
        let count = Int(lib.columnBytes(handle, c))
        out.append(.blob(p.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []))
      case 5: out.append(.null)
      default:
        let name = lib.columnName(handle, c).map { String(cString: $0) } ?? "\(c)"
        throw SQLiteError(code: 20, message: "column \(name) holds a floating-point number, which the ledger never stores (in: \(sql))")
      }
    }
    return out
  }
}
