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
