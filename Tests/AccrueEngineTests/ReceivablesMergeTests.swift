import AccrueCore
import AccrueLedger
import AccrueModel
import Testing

/// The ledger's documents beside the invoices file's: a file row naming one of them (by number or by key) is that
/// document exported back, never a second receivable.
@Suite("Ledger documents and invoices file rows")
struct ReceivablesMergeTests {
  static let day = CivilDate.parse("2026-11-01")!

  static func row(_ id: String, number: String) -> OpenInvoice {
    OpenInvoice(
      id: id, number: number, isCreditNote: false, customer: 0, contract: -1, issueDate: day, dueDate: day, currency: .EUR,
      amount: Fixed("100.00")!, paid: .zero, disputed: .zero, status: .open, reference: number, line: 2, custom: [])
  }

  @Test("a row with the document's number or with its key is the same invoice", arguments: ["IN-2026-0001", "k1/2026-11-01"])
  func sameInvoice(id: String) {
    let doc = LedgerInvoice(
      key: "k1/2026-11-01", number: "IN-2026-0001", kind: .invoice, customer: "c1", contract: "k1", currency: .EUR, issueDate: Self.day,
      dueDate: Self.day, total: Fixed("100.00")!, run: 1)
    var invoices = [Self.row(id, number: id)]
    let (added, issues) = Receivables.merge(
      [doc], into: &invoices, invoicesFile: "invoices.csv", ledgerPath: "ledger.sqlite", existing: { id, list in list.firstIndex { $0.id == id } },
      customer: { $0 == "c1" ? 0 : nil }, customerID: { _ in "c1" }, contract: { _ in nil }, custom: { _ in [] })
    #expect(added.isEmpty && issues.isEmpty && invoices.count == 1)
  }
}
