import AccrueCore
import AccrueModel
import AccrueSQLite
import Foundation

/// The state folder's ledger, `STATE/ledger.sqlite`: every run `apply` recorded, with the documents it issued,
/// the reminders it sent, the payments it applied, the fees it charged and the numbers it gave. A SQLite database
/// in WAL mode; each apply is one transaction, so a run is recorded whole or not at all, and a key is recorded
/// once (primary keys). docs/ledger.md describes the tables.
public final class LedgerStore {
  public static let fileName = "ledger.sqlite"
  /// The file's path.
  public let path: String
  let db: Database

  init(path: String, db: Database) {
    self.path = path
    self.db = db
  }

  /// Whether the state folder has a ledger file.
  public static func exists(stateDir: String) -> Bool {
    FileManager.default.fileExists(atPath: stateDir + "/" + fileName)
  }

  /// Opens the ledger for writing, creating it when the state folder has none. A state folder written before the
  /// ledger (`journal.log`) is migrated: its runs go into the new ledger in one transaction, and the journal file
  /// is renamed `journal.log.migrated` (kept as it was).
  public static func open(stateDir: String) throws(JournalError) -> LedgerStore {
    let path = stateDir + "/" + fileName
    let db: Database
    do {
      db = try Database(path: path)
      // Temporary storage in memory: each batch of rows (`BatchInsert`) is a statement SQLite may have to undo
      // alone, so it copies every page the statement changes into a statement journal first, a temporary file
      // past 64 KB (written, and never read, through the kernel).
      try db.execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY")
    } catch { throw JournalError(message: "cannot open the ledger \(path): \(error.message)") }
    try LedgerSchema.migrate(db, path: path)
    let store = LedgerStore(path: path, db: db)
    try store.migrateJournalFile(stateDir: stateDir)
    return store
  }

  /// What the state folder recorded: its ledger, or the journal file of a state folder written before the ledger,
  /// or nothing yet. Never writes.
  public static func read(stateDir: String) throws(JournalError) -> Journal {
    let path = stateDir + "/" + fileName
    guard exists(stateDir: stateDir) else { return try Journal.readFile(stateDir: stateDir) }
    let store: LedgerStore
    do {
      store = LedgerStore(path: path, db: try openForReading(path))
    } catch { throw JournalError(message: "cannot open the ledger \(path): \(error.message)") }
    // A ledger created by an apply that was killed before its first commit has no schema yet; a file that does
    // not read as a database is an error, never an empty ledger.
    let version = try store.schemaVersion()
    if version == 0 { return try Journal.readFile(stateDir: stateDir) }
    if version > LedgerSchema.version {
      throw JournalError(
        message: "\(path) has ledger schema version \(version), newer than this Accrue understands (\(LedgerSchema.version)); use a newer Accrue")
    }
    if try store.meta("journal_migrated") == nil, FileManager.default.fileExists(atPath: stateDir + "/" + Journal.fileName) {
      return try Journal.readFile(stateDir: stateDir)
    }
    var j = try store.history()
    j.source = path
    return j
  }

  /// A connection that only reads (`query_only`). It is opened for writing when the file allows it: after an
  /// apply was killed, SQLite must first recover the write-ahead log it left (its committed runs are in it), which
  /// a read-only connection cannot do; on a read-only file or folder it is opened read-only.
  static func openForReading(_ path: String) throws(SQLiteError) -> Database {
    let db: Database
    if let rw = try? Database(path: path, create: false, readOnly: false) {
      db = rw
    } else {
      db = try Database(path: path, create: false, readOnly: true)
    }
    try db.execute("PRAGMA query_only = 1")
    return db
  }

  func schemaVersion() throws(JournalError) -> Int {
    do {
      guard try db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").isEmpty == false else { return 0 }
      return Int(try db.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.text ?? "0") ?? 0
    } catch {
      throw JournalError(
        message: "\(path) does not read as a ledger (\(error.message)). Accrue will not guess what it recorded: restore the state "
          + "folder from a backup")
    }
  }

  func meta(_ key: String) throws(JournalError) -> String? {
    do { return try db.query("SELECT value FROM meta WHERE key = ?1", [.text(key)]).first?.first?.text } catch {
      throw JournalError(message: "cannot read \(path): \(error.message)")
    }
  }

  /// Moves the runs of `journal.log` into the ledger (once), then renames the file.
  func migrateJournalFile(stateDir: String) throws(JournalError) {
    let journalPath = stateDir + "/" + Journal.fileName
    guard FileManager.default.fileExists(atPath: journalPath) else { return }
    if try meta("journal_migrated") == nil {
      let journal = try Journal.readFile(stateDir: stateDir)
      if try lastRun() != 0 {
        throw JournalError(
          message: "\(stateDir) holds both a ledger with runs and a journal file (\(Journal.fileName)) it never migrated: a run was "
            + "recorded by an Accrue older than the ledger after a newer one made it. Move the one that is not current out of the folder")
      }
      do {
        try db.transaction {
          for run in journal.runs {
            try write(LedgerRecord(run: run.number, asOf: run.asOf, folder: run.folder, items: run.items, recordedAt: "migrated"))
          }
          try db.run(
            "INSERT INTO meta (key, value) VALUES ('journal_migrated', ?1)",
            [.text("\(journal.runs.count) runs from \(Journal.fileName)")])
        }
      } catch let e as JournalError { throw e } catch let e as SQLiteError {
        throw JournalError(message: "cannot migrate \(journalPath) into the ledger: \(e.message)")
      } catch { throw JournalError(message: "cannot migrate \(journalPath) into the ledger: \(error)") }
    }
    guard rename(journalPath, journalPath + ".migrated") == 0 else {
      throw JournalError(message: "cannot rename \(journalPath): \(String(cString: strerror(errno)))")
    }
  }

  /// The number of the last recorded run (0: none).
  public func lastRun() throws(JournalError) -> Int {
    do { return Int(try db.query("SELECT coalesce(max(run), 0) FROM runs").first?.first?.integer ?? 0) } catch {
      throw JournalError(message: "cannot read \(path): \(error.message)")
    }
  }

  /// Records a run in one transaction. `expectedLast` is the last run the apply read: another writer's run in
  /// between (which the state folder's lock should have prevented) fails the record instead of interleaving.
  /// `fault` is called where a crash test may stop the process (inside the transaction, before its commit).
  public func record(_ r: LedgerRecord, expectedLast: Int, fault: ((String) -> Void)? = nil) throws(JournalError) {
    try stage(r, expectedLast: expectedLast, fault: fault)
    try commitStaged()
  }

  /// Writes a run's rows in a transaction left open: nothing is recorded until `commitStaged` (a crash, or
  /// `rollBackStaged`, leaves the ledger as it was). Fails, with nothing left open, when the ledger moved on
  /// (see `record`) or would not balance after the run (`verify`).
  public func stage(_ r: LedgerRecord, expectedLast: Int, fault: ((String) -> Void)? = nil) throws(JournalError) {
    do {
      try db.execute("BEGIN IMMEDIATE")
      do {
        let last = try lastRun()
        if last != expectedLast {
          throw JournalError(message: "the ledger \(path) changed while this apply ran (run \(last) was recorded meanwhile); apply again")
        }
        fault?("began the ledger transaction")
        try write(r)
        let broken = try breaches(run: RunScope(r))
        if !broken.isEmpty {
          throw JournalError(message: "the ledger would not balance after this run, so it was not recorded: " + broken.joined(separator: "; "))
        }
        fault?("wrote the run into the ledger")
      } catch {
        try? db.execute("ROLLBACK")
        throw error
      }
    } catch let e as JournalError { throw e } catch let e as SQLiteError {
      throw JournalError(message: e.isBusy ? "another 'accrue apply' is writing the ledger \(path); wait for it to finish" : "cannot record the run in \(path): \(e.message)")
    } catch { throw JournalError(message: "cannot record the run in \(path): \(error)") }
  }

  /// Commits the run `stage` wrote: from here on it is recorded.
  public func commitStaged() throws(JournalError) {
    do { try db.execute("COMMIT") } catch {
      try? db.execute("ROLLBACK")
      throw JournalError(message: "cannot record the run in \(path): \(error.message)")
    }
  }

  /// Drops the run `stage` wrote.
  public func rollBackStaged() { try? db.execute("ROLLBACK") }
}

/// What a run's checks look at (`breaches`), taken from its record: the keys of its matches (payments, returns,
/// payouts), their customers, and the numbering sequences its documents and credit notes drew from. (Found again
/// through `items` they cost three lookups per item of the run.)
struct RunScope {
  var run: Int
  var payments: [String] = []
  var customers: [String] = []
  var sequences: [String] = []

  init(_ r: LedgerRecord) {
    run = r.run
    for i in r.items where i.kind == .match {
      payments.append(i.key)
      customers.append(i.customer)
    }
    // (Every number the run gives is its documents' or credit notes'.)
    var scopes = Set(r.numbers.map(\.scope))
    for n in r.creditNotes { if let s = n.scope { scopes.insert(s) } }
    sequences = scopes.sorted()
  }
}
