import AccrueApprovals
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel

/// What approval rules for credit notes, write-offs and payment plans (grammar.md §11) do to what a person asks for:
/// nothing when no rule routes it; otherwise it is held. The first time, the request is recorded (a decision of
/// kind `approval-request`, who asked and why) and nothing is done; people approve or reject it (`accrue approve`,
/// `reject`); the same request made again once every chain approved it does it, and that decision names the
/// request it carries out. What was approved is exactly that content (its fingerprint): a different amount is a new
/// request. (Invoices, debit notes and cancellations' credit notes are held by the runs that compute them:
/// `ApprovalHold`.)
enum Routed {
  enum Gate {
    /// Go ahead: no rule routes it (nil), or the request it carries out, approved.
    case proceed(request: String?)
    case held(HeldForApproval)
  }

  /// Routes `item` (the document `document`, of `kind`, with a fingerprint of its content); throws when a rule
  /// cannot be evaluated. The same content rejected is held as rejected: `rejection` says so to a person.
  static func gate(
    _ item: ApprovalRequestItem, kind: ApprovalRequest.Kind, document: String, fingerprint: String, customer: String, total: Fixed,
    plan: ExecutablePlan, data: Dataset, journal: Journal, asOf: CivilDate, then: String
  ) throws(JournalError) -> Gate {
    guard plan.approvals.contains(where: { $0.subject == item.subject }) else { return .proceed(request: nil) }
    let records = ApprovalRecords(customer: data.customerIndex[customer].map { data.customers[$0].record })
    let holidays = data.collections.holidays.keys.sorted().flatMap { data.collections.holidays[$0] ?? [] }
    let routing = Approvals.route(item, records: records, plan: plan, requestedOn: asOf, holidays: holidays)
    if let f = routing.failures.first { throw JournalError(message: f.description + ": fix the rule or the data, then \(then)") }
    if routing.needsNone { return .proceed(request: nil) }
    let before = journal.approvalRequests.filter { $0.document == document }
    // Only the document's latest request counts, while it is open (not carried out, not lapsed): an earlier
    // content asked again is a new request.
    let open = journal.openApprovalRequests.first { $0.request.document == document }
    if let p = open, p.request.fingerprint == fingerprint {
      let same = p.request
      switch p.state {
      case .approved: return .proceed(request: same.key)
      case .waiting: return .held(HeldForApproval(request: same, status: .waiting, progress: p))
      case .rejected: return .held(HeldForApproval(request: same, status: .rejected, progress: p))
      }
    }
    let key = ApprovalRequest.key(of: document) + (before.isEmpty ? "" : "@\(before.count + 1)")
    let request = ApprovalRequest(
      key: key, document: document, kind: kind, run: 0, asOf: asOf, customer: customer, currency: item.currency, total: total,
      issueDate: asOf, fingerprint: fingerprint, routes: routing.approvals.map(ApprovalHold.route), supersedes: open?.request.key)
    return .held(HeldForApproval(request: request, status: open == nil ? .asked : .askedAgain, progress: ApprovalProgress(request)))
  }

  /// Why a person's request cannot be done: the same content was rejected.
  static func rejection(_ h: HeldForApproval) -> JournalError? {
    guard h.status == .rejected, let r = h.progress.rejected else { return nil }
    return JournalError(
      message: "\(h.request.kind.words) \(h.request.document) was rejected by \(r.by) on \(r.date) (\(h.request.key)\(r.note.isEmpty ? "" : ": \(r.note)")): "
        + "it is never done with this content; ask for a different one")
  }

  /// Records a new request (a decision run of its own: who asked, why); a request already waiting records nothing.
  /// Returns the run recorded, if any.
  static func ask(
    _ held: HeldForApproval, stateDir: String, journal: Journal, asOf: CivilDate, by: String, note: String, what: String, recordedAt: String,
    fault: ((String) -> Void)?
  ) throws(JournalError) -> Int? {
    if let e = rejection(held) { throw e }
    guard held.status != .waiting else { return nil }
    let run = (journal.runs.last?.number ?? 0) + 1
    var request = held.request
    request.run = run
    let chains = request.routes.map { "\($0.chain.joined(separator: ", then ")) (\($0.rule), \($0.source))" }.joined(separator: "; ")
    var record = Decide.record(run: run, asOf: asOf, items: [], recordedAt: recordedAt)
    record.decision = Decision(
      kind: .approvalRequest, subject: request.document, by: by, note: note, summary: "asked for approval of \(what): \(chains)",
      customer: request.customer, askedBy: request.routes.map { "\($0.rule) (\($0.source))" }.joined(separator: ", "))
    record.approvalRequests = [request]
    try LedgerStore.open(stateDir: stateDir).record(record, expectedLast: run - 1, fault: fault)
    fault?("committed")
    return run
  }

  static func money(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }

  /// A fingerprint of what is asked: its fields, each with its length (FNV-1a, as a document's).
  static func fingerprint(_ fields: [String]) -> String {
    var h = ApprovalHold.FNV()
    for f in fields { h.add(f) }
    return "fnv1a64:" + h.hex
  }

  /// A resolution's write-offs (each invoice's short amount written off, and an overpayment written off), routed
  /// as one write-off of their sum (the invoice named when there is one only).
  static func writeOffs(
    _ p: PostedPayment, plan: ExecutablePlan, data: Dataset, journal: Journal, asOf: CivilDate
  ) throws(JournalError) -> Gate {
    guard let c = p.amount?.currency else { return .proceed(request: nil) }
    // Only what this decision writes off beyond the posting in force: a write-off kept (approved and done before,
    // or under the rules' amounts then) is not asked for again.
    let before = p.supersedes.flatMap { journal.currentPostings[PostedPayment.baseKey($0)] }.flatMap { $0.status?.postsAllocations == true ? $0 : nil }
    func more(_ now: Fixed, _ was: Fixed) -> Fixed { now > was ? (now.subtracting(was) ?? now) : .zero }
    var parts = p.settlements.map { s in
      (s.invoice, more(s.writtenOff, before?.settlements.filter { $0.invoice == s.invoice }.reduce(Fixed.zero) { $0.adding($1.writtenOff) ?? $0 } ?? .zero))
    }.filter { $0.1 > .zero }
    let over = more(p.overpaymentWrittenOff, before?.overpaymentWrittenOff ?? .zero)
    if over > .zero { parts.append(("", over)) }
    guard !parts.isEmpty else { return .proceed(request: nil) }
    var total = Fixed.zero
    for part in parts {
      guard let t = total.adding(part.1) else { throw JournalError(message: "the write-offs of \(p.key) add up to more than Accrue can represent") }
      total = t
    }
    let item = ApprovalRequestItem.writeOff(
      WriteOffRequest(id: p.key, customerID: p.customer, invoice: parts.count == 1 ? parts[0].0 : "", date: asOf, amount: total, currency: c))
    return try gate(
      item, kind: .writeOff, document: "write-off:" + PostedPayment.baseKey(p.key), fingerprint: fingerprint([p.key, c.code] + parts.flatMap { [$0.0, $0.1.description] }),
      customer: p.customer, total: total, plan: plan, data: data, journal: journal, asOf: asOf, then: "resolve the payment again")
  }

  /// A payment plan about to be agreed, routed with the amount it spreads (what its invoice, or all the customer's
  /// invoices in the currency of the largest, have open) and its dates.
  static func paymentPlan(
    _ h: CollectionHold, plan: ExecutablePlan, data: Dataset, journal: Journal, asOf: CivilDate
  ) throws(JournalError) -> Gate {
    guard h.kind == .paymentPlan, h.state == "active", let ci = data.customerIndex[h.customer] else { return .proceed(request: nil) }
    var open: [Currency: Fixed] = [:]
    for inv in data.invoices where Int(inv.customer) == ci && !inv.isCreditNote && inv.status == .open && (h.invoice.isEmpty || inv.id == h.invoice) {
      open[inv.currency] = (open[inv.currency] ?? .zero).adding(inv.unpaid) ?? open[inv.currency]
    }
    guard let (c, amount) = open.max(by: { ($0.value, $1.key.code) < ($1.value, $0.key.code) }) else { return .proceed(request: nil) }
    let item = ApprovalRequestItem.paymentPlan(
      PaymentPlanRequest(id: h.planID, customerID: h.customer, amount: amount, currency: c, installments: 1, startDate: h.start ?? asOf, endDate: h.end ?? asOf))
    // (Its id is left out: without --id each decision names its plan anew; the customer and invoice name the request.)
    let fp = fingerprint([h.customer, h.invoice, c.code, amount.description, h.start?.description ?? "", h.end?.description ?? ""])
    return try gate(
      item, kind: .paymentPlan, document: "payment-plan:" + h.customer + (h.invoice.isEmpty ? "" : "/" + h.invoice), fingerprint: fp, customer: h.customer, total: amount, plan: plan, data: data,
      journal: journal, asOf: asOf, then: "record the payment plan again")
  }
}
