import AccrueCore

/// A credit note a person issued against an invoice (`accrue credit-note`, docs/decisions.md): a document of its
/// own, numbered at issue in its own gapless sequence, recorded with the decision that issued it (ledger table
/// `credit_notes`). Its effect on the books is the run's posting `payment:credit-note:KEY`: what it settles on the
/// invoice (at most what the invoice has open) and what it leaves on the customer's account (the rest: the
/// invoice was paid).
public struct CreditNote: Sendable, Hashable {
  /// `credit-note:INVOICE:N`, N the credit note's place among the invoice's credit notes.
  public var key: String
  /// Its number (`number credit notes`), or its key when the rules number none.
  public var number: String
  /// The invoice credited (its id or number as the books know it).
  public var invoice: String
  public var customer: String
  /// The decision's date.
  public var issueDate: CivilDate
  public var currency: Currency
  /// Net and tax, summing to the total exactly.
  public var net: Fixed
  public var tax: Fixed
  public var total: Fixed
  /// Taken off what the invoice had open, and left on the customer's account: summing to the total.
  public var settled: Fixed
  public var credit: Fixed
  public var reason: String
  /// Its numbering sequence and place in it (nil: not numbered).
  public var scope: String?
  public var sequence: Int?

  public init(
    key: String, number: String, invoice: String, customer: String, issueDate: CivilDate, currency: Currency, net: Fixed, tax: Fixed,
    total: Fixed, settled: Fixed, credit: Fixed, reason: String, scope: String? = nil, sequence: Int? = nil
  ) {
    self.key = key
    self.number = number
    self.invoice = invoice
    self.customer = customer
    self.issueDate = issueDate
    self.currency = currency
    self.net = net
    self.tax = tax
    self.total = total
    self.settled = settled
    self.credit = credit
    self.reason = reason
    self.scope = scope
    self.sequence = sequence
  }

  /// The key of the posting that carries its effect on the books.
  public var postingKey: String { "payment:" + key }

  /// Whether a posting is a credit note's (not money received).
  public static func isPosting(_ key: String) -> Bool { key.hasPrefix("payment:credit-note:") }

  /// The key of a refund of credit on account: among the uses of credit (`payment:credit:...`), so every reader
  /// takes it off the customer's credit as it takes a use.
  public static func refundKey(customer: String, currency: Currency, date: CivilDate, run: Int) -> String {
    "payment:credit:\(customer)/\(currency.code)/\(date)/refund-\(run)"
  }
}

extension Journal {
  /// The credit notes issued, in order.
  public var creditNotes: [CreditNote] { runs.compactMap(\.creditNote) }
}
