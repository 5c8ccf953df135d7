import AccrueSQLite

/// A ledger database open for writing (`LedgerStore`) or reading (`LedgerReader`): what `verify` checks.
protocol LedgerBooks {
  var db: Database { get }
  var path: String { get }
}

extension LedgerStore: LedgerBooks {}
extension LedgerReader: LedgerBooks {
  /// The breaches of the whole ledger (`accrue ledger verify`), read in one read transaction.
  public func verify() throws(JournalError) -> [String] {
    try snapshot { () throws(JournalError) -> [String] in
      do { return try breaches(run: nil) } catch let e as JournalError { throw e } catch let e as SQLiteError {
        throw JournalError(message: "cannot check the ledger \(path): \(e.message)")
      } catch { throw JournalError(message: "cannot check the ledger \(path): \(error)") }
    }
  }
}

extension LedgerStore {
  /// What must always hold in the ledger
  /// What must always hold in the ledger, checked at the end of every apply (inside its transaction: a run that
  /// would break it is not recorded) and by the tests:
  /// - money is conserved per customer and currency: no document is settled beyond its total (so invoices and
  ///   fees less applied cash, credits used, write-offs and discounts equal the open balance, never below zero);
  /// - credit on account is never used beyond what payments left on it;
  /// - every numbering sequence runs 1, 2, 3... without a gap, its last number recorded;
  /// - every fee is billed at most once, by a document that exists (keys and references);
  /// - every journal entry recorded balances: its debits equal its credits, in its one currency (schema 9).
  /// Returns each breach in words (empty: the ledger balances).
  public func verify() throws(JournalError) -> [String] {
    do { return try breaches(run: nil) } catch let e as JournalError { throw e } catch let e as SQLiteError {
      throw JournalError(message: "cannot check the ledger \(path): \(e.message)")
    } catch { throw JournalError(message: "cannot check the ledger \(path): \(error)") }
  }

}

extension LedgerBooks {
  /// The breaches the whole ledger shows (`run` nil), or those a run can have caused: the documents its payments
  /// settled, the credit of its customers, the sequences it drew from (at the end of every apply, so the check
  /// costs what the run wrote, not what the ledger holds; references are enforced as rows go in).
  func breaches(run: RunScope?) throws -> [String] {
    var out: [String] = []
    // Payments a return reversed settle nothing (schema version 2 on). The credit one left still counts for the
    // uses made of it before the return (the return takes it back, and the customer owes what was used: no use is
    // made of it after, `CreditBook`).
    // Nor does a posting a person's resolution superseded (version 4 on).
    let superseded = try db.query("SELECT 1 FROM pragma_table_info('payments') WHERE name = 'supersedes'").isEmpty
      ? "" : " UNION SELECT supersedes FROM payments WHERE supersedes IS NOT NULL"
    let reversed = "(SELECT original FROM payment_returns WHERE reversed = 1\(superseded))"
    // A run's matches, their customers and its sequences come from its record (`json_each` of a JSON array), not
    // from `items` again: a run without matches checks no payment.
    let paymentsOfRun = run == nil ? "" : "AND a.payment IN (SELECT value FROM json_each(?1))"
    let overApplied = """
      SELECT d.key, coalesce(d.number, d.key), d.currency, d.total, sum(a.settled)
      FROM documents d JOIN applications a ON a.invoice = coalesce(d.number, d.key) AND coalesce(a.currency, d.currency) = d.currency
      WHERE coalesce(d.number, d.key) IN (SELECT a.invoice FROM applications a WHERE 1 \(paymentsOfRun)) AND a.payment NOT IN \(reversed)
      GROUP BY d.key HAVING sum(a.settled) > d.total ORDER BY d.key
      """
    for r in run?.payments.isEmpty == true ? [] : try db.query(overApplied, run.map { [.text(JSONText.array($0.payments))] } ?? []) {
      out.append(
        "document \(r[1].text ?? "") (\(r[2].text ?? "")) is settled for \(r[4].integer ?? 0) minor units, more than its total \(r[3].integer ?? 0)")
    }
    let credit = """
      SELECT i.customer, p.currency,
        sum(CASE WHEN substr(p.key, 1, 15) != 'payment:credit:' AND p.status IN ('applied', 'exception') THEN p.credit ELSE 0 END),
        sum(CASE WHEN substr(p.key, 1, 15) = 'payment:credit:' THEN p.amount ELSE 0 END)
      FROM payments p JOIN items i ON i.key = p.key WHERE p.currency IS NOT NULL
        \(superseded.isEmpty ? "" : "AND p.key NOT IN (SELECT supersedes FROM payments WHERE supersedes IS NOT NULL)")
        \(run == nil ? "" : "AND i.customer IN (SELECT value FROM json_each(?1))")
      GROUP BY i.customer, p.currency HAVING sum(CASE WHEN substr(p.key, 1, 15) = 'payment:credit:' THEN p.amount ELSE 0 END)
        > sum(CASE WHEN substr(p.key, 1, 15) != 'payment:credit:' AND p.status IN ('applied', 'exception') THEN p.credit ELSE 0 END)
      ORDER BY 1, 2
      """
    for r in run?.customers.isEmpty == true ? [] : try db.query(credit, run.map { [.text(JSONText.array($0.customers))] } ?? []) {
      out.append(
        "customer \(r[0].text ?? "") used \(r[3].integer ?? 0) minor units of \(r[1].text ?? "") credit on account, more than the \(r[2].integer ?? 0) payments left")
    }
    // Credit notes draw numbers of their own sequences (schema version 8).
    let creditNotes = try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'credit_notes'").isEmpty
    // Each sequence's numbers counted, and its largest found, through the (scope, sequence) unique indexes.
    let count = "(SELECT count(sequence) FROM documents WHERE sequence_scope = s.scope)"
      + (creditNotes ? " + (SELECT count(sequence) FROM credit_notes WHERE sequence_scope = s.scope)" : "")
    let maximum = "coalesce((SELECT max(m) FROM (SELECT max(sequence) AS m FROM documents WHERE sequence_scope = s.scope"
      + (creditNotes ? " UNION ALL SELECT max(sequence) FROM credit_notes WHERE sequence_scope = s.scope" : "") + ")), 0)"
    let gaps = """
      SELECT scope, last, n, m FROM (SELECT s.scope AS scope, s.last AS last, \(count) AS n, \(maximum) AS m FROM sequences s
      \(run == nil ? "" : "WHERE s.scope IN (SELECT value FROM json_each(?1))"))
      WHERE n != last OR m != last ORDER BY 1
      """
    for r in run?.sequences.isEmpty == true ? [] : try db.query(gaps, run.map { [.text(JSONText.array($0.sequences))] } ?? []) {
      out.append("numbering sequence \(r[0].text ?? "") has \(r[2].integer ?? 0) numbers up to \(r[3].integer ?? 0), but its last number is \(r[1].integer ?? 0)")
    }
    let args: [SQLValue] = run.map { [.integer(Int64($0.run))] } ?? []
    if creditNotes { out += try overCredited(run: run?.run, args) }
    out += try unbalancedEntries(run: run?.run)
    if run == nil {
      for r in try db.query("PRAGMA foreign_key_check") {
        out.append("a row of \(r[0].text ?? "?") refers to a missing row of \(r[2].text ?? "?")")
      }
    }
    return out
  }

  /// Credit notes beyond what they credit: an invoice of the ledger credited beyond its total, and a credit note
  /// whose posting settled or left on account other than it records.
  func overCredited(run: Int?, _ args: [SQLValue]) throws -> [String] {
    var out: [String] = []
    let beyond = """
      SELECT c.invoice, d.currency, d.total, sum(c.total) FROM credit_notes c
      JOIN documents d ON coalesce(d.number, d.key) = c.invoice AND d.currency = c.currency
      \(run == nil ? "" : "WHERE c.invoice IN (SELECT invoice FROM credit_notes WHERE run = ?1)")
      GROUP BY c.invoice, d.key HAVING sum(c.total) > d.total ORDER BY 1
      """
    for r in try db.query(beyond, args) {
      out.append("invoice \(r[0].text ?? "") (\(r[1].text ?? "")) is credited for \(r[3].integer ?? 0) minor units, more than its total \(r[2].integer ?? 0)")
    }
    let posted = """
      SELECT c.number, c.settled, coalesce((SELECT sum(a.settled) FROM applications a WHERE a.payment = c.posting), 0), c.credit, p.credit, p.amount, c.total
      FROM credit_notes c JOIN payments p ON p.key = c.posting \(run == nil ? "" : "WHERE c.run = ?1")
      ORDER BY 1
      """
    for r in try db.query(posted, args) where r[1].integer != r[2].integer || r[3].integer != r[4].integer || r[5].integer != r[6].integer {
      out.append("credit note \(r[0].text ?? "") records other amounts than its posting (settled, credit on account, total)")
    }
    return out
  }
}
