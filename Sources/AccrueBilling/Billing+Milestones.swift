import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Milestone billing (grammar.md §6.3): a charge with `milestone "NAME"` is billed once, on an invoice of its own
/// dated the day the data's milestones say the contract reached NAME (keyed `CONTRACT/milestone/NAME`), with the
/// plan's taxes and payment terms.
extension Billing {
  static func milestoneInvoices(
    _ plan: ExecutablePlan, _ data: Dataset, from: CivilDate, to: CivilDate, explain: String?, _ env: Env
  ) -> (invoices: [PlannedInvoice], failures: [RunFailure], already: Int) {
    var out: [PlannedInvoice] = []
    var failures: [RunFailure] = []
    var already = 0
    for c in data.contracts where !c.milestones.isEmpty {
      for m in c.milestones where m.date > from && m.date <= to {
        let key = "\(c.id)/milestone/\(m.name)"
        if data.isIssued(key) {
          already += 1
          continue
        }
        env.reset()
        env.explaining = explain == key
        if let inv = milestoneInvoice(plan, data, c, m, key: key, env) { out.append(inv) }
        if let f = env.failure { failures.append(plan.failure(f, "invoice \(key)")) }
      }
    }
    return (out, failures, already)
  }

  static func milestoneInvoice(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ m: MilestoneRow, key: String, _ env: Env
  ) -> PlannedInvoice? {
    let customer = data.customers[c.customer]
    let terms = c.terms(on: m.date)
    let spec = plan.plans[terms.plan]
    var record = c.record
    if let s = data.contractSlots.quantity { record[s] = .number(terms.quantity) }
    if let s = data.contractSlots.seats { record[s] = .number(terms.seats) }
    if let s = data.contractSlots.plan { record[s] = .text(spec.name) }
    env.records[RecordKind.contract.index] = record
    env.records[RecordKind.customer.index] = customer.record
    var lines: [InvoiceLine] = []
    for ch in spec.charges where ch.milestone == m.name {
      guard let (priced, _, steps, _) = price(ch, quantity: .zero, env: env, currency: spec.currency) else { continue }
      var explain = BillingSteps(explaining: env.explaining)
      explain.add(.charge(rule: ch.source, name: ch.name))
      explain.add(.milestoneReached(name: m.name, date: m.date, row: m.source))
      explain.add(contentsOf: steps)
      let amount = rounded(priced, spec, env)
      explain.add(.rounded(spec.rounding, places: spec.currency.minorUnits, amount: amount))
      lines.append(
        InvoiceLine(
          description: "\(ch.label): milestone \(m.name) reached \(m.date)", kind: .charge, charge: ch.name, amount: amount,
          periodStart: m.date, periodEnd: m.date.adding(days: 1) ?? m.date, rule: ch.source, explanation: explain.list))
    }
    guard !lines.isEmpty else { return nil }
    let subtotal = sum(lines, spec.source, "the invoice's subtotal", env)
    let (taxes, total) = invoiceTaxes(spec, subtotal, env)
    let (due, termsText, installments) = dueDate(spec, issue: m.date, total: total, env: env)
    return explainTerms(
      PlannedInvoice(
        key: key, contractID: c.id, customerID: customer.id, customerName: customer.name, plan: spec.name, currency: spec.currency,
        issueDate: m.date, periodStart: m.date, periodEnd: lines[0].periodEnd, lines: lines, subtotal: subtotal, taxes: taxes, total: total,
        dueDate: due, terms: termsText, earlyDiscount: earlyDiscount(spec, issue: m.date, total: total, env), installments: installments,
        sources: [customer.source, c.source, m.source]),
      spec, env)
  }
}
