import AccrueSQLite

/// The ledger database's schema (docs/ledger.md describes every table). Versioned: `meta.schema_version` says
/// which version a file has; `migrate` brings an older file up to `version` in one transaction.
///
/// Money is stored as INTEGER minor units of the row's currency (cents for USD, yen for JPY): exact, and summed
/// exactly by `sqlite3`. Quantities, unit prices and rates are exact decimal TEXT. Dates are TEXT `YYYY-MM-DD`.
enum LedgerSchema {
  /// The version this Accrue writes.
  static let version = 13

  /// Version 1: runs and their items (the keys produced: exactly once), documents (invoices and debit notes, with
  /// their numbers) with lines and taxes, reminders (the invoices each covered as a JSON array), payments and their
  /// applications, fees and what billed them, numbering sequences.
  static let v1 = """
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE runs (
      run INTEGER PRIMARY KEY CHECK (run >= 1),
      as_of TEXT NOT NULL,
      folder TEXT NOT NULL UNIQUE,
      items INTEGER NOT NULL,
      recorded_at TEXT NOT NULL,
      checksum TEXT NOT NULL
    );
    CREATE TABLE items (
      key TEXT PRIMARY KEY,
      run INTEGER NOT NULL REFERENCES runs(run),
      position INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('invoice', 'reminder', 'match')),
      date TEXT NOT NULL,
      customer TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX items_order ON items(run, position);
    CREATE TABLE documents (
      key TEXT PRIMARY KEY REFERENCES items(key),
      number TEXT UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('invoice', 'debit_note')),
      customer TEXT NOT NULL,
      contract TEXT NOT NULL,
      plan TEXT NOT NULL,
      currency TEXT NOT NULL,
      issue_date TEXT NOT NULL,
      due_date TEXT NOT NULL,
      period_start TEXT NOT NULL,
      period_end TEXT NOT NULL,
      subtotal INTEGER NOT NULL,
      tax INTEGER NOT NULL,
      total INTEGER NOT NULL,
      terms TEXT NOT NULL,
      sequence_scope TEXT,
      sequence INTEGER,
      UNIQUE (sequence_scope, sequence)
    ) WITHOUT ROWID;
    CREATE INDEX documents_customer ON documents(customer, currency);
    CREATE TABLE document_lines (
      document TEXT NOT NULL REFERENCES documents(key),
      line INTEGER NOT NULL,
      kind TEXT NOT NULL,
      description TEXT NOT NULL,
      charge TEXT,
      quantity TEXT,
      unit_price TEXT,
      amount INTEGER NOT NULL,
      period_start TEXT NOT NULL,
      period_end TEXT NOT NULL,
      rule TEXT NOT NULL,
      PRIMARY KEY (document, line)
    ) WITHOUT ROWID;
    CREATE TABLE document_taxes (
      document TEXT NOT NULL REFERENCES documents(key),
      line INTEGER NOT NULL,
      label TEXT NOT NULL,
      rate TEXT NOT NULL,
      inclusive INTEGER NOT NULL,
      amount INTEGER NOT NULL,
      rule TEXT NOT NULL,
      PRIMARY KEY (document, line)
    ) WITHOUT ROWID;
    CREATE TABLE reminders (
      key TEXT PRIMARY KEY REFERENCES items(key),
      cadence TEXT NOT NULL,
      step TEXT NOT NULL,
      contacted INTEGER NOT NULL,
      invoices TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE payments (
      key TEXT PRIMARY KEY REFERENCES items(key),
      rule TEXT NOT NULL,
      status TEXT NOT NULL,
      currency TEXT,
      amount INTEGER,
      credit INTEGER NOT NULL,
      written_off INTEGER NOT NULL,
      unapplied INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE applications (
      payment TEXT NOT NULL REFERENCES payments(key),
      position INTEGER NOT NULL,
      invoice TEXT NOT NULL,
      currency TEXT,
      places INTEGER NOT NULL,
      settled INTEGER NOT NULL,
      applied INTEGER NOT NULL,
      written_off INTEGER NOT NULL,
      discount INTEGER NOT NULL,
      paid_before INTEGER NOT NULL,
      PRIMARY KEY (payment, position)
    ) WITHOUT ROWID;
    CREATE INDEX applications_invoice ON applications(invoice);
    CREATE TABLE fees (
      key TEXT PRIMARY KEY,
      run INTEGER NOT NULL REFERENCES runs(run),
      kind TEXT NOT NULL CHECK (kind IN ('late_fee', 'interest')),
      date TEXT NOT NULL,
      customer TEXT NOT NULL,
      invoice TEXT NOT NULL,
      reminder TEXT NOT NULL REFERENCES items(key),
      currency TEXT NOT NULL,
      amount INTEGER NOT NULL,
      rule TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE fee_billings (
      fee TEXT PRIMARY KEY REFERENCES fees(key),
      document TEXT NOT NULL REFERENCES documents(key),
      run INTEGER NOT NULL REFERENCES runs(run)
    ) WITHOUT ROWID;
    CREATE TABLE sequences (
      scope TEXT PRIMARY KEY,
      last INTEGER NOT NULL CHECK (last >= 1)
    ) WITHOUT ROWID;
    """

  /// Version 2: processors' payouts reconciled to their bank credit (`processor_payouts`, keyed by the credit's
  /// item: never applied to invoices), each payment's trace at its bank (end-to-end id, mandate, bank reference, payer account; NULL when
  /// none was given or the payment was recorded by version 1), and returned payments linked to the payment each returns (`payment_returns`), an event of its own:
  /// its key is among the items (exactly once), the original is returned at most once, and when `reversed` the
  /// original's applications no longer count (its invoices reopen by what it settled, its credit is taken back).
  static let v2 = """
    ALTER TABLE payments ADD COLUMN end_to_end_id TEXT;
    ALTER TABLE payments ADD COLUMN mandate_id TEXT;
    ALTER TABLE payments ADD COLUMN bank_reference TEXT;
    ALTER TABLE payments ADD COLUMN payer_account TEXT;
    CREATE TABLE payment_returns (
      key TEXT PRIMARY KEY REFERENCES items(key),
      original TEXT NOT NULL UNIQUE REFERENCES items(key),
      run INTEGER NOT NULL REFERENCES runs(run),
      date TEXT NOT NULL,
      currency TEXT NOT NULL,
      amount INTEGER NOT NULL CHECK (amount > 0),
      reason TEXT NOT NULL,
      reversed INTEGER NOT NULL CHECK (reversed IN (0, 1)),
      source TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE processor_payouts (
      key TEXT PRIMARY KEY REFERENCES items(key),
      payout TEXT NOT NULL UNIQUE,
      run INTEGER NOT NULL REFERENCES runs(run),
      processor TEXT NOT NULL,
      date TEXT NOT NULL,
      currency TEXT NOT NULL,
      net INTEGER NOT NULL CHECK (net > 0),
      charges INTEGER NOT NULL,
      refunds INTEGER NOT NULL,
      fees INTEGER NOT NULL,
      source TEXT NOT NULL
    ) WITHOUT ROWID;
    """

  /// Version 3: a payout is an event of its own, keyed by the payout (`payout:PROCESSOR:ID`), its bank credit in
  /// `credit` (unique): the credit may be a payment an earlier run recorded as unapplied. Rows of version 2 were
  /// keyed by their credit, which `credit` repeats.
  /// From version 3 a run undoes its returns before matching its payments: `meta.returns_first_from_run` is the
  /// first run recorded so (the runs before it are replayed as they were computed, `Journal.returnsFirstFrom`).
  static let v3 = """
    ALTER TABLE processor_payouts ADD COLUMN credit TEXT;
    UPDATE processor_payouts SET credit = key;
    CREATE UNIQUE INDEX processor_payouts_credit ON processor_payouts(credit);
    INSERT INTO meta (key, value) SELECT 'returns_first_from_run', CAST(coalesce(max(run), 0) + 1 AS TEXT) FROM runs;
    """

  /// Version 4: people's decisions, each a run of its own (`decisions`: who, what, about which item, why, what asked
  /// for it); a payment's posting may supersede an earlier one of the same payment (`payments.supersedes`, each
  /// superseded once: its applications no longer count, its credit and unapplied rest are gone), and record what
  /// it refunded (`payments.refunded`).
  static let v4 = """
    ALTER TABLE payments ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE payments ADD COLUMN supersedes TEXT REFERENCES payments(key);
    CREATE UNIQUE INDEX payments_supersedes ON payments(supersedes);
    CREATE TABLE decisions (
      run INTEGER PRIMARY KEY REFERENCES runs(run),
      kind TEXT NOT NULL,
      subject TEXT NOT NULL,
      decided_by TEXT NOT NULL CHECK (decided_by != ''),
      note TEXT NOT NULL,
      summary TEXT NOT NULL,
      customer TEXT NOT NULL,
      asked_by TEXT NOT NULL
    );
    CREATE INDEX decisions_subject ON decisions(subject);
    """

  /// Version 5: documents held for approval (grammar.md §11). `approval_requests`: each document put up for
  /// approval with one content (`fingerprint`), asked once by the run that first computed it (a document whose
  /// content changed is a new request, `supersedes` naming the one before); `approval_routes`: the rules that ask,
  /// with their chains; `approval_decisions`: what an approval or a rejection (a `decisions` row of its run) did:
  /// the role decided as, and `approval_steps` the chains' steps it approved with the day each next step escalates.
  static let v5 = """
    CREATE TABLE approval_requests (
      key TEXT PRIMARY KEY,
      document TEXT NOT NULL,
      run INTEGER NOT NULL REFERENCES runs(run),
      kind TEXT NOT NULL CHECK (kind IN ('invoice', 'debit_note')),
      as_of TEXT NOT NULL,
      customer TEXT NOT NULL,
      currency TEXT NOT NULL,
      total INTEGER NOT NULL,
      issue_date TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      supersedes TEXT UNIQUE REFERENCES approval_requests(key),
      UNIQUE (document, fingerprint)
    ) WITHOUT ROWID;
    CREATE INDEX approval_requests_run ON approval_requests(run);
    CREATE TABLE approval_routes (
      request TEXT NOT NULL REFERENCES approval_requests(key),
      position INTEGER NOT NULL,
      rule TEXT NOT NULL,
      label TEXT NOT NULL,
      source TEXT NOT NULL,
      chain TEXT NOT NULL,
      escalates_to TEXT,
      escalates_on TEXT,
      PRIMARY KEY (request, position)
    ) WITHOUT ROWID;
    CREATE TABLE approval_decisions (
      run INTEGER PRIMARY KEY REFERENCES decisions(run),
      request TEXT NOT NULL REFERENCES approval_requests(key),
      role TEXT NOT NULL
    );
    CREATE TABLE approval_steps (
      run INTEGER NOT NULL REFERENCES approval_decisions(run),
      rule TEXT NOT NULL,
      step INTEGER NOT NULL CHECK (step >= 0),
      next_escalates_on TEXT,
      PRIMARY KEY (run, rule)
    ) WITHOUT ROWID;
    """

  /// Version 6: why a payment waits for a person (`payments.queue`, `reason`, `candidates`: a JSON array of invoice
  /// ids), for `accrue exceptions` and the audit trail; NULL for a payment recorded before.
  static let v6 = """
    ALTER TABLE payments ADD COLUMN queue TEXT;
    ALTER TABLE payments ADD COLUMN reason TEXT;
    ALTER TABLE payments ADD COLUMN candidates TEXT;
    """

  /// Version 7: disputes, promises to pay and payment plans people record (`collection_holds`, one per decision run).
  static let v7 = """
    CREATE TABLE collection_holds (
      run INTEGER PRIMARY KEY REFERENCES runs(run),
      kind TEXT NOT NULL CHECK (kind IN ('dispute', 'promise', 'payment_plan')),
      customer TEXT NOT NULL,
      invoice TEXT NOT NULL,
      currency TEXT,
      amount INTEGER CHECK (amount >= 0),
      start_date TEXT,
      end_date TEXT,
      state TEXT NOT NULL,
      plan_id TEXT NOT NULL
    );
    CREATE INDEX collection_holds_customer ON collection_holds(customer, kind);
    """

  /// Version 8: credit notes people issue against invoices (`credit_notes`, one per decision run): the document,
  /// numbered in its own sequence (`sequence_scope`, `sequence`; drawn like documents' from `sequences`), net and
  /// tax summing to the total, what it settled on the invoice and left on account (summing to the total too), and
  /// the posting that carries that effect (`posting`, a row of `payments`). A refund of credit on account needs no
  /// table: it is a use of credit (`payments` keyed `payment:credit:CUSTOMER/CURRENCY/DATE/refund-RUN`, rule
  /// `credit refund`, `refunded` its amount) recorded with its decision.
  static let v8 = """
    CREATE TABLE credit_notes (
      key TEXT PRIMARY KEY,
      run INTEGER NOT NULL UNIQUE REFERENCES runs(run),
      number TEXT NOT NULL UNIQUE,
      invoice TEXT NOT NULL,
      customer TEXT NOT NULL,
      currency TEXT NOT NULL,
      issue_date TEXT NOT NULL,
      net INTEGER NOT NULL,
      tax INTEGER NOT NULL,
      total INTEGER NOT NULL CHECK (total > 0 AND total = net + tax),
      settled INTEGER NOT NULL CHECK (settled >= 0),
      credit INTEGER NOT NULL CHECK (credit >= 0 AND settled + credit = total),
      reason TEXT NOT NULL CHECK (reason != ''),
      posting TEXT NOT NULL UNIQUE REFERENCES payments(key),
      sequence_scope TEXT,
      sequence INTEGER,
      UNIQUE (sequence_scope, sequence)
    ) WITHOUT ROWID;
    CREATE INDEX credit_notes_invoice ON credit_notes(invoice);
    """

  /// Version 9: credit notes a billing run issues for cancellations (grammar.md §6.6), several in one run of
  /// `apply`: `credit_notes.run` is no longer unique, and `rule` names the plan's `cancellation` statement
  /// (`file:line`; NULL for a credit note a person issued). The table is rebuilt with its rows (SQLite cannot drop
  /// a constraint in place).
  static let v9 = """
    CREATE TABLE credit_notes_v9 (
      key TEXT PRIMARY KEY,
      run INTEGER NOT NULL REFERENCES runs(run),
      number TEXT NOT NULL UNIQUE,
      invoice TEXT NOT NULL,
      customer TEXT NOT NULL,
      currency TEXT NOT NULL,
      issue_date TEXT NOT NULL,
      net INTEGER NOT NULL,
      tax INTEGER NOT NULL,
      total INTEGER NOT NULL CHECK (total > 0 AND total = net + tax),
      settled INTEGER NOT NULL CHECK (settled >= 0),
      credit INTEGER NOT NULL CHECK (credit >= 0 AND settled + credit = total),
      reason TEXT NOT NULL CHECK (reason != ''),
      posting TEXT NOT NULL UNIQUE REFERENCES payments(key),
      sequence_scope TEXT,
      sequence INTEGER,
      rule TEXT,
      UNIQUE (sequence_scope, sequence)
    ) WITHOUT ROWID;
    INSERT INTO credit_notes_v9 (key, run, number, invoice, customer, currency, issue_date, net, tax, total, settled, credit, reason, posting,
      sequence_scope, sequence)
      SELECT key, run, number, invoice, customer, currency, issue_date, net, tax, total, settled, credit, reason, posting, sequence_scope, sequence
      FROM credit_notes;
    DROP TABLE credit_notes;
    ALTER TABLE credit_notes_v9 RENAME TO credit_notes;
    CREATE INDEX credit_notes_invoice ON credit_notes(invoice);
    CREATE INDEX credit_notes_run ON credit_notes(run);
    """

  /// Version 10: a credit note may credit one line of an invoice the ledger issued (`accrue credit-note INV --line
  /// N`): `credit_notes.line`, the line's number in `document_lines` (NULL: the invoice as a whole).
  static let v10 = """
    ALTER TABLE credit_notes ADD COLUMN line INTEGER CHECK (line IS NULL OR line >= 1);
    """

  /// Version 11: the journal entries posted to the general ledger (grammar.md §12, §13), recorded with the run or
  /// decision that posted them, exactly once per event (`event` unique; the id is `JE-` and the event): the entry
  /// (`journal_entries`: date, entity, currency, customer, document) and its lines (`journal_lines`: account, a
  /// debit or a credit in minor units, the dimensions as a JSON object in the rules' order, memo, the posting
  /// rule file:line, and for revenue the performance obligation, the invoice line `DOCUMENT#LINE`). Every entry's
  /// debits equal its credits (checked by every apply and `ledger verify`).
  static let v11 = """
    CREATE TABLE journal_entries (
      id TEXT PRIMARY KEY,
      run INTEGER NOT NULL REFERENCES runs(run),
      position INTEGER NOT NULL CHECK (position >= 0),
      event TEXT NOT NULL UNIQUE,
      document TEXT,
      date TEXT NOT NULL,
      entity TEXT NOT NULL,
      currency TEXT NOT NULL,
      customer TEXT,
      UNIQUE (run, position)
    ) WITHOUT ROWID;
    CREATE TABLE journal_lines (
      entry TEXT NOT NULL REFERENCES journal_entries(id),
      line INTEGER NOT NULL CHECK (line >= 1),
      account TEXT NOT NULL,
      debit INTEGER NOT NULL CHECK (debit >= 0),
      credit INTEGER NOT NULL CHECK (credit >= 0),
      dimensions TEXT NOT NULL,
      memo TEXT NOT NULL,
      rule TEXT NOT NULL,
      obligation TEXT,
      CHECK ((debit = 0) != (credit = 0)),
      PRIMARY KEY (entry, line)
    ) WITHOUT ROWID;
    CREATE INDEX journal_lines_obligation ON journal_lines(obligation) WHERE obligation IS NOT NULL;
    """

  /// Version 12: credit notes, write-offs and payment plans held for approval (grammar.md §11): `approval_requests`
  /// takes the kinds `credit_note`, `write_off` and `payment_plan` (rebuilt with its rows: SQLite cannot change a
  /// CHECK in place; run with foreign keys off, as SQLite's procedure for changing a table says, then checked), and
  /// `decisions.request` names the approval request a decision carried out once approved (NULL: none). A person's
  /// request (a credit note, write-off, payment plan) may ask an earlier content again after another was: `document`
  /// and `fingerprint` stay unique together for the documents runs compute only.
  static let v12 = """
    CREATE TABLE approval_requests_v12 (
      key TEXT PRIMARY KEY,
      document TEXT NOT NULL,
      run INTEGER NOT NULL REFERENCES runs(run),
      kind TEXT NOT NULL CHECK (kind IN ('invoice', 'debit_note', 'credit_note', 'write_off', 'payment_plan')),
      as_of TEXT NOT NULL,
      customer TEXT NOT NULL,
      currency TEXT NOT NULL,
      total INTEGER NOT NULL,
      issue_date TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      supersedes TEXT UNIQUE REFERENCES approval_requests(key)
    ) WITHOUT ROWID;
    INSERT INTO approval_requests_v12 SELECT key, document, run, kind, as_of, customer, currency, total, issue_date, fingerprint, supersedes
      FROM approval_requests;
    DROP TABLE approval_requests;
    ALTER TABLE approval_requests_v12 RENAME TO approval_requests;
    CREATE INDEX approval_requests_run ON approval_requests(run);
    CREATE UNIQUE INDEX approval_requests_content ON approval_requests(document, fingerprint) WHERE kind IN ('invoice', 'debit_note');
    CREATE INDEX approval_requests_document ON approval_requests(document);
    ALTER TABLE decisions ADD COLUMN request TEXT;
    """

  /// Version 13: a payment waiting for review that holds its invoices' dunning until a person decides
  /// (`payments.holds_dunning`: 1, else NULL; NULL for every payment recorded before).
  static let v13 = """
    ALTER TABLE payments ADD COLUMN holds_dunning INTEGER CHECK (holds_dunning = 1);
    """

  /// Brings `db` to `version`: creates the schema in an empty file; a file of a later version is refused (an
  /// older Accrue must not write what it does not understand).
  static func migrate(_ db: Database, path: String) throws(JournalError) {
    let current: Int
    do {
      let hasMeta = try db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").isEmpty == false
      current = hasMeta ? Int(try db.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.text ?? "0") ?? 0 : 0
    } catch { throw JournalError(message: "cannot read \(path): \(error.message)") }
    if current == version { return }
    if current > version {
      throw JournalError(
        message: "\(path) has ledger schema version \(current), newer than this Accrue understands (\(version)); use a newer Accrue")
    }
    // Version 12 rebuilds a table others refer to: with foreign keys off (they cannot be switched inside a
    // transaction), checked before the transaction commits.
    let rebuilds = current <= 11
    do {
      if rebuilds { try db.execute("PRAGMA foreign_keys = OFF") }
      defer { if rebuilds { try? db.execute("PRAGMA foreign_keys = ON") } }
      try db.transaction {
        // Version 0: a new file (or one whose creation was cut short before its first commit).
        if current == 0 {
          try db.execute(v1)
          try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '1')", [])
        }
        // Each later version on top of the one before, in the same transaction: all or nothing.
        if current <= 1 { try db.execute(v2) }
        if current <= 2 { try db.execute(v3) }
        if current <= 3 { try db.execute(v4) }
        if current <= 4 { try db.execute(v5) }
        if current <= 5 { try db.execute(v6) }
        if current <= 6 { try db.execute(v7) }
        if current <= 7 { try db.execute(v8) }
        if current <= 8 { try db.execute(v9) }
        if current <= 9 { try db.execute(v10) }
        if current <= 10 { try db.execute(v11) }
        if current <= 11 {
          try db.execute(v12)
          if let bad = try db.query("PRAGMA foreign_key_check").first {
            throw JournalError(message: "the ledger's table \(bad[0].text ?? "") refers to a row that is not there (row \(bad[1].integer ?? 0)): run 'accrue ledger verify'")
          }
        }
        if current <= 12 { try db.execute(v13) }
        try db.run("UPDATE meta SET value = ?1 WHERE key = 'schema_version'", [.text(String(version))])
      }
    } catch let e as SQLiteError {
      throw JournalError(message: "cannot create or migrate the ledger \(path) (schema version \(current) to \(version)): \(e.message)")
    } catch { throw JournalError(message: "cannot create or migrate the ledger \(path): \(error)") }
  }
}
