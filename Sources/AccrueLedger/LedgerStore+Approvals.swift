import AccrueCore
import AccrueModel
import AccrueSQLite

/// Documents held for approval and people's approvals and rejections (schema version 5, docs/ledger.md).
extension LedgerStore {
  /// The run's approval requests with their routes, and what its decision did to a request.
  func writeApprovals(_ r: LedgerRecord) throws {
    if !r.approvalRequests.isEmpty {
      let request = try db.prepare(
        """
        INSERT INTO approval_requests (key, document, run, kind, as_of, customer, currency, total, issue_date, fingerprint, supersedes)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """)
      let route = try db.prepare(
        """
        INSERT INTO approval_routes (request, position, rule, label, source, chain, escalates_to, escalates_on)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """)
      for q in r.approvalRequests {
        try request.run([
          .text(q.key), .text(q.document), .integer(Int64(r.run)), .text(q.kind.rawValue), .text(r.asOf.description), .text(q.customer),
          .text(q.currency.code), .integer(try Self.minor(q.total, q.currency, "approval request \(q.key)")), .text(q.issueDate.description),
          .text(q.fingerprint), q.supersedes.map { .text($0) } ?? .null,
        ])
        for (k, x) in q.routes.enumerated() {
          try route.run([
            .text(q.key), .integer(Int64(k)), .text(x.rule), .text(x.label), .text(x.source), .text(JSONText.array(x.chain)),
            x.escalatesTo.map { .text($0) } ?? .null, x.escalatesOn.map { .text($0.description) } ?? .null,
          ])
        }
      }
    }
    guard let act = r.approvalAct else { return }
    try db.run("INSERT INTO approval_decisions (run, request, role) VALUES (?1, ?2, ?3)", [.integer(Int64(r.run)), .text(act.request), .text(act.role)])
    let step = try db.prepare("INSERT INTO approval_steps (run, rule, step, next_escalates_on) VALUES (?1, ?2, ?3, ?4)")
    for s in act.steps {
      try step.run([.integer(Int64(r.run)), .text(s.rule), .integer(Int64(s.step)), s.nextEscalatesOn.map { .text($0.description) } ?? .null])
    }
  }

  /// The approval requests by the run that asked, and the approval acts by their run (none before version 5).
  func approvals() throws -> (requests: [Int: [ApprovalRequest]], acts: [Int: ApprovalAct]) {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'approval_requests'").isEmpty else { return ([:], [:]) }
    var routes: [String: [ApprovalRoute]] = [:]
    for r in try db.query("SELECT request, rule, label, source, chain, escalates_to, escalates_on FROM approval_routes ORDER BY request, position") {
      guard let chain = JSONText.strings(r[4].text ?? "") else {
        throw JournalError(message: "\(path): approval request \(r[0].text ?? ""): its chain is not a JSON array of texts")
      }
      routes[r[0].text ?? "", default: []].append(
        ApprovalRoute(
          rule: r[1].text ?? "", label: r[2].text ?? "", source: r[3].text ?? "", chain: chain, escalatesTo: r[5].text,
          escalatesOn: try optionalDate(r[6], "approval_routes.escalates_on")))
    }
    var requests: [Int: [ApprovalRequest]] = [:]
    let q = """
      SELECT key, document, run, kind, as_of, customer, currency, total, issue_date, fingerprint, supersedes
      FROM approval_requests ORDER BY run, key
      """
    for r in try db.query(q) {
      let key = r[0].text ?? ""
      guard let c = Currency.lookup(r[6].text ?? ""), let kind = ApprovalRequest.Kind(rawValue: r[3].text ?? "") else {
        throw JournalError(message: "\(path): approval request \(key) has a currency or kind this Accrue does not know")
      }
      let run = Int(r[2].integer ?? 0)
      requests[run, default: []].append(
        ApprovalRequest(
          key: key, document: r[1].text ?? "", kind: kind, run: run, asOf: try requiredDate(r[4], "approval_requests.as_of"),
          customer: r[5].text ?? "", currency: c, total: Fixed(minorUnits: r[7].integer ?? 0, exponent: c.minorUnits),
          issueDate: try requiredDate(r[8], "approval_requests.issue_date"), fingerprint: r[9].text ?? "", routes: routes[key] ?? [],
          supersedes: r[10].text))
    }
    var steps: [Int: [ApprovalAct.Step]] = [:]
    for r in try db.query("SELECT run, rule, step, next_escalates_on FROM approval_steps ORDER BY run, rule") {
      steps[Int(r[0].integer ?? 0), default: []].append(
        ApprovalAct.Step(rule: r[1].text ?? "", step: Int(r[2].integer ?? 0), nextEscalatesOn: try optionalDate(r[3], "approval_steps.next_escalates_on")))
    }
    var acts: [Int: ApprovalAct] = [:]
    for r in try db.query("SELECT run, request, role FROM approval_decisions") {
      let run = Int(r[0].integer ?? 0)
      acts[run] = ApprovalAct(request: r[1].text ?? "", role: r[2].text ?? "", steps: steps[run] ?? [])
    }
    return (requests, acts)
  }

  private func requiredDate(_ v: SQLValue, _ column: String) throws -> CivilDate {
    guard let d = try optionalDate(v, column) else { throw JournalError(message: "\(path): \(column) is empty, not a date YYYY-MM-DD") }
    return d
  }

  private func optionalDate(_ v: SQLValue, _ column: String) throws -> CivilDate? {
    guard v != .null else { return nil }
    guard let t = v.text, let d = CivilDate.parse(t) else {
      throw JournalError(message: "\(path): \(column) holds '\(v.text ?? "NULL")', not a date YYYY-MM-DD")
    }
    return d
  }
}
