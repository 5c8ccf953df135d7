import AccrueCompiler
import AccrueModel

/// The built-in invoice fields the rules can read (`invoice.balance`, `invoice.days_overdue`, ...).
enum InvoiceField: Int, CaseIterable {
  case id, number, customer, issueDate, dueDate, currency, amount, amountPaid, disputedAmount, balance, daysOverdue, status, reference

  /// The field's name in the rules.
  var name: String {
    switch self {
    case .id: "id"
    case .number: "number"
    case .customer: "customer"
    case .issueDate: "issue_date"
    case .dueDate: "due_date"
    case .currency: "currency"
    case .amount: "amount"
    case .amountPaid: "amount_paid"
    case .disputedAmount: "disputed_amount"
    case .balance: "balance"
    case .daysOverdue: "days_overdue"
    case .status: "status"
    case .reference: "reference"
    }
  }
}

/// Where the rules read each built-in invoice field: its slot in the invoice record, nil when no rule reads it.
struct InvoiceFieldSlots {
  private let slots: [Int]

  /// The slots of the fields `read` holds, found by name in `named`.
  init(named: [String: Int], read: Set<Int>) {
    slots = InvoiceField.allCases.map { f in named[f.name].flatMap { read.contains($0) ? $0 : nil } ?? -1 }
  }

  @inline(__always) subscript(_ f: InvoiceField) -> Int? {
    let s = slots[f.rawValue]
    return s >= 0 ? s : nil
  }
}

extension CollectionsRun {
  /// Fills the invoice record for the rules (only the fields they read).
  mutating func load(_ i: Int, disputedExcluded: Bool) {
    let r = RecordKind.invoice.index
    let f = invoiceFields
    // Fields read one by one, and only those the rules read: copying the invoice would retain its strings.
    let cur = invoices[i].currency
    if let s = f[.id] { env.records[r][s] = .text(invoices[i].id) }
    if let s = f[.number] { env.records[r][s] = .text(invoices[i].number) }
    if let s = f[.customer] { env.records[r][s] = .record(.customer) }
    if let s = f[.issueDate] { env.records[r][s] = .date(invoices[i].issueDate) }
    if let s = f[.dueDate] { env.records[r][s] = .date(invoices[i].dueDate) }
    if let s = f[.currency] { env.records[r][s] = .currency(cur) }
    if let s = f[.amount] { env.records[r][s] = .money(invoices[i].amount, cur) }
    if let s = f[.amountPaid] { env.records[r][s] = .money(invoices[i].paid, cur) }
    if let s = f[.disputedAmount] { env.records[r][s] = .money(invoices[i].disputed, cur) }
    if let s = f[.balance] { env.records[r][s] = .money(openAmount(i, disputedExcluded: disputedExcluded), cur) }
    if let s = f[.daysOverdue] { env.records[r][s] = .days(Int64(max(0, asOf.dayNumber - invoices[i].dueDate.dayNumber))) }
    if let s = f[.status] { env.records[r][s] = .text(invoices[i].status.rawValue) }
    if let s = f[.reference] { env.records[r][s] = .text(invoices[i].reference) }
    if customInvoiceSlots.isEmpty { return }
    let custom = invoices[i].custom
    for (n, (k, slot)) in customInvoiceSlots.enumerated() {
      // Invoices without values (a forecast's) get the field's default, never the previous invoice's value.
      env.records[r][slot] = k < custom.count ? custom[k] : customInvoiceDefaults[n]
    }
  }
}
