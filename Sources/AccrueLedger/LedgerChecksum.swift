import AccrueCore
import AccrueModel

/// A run's checksum, recorded with it and checked whenever the ledger is read: SQLite keeps its pages whole
/// through crashes, but nothing tells it a byte changed on disk or by hand. The checksum covers what later runs
/// rely on: the run's items (keys, dates, customers, a reminder's cadence, step and invoices, a payment's rule,
/// status and settlements, in the journal file's encoding) and its documents (key, number, kind, customer,
/// currency, dates, total).
enum LedgerChecksum {
  static func of(run: Int, asOf: CivilDate, folder: String, items: [JournalItem], documents: [LedgerInvoice]) -> String {
    var bytes = Journal.encode(run: run, asOf: asOf, folder: folder, items: items)
    for d in documents.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
      let fields = [
        d.key, d.number ?? "", d.kind.rawValue, d.customer, d.contract, d.currency.code, d.issueDate.description, d.dueDate.description,
        d.total.formatted(places: d.currency.minorUnits),
      ]
      bytes += Array(fields.joined(separator: "\t").utf8)
      bytes.append(10)
    }
    return CRC32.hex(CRC32.checksum(bytes))
  }
}

extension PlannedInvoice {
  /// The document as the ledger reads it back.
  var ledgerInvoice: LedgerInvoice {
    LedgerInvoice(
      key: key, number: number, kind: kind, customer: customerID, contract: contractID, currency: currency, issueDate: issueDate,
      dueDate: dueDate, total: total, run: 0)
  }
}
