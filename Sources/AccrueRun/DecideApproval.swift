import AccrueApprovals
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import Foundation

/// What a person asks `accrue approve` or `accrue reject` to record about a document held for approval.
public struct ApprovalDecisionRequest: Sendable {
  /// The document's key (`ctr-001/2026-11-01`), or its request's (`approval:ctr-001/2026-11-01`).
  public var document: String
  public var approve: Bool
  public var by: String
  public var role: String
  public var note: String

  public init(document: String, approve: Bool, by: String, role: String, note: String) {
    self.document = document
    self.approve = approve
    self.by = by
    self.role = role
    self.note = note
  }
}

extension Decide {
  /// What was recorded: the decision's run, the decision, what it did to the request and where the request stands.
  public struct ApprovalRecorded: Sendable {
    public var run: Int
    public var decision: Decision
    public var act: ApprovalAct
    public var progress: ApprovalProgress
  }

  /// Records an approval or a rejection of the document `q` names, as of `asOf` (docs/decisions.md), checked: the
  /// document waits; the role is the current step's of a chain (or its escalation role once the step escalated);
  /// a person approves at most one step of a chain (four eyes); a rejection says why. `fault` is called where a
  /// crash test may stop the process.
  public static func decideApproval(
    _ q: ApprovalDecisionRequest, plan: ExecutablePlan, data: Dataset, stateDir: String, asOf: CivilDate, recordedAt: String,
    fault: ((String) -> Void)? = nil
  ) throws(JournalError) -> ApprovalRecorded {
    let by = q.by.trimmingCharacters(in: .whitespaces)
    guard !by.isEmpty else { throw JournalError(message: "say who decides with --by NAME: every decision records who made it") }
    if !q.approve, q.note.trimmingCharacters(in: .whitespaces).isEmpty {
      throw JournalError(message: "a rejection says why: add --note TEXT (what is wrong with the document, what should change)")
    }
    guard plan.roles.contains(where: { $0.name == q.role }) else {
      let names = plan.roles.map(\.name)
      let hint = names.isEmpty ? "the rules declare no role" : "the roles are " + names.joined(separator: ", ")
      throw JournalError(message: "the rules declare no role '\(q.role)' (\(hint)): give --role one of them")
    }
    let lock = try StateLock.acquire(stateDir: stateDir)
    defer { withExtendedLifetime(lock) {} }
    guard LedgerStore.exists(stateDir: stateDir) else {
      throw JournalError(message: "\(stateDir) has no ledger yet: 'accrue apply' puts documents up for approval before anyone can decide them")
    }
    let journal = try LedgerStore.read(stateDir: stateDir)
    let last = journal.runs.last
    if let last, asOf < last.asOf {
      throw JournalError(message: "the ledger's last run is dated \(last.asOf); a decision cannot be dated before it (--as-of \(last.asOf) or later)")
    }
    let p = try waiting(q.document, journal: journal)
    // Four eyes: who asked for a credit note, a write-off or a payment plan does not approve it.
    if q.approve, let asker = journal.runs.first(where: { $0.number == p.request.run })?.decision, asker.kind == .approvalRequest,
      asker.by.trimmingCharacters(in: .whitespaces).lowercased() == by.lowercased()
    {
      throw JournalError(
        message: "\(by) asked for \(p.request.kind.words) \(p.request.document) (decision \(p.request.run)): the person who asks does not approve it "
          + "(four eyes); another person with the role \(q.role) approves it")
    }
    let act = try act(q, by: by, progress: p, plan: plan, data: data, asOf: asOf)
    var after = p
    let run = (last?.number ?? 0) + 1
    let decision = Decision(
      kind: q.approve ? .approve : .reject, subject: p.request.document, by: by, note: q.note,
      summary: "", customer: p.request.customer, askedBy: p.request.routes.map { "\($0.rule) (\($0.source))" }.joined(separator: ", "))
    var runRecord = JournalRun(number: run, asOf: asOf, folder: "", items: [], decision: decision)
    runRecord.approvalAct = act
    after.apply(act, decision, run: runRecord)
    var final = decision
    final.summary = summary(act, before: p, after: after, approve: q.approve)
    var record = Decide.record(run: run, asOf: asOf, items: [], recordedAt: recordedAt)
    record.decision = final
    record.approvalAct = act
    let store = try LedgerStore.open(stateDir: stateDir)
    try store.record(record, expectedLast: last?.number ?? 0, fault: fault)
    fault?("committed")
    return ApprovalRecorded(run: run, decision: final, act: act, progress: after)
  }

  /// The request `key` names that waits for people, or why there is none.
  static func waiting(_ key: String, journal: Journal) throws(JournalError) -> ApprovalProgress {
    let open = journal.openApprovalRequests
    let document = key.hasPrefix("approval:") ? baseDocument(key) : key
    guard let p = open.first(where: { $0.request.document == document }) else {
      if journal.invoiceKeys.contains(document) {
        throw JournalError(message: "\(document) was issued; nothing about it waits for approval (accrue approvals --state DIR lists what waits)")
      }
      let keys = open.map(\.request.document)
      let hint = keys.isEmpty ? "nothing waits for approval" : "waiting: " + keys.prefix(5).joined(separator: ", ") + (keys.count > 5 ? ", ..." : "")
      throw JournalError(message: "no document '\(document)' waits for approval in the ledger (\(hint)); give the document's key as 'accrue approvals' lists it")
    }
    if key.hasPrefix("approval:"), key != p.request.key {
      throw JournalError(message: "\(key) was replaced by \(p.request.key) (the document changed since): decide that one")
    }
    switch p.state {
    case .waiting: return p
    case .approved: throw JournalError(message: "\(document) is already approved (\(p.request.key)): \(whatNext(p.request))")
    case .rejected:
      let r = p.rejected!
      throw JournalError(
        message: "\(document) was rejected by \(r.by) on \(r.date): it is never issued with this content; a changed document is put up for approval again by the next apply")
    }
  }

  static func baseDocument(_ key: String) -> String {
    let rest = String(key.dropFirst("approval:".count))
    guard let at = rest.lastIndex(of: "@"), rest[rest.index(after: at)...].allSatisfy(\.isNumber), rest.index(after: at) < rest.endIndex else { return rest }
    return String(rest[..<at])
  }

  /// What the decision does: the chains it moves on (an approval), checked against the role and the four eyes rule.
  static func act(
    _ q: ApprovalDecisionRequest, by: String, progress p: ApprovalProgress, plan: ExecutablePlan, data: Dataset, asOf: CivilDate
  ) throws(JournalError) -> ApprovalAct {
    let chains = p.chains(decidableBy: q.role, on: asOf)
    guard !chains.isEmpty else {
      let now = p.chains.filter { !$0.complete }.map { c in
        "\(c.route.rule) (\(c.route.source)) waits for \(c.currentRole ?? "")"
          + (c.route.escalatesTo.map { to in c.escalatesOn.map { " (escalates to \(to) on \($0))" } ?? "" } ?? "")
      }
      throw JournalError(message: "it is not \(q.role)'s step on \(asOf): " + now.joined(separator: "; ") + "; decide with --role of the step")
    }
    guard q.approve else { return ApprovalAct(request: p.request.key, role: q.role, steps: []) }
    let same = by.lowercased()
    let mine = chains.filter { i in !p.chains[i].approvals.contains { $0.by.trimmingCharacters(in: .whitespaces).lowercased() == same } }
    guard !mine.isEmpty else {
      let c = p.chains[chains[0]]
      let a = c.approvals.first { $0.by.trimmingCharacters(in: .whitespaces).lowercased() == same }!
      throw JournalError(
        message: "\(by) already approved step \(c.approvals.firstIndex(of: a)! + 1) of \(c.route.rule) (as \(a.role) on \(a.date)): one person "
          + "approves at most one step of a chain (four eyes); another person with the role \(q.role) approves this step")
    }
    let holidays = data.collections.holidays.keys.sorted().flatMap { data.collections.holidays[$0] ?? [] }
    let steps = mine.map { i -> ApprovalAct.Step in
      let c = p.chains[i]
      var next: CivilDate?
      if c.step + 1 < c.route.chain.count, let e = plan.approvals.first(where: { $0.name == c.route.rule })?.escalation {
        next = Approvals.escalationDate(e, requestedOn: asOf, plan: plan, holidays: holidays)
      }
      return ApprovalAct.Step(rule: c.route.rule, step: c.step, nextEscalatesOn: next)
    }
    return ApprovalAct(request: p.request.key, role: q.role, steps: steps)
  }

  /// What carries out an approved request: the next apply issues a document runs compute (an invoice, a debit note,
  /// a cancellation's credit note); a person's request made again does the rest.
  static func whatNext(_ r: ApprovalRequest) -> String {
    switch r.kind {
    case .invoice, .debitNote: "the next apply issues it"
    case .creditNote: r.document.hasSuffix(":cancellation") ? "the next apply issues it" : "issuing the same credit note again (accrue credit-note) issues it"
    case .writeOff: "resolving the payment again the same way (accrue resolve) writes it off"
    case .paymentPlan: "recording the payment plan again with the same terms (accrue payment-plan) agrees it"
    }
  }

  /// The decision in words.
  static func summary(_ act: ApprovalAct, before: ApprovalProgress, after: ApprovalProgress, approve: Bool) -> String {
    guard approve else { return "rejected as \(act.role): not issued with this content" }
    let done = act.steps.map { s in "\(s.rule) step \(s.step + 1) of \(before.chains.first { $0.route.rule == s.rule }?.route.chain.count ?? 0)" }
    var text = "approved as \(act.role): " + done.joined(separator: ", ")
    if after.state == .approved {
      text += "; every chain is approved: " + whatNext(after.request)
    } else {
      let rest = after.chains.filter { !$0.complete }.map { "\($0.currentRole ?? "") (\($0.route.rule))" }
      text += "; now waits for " + rest.joined(separator: ", ")
    }
    return text
  }
}
