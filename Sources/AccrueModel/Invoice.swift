import AccrueCore

/// One line of an invoice, with how it was computed.
public struct InvoiceLine: Sendable {
  /// What a line bills, as the billing rules tell lines apart.
  public enum Kind: Sendable, Hashable {
    /// A flat, per-unit, package, tiered or one-time charge for a service period (in advance or in arrears),
    /// including the charge at new terms from a mid-period change.
    case charge
    /// A usage charge: the period's metered usage, priced.
    case usage
    /// A discount: a share or an amount off the charge lines it covers (negative).
    case discount
    /// The minimum commitment's true-up: the period's shortfall of spend against the commitment.
    case minimumTrueUp
    /// A credit for the unused part of an advance charge after a mid-period change of terms (negative).
    case credit
    /// A fee collections charged (a late fee, interest), billed on a debit note or on the customer's next invoice.
    case fee
  }

  /// What the line bills, as printed.
  public var description: String
  /// The name of the charge it comes from; for a discount, the discount's label (nil when the rules give none);
  /// nil for the minimum true-up.
  public var charge: String?
  /// Quantity, when the line is per unit.
  public var quantity: Fixed?
  /// Unit price, when one price applies to every unit.
  public var unitPrice: Fixed?
  /// What kind of line it is (declared here, it fits in the padding before `amount`).
  public var kind: Kind
  /// The amount, rounded to the currency's minor unit.
  public var amount: Fixed
  /// The service period the line covers (end exclusive).
  public var periodStart: CivilDate
  public var periodEnd: CivilDate
  /// The rule that produced it.
  public var rule: RuleRef
  /// Steps of the computation, for `--explain` (empty unless the run explained this invoice).
  public var explanation: [BillingStep]
  /// Tiers the quantity reached (indices into the charge's tiers), for `--coverage`.
  public var tiers: [Int] = []
  /// The contract the line bills, on an invoice of several contracts (`invoice per customer`, grammar.md §6.5);
  /// nil on an invoice of one contract's lines.
  public var contract: String? = nil

  public init(
    description: String,
    kind: Kind,
    charge: String?,
    quantity: Fixed? = nil,
    unitPrice: Fixed? = nil,
    amount: Fixed,
    periodStart: CivilDate,
    periodEnd: CivilDate,
    rule: RuleRef,
    explanation: [BillingStep],
    tiers: [Int] = []
  ) {
    self.description = description
    self.kind = kind
    self.charge = charge
    self.quantity = quantity
    self.unitPrice = unitPrice
    self.amount = amount
    self.periodStart = periodStart
    self.periodEnd = periodEnd
    self.rule = rule
    self.explanation = explanation
    self.tiers = tiers
  }
}

/// A tax on an invoice.
public struct InvoiceTax: Sendable {
  /// The tax's name as the rules give it ("VAT").
  public var label: String
  /// The rate, as a fraction (0.2 for 20%).
  public var rate: Fixed
  /// Whether the tax is included in the subtotal (the part of it that is tax) rather than added to the total.
  public var inclusive: Bool
  /// The tax, rounded to the currency's minor unit.
  public var amount: Fixed
  /// The `tax` rule it comes from.
  public var rule: RuleRef

  public init(label: String, rate: Fixed, inclusive: Bool, amount: Fixed, rule: RuleRef) {
    self.label = label
    self.rate = rate
    self.inclusive = inclusive
    self.amount = amount
    self.rule = rule
  }
}

/// One installment of an invoice's total.
public struct Installment: Sendable {
  /// Its share of the total (the last installment takes the remainder of the split).
  public var amount: Fixed
  /// When it is due.
  public var dueDate: CivilDate

  public init(amount: Fixed, dueDate: CivilDate) {
    self.amount = amount
    self.dueDate = dueDate
  }
}

/// The payment terms an invoice states (each case shows the words outputs print).
public enum InvoiceTerms: Sendable, Equatable, CustomStringConvertible {
  /// "due on receipt" (also when the day of next month the rules name is not a date).
  case dueOnReceipt
  /// "net 30 days": due that long after the issue date.
  case net(TermsPeriod)
  /// "net 15 days end of month": due that long after the end of the month of issue.
  case netEndOfMonth(TermsPeriod)
  /// "end of month": due on the last day of the month of issue.
  case endOfMonth
  /// "day 10 of next month"
  case dayOfNextMonth(Int64)
  /// "installments": due in parts, each with its own date (`PlannedInvoice.installments`).
  case installments

  /// The terms as printed: "net 30 days", "day 10 of next month".
  public var description: String {
    switch self {
    case .dueOnReceipt: "due on receipt"
    case .net(let period): "net \(period.value)"
    case .netEndOfMonth(let period): "net \(period.value) end of month"
    case .endOfMonth: "end of month"
    case .dayOfNextMonth(let day): "day \(day) of next month"
    case .installments: "installments"
    }
  }
}

/// The period of `net` payment terms, as the rules evaluate it (kept this small: every invoice holds one).
public enum TermsPeriod: Sendable, Equatable {
  case days(Int64)
  case businessDays(Int64)
  case months(Int64)
  /// A period the rules could not evaluate (a failure then stops the run).
  case unknown

  /// The period of an evaluated duration.
  public init(_ v: RValue) {
    switch v {
    case .days(let n): self = .days(n)
    case .businessDays(let n): self = .businessDays(n)
    case .months(let n): self = .months(n)
    default: self = .unknown
    }
  }

  /// The duration it was evaluated from (`.error` when unknown).
  public var value: RValue {
    switch self {
    case .days(let n): .days(n)
    case .businessDays(let n): .businessDays(n)
    case .months(let n): .months(n)
    case .unknown: .error
    }
  }
}

/// An invoice that the run would issue.
public struct PlannedInvoice: Sendable {
  /// Stable key: contract id and billing date. The same inputs always give the same key.
  public var key: String
  /// The contract billed.
  public var contractID: String
  /// The customer billed, by id and by name.
  public var customerID: String
  public var customerName: String
  /// The plan whose rules priced it (when it bills a period just ended, the plan in effect on that period's last day).
  public var plan: String
  /// The currency it bills in (the plan's).
  public var currency: Currency
  /// The billing date: when it is issued.
  public var issueDate: CivilDate
  /// The service period of the invoice's advance charges (or of its arrears charges when it has none).
  public var periodStart: CivilDate
  public var periodEnd: CivilDate
  /// Its lines, in order: advance charges, mid-period changes, arrears charges, usage, discounts, the true-up.
  public var lines: [InvoiceLine]
  /// The lines added up.
  public var subtotal: Fixed
  /// The taxes charged on the subtotal.
  public var taxes: [InvoiceTax]
  /// The subtotal plus the exclusive taxes: what the customer owes.
  public var total: Fixed
  /// When the total is due (with installments, when the last one is).
  public var dueDate: CivilDate
  /// The payment terms that set the due date.
  public var terms: InvoiceTerms
  /// The early payment discount, when the plan gives one: its amount off the total if paid by `until`, and its rate.
  public var earlyDiscount: (amount: Fixed, until: CivilDate, rate: Fixed)?
  /// The total's installments, when the terms split it (empty otherwise).
  public var installments: [Installment]
  /// Where the payment terms and the early payment discount it got are written: set when explaining (§6.4).
  public var termsRule: RuleRef? = nil
  public var earlyDiscountRule: RuleRef? = nil
  /// The data rows it came from (customer, contract, changes; usage rows are counted in the explanation).
  public var sources: [RowRef]
  /// An invoice, or a debit note billing fees collections charged.
  public var kind: LedgerInvoice.Kind = .invoice
  /// Its number, when the rules number invoices: assigned by `apply`; in a dry run the number it would get
  /// (`numberIsProvisional`).
  public var number: String? = nil
  public var numberIsProvisional = false
  /// Under `invoice per customer [and currency]` (grammar.md §6.5): every contract whose lines the invoice holds, in
  /// id order (`contractID` is the first); empty under `invoice per contract`.
  public var contracts: [String] = []

  public init(
    key: String,
    contractID: String,
    customerID: String,
    customerName: String,
    plan: String,
    currency: Currency,
    issueDate: CivilDate,
    periodStart: CivilDate,
    periodEnd: CivilDate,
    lines: [InvoiceLine],
    subtotal: Fixed,
    taxes: [InvoiceTax],
    total: Fixed,
    dueDate: CivilDate,
    terms: InvoiceTerms,
    earlyDiscount: (amount: Fixed, until: CivilDate, rate: Fixed)? = nil,
    installments: [Installment],
    sources: [RowRef]
  ) {
    self.key = key
    self.contractID = contractID
    self.customerID = customerID
    self.customerName = customerName
    self.plan = plan
    self.currency = currency
    self.issueDate = issueDate
    self.periodStart = periodStart
    self.periodEnd = periodEnd
    self.lines = lines
    self.subtotal = subtotal
    self.taxes = taxes
    self.total = total
    self.dueDate = dueDate
    self.terms = terms
    self.earlyDiscount = earlyDiscount
    self.installments = installments
    self.sources = sources
  }
}

/// The result of a billing run.
public struct BillingResult: Sendable {
  /// The run date.
  public var asOf: CivilDate
  /// The run bills the billing dates after this date, up to `asOf`.
  public var since: CivilDate
  /// Invoices in issue-date, customer, contract order.
  public var invoices: [PlannedInvoice]
  /// Invoices skipped because invoices.csv already holds their key.
  public var alreadyIssued: Int
  /// Rules that could not be evaluated on the data (an amount too large, currencies meeting, division by zero):
  /// any one stops the run.
  public var failures: [RunFailure]
  /// A result (an empty one when billing did not run).
  public init(asOf: CivilDate, since: CivilDate, invoices: [PlannedInvoice], alreadyIssued: Int, failures: [RunFailure]) {
    self.asOf = asOf
    self.since = since
    self.invoices = invoices
    self.alreadyIssued = alreadyIssued
    self.failures = failures
  }

  /// Invoices of a zero total not issued because their plan says `zero invoices skipped`.
  public var zeroSkipped = 0

  /// Credit notes of cancellations (grammar.md §6.6), in contract order.
  public var creditNotes: [PlannedCreditNote] = []

  /// Usage rows aggregated, and how many of them the fast path read (the rest went through the general
  /// reader); for `--stats` and the tests.
  public var usageRows: (total: Int, fast: Int) = (0, 0)
}
