import AccrueBilling
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel

/// Credit notes of cancellations for the invoices the ledger issued (grammar.md §6.6): computed from each invoice's
/// recorded lines and taxes, never from the contract or the rules as they are now. Every line that billed days from
/// the contract's `creditFrom` on gives them back, prorated by days (one rounding per line); a one-time fee, usage
/// and a minimum commitment's true-up are not credited; the invoice's taxes follow in proportion; never more than
/// the invoice has left to credit.
enum CancellationLedger {
  static func credits(
    plan: ExecutablePlan, data d: Dataset, journal: Journal, asOf: CivilDate, since: CivilDate, issued: Set<String>
  ) throws(JournalError) -> [PlannedCreditNote] {
    var cancelled: [String: (contract: ContractData, from: CivilDate, rule: RuleRef)] = [:]
    for c in d.contracts {
      if let (from, rule) = Billing.creditFrom(plan: plan, data: d, contract: c, asOf: asOf) { cancelled[c.id] = (c, from, rule) }
    }
    guard !cancelled.isEmpty else { return [] }
    let documents = journal.receivables.filter {
      $0.kind == .invoice && cancelled[$0.contract] != nil && !issued.contains(PlannedCreditNote.key(invoice: $0.number ?? $0.key))
        && !ConsolidatedCancellations.isConsolidated(key: $0.key, customer: $0.customer, contract: $0.contract)  // refused there
    }
    let recorded = try LedgerStore.issuedDocuments(
      ledgerPath: journal.source.isEmpty ? LedgerStore.fileName : journal.source, keys: documents.map(\.key))
    let credited = Dictionary(grouping: journal.creditNotes, by: \.invoice).mapValues { $0.reduce(Fixed.zero) { $0.adding($1.total) ?? $0 } }
    var out: [PlannedCreditNote] = []
    for doc in documents {
      guard let issuedDoc = recorded[doc.key], let (c, from, rule) = cancelled[doc.contract] else { continue }
      let id = doc.number ?? doc.key
      let left = doc.total.subtracting(credited[id] ?? .zero) ?? .zero
      if let n = note(issuedDoc, id: id, contract: c, from: from, rule: rule, left: left, plan: plan, data: d, asOf: asOf, since: since) { out.append(n) }
    }
    return out
  }

  /// The credit note of one invoice, or nil when it billed nothing from `from` on (or has nothing left).
  static func note(
    _ doc: IssuedDocument, id: String, contract c: ContractData, from: CivilDate, rule: RuleRef, left: Fixed, plan: ExecutablePlan, data: Dataset,
    asOf: CivilDate, since: CivilDate
  ) -> PlannedCreditNote? {
    let currency = doc.currency
    let spec = plan.planIndex[doc.plan].map { plan.plans[$0] }
    let mode = spec?.rounding ?? .halfEven
    func round(_ v: Fixed?) -> Fixed { (v?.rounded(places: currency.minorUnits, mode) ?? v) ?? .zero }
    var lines: [InvoiceLine] = []
    for l in doc.lines where ["charge", "discount", "credit"].contains(l.kind) && l.periodEnd > from && l.periodStart < l.periodEnd {
      if l.kind == "charge", let ch = spec?.charges.first(where: { $0.name == l.charge }), case .once? = ch.pricing { continue }
      let start = l.periodStart < from ? from : l.periodStart
      let (unused, days) = (start.days(until: l.periodEnd), l.periodStart.days(until: l.periodEnd))
      let amount = unused == days ? l.amount : round(l.amount.multiplied(by: Fixed(unused), dividedBy: Fixed(days), rounding: mode))
      guard !amount.isZero else { continue }
      lines.append(
        InvoiceLine(
          description: "Unused from \(start): \(l.description)" + (unused == days ? "" : " (\(unused) of \(days) days)"), kind: .charge, charge: l.charge,
          amount: amount, periodStart: start, periodEnd: l.periodEnd, rule: RuleRef(parsing: l.rule), explanation: []))
    }
    let net = lines.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 }
    guard net > .zero, left > .zero else { return nil }
    // The invoice's taxes in proportion to the lines credited: an exclusive tax adds to the total, an inclusive one is in it.
    var taxes: [InvoiceTax] = []
    var total = net
    for t in doc.taxes where doc.subtotal > .zero {
      let amount = round(net.multiplied(by: t.amount, dividedBy: doc.subtotal, rounding: mode))
      taxes.append(InvoiceTax(label: t.label, rate: t.rate, inclusive: t.inclusive, amount: amount, rule: RuleRef(parsing: t.rule)))
      if !t.inclusive { total = total.adding(amount) ?? total }
    }
    var tax = taxes.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 }
    if total > left {
      // More than the invoice has left (earlier credit notes on it): that much, its tax in proportion.
      tax = round(tax.multiplied(by: left, dividedBy: total, rounding: mode))
      total = left
    }
    let customer = data.customers[c.customer]
    let d = c.cancelledOn ?? from
    var n = CreditNote(
      key: PlannedCreditNote.key(invoice: id), number: PlannedCreditNote.key(invoice: id), invoice: id, customer: customer.id,
      issueDate: d > since ? d : asOf, currency: currency, net: total.subtracting(tax) ?? total, tax: tax, total: total, settled: .zero,
      credit: .zero, reason: "cancellation of contract \(c.id) on \(d): what \(id) billed from \(from) on, not served")
    n.rule = rule.description
    let last = lines.map(\.periodEnd).max() ?? from
    return PlannedCreditNote(
      note: n, contractID: c.id, customerName: customer.name, plan: doc.plan, invoiceKey: doc.key, cancelledOn: d, periodStart: from,
      periodEnd: last, lines: lines, taxes: taxes, rule: rule, sources: [customer.source, c.source])
  }
}
