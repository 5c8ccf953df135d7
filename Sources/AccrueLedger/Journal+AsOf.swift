import AccrueCore
import AccrueModel

extension Journal {
  /// The books as they stood on `day`: the runs (applies and decisions) dated on or before it, their documents and
  /// fees (a fee billed by a document of a later run is unbilled again). `plan` at an earlier date than the
  /// ledger's last run shows what that date's run would have produced then, not what later runs issued meanwhile.
  /// The numbering sequences are those of the runs kept (the last number each had drawn by then), so a dry run's
  /// provisional numbers are the ones that date's run would have given.
  public func asOf(_ day: CivilDate) -> Journal {
    guard runs.contains(where: { $0.asOf > day }) else { return self }
    var j = self
    j.runs = runs.filter { $0.asOf <= day }
    let kept = Set(j.runs.map(\.number))
    j.receivables = receivables.filter { kept.contains($0.run) }
    let documents = Set(j.receivables.map(\.key))
    j.fees = fees.filter { kept.contains($0.run) }.map { f in
      var f = f
      if let d = f.billedOn, !documents.contains(d) { f.billedOn = nil }
      return f
    }
    if let last = j.runs.last?.number, let sequences = try? Self.sequences(through: last, ledgerPath: source.isEmpty ? LedgerStore.fileName : source) {
      j.sequences = sequences
    } else if j.runs.isEmpty {
      j.sequences = [:]
    }
    return j
  }

  /// The last number of each sequence drawn by runs up to `run` (documents and credit notes), read from the ledger.
  static func sequences(through run: Int, ledgerPath: String) throws -> [String: Int] {
    let db = try LedgerStore.openForReading(ledgerPath)
    var out: [String: Int] = [:]
    let q = """
      SELECT d.sequence_scope, max(d.sequence) FROM documents d JOIN items i ON i.key = d.key
      WHERE d.sequence_scope IS NOT NULL AND i.run <= ?1 GROUP BY d.sequence_scope
      """
    for r in try db.query(q, [.integer(Int64(run))]) { out[r[0].text ?? ""] = Int(r[1].integer ?? 0) }
    if try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'credit_notes'").isEmpty {
      let c = "SELECT sequence_scope, max(sequence) FROM credit_notes WHERE sequence_scope IS NOT NULL AND run <= ?1 GROUP BY sequence_scope"
      for r in try db.query(c, [.integer(Int64(run))]) { out[r[0].text ?? ""] = Int(r[1].integer ?? 0) }
    }
    return out
  }
}
