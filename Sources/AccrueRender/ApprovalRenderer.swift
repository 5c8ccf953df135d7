import AccrueCore
import AccrueModel

/// Documents held for approval (grammar.md §11, docs/decisions.md): `accrue approvals`, and the part of `plan` and
/// `apply` that says what waits.
public enum ApprovalRenderer {
  static func money(_ r: ApprovalRequest) -> String { Money(amount: r.total, currency: r.currency).formatted(grouping: true) }

  static func kind(_ r: ApprovalRequest) -> String { r.kind.words }

  /// One chain: "large_invoice (approvals.accrue:31): controller (alice, 2026-11-03) -> cfo <- now, escalates to cfo on 2026-11-05".
  static func chain(_ c: ApprovalProgress.Chain, asOf: CivilDate?) -> String {
    var steps: [String] = []
    for (k, role) in c.route.chain.enumerated() {
      if k < c.approvals.count {
        steps.append("\(role) (approved by \(c.approvals[k].by) on \(c.approvals[k].date))")
      } else if k == c.approvals.count {
        steps.append("\(role) <- now")
      } else {
        steps.append(role)
      }
    }
    var text = "\(c.route.rule) (\(c.route.source)): " + steps.joined(separator: ", then ")
    if let to = c.route.escalatesTo, let on = c.escalatesOn, !c.complete {
      let escalated = asOf.map { c.escalated(on: $0) } ?? false
      text += escalated ? "; escalated on \(on): \(to) may decide it too" : "; escalates to \(to) on \(on)"
    }
    return text
  }

  /// `accrue approvals`: what waits, oldest request first, each with the command that decides it.
  public static func text(_ list: [ApprovalProgress], asOf: CivilDate?, ledger: String) -> String {
    let waiting = list.filter { $0.state == .waiting }
    var out = "Waiting for approval in \(ledger): \(waiting.count) document\(waiting.count == 1 ? "" : "s")"
      + (asOf.map { " (as of \($0))" } ?? "") + "\n"
    for p in waiting {
      let r = p.request
      out += "\n\(r.document)  \(kind(r))  customer \(r.customer)  \(money(r))  issue date \(r.issueDate)  asked \(r.asOf) (run \(r.run))\n"
      for c in p.chains { out += "    " + chain(c, asOf: asOf) + "\n" }
      let roles = Set(p.chains.compactMap { c -> [String]? in
        guard let now = c.currentRole else { return nil }
        return [now] + ((asOf.map { c.escalated(on: $0) } ?? false) ? [c.route.escalatesTo ?? ""] : [])
      }.flatMap { $0 }).sorted()
      out += "    accrue approve \(r.document) --by NAME --role \(roles.joined(separator: "|")) | accrue reject \(r.document) --by NAME --role ROLE --note TEXT\n"
    }
    return out
  }

  public static func json(_ list: [ApprovalProgress], asOf: CivilDate?, all: Bool = false) -> JSON {
    .array(list.filter { all || $0.state == .waiting }.map { p in
      let r = p.request
      let current = p.chains.first { !$0.complete }
      return .object([
        ("document", .string(r.document)), ("request", .string(r.key)), ("kind", .string(kind(r))), ("customer", .string(r.customer)),
        ("currency", .string(r.currency.code)), ("total", .number(r.total.formatted(places: r.currency.minorUnits))),
        ("issue_date", .string(r.issueDate.description)), ("since", .string(r.asOf.description)), ("run", .int(r.run)),
        ("fingerprint", .string(r.fingerprint)),
        ("rule", .string(current?.route.rule ?? "")), ("source", .string(current?.route.source ?? "")),
        ("role", .string(current?.currentRole ?? "")), ("escalates_on", current?.escalatesOn.map { .string($0.description) } ?? .null),
        ("escalated", .bool(current.map { c in asOf.map { c.escalated(on: $0) } ?? false } ?? false)),
        ("chains", .array(p.chains.map { c in
          .object([
            ("rule", .string(c.route.rule)), ("label", .string(c.route.label)), ("source", .string(c.route.source)),
            ("chain", .array(c.route.chain.map { .string($0) })), ("step", .int(c.step)), ("role", c.currentRole.map { .string($0) } ?? .null),
            ("escalates_to", c.route.escalatesTo.map { .string($0) } ?? .null),
            ("escalates_on", c.complete ? .null : c.escalatesOn.map { .string($0.description) } ?? .null),
            ("escalated", .bool(asOf.map { c.escalated(on: $0) } ?? false)),
            ("approvals", .array(c.approvals.map { a in
              .object([("by", .string(a.by)), ("role", .string(a.role)), ("date", .string(a.date.description)), ("run", .int(a.run))])
            })),
          ])
        })),
      ])
    })
  }

  /// The run's documents held for approval, for `plan --format json`: `document`, `request`, `status` (`asked`,
  /// `asked again`, `waiting`, `rejected`), `kind`, `customer`, `currency`, `total`, `issue_date`, `since`, `fingerprint`,
  /// `supersedes`, and `chains` as `accrue approvals` gives them.
  /// Cancellations' credit notes held (`requests`) follow the documents.
  public static func heldJSON(_ held: [HeldDocument], requests: [HeldForApproval] = []) -> JSON {
    let all = held.map { ($0.request, $0.status, $0.progress) } + requests.map { ($0.request, $0.status, Optional($0.progress)) }
    return .array(all.map { (r, status, progress) in
      let chains: JSON
      if let p = progress, case .array(let one) = json([p], asOf: r.asOf, all: true), case .object(let f)? = one.first {
        chains = f.first { $0.0 == "chains" }?.1 ?? .array([])
      } else {
        chains = .array([])
      }
      return .object([
        ("document", .string(r.document)), ("request", .string(r.key)), ("status", .string(status.rawValue)), ("kind", .string(kind(r))),
        ("customer", .string(r.customer)), ("currency", .string(r.currency.code)), ("total", .number(r.total.formatted(places: r.currency.minorUnits))),
        ("issue_date", .string(r.issueDate.description)), ("since", .string(r.asOf.description)), ("fingerprint", .string(r.fingerprint)),
        ("supersedes", r.supersedes.map { .string($0) } ?? .null), ("chains", chains),
      ])
    })
  }

  /// The run's documents held for approval (plan and apply), or "" when none.
  public static func held(_ held: [HeldDocument], asOf: CivilDate, approvedIssued: [String: String] = [:]) -> String {
    guard !held.isEmpty || !approvedIssued.isEmpty else { return "" }
    var out = ""
    if !held.isEmpty {
      let waiting = held.filter { $0.status != .rejected }.count
      out += "\nWaiting for approval: \(waiting) document\(waiting == 1 ? "" : "s") (not issued, not numbered)\n"
    }
    for h in held { out += line(h.request, h.status, h.progress, asOf: asOf, changed: "the document changed") }
    for (doc, key) in approvedIssued.sorted(by: { $0.key < $1.key }) { out += "  approved (\(key)): \(doc) is issued by this run\n" }
    return out
  }

  /// One held document or request: where it stands, then its chains unless rejected.
  static func line(_ r: ApprovalRequest, _ status: HeldDocument.Status, _ progress: ApprovalProgress?, asOf: CivilDate, changed: String) -> String {
    let words: String
    switch status {
    case .asked: words = "asked for approval now (\(r.key))"
    case .askedAgain: words = "asked again (\(r.key)): \(changed) since \(r.supersedes ?? "the request before"), whose approval lapsed"
    case .waiting: words = "waiting since \(r.asOf) (\(r.key))"
    case .rejected: words = "rejected (\(r.key)): not issued with this content"
    }
    var out = "  \(status == .rejected ? "x" : "?") \(kind(r)) \(r.document)  customer \(r.customer)  \(money(r)): \(words)\n"
    if status != .rejected, let p = progress { for c in p.chains { out += "      " + chain(c, asOf: asOf) + "\n" } }
    return out
  }

  /// A person's request held for approval (`accrue credit-note`, `resolve`, `payment-plan`): what waits, who is
  /// asked, and what to do next. `run`: the decision that recorded the request now (nil: it already waited).
  public static func asked(_ h: HeldForApproval, run: Int?, asOf: CivilDate, again: String) -> String {
    let r = h.request
    var out: String
    switch h.status {
    case .asked, .askedAgain:
      out = "Held for approval: \(r.kind.words) \(r.document) (\(money(r)), customer \(r.customer)) is not done; request \(r.key) recorded by decision \(run ?? r.run)"
      if h.status == .askedAgain { out += " (it differs from \(r.supersedes ?? "the request before"), whose approval does not apply)" }
      out += "\n"
    default: out = "Still waiting for approval since \(r.asOf): \(r.kind.words) \(r.document) (\(money(r)), customer \(r.customer)), request \(r.key); nothing was recorded\n"
    }
    for c in h.progress.chains { out += "  " + chain(c, asOf: asOf) + "\n" }
    out += "Once every step approves it (accrue approve \(r.document) --role ROLE --by NAME), \(again) to do it"
    out += r.kind == .paymentPlan ? " (give --from: a plan starting on another day is another plan).\n" : ".\n"
    return out
  }

  /// Cancellations' credit notes a run holds for approval (plan and apply), or "" when none.
  public static func heldRequests(_ held: [HeldForApproval], asOf: CivilDate) -> String {
    guard !held.isEmpty else { return "" }
    let waiting = held.filter { $0.status != .rejected }.count
    var out = "\nCredit notes waiting for approval: \(waiting) (not issued: nothing settled, nothing on account)\n"
    for h in held { out += line(h.request, h.status, h.progress, asOf: asOf, changed: "it changed") }
    return out
  }
}
