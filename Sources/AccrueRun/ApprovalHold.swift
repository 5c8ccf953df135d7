import AccrueApprovals
import AccrueBilling
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel

/// The run's step that holds back what approval rules route to people (grammar.md §11, docs/decisions.md): a
/// document waiting for approval is not issued (no number is drawn, it is no receivable, nothing is dunned), and
/// `apply` records its request once; an approved document is issued by the next run that computes it again with
/// the content that was approved.
enum ApprovalHold {
  /// Whether the rules have approval rules for invoices or debit notes.
  static func applies(_ plan: ExecutablePlan) -> Bool {
    plan.approvals.contains { $0.subject == .invoices || $0.subject == .debitNotes }
  }

  /// Computes again the invoices of open requests (waiting or approved) that fall before this run's billing window
  /// (they were first computed by an earlier run and never issued), so that they can be issued once approved.
  static func rebill(_ out: inout RunOutput, plan: ExecutablePlan, data d: Dataset, asOf: CivilDate, journal: Journal?) {
    guard applies(plan), let journal else { return }
    let have = Set(out.billing.invoices.map(\.key))
    let open = journal.openApprovalRequests.filter { $0.state != .rejected && $0.request.kind == .invoice && !have.contains($0.request.document) }
    guard let earliest = open.map(\.request.issueDate).min(), let since = earliest.adding(days: -1) else { return }
    let wanted = Set(open.map(\.request.document))
    let (again, _) = Billing.run(plan: plan, data: d, asOf: asOf, since: since)
    out.billing.invoices += again.invoices.filter { wanted.contains($0.key) }
    OutputOrder.sortInvoices(&out.billing.invoices)
  }

  /// Routes each document of the run to the approval rules of its subject; what needs approval leaves the run's
  /// documents for `out.held`. Rules that cannot be evaluated on a document are failures of the run.
  static func hold(_ out: inout RunOutput, plan: ExecutablePlan, data d: Dataset, journal: Journal?, asOf: CivilDate) {
    guard applies(plan) else { return }
    let progress = journal?.approvalProgress ?? [:]
    var earlier: [String: [ApprovalRequest]] = [:]
    for r in journal?.approvalRequests ?? [] { earlier[r.document, default: []].append(r) }
    let holidays = d.collections.holidays.keys.sorted().flatMap { d.collections.holidays[$0] ?? [] }
    let first = firstInvoices(out.billing.invoices, data: d, journal: journal)
    var keep: [PlannedInvoice] = []
    for inv in out.billing.invoices {
      let records = ApprovalRecords(
        customer: d.customerIndex[inv.customerID].map { d.customers[$0].record },
        contract: inv.contractID.isEmpty ? nil : d.contractIndex[inv.contractID].map { d.contracts[$0].record },
        firstInvoice: inv.kind == .invoice ? first.contains(inv.key) : false)
      let routing = Approvals.route(.invoice(inv), records: records, plan: plan, requestedOn: asOf, holidays: holidays)
      if !routing.failures.isEmpty {
        let what = inv.kind == .debitNote ? "debit note" : "invoice"
        out.billing.failures += routing.failures.map { RunFailure(message: "approval rule '\($0.rule)': \($0.message)", rule: $0.source, subject: "\(what) \(inv.key)") }
        keep.append(inv)
        continue
      }
      if routing.needsNone {
        keep.append(inv)
        continue
      }
      let fp = fingerprint(inv)
      let before = earlier[inv.key] ?? []
      if let same = before.last(where: { $0.fingerprint == fp }), let p = progress[same.key] {
        switch p.state {
        case .approved:
          keep.append(inv)
          out.approvedIssued[inv.key] = same.key
        case .rejected: out.held.append(HeldDocument(document: inv, request: same, status: .rejected, progress: p))
        case .waiting: out.held.append(HeldDocument(document: inv, request: same, status: .waiting, progress: p))
        }
        continue
      }
      let key = ApprovalRequest.key(of: inv.key) + (before.isEmpty ? "" : "@\(before.count + 1)")
      let request = ApprovalRequest(
        key: key, document: inv.key, kind: .init(inv.kind), run: 0, asOf: asOf, customer: inv.customerID, currency: inv.currency, total: inv.total,
        issueDate: inv.issueDate, fingerprint: fp, routes: routing.approvals.map(route), supersedes: before.last?.key)
      out.held.append(HeldDocument(document: inv, request: request, status: before.isEmpty ? .asked : .askedAgain, progress: ApprovalProgress(request)))
    }
    out.billing.invoices = keep
    let held = Set(out.held.map(\.document.key))
    out.feeBillings.removeAll { held.contains($0.document) }
  }

  static func route(_ a: RoutedApproval) -> ApprovalRoute {
    ApprovalRoute(
      rule: a.rule, label: a.label, source: "\(a.source.file):\(a.source.line)", chain: a.steps.map(\.role),
      escalatesTo: a.steps.first?.escalatesTo, escalatesOn: a.steps.first?.escalatesOn)
  }

  /// The keys of the run's invoices that are their customer's first: neither the ledger nor the invoices file
  /// holds an invoice of the customer (debit notes and credit notes do not count), and no invoice of the run comes
  /// before it (issue date, then key).
  static func firstInvoices(_ invoices: [PlannedInvoice], data d: Dataset, journal: Journal?) -> Set<String> {
    var known = Set<String>()
    for r in journal?.receivables ?? [] where r.kind == .invoice { known.insert(r.customer) }
    for i in d.invoices where !i.isDebitNote && !i.isCreditNote && d.customers.indices.contains(Int(i.customer)) {
      known.insert(d.customers[Int(i.customer)].id)
    }
    var first: [String: PlannedInvoice] = [:]
    for inv in invoices where inv.kind == .invoice && !known.contains(inv.customerID) {
      if let f = first[inv.customerID], (f.issueDate, f.key) <= (inv.issueDate, inv.key) { continue }
      first[inv.customerID] = inv
    }
    return Set(first.values.map(\.key))
  }

  /// A fingerprint of what a document says (kind, customer, contract, plan, currency, dates, terms, every line and
  /// tax with its amounts and periods, installments, totals): FNV-1a (64 bits) over its fields, each with its
  /// length. Two documents with the same fingerprint say the same; an approval applies to that content only. A
  /// debit note is issued and due on the day of the run that issues it (`FeeBook.debitNote`): those two dates are
  /// left out of its fingerprint, or it could never be approved before it is computed again.
  static func fingerprint(_ i: PlannedInvoice) -> String {
    var h = FNV()
    for f in [i.key, i.kind.rawValue, i.customerID, i.contractID, i.plan, i.currency.code, i.terms.description] { h.add(f) }
    let dates = i.kind == .debitNote ? [i.periodStart, i.periodEnd] : [i.issueDate, i.dueDate, i.periodStart, i.periodEnd]
    for d in dates { h.add(d.description) }
    h.add(i.subtotal.description)
    h.add(i.total.description)
    h.add(String(i.lines.count))
    for l in i.lines {
      for f in [l.kind.fingerprintName, l.description, l.charge ?? "", l.quantity?.description ?? "", l.unitPrice?.description ?? ""] { h.add(f) }
      for f in [l.amount.description, l.periodStart.description, l.periodEnd.description] { h.add(f) }
    }
    h.add(String(i.taxes.count))
    for t in i.taxes { for f in [t.label, t.rate.description, t.inclusive ? "inclusive" : "exclusive", t.amount.description] { h.add(f) } }
    h.add(String(i.installments.count))
    for p in i.installments { for f in [p.amount.description, p.dueDate.description] { h.add(f) } }
    return "fnv1a64:" + h.hex
  }

  struct FNV {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ s: String) {
      for b in String(s.utf8.count).utf8 { byte(b) }
      byte(0x3A)
      for b in s.utf8 { byte(b) }
    }

    mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }

    var hex: String {
      let s = String(value, radix: 16)
      return String(repeating: "0", count: 16 - s.count) + s
    }
  }
}

extension InvoiceLine.Kind {
  /// The kind's name in a fingerprint.
  var fingerprintName: String { String(describing: self) }
}
