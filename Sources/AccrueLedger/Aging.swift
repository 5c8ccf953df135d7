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
    let ledger = journal.map { $0.ledger(invoices: invoices, asOf: asOf) }
    report.journal = ledger?.use
    var b = Builder(customers: customers, options: options)
    for i in invoices.indices where invoices[i].status != .void && invoices[i].issueDate <= asOf {
      let undated = hasUndatedPayment(invoices, i, ledger)
      if invoices[i].status != .open && undated { report.paidWithoutDate += 1 }
      if invoices[i].isCreditNote {
        b.add(creditNote: invoices[i], open: openAmount(invoices, i, at: asOf, ledger))
        continue
      }
      if invoices[i].status == .open && undated { report.partPaidWithoutDate += 1 }
      let beginning = invoices[i].issueDate > report.windowStart ? nil : openAmount(invoices, i, at: report.windowStart, ledger)
      b.add(invoice: invoices[i], open: openAmount(invoices, i, at: asOf, ledger), beginning: beginning, asOf: asOf)
    }
    // Payments' rests on account and unapplied cash, from the journal.
    for cash in ledger?.cash ?? [] { b.add(cash: cash) }
    report.rows = b.finishRows()
    report.totals = b.finishTotals()
    report.tooLarge = b.tally.tooLarge.sorted()
    return report
  }

  /// The report's rows (one per customer and currency) and totals (one per currency), filled in place (a copy
  /// taken out and put back would copy a row's items each time).
  struct Builder {
    /// Customers by index; customers of the journal missing from the customers file are added after them.
    var names: [(id: String, name: String)]
    var customerIndex: [String: Int] = [:]
    let options: AgingOptions
    let bucketCount: Int
    var rows: [RowKey: Row] = [:]
    var totals: [Currency: Totals] = [:]
    /// Sums that could not be represented, by currency (the report is then refused, never shown partial).
    let tally = Tally()

    init(customers: [(id: String, name: String)], options: AgingOptions) {
      names = customers
      self.options = options
      bucketCount = options.limits.count + 2
    }

    mutating func total(_ c: Currency, _ change: (inout Totals) -> Void) {
      change(&totals[c, default: Totals(currency: c, amounts: Array(repeating: .zero, count: bucketCount), total: .zero, sales: .zero, beginning: .zero)])
    }

    mutating func row(_ customer: Int, _ c: Currency, _ change: (inout Row) -> Void) {
      let blank = Row(
        customerID: names[customer].id, customerName: names[customer].name, currency: c, amounts: Array(repeating: .zero, count: bucketCount),
        total: .zero, invoices: 0)
      change(&rows[RowKey(customer: customer, currency: c), default: blank])
    }

    /// A credit note with `open` left of it: a credit on its customer's row.
    mutating func add(creditNote n: OpenInvoice, open: Fixed) {
      guard open > .zero else { return }
      let (detail, tally) = (options.detail, tally)
      row(Int(n.customer), n.currency) { r in
        r.creditNotes = tally.add(r.creditNotes, open, n.currency)
        if detail { r.items.append(Item(kind: .creditNote, id: n.id, date: n.issueDate, amount: open)) }
      }
    }

    /// An invoice with `open` left of it as of `asOf`, in the bucket of its days past due; its sales (issued in
    /// the window) or beginning balance (open at the window's start) count in its currency's totals.
    mutating func add(invoice inv: OpenInvoice, open: Fixed, beginning: Fixed?, asOf: CivilDate) {
      let days = Int(asOf.dayNumber - inv.dueDate.dayNumber)
      let b = options.bucket(daysPastDue: days)
      let disputed = min(inv.disputed, open)
      let (c, tally) = (inv.currency, tally)
      total(c) { t in
        if let beginning { t.beginning = tally.add(t.beginning, beginning, c) } else { t.sales = tally.add(t.sales, inv.amount, c) }
        guard open > .zero else { return }
        t.amounts[b] = tally.add(t.amounts[b], open, c)
        t.total = tally.add(t.total, open, c)
        t.disputed = tally.add(t.disputed, disputed, c)
        t.invoices += 1
      }
      guard open > .zero else { return }
      let detail = options.detail
      row(Int(inv.customer), c) { r in
        r.amounts[b] = tally.add(r.amounts[b], open, c)
        r.total = tally.add(r.total, open, c)
        r.disputed = tally.add(r.disputed, disputed, c)
        r.invoices += 1
        if detail {
          var item = Item(
            kind: .invoice, id: inv.id, date: inv.issueDate, dueDate: inv.dueDate, daysPastDue: days, bucket: b, amount: open,
            disputed: disputed)
          item.origin = inv.inLedger ? (inv.isDebitNote ? "ledger, debit note" : "ledger") : "invoices file"
          r.items.append(item)
        }
      }
    }

    /// Cash of the journal not applied to invoices: a customer's credit on account or unapplied cash, or, from
    /// an unknown payer, unidentified cash in its currency's totals.
    mutating func add(cash: AgingJournal.Cash) {
      let c = cash.currency
      let (detail, tally) = (options.detail, tally)
      guard !cash.customer.isEmpty else {
        total(c) { t in
          t.unidentified = tally.add(t.unidentified, cash.item.amount, c)
          if detail { t.unidentifiedItems.append(cash.item) }
        }
        return
      }
      if customerIndex.isEmpty { for (k, c) in names.enumerated() { customerIndex[c.id] = k } }
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
          r.creditOnAccount = tally.add(r.creditOnAccount, cash.item.amount, c)
        } else {
          r.unapplied = tally.add(r.unapplied, cash.item.amount, c)
        }
        if detail { r.items.append(cash.item) }
      }
      total(c) { _ in }
    }

    /// The rows' figures, their credits added to their currency's totals; by currency, most overdue first.
    mutating func finishRows() -> [Row] {
      var sorted: [Row] = []
      sorted.reserveCapacity(rows.count)
      let tally = tally
      for var r in rows.values {
        r.overdue = tally.subtract(r.total, r.amounts[0], r.currency)
        r.credits = tally.add(tally.add(r.creditNotes, r.creditOnAccount, r.currency), r.unapplied, r.currency)
        r.netBalance = tally.subtract(r.total, r.credits, r.currency)
        r.items.sort(by: itemOrder)
        total(r.currency) { t in
          t.creditNotes = tally.add(t.creditNotes, r.creditNotes, r.currency)
          t.creditOnAccount = tally.add(t.creditOnAccount, r.creditOnAccount, r.currency)
          t.unapplied = tally.add(t.unapplied, r.unapplied, r.currency)
        }
        sorted.append(r)
      }
      sorted.sort { a, b in
        if a.currency != b.currency { return a.currency < b.currency }
        if a.overdue != b.overdue { return a.overdue > b.overdue }
        return a.customerID.utf8.lexicographicallyPrecedes(b.customerID.utf8)
      }
      return sorted
    }

    /// The currencies' totals and ratios (after `finishRows`).
    func finishTotals() -> [Totals] {
      let (mode, tally) = (options.rounding, tally)
      return totals.keys.sorted().map { c in
        var t = totals[c]!
        t.unapplied = tally.add(t.unapplied, t.unidentified, c)
        t.unidentifiedItems.sort(by: itemOrder)
        t.overdue = tally.subtract(t.total, t.amounts[0], c)
        t.credits = tally.add(tally.add(t.creditNotes, t.creditOnAccount, c), t.unapplied, c)
        t.netBalance = tally.subtract(t.total, t.credits, c)
        let days = windowDays
        t.dso = ratio(t.total, times: days, over: t.sales, mode)
        t.bestPossibleDSO = ratio(t.amounts[0], times: days, over: t.sales, mode)
        t.averageDaysDelinquent = ratio(t.overdue, times: days, over: t.sales, mode)
        // CEI = (B + S - E) / (B + S - E_current) x 100.
        let bs = tally.add(t.beginning, t.sales, c)
        t.cei = ratio(tally.subtract(bs, t.total, c), times: 100, over: tally.subtract(bs, t.amounts[0], c), mode)
        return t
      }
    }
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
    if invoices[i].status != .open, let p = invoices[i].paidDate {
      // Paid in full on that date, but for what the journal's returns and reversals reopened since (negative parts;
      // a payment the journal applies after one of them is a positive part).
      var open = date < p ? invoices[i].amount : .zero
      for (d, a) in ledger?.dated[i] ?? [] where d <= date { open = open.subtracting(a) ?? open }
      return max(min(open, invoices[i].amount), .zero)
    }
    guard let undated = AgingJournal.undatedPaid(invoices, i) else { return .zero }
    // Parts of one invoice's amount: the journal's dated parts never exceed what it settled of the invoice.
    var paid = undated.subtracting(ledger?.fromFile[i] ?? .zero) ?? undated
    for (d, a) in ledger?.dated[i] ?? [] where d <= date { paid = paid.adding(a) ?? paid }
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
}

/// Sums of a report that remember the currencies whose sums could not be represented: the report is refused
/// (`AgingReport.tooLarge`), never shown with a partial sum. A class, so that the closures changing rows and
/// totals in place can reach it.
final class Tally {
  var tooLarge: Set<Currency> = []

  func add(_ a: Fixed, _ b: Fixed, _ c: Currency) -> Fixed {
    if let s = a.adding(b) { return s }
    tooLarge.insert(c)
    return a
  }

  func subtract(_ a: Fixed, _ b: Fixed, _ c: Currency) -> Fixed {
    if let s = a.subtracting(b) { return s }
    tooLarge.insert(c)
    return a
  }
}
