import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Credit notes of cancellations (grammar.md §6.6): a contract cancelled inside a period whose invoice already
/// billed it in advance, under `cancellation immediately with prorated credit`, gets back the days from the
/// cancellation to the period's end.
extension Billing {
  /// What a cancelled contract gets back from: the first day not served and not kept by its plan's policy (the day
  /// of the cancellation under `immediately with prorated credit`; the end of the period it falls in otherwise: that
  /// period is served, or kept without credit). Every day from then billed in advance, or billed in arrears ahead of
  /// the cancellation, is credited. Nil when the contract is not cancelled on or before `asOf`, or its plan has no
  /// policy. Also the policy's rule.
  public static func creditFrom(plan: ExecutablePlan, data: Dataset, contract c: ContractData, asOf: CivilDate) -> (day: CivilDate, rule: RuleRef)? {
    guard let d = c.cancelledOn, d <= asOf,
      let (policy, rule) = plan.plans[c.terms(on: d).plan].cancellation ?? plan.plans[c.plan].cancellation
    else { return nil }
    if policy == .immediateProratedCredit { return (d, rule) }
    // The periods as billing counts them ('trial ... then new cycle' moves the anchor to the trial's end).
    var open = c
    open.cancelledOn = nil
    let spec = plan.plans[c.plan]
    if spec.trialStartsCycle {
      let env = Env(asOf: asOf)
      env.lets = plan.lets.map { $0.eval(env) }
      c.setRecords(env, data)
      if let te = trialEnd(spec, c, env), te > c.start { (open.start, open.anchor) = (te, te) }
    }
    return (PeriodClock(plan: spec, contract: open).period(containing: d)?.end ?? d, rule)
  }

  /// The credit notes of cancellations for invoices of the invoices file (Accrue does not know their lines: the
  /// rules compute what they billed in advance after `creditFrom`, capped at their total), less those in `issued`
  /// (credit notes the ledger holds). Invoices the ledger issued are credited from their recorded lines
  /// (AccrueRun's `Books.creditCancellations`). A credit note is dated on the day of the cancellation when that day is
  /// in the run's window (after `since`), else on the run's date (a cancellation entered late). Nothing is credited
  /// for an invoice not issued yet: it bills the days served only.
  public static func cancellationCredits(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate, issued: Set<String>
  ) -> (notes: [PlannedCreditNote], failures: [RunFailure]) {
    var notes: [PlannedCreditNote] = []
    var failures: [RunFailure] = []
    let env = Env(asOf: asOf)
    env.lets = plan.lets.map { $0.eval(env) }
    let data = decidingPlanChanges(plan, data, env)  // Billing+PlanChanges (§6.11)
    for (ci, c) in data.contracts.enumerated() {
      guard let d = c.cancelledOn, let (from, rule) = creditFrom(plan: plan, data: data, contract: c, asOf: asOf) else { continue }
      var open = c
      open.cancelledOn = nil
      env.reset()
      for t in billingTasks(plan, data, open, ci, from: CivilDate(dayNumber: c.start.dayNumber - 1), to: asOf, env) {
        guard let adv = t.advance, adv.end > from else { continue }
        switch creditNote(plan, data, open, t, ci, from: from, cancelled: d, rule: rule, asOf: asOf, since: since, issued: issued, env) {
        case .note(let n): notes.append(n)
        case .none: break
        case .failure(let f): failures.append(f)
        }
        if let f = env.failure { failures.append(plan.failure(f, "the credit note of contract \(c.id)'s cancellation")) }
        env.reset()
      }
    }
    return (notes, failures)
  }

  /// What a cancellation gives: a credit note, nothing, or a failure to say.
  enum CreditOutcome {
    case none, note(PlannedCreditNote), failure(RunFailure)
  }

  /// The credit note of one issued invoice of the invoices file (the task `t` of the contract as billed, not
  /// cancelled): nothing when it was not issued, is in the ledger, billed nothing in advance after `from`, or was
  /// credited already.
  static func creditNote(
    _ plan: ExecutablePlan, _ data: Dataset, _ c: ContractData, _ t: BillTask, _ ci: Int, from: CivilDate, cancelled d: CivilDate,
    rule: RuleRef, asOf: CivilDate, since: CivilDate, issued: Set<String>, _ env: Env
  ) -> CreditOutcome {
    guard let adv = t.advance else { return .none }
    let start = CivilDate.max(adv.start, from)
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
    guard !inv.inLedger, !issued.contains(noteKey), !data.isIssued(noteKey), inv.status != .void else { return .none }

    c.setRecords(env, data)
    let terms = c.terms(on: t.date)
    let spec = plan.plans[terms.plan]
    var lines = periodLines(
      plan, data, c, terms: terms, timing: .advance, start, adv.end, full: adv.full, firstInvoice: false, note: "Unused from \(start): ", env: env)
    guard !lines.isEmpty else { return .none }
    // Percentage discounts take their share of the days credited; an amount off the invoice, its days' share.
    lines += discountLines(spec, c, t, lines, env, only: .percent)
    let billed = periodLines(plan, data, c, terms: terms, timing: .advance, adv.start, adv.end, full: adv.full, firstInvoice: false, env: env)
    let (unused, days) = (start.days(until: adv.end), adv.start.days(until: adv.end))
    for var a in discountLines(spec, c, t, billed, env, only: .amount) {
      a.amount = rounded(env.exact(a.amount.multiplied(by: Fixed(unused), dividedBy: Fixed(days), rounding: spec.rounding), a.rule, "\(a.amount) x \(unused) / \(days)"), spec, env)
      a.description += " (\(unused) of \(days) days)"
      if !a.amount.isZero { lines.append(a) }
    }
    let subtotal = sum(lines, rule, "the credit note's subtotal", env)
    guard subtotal > .zero else { return .none }
    let (taxes, computed) = invoiceTaxes(spec, subtotal, env)
    // Never more than the invoice's total (its net and tax scaled down together when the rules now say more).
    let total = min(computed, inv.amount)
    var tax = taxes.reduce(Fixed.zero) { env.exact($0.adding($1.amount), rule, "the credit note's tax") }
    if computed > total, total > .zero {
      tax = rounded(env.exact(tax.multiplied(by: total, dividedBy: computed, rounding: spec.rounding), rule, "the credit note's tax, scaled"), spec, env)
    }
    let customer = data.customers[c.customer]
    let date = d > since ? d : asOf
    let note = CreditNote(
      key: noteKey, number: noteKey, invoice: inv.id, customer: customer.id, issueDate: date, currency: spec.currency,
      net: env.exact(total.subtracting(tax), rule, "the credit note's net"), tax: tax, total: total, settled: .zero, credit: .zero,
      reason: "cancellation of contract \(c.id) on \(d): \(unused) days of \(days) billed in advance not served (from \(start))")
    var ruled = note
    ruled.rule = rule.description
    return .note(
      PlannedCreditNote(
        note: ruled, contractID: c.id, customerName: customer.name, plan: spec.name, invoiceKey: key, cancelledOn: d, periodStart: start,
        periodEnd: adv.end, lines: lines, taxes: taxes, rule: rule, sources: [customer.source, c.source, RowRef(file: data.invoicesFile ?? "invoices", line: Int(inv.line))]))
  }
}
