import AccrueCore
import AccrueModel
import AccrueSQLite

extension LedgerStore {
  /// Everything the ledger recorded, as runs read it back: runs with their items in order, the documents issued
  /// (receivables), the fees and what billed them, the last number of each sequence.
  public func history() throws(JournalError) -> Journal {
    do {
      return try readHistory()
    } catch let e as JournalError { throw e } catch let e as SQLiteError {
      throw JournalError(message: "cannot read the ledger \(path): \(e.message)")
    } catch { throw JournalError(message: "cannot read the ledger \(path): \(error)") }
  }

  private func readHistory() throws -> Journal {
    var j = Journal()
    let settlements = try grouped(
      "SELECT payment, invoice, places, settled, written_off, discount, paid_before FROM applications ORDER BY payment, position"
    ) { r -> PostedPayment.Settlement in
      let places = Int(r[2].integer ?? 0)
      func f(_ v: SQLValue) -> Fixed { Fixed(minorUnits: v.integer ?? 0, exponent: places) }
      var s = PostedPayment.Settlement(invoice: r[1].text ?? "", settled: f(r[3]), paidBefore: f(r[6]), places: places)
      s.writtenOff = f(r[4])
      s.discount = f(r[5])
      return s
    }
    var reminders: [String: (cadence: String, step: String, contacted: Bool, invoices: [String])] = [:]
    for r in try db.query("SELECT key, cadence, step, contacted, invoices FROM reminders") {
      let key = r[0].text ?? ""
      guard let invoices = JSONText.strings(r[4].text ?? "") else {
        throw JournalError(message: "\(path): reminder \(key): its invoices are not a JSON array of texts")
      }
      reminders[key] = (r[1].text ?? "", r[2].text ?? "", r[3].integer != 0, invoices)
    }
    var payments: [String: [SQLValue]] = [:]
    let traced = try !db.query("SELECT 1 FROM pragma_table_info('payments') WHERE name = 'end_to_end_id'").isEmpty
    let traceColumns = traced ? ", end_to_end_id, mandate_id, bank_reference, payer_account" : ", NULL, NULL, NULL, NULL"
    // Version 4: refunds and superseded postings.
    let revised = try !db.query("SELECT 1 FROM pragma_table_info('payments') WHERE name = 'supersedes'").isEmpty
    let revisionColumns = revised ? ", refunded, supersedes" : ", 0, NULL"
    // Version 6: why a payment waits.
    let why = try !db.query("SELECT 1 FROM pragma_table_info('payments') WHERE name = 'queue'").isEmpty
    let whyColumns = why ? ", queue, reason, candidates" : ", NULL, NULL, NULL"
    // Version 13: whether a waiting payment holds its invoices' dunning.
    let holding = try !db.query("SELECT 1 FROM pragma_table_info('payments') WHERE name = 'holds_dunning'").isEmpty
    let holdColumns = holding ? ", holds_dunning" : ", NULL"
    for r in try db.query("SELECT key, rule, status, currency, amount, credit, written_off, unapplied\(traceColumns)\(revisionColumns)\(whyColumns)\(holdColumns) FROM payments") {
      payments[r[0].text ?? ""] = r
    }
    let returns = try paymentReturns()
    let payouts = try recordedPayouts()
    let decided = try decisions()
    let held = try holds()
    var runs: [Int: JournalRun] = [:]
    var order: [Int] = []
    var checksums: [Int: String] = [:]
    for r in try db.query("SELECT run, as_of, folder, checksum, recorded_at FROM runs ORDER BY run") {
      let n = Int(r[0].integer ?? 0)
      runs[n] = JournalRun(number: n, asOf: try date(r[1], "runs.as_of"), folder: r[2].text ?? "", items: [], decision: decided[n])
      runs[n]?.hold = held[n]
      runs[n]?.recordedAt = r[4].text ?? ""
      order.append(n)
      checksums[n] = r[3].text ?? ""
    }
    let items = try db.prepare("SELECT key, run, kind, date, customer FROM items ORDER BY run, position")
    try items.bind([])
    while try items.step() {
      let r = try items.row()
      let (key, run, customer) = (r[0].text ?? "", Int(r[1].integer ?? 0), r[4].text ?? "")
      let day = try date(r[3], "items.date")
      let item: JournalItem
      switch JournalItem.Kind(rawValue: r[2].text ?? "") {
      case .invoice: item = .invoice(IssuedInvoice(key: key, date: day, customer: customer))
      case .reminder:
        let d = reminders[key] ?? ("", "", true, [])
        item = .reminder(
          SentReminder(key: key, date: day, customer: customer, cadence: d.cadence, step: d.step, invoices: d.invoices, contacted: d.contacted))
      case .match:
        if let back = returns[key] {
          item = .paymentReturn(back)
        } else if let payout = payouts[key] {
          item = .payout(payout)
        } else {
          item = .cashApplication(payment(key, day, customer, payments[key], settlements[key] ?? []))
        }
      case nil: throw JournalError(message: "\(path): item \(key) has a kind this Accrue does not know (\(r[2].text ?? ""))")
      }
      runs[run]?.items.append(item)
    }
    j.runs = try withApprovals(order.compactMap { runs[$0] })
    j.receivables = try receivables()
    try check(j, checksums)
    j.fees = try fees()
    for r in try db.query("SELECT scope, last FROM sequences") { j.sequences[r[0].text ?? ""] = Int(r[1].integer ?? 0) }
    j.returnsFirstFrom = try returnsFirstFrom()
    return j
  }

  private func payment(_ key: String, _ day: CivilDate, _ customer: String, _ r: [SQLValue]?, _ s: [PostedPayment.Settlement]) -> PostedPayment {
    var p = PostedPayment(key: key, date: day, customer: customer, rule: r?[1].text ?? "", status: CashStatus(rawValue: r?[2].text ?? ""), settlements: s)
    if let r, let code = r[3].text, let c = Currency.lookup(code) {
      func f(_ v: SQLValue) -> Fixed { Fixed(minorUnits: v.integer ?? 0, exponent: c.minorUnits) }
      if r[4] != .null { p.amount = Money(amount: f(r[4]), currency: c) }
      p.credit = f(r[5])
      p.overpaymentWrittenOff = f(r[6])
      p.unapplied = f(r[7])
    }
    if let r, r.count >= 12, r[8] != .null {
      p.trace = PaymentTrace(endToEndID: r[8].text ?? "", mandateID: r[9].text ?? "", bankReference: r[10].text ?? "", payerAccount: r[11].text ?? "")
    }
    if let r, r.count >= 14 {
      if let code = r[3].text, let c = Currency.lookup(code) { p.refunded = Fixed(minorUnits: r[12].integer ?? 0, exponent: c.minorUnits) }
      p.supersedes = r[13].text
    }
    if let r, r.count >= 17 {
      p.queue = r[14].text ?? ""
      p.reason = r[15].text ?? ""
      p.candidates = r[16].text.flatMap(JSONText.strings) ?? []
    }
    if let r, r.count >= 18 { p.holdsDunning = r[17].integer == 1 }
    return p
  }

  /// The runs with the approval requests each recorded and what each decision did to one (schema version 5), the
  /// credit note each decision issued (version 8; several per run from version 9) and the journal entries each posted (version 11).
  private func withApprovals(_ runs: [JournalRun]) throws -> [JournalRun] {
    var out = runs
    let posted = try journalEntries()
    if !posted.isEmpty { for k in out.indices { out[k].journalEntries = posted[out[k].number] ?? [] } }
    let credited = try creditNotes()
    if !credited.isEmpty { for k in out.indices { out[k].creditNotes = credited[out[k].number] ?? [] } }
    let (asked, acts) = try approvals()
    if asked.isEmpty && acts.isEmpty { return out }
    for k in out.indices {
      out[k].approvalRequests = asked[out[k].number] ?? []
      out[k].approvalAct = acts[out[k].number]
    }
    return out
  }

  /// People's decisions, by their run (none before schema version 4).
  /// The first run that undid its returns before matching (`Journal.returnsFirstFrom`); a ledger of version 2 or
  /// earlier (read before its migration): every run was computed returns last.
  private func returnsFirstFrom() throws -> Int {
    if let from = try db.query("SELECT value FROM meta WHERE key = 'returns_first_from_run'").first?.first?.text.flatMap({ Int($0) }) {
      return from
    }
    return try schemaVersion() < 3 ? Int.max : 1
  }

  /// Disputes, promises and payment plans people recorded, by their run (none before schema version 7).
  private func holds() throws -> [Int: CollectionHold] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'collection_holds'").isEmpty else { return [:] }
    var out: [Int: CollectionHold] = [:]
    let q = "SELECT run, kind, customer, invoice, currency, amount, start_date, end_date, state, plan_id FROM collection_holds"
    for r in try db.query(q) {
      let run = Int(r[0].integer ?? 0)
      guard let kind = CollectionHold.Kind(rawValue: r[1].text ?? "") else {
        throw JournalError(message: "\(path): run \(run) records a hold of a kind this Accrue does not know (\(r[1].text ?? "")); use a newer Accrue")
      }
      var amount: Money?
      if let code = r[4].text {
        guard let c = Currency.lookup(code) else { throw JournalError(message: "\(path): run \(run) records an unknown currency \(code)") }
        amount = Money(amount: Fixed(minorUnits: r[5].integer ?? 0, exponent: c.minorUnits), currency: c)
      }
      out[run] = CollectionHold(
        kind: kind, customer: r[2].text ?? "", invoice: r[3].text ?? "", amount: amount, start: r[6].text.flatMap(CivilDate.parse),
        end: r[7].text.flatMap(CivilDate.parse), state: r[8].text ?? "", planID: r[9].text ?? "")
    }
    return out
  }

  /// Credit notes people issued, by their run (none before schema version 8).
  private func creditNotes() throws -> [Int: [CreditNote]] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'credit_notes'").isEmpty else { return [:] }
    var out: [Int: [CreditNote]] = [:]
    // A ledger of version 8 (read without migrating) has no `rule`.
    // (and one of version 9 no `line`).
    let rule = try db.query("SELECT 1 FROM pragma_table_info('credit_notes') WHERE name = 'rule'").isEmpty ? "NULL" : "rule"
    let line = try db.query("SELECT 1 FROM pragma_table_info('credit_notes') WHERE name = 'line'").isEmpty ? "NULL" : "line"
    let q = """
      SELECT run, key, number, invoice, customer, currency, issue_date, net, tax, total, settled, credit, reason, sequence_scope, sequence, \(rule), \(line)
      FROM credit_notes ORDER BY run, posting
      """
    for r in try db.query(q) {
      let run = Int(r[0].integer ?? 0)
      guard let c = Currency.lookup(r[5].text ?? "") else { throw JournalError(message: "\(path): credit note \(r[1].text ?? "") has an unknown currency") }
      func f(_ v: SQLValue) -> Fixed { Fixed(minorUnits: v.integer ?? 0, exponent: c.minorUnits) }
      var n = CreditNote(
        key: r[1].text ?? "", number: r[2].text ?? "", invoice: r[3].text ?? "", customer: r[4].text ?? "",
        issueDate: try date(r[6], "credit_notes.issue_date"), currency: c, net: f(r[7]), tax: f(r[8]), total: f(r[9]), settled: f(r[10]),
        credit: f(r[11]), reason: r[12].text ?? "", scope: r[13].text, sequence: r[14].integer.map { Int($0) })
      n.rule = r[15].text ?? ""
      n.line = r[16].integer.map { Int($0) }
      out[run, default: []].append(n)
    }
    return out
  }

  private func decisions() throws -> [Int: Decision] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decisions'").isEmpty else { return [:] }
    var out: [Int: Decision] = [:]
    let hasRequest = try !db.query("SELECT 1 FROM pragma_table_info('decisions') WHERE name = 'request'").isEmpty
    let q = "SELECT run, kind, subject, decided_by, note, summary, customer, asked_by, \(hasRequest ? "request" : "NULL") FROM decisions"
    for r in try db.query(q) {
      guard let kind = Decision.Kind(rawValue: r[1].text ?? "") else {
        throw JournalError(message: "\(path): run \(r[0].integer ?? 0) records a decision of a kind this Accrue does not know (\(r[1].text ?? "")); use a newer Accrue")
      }
      out[Int(r[0].integer ?? 0)] = Decision(
        kind: kind, subject: r[2].text ?? "", by: r[3].text ?? "", note: r[4].text ?? "", summary: r[5].text ?? "", customer: r[6].text ?? "",
        askedBy: r[7].text ?? "", request: r[8].text)
    }
    return out
  }

  /// The returns linked to their original, by key (none in a ledger of schema version 1, read before its migration).
  private func paymentReturns() throws -> [String: PaymentReturn] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payment_returns'").isEmpty else { return [:] }
    var out: [String: PaymentReturn] = [:]
    let q = "SELECT r.key, r.original, r.date, r.currency, r.amount, r.reason, r.reversed, r.source, i.customer FROM payment_returns r JOIN items i ON i.key = r.key"
    for r in try db.query(q) {
      let key = r[0].text ?? ""
      guard let c = Currency.lookup(r[3].text ?? "") else {
        throw JournalError(message: "\(path): return \(key) has a currency this Accrue does not know")
      }
      out[key] = PaymentReturn(
        key: key, original: r[1].text ?? "", date: try date(r[2], "payment_returns.date"), customer: r[8].text ?? "",
        amount: Money(amount: Fixed(minorUnits: r[4].integer ?? 0, exponent: c.minorUnits), currency: c), reason: r[5].text ?? "",
        source: r[7].text ?? "", reversed: r[6].integer != 0)
    }
    return out
  }

  private func receivables() throws -> [LedgerInvoice] {
    var out: [LedgerInvoice] = []
    let q = """
      SELECT d.key, d.number, d.kind, d.customer, d.contract, d.currency, d.issue_date, d.due_date, d.total, i.run
      FROM documents d JOIN items i ON i.key = d.key ORDER BY i.run, i.position
      """
    for r in try db.query(q) {
      let key = r[0].text ?? ""
      guard let c = Currency.lookup(r[5].text ?? ""), let kind = LedgerInvoice.Kind(rawValue: r[2].text ?? "") else {
        throw JournalError(message: "\(path): document \(key) has a currency or kind this Accrue does not know")
      }
      out.append(
        LedgerInvoice(
          key: key, number: r[1].text, kind: kind, customer: r[3].text ?? "", contract: r[4].text ?? "", currency: c,
          issueDate: try date(r[6], "documents.issue_date"), dueDate: try date(r[7], "documents.due_date"),
          total: Fixed(minorUnits: r[8].integer ?? 0, exponent: c.minorUnits), run: Int(r[9].integer ?? 0)))
    }
    return out
  }

  private func fees() throws -> [LedgerFee] {
    var out: [LedgerFee] = []
    let q = """
      SELECT f.key, f.kind, f.date, f.customer, f.invoice, f.reminder, f.rule, f.currency, f.amount, b.document, f.run
      FROM fees f LEFT JOIN fee_billings b ON b.fee = f.key ORDER BY f.run, f.key
      """
    for r in try db.query(q) {
      let key = r[0].text ?? ""
      guard let c = Currency.lookup(r[7].text ?? ""), let kind = LedgerFee.Kind(rawValue: r[1].text ?? "") else {
        throw JournalError(message: "\(path): fee \(key) has a currency or kind this Accrue does not know")
      }
      out.append(
        LedgerFee(
          key: key, kind: kind, date: try date(r[2], "fees.date"), customer: r[3].text ?? "", invoice: r[4].text ?? "",
          reminder: r[5].text ?? "", rule: r[6].text ?? "", amount: Fixed(minorUnits: r[8].integer ?? 0, exponent: c.minorUnits),
          currency: c, billedOn: r[9].text, run: Int(r[10].integer ?? 0)))
    }
    return out
  }

  /// Each run read back against the checksum recorded with it (`LedgerChecksum`).
  private func check(_ j: Journal, _ checksums: [Int: String]) throws {
    var documents: [Int: [LedgerInvoice]] = [:]
    for d in j.receivables {
      var plain = d
      plain.run = 0
      documents[d.run, default: []].append(plain)
    }
    for run in j.runs {
      let sum = LedgerChecksum.of(
        run: run.number, asOf: run.asOf, folder: run.folder, items: run.items, documents: documents[run.number] ?? [], decision: run.decision,
        approvals: run.approvalRequests, act: run.approvalAct, hold: run.hold, creditNotes: run.creditNotes, entries: run.journalEntries)
      if sum != checksums[run.number] {
        throw JournalError(
          message: "\(path): run \(run.number) (\(run.folder)) no longer matches the checksum recorded with it: the file was damaged or "
            + "changed outside Accrue. Accrue will not guess what it recorded: restore the state folder from a backup")
      }
    }
  }

  /// Rows grouped by their first column (a text key), in query order.
  private func grouped<T>(_ sql: String, _ make: ([SQLValue]) throws -> T) throws -> [String: [T]] {
    var out: [String: [T]] = [:]
    for r in try db.query(sql) { out[r[0].text ?? "", default: []].append(try make(r)) }
    return out
  }

  private func date(_ v: SQLValue, _ column: String) throws -> CivilDate {
    guard let t = v.text, let d = CivilDate.parse(t) else {
      throw JournalError(message: "\(path): \(column) holds '\(v.text ?? "NULL")', not a date YYYY-MM-DD")
    }
    return d
  }
}
