import AccrueCore

/// One line of an invoice, with how it was computed.
public struct InvoiceLine: Sendable {
  /// What the line bills, as printed.
  public var description: String
  /// The charge (or discount, minimum, tax) it comes from.
  public var charge: String
  /// Quantity, when the line is per unit.
  public var quantity: Fixed?
  /// Unit price, when one price applies to every unit.
  public var unitPrice: Fixed?
  /// The amount, rounded to the currency's minor unit.
  public var amount: Fixed
  /// The service period the line covers (end exclusive).
  public var periodStart: CivilDate
  public var periodEnd: CivilDate
  /// The rule that produced it.
  public var rule: RuleRef
  /// Steps of the computation, for `--explain`.
  public var explanation: [String]
  /// Tiers the quantity reached (indices into the charge's tiers), for `--coverage`.
  public var tiers: [Int] = []

  public init(
    description: String,
    charge: String,
    quantity: Fixed? = nil,
    unitPrice: Fixed? = nil,
    amount: Fixed,
    periodStart: CivilDate,
    periodEnd: CivilDate,
    rule: RuleRef,
    explanation: [String],
    tiers: [Int] = []
  ) {
    self.description = description
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
  public var label: String
  public var rate: Fixed
  public var inclusive: Bool
  public var amount: Fixed
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
  public var amount: Fixed
  public var dueDate: CivilDate

  public init(amount: Fixed, dueDate: CivilDate) {
    self.amount = amount
    self.dueDate = dueDate
  }
}

/// An invoice that the run would issue.
public struct PlannedInvoice: Sendable {
  /// Stable key: contract id and billing date. The same inputs always give the same key.
  public var key: String
  public var contractID: String
  public var customerID: String
  public var customerName: String
  public var plan: String
  public var currency: Currency
  public var issueDate: CivilDate
  /// The service period of the invoice's advance charges (or of its arrears charges when it has none).
  public var periodStart: CivilDate
  public var periodEnd: CivilDate
  public var lines: [InvoiceLine]
  public var subtotal: Fixed
  public var taxes: [InvoiceTax]
  public var total: Fixed
  public var dueDate: CivilDate
  public var terms: String
  public var earlyDiscount: (amount: Fixed, until: CivilDate, rate: Fixed)?
  public var installments: [Installment]
  /// The data rows it came from (customer, contract, changes; usage rows are counted in the explanation).
  public var sources: [RowRef]

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
    terms: String,
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
  public var asOf: CivilDate
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

  /// Usage rows aggregated, and how many of them the fast path read (the rest went through the general
  /// reader); for `--stats` and the tests.
  public var usageRows: (total: Int, fast: Int) = (0, 0)
}
