import AccrueCore
import AccrueImport
import AccrueModel
import Foundation

extension AgingReport {
  /// Computes the report as of `asOf` (see the README for the formulas). `journal`: cash `accrue apply` applied.
  public static func compute(
    customers: [(id: String, name: String)], invoices: [OpenInvoice], asOf: CivilDate, options: AgingOptions = AgingOptions(),
    journal: AgingJournal? = nil
  ) -> AgingReport {
    var report = AgingReport(asOf: asOf, options: options, rows: [], totals: [], paidWithoutDate: 0)
    let start = report.windowStart
    let bucketCount = options.limits.count + 2
    let ledger = journal.map { $0.ledger(invoices: invoices, asOf: asOf) }
    report.journal = ledger?.use
    // Rows by customer index (customers of the journal missing from the customers file come after them).
    var names = customers
    var rows: [RowKey: Row] = [:]
    var totals: [Currency: Totals] = [:]
    // Rows and totals are changed in place (a copy taken out and put back would copy a row's items each time).
    func total(_ c: Currency, _ change: (inout Totals) -> Void) {
      change(&totals[c, default: Totals(currency: c, amounts: Array(repeating: .zero, count: bucketCount), total: .zero, sales: .zero, beginning: .zero)])
    }
    func row(_ customer: Int, _ c: Currency, _ change: (inout Row) -> Void) {
      let blank = Row(
        customerID: names[customer].id, customerName: names[customer].name, currency: c, amounts: Array(repeating: .zero, count: bucketCount),
        total: .zero, invoices: 0)
      change(&rows[RowKey(customer: customer, currency: c), default: blank])
    }
    for i in invoices.indices where invoices[i].status != .void && invoices[i].issueDate <= asOf {
      let c = invoices[i].currency
      let customer = Int(invoices[i].customer)
      let undated = hasUndatedPayment(invoices, i, ledger)
      if invoices[i].status != .open && undated { report.paidWithoutDate += 1 }
      let open = openAmount(invoices, i, at: asOf, ledger)
      if invoices[i].isCreditNote {
        guard open > .zero else { continue }
        row(customer, c) { r in
          r.creditNotes = r.creditNotes + open
          if options.detail { r.items.append(Item(kind: .creditNote, id: invoices[i].id, date: invoices[i].issueDate, amount: open)) }
        }
        continue
      }
      let beginning = invoices[i].issueDate > start ? nil : openAmount(invoices, i, at: start, ledger)
      if invoices[i].status == .open && undated { report.partPaidWithoutDate += 1 }
      let days = Int(asOf.dayNumber - invoices[i].dueDate.dayNumber)
      let b = options.bucket(daysPastDue: days)
      let disputed = min(invoices[i].disputed, open)
      total(c) { t in
        if let beginning { t.beginning = t.beginning + beginning } else { t.sales = t.sales + invoices[i].amount }
        guard open > .zero else { return }
        t.amounts[b] = t.amounts[b] + open
        t.total = t.total + open
        t.disputed = t.disputed + disputed
        t.invoices += 1
      }
      guard open > .zero else { continue }
      row(customer, c) { r in
        r.amounts[b] = r.amounts[b] + open
        r.total = r.total + open
        r.disputed = r.disputed + disputed
        r.invoices += 1
        if options.detail {
          r.items.append(
            Item(
              kind: .invoice, id: invoices[i].id, date: invoices[i].issueDate, dueDate: invoices[i].dueDate, daysPastDue: days, bucket: b,
              amount: open, disputed: disputed))
        }
      }
    }
    // Payments' rests on account and unapplied cash, from the journal.
    var customerIndex: [String: Int] = [:]
    if let ledger, !ledger.cash.isEmpty {
      for (k, c) in customers.enumerated() { customerIndex[c.id] = k }
    }
    for cash in ledger?.cash ?? [] {
      let c = cash.currency
      guard !cash.customer.isEmpty else {
        total(c) { t in
          t.unidentified = t.unidentified + cash.item.amount
          if options.detail { t.unidentifiedItems.append(cash.item) }
        }
        continue
      }
      let k: Int
      if let known = customerIndex[cash.customer] {
        k = known
      } else {
        k = names.count
        names.append((cash.customer, "(not in the customers file)"))
        customerIndex[cash.customer] = k
      }
      row(k, c) { r in
        if cash.item.kind == .creditOnAccount {
          r.creditOnAccount = r.creditOnAccount + cash.item.amount
        } else {
          r.unapplied = r.unapplied + cash.item.amount
        }
        if options.detail { r.items.append(cash.item) }
      }
      total(c) { _ in }
    }
    // Row figures, then the currencies' totals and ratios.
    var sorted: [Row] = []
    sorted.reserveCapacity(rows.count)
    for var r in rows.values {
      r.overdue = r.total - r.amounts[0]
      r.credits = r.creditNotes + r.creditOnAccount + r.unapplied
      r.netBalance = r.total - r.credits
      r.items.sort(by: itemOrder)
      total(r.currency) { t in
        t.creditNotes = t.creditNotes + r.creditNotes
        t.creditOnAccount = t.creditOnAccount + r.creditOnAccount
        t.unapplied = t.unapplied + r.unapplied
      }
      sorted.append(r)
    }
    sorted.sort { a, b in
      if a.currency != b.currency { return a.currency < b.currency }
      if a.overdue != b.overdue { return a.overdue > b.overdue }
      return a.customerID.utf8.lexicographicallyPrecedes(b.customerID.utf8)
    }
    report.rows = sorted
    let mode = options.rounding
    report.totals = totals.keys.sorted().map { c in
      var t = totals[c]!
      t.unapplied = t.unapplied + t.unidentified
      t.unidentifiedItems.sort(by: itemOrder)
      t.overdue = t.total - t.amounts[0]
      t.credits = t.creditNotes + t.creditOnAccount + t.unapplied
      t.netBalance = t.total - t.credits
      let days = windowDays
      t.dso = ratio(t.total, times: days, over: t.sales, mode)
      t.bestPossibleDSO = ratio(t.amounts[0], times: days, over: t.sales, mode)
      t.averageDaysDelinquent = ratio(t.overdue, times: days, over: t.sales, mode)
      // CEI = (B + S - E) / (B + S - E_current) x 100.
      let bs = t.beginning + t.sales
      t.cei = ratio(bs - t.total, times: 100, over: bs - t.amounts[0], mode)
      return t
    }
    return report
  }

  struct RowKey: Hashable {
    var customer: Int
    var currency: Currency
  }

  /// Invoices by due date, issue date and id; then credit notes by date and id; then payments by date and key.
  static func itemOrder(_ a: Item, _ b: Item) -> Bool {
    func rank(_ k: ItemKind) -> Int {
      switch k {
      case .invoice: 0
      case .creditNote: 1
      case .creditOnAccount, .unapplied: 2
      }
    }
    if rank(a.kind) != rank(b.kind) { return rank(a.kind) < rank(b.kind) }
    if let x = a.dueDate, let y = b.dueDate, x != y { return x < y }
    if a.date != b.date { return a.date < b.date }
    return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
  }

  /// What of invoice `i` (issued by `date`) is open at the end of `date`:
  /// - `paid` or `written_off` with `paid_date` P: the whole amount before P, nothing from P on;
  /// - `open`: amount - amount paid - what the journal's payments booked by `date` settled, never below zero;
  /// - `paid` or `written_off` without `paid_date`: what the journal's payments booked after `date` settled of it.
  /// An amount paid without a date (all of it, for a paid invoice without `paid_date`) is taken as paid on the
  /// issue date, but for the part a journal payment covers (dated by its booking date).
  static func openAmount(_ invoices: [OpenInvoice], _ i: Int, at date: CivilDate, _ ledger: AgingJournal.Ledger?) -> Fixed {
    if invoices[i].status != .open, let p = invoices[i].paidDate { return date < p ? invoices[i].amount : .zero }
    guard let undated = AgingJournal.undatedPaid(invoices, i) else { return .zero }
    var paid = undated - (ledger?.fromFile[i] ?? .zero)
    for (d, a) in ledger?.dated[i] ?? [] where d <= date { paid = paid + a }
    return OpenInvoice.open(invoices[i].amount, paid: paid)
  }

  /// Whether some of what invoice `i` shows as paid has no date (neither `paid_date` nor a journal payment's).
  static func hasUndatedPayment(_ invoices: [OpenInvoice], _ i: Int, _ ledger: AgingJournal.Ledger?) -> Bool {
    guard let undated = AgingJournal.undatedPaid(invoices, i) else { return false }
    return undated > (ledger?.fromFile[i] ?? .zero)
  }
}

/// Sums of amounts of one currency: far from `Fixed`'s range (about 10^20), so an overflow keeps the left side
/// (as the rest of the engine's totals do). This file only.
extension Fixed {
  fileprivate static func + (a: Fixed, b: Fixed) -> Fixed { a.adding(b) ?? a }
  fileprivate static func - (a: Fixed, b: Fixed) -> Fixed { a.subtracting(b) ?? a }
}
