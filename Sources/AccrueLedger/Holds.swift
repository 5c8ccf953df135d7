import AccrueCore
import AccrueData
import AccrueModel

extension Dataset {
  /// Adds the disputes, promises to pay and payment plans people recorded (decisions of runs dated on or before
  /// `asOf`), in run order, beside the data's files: a dispute sets its invoice's disputed amount (the last one
  /// recorded wins over the invoices file's), a promise joins promises.csv's, a plan joins payment_plans.csv's and
  /// a later decision ends it. Each is cited as `decision:RUN` in explanations.
  public mutating func recordHolds(_ journal: Journal, asOf: CivilDate) {
    var plans: [String: Int] = [:]
    for run in journal.runs where run.asOf <= asOf {
      guard let h = run.hold, let c = customerIndex[h.customer] else { continue }
      let source = RowRef(file: "decision", line: run.number)
      let invoice = h.invoice.isEmpty ? -1 : invoiceIDs.find(h.invoice, in: invoices).map(Int32.init) ?? -2
      if invoice == -2 { continue }
      switch h.kind {
      case .dispute:
        guard invoice >= 0 else { continue }
        invoices[Int(invoice)].disputed = h.amount?.amount ?? .zero
      case .promise:
        guard let end = h.end else { continue }
        collections.promises.append(PromiseToPay(customer: Int32(c), invoice: invoice, promisedDate: end, amount: h.amount?.amount, source: source))
      case .paymentPlan:
        if let k = plans[h.planID] {
          collections.paymentPlans[k].active = h.state == "active"
          if let end = h.end { collections.paymentPlans[k].end = end }
          continue
        }
        guard let start = h.start else { continue }
        plans[h.planID] = collections.paymentPlans.count
        collections.paymentPlans.append(
          PaymentPlan(id: h.planID, customer: Int32(c), invoice: invoice, start: start, end: h.end, active: h.state == "active", source: source))
      }
    }
  }
}

extension ReceivablesData {
  /// The disputes people recorded (decisions of runs dated on or before `asOf`), as the report's disputed amounts:
  /// the last one recorded on an invoice wins over the invoices file's.
  public mutating func recordDisputes(_ journal: Journal, asOf: CivilDate) {
    var index: [String: Int] = [:]
    for (k, i) in invoices.enumerated() where index[i.id] == nil { index[i.id] = k }
    for run in journal.runs where run.asOf <= asOf {
      guard let h = run.hold, h.kind == .dispute, let k = index[h.invoice] else { continue }
      invoices[k].disputed = h.amount?.amount ?? .zero
    }
  }
}

extension Dataset {
  /// Holds the dunning of the invoices a payment an earlier run recorded still waits for review for (a suggested
  /// match's invoices, a short payment's or a currency mismatch's held in a queue: `PostedPayment.holdsDunning`),
  /// until a person decides (`accrue resolve`) or the bank returns it: as the run that matched it held them
  /// (`recordPayments`), so a customer who paid is not reminded, or charged a late fee, while the payment sits in a
  /// queue. Open invoices only; the reason names the payment and the run that recorded it.
  public mutating func recordWaitingReviews(_ journal: Journal) {
    let waiting = WaitingPayments(journal).payments.filter(\.holdsDunning)
    guard !waiting.isEmpty else { return }
    var recordedBy: [String: Int] = [:]
    for run in journal.runs { for case .cashApplication(let p) in run.items where p.holdsDunning { recordedBy[p.key] = run.number } }
    for p in waiting {
      let ids = p.status == .suggested ? p.settlements.map(\.invoice) : p.candidates
      let id = p.key.hasPrefix("payment:") ? String(p.key.dropFirst(8)) : p.key
      let reason = ReviewWait.reason(
        payment: id, amount: p.amount, booked: p.date, suggestedBy: p.status == .suggested ? p.rule : nil, queue: p.queue,
        reason: p.reason.isEmpty ? nil : p.reason, since: recordedBy[p.key])
      for invoice in ids {
        guard let i = invoiceIDs.find(invoice, in: invoices), invoices[i].status == .open, awaitingReview[Int32(i)] == nil else { continue }
        awaitingReview[Int32(i)] = reason
      }
    }
  }
}

/// Why an invoice's due step is held for a payment (`--why-not`, the summary's "not reminded while a payment waits
/// for review"), the same words for this run's payments and those an earlier run recorded.
enum ReviewWait {
  static func reason(
    payment id: String, amount: Money?, booked: CivilDate, suggestedBy rule: String?, queue: String, reason: String?, since run: Int? = nil
  ) -> String {
    let what = "payment \(id) (" + (amount.map { "\($0.formatted(grouping: true)), " } ?? "") + "booked \(booked))"
    let since = run.map { " since run \($0)" } ?? ""
    if let rule { return what + " is suggested for it by rule \(rule) and waits for review" + since }
    return what + " waits for review in queue \(queue)" + since + (reason.map { ": \($0)" } ?? "")
  }
}
