import AccrueCore

/// Where a request stands, replayed from the ledger: each chain's approvals so far, its current step and when that
/// step escalates, or the rejection that ended it (docs/decisions.md).
public struct ApprovalProgress: Sendable {
  public enum State: String, Sendable {
    case waiting, approved, rejected
  }

  /// One person's decision on the request.
  public struct Decided: Sendable, Hashable {
    public var by: String
    public var role: String
    public var date: CivilDate
    public var run: Int
    public var note: String
  }

  public struct Chain: Sendable {
    public var route: ApprovalRoute
    /// The steps approved, in order.
    public var approvals: [Decided] = []
    /// When the current step escalates (nil: never, or the chain is complete).
    public var escalatesOn: CivilDate?

    public var step: Int { approvals.count }
    public var complete: Bool { approvals.count >= route.chain.count }
    /// The role whose step it is now (nil when complete).
    public var currentRole: String? { complete ? nil : route.chain[approvals.count] }

    /// Whether the current step has escalated on `date` (its escalation role may decide it too).
    public func escalated(on date: CivilDate) -> Bool { !complete && escalatesOn.map { date >= $0 } == true }

    /// Whether `role` may decide the current step on `date`.
    public func mayDecide(_ role: String, on date: CivilDate) -> Bool {
      guard let current = currentRole else { return false }
      return role == current || (escalated(on: date) && route.escalatesTo == role)
    }
  }

  public var request: ApprovalRequest
  public var chains: [Chain]
  public var rejected: Decided?

  public var state: State {
    if rejected != nil { return .rejected }
    return chains.allSatisfy(\.complete) ? .approved : .waiting
  }

  /// The chains `role` may decide on `date`, by index.
  public func chains(decidableBy role: String, on date: CivilDate) -> [Int] {
    chains.indices.filter { chains[$0].mayDecide(role, on: date) }
  }

  public init(_ request: ApprovalRequest) {
    self.request = request
    self.chains = request.routes.map { Chain(route: $0, escalatesOn: $0.escalatesOn) }
  }

  /// Applies one recorded decision (`act` of run `run`, by `decision`).
  public mutating func apply(_ act: ApprovalAct, _ decision: Decision, run: JournalRun) {
    let d = Decided(by: decision.by, role: act.role, date: run.asOf, run: run.number, note: decision.note)
    if decision.kind == .reject {
      rejected = d
      return
    }
    for s in act.steps {
      guard let i = chains.firstIndex(where: { $0.route.rule == s.rule }), chains[i].step == s.step else { continue }
      chains[i].approvals.append(d)
      chains[i].escalatesOn = chains[i].complete ? nil : s.nextEscalatesOn
    }
  }
}

extension Journal {
  /// Every approval request recorded, in run order.
  public var approvalRequests: [ApprovalRequest] { runs.flatMap(\.approvalRequests) }

  /// Each request with where it stands, by request key.
  public var approvalProgress: [String: ApprovalProgress] {
    var out: [String: ApprovalProgress] = [:]
    for run in runs {
      for r in run.approvalRequests { out[r.key] = ApprovalProgress(r) }
      if let act = run.approvalAct, let d = run.decision { out[act.request]?.apply(act, d, run: run) }
    }
    return out
  }

  /// The latest request of each document the ledger has not issued (nor carried out: a credit note, write-off or
  /// payment plan a person's decision did once approved), with where it stands, in the order asked.
  /// A request for a write-off lapses when its payment gets another posting after it (resolved another way).
  public var openApprovalRequests: [ApprovalProgress] {
    var issued = invoiceKeys
    var reposted: [String: Int] = [:]
    for run in runs {
      for n in run.creditNotes { issued.insert(n.key) }
      if let d = run.decision?.request { issued.insert(d) }
      for case .cashApplication(let p) in run.items { reposted[PostedPayment.baseKey(p.key)] = run.number }
    }
    let progress = approvalProgress
    var latest: [String: ApprovalRequest] = [:]
    var order: [String] = []
    for r in approvalRequests {
      if latest[r.document] == nil { order.append(r.document) }
      latest[r.document] = r
    }
    return order.compactMap { document in
      guard let r = latest[document], !issued.contains(document), !issued.contains(r.key) else { return nil }
      if r.kind == .writeOff, let last = reposted[String(document.dropFirst("write-off:".count))], last > r.run { return nil }
      return progress[r.key]
    }
  }

  /// Whether `r` is the request of its document that may still be decided and carried out: the latest asked, not
  /// carried out, not lapsed.
  public func isOpen(_ r: ApprovalRequest) -> Bool { openApprovalRequests.contains { $0.request.key == r.key } }
}

/// Work an approval request gives people after it was first asked (grammar.md §11): its next step, requested on
/// the day the step before it was approved, and an escalation, on its escalation date. A run of `apply` puts the
/// notices that fell due since the apply before it in its outbox, so each is given once without anything recorded
/// for it.
public struct ApprovalNotice: Sendable {
  public enum Kind: String, Sendable {
    case nextStep = "next step"
    case escalated
  }

  public var kind: Kind
  public var request: ApprovalRequest
  public var route: ApprovalRoute
  /// The step (1 for a chain's first) and the role asked now.
  public var step: Int
  public var role: String
  public var date: CivilDate

  /// A stable id: the request, the rule, the step and what happened.
  public var id: String { "\(request.key)#\(route.rule)#\(kind == .nextStep ? "step" : "escalated")-\(step)" }

  /// The notices of `open` requests due since the apply `last` (its run and date), through `through`: a next step
  /// whose step before was approved by a decision after that apply; an escalation on a date after it (or set by
  /// such a decision), up to `through`.
  public static func due(_ open: [ApprovalProgress], since last: (run: Int, asOf: CivilDate), through: CivilDate) -> [ApprovalNotice] {
    var out: [ApprovalNotice] = []
    for p in open where p.state == .waiting {
      for c in p.chains {
        guard let role = c.currentRole else { continue }
        let decidedSince = (c.approvals.last?.run ?? 0) > last.run
        if let d = c.approvals.last, decidedSince, d.date <= through {
          out.append(ApprovalNotice(kind: .nextStep, request: p.request, route: c.route, step: c.step + 1, role: role, date: d.date))
        }
        if let on = c.escalatesOn, on <= through, on > last.asOf || decidedSince, let to = c.route.escalatesTo {
          out.append(ApprovalNotice(kind: .escalated, request: p.request, route: c.route, step: c.step + 1, role: to, date: on))
        }
      }
    }
    return out.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
  }
}

/// A credit note (a person's, or a cancellation's), a write-off or a payment plan, held for approval because approval rules
/// (grammar.md §11) route it: the request the ledger records (or recorded), and where it stands.
public struct HeldForApproval: Sendable {
  public var request: ApprovalRequest
  /// `asked` (recorded now), `askedAgain` (its content changed since an earlier request), `waiting` or `rejected`.
  public var status: HeldDocument.Status
  public var progress: ApprovalProgress

  public init(request: ApprovalRequest, status: HeldDocument.Status, progress: ApprovalProgress) {
    self.request = request
    self.status = status
    self.progress = progress
  }
}

