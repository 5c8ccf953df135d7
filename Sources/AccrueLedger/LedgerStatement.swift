import AccrueCore
import AccrueModel
import AccrueSQLite

extension LedgerReader {
  /// The customers the ledger knows (ids, sorted): those it issued documents to, reminded, received payments from
  /// or charged fees.
  public func customers() throws(JournalError) -> [String] {
    try query("SELECT DISTINCT customer FROM items WHERE customer <> '' UNION SELECT customer FROM fees ORDER BY 1").compactMap { $0[0].text }
  }

  /// The statement of account of `customer`, leaving out what is dated after `asOf`; nil when the ledger does not
  /// know the customer.
  public func statement(customer: String, asOf: CivilDate?) throws(JournalError) -> LedgerStatement? {
    try snapshot { () throws(JournalError) -> LedgerStatement? in
      let known = try query(
        "SELECT EXISTS (SELECT 1 FROM items WHERE customer = ?1) OR EXISTS (SELECT 1 FROM fees WHERE customer = ?1)", [.text(customer)])
      guard known.first?.first?.integer == 1 else { return nil }
      var lines = StatementLines(path: path)
      let ids = try documents(customer, &lines)
      try applications(customer, &lines)
      try payments(customer, documentIDs: ids, &lines)
      if schemaVersion >= 2 { try returns(customer, documentIDs: ids, &lines) }
      if schemaVersion >= 4 { try replaced(customer, documentIDs: ids, &lines) }
      try fees(customer, &lines)
      let (run, runAsOf) = try lastRun()
      let sections = try lines.sections(asOf: asOf)
      return LedgerStatement(customer: customer, asOf: asOf, lastRun: run, lastRunAsOf: runAsOf, ledger: path, sections: sections)
    }
  }

  /// The date a posting's lines are on: the payment's booking date, or for a person's decision (a resolution, a
  /// reversal) the decision's date, when the books changed (as aging and the next runs see it).
  static let postedOn = "CASE WHEN p.rule = 'decision' THEN (SELECT r.as_of FROM runs r WHERE r.run = i.run) ELSE i.date END"

  /// The customer's documents (debits); returns their ids.
  private func documents(_ customer: String, _ lines: inout StatementLines) throws(JournalError) -> Set<String> {
    var ids: Set<String> = []
    let q = """
      SELECT coalesce(d.number, d.key), d.kind, d.currency, d.issue_date, d.due_date, d.total, i.run, i.position, d.terms
      FROM documents d JOIN items i ON i.key = d.key WHERE d.customer = ?1
      """
    for r in try query(q, [.text(customer)]) {
      let id = r[0].text ?? ""
      ids.insert(id)
      let kind: LedgerStatement.Entry.Kind = r[1].text == "debit_note" ? .debitNote : .invoice
      let c = try lines.currency(r[2], "document \(id)")
      let what = kind == .invoice ? "Invoice" : "Debit note"
      try lines.add(
        c, date: r[3], kind, reference: id, document: id, "\(what), due \(r[4].text ?? "?") (\(r[8].text ?? ""))",
        minor: r[5], places: c.minorUnits, .debit, order: (Int(r[6].integer ?? 0), Int(r[7].integer ?? 0), 0),
        dueDate: r[4].text.flatMap(CivilDate.parse))
    }
    return ids
  }

  /// What payments settled on the customer's documents: the money applied, write-offs and discounts (credits) for
  /// posted payments; a suggested payment's proposal as a memo.
  private func applications(_ customer: String, _ lines: inout StatementLines) throws(JournalError) {
    let q = """
      SELECT \(LedgerExportTables.payment("a.payment")), a.position, a.invoice, a.places, a.applied, a.written_off, a.discount,
        p.status, \(Self.postedOn), i.run, i.position, d.currency, a.settled, a.payment
      FROM documents d JOIN applications a ON a.invoice = coalesce(d.number, d.key) JOIN payments p ON p.key = a.payment
        JOIN items i ON i.key = a.payment
      WHERE d.customer = ?1
      """
    let numbers = try creditNoteNumbers()
    for r in try query(q, [.text(customer)]) {
      let (payment, invoice, places) = (r[0].text ?? "", r[2].text ?? "", Int(r[3].integer ?? 0))
      let c = try lines.currency(r[11], "document \(invoice)")
      let order = (Int(r[9].integer ?? 0), Int(r[10].integer ?? 0), 1 + 4 * Int(r[1].integer ?? 0))
      guard r[7].text == "applied" || r[7].text == "exception" else {
        try lines.add(
          c, date: r[8], .unapplied, reference: payment, document: invoice,
          "Payment suggested for \(invoice), waiting for review: not applied", minor: r[12], places: places, .memo, order: order)
        continue
      }
      if let number = numbers[r[13].text ?? ""] {
        try lines.add(
          c, date: r[8], .creditNote, reference: number, document: invoice, "Credit note \(number) on \(invoice)", minor: r[12], places: places,
          .credit, order: order)
        continue
      }
      if CreditBook.isUse(r[13].text ?? "") {
        // A use of credit on account: the document's balance and the account's credit go down together.
        try lines.add(
          c, date: r[8], .creditUsed, reference: payment, document: invoice, "Credit on account used on \(invoice)", minor: r[4],
          places: places, .credit, order: order)
        try lines.add(
          c, date: r[8], .creditTaken, reference: payment, document: invoice, "Credit on account taken for \(invoice)", minor: r[4],
          places: places, .debit, order: (order.0, order.1, order.2 + 1))
        continue
      }
      let parts: [(LedgerStatement.Entry.Kind, Int, String)] = [
        (.payment, 4, "Payment applied to \(invoice)"),
        (.writeOff, 5, "Short payment written off on \(invoice)"),
        (.discount, 6, "Early-payment discount taken on \(invoice)"),
      ]
      for (k, (kind, column, text)) in parts.enumerated() where (r[column].integer ?? 0) != 0 {
        try lines.add(
          c, date: r[8], kind, reference: payment, document: invoice, text, minor: r[column], places: places, .credit,
          order: (order.0, order.1, order.2 + k))
      }
    }
  }

  /// The numbers of the credit notes, by the key of the posting that carries each (none before schema version 8).
  private func creditNoteNumbers() throws(JournalError) -> [String: String] {
    guard schemaVersion >= 8 else { return [:] }
    var out: [String: String] = [:]
    for r in try query("SELECT posting, number FROM credit_notes") { out[r[0].text ?? ""] = r[1].text ?? "" }
    return out
  }

  /// The customer's payments returned by the bank after a run applied them: what each settled on a document is owed
  /// again (a debit), and the credit it left on account is taken back, on the return's date.
  private func returns(_ customer: String, documentIDs: Set<String>, _ lines: inout StatementLines) throws(JournalError) {
    let q = """
      SELECT \(LedgerExportTables.payment("r.original")), r.date, r.run, i.position, a.position, a.invoice, a.places, a.settled,
        r.currency, p.credit, r.reason
      FROM payment_returns r JOIN items i ON i.key = r.key JOIN payments p ON p.key = r.original
        LEFT JOIN applications a ON a.payment = r.original
      WHERE r.reversed = 1 AND i.customer = ?1
      """
    try undone(
      q, customer, documentIDs: documentIDs, .paymentReturned, &lines,
      applied: { invoice, why in "Payment returned by the bank (\(ReturnReason.describe(why))): its application to \(invoice) reversed" },
      credit: { why in "Payment returned by the bank (\(ReturnReason.describe(why))): the credit it left taken back" })
  }

  /// The customer's payments whose posting a person's decision replaced (`accrue resolve`): on the decision's
  /// date, what the replaced posting settled on each document is owed again and the credit it left is taken back;
  /// the posting that replaces it has lines of its own.
  private func replaced(_ customer: String, documentIDs: Set<String>, _ lines: inout StatementLines) throws(JournalError) {
    let q = """
      SELECT \(LedgerExportTables.payment("o.key")), ru.as_of, i.run, i.position, a.position, a.invoice, a.places, a.settled, o.currency,
        o.credit, \(LedgerExportTables.payment("n.key"))
      FROM payments n JOIN items i ON i.key = n.key JOIN runs ru ON ru.run = i.run JOIN payments o ON o.key = n.supersedes
        JOIN items io ON io.key = o.key LEFT JOIN applications a ON a.payment = o.key
      WHERE n.supersedes IS NOT NULL AND io.customer = ?1 AND o.status IN ('applied', 'exception') AND o.currency IS NOT NULL
      """
    try undone(
      q, customer, documentIDs: documentIDs, .paymentReversed, &lines,
      applied: { invoice, by in "Payment's application to \(invoice) reversed by a person's decision (now \(by))" },
      credit: { by in "Payment's credit on account taken back by a person's decision (now \(by))" })
  }

  /// Lines undoing payments' applications (a return, a person's decision), from rows of `q`: payment, date, run,
  /// place in the run, the application's place, invoice, places, settled, currency, the payment's credit, and a word
  /// for the texts. What each settled on a document is owed again (`kind`, a debit; a memo for a document not in
  /// this statement, as its application was), and once per payment the credit it left is taken back.
  private func undone(
    _ q: String, _ customer: String, documentIDs: Set<String>, _ kind: LedgerStatement.Entry.Kind, _ lines: inout StatementLines,
    applied: (String, String) -> String, credit: (String) -> String
  ) throws(JournalError) {
    var credited = Set<String>()
    for r in try query(q, [.text(customer)]) {
      let (payment, word) = (r[0].text ?? "", r[10].text ?? "")
      let c = try lines.currency(r[8], "payment \(payment)")
      let order = (Int(r[2].integer ?? 0), Int(r[3].integer ?? 0), 1 + 4 * Int(r[4].integer ?? 0))
      if let invoice = r[5].text {
        let here = documentIDs.contains(invoice)
        try lines.add(
          c, date: r[1], here ? kind : .paymentElsewhere, reference: payment, document: invoice,
          applied(invoice, word) + (here ? "" : ", not in this statement"), minor: r[7], places: Int(r[6].integer ?? 0), here ? .debit : .memo,
          order: order)
      }
      if credited.insert(payment).inserted {
        try lines.add(
          c, date: r[1], .creditTaken, reference: payment, document: nil, credit(word), minor: r[9], places: c.minorUnits, .debit,
          order: (order.0, order.1, 0))
      }
    }
  }

  /// The customer's payments: what they left on account (a credit), and as memos what moved no balance here.
  private func payments(_ customer: String, documentIDs: Set<String>, _ lines: inout StatementLines) throws(JournalError) {
    let q = """
      SELECT \(LedgerExportTables.payment("p.key")), p.status, p.currency, p.amount, p.credit, p.written_off, p.unapplied, \(Self.postedOn),
        i.run, i.position, p.key, p.rule, \(schemaVersion >= 4 ? "p.refunded" : "0")
      FROM payments p JOIN items i ON i.key = p.key WHERE i.customer = ?1
      """
    let elsewhere = """
      SELECT a.position, a.invoice, a.places, a.settled, a.currency FROM applications a WHERE a.payment = ?1 ORDER BY a.position
      """
    let numbers = try creditNoteNumbers()
    for r in try query(q, [.text(customer)]) {
      let number = numbers[r[10].text ?? ""]
      let (payment, status) = (number ?? r[0].text ?? "", r[1].text ?? "")
      let order = (Int(r[8].integer ?? 0), Int(r[9].integer ?? 0), 1_000_000)
      if r[11].text == "credit refund", r[2] != .null {
        let c = try lines.currency(r[2], "refund \(payment)")
        try lines.add(
          c, date: r[7], .creditTaken, reference: payment, document: nil, "Credit on account refunded to the customer", minor: r[3],
          places: c.minorUnits, .debit, order: order)
        continue
      }
      for a in try query(elsewhere, [r[10]]) where !documentIDs.contains(a[1].text ?? "") {
        guard r[2] != .null || a[4] != .null else { continue }
        let c = try lines.currency(r[2] != .null ? r[2] : a[4], "payment \(payment)")
        let invoice = a[1].text ?? ""
        if CreditBook.isUse(r[10].text ?? "") {
          try lines.add(
            c, date: r[7], .creditTaken, reference: payment, document: invoice, "Credit on account used on \(invoice), not in this statement",
            minor: a[3], places: Int(a[2].integer ?? 0), .debit, order: (order.0, order.1, 1 + 4 * Int(a[0].integer ?? 0)))
          continue
        }
        let text = number != nil ? "Credit note \(payment) on \(invoice), not in this statement" : status == "suggested"
          ? "Payment suggested for \(invoice), waiting for review: not applied"
          : "Payment applied to \(invoice), not in this statement"
        try lines.add(
          c, date: r[7], status == "suggested" ? .unapplied : .paymentElsewhere, reference: payment, document: invoice, text, minor: a[3],
          places: Int(a[2].integer ?? 0), .memo, order: (order.0, order.1, 1 + 4 * Int(a[0].integer ?? 0)))
      }
      guard r[2] != .null else { continue }
      let c = try lines.currency(r[2], "payment \(payment)")
      try lines.add(
        c, date: r[7], .creditOnAccount, reference: payment, document: nil,
        number != nil ? "Credit note \(payment): left on account (the invoice was paid)" : "Payment left on account", minor: r[4],
        places: c.minorUnits, .credit, order: order)
      let decided = r[11].text == "decision"
      let held =
        decided
        ? (status == "unapplied" ? "Payment unapplied again by a person's decision" : "Payment's rest left unapplied by a person's decision")
        : status == "exception" ? "Payment held for review in an exceptions queue" : "Payment not applied: no invoice found for it"
      try lines.add(
        c, date: r[7], .unapplied, reference: payment, document: nil, held, minor: r[6], places: c.minorUnits, .memo,
        order: (order.0, order.1, order.2 + 1))
      try lines.add(
        c, date: r[7], .overpaymentWrittenOff, reference: payment, document: nil, "Overpayment written off",
        minor: r[5], places: c.minorUnits, .memo, order: (order.0, order.1, order.2 + 2))
      try lines.add(
        c, date: r[7], .refunded, reference: payment, document: nil, "Payment refunded to the payer", minor: r[12], places: c.minorUnits, .memo,
        order: (order.0, order.1, order.2 + 3))
    }
  }

  /// The customer's fees: charged (a debit; before the documents of the day's run, one of which may bill it), then
  /// billed on a document (a credit: the document carries it).
  private func fees(_ customer: String, _ lines: inout StatementLines) throws(JournalError) {
    let q = """
      SELECT f.key, f.kind, f.date, f.invoice, f.currency, f.amount, f.run, ri.position, coalesce(bd.number, bd.key), bd.issue_date,
        bi.run, bi.position
      FROM fees f LEFT JOIN items ri ON ri.key = f.reminder LEFT JOIN fee_billings b ON b.fee = f.key
        LEFT JOIN documents bd ON bd.key = b.document LEFT JOIN items bi ON bi.key = b.document
      WHERE f.customer = ?1
      """
    for r in try query(q, [.text(customer)]) {
      let (key, invoice) = (r[0].text ?? "", r[3].text ?? "")
      let c = try lines.currency(r[4], "fee \(key)")
      let what = r[1].text == "interest" ? "Interest" : "Late fee"
      try lines.add(
        c, date: r[2], .fee, reference: key, document: invoice, "\(what) on \(invoice)", minor: r[5], places: c.minorUnits, .debit,
        order: (Int(r[6].integer ?? 0), -1, Int(r[7].integer ?? Int64(Int32.max))))
      guard let document = r[8].text else { continue }
      try lines.add(
        c, date: r[9], .feeBilled, reference: key, document: document, "\(what) on \(invoice) billed on \(document) (charged \(r[2].text ?? "?"))",
        minor: r[5], places: c.minorUnits, .credit, order: (Int(r[10].integer ?? 0), Int(r[11].integer ?? 0), 1))
    }
  }
}

/// The lines of a statement as they are read, per currency, each with where it falls among lines of the same date
/// (run, place in the run, place within the item); then sorted, filtered and balanced.
struct StatementLines {
  typealias Order = (run: Int, position: Int, part: Int)
  let path: String
  var byCurrency: [Currency: [(entry: LedgerStatement.Entry, order: Order)]] = [:]

  func currency(_ v: SQLValue, _ what: String) throws(JournalError) -> Currency {
    guard let code = v.text, let c = Currency.lookup(code) else {
      throw JournalError(message: "\(path): \(what) has a currency this Accrue does not know ('\(v.text ?? "")')")
    }
    return c
  }

  /// Adds a line of a non-zero amount (zero amounts make no line).
  mutating func add(
    _ c: Currency, date: SQLValue, _ kind: LedgerStatement.Entry.Kind, reference: String, document: String?, _ description: String,
    minor: SQLValue, places: Int, _ effect: LedgerStatement.Entry.Effect, order: (Int, Int, Int), dueDate: CivilDate? = nil
  ) throws(JournalError) {
    guard let n = minor.integer, n != 0 else { return }
    guard let t = date.text, let day = CivilDate.parse(t) else {
      throw JournalError(message: "\(path): \(reference) has a date that is not YYYY-MM-DD ('\(date.text ?? "")')")
    }
    let amount = Fixed(minorUnits: n, exponent: places)
    let e = LedgerStatement.Entry(
      date: day, kind: kind, reference: reference, document: document, dueDate: dueDate, description: description, amount: amount,
      effect: effect)
    byCurrency[c, default: []].append((e, order))
  }

  /// The sections, by currency: lines dated up to `asOf`, in date order (then run, place in the run, place
  /// within the item, reference), each with the running balance.
  func sections(asOf: CivilDate?) throws(JournalError) -> [LedgerStatement.Section] {
    var out: [LedgerStatement.Section] = []
    for c in byCurrency.keys.sorted(by: { $0.code < $1.code }) {
      var lines = (byCurrency[c] ?? []).filter { asOf == nil || $0.entry.date <= asOf! }
      lines.sort { a, b in
        if a.entry.date != b.entry.date { return a.entry.date < b.entry.date }
        if a.order != b.order { return a.order < b.order }
        return a.entry.reference < b.entry.reference
      }
      var entries = lines.map(\.entry)
      var (balance, credit) = (Fixed.zero, Fixed.zero)
      for k in entries.indices {
        let e = entries[k]
        let next: Fixed?
        switch e.effect {
        case .debit: next = balance.adding(e.amount)
        case .credit: next = balance.subtracting(e.amount)
        case .memo: next = balance
        }
        if e.kind == .creditOnAccount { credit = credit.adding(e.amount) ?? credit }
        if e.kind == .creditTaken { credit = credit.subtracting(e.amount) ?? credit }
        guard let next else { throw JournalError(message: "the \(c.code) balance of this statement is too large to add up (\(Fixed.greatest))") }
        balance = next
        entries[k].balance = balance
      }
      guard !entries.isEmpty, let open = balance.adding(credit) else { continue }
      out.append(LedgerStatement.Section(currency: c, entries: entries, openBalance: open, creditOnAccount: credit, balanceDue: balance))
    }
    return out
  }
}
