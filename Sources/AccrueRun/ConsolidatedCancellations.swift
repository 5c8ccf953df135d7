import AccrueBilling
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel

/// Cancellations on invoices of several contracts (`invoice per customer`, grammar.md §6.5): the ledger records an
/// invoice's lines without their contract (each line's description begins with it), so Accrue does not compute a
/// cancellation's credit on such an invoice; a cancelled contract whose days from its credit's first day were billed
/// on one is a located failure saying what to do instead, never a silent drop or a credit of other contracts' lines.
enum ConsolidatedCancellations {
  /// Whether a ledger document holds several contracts' lines: keyed by its customer, not by its contract.
  static func isConsolidated(key: String, customer: String, contract: String) -> Bool {
    key.hasPrefix("\(customer)/") && !key.hasPrefix("\(contract)/")
  }

  static func failures(plan: ExecutablePlan, data d: Dataset, journal: Journal, asOf: CivilDate) -> [RunFailure] {
    let docs = journal.receivables.filter {
      $0.kind == .invoice && isConsolidated(key: $0.key, customer: $0.customer, contract: $0.contract)
    }
    guard !docs.isEmpty else { return [] }
    var cancelled: [(ContractData, CivilDate, RuleRef)] = []
    for c in d.contracts {
      if let (from, rule) = Billing.creditFrom(plan: plan, data: d, contract: c, asOf: asOf) { cancelled.append((c, from, rule)) }
    }
    guard let firstRule = cancelled.first?.2 else { return [] }
    let recorded: [String: IssuedDocument]
    do {
      recorded = try LedgerStore.issuedDocuments(
        ledgerPath: journal.source.isEmpty ? LedgerStore.fileName : journal.source, keys: docs.map(\.key))
    } catch {
      return [RunFailure(message: error.message, rule: firstRule, subject: "the credit notes of cancellations")]
    }
    var out: [RunFailure] = []
    for (c, from, rule) in cancelled {
      let customer = d.customers[c.customer].id
      for doc in docs where doc.customer == customer {
        guard let lines = recorded[doc.key]?.lines,
          lines.contains(where: { $0.description.hasPrefix("\(c.id): ") && $0.periodEnd > from && $0.kind != "usage" })
        else { continue }
        let id = doc.number ?? doc.key
        out.append(
          RunFailure(
            message: "contract \(c.id) is cancelled and \(id), an invoice of several contracts (invoice per customer), billed its days "
              + "from \(from): Accrue does not compute a cancellation's credit on such an invoice; issue it with "
              + "'accrue credit-note \(id) --amount AMOUNT --reason ...' for \(c.id)'s lines, then run again",
            rule: rule, subject: "contract \(c.id)"))
      }
    }
    return out
  }
}
