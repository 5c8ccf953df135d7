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
  /// The rule that issued it (`file:line` of a plan's `cancellation`); empty for one a person issued.
  public var rule = ""
  /// The invoice's line it credits (1 for the first, as the ledger numbers them); nil: the invoice as a whole.
  public var line: Int? = nil

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

  /// The posting that carries its effect on the books (rule `credit note`, no money received): what it settles on
  /// its invoice (which had `paidBefore` paid or settled) and what it leaves on the customer's account.
  public func posting(paidBefore: Fixed) -> PostedPayment {
    var p = PostedPayment(
      key: postingKey, date: issueDate, customer: customer, rule: "credit note", status: .applied,
      settlements: settled > .zero
        ? [PostedPayment.Settlement(invoice: invoice, settled: settled, paidBefore: paidBefore, places: currency.minorUnits)] : [])
    p.amount = Money(amount: total, currency: currency)
    p.credit = credit
    return p
  }

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
  public var creditNotes: [CreditNote] { runs.flatMap(\.creditNotes) }
}

/// A credit note a billing run issues for a cancellation (grammar.md §6.6, `cancellation immediately with prorated
/// credit`): the unused days of what the invoice of the cancelled period billed in advance, from the day of the
/// cancellation to the period's end, with the discounts and taxes that invoice applied. `note` is the document as
/// the ledger records it (its `settled` and `credit` are set once the run knows what the invoice has open).
public struct PlannedCreditNote: Sendable {
  public var note: CreditNote
  public var contractID: String
  public var customerName: String
  public var plan: String
  /// The invoice credited's key (`CONTRACT/BILLING-DATE`).
  public var invoiceKey: String
  public var cancelledOn: CivilDate
  /// The days credited: [start, end).
  public var periodStart: CivilDate
  public var periodEnd: CivilDate
  /// The lines credited (positive amounts: what is given back), and the taxes on them.
  public var lines: [InvoiceLine]
  public var taxes: [InvoiceTax]
  /// The plan's `cancellation` statement.
  public var rule: RuleRef
  /// The contract's and the customer's rows.
  public var sources: [RowRef]
  /// Numbered at issue: its number is provisional in a dry run.
  public var numberIsProvisional = false
  /// What the invoice had paid (or settled) before the credit note.
  public var paidBefore = Fixed.zero

  public init(
    note: CreditNote, contractID: String, customerName: String, plan: String, invoiceKey: String, cancelledOn: CivilDate,
    periodStart: CivilDate, periodEnd: CivilDate, lines: [InvoiceLine], taxes: [InvoiceTax], rule: RuleRef, sources: [RowRef]
  ) {
    self.note = note
    self.contractID = contractID
    self.customerName = customerName
    self.plan = plan
    self.invoiceKey = invoiceKey
    self.cancelledOn = cancelledOn
    self.periodStart = periodStart
    self.periodEnd = periodEnd
    self.lines = lines
    self.taxes = taxes
    self.rule = rule
    self.sources = sources
  }

  /// The key of a cancellation's credit note on an invoice (one per invoice).
  public static func key(invoice: String) -> String { "credit-note:\(invoice):cancellation" }
}
