import AccrueCore
import AccrueSQLite

/// A customer's statement of account from the ledger, per currency: every invoice and debit note Accrue issued
/// to the customer, the payments applied to them (with write-offs and discounts as lines of their own), the fees
/// charged, and the credit left on account and used, in date order with a running balance; then the open balance,
/// the credit on account and the balance due. Payments of the customer that do not move this balance (applied to an
/// invoice Accrue did not issue, waiting for review, held unapplied) are shown as memo lines.
public struct LedgerStatement: Sendable {
  /// The customer (id).
  public var customer: String
  /// What was left out: entries dated after it (nil: nothing).
  public var asOf: CivilDate?
  /// The last run the ledger records and its as-of date.
  public var lastRun: Int
  public var lastRunAsOf: CivilDate?
  /// One section per currency, by currency code.
  public var sections: [Section]

  /// The account in one currency.
  public struct Section: Sendable {
    public var currency: Currency
    public var entries: [Entry]
    /// What the documents still owe: documents and fees charged, less what payments, write-offs and discounts settled.
    public var openBalance: Fixed
    /// Payments' rest left on the customer's account.
    public var creditOnAccount: Fixed
    /// Open balance less credit on account: the last entry's running balance (negative: in the customer's favour).
    public var balanceDue: Fixed
  }

  /// One line of the statement.
  public struct Entry: Sendable, Equatable {
    public enum Kind: String, Sendable {
      /// An invoice or debit note issued (a debit).
      case invoice
      case debitNote = "debit_note"
      /// A payment's money applied to one of the customer's documents (a credit).
      case payment
      /// A short payment's remainder written off on a document (a credit).
      case writeOff = "write_off"
      /// An early-payment discount taken on a document (a credit).
      case discount
      /// A late fee or interest charged (a debit, until billed).
      case fee
      /// A fee charged earlier, now billed on a document (a credit: the document's total carries it from here on).
      case feeBilled = "fee_billed"
      /// A payment's rest left on the customer's account (a credit).
      case creditOnAccount = "credit_on_account"
      /// Credit on account used on one of the customer's documents (a credit on the document; `creditTaken` is its
      /// other half).
      case creditUsed = "credit_used"
      /// Credit on account taken off the account for a use (a debit: the account's credit goes down).
      case creditTaken = "credit_taken"
      /// Memo: a payment applied to an invoice that is not one of the customer's documents in the ledger.
      case paymentElsewhere = "payment_elsewhere"
      /// Memo: a payment suggested for review, held in an exceptions queue or left unapplied.
      case unapplied
      /// Memo: an overpayment written off.
      case overpaymentWrittenOff = "overpayment_written_off"
    }

    /// Whether the line adds to the balance, takes from it, or only informs.
    public enum Effect: String, Sendable { case debit, credit, memo }

    public var date: CivilDate
    public var kind: Kind
    /// The document's id (its number, else its key), the payment's id, or the fee's key.
    public var reference: String
    /// The document the line concerns (its id), when there is one.
    public var document: String?
    /// A document's due date (nil for other lines).
    public var dueDate: CivilDate?
    /// The line in words (due date, payment, invoice settled).
    public var description: String
    /// The amount (positive); a memo line's amount does not count in the balance.
    public var amount: Fixed
    public var effect: Effect
    /// The running balance after this line.
    public var balance: Fixed = .zero
    /// Where it falls among lines of the same date: run, place in the run, place within the item.
    var order: (run: Int, position: Int, part: Int) = (0, 0, 0)

    public static func == (a: Entry, b: Entry) -> Bool {
      a.date == b.date && a.kind == b.kind && a.reference == b.reference && a.document == b.document && a.dueDate == b.dueDate
        && a.description == b.description
        && a.amount == b.amount && a.effect == b.effect && a.balance == b.balance
    }
  }
}

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
      try fees(customer, &lines)
      let (run, runAsOf) = try lastRun()
      let sections = try lines.sections(asOf: asOf)
      return LedgerStatement(customer: customer, asOf: asOf, lastRun: run, lastRunAsOf: runAsOf, sections: sections)
    }
  }

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
        p.status, i.date, i.run, i.position, d.currency, a.settled, a.payment
      FROM documents d JOIN applications a ON a.invoice = coalesce(d.number, d.key) JOIN payments p ON p.key = a.payment
        JOIN items i ON i.key = a.payment
      WHERE d.customer = ?1
      """
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

  /// The customer's payments: what they left on account (a credit), and as memos what moved no balance here.
  private func payments(_ customer: String, documentIDs: Set<String>, _ lines: inout StatementLines) throws(JournalError) {
    let q = """
      SELECT \(LedgerExportTables.payment("p.key")), p.status, p.currency, p.amount, p.credit, p.written_off, p.unapplied, i.date,
        i.run, i.position, p.key
      FROM payments p JOIN items i ON i.key = p.key WHERE i.customer = ?1
      """
    let elsewhere = """
      SELECT a.position, a.invoice, a.places, a.settled, a.currency FROM applications a WHERE a.payment = ?1 ORDER BY a.position
      """
    for r in try query(q, [.text(customer)]) {
      let (payment, status) = (r[0].text ?? "", r[1].text ?? "")
      let order = (Int(r[8].integer ?? 0), Int(r[9].integer ?? 0), 1_000_000)
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
        let text = status == "suggested"
          ? "Payment suggested for \(invoice), waiting for review: not applied"
          : "Payment applied to \(invoice), not in this statement"
        try lines.add(
          c, date: r[7], status == "suggested" ? .unapplied : .paymentElsewhere, reference: payment, document: invoice, text, minor: a[3],
          places: Int(a[2].integer ?? 0), .memo, order: (order.0, order.1, 1 + 4 * Int(a[0].integer ?? 0)))
      }
      guard r[2] != .null else { continue }
      let c = try lines.currency(r[2], "payment \(payment)")
      try lines.add(
        c, date: r[7], .creditOnAccount, reference: payment, document: nil, "Payment left on account", minor: r[4],
        places: c.minorUnits, .credit, order: order)
      let held = status == "exception" ? "Payment held for review in an exceptions queue" : "Payment not applied: no invoice found for it"
      try lines.add(
        c, date: r[7], .unapplied, reference: payment, document: nil, held, minor: r[6], places: c.minorUnits, .memo,
        order: (order.0, order.1, order.2 + 1))
      try lines.add(
        c, date: r[7], .overpaymentWrittenOff, reference: payment, document: nil, "Overpayment written off",
        minor: r[5], places: c.minorUnits, .memo, order: (order.0, order.1, order.2 + 2))
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

/// The lines of a statement as they are read, per currency; then sorted, filtered and balanced.
struct StatementLines {
  let path: String
  var byCurrency: [Currency: [LedgerStatement.Entry]] = [:]

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
    var e = LedgerStatement.Entry(
      date: day, kind: kind, reference: reference, document: document, dueDate: dueDate, description: description, amount: amount,
      effect: effect)
    e.order = order
    byCurrency[c, default: []].append(e)
  }

  /// The sections, by currency: lines dated up to `asOf`, in date order (then run, place in the run, place
  /// within the item, reference), each with the running balance.
  func sections(asOf: CivilDate?) throws(JournalError) -> [LedgerStatement.Section] {
    var out: [LedgerStatement.Section] = []
    for c in byCurrency.keys.sorted(by: { $0.code < $1.code }) {
      var entries = (byCurrency[c] ?? []).filter { asOf == nil || $0.date <= asOf! }
      entries.sort { a, b in
        if a.date != b.date { return a.date < b.date }
        if a.order != b.order { return a.order < b.order }
        return a.reference < b.reference
      }
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
