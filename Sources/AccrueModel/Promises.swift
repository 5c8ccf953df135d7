import AccrueCore

/// A promise to pay (promises.csv): dunning of the invoice (or of all the customer's invoices) waits
/// until the promised date; after it, the promise is broken and dunning resumes.
public struct PromiseToPay: Sendable {
  public var customer: Int32
  /// Index into `Dataset.invoices`, or -1 for all the customer's invoices.
  public var invoice: Int32
  public var promisedDate: CivilDate
  public var amount: Fixed?
  public var source: RowRef

  public init(customer: Int32, invoice: Int32, promisedDate: CivilDate, amount: Fixed? = nil, source: RowRef) {
    self.customer = customer
    self.invoice = invoice
    self.promisedDate = promisedDate
    self.amount = amount
    self.source = source
  }
}

/// A payment plan (payment_plans.csv): while active, dunning of its invoice (or of all the customer's
/// invoices) is paused.
public struct PaymentPlan: Sendable {
  public var id: String
  public var customer: Int32
  public var invoice: Int32
  public var start: CivilDate
  /// Last day (inclusive), nil: open-ended.
  public var end: CivilDate?
  /// `active` (default), `completed` or `broken`: only an active plan pauses.
  public var active: Bool
  public var source: RowRef

  public init(
    id: String,
    customer: Int32,
    invoice: Int32,
    start: CivilDate,
    end: CivilDate? = nil,
    active: Bool,
    source: RowRef
  ) {
    self.id = id
    self.customer = customer
    self.invoice = invoice
    self.start = start
    self.end = end
    self.active = active
    self.source = source
  }
}
