import AccrueCore

/// A dispute, a promise to pay or a payment plan a person recorded (`accrue dispute`, `accrue promise`, `accrue
/// payment-plan`): a decision's effect on dunning, replayed by every later run beside the data's files
/// (invoices.csv's disputed amounts, promises.csv, payment_plans.csv). Table `collection_holds`.
public struct CollectionHold: Sendable, Hashable {
  public enum Kind: String, Sendable {
    /// An invoice's disputed amount (zero: the dispute is closed).
    case dispute
    /// A promise to pay by a date.
    case promise
    /// A payment plan, or its end.
    case paymentPlan = "payment_plan"
  }

  public var kind: Kind
  public var customer: String
  /// The invoice's id; empty for all the customer's invoices (promises and plans).
  public var invoice: String
  /// The disputed amount (a dispute), the amount promised (a promise; nil when none was given).
  public var amount: Money?
  /// A plan's first day.
  public var start: CivilDate?
  /// The date promised (a promise), a plan's last day (nil: open-ended).
  public var end: CivilDate?
  /// A dispute's `open` or `closed`, a plan's `active`, `completed` or `broken`; a promise's `made`.
  public var state: String
  /// A plan's id (`plan-RUN` when none was given), by which a later decision ends it.
  public var planID: String

  public init(
    kind: Kind, customer: String, invoice: String, amount: Money?, start: CivilDate? = nil, end: CivilDate? = nil, state: String,
    planID: String = ""
  ) {
    self.kind = kind
    self.customer = customer
    self.invoice = invoice
    self.amount = amount
    self.start = start
    self.end = end
    self.state = state
    self.planID = planID
  }
}
