import AccrueCore
import AccrueData
import AccrueModel

/// The ledger's documents as receivables beside the invoices file's: what `apply` issued is dunned, matched and
/// aged by every later run, with no script feeding it back.
extension Dataset {
  /// Adds the documents the ledger records (`journal.receivables`) to the open invoices, each under its id (its
  /// number, else its key). An invoices file row with the same id is the same invoice exported back by another
  /// system: it is kept (its amount paid and status are that system's news) when it agrees with the ledger on
  /// customer, currency and amount, and reported (D0312) when it does not. A document whose customer is not in
  /// the customers file is reported (D0313): the books cannot lose a receivable. `custom` gives the custom invoice
  /// fields' values for a document in a currency (their defaults).
  public mutating func addReceivables(
    _ receivables: [LedgerInvoice], ledgerPath: String, custom: (Currency) -> [RValue] = { _ in [] }
  ) -> [DataIssue] {
    let (ids, customerIndex, contractIndex, customers) = (invoiceIDs, self.customerIndex, self.contractIndex, self.customers)
    let (added, issues) = Receivables.merge(
      receivables, into: &invoices, invoicesFile: invoicesFile ?? "invoices.csv", ledgerPath: ledgerPath, existing: { ids.find($0, in: $1) },
      customer: { customerIndex[$0] }, customerID: { customers.indices.contains($0) ? customers[$0].id : "?" }, contract: { contractIndex[$0] },
      custom: custom)
    for (id, index) in added { invoiceIDs.insert(id, index: index) }
    return issues
  }
}

/// Merging the ledger's documents into a list of open invoices (the run's data, the aging report's).
public enum Receivables {
  /// Appends each document not already in `invoices` (by id, `existing`) as an open invoice; returns the ids
  /// appended with their indices, and the issues (D0312 a contradicting row, D0313 an unknown customer).
  public static func merge(
    _ receivables: [LedgerInvoice], into invoices: inout [OpenInvoice], invoicesFile: String, ledgerPath: String,
    existing: (String, [OpenInvoice]) -> Int?, customer: (String) -> Int?, customerID: (Int) -> String, contract: (String) -> Int?,
    custom: (Currency) -> [RValue]
  ) -> (added: [(String, Int)], issues: [DataIssue]) {
    var issues: [DataIssue] = []
    var added: [(String, Int)] = []
    for r in receivables {
      // A row may name Accrue's invoice by its number or by its key (docs/data.md).
      if let i = existing(r.id, invoices) ?? (r.number != nil ? existing(r.key, invoices) : nil) {
        let row = invoices[i]
        let who = customerID(Int(row.customer))
        if who != r.customer || row.currency != r.currency || row.amount != r.total {
          issues.append(
            DataIssue(
              code: "D0312", file: invoicesFile, line: Int(row.line), column: 1,
              message: "invoice \(r.id) contradicts the ledger: Accrue issued it in run \(r.run) on \(r.issueDate) to customer "
                + "'\(r.customer)' for \(Money(amount: r.total, currency: r.currency).formatted(grouping: true)); this row says customer "
                + "'\(who)', \(Money(amount: row.amount, currency: row.currency).formatted(grouping: true)). The ledger is the record: "
                + "correct the row (or remove it: the ledger's invoice needs no row)"))
        }
        continue
      }
      guard let c = customer(r.customer) else {
        issues.append(
          DataIssue(
            code: "D0313", file: ledgerPath, line: 0, column: 0,
            message: "the ledger's \(r.kind == .debitNote ? "debit note" : "invoice") \(r.id) (run \(r.run)) is for customer '\(r.customer)', "
              + "who is not in the customers file: it cannot be dunned, matched or aged. Add the customer back to the customers file"))
        continue
      }
      added.append((r.id, invoices.count))
      var inv = OpenInvoice(
        id: r.id, number: r.id, isCreditNote: false, customer: Int32(c), contract: Int32(contract(r.contract) ?? -1),
        issueDate: r.issueDate, dueDate: r.dueDate, currency: r.currency, amount: r.total, paid: .zero, disputed: .zero, status: .open,
        reference: r.id, line: 0, custom: custom(r.currency))
      inv.isDebitNote = r.kind == .debitNote
      inv.inLedger = true
      invoices.append(inv)
    }
    return (added, issues)
  }
}
