import AccrueCore
import AccrueData
import AccrueModel

extension Dataset {
  /// Counts what the journal records as applied to invoices (settled, on top of the amount paid before) as
  /// paid, unless the invoices file already shows it (its amount paid reached paid before + settled): so a
  /// payment applied by an earlier `apply` is neither applied again nor dunned for, and an invoices file
  /// exported after posting it does not count it twice.
  public mutating func recordJournalPayments(_ payments: [PostedPayment]) {
    recordJournal(payments.map(JournalItem.cashApplication))
  }

  /// Replays the journal's cash events in run order (`Journal.cashEvents`): a payment applied counts as above
  /// (paid = max(paid, paid before + settled)); a return that reversed its original, or a person's posting that
  /// supersedes an earlier one of the same payment, takes what that one settled off again (paid -= settled, and
  /// the invoice is open again), so the open amounts come out right whatever the order in which the runs applied
  /// and returned.
  public mutating func recordJournal(_ events: [JournalItem]) {
    var posted: [String: PostedPayment] = [:]
    for event in events {
      switch event {
      case .cashApplication(let payment):
        // A person's resolution or reversal replaces the payment's posting before it: that one's settlements are
        // taken off first.
        if let old = payment.supersedes, let before = posted.removeValue(forKey: old) { reverse(before) }
        guard payment.status?.postsAllocations == true else { continue }
        posted[payment.key] = payment
        for s in payment.settlements {
          guard let i = invoiceIDs.find(s.invoice, in: invoices), let target = s.paidBefore.adding(s.settled) else { continue }
          if invoices[i].paid < target { invoices[i].paid = target }
          if invoices[i].paid >= invoices[i].amount, invoices[i].status == .open { invoices[i].status = .paid }
        }
      case .paymentReturn(let r):
        guard r.reversed, let original = posted.removeValue(forKey: r.original) else { continue }
        reverse(original)
      default: continue
      }
    }
  }

  /// Reopens the invoices of the payments this run's returns reversed (applied by earlier runs: `journal`), so
  /// dunning in the same run sees them open, as it sees this run's cash as paid (`recordPayments`).
  public mutating func recordReturns(_ r: CashResult, journal: Journal?) {
    let reversed = Set(r.applications.compactMap { $0.returnOf?.reversed == true ? $0.returnOf?.original : nil })
    guard !reversed.isEmpty, let journal else { return }
    for p in journal.postedPayments where reversed.contains(p.key) && p.status?.postsAllocations == true { reverse(p) }
  }

  /// Counts the amounts a cash run applied (not the suggested ones, which wait for review) as paid, so
  /// dunning in the same run leaves closed invoices alone.
  public mutating func recordPayments(_ r: CashResult) {
    // Applications read in place, by index (a copy of each would retain all its strings).
    for k in r.applications.indices where r.applications[k].status.postsAllocations {
      for n in r.applications[k].allocations.indices {
        guard let i = invoiceIDs.find(r.applications[k].allocations[n].invoice, in: invoices) else { continue }
        invoices[i].paid = invoices[i].paid.adding(r.applications[k].allocations[n].settled) ?? invoices[i].paid
        if r.applications[k].allocations[n].closes { invoices[i].status = .paid }
      }
    }
    // Payments waiting for review: a suggested match's invoices, and those held for a payment's review (a short
    // payment, a currency mismatch, a possible duplicate), not the closest invoices listed for an unmatched one.
    // (A return waits for nobody's review on the invoices it reopened: they are open, and dunned.)
    // Applications read in place, and the reason made only when an invoice first waits for it (most payments
    // that may wait find their invoices closed or waiting already).
    for k in r.applications.indices where r.applications[k].holdsDunning {
      let suggested = r.applications[k].status == .suggested
      var why: String?
      func reason() -> String {
        if let why { return why }
        let a = r.applications[k]
        let made = ReviewWait.reason(
          payment: a.paymentID, amount: Money(amount: a.amount, currency: a.currency), booked: a.date, suggestedBy: suggested ? a.rule ?? "?" : nil,
          queue: a.queue ?? "?", reason: a.reason)
        why = made
        return made
      }
      func wait(_ id: String) {
        guard let i = invoiceIDs.find(id, in: invoices), invoices[i].status == .open else { return }
        if awaitingReview[Int32(i)] == nil { awaitingReview[Int32(i)] = reason() }
      }
      if suggested {
        for n in r.applications[k].allocations.indices { wait(r.applications[k].allocations[n].invoice) }
      } else {
        for n in r.applications[k].suggestions.indices { wait(r.applications[k].suggestions[n]) }
      }
    }
  }
}
