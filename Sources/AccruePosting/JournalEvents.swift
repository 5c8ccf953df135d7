import AccrueCore
import AccrueModel
import AccrueParser

// The events of a run and the entries they post (grammar.md §12): an invoice or debit note (its lines, discounts,
// fees and taxes), a payment's application (cash applied, short payments written off, early-payment discounts
// taken, overpayments credited on account or written off, cash left unapplied), and credit on account used.
extension JournalBuilder {
  mutating func invoice(_ inv: PlannedInvoice) {
    let event = (inv.kind == .debitNote ? "debit-note:" : "invoice:") + inv.key
    fill(customer: inv.customerID, contract: inv.contractID.isEmpty ? nil : inv.contractID, currency: inv.currency)
    guard let entity = entity(event) else { return }
    var entry = JournalEntry(
      event: event, document: inv.number.map { $0 + (inv.numberIsProvisional ? " (provisional)" : "") }, date: inv.issueDate, entity: entity,
      currency: inv.currency, customer: inv.customerID)
    let planName = plan.planIndex[inv.plan] != nil ? inv.plan : nil
    var ok = true
    for (k, l) in inv.lines.enumerated() {
      let kind: PostingEvent
      switch l.kind {
      case .discount: kind = .discount
      case .fee: kind = .fee
      case .charge, .usage, .minimumTrueUp, .credit: kind = .invoiceLine
      }
      let charge = kind == .invoiceLine ? l.charge : nil
      guard let (d, credit) = lines(kind, entity: entity, plan: planName, charge: charge, memo: l.description, event: event) else {
        ok = false
        continue
      }
      var c = credit
      // An invoice line's revenue is its performance obligation (DOCUMENT#LINE); revenue recognized later is
      // credited to deferred revenue (the `revenue recognized` row's debit) until recognized (grammar.md §13).
      if kind == .invoiceLine {
        c.obligation = inv.key + "#" + String(k + 1)
        if charge != nil, rules.recognition(entity: entity, plan: planName, charge: charge).0.defers {
          guard let (deferred, _) = lines(.revenueRecognized, entity: entity, plan: planName, charge: charge, memo: l.description, event: event) else {
            ok = false
            continue
          }
          c = deferred
          c.obligation = inv.key + "#" + String(k + 1)
        }
      }
      // A discount line is negative on the invoice; its row names the accounts of the discount given (debit the
      // discount account, credit receivables), so it posts the discount's size.
      entry.post(kind == .discount ? (l.amount.negated ?? l.amount) : l.amount, debit: d, credit: c)
    }
    for t in inv.taxes {
      let kind: PostingEvent = t.inclusive ? .taxIncluded : .tax
      guard let (d, c) = lines(kind, entity: entity, plan: planName, charge: nil, memo: t.label, event: event) else {
        ok = false
        continue
      }
      entry.post(t.amount, debit: d, credit: c)
    }
    if ok, !entry.lines.isEmpty { result.entries.append(entry) }
  }

  mutating func cash(_ app: CashApplication) {
    guard app.returnOf == nil, app.status != .notOurs else { return }
    let event = app.key
    fill(customer: app.customer, contract: nil, currency: app.currency)
    guard let entity = entity(event) else { return }
    var entry = JournalEntry(event: event, document: nil, date: app.date, entity: entity, currency: app.currency, customer: app.customer)
    var parts: [(PostingEvent, Fixed, String)] = []
    if app.isCreditUse {
      for a in app.allocations { parts.append((.creditUsed, a.amount, "Credit on account used for \(a.invoice)")) }
    } else if app.status.postsAllocations {
      for a in app.allocations {
        parts.append((.cashApplied, a.amount, "Payment \(app.paymentID) applied to \(a.invoice)"))
        parts.append((.writeOff, a.writtenOff, "Short payment of \(a.invoice) written off"))
        parts.append((.earlyPaymentDiscount, a.discount, "Early-payment discount on \(a.invoice)"))
      }
      parts.append((.creditOnAccount, app.credit, "Overpayment of \(app.paymentID) credited on account"))
      parts.append((.overpaymentWrittenOff, app.writeOff, "Overpayment of \(app.paymentID) written off"))
      parts.append((.unappliedCash, app.unapplied, "Payment \(app.paymentID) not applied"))
    } else {
      parts.append((.unappliedCash, app.amount, "Payment \(app.paymentID) waiting (\(app.status.rawValue))"))
    }
    var ok = true
    for (kind, amount, memo) in parts where !amount.isZero {
      guard let (d, c) = lines(kind, entity: entity, plan: nil, charge: nil, memo: memo, event: event) else {
        ok = false
        continue
      }
      entry.post(amount, debit: d, credit: c)
    }
    if ok, !entry.lines.isEmpty { result.entries.append(entry) }
  }
}
