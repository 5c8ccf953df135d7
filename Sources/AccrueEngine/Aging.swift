import AccrueCore
import AccrueImport
import Foundation

/// Receivables by age as of a date, per customer and currency, with DSO, average days delinquent and the
/// collection effectiveness index. Currencies are never converted: every figure is per currency.
public struct AgingReport: Sendable {
  /// Bucket names: not yet due, then days past due.
  public static let buckets = ["current", "1-30", "31-60", "61-90", "over 90"]
  /// The window for DSO and CEI, in days, ending on the as-of date.
  public static let windowDays = 90

  public struct Row: Sendable {
    public var customerID: String
    public var customerName: String
    public var currency: Currency
    /// Open amounts per bucket (`buckets` order).
    public var amounts: [Fixed]
    public var total: Fixed
    public var invoices: Int
  }

  /// Figures of one currency. Ratios are nil when credit sales in the window are zero.
  public struct Totals: Sendable {
    public var currency: Currency
    public var amounts: [Fixed]
    public var total: Fixed
    /// Credit sales: invoices issued in the window (not void, not credit notes).
    public var sales: Fixed
    /// Receivables open at the start of the window.
    public var beginning: Fixed
    public var dso: Fixed?
    public var bestPossibleDSO: Fixed?
    public var averageDaysDelinquent: Fixed?
    /// Collection effectiveness index, percent.
    public var cei: Fixed?
  }

  public var asOf: CivilDate
  public var rows: [Row]
  public var totals: [Totals]
  /// Paid invoices without `paid_date`: taken as paid before the window (said in the report).
  public var paidWithoutDate: Int

  /// The bucket of an invoice `days` past due (0 or less: current).
  public static func bucket(_ days: Int) -> Int {
    switch days {
    case ...0: 0
    case 1...30: 1
    case 31...60: 2
    case 61...90: 3
    default: 4
    }
  }

  /// Computes the report. Open amount = amount - amount paid (disputed amounts included: they are owed).
  public static func compute(customers: [(id: String, name: String)], invoices: [OpenInvoice], asOf: CivilDate) -> AgingReport {
    let start = CivilDate(dayNumber: asOf.dayNumber - Int32(windowDays))
    struct Key: Hashable {
      var customer: Int32
      var currency: Currency
    }
    var rows: [Key: Row] = [:]
    var totals: [Currency: Totals] = [:]
    var paidWithoutDate = 0
    func blank(_ c: Currency) -> Totals {
      Totals(currency: c, amounts: Array(repeating: .zero, count: buckets.count), total: .zero, sales: .zero, beginning: .zero)
    }
    for inv in invoices where !inv.isCreditNote && inv.status != .void {
      var t = totals[inv.currency] ?? blank(inv.currency)
      if inv.issueDate > start && inv.issueDate <= asOf { t.sales = t.sales.adding(inv.amount) ?? t.sales }
      // Open at the window's start: issued by then, and not paid in full by then. Without a paid date a paid
      // invoice is taken as paid before the window; part payments are taken as made within it.
      if inv.issueDate <= start {
        var openThen = false
        switch inv.status {
        case .open: openThen = true
        case .paid, .writtenOff:
          if let d = inv.paidDate { openThen = d > start } else if inv.status == .paid { paidWithoutDate += 1 }
        case .void: break
        }
        if openThen { t.beginning = t.beginning.adding(inv.amount) ?? t.beginning }
      }
      let open = inv.unpaid
      if inv.status == .open && open > .zero && inv.issueDate <= asOf {
        let b = bucket(Int(asOf.dayNumber - inv.dueDate.dayNumber))
        t.amounts[b] = t.amounts[b].adding(open) ?? t.amounts[b]
        t.total = t.total.adding(open) ?? t.total
        let key = Key(customer: inv.customer, currency: inv.currency)
        var r =
          rows[key]
          ?? Row(
            customerID: customers[Int(inv.customer)].id, customerName: customers[Int(inv.customer)].name, currency: inv.currency,
            amounts: Array(repeating: .zero, count: buckets.count), total: .zero, invoices: 0)
        r.amounts[b] = r.amounts[b].adding(open) ?? r.amounts[b]
        r.total = r.total.adding(open) ?? r.total
        r.invoices += 1
        rows[key] = r
      }
      totals[inv.currency] = t
    }
    let days = Fixed(windowDays)
    for (c, var t) in totals {
      if t.sales > .zero {
        t.dso = t.total.multiplied(by: days).flatMap { $0.divided(by: t.sales) }?.rounded(places: 1, .halfEven)
        t.bestPossibleDSO = t.amounts[0].multiplied(by: days).flatMap { $0.divided(by: t.sales) }?.rounded(places: 1, .halfEven)
        if let a = t.dso, let b = t.bestPossibleDSO { t.averageDaysDelinquent = a.subtracting(b) }
      }
      // CEI = (beginning + sales - ending total) / (beginning + sales - ending current) x 100.
      if let bs = t.beginning.adding(t.sales), let num = bs.subtracting(t.total), let den = bs.subtracting(t.amounts[0]), den > .zero {
        t.cei = num.multiplied(by: Fixed(100)).flatMap { $0.divided(by: den) }?.rounded(places: 1, .halfEven)
      }
      totals[c] = t
    }
    let sortedRows = rows.values.sorted { ($0.customerID, $0.currency) < ($1.customerID, $1.currency) }
    return AgingReport(
      asOf: asOf, rows: sortedRows, totals: totals.keys.sorted().compactMap { totals[$0] }, paidWithoutDate: paidWithoutDate)
  }
}

extension Dataset {
  /// Reads what the aging report needs: customers (id, name) and invoices, without rules. Other columns
  /// of the customers file are ignored; invoices' contracts are not checked.
  public static func loadReceivables(folder: String) -> (customers: [(id: String, name: String)], invoices: [OpenInvoice], issues: [DataIssue]) {
    var issues: [DataIssue] = []
    var customers: [(id: String, name: String)] = []
    var index = IDIndex()
    switch DataFolder.find("customers", in: folder) {
    case .failure(let i): issues.append(i)
    case .success(nil):
      issues.append(DataIssue(code: "D0103", file: folder + "/customers.csv", line: 1, column: 1, message: "no customers file (customers.csv, .json or .jsonl)"))
    case .success(let f?):
      let schema = TableSchema(
        name: "customers", columns: [ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "name", type: .text, required: true)])
      let (rows, iss) = TableReader.readAll(f, schema: schema)
      issues += iss.filter { $0.code != "D0202" }  // other columns are for the rules, not for the report
      for row in rows {
        guard case .text(let id) = row.values[0], case .text(let name) = row.values[1] else { continue }
        guard index.add(id, customers.count) else {
          issues.append(DataIssue(code: "D0304", file: f.path, line: row.line, column: row.columns[0], message: "duplicate customer id '\(id)'", record: row.raw))
          continue
        }
        customers.append((id, name))
      }
    }
    var invoices: [OpenInvoice] = []
    switch DataFolder.find("invoices", in: folder) {
    case .failure(let i): issues.append(i)
    case .success(nil):
      issues.append(DataIssue(code: "D0103", file: folder + "/invoices.csv", line: 1, column: 1, message: "no invoices file (invoices.csv, .json or .jsonl)"))
    case .success(let f?):
      var found: [DataIssue] = []
      (invoices, _, _, _) = loadInvoices(f, nil, customerIndex: index, contractIndex: nil, rejected: (0, 0), parallelAt: 16 << 20, &found)
      issues += found.filter { $0.code != "D0202" }  // columns the rules declare
    }
    return (customers, invoices, issues)
  }
}
