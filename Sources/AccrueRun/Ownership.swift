import AccrueLedger
import AccrueModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Which state folder an output folder's runs belong to. A state folder has an id (`STATE/state-id`, made on its
/// first apply); its out folder says whose it is (`OUT/.accrue-out`) and each run folder whose run it is
/// (`.accrue-run`: the id and the run number). `apply` removes only this state's run folders its ledger does not
/// list (a crash before their commit), never anything else, and refuses an out folder of another state or a
/// ledger that has lost runs.
struct Ownership {
  static let stateFile = "state-id"
  static let outMarker = ".accrue-out"
  static let runMarker = ".accrue-run"

  /// The state's id.
  var id: String
  /// Folders of this state under the out folder that no committed run lists, to remove before the run.
  var leftovers: [String]

  /// Checks that `outDir` belongs to `stateDir` (marking both when they are new), and finds this state's leftovers.
  static func claim(stateDir: String, outDir: String, journal: Journal) throws(JournalError) -> Ownership {
    let fm = FileManager.default
    let idPath = stateDir + "/" + stateFile
    var id = (fm.contents(atPath: idPath).map { String(decoding: $0, as: UTF8.self) } ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    if id.isEmpty {
      id = UUID().uuidString.lowercased()
      try DurableFS.replaceSynced(idPath, Array((id + "\n").utf8))
      DurableFS.syncDirectory(stateDir)
    }
    let outPath = outDir + "/" + outMarker
    // An empty mark (written by an older version, killed as it wrote) marks nothing.
    let owner = fm.contents(atPath: outPath).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
      .flatMap { $0.isEmpty ? nil : $0 }
    if let owner, owner != id {
      throw JournalError(
        message: "\(outDir) holds the runs of another state folder (state id \(owner), not \(id) of \(stateDir)); "
          + "give that state folder's --out, or a new --out for this one")
    }
    // This state's runs on disk, and the ledger's.
    let committed = Set(journal.runs.map(\.folder))
    let last = journal.runs.last?.number ?? 0
    var unlisted: [(name: String, run: Int)] = []
    var leftovers: [String] = []
    for name in ((try? fm.contentsOfDirectory(atPath: outDir)) ?? []).sorted() {
      let isTemp = name.hasPrefix(".tmp-run-")
      guard isTemp || name.hasPrefix("run-"), !committed.contains(name) else { continue }
      // Only a folder carrying this state's mark is this state's; anything else is left alone. A temporary run
      // folder without its mark yet in an out folder marked as this state's was made by this state's apply,
      // killed before it wrote the mark (the out folder is marked before any run folder is made).
      guard let mark = fm.contents(atPath: outDir + "/" + name + "/" + runMarker) else {
        if isTemp && owner == id { leftovers.append(name) }
        continue
      }
      let parts = String(decoding: mark, as: UTF8.self).split(separator: " ")
      if parts.first.map(String.init) != id {
        throw JournalError(
          message: "\(outDir)/\(name) is a run of another state folder (state id \(parts.first ?? "?")); give that state "
            + "folder's --out, or a new --out for this one")
      }
      let run = parts.count > 1 ? Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 : 0
      if !isTemp { unlisted.append((name, run)) }
      leftovers.append(name)
    }
    // A crash leaves at most one unrecorded run, the next one. More, or older ones, mean the ledger lost runs
    // it had recorded: producing them again would duplicate what was sent.
    if unlisted.count > 1 || unlisted.contains(where: { $0.run <= last }) {
      throw JournalError(
        message: "\(outDir) holds runs of this state that its ledger does not list (\(unlisted.map(\.name).joined(separator: ", "))): "
          + "the ledger \(stateDir)/\(LedgerStore.fileName) has lost runs it recorded. Restore it from a backup; if those runs' "
          + "files were never sent, move them out of \(outDir) and apply again")
    }
    if owner == nil {
      try DurableFS.replaceSynced(outPath, Array((id + "\n").utf8))
      DurableFS.syncDirectory(outDir)
    }
    return Ownership(id: id, leftovers: leftovers)
  }
}
