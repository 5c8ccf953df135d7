import AccrueCore

/// A receivable in the ledger: an invoice or debit note `apply` issued, as later runs read it back (collections
/// duns it, cash application matches it, aging ages it). Its balance is not a field: it is derived from the
/// ledger's applications.
public struct LedgerInvoice: Sendable, Hashable {
  /// What the document is.
  public enum Kind: String, Sendable, Hashable {
    /// An invoice billing a contract.
    case invoice
    /// A debit note billing fees (late fees, interest) that collections charged.
    case debitNote = "debit_note"
  }

  /// The invoice's key (`CONTRACT/DATE`, or `fees:CUSTOMER/DATE/CURRENCY` for a debit note).
  public var key: String
  /// Its number, when the rules number invoices; nil otherwise (its key is then its id).
  public var number: String?
  public var kind: Kind
  /// The customer billed (id) and the contract (id; empty for a debit note).
  public var customer: String
  public var contract: String
  public var currency: Currency
  public var issueDate: CivilDate
  public var dueDate: CivilDate
  /// What the customer owes on it: the total, taxes included.
  public var total: Fixed
  /// The run that issued it.
  public var run: Int

  public init(
    key: String, number: String?, kind: Kind, customer: String, contract: String, currency: Currency, issueDate: CivilDate,
    dueDate: CivilDate, total: Fixed, run: Int
  ) {
    self.key = key
    self.number = number
    self.kind = kind
    self.customer = customer
    self.contract = contract
    self.currency = currency
    self.issueDate = issueDate
    self.dueDate = dueDate
    self.total = total
    self.run = run
  }

  /// How payments, reminders and reports name it: its number, else its key.
  public var id: String { number ?? key }
}

/// A fee collections charged (a step's `late fee` or `interest`), as the ledger holds it until it is billed.
public struct LedgerFee: Sendable, Hashable {
  /// `late fee` or `interest`.
  public enum Kind: String, Sendable, Hashable {
    case lateFee = "late_fee"
    case interest
  }

  /// The fee's key: the reminder's key and the kind (`INV-1/standard/second#late_fee`).
  public var key: String
  public var kind: Kind
  /// The day it was charged (the run's as-of date).
  public var date: CivilDate
  public var customer: String
  /// The invoice whose lateness it charges (id), and the reminder whose step charged it (key).
  public var invoice: String
  public var reminder: String
  /// The step's rule (`file:line`).
  public var rule: String
  public var amount: Fixed
  public var currency: Currency
  /// The key of the document that bills it (a debit note, or an invoice of a later run); nil while unbilled.
  public var billedOn: String?
  /// The run that charged it.
  public var run: Int

  public init(
    key: String, kind: Kind, date: CivilDate, customer: String, invoice: String, reminder: String, rule: String, amount: Fixed,
    currency: Currency, billedOn: String?, run: Int
  ) {
    self.key = key
    self.kind = kind
    self.date = date
    self.customer = customer
    self.invoice = invoice
    self.reminder = reminder
    self.rule = rule
    self.amount = amount
    self.currency = currency
    self.billedOn = billedOn
    self.run = run
  }
}
