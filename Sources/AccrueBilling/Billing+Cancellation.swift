import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Credit notes of cancellations (grammar.md §6.6): a contract cancelled inside a period whose invoice already
/// billed it in advance, under `cancellation immediately with prorated credit`, gets back the days from the
/// cancellation to the period's end.
extension Billing {
  /// The credit notes of the contracts cancelled on or before `asOf` under a prorated-credit policy whose credited
  /// invoice was issued, less those in `issued` (credit notes the ledger holds). A credit note is dated on the day
  /// of the cancellation when that day is in the run's window (after `since`), else on the run's date (a
  /// cancellation entered late). Nothing is credited for an invoice not issued yet: that invoice bills the days
  /// served only.
  public static func cancellationCredits(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate, issued: Set<String>
  ) -> (notes: [PlannedCreditNote], failures: [RunFailure]) {
    var notes: [PlannedCreditNote] = []
    var failures: [RunFailure] = []
    let env = Env(asOf: asOf)
    env.lets = plan.lets.map { $0.eval(env) }
    for (ci, c) in data.contracts.enumerated() {
      guard let d = c.cancelledOn, d <= asOf,
        let (policy, rule) = plan.plans[c.terms(on: d).plan].cancellation ?? plan.plans[c.plan].cancellation,
        policy == .immediateProratedCredit
      else { continue }
      env.reset()
      switch creditNote(plan, data, c, ci, cancelled: d, rule: rule, asOf: asOf, since: since, issued: issued, env) {
      case .note(let n): notes.append(n)
      case .none: break
      case .failure(let f): failures.append(f)
      }
      if let f = env.failure { failures.append(plan.failure(f, "the credit note of contract \(c.id)'s cancellation")) }
    }
    return (notes, failures)
  }

  /// What a cancellation gives: a credit note, nothing, or a failure to say.
  enum CreditOutcome {
    case none, note(PlannedCreditNote), failure(RunFailure)
  }

  /// One cancelled contract's credit note: nil when the cancelled period's invoice was not issued, billed nothing in
  /// advance after the cancellation, or was credited already.
  static func creditNote(
    _ plan: ExecutablePlan, _ data: Dataset, _ cancelled: ContractData, _ ci: Int, cancelled d: CivilDate, rule: RuleRef,
    asOf: CivilDate, since: CivilDate, issued: Set<String>, _ env: Env
  ) -> CreditOutcome {
    // The contract as it was billed: not cancelled. Its billing date whose advance period holds the day.
    var c = cancelled
    c.cancelledOn = nil
    let tasks = billingTasks(plan, data, c, ci, from: CivilDate(dayNumber: c.start.dayNumber - 1), to: d, env)
    guard let t = tasks.last(where: { $0.advance.map { $0.start <= d && d < $0.end } ?? false }), let adv = t.advance else {
      return .none
    }
    let key = "\(c.id)/\(t.date)"
    guard data.issuedPeriods.contains(Dataset.periodKey(ci, t.date)) || data.isIssued(key) else { return .none }
    let found =
      data.invoiceIDs.find(key, in: data.invoices)
      ?? data.invoices.indices.first {
        let i = data.invoices[$0]
        return Int(i.contract) == ci && i.issueDate == t.date && !i.isCreditNote && !i.isDebitNote
      }
    guard let ii = found else {
      return .failure(
        RunFailure(
          message: "the invoice of contract \(c.id)'s period from \(t.date) was issued, and neither its key \(key) nor its issue date "
            + "finds it in the invoices file: give that row its key as id, or its billing date as issue_date, so the cancellation on \(d) can credit it",
          rule: rule, subject: "contract \(c.id)"))
    }
    let inv = data.invoices[ii]
    let noteKey = PlannedCreditNote.key(invoice: inv.id)
    guard !issued.contains(noteKey), !data.isIssued(noteKey), inv.status != .void else { return .none }

    c.setRecords(env, data)
    let terms = c.terms(on: t.date)
    let spec = plan.plans[terms.plan]
    var lines = periodLines(
      plan, data, c, terms: terms, timing: .advance, d, adv.end, full: adv.full, firstInvoice: false, note: "Unused from \(d): ", env: env)
    guard !lines.isEmpty else { return .none }
    // Percentage discounts take their share of the days credited; an amount off the invoice, its days' share.
    lines += discountLines(spec, c, t, lines, env, only: .percent)
    let billed = periodLines(plan, data, c, terms: terms, timing: .advance, adv.start, adv.end, full: adv.full, firstInvoice: false, env: env)
    let (unused, days) = (d.days(until: adv.end), adv.start.days(until: adv.end))
    for var a in discountLines(spec, c, t, billed, env, only: .amount) {
      a.amount = rounded(env.exact(a.amount.multiplied(by: Fixed(unused), dividedBy: Fixed(days), rounding: spec.rounding), a.rule, "\(a.amount) x \(unused) / \(days)"), spec, env)
      a.description += " (\(unused) of \(days) days)"
      if !a.amount.isZero { lines.append(a) }
    }
    let subtotal = sum(lines, rule, "the credit note's subtotal", env)
    guard subtotal > .zero else { return .none }
    let (taxes, computed) = invoiceTaxes(spec, subtotal, env)
    // Never more than the invoice's total.
    let total = min(computed, inv.amount)
    let tax = min(taxes.reduce(Fixed.zero) { env.exact($0.adding($1.amount), rule, "the credit note's tax") }, total)
    let customer = data.customers[c.customer]
    let date = d > since ? d : asOf
    let note = CreditNote(
      key: noteKey, number: noteKey, invoice: inv.id, customer: customer.id, issueDate: date, currency: spec.currency,
      net: env.exact(total.subtracting(tax), rule, "the credit note's net"), tax: tax, total: total, settled: .zero, credit: .zero,
      reason: "cancellation of contract \(c.id) on \(d): \(unused) unused days of \(days) billed in advance")
    var ruled = note
    ruled.rule = rule.description
    return .note(
      PlannedCreditNote(
        note: ruled, contractID: c.id, customerName: customer.name, plan: spec.name, invoiceKey: key, cancelledOn: d, periodStart: d,
        periodEnd: adv.end, lines: lines, taxes: taxes, rule: rule, sources: [customer.source, cancelled.source]))
  }
}
