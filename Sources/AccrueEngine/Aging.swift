import AccrueCore
import AccrueImport
import Foundation

/// The choices of the aging report: bucket limits, how ratios are rounded, invoice-level detail.
public struct AgingOptions: Sendable, Equatable {
  public static let defaultLimits = [30, 60, 90]
  /// At most this many limits (so at most 14 buckets).
  public static let maxLimits = 12
  /// Upper limits, in days past due, of the past-due buckets but the last: `[30, 60, 90]` gives current (0 or
  /// less), 1-30, 31-60, 61-90 and over 90. Ascending positive integers (see `limits(_:)`).
  public var limits: [Int]
  /// How every ratio is rounded, once, to one decimal.
  public var rounding: RoundingMode
  /// Whether each row lists its open invoices, credit notes and payments on account.
  public var detail: Bool

  public init(limits: [Int] = AgingOptions.defaultLimits, rounding: RoundingMode = .halfEven, detail: Bool = false) {
    self.limits = limits
    self.rounding = rounding
    self.detail = detail
  }

  /// A rounding mode as the command line and JSON write it: `half-even`, `half-up`, `half-down`, `up`, `down`,
  /// `ceiling`, `floor`.
  public static func name(_ mode: RoundingMode) -> String { mode.rawValue.replacingOccurrences(of: " ", with: "-") }

  /// The rounding mode of a name written as `name(_:)` writes it.
  public static func rounding(named text: String) -> RoundingMode? { RoundingMode.allCases.first { name($0) == text } }

  /// Bucket names: `current`, then `1-30` ... and `over 90` for the default limits (`31` when a bucket is one day).
  public var bucketNames: [String] {
    var names = ["current"]
    var from = 1
    for l in limits {
      names.append(from == l ? "\(l)" : "\(from)-\(l)")
      from = l + 1
    }
    names.append("over \(limits.last ?? 0)")
    return names
  }

  /// The bucket of an invoice `days` past due (0 or less: current).
  public func bucket(daysPastDue days: Int) -> Int {
    if days <= 0 { return 0 }
    for (k, l) in limits.enumerated() where days <= l { return k + 1 }
    return limits.count + 1
  }

  /// A reason the `--buckets` text was refused.
  public struct Invalid: Error, Sendable {
    public var message: String
  }

  /// Parses bucket limits: ascending positive integers separated by commas (`30,60,90`), at most `maxLimits`.
  public static func limits(_ text: String) -> Result<[Int], Invalid> {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    var out: [Int] = []
    for p in parts {
      guard !p.isEmpty, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(p), n > 0, n <= 36_500 else {
        return .failure(Invalid(message: "'\(p)' is not a number of days from 1 to 36500"))
      }
      if let last = out.last, n <= last {
        return .failure(Invalid(message: "limits must be ascending: \(n) comes after \(last)"))
      }
      out.append(n)
    }
    if out.count > maxLimits { return .failure(Invalid(message: "at most \(maxLimits) limits (\(out.count) given)")) }
    return .success(out)
  }
}

/// Receivables by age as of a date, per customer and currency, with credits, net balances, DSO, average days
/// delinquent and the collection effectiveness index. Currencies are never converted: every figure is per currency.
///
/// Every figure is as of the date: an invoice counts from its issue date, and is open until its settlement
/// (README, "Aging report: formulas", states the rules for payments without a date).
public struct AgingReport: Sendable {
  /// The window for DSO and CEI, in days, ending on the as-of date.
  public static let windowDays = 90
  /// Ratios are rounded once, to this many decimals.
  public static let ratioPlaces = 1

  /// What a detail line is.
  public enum ItemKind: String, Sendable {
    case invoice
    case creditNote = "credit_note"
    /// A payment's rest left on the customer's account (journal, status `applied`).
    case creditOnAccount = "credit_on_account"
    /// Cash received but not applied (journal: `unapplied`, held in an exceptions queue, or awaiting review).
    case unapplied
  }

  /// One open invoice, open credit note or payment on account.
  public struct Item: Sendable {
    public var kind: ItemKind
    /// The invoice or credit note id, or the payment's key (`payment:ID`).
    public var id: String
    /// The issue date, or the payment's booking date.
    public var date: CivilDate
    /// Invoices: due date, days past due (negative: not yet due), bucket.
    public var dueDate: CivilDate?
    public var daysPastDue: Int?
    public var bucket: Int?
    /// Open amount (invoices), open credit (credit notes) or cash (payments); positive.
    public var amount: Fixed
    /// The part of the open amount under dispute (invoices).
    public var disputed: Fixed = .zero
    /// Payments: the status the journal records (`applied`, `suggested`, `exception`, `unapplied`).
    public var status: String?
  }

  public struct Row: Sendable {
    public var customerID: String
    public var customerName: String
    public var currency: Currency
    /// Open amounts per bucket (`bucketNames` order), disputed amounts included.
    public var amounts: [Fixed]
    /// Receivables: the open amounts' sum.
    public var total: Fixed
    /// The past-due part of `total` (every bucket but current).
    public var overdue: Fixed = .zero
    /// The part of `total` under dispute.
    public var disputed: Fixed = .zero
    /// Open credit notes, credits on account and unapplied cash (journal).
    public var creditNotes: Fixed = .zero
    public var creditOnAccount: Fixed = .zero
    public var unapplied: Fixed = .zero
    /// All three.
    public var credits: Fixed = .zero
    /// `total` - `credits`.
    public var netBalance: Fixed = .zero
    /// Open invoices.
    public var invoices: Int
    /// With `detail`: invoices by due date, then credit notes, then payments.
    public var items: [Item] = []
  }

  /// Figures of one currency. Ratios are nil when not defined (no credit sales; CEI: nothing to collect).
  public struct Totals: Sendable {
    public var currency: Currency
    public var amounts: [Fixed]
    /// Receivables E.
    public var total: Fixed
    public var overdue: Fixed = .zero
    public var disputed: Fixed = .zero
    public var creditNotes: Fixed = .zero
    public var creditOnAccount: Fixed = .zero
    /// Unapplied cash, `unidentified` included.
    public var unapplied: Fixed = .zero
    /// Unapplied cash of payments whose payer was not found (in no customer's row).
    public var unidentified: Fixed = .zero
    public var unidentifiedItems: [Item] = []
    public var credits: Fixed = .zero
    public var netBalance: Fixed = .zero
    public var invoices = 0
    /// Credit sales S: invoices issued in the window (not void, not credit notes).
    public var sales: Fixed
    /// Beginning receivables B: open at the end of the window's first day (the as-of date - 90).
    public var beginning: Fixed
    public var dso: Fixed?
    public var bestPossibleDSO: Fixed?
    public var averageDaysDelinquent: Fixed?
    /// Collection effectiveness index, percent.
    public var cei: Fixed?
  }

  /// What the journal (`--state`) added, as of the date.
  public struct JournalUse: Sendable {
    /// Committed runs dated on or before the as-of date (counted), and after it (left out).
    public var runs = 0
    public var runsAfter = 0
    /// Payments (match items) of the runs counted.
    public var payments = 0
    /// Invoice settlements of posted payments that the invoices file does not show yet (counted as paid).
    public var settlementsCounted = 0
    /// Settlements the invoices file already shows (amount paid reached paid-before + settled, or not open).
    public var settlementsInInvoices = 0
    /// Settlements of invoices that are not in the invoices file.
    public var settlementsUnknown = 0
    /// Payments whose amount is not in the data folder (payments.csv, statements/): what they left over is unknown.
    public var paymentsNotInData: [String] = []
  }

  public var asOf: CivilDate
  public var options: AgingOptions
  /// Rows in currency order, then largest overdue amount first, then customer id.
  public var rows: [Row]
  public var totals: [Totals]
  /// Paid or written-off invoices and credit notes issued by the as-of date without `paid_date`: taken as settled
  /// on their issue date (never open).
  public var paidWithoutDate: Int
  /// Open invoices issued by the as-of date with an amount paid (no date): taken as paid on the issue date.
  public var partPaidWithoutDate = 0
  /// Nil without a journal.
  public var journal: JournalUse?

  public var bucketNames: [String] { options.bucketNames }
  /// The first day of the window (the day after `windowStart`).
  public var windowStart: CivilDate { CivilDate(dayNumber: asOf.dayNumber - Int32(AgingReport.windowDays)) }

  /// `numerator x factor / denominator`, rounded once to `ratioPlaces` decimals (the exact quotient, not a rounded
  /// one, is rounded); nil when the denominator is not positive.
  public static func ratio(_ numerator: Fixed, times factor: Int, over denominator: Fixed, _ mode: RoundingMode) -> Fixed? {
    guard denominator > .zero else { return nil }
    // With a multiplier of `factor x 10` raw units (not scaled), the raw quotient is the result in tenths.
    var scale: Int128 = 1
    for _ in 0..<ratioPlaces { scale *= 10 }
    guard let tenths = numerator.multiplied(by: Fixed(raw: Int128(factor) * scale), dividedBy: denominator, rounding: mode) else {
      return nil
    }
    let (raw, overflow) = tenths.raw.multipliedReportingOverflow(by: Fixed.scaleFactor / scale)
    return overflow ? nil : Fixed(raw: raw)
  }

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
