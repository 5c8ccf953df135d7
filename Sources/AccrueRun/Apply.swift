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
  /// Writes `files` into a new run folder under `outDir` and records `record` in the ledger of `stateDir`.
  ///
  /// Order: files go into `outDir/.tmp-FOLDER` (each fsynced), the folder is renamed to `outDir/FOLDER` and
  /// `outDir` fsynced, then the ledger records the run in one transaction. A crash before the commit leaves no
  /// trace in the ledger, so the next apply produces the same items again (same keys, same run number and
  /// numbers) and replaces the leftover folder; a crash after it leaves everything recorded. `journal` is what
  /// the run read from the ledger: a run recorded meanwhile fails this one. Returns the folder name, or nil when
  /// there is nothing new (then nothing is written). `fault` is called at each point a crash test may stop the
  /// process.
  public static func commit(
    stateDir: String, outDir: String, journal: Journal, record: LedgerRecord, files: [(name: String, bytes: [UInt8])],
    fault: ((String) -> Void)? = nil
  ) throws(JournalError) -> String? {
    if record.items.isEmpty { return nil }
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
    // Whose folders these are: the out folder and every run folder carry the state's id, and only folders of
    // this state that its ledger does not list (a crash before their commit) are ever removed.
    let owner = try Ownership.claim(stateDir: stateDir, outDir: outDir, journal: journal)
    for name in owner.leftovers {
      do { try fm.removeItem(atPath: outDir + "/" + name) } catch {
        throw JournalError(message: "cannot remove the unrecorded folder \(outDir)/\(name): \(error.localizedDescription)")
      }
    }
    let tmp = outDir + "/.tmp-" + folder
    do { try fm.createDirectory(atPath: tmp, withIntermediateDirectories: false) } catch {
      throw JournalError(message: "cannot create \(tmp): \(error.localizedDescription)")
    }
    try DurableFS.replaceSynced(tmp + "/" + Ownership.runMarker, Array("\(owner.id) \(run)\n".utf8))
    fault?("created the temporary folder")
    for f in files {
      try DurableFS.writeSynced(tmp + "/" + f.name, f.bytes)
      fault?("wrote \(f.name)")
    }
    DurableFS.syncDirectory(tmp)
    fault?("synced the temporary folder")
    let final = outDir + "/" + folder
    if fm.fileExists(atPath: final) {
      // Not this state's leftover (those were removed above): never touched.
      throw JournalError(
        message: "\(final) exists and was not written by this state folder's runs; move it away (Accrue never deletes "
          + "what it did not write), or give another --out")
    }
    guard rename(tmp, final) == 0 else { throw JournalError(message: "cannot rename \(tmp): \(String(cString: strerror(errno)))") }
    fault?("renamed")
    DurableFS.syncDirectory(outDir)
    fault?("synced the output folder")
    var r = record
    r.run = run
    r.folder = folder
    try store.record(r, expectedLast: last, fault: fault)
    fault?("committed")
    return folder
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
  public func recording(_ journal: Journal, plan: ExecutablePlan, asOf: CivilDate, ledgerPath: String = "ledger.sqlite") -> (Dataset, [DataIssue]) {
    var d = self
    d.issuedKeys.formUnion(journal.invoiceKeys)
    let dates = Dictionary(journal.runs.map { ($0.number, $0.asOf) }, uniquingKeysWith: { a, _ in a })
    let before = journal.receivables.filter { (dates[$0.run] ?? asOf) < asOf }
    let issues = d.addReceivables(before, ledgerPath: ledgerPath, custom: Dataset.invoiceCustomDefaults(plan))
    d.recordJournalPayments(journal.items)
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
