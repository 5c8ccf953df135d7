import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// `invoice per customer` and `invoice per customer and currency` (grammar.md §6.5): the invoices of one customer's
/// contracts that fall due on one billing date become one invoice, keyed `CUSTOMER/DATE` (`CUSTOMER/CURRENCY/DATE`),
/// each line naming its contract. Contracts that cannot share an invoice (another currency, other payment terms,
/// posting rules that tell their plans apart) are a located failure, never a silent split.
extension Billing {
  /// The key of the invoice that holds a customer's lines of one date under the rule set's grouping; nil per contract.
  static func groupKey(_ g: InvoiceGrouping?, customer: String, currency: Currency, date: CivilDate) -> String? {
    switch g {
    case nil, .contract?: nil
    case .customer?: "\(customer)/\(date)"
    case .customerAndCurrency?: "\(customer)/\(currency.code)/\(date)"
    }
  }

  /// Whether `--explain KEY` asks for the invoice that holds a contract's lines of `date`: its own key, or under a
  /// grouping its customer's.
  static func explains(_ explain: String?, key: String, _ plan: ExecutablePlan, customer: String, date: CivilDate) -> Bool {
    guard let explain else { return false }
    if explain == key { return true }
    switch plan.program.settings.invoiceGrouping {
    case nil, .contract?: return false
    case .customer?: return explain == "\(customer)/\(date)"
    case .customerAndCurrency?:
      return explain.hasPrefix("\(customer)/") && explain.hasSuffix("/\(date)") && explain.utf8.count == customer.utf8.count + 15
    }
  }

  /// The run's period invoices consolidated as the rule set says (unchanged per contract). Groups whose key was issued
  /// already (the ledger or the invoices file) are left out and counted in `already`.
  static func consolidated(
    _ plan: ExecutablePlan, _ data: Dataset, _ invoices: [PlannedInvoice], already: inout Int
  ) -> (invoices: [PlannedInvoice], failures: [RunFailure]) {
    let g = plan.program.settings.invoiceGrouping
    guard g == .customer || g == .customerAndCurrency else { return (invoices, []) }
    let rule = plan.program.invoiceGroupingSpan.map(plan.ref) ?? RuleRef(file: "", line: 0)
    var groups: [String: [Int]] = [:]
    var order: [String] = []
    for (i, inv) in invoices.enumerated() {
      let key = groupKey(g, customer: inv.customerID, currency: inv.currency, date: inv.issueDate) ?? inv.key
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(i)
    }
    var out: [PlannedInvoice] = []
    var failures: [RunFailure] = []
    for key in order {
      let parts = (groups[key] ?? []).map { invoices[$0] }.sorted { $0.contractID < $1.contractID }
      if data.isIssued(key) {
        already += parts.count
        continue
      }
      if let conflict = conflict(plan, parts, g) {
        failures.append(RunFailure(message: conflict, rule: rule, subject: "invoice \(key)"))
        continue
      }
      out.append(merged(key, parts))
    }
    return (out, failures)
  }

  /// Why these invoices cannot be one, in a finance analyst's words with what to write instead; nil when they can.
  static func conflict(_ plan: ExecutablePlan, _ parts: [PlannedInvoice], _ g: InvoiceGrouping?) -> String? {
    guard let a = parts.first else { return nil }
    let intro = "customer \(a.customerID)'s contracts \(parts.map(\.contractID).joined(separator: ", ")) fall due on \(a.issueDate)"
    for b in parts.dropFirst() {
      if b.currency != a.currency {
        return "\(intro), but \(a.contractID) is billed in \(a.currency.code) and \(b.contractID) in \(b.currency.code): one invoice "
          + "holds one currency and Accrue never converts; write 'invoice per customer and currency' for one invoice per currency"
      }
      if b.terms != a.terms || b.dueDate != a.dueDate || b.installments.map(\.dueDate) != a.installments.map(\.dueDate)
        || b.earlyDiscount?.rate != a.earlyDiscount?.rate || b.earlyDiscount?.until != a.earlyDiscount?.until
      {
        let early = { (i: PlannedInvoice) in i.earlyDiscount.map { ", \(RValue.percent($0.rate)) off until \($0.until)" } ?? "" }
        return "\(intro), but \(a.contractID) (plan \(a.plan)) pays \(a.terms) (due \(a.dueDate)\(early(a))) and \(b.contractID) (plan \(b.plan)) "
          + "\(b.terms) (due \(b.dueDate)\(early(b))): one invoice has one due date; give both the same payment terms and early payment "
          + "discount (the plans' statements, or their 'when' conditions), or write 'invoice per contract'"
      }
      if b.plan != a.plan, plan.program.postings.contains(where: { $0.plan != nil }) {
        return "\(intro), but they are on plans \(a.plan) and \(b.plan), and the posting rules post per plan: the lines of one "
          + "invoice would post by one plan; post these plans alike (a 'posting' block for all plans), or write 'invoice per contract'"
      }
    }
    return nil
  }

  /// One invoice of the parts' lines: each line names its contract (and says it first), taxes of one label and rate
  /// added up (each computed on its contract's lines by its plan), installments added up by their order.
  static func merged(_ key: String, _ parts: [PlannedInvoice]) -> PlannedInvoice {
    var inv = parts[0]
    inv.key = key
    inv.contracts = parts.map(\.contractID)
    inv.lines = parts.flatMap { p in
      p.lines.map { l in
        var l = l
        l.contract = p.contractID
        l.description = "\(p.contractID): \(l.description)"
        return l
      }
    }
    func add(_ a: Fixed, _ b: Fixed) -> Fixed { a.adding(b) ?? a }  // sums of amounts each already represented
    inv.subtotal = parts.dropFirst().reduce(inv.subtotal) { add($0, $1.subtotal) }
    inv.total = parts.dropFirst().reduce(inv.total) { add($0, $1.total) }
    var taxes: [InvoiceTax] = []
    for t in parts.flatMap(\.taxes) {
      if let i = taxes.firstIndex(where: { $0.label == t.label && $0.rate == t.rate && $0.inclusive == t.inclusive }) {
        taxes[i].amount = add(taxes[i].amount, t.amount)
      } else {
        taxes.append(t)
      }
    }
    inv.taxes = taxes
    for p in parts.dropFirst() {
      for (i, x) in p.installments.enumerated() where i < inv.installments.count {
        inv.installments[i].amount = add(inv.installments[i].amount, x.amount)
      }
      if let e = p.earlyDiscount, let f = inv.earlyDiscount { inv.earlyDiscount = (add(f.amount, e.amount), f.until, f.rate) }
    }
    inv.periodStart = parts.map(\.periodStart).min() ?? inv.periodStart
    inv.periodEnd = parts.map(\.periodEnd).max() ?? inv.periodEnd
    var seen = Set<String>()
    inv.sources = parts.flatMap(\.sources).filter { seen.insert($0.description).inserted }
    return inv
  }
}
