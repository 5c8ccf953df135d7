import AccrueCore
import AccrueModel
import AccrueSQLite

/// One run as the ledger records it: its items (the keys produced, in order) with the documents it issued, the
/// fees it charged and billed, and the numbers it gave.
public struct LedgerRecord: Sendable {
  public var run: Int
  public var asOf: CivilDate
  public var folder: String
  /// Every key produced, in output order: invoices and debit notes, reminders, payments.
  public var items: [JournalItem]
  /// The documents issued (their keys are among the invoice items), with their numbers.
  public var documents: [PlannedInvoice] = []
  /// Fees charged by this run's reminders.
  public var fees: [LedgerFee] = []
  /// Fees (this run's or earlier ones) billed by one of this run's documents: fee key, document key.
  public var feeBillings: [(fee: String, document: String)] = []
  /// Numbers given: sequence, number in it, document key.
  public var numbers: [(scope: String, sequence: Int, document: String)] = []
  /// When the run was recorded (UTC, ISO 8601): an audit fact; no computation reads it.
  public var recordedAt: String
  /// The person's decision this run records (nil: a run of `apply`).
  public var decision: Decision?
  /// The dispute, promise or payment plan the decision records.
  public var hold: CollectionHold?
  /// The credit notes the run issued: a decision's (`accrue credit-note`), an apply's for cancellations.
  public var creditNotes: [CreditNote] = []
  /// Documents this run held for approval (grammar.md §11), each asked once.
  public var approvalRequests: [ApprovalRequest] = []
  /// Approval notices (next steps, escalations) the run's outbox gives: not stored, but a run that has only these
  /// is recorded too, so that each is given once.
  public var approvalNotices = 0
  /// What the decision did to an approval request (`accrue approve`, `accrue reject`).
  public var approvalAct: ApprovalAct?
  /// The journal entries the run posts (grammar.md §12, §13): recorded once per event.
  public var journalEntries: [JournalEntry] = []

  public init(
    run: Int, asOf: CivilDate, folder: String, items: [JournalItem], documents: [PlannedInvoice] = [], fees: [LedgerFee] = [],
    feeBillings: [(fee: String, document: String)] = [], numbers: [(scope: String, sequence: Int, document: String)] = [],
    recordedAt: String
  ) {
    self.run = run
    self.asOf = asOf
    self.folder = folder
    self.items = items
    self.documents = documents
    self.fees = fees
    self.feeBillings = feeBillings
    self.numbers = numbers
    self.recordedAt = recordedAt
  }
}

/// An amount that cannot be recorded exactly in its currency's minor units.
struct InexactAmount: Error, CustomStringConvertible {
  var description: String
}

extension LedgerStore {
  /// Writes a run's rows (inside the caller's transaction).
  func write(_ r: LedgerRecord) throws {
    try db.run(
      "INSERT INTO runs (run, as_of, folder, items, recorded_at, checksum) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      [
        .integer(Int64(r.run)), .text(r.asOf.description), .text(r.folder), .integer(Int64(r.items.count)), .text(r.recordedAt),
        .text(
          LedgerChecksum.of(
            run: r.run, asOf: r.asOf, folder: r.folder, items: r.items, documents: r.documents.map(\.ledgerInvoice), decision: r.decision,
            approvals: r.approvalRequests, act: r.approvalAct, hold: r.hold, creditNotes: r.creditNotes, entries: r.journalEntries)),
      ])
    // Items, reminders, applications and document lines go in many rows a statement (`BatchInsert`).
    let item = BatchInsert(db, table: "items", columns: ["key", "run", "position", "kind", "date", "customer"])
    let reminder = BatchInsert(db, table: "reminders", columns: ["key", "cadence", "step", "contacted", "invoices"])
    let payment = BatchInsert(
      db, table: "payments",
      columns: [
        "key", "rule", "status", "currency", "amount", "credit", "written_off", "unapplied", "end_to_end_id", "mandate_id", "bank_reference",
        "payer_account", "refunded", "supersedes", "queue", "reason", "candidates", "holds_dunning",
      ])
    let application = BatchInsert(
      db, table: "applications",
      columns: ["payment", "position", "invoice", "currency", "places", "settled", "applied", "written_off", "discount", "paid_before"])
    // Rows go in in key order (their place in the run is the `position` column): a B-tree takes keys in order
    // as appends, while keys in output order each cost a search through the whole tree. Every item first (the
    // other rows refer to theirs), then each item's rows.
    // (Each item's key made once: an item's `key` copies its payload out of the enum, every string retained.)
    let keys = r.items.map(\.key)
    let ordered = UTF8Order.sortedIndices(keys)
    for position in ordered {
      let i = r.items[position]
      try item.add([.text(keys[position]), .integer(Int64(r.run)), .integer(Int64(position)), .text(i.kind.rawValue), .text(i.date.description), .text(i.customer)])
    }
    try item.finish()
    for position in ordered {
      switch r.items[position] {
      case .invoice, .paymentReturn, .payout: break
      case .reminder(let s):
        try reminder.add([.text(s.key), .text(s.cadence), .text(s.step), .integer(s.contacted ? 1 : 0), .text(JSONText.array(s.invoices))])
      case .cashApplication(let p):
        let c = p.amount?.currency
        func m(_ f: Fixed) throws -> SQLValue {
          guard let c else { return .integer(0) }
          return .integer(try Self.minor(f, c, "payment \(p.key)"))
        }
        var row: [SQLValue] = [
          .text(p.key), .text(p.rule), .text(p.status?.rawValue ?? "unknown"), c.map { .text($0.code) } ?? .null,
          try p.amount.map { a throws -> SQLValue in .integer(try Self.minor(a.amount, a.currency, "payment \(p.key)")) } ?? .null,
          try m(p.credit), try m(p.overpaymentWrittenOff), try m(p.unapplied),
        ]
        row += p.trace.map { t in [t.endToEndID, t.mandateID, t.bankReference, t.payerAccount].map { SQLValue.text($0) } } ?? [.null, .null, .null, .null]
        row += [try m(p.refunded), p.supersedes.map { .text($0) } ?? .null]
        row +=
          p.queue.isEmpty && p.reason.isEmpty && p.candidates.isEmpty
          ? [.null, .null, .null] : [.text(p.queue), .text(p.reason), .text(JSONText.array(p.candidates))]
        row.append(p.holdsDunning ? .integer(1) : .null)
        try payment.add(row)
      }
    }
    try reminder.finish()
    try payment.finish()
    // Each payment's applications after every payment (they refer to theirs).
    for position in ordered {
      guard case .cashApplication(let p) = r.items[position] else { continue }
      let c = p.amount?.currency
      for (k, s) in p.settlements.enumerated() {
        func n(_ f: Fixed) throws -> SQLValue { .integer(try Self.minor(f, places: s.places, "payment \(p.key) on invoice \(s.invoice)")) }
        try application.add([
          .text(p.key), .integer(Int64(k)), .text(s.invoice), c.map { .text($0.code) } ?? .null, .integer(Int64(s.places)),
          try n(s.settled), try n(s.applied), try n(s.writtenOff), try n(s.discount), try n(s.paidBefore),
        ])
      }
    }
    try application.finish()
    try writeDocuments(r)
    try writeDecision(r)
    try writeCreditNotes(r)
    try writeApprovals(r)
    try writeReturns(r)
    try writePayouts(r)
    try writeFees(r)
    try writeSequences(r)
    try writeJournalEntries(r)
  }

  func writeDocuments(_ r: LedgerRecord) throws {
    let document = BatchInsert(
      db, table: "documents",
      columns: [
        "key", "number", "kind", "customer", "contract", "plan", "currency", "issue_date", "due_date", "period_start", "period_end",
        "subtotal", "tax", "total", "terms", "sequence_scope", "sequence",
      ])
    var numbers: [String: (scope: String, sequence: Int)] = [:]
    for n in r.numbers { numbers[n.document] = (n.scope, n.sequence) }
    let line = BatchInsert(
      db, table: "document_lines",
      columns: ["document", "line", "kind", "description", "charge", "quantity", "unit_price", "amount", "period_start", "period_end", "rule"])
    let tax = BatchInsert(db, table: "document_taxes", columns: ["document", "line", "label", "rate", "inclusive", "amount", "rule"])
    // Every document first, then their lines and taxes (they refer to theirs), each in key order.
    let ordered = UTF8Order.sortedIndices(count: r.documents.count, key: { r.documents[$0].key })
    for i in ordered {
      let d = r.documents[i]
      func what() -> String { "invoice \(d.key)" }
      let n = numbers[d.key]
      let taxTotal = try d.taxes.filter { !$0.inclusive }.reduce(Int64(0)) { sum, t in
        let (v, o) = sum.addingReportingOverflow(try Self.minor(t.amount, d.currency, what()))
        if o { throw InexactAmount(description: "the taxes of \(what()) add up to more than can be recorded") }
        return v
      }
      try document.add([
        .text(d.key), d.number.map(SQLValue.text) ?? .null, .text(d.kind.rawValue), .text(d.customerID), .text(d.contractID), .text(d.plan),
        .text(d.currency.code), .text(d.issueDate.description), .text(d.dueDate.description), .text(d.periodStart.description),
        .text(d.periodEnd.description), .integer(try Self.minor(d.subtotal, d.currency, what())), .integer(taxTotal),
        .integer(try Self.minor(d.total, d.currency, what())), .text(d.terms.description),
        n.map { .text($0.scope) } ?? .null, n.map { .integer(Int64($0.sequence)) } ?? .null,
      ])
    }
    try document.finish()
    for i in ordered {
      let d = r.documents[i]
      func what() -> String { "invoice \(d.key)" }
      for (k, l) in d.lines.enumerated() {
        try line.add([
          .text(d.key), .integer(Int64(k + 1)), .text(l.kind.ledgerName), .text(l.description), l.charge.map(SQLValue.text) ?? .null,
          l.quantity.map { .text($0.description) } ?? .null, l.unitPrice.map { .text($0.description) } ?? .null,
          .integer(try Self.minor(l.amount, d.currency, "a line of \(what())")), .text(l.periodStart.description), .text(l.periodEnd.description),
          .text(l.rule.description),
        ])
      }
      for (k, t) in d.taxes.enumerated() {
        try tax.add([
          .text(d.key), .integer(Int64(k + 1)), .text(t.label), .text(t.rate.description), .integer(t.inclusive ? 1 : 0),
          .integer(try Self.minor(t.amount, d.currency, "a tax of \(what())")), .text(t.rule.description),
        ])
      }
    }
    try line.finish()
    try tax.finish()
  }

  /// The dispute, promise or payment plan the run's decision records, if any.
  func writeHold(_ r: LedgerRecord) throws {
    guard let h = r.hold else { return }
    let amount: SQLValue = try h.amount.map { .integer(try Self.minor($0.amount, $0.currency, "the \(h.kind.rawValue)")) } ?? .null
    try db.run(
      """
      INSERT INTO collection_holds (run, kind, customer, invoice, currency, amount, start_date, end_date, state, plan_id)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
      """,
      [
        .integer(Int64(r.run)), .text(h.kind.rawValue), .text(h.customer), .text(h.invoice), h.amount.map { .text($0.currency.code) } ?? .null, amount,
        h.start.map { .text($0.description) } ?? .null, h.end.map { .text($0.description) } ?? .null, .text(h.state), .text(h.planID),
      ])
  }

  /// The credit notes the run issued (after the items: their postings are among them).
  func writeCreditNotes(_ r: LedgerRecord) throws {
    for n in r.creditNotes {
    let what = "credit note \(n.number)"
    try db.run(
      """
      INSERT INTO credit_notes (key, run, number, invoice, customer, currency, issue_date, net, tax, total, settled, credit, reason, posting,
        sequence_scope, sequence, rule, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
      """,
      [
        .text(n.key), .integer(Int64(r.run)), .text(n.number), .text(n.invoice), .text(n.customer), .text(n.currency.code),
        .text(n.issueDate.description), .integer(try Self.minor(n.net, n.currency, what)), .integer(try Self.minor(n.tax, n.currency, what)),
        .integer(try Self.minor(n.total, n.currency, what)), .integer(try Self.minor(n.settled, n.currency, what)),
        .integer(try Self.minor(n.credit, n.currency, what)), .text(n.reason), .text(n.postingKey), n.scope.map(SQLValue.text) ?? .null,
        n.sequence.map { .integer(Int64($0)) } ?? .null, n.rule.isEmpty ? .null : .text(n.rule), n.line.map { .integer(Int64($0)) } ?? .null,
      ])
    }
  }

  /// The person's decision the run records, if it is one.
  func writeDecision(_ r: LedgerRecord) throws {
    try writeHold(r)
    guard let d = r.decision else { return }
    // (`request`, version 12, only when there is one: a decision that carries out no request is written as before.)
    guard d.request != nil else {
      try db.run(
        "INSERT INTO decisions (run, kind, subject, decided_by, note, summary, customer, asked_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [.integer(Int64(r.run)), .text(d.kind.rawValue), .text(d.subject), .text(d.by), .text(d.note), .text(d.summary), .text(d.customer), .text(d.askedBy)])
      return
    }
    try db.run(
      "INSERT INTO decisions (run, kind, subject, decided_by, note, summary, customer, asked_by, request) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      [
        .integer(Int64(r.run)), .text(d.kind.rawValue), .text(d.subject), .text(d.by), .text(d.note), .text(d.summary), .text(d.customer), .text(d.askedBy),
        d.request.map { .text($0) } ?? .null,
      ])
  }

  /// The run's returns linked to their original (after the items: both keys are among them).
  func writeReturns(_ r: LedgerRecord) throws {
    let insert = try db.prepare(
      """
      INSERT INTO payment_returns (key, original, run, date, currency, amount, reason, reversed, source)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
      """)
    for case .paymentReturn(let p) in r.items {
      try insert.run([
        .text(p.key), .text(p.original), .integer(Int64(r.run)), .text(p.date.description), .text(p.amount.currency.code),
        .integer(try Self.minor(p.amount.amount, p.amount.currency, "return \(p.key)")), .text(p.reason), .integer(p.reversed ? 1 : 0),
        .text(p.source),
      ])
    }
  }

  func writeFees(_ r: LedgerRecord) throws {
    let fee = try db.prepare(
      """
      INSERT INTO fees (key, run, kind, date, customer, invoice, reminder, currency, amount, rule)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
      """)
    for f in r.fees {
      try fee.run([
        .text(f.key), .integer(Int64(r.run)), .text(f.kind.rawValue), .text(f.date.description), .text(f.customer), .text(f.invoice),
        .text(f.reminder), .text(f.currency.code), .integer(try Self.minor(f.amount, f.currency, "fee \(f.key)")), .text(f.rule),
      ])
    }
    let billing = try db.prepare("INSERT INTO fee_billings (fee, document, run) VALUES (?1, ?2, ?3)")
    for b in r.feeBillings { try billing.run([.text(b.fee), .text(b.document), .integer(Int64(r.run))]) }
  }

  /// Moves each numbering sequence the run drew from to its last number, after checking that the run's numbers
  /// follow the ledger's last one without a gap (a sequence another writer moved meanwhile fails the run).
  func writeSequences(_ r: LedgerRecord) throws {
    var drawn: [String: [Int]] = [:]
    for n in r.numbers { drawn[n.scope, default: []].append(n.sequence) }
    let insert = try db.prepare("INSERT INTO sequences (scope, last) VALUES (?1, ?2)")
    let update = try db.prepare("UPDATE sequences SET last = ?2 WHERE scope = ?1 AND last = ?3")
    for (scope, numbers) in drawn.sorted(by: { $0.key < $1.key }) {
      let sorted = numbers.sorted()
      let before = sorted[0] - 1
      guard sorted.enumerated().allSatisfy({ $0.element == before + 1 + $0.offset }) else {
        throw InexactAmount(description: "the numbers of sequence \(scope) this run gives are not consecutive: numbers must stay gapless")
      }
      if before == 0 {
        try insert.run([.text(scope), .integer(Int64(sorted.last!))])
      } else {
        try update.run([.text(scope), .integer(Int64(sorted.last!)), .integer(Int64(before))])
        if db.changes != 1 {
          throw InexactAmount(description: "number \(before + 1) of sequence \(scope) does not follow its last number: numbers must stay gapless")
        }
      }
    }
  }

  /// An amount in its currency's minor units, exactly.
  /// (`what` names the amount in the error, made only then.)
  static func minor(_ f: Fixed, _ c: Currency, _ what: @autoclosure () -> String) throws -> Int64 {
    try minor(f, places: c.minorUnits, what() + " (\(c.code))")
  }

  /// An amount in units of 10^-places, exactly: an amount finer than that cannot be recorded (never rounded here).
  static func minor(_ f: Fixed, places: Int, _ what: @autoclosure () -> String) throws -> Int64 {
    guard let v = f.toMinorUnits(exponent: places, .down), Fixed(minorUnits: v, exponent: places) == f else {
      throw InexactAmount(description: "\(f) of \(what()) cannot be recorded in units of 10^-\(places)")
    }
    return v
  }
}

extension Statement {
  /// Binds and runs a statement that returns no rows.
  func run(_ values: [SQLValue]) throws(SQLiteError) {
    try bind(values)
    while try step() {}
  }
}

extension InvoiceLine.Kind {
  /// The kind as the ledger's `document_lines.kind` names it.
  var ledgerName: String {
    switch self {
    case .charge: "charge"
    case .usage: "usage"
    case .discount: "discount"
    case .minimumTrueUp: "minimum_true_up"
    case .credit: "credit"
    case .fee: "fee"
    }
  }
}
