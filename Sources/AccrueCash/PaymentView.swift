import AccrueCore
import AccrueModel

/// A payment of the run as the rules read it: its id, its custom fields and its bank transaction's fields.
///
/// Read in place through a pointer into the run's payments, which outlive every view: a payment passed on by
/// value is copied first (`borrowing` or not), retaining all its strings, and on two threads each retain moves
/// a reference count between cores.
struct PaymentView {
  private let p: UnsafePointer<Payment>

  /// Payment `i` of the run's payments (which stay put while the view is used).
  init(_ payments: UnsafeBufferPointer<Payment>, _ i: Int) { p = payments.baseAddress! + i }

  /// The transaction, in place.
  private var t: UnsafePointer<BankTransaction> {
    (UnsafeRawPointer(p) + MemoryLayout<Payment>.offset(of: \.transaction)!).assumingMemoryBound(to: BankTransaction.self)
  }

  /// The payment's id (payments.csv, or the statement entry's).
  var id: String { p.pointee.id }
  /// The values of the rules' custom payment fields (payments.csv), in declaration order.
  var custom: [RValue] { p.pointee.custom }
  /// The amount received (credits positive).
  var amount: Fixed { t.pointee.amount }
  var currency: Currency { t.pointee.currency }
  /// The ledger date.
  var bookingDate: CivilDate { t.pointee.bookingDate }
  /// When the money is available, if the statement gives it.
  var valueDate: CivilDate? { t.pointee.valueDate }
  /// The structured creditor reference.
  var reference: String { t.pointee.reference }
  /// The unstructured remittance text.
  var remittance: String { t.pointee.remittance }
  /// Who paid: the name and account the bank gives.
  var payerName: String { t.pointee.counterpartyName }
  var payerAccount: String { t.pointee.counterpartyAccount }
  /// Where it came from: `file:line` and, for XML, the element path.
  var source: String { t.pointee.source }
}
