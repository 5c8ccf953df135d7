import AccrueCore

/// The payments that wait for a person's decision (`accrue exceptions`): the posting in force of each payment the
/// ledger records that is suggested, held in an exceptions queue or left (in part) unapplied, and was neither
/// returned by the bank nor found to be a processor's payout. Returns held without their original are listed
/// apart: they are linked by a later run once the original turns up.
public struct WaitingPayments: Sendable {
  public var payments: [PostedPayment] = []
  public var heldReturns: [PostedPayment] = []

  public init(_ journal: Journal, customer: String? = nil) {
    var gone = Set(journal.recordedPayouts.map(\.credit))
    for r in journal.paymentReturns {
      gone.insert(r.original)
      gone.insert(PaymentReturn.paymentKey(r.key))
    }
    for (base, p) in journal.currentPostings.sorted(by: { ($0.value.date, $0.key) < ($1.value.date, $1.key) }) {
      guard !base.hasPrefix("payment:credit:"), !gone.contains(base), !gone.contains(p.key), let m = p.amount else { continue }
      if let customer, p.customer != customer { continue }
      if m.amount < .zero {
        if p.status == .exception { heldReturns.append(p) }
        continue
      }
      let waits: Bool
      switch p.status {
      case .suggested?, .exception?: waits = p.refunded == .zero
      case .unapplied?: waits = p.unapplied > .zero
      case .applied?: waits = p.unapplied > .zero
      case .notOurs?, nil: waits = false
      }
      if waits { payments.append(p) }
    }
  }
}
