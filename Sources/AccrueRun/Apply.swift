import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Recording a run's outputs and ledger entries so that it counts whole or not at all.
public enum Apply {
  /// What a run writes into its folder: the files' names, in order, and how to write each a piece at a time.
  public struct Files: Sendable {
    public var names: [String]
    public var write: @Sendable (String, (String) -> Void) -> Void

    public init(names: [String], write: @escaping @Sendable (String, (String) -> Void) -> Void) {
      self.names = names
      self.write = write
    }

    /// Files already in memory.
    public init(_ files: [(name: String, bytes: [UInt8])]) {
      let byName = Dictionary(files.map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a })
      self.init(names: files.map(\.name)) { name, out in out(String(decoding: byName[name] ?? [], as: UTF8.self)) }
    }
  }

  /// Writes `files` into a new run folder under `outDir` and records `record` in the ledger of `stateDir`.
  ///
  /// Order: files go into `outDir/.tmp-FOLDER` (each fsynced) while the ledger writes the run's rows in a
  /// transaction it does not commit yet; the folder is renamed to `outDir/FOLDER` and `outDir` fsynced; then the
  /// transaction commits. A crash before the commit leaves no trace in the ledger, so the next apply produces the
  /// same items again (same keys, same run number and numbers) and replaces the leftover folder; a crash after it
  /// leaves everything recorded. `journal` is what the run read from the ledger: a run recorded meanwhile fails
  /// this one. Returns the folder name, or nil when there is nothing new (then nothing is written). `fault` is
  /// called at each point a crash test may stop the process (the steps then run one after the other).
  public static func commit(
    stateDir: String, outDir: String, journal: Journal, record: LedgerRecord, files: Files, fault: ((String) -> Void)? = nil,
    clock: StepClock? = nil
  ) throws(JournalError) -> String? {
    // A run that only puts documents up for approval, or only asks a next step or an escalation, or only recognizes
    // revenue, is recorded too (its requests, notices and journal entries, once).
    if record.items.isEmpty && record.approvalRequests.isEmpty && record.approvalNotices == 0 && record.journalEntries.isEmpty { return nil }
    let fm = FileManager.default
    do {
      try fm.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
      try fm.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    } catch {
      throw JournalError(message: "cannot create the state or output folder: \(error.localizedDescription)")
    }
    let store = try LedgerStore.open(stateDir: stateDir)
    let last = journal.runs.last?.number ?? 0
    let run = last + 1
    let number = String(run)
    let folder = "run-" + String(repeating: "0", count: max(0, 4 - number.count)) + number + "-\(record.asOf)"
    var r = record
    r.run = run
    r.folder = folder
    // Whose folders these are: the out folder and every run folder carry the state's id, and only folders of
    // this state that its ledger does not list (a crash before their commit) are ever removed.
    let owner = try Ownership.claim(stateDir: stateDir, outDir: outDir, journal: journal)
    for name in owner.leftovers { try removeLeftover(name, in: outDir) }
    let tmp = outDir + "/.tmp-" + folder
    do { try fm.createDirectory(atPath: tmp, withIntermediateDirectories: false) } catch {
      throw JournalError(message: "cannot create \(tmp): \(error.localizedDescription)")
    }
    try DurableFS.replaceSynced(tmp + "/" + Ownership.runMarker, Array("\(owner.id) \(run)\n".utf8))
    fault?("created the temporary folder")
    if let fault {
      for name in files.names {
        try DurableFS.writeSynced(tmp + "/" + name) { files.write(name, $0) }
        fault("wrote \(name)")
      }
    } else {
      try writeAndStage(files, into: tmp, store: store, record: r, expectedLast: last, clock: clock)
    }
    DurableFS.syncDirectory(tmp)
    fault?("synced the temporary folder")
    let final = outDir + "/" + folder
    if fm.fileExists(atPath: final) {
      if fault == nil { store.rollBackStaged() }
      // Not this state's leftover (those were removed above): never touched.
      throw JournalError(
        message: "\(final) exists and was not written by this state folder's runs; move it away (Accrue never deletes "
          + "what it did not write), or give another --out")
    }
    guard rename(tmp, final) == 0 else {
      if fault == nil { store.rollBackStaged() }
      throw JournalError(message: "cannot rename \(tmp): \(String(cString: strerror(errno)))")
    }
    fault?("renamed")
    DurableFS.syncDirectory(outDir)
    fault?("synced the output folder")
    clock?.mark("renamed")
    if fault != nil { try store.stage(r, expectedLast: last, fault: fault) }
    try store.commitStaged()
    fault?("committed")
    clock?.mark("committed")
    return folder
  }

  /// Removes a run folder no committed run lists, so that a crash in the middle leaves nothing that looks like a
  /// run: a `run-*` folder is first renamed to a `.tmp-run-removing-*` one (a temporary folder of this state's out
  /// folder, a leftover whatever it still holds), then removed.
  static func removeLeftover(_ name: String, in outDir: String) throws(JournalError) {
    let fm = FileManager.default
    var path = outDir + "/" + name
    if !name.hasPrefix(".tmp-run-") {
      let doomed = outDir + "/.tmp-run-removing-" + name
      if fm.fileExists(atPath: doomed) {
        do { try fm.removeItem(atPath: doomed) } catch {
          throw JournalError(message: "cannot remove the unrecorded folder \(doomed): \(error.localizedDescription)")
        }
      }
      guard rename(path, doomed) == 0 else {
        throw JournalError(message: "cannot move the unrecorded folder \(path) away: \(String(cString: strerror(errno)))")
      }
      DurableFS.syncDirectory(outDir)
      path = doomed
    }
    do { try fm.removeItem(atPath: path) } catch {
      throw JournalError(message: "cannot remove the unrecorded folder \(path): \(error.localizedDescription)")
    }
  }

  /// Writes the files (two at a time) while the ledger stages the run's rows, each on a thread of its own: the
  /// ledger's work costs no wall time beside the files'. On any failure nothing is left staged or half written.
  /// (The files' threads at a lower priority gave the ledger a core on a quiet machine but starved under load.)
  static func writeAndStage(
    _ files: Files, into tmp: String, store: LedgerStore, record: LedgerRecord, expectedLast: Int, clock: StepClock? = nil
  ) throws(JournalError) {
    let failures = Failures()
    // The JSON files are the heavy ones: one of them to each writer first.
    let names = files.names.filter { $0.hasSuffix(".json") } + files.names.filter { !$0.hasSuffix(".json") }
    let done = DispatchSemaphore(value: 0)
    for k in 1...2 {
      let t = Thread {
        do throws(JournalError) {
          for (i, name) in names.enumerated() where i % 2 == k - 1 {
            try DurableFS.writeSynced(tmp + "/" + name) { files.write(name, $0) }
            clock?.mark(name)
          }
        } catch { failures.add(k, error) }
        done.signal()
      }
      t.stackSize = 8 << 20
      t.start()
    }
    do throws(JournalError) {
      try store.stage(record, expectedLast: expectedLast)
      clock?.mark("ledger staged")
    } catch { failures.add(0, error) }
    done.wait()
    done.wait()
    guard let (k, error) = failures.first else { return }
    if k != 0 { store.rollBackStaged() }
    throw error
  }
}

/// When each step of an apply ended (`apply --stats`), in milliseconds from the clock's start; steps on other
/// threads are marked as they end.
public final class StepClock: @unchecked Sendable {
  private let lock = NSLock()
  private let start = DispatchTime.now().uptimeNanoseconds
  private var list: [(label: String, ms: Int)] = []

  public init() {}

  /// Records that `label` just ended.
  public func mark(_ label: String) {
    lock.lock()
    list.append((label, Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)))
    lock.unlock()
  }

  /// The steps in the order they ended: "label at N ms".
  public var marks: [(label: String, ms: Int)] {
    lock.lock()
    defer { lock.unlock() }
    return list
  }
}

/// The first failure of several threads (by their number), kept under a lock.
final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [(Int, JournalError)] = []

  func add(_ k: Int, _ e: JournalError) {
    lock.lock()
    list.append((k, e))
    lock.unlock()
  }

  var first: (Int, JournalError)? {
    lock.lock()
    defer { lock.unlock() }
    return list.min { $0.0 < $1.0 }
  }
}

/// Holds the state folder's lock (`apply.lock`, flock) so that two applies never run at once.
public final class StateLock {
  private let fd: Int32

  private init(fd: Int32) { self.fd = fd }

  deinit {
    _ = flock(fd, LOCK_UN)
    close(fd)
  }

  /// Takes the lock, creating the state folder if needed; fails at once when another apply holds it.
  public static func acquire(stateDir: String) throws(JournalError) -> StateLock {
    do { try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true) } catch {
      throw JournalError(message: "cannot create \(stateDir): \(error.localizedDescription)")
    }
    let path = stateDir + "/apply.lock"
    let fd = open(path, O_RDWR | O_CREAT, 0o644)
    guard fd >= 0 else { throw JournalError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw JournalError(message: "another 'accrue apply' is using \(stateDir); wait for it to finish")
    }
    return StateLock(fd: fd)
  }
}

extension Dataset {
  /// The data with what the ledger records: its invoices count as issued, the documents of runs dated before
  /// `asOf` are open receivables (beside the invoices file's), and the cash it applied counts as paid. A run sees
  /// the books as they stood before it: what a run issued is dunned and matched from the next date's run on, so
  /// applying again for the same date produces nothing new. Issues: invoices file rows that contradict the
  /// ledger, documents of customers no longer in the data.
  public func recording(_ journal: Journal, plan: ExecutablePlan, asOf: CivilDate) -> (Dataset, [DataIssue]) {
    let ledgerPath = journal.source.isEmpty ? LedgerStore.fileName : journal.source
    var d = self
    d.issuedKeys.formUnion(journal.invoiceKeys)
    let dates = Dictionary(journal.runs.map { ($0.number, $0.asOf) }, uniquingKeysWith: { a, _ in a })
    let before = journal.receivables.filter { (dates[$0.run] ?? asOf) < asOf }
    let issues = d.addReceivables(before, ledgerPath: ledgerPath, custom: Dataset.invoiceCustomDefaults(plan))
    d.recordJournal(journal.cashEvents)
    d.recordHolds(journal, asOf: asOf)
    d.recordWaitingReviews(journal)
    // Interest already charged: through the day of the run that charged it, on each invoice its reminder covered.
    let covered = Dictionary(journal.sentReminders.map { ($0.key, $0.invoices) }, uniquingKeysWith: { a, _ in a })
    for f in journal.fees where f.kind == .interest {
      for id in covered[f.reminder] ?? [f.invoice] where (d.collections.interestChargedThrough[id] ?? f.date) <= f.date {
        d.collections.interestChargedThrough[id] = f.date
      }
    }
    return (d, issues)
  }
}
