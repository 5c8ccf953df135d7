import AccrueCore
import AccrueData
import AccrueModel
import AccrueParallel

/// The payments of a run sorted out before any rule is tried: those the journal records as applied, those that
/// are no incoming money of the period, duplicates, returns with the originals of this run they return, and
/// reversals (held for review), and those to match.
struct PaymentIntake {
  /// Each payment's place among the applications (payment order; -1: left out).
  var slots: [Int32]
  /// How many applications the run makes.
  var count: Int32 = 0
  /// Payments held without trying the rules (duplicates, reversals), with their queue and reason.
  var held: [(payment: Int, queue: String, reason: String)] = []
  /// The payments the rules are tried on, in payment order.
  var toMatch: [Int] = []
  /// Payments left out because the journal records them as applied already.
  var alreadyApplied = 0
  /// Payments left out because they are not incoming money (debits, zero amounts) or are booked after `asOf`.
  var ignored = 0

  /// `done`: the keys of the payments the journal records; `returns`: the returns linked to their original.
  init(_ payments: [Payment], asOf: CivilDate, done: Set<String>, returns: ReturnLinks = ReturnLinks()) {
    slots = [Int32](repeating: -1, count: payments.count)
    // Duplicates: payments by a hash of what makes them the same, confirmed field by field (a different payment
    // with the same hash takes the next key).
    var fingerprints: [UInt64: Int] = [:]
    // Worked out for all payments at once (on two threads for many).
    let prints = TwoThreads.map(payments.count, from: Matcher.parallelAt) { i in
      payments.withUnsafeBufferPointer { PaymentIdentity.fingerprint($0, i) }
    }
    /// The earlier payment with the same content, else nil (and this one is registered).
    func firstSame(_ pi: Int) -> Int? {
      var fp = prints[pi]
      while let j = fingerprints[fp] {
        if PaymentIdentity.same(payments[j].transaction, payments[pi].transaction) { return j }
        fp &+= 1
      }
      fingerprints[fp] = pi
      return nil
    }
    // Payments the journal records come first: a copy of one of them is a duplicate whatever its id.
    var recorded = [Bool](repeating: false, count: payments.count)
    if !done.isEmpty {
      for (pi, p) in payments.enumerated() where done.contains("payment:" + p.id) {
        recorded[pi] = true
        _ = firstSame(pi)
      }
    }
    // Fields read in place (a copy of each payment would retain all its strings).
    for pi in payments.indices {
      if recorded[pi] {
        // A return an earlier run held that this run links: its link is a new event.
        guard returns.late.contains(pi) else {
          alreadyApplied += 1
          continue
        }
        slots[pi] = count
        count += 1
        held.append((pi, "returns", ""))
        continue
      }
      let reversal = payments[pi].transaction.reversal
      let returned = payments[pi].transaction.isReturn || returns.returnedInRun[pi] != nil
      guard payments[pi].transaction.bookingDate <= asOf, payments[pi].transaction.amount > .zero || reversal || returned else {
        ignored += 1
        continue
      }
      slots[pi] = count
      count += 1
      if let first = firstSame(pi) {
        held.append((pi, "duplicates", "possible duplicate of payment \(payments[first].id): same date, amount, payer and text"))
        continue
      }
      // Returns (and reversals taking money back) and the originals of this run they return: `ReturnLinks` says why.
      if returns.outcomes[pi] != nil || returns.returnedInRun[pi] != nil {
        held.append((pi, "returns", ""))
        continue
      }
      if reversal {
        held.append((pi, "reversals", "the bank reversed an earlier entry; find the payment it undoes"))
        continue
      }
      if payments[pi].transaction.isReturn {
        let why = payments[pi].transaction.returnReason
        held.append(
          (pi, "returns", "money returned to us (a payment we made came back\(why.isEmpty ? "" : ", \(ReturnReason.describe(why))")): not a customer's payment"))
        continue
      }
      toMatch.append(pi)
    }
  }
}
