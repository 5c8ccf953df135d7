import AccrueCore
import AccrueModel

extension Journal {
  /// The books as they stood on `day`: the runs (applies and decisions) dated on or before it, their documents and
  /// fees (a fee billed by a document of a later run is unbilled again). `plan` at an earlier date than the
  /// ledger's last run shows what that date's run would have produced then, not what later runs issued meanwhile.
  /// The numbering sequences stay the ledger's (a dry run's numbers are provisional).
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
    return j
  }
}
