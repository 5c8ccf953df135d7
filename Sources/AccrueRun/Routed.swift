import AccrueApprovals
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// What approval rules for credit notes, write-offs and payment plans (grammar.md §11) route: Accrue cannot hold
/// these for approval yet, so what a rule routes is refused, with the rule and the chain it names, never done
/// around the control the rules state. (Invoices and debit notes are held: `ApprovalHold`.)
enum Routed {
  /// Why `item` is refused (nil: no rule routes it). `what` names it in the sentence; `then` says what to do again
  /// once it is approved outside Accrue.
  static func refusal(
    _ item: ApprovalRequestItem, customer: String, plan: ExecutablePlan, data: Dataset, asOf: CivilDate, what: String, then: String
  ) -> String? {
    guard plan.approvals.contains(where: { $0.subject == item.subject }) else { return nil }
    let records = ApprovalRecords(customer: data.customerIndex[customer].map { data.customers[$0].record })
    let holidays = data.collections.holidays.keys.sorted().flatMap { data.collections.holidays[$0] ?? [] }
    let routing = Approvals.route(item, records: records, plan: plan, requestedOn: asOf, holidays: holidays)
    if let f = routing.failures.first { return f.description + ": fix the rule or the data, then \(then)" }
    guard let r = routing.approvals.first else { return nil }
    let chain = r.steps.map(\.role).joined(separator: ", then ")
    return "approval rule '\(r.rule)' (\(r.source.file):\(r.source.line)) asks \(chain) to approve \(what), and Accrue cannot hold "
      + "it for approval yet: have it approved outside Accrue and change the rule so that it no longer routes this one (a "
      + "condition, a higher amount), then \(then)"
  }

  static func money(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }

  /// A resolution's write-offs (each invoice's short amount written off, and an overpayment written off), routed
  /// as write-offs: the refusal of the first a rule routes.
  static func writeOffs(_ p: PostedPayment, plan: ExecutablePlan, data: Dataset, asOf: CivilDate) -> String? {
    guard let c = p.amount?.currency else { return nil }
    var parts = p.settlements.filter { $0.writtenOff > .zero }.map { ($0.invoice, $0.writtenOff) }
    if p.overpaymentWrittenOff > .zero { parts.append(("", p.overpaymentWrittenOff)) }
    for (invoice, amount) in parts {
      let item = ApprovalRequestItem.writeOff(
        WriteOffRequest(id: p.key, customerID: p.customer ?? "", invoice: invoice, date: asOf, amount: amount, currency: c))
      let what = "the write-off of \(money(amount, c))" + (invoice.isEmpty ? " (the payment's overpayment)" : " on \(invoice)")
      if let r = refusal(item, customer: p.customer ?? "", plan: plan, data: data, asOf: asOf, what: what, then: "resolve the payment again") { return r }
    }
    return nil
  }

  /// A payment plan about to be agreed, routed with the amount it spreads (what its invoice, or all the customer's
  /// invoices in the currency of the largest, have open) and its dates.
  static func paymentPlan(_ h: CollectionHold, plan: ExecutablePlan, data: Dataset, asOf: CivilDate) -> String? {
    guard h.kind == .paymentPlan, h.state == "active", let ci = data.customerIndex[h.customer] else { return nil }
    var open: [Currency: Fixed] = [:]
    for inv in data.invoices where Int(inv.customer) == ci && !inv.isCreditNote && inv.status == .open && (h.invoice.isEmpty || inv.id == h.invoice) {
      open[inv.currency] = (open[inv.currency] ?? .zero).adding(inv.unpaid) ?? open[inv.currency]
    }
    guard let (c, amount) = open.max(by: { ($0.value, $1.key.code) < ($1.value, $0.key.code) }) else { return nil }
    let item = ApprovalRequestItem.paymentPlan(
      PaymentPlanRequest(id: h.planID, customerID: h.customer, amount: amount, currency: c, installments: 1, startDate: h.start ?? asOf, endDate: h.end ?? asOf))
    return refusal(
      item, customer: h.customer, plan: plan, data: data, asOf: asOf, what: "payment plan \(h.planID) over \(money(amount, c))", then: "record the payment plan again")
  }
}
