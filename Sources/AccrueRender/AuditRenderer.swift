import AccrueCore
import AccrueModel

/// `accrue audit`: people's decisions as the ledger records them, oldest first (docs/decisions.md, "Audit trail").
public enum AuditRenderer {
  /// The decisions of `journal`, those about `customer` (nil: all) recorded by runs dated on or after `since`.
  public static func entries(_ journal: Journal, customer: String?, since: CivilDate?) -> [(run: JournalRun, decision: Decision)] {
    journal.decisions.filter { e in
      (customer.map { e.decision.customer == $0 } ?? true) && (since.map { e.run.asOf >= $0 } ?? true)
    }
  }

  public static func text(_ entries: [(run: JournalRun, decision: Decision)], ledger: String) -> String {
    var out = "Audit trail of \(ledger): \(entries.count) decision\(entries.count == 1 ? "" : "s")\n"
    for (run, d) in entries {
      out += "\n\(run.asOf)  decision \(run.number)  \(d.kind.rawValue)  \(d.subject)"
      out += d.customer.isEmpty ? "" : "  customer \(d.customer)"
      out += "\n    by \(d.by)" + (run.recordedAt.isEmpty ? "" : ", recorded \(run.recordedAt)") + "\n"
      out += "    what: \(d.summary)\n"
      if !d.note.isEmpty { out += "    why: \(d.note)\n" }
      if !d.askedBy.isEmpty { out += "    asked by: \(d.askedBy)\n" }
      // An approval or rejection names the request it decided (a lapsed one and the one in force read alike else).
      if let act = run.approvalAct { out += "    request: \(act.request)\n" }
    }
    return out
  }

  public static func json(_ entries: [(run: JournalRun, decision: Decision)]) -> JSON {
    .array(
      entries.map { run, d in
        .object([
          ("run", .int(run.number)), ("as_of", .string(run.asOf.description)), ("recorded_at", .string(run.recordedAt)),
          ("kind", .string(d.kind.rawValue)), ("subject", .string(d.subject)), ("customer", .string(d.customer)), ("by", .string(d.by)),
          ("what", .string(d.summary)), ("why", .string(d.note)), ("asked_by", .string(d.askedBy)),
          ("request", run.approvalAct.map { .string($0.request) } ?? .null),
        ])
      })
  }
}
