import AccrueCore
import AccrueModel
import AccrueSQLite
import Foundation

/// The tables whose rows a run has many of: made on a thread of their own (`RowPipe`), inserted 64 a statement.
enum LedgerTable: Int, CaseIterable {
  case item, reminder, payment, application, document, line, tax
}

/// A run's many rows (items, reminders, payments, applications, documents, their lines and taxes) and its checksum,
/// made on a thread of their own while the ledger's thread inserts them: the ledger's thread, the longest path of
/// an apply, only binds and steps. The rows arrive in the order one thread made and inserted them, each table's
/// end marked where its last rows went in (`finish`), and an amount that cannot be recorded fails at the same row,
/// after the same rows: the ledger, and the error a bad run gives, are what making the rows in place gives.
final class RowPipe: @unchecked Sendable {
  enum Op {
    case row(LedgerTable, [SQLValue])
    case finish(LedgerTable)
  }

  /// Ops handed over at a time, and chunks waiting at most (memory stays flat whatever the run's size).
  let chunkSize: Int
  let capacity: Int

  // Guarded by `condition`.
  private let condition = NSCondition()
  private var chunks: [[Op]] = []
  private var closed = false
  private var cancelled = false
  private var failure: (any Error)?
  private var made: String?
  private var exited = false

  // The producer's own.
  private var pending: [Op] = []

  private struct Cancelled: Error {}

  init(chunkSize: Int = 1024, capacity: Int = 16) {
    precondition(chunkSize >= 1 && capacity >= 1)
    self.chunkSize = chunkSize
    self.capacity = capacity
  }

  /// Starts making `r`'s rows, then its checksum, on a thread of their own.
  static func start(_ r: LedgerRecord) -> RowPipe {
    RowPipe().start { pipe in
      try LedgerStore.makeRows(r, into: pipe)
      return LedgerStore.checksum(r)
    }
  }

  /// Runs `make` on a thread of its own: it adds rows, and returns the checksum.
  func start(_ make: @escaping @Sendable (RowPipe) throws -> String) -> RowPipe {
    let t = Thread {
      var checksum: String?
      var failure: (any Error)?
      do { checksum = try make(self) } catch { failure = error }
      self.close(checksum: checksum, failure: failure)
    }
    t.stackSize = 1 << 20
    t.start()
    return self
  }

  // MARK: the producer

  /// A row of `table`, its values in the table's `BatchInsert` columns.
  func add(_ table: LedgerTable, _ row: [SQLValue]) throws {
    pending.append(.row(table, row))
    if pending.count >= chunkSize { try flush() }
  }

  /// `table` has no more rows: those waiting go in.
  func finish(_ table: LedgerTable) {
    pending.append(.finish(table))
  }

  private func flush() throws {
    guard !pending.isEmpty else { return }
    let chunk = pending
    pending = []
    condition.lock()
    defer { condition.unlock() }
    while chunks.count >= capacity && !cancelled { condition.wait() }
    if cancelled { throw Cancelled() }
    chunks.append(chunk)
    condition.broadcast()
  }

  /// The rows made before a failure go in first (a constraint one of them breaks fails the run first, as it did
  /// when they were made in place).
  private func close(checksum: String?, failure: (any Error)?) {
    try? flush()
    condition.lock()
    if !cancelled {
      made = checksum
      self.failure = failure
    }
    closed = true
    exited = true
    condition.broadcast()
    condition.unlock()
  }

  // MARK: the ledger's thread

  /// The next ops, in order; nil once every row is made; throws what making them threw, after the ops before it.
  func next() throws -> [Op]? {
    condition.lock()
    defer { condition.unlock() }
    while chunks.isEmpty && !closed { condition.wait() }
    if !chunks.isEmpty {
      condition.broadcast()
      return chunks.removeFirst()
    }
    if let failure { throw failure }
    return nil
  }

  /// The run's checksum (`LedgerChecksum`), once `next` returned nil.
  var checksum: String {
    condition.lock()
    defer { condition.unlock() }
    return made ?? ""
  }

  /// Stops the producer (the ledger's thread failed) and waits until it has.
  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    while !exited { condition.wait() }
    condition.unlock()
  }
}

extension LedgerStore {
  /// The run's checksum, as the ledger records it.
  static func checksum(_ r: LedgerRecord) -> String {
    LedgerChecksum.of(
      run: r.run, asOf: r.asOf, folder: r.folder, items: r.items, documents: r.documents.map(\.ledgerInvoice), decision: r.decision,
      approvals: r.approvalRequests, act: r.approvalAct, hold: r.hold, creditNotes: r.creditNotes, entries: r.journalEntries)
  }

  /// The batched insert of each table `RowPipe` carries.
  func batchInsert(_ table: LedgerTable) -> BatchInsert {
    switch table {
    case .item: BatchInsert(db, table: "items", columns: ["key", "run", "position", "kind", "date", "customer"])
    case .reminder: BatchInsert(db, table: "reminders", columns: ["key", "cadence", "step", "contacted", "invoices"])
    case .payment:
      BatchInsert(
        db, table: "payments",
        columns: [
          "key", "rule", "status", "currency", "amount", "credit", "written_off", "unapplied", "end_to_end_id", "mandate_id", "bank_reference",
          "payer_account", "refunded", "supersedes", "queue", "reason", "candidates",
        ])
    case .application:
      BatchInsert(
        db, table: "applications",
        columns: ["payment", "position", "invoice", "currency", "places", "settled", "applied", "written_off", "discount", "paid_before"])
    case .document:
      BatchInsert(
        db, table: "documents",
        columns: [
          "key", "number", "kind", "customer", "contract", "plan", "currency", "issue_date", "due_date", "period_start", "period_end",
          "subtotal", "tax", "total", "terms", "sequence_scope", "sequence",
        ])
    case .line:
      BatchInsert(
        db, table: "document_lines",
        columns: ["document", "line", "kind", "description", "charge", "quantity", "unit_price", "amount", "period_start", "period_end", "rule"])
    case .tax: BatchInsert(db, table: "document_taxes", columns: ["document", "line", "label", "rate", "inclusive", "amount", "rule"])
    }
  }

  /// Inserts the rows `pipe` makes, as they come (inside the caller's transaction).
  func insertRows(from pipe: RowPipe) throws {
    let batches = LedgerTable.allCases.map(batchInsert)
    do {
      while let chunk = try pipe.next() {
        for op in chunk {
          switch op {
          case .row(let t, let values): try batches[t.rawValue].add(values)
          case .finish(let t): try batches[t.rawValue].finish()
          }
        }
      }
    } catch {
      pipe.cancel()
      throw error
    }
  }
}
