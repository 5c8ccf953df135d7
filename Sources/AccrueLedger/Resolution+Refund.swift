import AccrueCore
import AccrueModel

extension Resolution {
  /// A refund of a payment (`accrue resolve payment:ID --refund [--amount X]`): `amount` (nil: all of it) paid back
  /// to the payer. What the payment did not apply goes first (unapplied, then credit on account, then an
  /// overpayment written off), then what it paid on invoices, the last settled first: each invoice it is taken from
  /// has that much open again (a refund reopens a balance), and dunning sees it at its next run. Its write-offs and
  /// early-payment discounts stay with the invoices it still pays; an invoice it no longer pays at all loses them.
  /// The parts always sum to the payment: applied + credit + unapplied + written off + refunded. `money` is what is
  /// left of the payment (a part refunded before stays refunded).
  static func refund(_ amount: Fixed?, current: PostedPayment, money: Money, next: inout PostedPayment) -> Result<String, ResolutionError> {
    let c = money.currency
    func words(_ v: Fixed) -> String { Money(amount: v, currency: c).formatted(grouping: true) }
    let take = amount ?? money.amount
    let before = current.refunded
    guard take > .zero, Fixed(minorUnits: take.toMinorUnits(exponent: c.minorUnits, .down) ?? 0, exponent: c.minorUnits) == take else {
      return .failure(ResolutionError("--amount \(take): an amount above zero with at most \(c.minorUnits) decimals"))
    }
    guard take <= money.amount else {
      return .failure(
        ResolutionError(
          "payment \(current.key) has \(words(money.amount)) left\(before > .zero ? " (\(words(before)) refunded before)" : ""): a refund of \(words(take)) is more than that; refund at most that"))
    }
    next.refunded = before.adding(take) ?? take
    guard take < money.amount else {
      let undone = current.settledSomething ? "reversed its application (" + describe(current.settlements, c) + ") and " : ""
      let reopened = current.status?.postsAllocations == true ? current.settlements.map(\.invoice) : []
      return .success(
        undone + "refunded \(words(take)) to the payer" + (reopened.isEmpty ? "" : ": " + reopened.joined(separator: ", ") + " open again by what it paid"))
    }
    // A payment that applied nothing (suggested, waiting): the rest waits, unapplied, for a person.
    guard current.status?.postsAllocations == true else {
      next.status = .unapplied
      next.unapplied = money.amount.subtracting(take) ?? .zero
      return .success("refunded \(words(take)) to the payer; \(words(next.unapplied)) left unapplied")
    }
    var left = take
    func from(_ v: inout Fixed) {
      let t = min(v, left)
      v = v.subtracting(t) ?? v
      left = left.subtracting(t) ?? left
    }
    (next.status, next.unapplied, next.credit, next.overpaymentWrittenOff) = (current.status, current.unapplied, current.credit, current.overpaymentWrittenOff)
    from(&next.unapplied)
    from(&next.credit)
    from(&next.overpaymentWrittenOff)
    var settlements = current.settlements
    var reopened: [String] = []
    for k in settlements.indices.reversed() where left > .zero {
      let cash = settlements[k].applied
      let t = min(cash, left)
      guard t > .zero else { continue }
      settlements[k].settled = settlements[k].settled.subtracting(t) ?? settlements[k].settled
      left = left.subtracting(t) ?? left
      reopened.append("\(words(t)) on \(settlements[k].invoice)")
      if settlements[k].applied == .zero { settlements[k].settled = .zero }
    }
    next.settlements = settlements.filter { $0.settled > .zero }
    return .success(
      "refunded \(words(take)) of it to the payer" + (reopened.isEmpty ? "" : "; open again: " + reopened.reversed().joined(separator: ", "))
        + "; it still " + (next.settlements.isEmpty ? "pays nothing" : describe(next.settlements, c)))
  }
}
