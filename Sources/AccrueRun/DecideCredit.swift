import AccrueApprovals
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel

extension Decide {
  /// What a credit note decision recorded.
  public struct IssuedCreditNote: Sendable {
    public var run: Int
    public var creditNote: CreditNote
    public var decision: Decision
    /// The ledger's last decision is this same credit note (a script run again after a crash): nothing was recorded.
    public var unchanged = false
    /// Held for approval (an approval rule for credit notes routes it, grammar.md §11): nothing was issued; `run`
    /// is the request's (`unchanged` when it already waited).
    public var held: HeldForApproval?
  }

  /// Issues a credit note against an invoice (`CreditNoteIssue`) as of `asOf`, numbered then, and records it as a
  /// decision of its own with its posting (what it settles on the invoice and leaves on account). The first one
  /// creates the ledger when no apply has yet (an invoice of the invoices file).
  public static func creditNote(
    _ request: CreditNoteIssue, plan: ExecutablePlan, data: Dataset, stateDir: String, asOf: CivilDate, by: String, note: String,
    recordedAt: String, post: Poster? = nil, fault: ((String) -> Void)? = nil
  ) throws(JournalError) -> IssuedCreditNote {
    let lock = try StateLock.acquire(stateDir: stateDir)
    defer { withExtendedLifetime(lock) {} }
    let (journal, run, books) = try books(plan: plan, data: data, stateDir: stateDir, asOf: asOf, by: by, what: "invoices")
    let store = try LedgerStore.open(stateDir: stateDir)
    let id = books.invoiceIDs.find(request.invoice, in: books.invoices).map { books.invoices[$0].id } ?? request.invoice
    let taxes = try store.taxes(of: id)
    let lines = request.line == nil ? nil : try store.lines(of: id)
    var (creditNote, posting, decision): (CreditNote, PostedPayment, Decision)
    switch request.decide(plan: plan, journal: journal, data: books, taxes: taxes, lines: lines, run: run, asOf: asOf, by: by, note: note) {
    case .failure(let e): throw JournalError(message: e.message)
    case .success(let r): (creditNote, posting, decision) = r
    }
    // The same credit note again, right after it was issued (same invoice, amount, reason and date): nothing new.
    if let last = journal.runs.last(where: { $0.decision != nil }), let n = last.creditNote, last.asOf == asOf, n.invoice == creditNote.invoice, n.total == creditNote.total,
      n.reason == creditNote.reason, n.line == creditNote.line
    {
      return IssuedCreditNote(run: last.number, creditNote: n, decision: last.decision ?? decision, unchanged: true)
    }
    switch try gate(creditNote, plan: plan, data: books, journal: journal, asOf: asOf) {
    case .proceed(let approved): decision.carryOut(approved)
    case .held(let h):
      let what = "credit note \(creditNote.key) of \(Routed.money(creditNote.total, creditNote.currency)) on \(creditNote.invoice)"
      let asked = try Routed.ask(h, stateDir: stateDir, journal: journal, asOf: asOf, by: by, note: note, what: what, recordedAt: recordedAt, fault: fault)
      return IssuedCreditNote(run: asked ?? run - 1, creditNote: creditNote, decision: decision, unchanged: asked == nil, held: h)
    }
    var record = record(run: run, asOf: asOf, items: [.cashApplication(posting)], recordedAt: recordedAt)
    record.decision = decision
    record.creditNotes = [creditNote]
    if let scope = creditNote.scope, let n = creditNote.sequence { record.numbers = [(scope, n, creditNote.key)] }
    if let post { record.journalEntries = try post(record, journal, books) }
    try store.record(record, expectedLast: run - 1, fault: fault)
    fault?("committed")
    return IssuedCreditNote(run: run, creditNote: creditNote, decision: decision)
  }

  /// Approval rules `for credit notes` (grammar.md §11) routing this credit note: held until approved (`Routed`).
  /// What is approved is its invoice, line, amounts, currency and reason.
  static func gate(_ n: CreditNote, plan: ExecutablePlan, data: Dataset, journal: Journal, asOf: CivilDate) throws(JournalError) -> Routed.Gate {
    let item = ApprovalRequestItem.creditNote(
      AccrueApprovals.CreditNoteRequest(
        id: n.number, customerID: n.customer, invoice: n.invoice, date: asOf, amount: n.total, currency: n.currency, reason: n.reason))
    let fp = Routed.fingerprint([n.key, n.invoice, n.line.map(String.init) ?? "", n.currency.code, n.net.description, n.tax.description, n.total.description, n.reason])
    return try Routed.gate(
      item, kind: .creditNote, document: n.key, fingerprint: fp, customer: n.customer, total: n.total, plan: plan, data: data, journal: journal,
      asOf: asOf, then: "issue the credit note again")
  }

  /// Refunds credit on a customer's account (`CreditRefundRequest`) as of `asOf`: a decision of its own whose
  /// posting takes the amount off the customer's credit.
  public static func refundCredit(
    _ request: CreditRefundRequest, plan: ExecutablePlan, data: Dataset, stateDir: String, asOf: CivilDate, by: String, note: String,
    recordedAt: String, post: Poster? = nil, fault: ((String) -> Void)? = nil
  ) throws(JournalError) -> (run: Int, decision: Decision, unchanged: Bool) {
    let lock = try StateLock.acquire(stateDir: stateDir)
    defer { withExtendedLifetime(lock) {} }
    let (journal, run, books) = try books(plan: plan, data: data, stateDir: stateDir, asOf: asOf, by: by, what: "payments", needsLedger: true)
    // The same refund again, right after it was recorded (same customer, amount, currency and date): nothing new.
    if let last = journal.runs.last(where: { $0.decision != nil }), last.asOf == asOf, last.decision?.kind == .creditRefund, last.decision?.customer == request.customer,
      case .cashApplication(let p)? = last.items.first, p.refunded == request.amount, p.amount?.currency.code == request.currency.uppercased(),
      let d = last.decision
    {
      return (last.number, d, true)
    }
    let (posting, decision): (PostedPayment, Decision)
    switch request.decide(journal: journal, data: books, run: run, asOf: asOf, by: by, note: note) {
    case .failure(let e): throw JournalError(message: e.message)
    case .success(let r): (posting, decision) = r
    }
    var record = record(run: run, asOf: asOf, items: [.cashApplication(posting)], recordedAt: recordedAt)
    record.decision = decision
    if let post { record.journalEntries = try post(record, journal, books) }
    try LedgerStore.open(stateDir: stateDir).record(record, expectedLast: run - 1, fault: fault)
    fault?("committed")
    return (run, decision, false)
  }
}
