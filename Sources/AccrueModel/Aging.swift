import AccrueCore
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
    /// Invoices: where the invoice is kept: `ledger` (issued by Accrue; `debit note` for a debit note) or
    /// `invoices file` (imported from another system).
    public var origin: String? = nil

    public init(
      kind: ItemKind,
      id: String,
      date: CivilDate,
      dueDate: CivilDate? = nil,
      daysPastDue: Int? = nil,
      bucket: Int? = nil,
      amount: Fixed,
      disputed: Fixed = .zero,
      status: String? = nil
    ) {
      self.kind = kind
      self.id = id
      self.date = date
      self.dueDate = dueDate
      self.daysPastDue = daysPastDue
      self.bucket = bucket
      self.amount = amount
      self.disputed = disputed
      self.status = status
    }
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

    public init(
      customerID: String,
      customerName: String,
      currency: Currency,
      amounts: [Fixed],
      total: Fixed,
      overdue: Fixed = .zero,
      disputed: Fixed = .zero,
      creditNotes: Fixed = .zero,
      creditOnAccount: Fixed = .zero,
      unapplied: Fixed = .zero,
      credits: Fixed = .zero,
      netBalance: Fixed = .zero,
      invoices: Int,
      items: [Item] = []
    ) {
      self.customerID = customerID
      self.customerName = customerName
      self.currency = currency
      self.amounts = amounts
      self.total = total
      self.overdue = overdue
      self.disputed = disputed
      self.creditNotes = creditNotes
      self.creditOnAccount = creditOnAccount
      self.unapplied = unapplied
      self.credits = credits
      self.netBalance = netBalance
      self.invoices = invoices
      self.items = items
    }
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

    public init(
      currency: Currency,
      amounts: [Fixed],
      total: Fixed,
      overdue: Fixed = .zero,
      disputed: Fixed = .zero,
      creditNotes: Fixed = .zero,
      creditOnAccount: Fixed = .zero,
      unapplied: Fixed = .zero,
      unidentified: Fixed = .zero,
      unidentifiedItems: [Item] = [],
      credits: Fixed = .zero,
      netBalance: Fixed = .zero,
      sales: Fixed,
      beginning: Fixed,
      dso: Fixed? = nil,
      bestPossibleDSO: Fixed? = nil,
      averageDaysDelinquent: Fixed? = nil,
      cei: Fixed? = nil
    ) {
      self.currency = currency
      self.amounts = amounts
      self.total = total
      self.overdue = overdue
      self.disputed = disputed
      self.creditNotes = creditNotes
      self.creditOnAccount = creditOnAccount
      self.unapplied = unapplied
      self.unidentified = unidentified
      self.unidentifiedItems = unidentifiedItems
      self.credits = credits
      self.netBalance = netBalance
      self.sales = sales
      self.beginning = beginning
      self.dso = dso
      self.bestPossibleDSO = bestPossibleDSO
      self.averageDaysDelinquent = averageDaysDelinquent
      self.cei = cei
    }
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

    public init(paymentsNotInData: [String] = []) {
      self.paymentsNotInData = paymentsNotInData
    }
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
  /// Currencies whose figures add up to more than can be represented: the report must not be shown.
  public var tooLarge: [Currency] = []

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

  public init(asOf: CivilDate, options: AgingOptions, rows: [Row], totals: [Totals], paidWithoutDate: Int) {
    self.asOf = asOf
    self.options = options
    self.rows = rows
    self.totals = totals
    self.paidWithoutDate = paidWithoutDate
  }
}
