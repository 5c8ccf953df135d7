import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Recording a run's outputs and journal entries so that it counts whole or not at all.
public enum Apply {
  /// Writes `files` into a new run folder under `outDir` and records `items` in the journal of `stateDir`.
  ///
  /// Order: files go into `outDir/.tmp-FOLDER` (each fsynced), the folder is renamed to `outDir/FOLDER` and
  /// `outDir` fsynced, then the journal gets the items and a commit line in one fsynced append. A crash before
  /// the commit leaves no journal entry, so the next apply produces the same items again (same keys, same run
  /// number) and replaces the leftover folder; a crash after it leaves everything recorded. Returns the folder
  /// name, or nil when there is nothing new (then nothing is written). `fault` is called at each point a crash
  /// test may stop the process.
  public static func commit(
    stateDir: String, outDir: String, asOf: CivilDate, journal: Journal, items: [JournalItem], files: [(name: String, bytes: [UInt8])],
    fault: ((String) -> Void)? = nil
  ) throws(JournalError) -> String? {
    if items.isEmpty { return nil }
    let fm = FileManager.default
    do {
      try fm.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
      try fm.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    } catch {
      throw JournalError(message: "cannot create the state or output folder: \(error.localizedDescription)")
    }
    let run = (journal.runs.last?.number ?? 0) + 1
    let number = String(run)
    let folder = "run-" + String(repeating: "0", count: max(0, 4 - number.count)) + number + "-\(asOf)"
    // Whose folders these are: the out folder and every run folder carry the state's id, and only folders of
    // this state that its journal does not list (a crash before their commit) are ever removed.
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
    try DurableFS.writeSynced(tmp + "/" + Ownership.runMarker, Array("\(owner.id) \(run)\n".utf8))
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
    let path = stateDir + "/" + Journal.fileName
    try DurableFS.append(path, validLength: journal.validLength, Journal.encode(run: run, asOf: asOf, folder: folder, items: items), fault: fault)
    fault?("appended to the journal")
    DurableFS.syncDirectory(stateDir)
    fault?("committed")
    return folder
  }
}

/// Holds the state folder's lock (`journal.lock`, flock) so that two applies never run at once.
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
    let path = stateDir + "/journal.lock"
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
  /// The data with what the journal records as produced: its invoices count as issued.
  public func recording(_ journal: Journal) -> Dataset {
    var d = self
    d.issuedKeys.formUnion(journal.invoiceKeys)
    d.recordJournalPayments(journal.items)
    return d
  }
}
