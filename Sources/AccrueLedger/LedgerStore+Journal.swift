import AccrueCore
import AccrueModel
import AccrueSQLite

// The journal entries posted to the general ledger (schema version 11, grammar.md §12, §13): written with the run
// or decision that posts them, read back with the ledger's history (and its checksum), checked to balance.

extension LedgerStore {
  /// The run's journal entries and their lines, in the run's order (`position`), each once: an event already
  /// posted fails the run (`journal_entries.event` is unique).
  func writeJournalEntries(_ r: LedgerRecord) throws {
    guard !r.journalEntries.isEmpty else { return }
    let entry = try db.prepare(
      """
      INSERT INTO journal_entries (id, run, position, event, document, date, entity, currency, customer)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
      """)
    let line = try db.prepare(
      """
      INSERT INTO journal_lines (entry, line, account, debit, credit, dimensions, memo, rule, obligation)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
      """)
    for (position, e) in r.journalEntries.enumerated() {
      try entry.run([
        .text(e.id), .integer(Int64(r.run)), .integer(Int64(position)), .text(e.event), e.document.map(SQLValue.text) ?? .null,
        .text(e.date.description), .text(e.entity), .text(e.currency.code), e.customer.map(SQLValue.text) ?? .null,
      ])
      for (k, l) in e.lines.enumerated() {
        let amount = try Self.minor(l.amount, e.currency, "a line of journal entry \(e.id)")
        try line.run([
          .text(e.id), .integer(Int64(k + 1)), .text(l.account), .integer(l.isDebit ? amount : 0), .integer(l.isDebit ? 0 : amount),
          .text(JournalText.dimensions(l.dimensions)), .text(l.memo), .text(l.rule.description), l.obligation.map(SQLValue.text) ?? .null,
        ])
      }
    }
  }

  /// The recorded entries by run (none before schema version 11).
  func journalEntries() throws -> [Int: [JournalEntry]] {
    try JournalText.entries(db, path: path)
  }
}

extension LedgerBooks {
  /// Recorded entries whose debits and credits differ (`run` nil: all; else that run's), in words.
  func unbalancedEntries(run: Int?) throws -> [String] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_entries'").isEmpty else { return [] }
    let q = """
      SELECT e.id, e.currency, coalesce(sum(l.debit), 0), coalesce(sum(l.credit), 0), count(l.line)
      FROM journal_entries e LEFT JOIN journal_lines l ON l.entry = e.id \(run == nil ? "" : "WHERE e.run = ?1")
      GROUP BY e.id HAVING coalesce(sum(l.debit), 0) != coalesce(sum(l.credit), 0) OR count(l.line) < 2 ORDER BY e.id
      """
    return try db.query(q, run.map { [.integer(Int64($0))] } ?? []).map { r in
      "journal entry \(r[0].text ?? "") (\(r[1].text ?? "")) does not balance: debits \(r[2].integer ?? 0), credits \(r[3].integer ?? 0) minor units in \(r[4].integer ?? 0) lines"
    }
  }
}

extension LedgerReader {
  /// Every entry the ledger recorded, in run order then the run's order (none before schema version 11).
  public func journalEntries() throws(JournalError) -> [JournalEntry] {
    try snapshot { () throws(JournalError) -> [JournalEntry] in
      do { return try JournalText.entries(db, path: path).sorted { $0.key < $1.key }.flatMap(\.value) } catch let e as JournalError { throw e } catch {
        throw JournalError(message: "cannot read the ledger \(path): \(error)")
      }
    }
  }
}

/// How the ledger writes an entry line's dimensions (a JSON object in the rules' order), and reads entries back.
enum JournalText {
  static func dimensions(_ dims: [GLDimension]) -> String {
    "{" + dims.map { JSONText.array([$0.name, $0.value]).dropFirst().dropLast().replacingOccurrences(of: "\",\"", with: "\":\"") }.joined(separator: ",") + "}"
  }

  /// `{"entity":"NWUS","segment":"smb"}` read back in order; nil when it is not such an object.
  static func dimensions(parsing text: String) -> [GLDimension]? {
    let inner = text.dropFirst().dropLast()
    guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
    if inner.isEmpty { return [] }
    // Each pair "name":"value" read as a two-item JSON array.
    guard let flat = JSONText.strings("[" + inner.replacingOccurrences(of: "\":\"", with: "\",\"") + "]"), flat.count % 2 == 0 else { return nil }
    return stride(from: 0, to: flat.count, by: 2).map { GLDimension(name: flat[$0], value: flat[$0 + 1]) }
  }

  static func entries(_ db: Database, path: String) throws -> [Int: [JournalEntry]] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_entries'").isEmpty else { return [:] }
    var lines: [String: [GLLine]] = [:]
    var currencies: [String: Currency] = [:]
    for r in try db.query("SELECT e.id, e.currency FROM journal_entries e") {
      guard let c = Currency.lookup(r[1].text ?? "") else {
        throw JournalError(message: "\(path): journal entry \(r[0].text ?? "") has a currency this Accrue does not know (\(r[1].text ?? ""))")
      }
      currencies[r[0].text ?? ""] = c
    }
    for r in try db.query("SELECT entry, account, debit, credit, dimensions, memo, rule, obligation FROM journal_lines ORDER BY entry, line") {
      let id = r[0].text ?? ""
      guard let c = currencies[id], let dims = dimensions(parsing: r[4].text ?? "") else {
        throw JournalError(message: "\(path): a line of journal entry \(id) has no entry, or dimensions that are not a JSON object of texts")
      }
      let debit = r[2].integer ?? 0
      let amount = Fixed(minorUnits: debit != 0 ? debit : r[3].integer ?? 0, exponent: c.minorUnits)
      lines[id, default: []].append(
        GLLine(recorded: r[1].text ?? "", amount: amount, isDebit: debit != 0, dimensions: dims, memo: r[5].text ?? "",
          rule: RuleRef(parsing: r[6].text ?? ""), obligation: r[7].text))
    }
    var out: [Int: [JournalEntry]] = [:]
    for r in try db.query("SELECT id, run, event, document, date, entity, currency, customer FROM journal_entries ORDER BY run, position") {
      let id = r[0].text ?? ""
      guard let date = r[4].text.flatMap(CivilDate.parse), let c = currencies[id] else {
        throw JournalError(message: "\(path): journal_entries.date of \(id) holds '\(r[4].text ?? "NULL")', not a date YYYY-MM-DD")
      }
      out[Int(r[1].integer ?? 0), default: []].append(
        JournalEntry(
          recorded: r[2].text ?? "", document: r[3].text, date: date, entity: r[5].text ?? "", currency: c, customer: r[7].text,
          lines: lines[id] ?? []))
    }
    return out
  }
}

extension LedgerBooks {
  /// The performance obligations of the documents' lines whose revenue the journal holds (schema version 11): each
  /// line of a charge with a journal line naming it, with its service period (grammar.md §13).
  func revenueObligations() throws -> [RevenueObligation] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_lines'").isEmpty else { return [] }
    let q = """
      SELECT l.document || '#' || l.line, coalesce(d.number, d.key), d.plan, l.charge, d.contract, d.customer, d.currency, l.period_start,
        l.period_end, l.description
      FROM document_lines l JOIN documents d ON d.key = l.document
      WHERE l.charge IS NOT NULL AND l.document || '#' || l.line IN (SELECT obligation FROM journal_lines WHERE obligation IS NOT NULL)
      ORDER BY 1
      """
    return try db.query(q).map { r in
      guard let c = Currency.lookup(r[6].text ?? ""), let start = r[7].text.flatMap(CivilDate.parse), let end = r[8].text.flatMap(CivilDate.parse) else {
        throw JournalError(message: "\(path): the document line \(r[0].text ?? "") has a currency or a period this Accrue cannot read")
      }
      return RevenueObligation(
        id: r[0].text ?? "", document: r[1].text ?? "", plan: r[2].text ?? "", charge: r[3].text ?? "", contract: r[4].text ?? "",
        customer: r[5].text ?? "", currency: c, periodStart: start, periodEnd: end, description: r[9].text ?? "")
    }
  }
}

extension LedgerStore {
  /// The revenue obligations the state folder's ledger holds (none without a ledger); never writes.
  public static func revenueObligations(stateDir: String) throws(JournalError) -> [RevenueObligation] {
    let path = stateDir + "/" + fileName
    guard exists(stateDir: stateDir) else { return [] }
    do {
      let store = LedgerStore(path: path, db: try openForReading(path))
      guard try store.schemaVersion() >= 11 else { return [] }
      return try store.revenueObligations()
    } catch let e as JournalError { throw e } catch { throw JournalError(message: "cannot read the ledger \(path): \(error)") }
  }
}

extension LedgerReader {
  /// The revenue obligations the ledger holds (`revenueObligations`), in one read.
  public func revenueObligations() throws(JournalError) -> [RevenueObligation] {
    try snapshot { () throws(JournalError) -> [RevenueObligation] in
      do { return try (self as any LedgerBooks).revenueObligations() } catch let e as JournalError { throw e } catch {
        throw JournalError(message: "cannot read the ledger \(path): \(error)")
      }
    }
  }
}
