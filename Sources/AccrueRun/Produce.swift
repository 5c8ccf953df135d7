import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueLedger
import AccrueModel
import AccrueParallel

/// The produce step shared by `plan` and `apply`: the run's stages (`Stage`) as of a date, less what the journal
/// records as already produced.
public enum Produce {
  /// Runs the stages `Stage.steps` lists, each timed under its name. With a journal (the ledger's history), its
  /// invoices count as issued, its reminders as sent and its payments as applied, so only what is new comes out.
  /// Payments applied automatically count as paid before dunning: nobody gets a reminder for an invoice this run's
  /// cash closed. The books' steps (`Books`) bill fees, use credit on account and number the documents; numbers
  /// are provisional unless `finalNumbers` (apply). `holdForApproval` (plan and apply): what approval rules route
  /// to people is held (`ApprovalHold`), not issued; `diff` and rule tests compare what the rules compute.
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, since: CivilDate? = nil, journal: Journal? = nil, explain: String? = nil,
    whyNot: String? = nil, progress: Billing.Progress? = nil, only: RunOutput.Part? = nil, explanations: Bool = true,
    finalNumbers: Bool = false, holdForApproval: Bool = false
  ) -> RunOutput {
    var d = data
    return run(
      plan: plan, working: &d, asOf: asOf, since: since, journal: journal, explain: explain, whyNot: whyNot, progress: progress, only: only,
      explanations: explanations, finalNumbers: finalNumbers, holdForApproval: holdForApproval)
  }

  /// The same run, on `d` itself rather than on a copy: the stages count the run's cash into its invoices (a copy
  /// of all of them, for a million invoices, when the caller still holds the data). `d` is left as the run's
  /// working data (the ledger's history recorded, the run's cash counted): a caller passes data it no longer
  /// reads, or a copy.
  public static func run(
    plan: ExecutablePlan, working d: inout Dataset, asOf: CivilDate, since: CivilDate? = nil, journal: Journal? = nil,
    explain: String? = nil, whyNot: String? = nil, progress: Billing.Progress? = nil, only: RunOutput.Part? = nil,
    explanations: Bool = true, finalNumbers: Bool = false, holdForApproval: Bool = false
  ) -> RunOutput {
    var ledgerIssues: [DataIssue] = []
    if let journal { (d, ledgerIssues) = d.recording(journal, plan: plan, asOf: asOf) }
    var out = RunOutput(
      billing: BillingResult(asOf: asOf, since: since ?? asOf, invoices: [], alreadyIssued: 0, failures: []),
      collections: nil, cash: nil, issues: [], only: only)
    let steps = Stage.steps(plan: plan, only: only)
    // Processors' payouts first: a bank credit that is a payout is the processor's money, not a customer's
    // payment (its charges are), so cash application never sees it.
    // Payouts an earlier apply reconciled are done: their lines and their bank credits (the processor's money, even
    // once the export is archived) are left out.
    let recorded = journal?.recordedPayouts ?? []
    if !recorded.isEmpty {
      let payoutKeys = Set(recorded.map(\.payout))
      let credits = Set(recorded.map { String($0.credit.dropFirst("payment:".count)) })
      d.processors.lines.removeAll { payoutKeys.contains("payout:" + $0.processor + ":" + $0.payoutID) }
      d.cash.payments.removeAll { credits.contains($0.id) }
    }
    if !d.processors.lines.isEmpty {
      // A credit an earlier run recorded without settling anything (left unapplied or held) may still be found to be
      // a payout; one that paid invoices, left credit on account or was suggested for invoices (someone may have
      // posted it by hand) is refused with a reason.
      let applied = Set(
        (journal?.currentPostings ?? [:]).filter { $0.value.settledSomething || ($0.value.status == .suggested && !$0.value.settlements.isEmpty) }.keys)
      var payouts = PayoutMatching.run(plan: plan, data: d, asOf: asOf, applied: applied)
      payouts.reconciledEarlier = recorded.count
      let matched = payouts.matchedCredits
      if !matched.isEmpty { d.cash.payments.removeAll { matched.contains($0.id) } }
      if only == nil || only == .matches { out.payouts = payouts }
    }
    for step in steps {
      progress?(step.stage.rawValue, 0, 0)  // the stage's own reports, if any, follow
      PhaseLog.stage(step.stage.rawValue) {
        switch step.stage {
        case .billing:
          (out.billing, out.issues) = Billing.run(plan: plan, data: d, asOf: asOf, since: since, progress: progress, explain: explain)
          // Invoices come out in an order of their own (customer, key), whatever the order of the data's rows.
          OutputOrder.sortInvoices(&out.billing.invoices)
          PhaseLog.mark("output order")
          Books.creditCancellations(&out, plan: plan, data: &d, journal: journal, asOf: asOf)
          if holdForApproval { ApprovalHold.rebill(&out, plan: plan, data: d, asOf: asOf, journal: journal) }
          if plan.feeBilling == .nextInvoice { Books.billFeesOnInvoices(&out, journal: journal) }
          PhaseLog.mark("approval rules and fees")
        case .cashApplication:
          let applied = journal?.cashEvents ?? []
          // No match rules: no payment is matched (the stage runs for account credit alone).
          if plan.matchRules.isEmpty { d.cash.payments = [] }
          var r = CashApplicationRun.run(plan: plan, data: d, asOf: asOf, history: applied, explanations: explanations)
          // Collections sees this cash even when only reminders are shown; credit on account is used after it.
          if steps.contains(where: { $0.stage == .collections }) || plan.creditUse == .oldestFirst {
            d.recordPayments(r)
            d.recordReturns(r, journal: journal)
          }
          if plan.creditUse == .oldestFirst { Books.useCredit(&r, data: &d, journal: journal, plan: plan, asOf: asOf) }
          if step.shown { out.cash = r }
        case .collections:
          var c = Collections.run(
            plan: plan, data: d, asOf: asOf, history: journal?.sentReminders ?? [], whyNot: whyNot, explanations: explanations)
          // Collections works customer by customer in the order of customers.csv: its reminders are put in an
          // order of their own (customer id, key), so that the output does not depend on the order of the rows.
          OutputOrder.sortReminders(&c.reminders)
          out.fees = FeeBook.charged(by: c.reminders, asOf: asOf).map(\.fee)
          out.collections = c
        }
      }
    }
    out.issues += ledgerIssues
    if steps.contains(where: { $0.stage == .billing }) {
      if plan.feeBilling == .debitNotes { Books.billFeesOnDebitNotes(&out, journal: journal, data: d, asOf: asOf) }
      // What approval rules route to people waits (not numbered, not issued); what was approved goes out.
      if holdForApproval { ApprovalHold.hold(&out, plan: plan, data: d, journal: journal, asOf: asOf) }
      // Next steps and escalations due since the last apply: work for the roles asked now.
      // (Any approval rule: people's requests for credit notes, write-offs and payment plans have steps too.)
      if !plan.approvals.isEmpty, let journal {
        let open = journal.openApprovalRequests
        let last = journal.runs.last(where: { $0.decision == nil })
        if let last { out.approvalNotices = ApprovalNotice.due(open, since: (last.number, last.asOf), through: asOf) }
        let asked = Set(journal.runs.filter { $0.number > (last?.number ?? 0) && $0.decision?.kind == .approvalRequest }.map(\.number))
        out.askedByDecisions = open.map(\.request).filter { asked.contains($0.run) }
      }
      Books.number(&out, plan: plan, data: d, journal: journal, provisional: !finalNumbers)
      Books.numberCreditNotes(&out, plan: plan, data: d, journal: journal, provisional: !finalNumbers)
    }
    return out
  }

  /// The journal items of a run's outputs.
  public static func items(_ o: RunOutput) -> [JournalItem] {
    var out = o.billing.invoices.map { JournalItem.invoice(IssuedInvoice(key: $0.key, date: o.billing.asOf, customer: $0.customerID)) }
    out += (o.collections?.reminders ?? []).map(\.produced)
    out += (o.cash?.applications ?? []).map(\.produced)
    out += (o.payouts?.payouts ?? []).compactMap(RecordedPayout.init).map(JournalItem.payout)
    out += o.billing.creditNotes.map { .cashApplication($0.note.posting(paidBefore: $0.paidBefore)) }
    return out
  }
}

extension Produce {
  /// The ledger record of a run's outputs (its run number and folder are set when it is committed).
  /// `recordedAt`: when it is recorded, an audit fact no computation reads.
  /// `data`: the run's data, whose payments give each payment recorded its trace at the bank.
  public static func record(_ o: RunOutput, data: Dataset? = nil, recordedAt: String) -> LedgerRecord {
    var list = items(o)
    if let data { traced(&list, data.cash.payments) }
    var r = LedgerRecord(
      run: 0, asOf: o.billing.asOf, folder: "", items: list, documents: o.billing.invoices, fees: o.fees, feeBillings: o.feeBillings,
      numbers: o.numbers, recordedAt: recordedAt)
    r.approvalRequests = o.newApprovalRequests
    r.approvalNotices = o.approvalNotices.count + o.askedByDecisions.count
    // In the order the ledger reads them back (by posting key, as bytes compare): the run's checksum feeds them so.
    r.creditNotes = o.billing.creditNotes.map(\.note).sorted { $0.postingKey.utf8Precedes($1.postingKey) }
    return r
  }

  /// Each payment item with its trace at the bank (end-to-end id, mandate, bank reference, payer account), so a
  /// later return is linked to it even when its statement is gone. (Looked up here, when recording, rather than
  /// carried by every application of every plan.)
  static func traced(_ items: inout [JournalItem], _ payments: [Payment]) {
    var at: [String: Int] = [:]
    for (k, i) in items.enumerated() { if case .cashApplication(let p) = i { at[p.key] = k } }
    guard !at.isEmpty else { return }
    for p in payments {
      guard let k = at["payment:" + p.id], case .cashApplication(var posted) = items[k], let t = PaymentTrace(p.transaction) else { continue }
      posted.trace = t
      items[k] = .cashApplication(posted)
    }
  }
}
