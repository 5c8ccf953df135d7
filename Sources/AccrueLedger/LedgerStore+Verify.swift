import AccrueSQLite

extension LedgerStore {
  /// What must always hold in the ledger, checked at the end of every apply (inside its transaction: a run that
  /// would break it is not recorded) and by the tests:
  /// - money is conserved per customer and currency: no document is settled beyond its total (so invoices and
  ///   fees less applied cash, credits used, write-offs and discounts equal the open balance, never below zero);
  /// - credit on account is never used beyond what payments left on it;
  /// - every numbering sequence runs 1, 2, 3... without a gap, its last number recorded;
  /// - every fee is billed at most once, by a document that exists (keys and references).
  /// Returns each breach in words (empty: the ledger balances).
  public func verify() throws(JournalError) -> [String] {
    do { return try breaches() } catch let e as JournalError { throw e } catch let e as SQLiteError {
      throw JournalError(message: "cannot check the ledger \(path): \(e.message)")
    } catch { throw JournalError(message: "cannot check the ledger \(path): \(error)") }
  }

  func breaches() throws -> [String] {
    var out: [String] = []
    let overApplied = """
      SELECT d.key, coalesce(d.number, d.key), d.currency, d.total, sum(a.settled)
      FROM documents d JOIN applications a ON a.invoice = coalesce(d.number, d.key) AND coalesce(a.currency, d.currency) = d.currency
      GROUP BY d.key HAVING sum(a.settled) > d.total ORDER BY d.key
      """
    for r in try db.query(overApplied) {
      out.append(
        "document \(r[1].text ?? "") (\(r[2].text ?? "")) is settled for \(r[4].integer ?? 0) minor units, more than its total \(r[3].integer ?? 0)")
    }
    let credit = """
      SELECT i.customer, p.currency,
        sum(CASE WHEN p.key NOT LIKE 'payment:credit:%' AND p.status IN ('applied', 'exception') THEN p.credit ELSE 0 END),
        sum(CASE WHEN p.key LIKE 'payment:credit:%' THEN p.amount ELSE 0 END)
      FROM payments p JOIN items i ON i.key = p.key WHERE p.currency IS NOT NULL
      GROUP BY i.customer, p.currency HAVING sum(CASE WHEN p.key LIKE 'payment:credit:%' THEN p.amount ELSE 0 END)
        > sum(CASE WHEN p.key NOT LIKE 'payment:credit:%' AND p.status IN ('applied', 'exception') THEN p.credit ELSE 0 END)
      ORDER BY 1, 2
      """
    for r in try db.query(credit) {
      out.append(
        "customer \(r[0].text ?? "") used \(r[3].integer ?? 0) minor units of \(r[1].text ?? "") credit on account, more than the \(r[2].integer ?? 0) payments left")
    }
    let gaps = """
      SELECT s.scope, s.last, count(n.sequence), coalesce(max(n.sequence), 0)
      FROM sequences s LEFT JOIN numbers n ON n.scope = s.scope GROUP BY s.scope
      HAVING count(n.sequence) != s.last OR coalesce(max(n.sequence), 0) != s.last ORDER BY 1
      """
    for r in try db.query(gaps) {
      out.append("numbering sequence \(r[0].text ?? "") has \(r[2].integer ?? 0) numbers up to \(r[3].integer ?? 0), but its last number is \(r[1].integer ?? 0)")
    }
    for r in try db.query("PRAGMA foreign_key_check") {
      out.append("a row of \(r[0].text ?? "?") refers to a missing row of \(r[2].text ?? "?")")
    }
    return out
  }
}
