import AccrueCore
import AccrueData
import AccrueModel

/// Credit on a customer's account (what payments left over: an overpayment, cash for invoices already paid), a
/// balance per customer and currency derived from the ledger's payments, never a field. With `account credit
/// applied oldest first`, each apply uses it on the customer's oldest open invoices in its currency; with
/// `account credit held` (the default) it stays on account.
public enum CreditBook {
  /// A customer and a currency.
  public struct Account: Hashable, Comparable, Sendable {
    public var customer: String
    public var currency: Currency

    public init(customer: String, currency: Currency) {
      self.customer = customer
      self.currency = currency
    }

    public static func < (a: Account, b: Account) -> Bool {
      if a.customer != b.customer { return a.customer.utf8.lexicographicallyPrecedes(b.customer.utf8) }
      return a.currency.code < b.currency.code
    }
  }

  /// The payment id of a use of credit: `credit:CUSTOMER/CURRENCY/DATE` (its key `payment:credit:...`).
  public static func useID(_ a: Account, _ asOf: CivilDate) -> String { "credit:\(a.customer)/\(a.currency.code)/\(asOf)" }

  /// Whether a posted payment is a use of credit on account (not money received).
  public static func isUse(_ key: String) -> Bool { key.hasPrefix("payment:credit:") }

  /// Credit on account per customer and currency: what posted payments (the ledger's and this run's) left on
  /// account, less what earlier uses took.
  public static func balances(history: [PostedPayment], run: [CashApplication]) -> [Account: Fixed] {
    var out: [Account: Fixed] = [:]
    func add(_ a: Account, _ v: Fixed) { out[a] = (out[a] ?? .zero).adding(v) ?? out[a] }
    for p in history {
      guard let m = p.amount, p.status?.postsAllocations == true else { continue }
      let a = Account(customer: p.customer, currency: m.currency)
      if isUse(p.key) { add(a, Fixed.zero.subtracting(m.amount) ?? .zero) } else if p.credit > .zero { add(a, p.credit) }
    }
    // Read in place, by index (a copy of each application would retain all its strings).
    for k in run.indices where run[k].status.postsAllocations && run[k].credit > .zero {
      guard let customer = run[k].customer else { continue }
      add(Account(customer: customer, currency: run[k].currency), run[k].credit)
    }
    return out.filter { $0.value > .zero }
  }

  /// Uses each account's credit on its customer's open invoices in its currency, oldest first (due date, then id),
  /// each up to its balance (disputed amounts left open); one application per account, as a payment of the credit
  /// decided by the `account credit` rule. Invoices a payment of this run waits for review on are left alone.
  public static func use(_ credit: [Account: Fixed], data: Dataset, asOf: CivilDate, rule: RuleRef?) -> [CashApplication] {
    guard !credit.isEmpty else { return [] }
    var open: [Account: [Int]] = [:]
    // Only the invoices of customers with credit are looked at (each customer's id looked up once); fields are read
    // in place (copying an invoice would retain all its strings).
    let withCredit = Set(credit.keys.map(\.customer))
    var hasCredit = [Bool](repeating: false, count: data.customers.count)
    for c in data.customers.indices { hasCredit[c] = withCredit.contains(data.customers[c].id) }
    for i in data.invoices.indices {
      let c = Int(data.invoices[i].customer)
      guard hasCredit.indices.contains(c), hasCredit[c], data.invoices[i].status == .open, !data.invoices[i].isCreditNote,
        data.invoices[i].issueDate <= asOf, data.awaitingReview[Int32(i)] == nil
      else { continue }
      let a = Account(customer: data.customers[c].id, currency: data.invoices[i].currency)
      if credit[a] != nil { open[a, default: []].append(i) }
    }
    var out: [CashApplication] = []
    for (account, available) in credit.sorted(by: { $0.key < $1.key }) {
      let list = (open[account] ?? []).sorted { x, y in
        let (dx, dy) = (data.invoices[x].dueDate, data.invoices[y].dueDate)
        return dx != dy ? dx < dy : data.invoices[x].id.utf8.lexicographicallyPrecedes(data.invoices[y].id.utf8)
      }
      var left = available
      var allocations: [Allocation] = []
      for i in list where left > .zero {
        let inv = data.invoices[i]
        let balance = inv.balance
        guard balance > .zero else { continue }
        let take = min(balance, left)
        left = left.subtracting(take) ?? .zero
        allocations.append(
          Allocation(
            ref: InvoiceRef(data.invoices, i), openBefore: balance, amount: take, writtenOff: .zero, closes: take == balance,
            paidBefore: inv.paid, source: RowRef(file: data.invoicesFile ?? "ledger", line: Int(inv.line))))
      }
      guard !allocations.isEmpty, let used = available.subtracting(left) else { continue }
      let name = data.customerIndex[account.customer].map { data.customers[$0].name } ?? account.customer
      out.append(
        CashApplication(
          paymentID: useID(account, asOf), source: "credit on account", date: asOf, amount: used, currency: account.currency, payerName: name,
          customer: account.customer, payerBy: nil, status: .applied, rule: "account credit", ruleSource: rule,
          strategy: .allocation(.oldestFirst), allocations: allocations, writeOff: .zero, credit: .zero, unapplied: .zero, queue: nil,
          reason: nil, suggestions: [], explanation: []))
    }
    return out
  }
}
