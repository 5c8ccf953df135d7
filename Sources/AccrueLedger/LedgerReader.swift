import AccrueCore
import AccrueModel
import AccrueSQLite
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The ledger of a state folder opened for reading only, for the commands that report on the books (`accrue
/// ledger export`, `accrue ledger show`). It never writes to the state folder: the database is opened read-only
/// and, when no apply left a write-ahead log behind, as immutable (so SQLite creates no `-wal` or `-shm` file
/// beside it). While it is open it holds a shared lock on `STATE/apply.lock`, so no apply records a run in the
/// middle of a read: an apply started meanwhile fails at once and says so, and one already running makes the
/// open fail with a message to wait for it.
public final class LedgerReader {
  /// The ledger file's path.
  public let path: String
  let db: Database
  private let lockFD: Int32

  init(path: String, db: Database, lockFD: Int32) {
    self.path = path
    self.db = db
    self.lockFD = lockFD
  }

  deinit {
    if lockFD >= 0 {
      _ = flock(lockFD, LOCK_UN)
      close(lockFD)
    }
  }

  /// The schema version of the file (`meta.schema_version`).
  public internal(set) var schemaVersion = 0

  /// The last run recorded (0: none) and its as-of date.
  public func lastRun() throws(JournalError) -> (run: Int, asOf: CivilDate?) {
    let rows = try query("SELECT run, as_of FROM runs ORDER BY run DESC LIMIT 1")
    guard let r = rows.first else { return (0, nil) }
    return (Int(r[0].integer ?? 0), r[1].text.flatMap(CivilDate.parse))
  }

  /// Runs one query, its error said in the ledger's terms.
  func query(_ sql: String, _ values: [SQLValue] = []) throws(JournalError) -> [[SQLValue]] {
    do { return try db.query(sql, values) } catch { throw JournalError(message: "cannot read the ledger \(path): \(error.message)") }
  }

  /// Reads everything `body` needs in one read transaction: one consistent picture of the books.
  func snapshot<T>(_ body: () throws(JournalError) -> T) throws(JournalError) -> T {
    do { try db.execute("BEGIN") } catch { throw JournalError(message: "cannot read the ledger \(path): \(error.message)") }
    defer { try? db.execute("COMMIT") }
    return try body()
  }
}

extension LedgerStore {
  /// Opens the ledger of `stateDir` for reading only. Fails with a message that says what to do when the folder
  /// is missing, holds no ledger (or only the journal file of an Accrue older than the ledger, which the next
  /// `accrue apply` migrates), was written by a newer Accrue, or is being written by an apply right now.
  public static func openForReading(stateDir: String) throws(JournalError) -> LedgerReader {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: stateDir, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw JournalError(message: "no state folder at \(stateDir): give the --state folder that 'accrue apply' records its runs in")
    }
    let path = stateDir + "/" + fileName
    let journal = FileManager.default.fileExists(atPath: stateDir + "/" + Journal.fileName)
    guard exists(stateDir: stateDir) else { throw noLedger(stateDir, journal: journal) }
    let lockFD = try sharedLock(stateDir)
    let reader: LedgerReader
    do {
      reader = LedgerReader(path: path, db: try openDatabase(path), lockFD: lockFD)
    } catch {
      if lockFD >= 0 { close(lockFD) }
      throw JournalError(message: "cannot open the ledger \(path): \(error.message)")
    }
    // A ledger created by an apply that was stopped before its first commit has no schema yet.
    let hasMeta = try !reader.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").isEmpty
    let version = hasMeta ? Int(try reader.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.text ?? "0") ?? 0 : 0
    if version == 0 { throw noLedger(stateDir, journal: journal) }
    if version > LedgerSchema.version {
      throw JournalError(
        message: "\(path) has ledger schema version \(version), newer than this Accrue understands (\(LedgerSchema.version)); use a newer Accrue")
    }
    if journal, try reader.query("SELECT value FROM meta WHERE key = 'journal_migrated'").isEmpty {
      throw noLedger(stateDir, journal: true)
    }
    reader.schemaVersion = version
    return reader
  }

  /// Why a state folder has no ledger to read, and what to do.
  static func noLedger(_ stateDir: String, journal: Bool) -> JournalError {
    if journal {
      return JournalError(
        message: "\(stateDir) holds \(Journal.fileName), the record of an Accrue older than the ledger: the next 'accrue apply --state "
          + "\(stateDir)' migrates it into \(fileName); run this command again after it")
    }
    return JournalError(
      message: "\(stateDir) has no ledger (\(fileName)) yet: 'accrue apply --state \(stateDir)' records its runs there; run this command after one")
  }

  /// A shared lock on `apply.lock` (opened read-only, never created): -1 when the folder has no lock file (no apply
  /// ran there since the ledger came).
  static func sharedLock(_ stateDir: String) throws(JournalError) -> Int32 {
    let fd = openReadOnly(stateDir + "/apply.lock")
    guard fd >= 0 else { return -1 }
    guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
      close(fd)
      throw JournalError(message: "an 'accrue apply' is recording a run in \(stateDir) right now; run this command again when it has finished")
    }
    return fd
  }

  /// The database, read-only. Without a write-ahead log left by an apply that stopped, it is opened immutable:
  /// SQLite then creates no `-wal` or `-shm` file in the state folder. With one, it is read through that log (a
  /// run it committed is in it), as SQLite reads any database in WAL mode.
  static func openDatabase(_ path: String) throws(SQLiteError) -> Database {
    let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
    if wal == 0 {
      let uri = "file:" + uriEscaped(path) + "?mode=ro&immutable=1"
      // A SQLite built without URI support reads 'file:...' as a file name that does not exist: then as below.
      if let db = try? Database(path: uri, create: false, readOnly: true), (try? db.query("SELECT count(*) FROM sqlite_master")) != nil {
        return db
      }
    }
    return try LedgerStore.openForReading(path)
  }

  /// A path as the path part of a `file:` URI: '%', '?' and '#' escaped.
  static func uriEscaped(_ path: String) -> String {
    var out = ""
    for c in path.unicodeScalars {
      switch c {
      case "%": out += "%25"
      case "?": out += "%3f"
      case "#": out += "%23"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }
}

/// Opens a file for reading only (never creating it): its descriptor, or -1.
private func openReadOnly(_ path: String) -> Int32 { open(path, O_RDONLY) }
