import AccrueCore

/// One line of a payment processor's payout reconciliation export (Stripe's itemized payout reconciliation
/// report: one balance transaction, and the automatic payout that settled it).
public struct ProcessorLine: Sendable, Hashable {
  /// The processor, lower case (`stripe`).
  public var processor: String
  /// The payout that settled the line (`automatic_payout_id`, `po_...`); empty when not paid out yet.
  public var payoutID: String
  /// When the payout reaches the bank (`automatic_payout_effective_at`, its date part).
  public var payoutDate: CivilDate?
  /// The processor's id of the balance transaction (`balance_transaction_id`, `txn_...`).
  public var transactionID: String
  /// When the transaction happened (`created`, its date part): a charge's payment date.
  public var created: CivilDate
  public var availableOn: CivilDate?
  public var currency: Currency
  /// Major units, exact; `net` = `gross` - `fee` (checked when read).
  public var gross: Fixed
  public var fee: Fixed
  public var net: Fixed
  /// `reporting_category`: `charge`, `payment`, `refund`, `fee`, `dispute`, ...
  public var category: String
  /// The charge the line belongs to (`charge_id`; a charge's own `source_id`).
  public var chargeID: String
  /// Accrue's invoice number as the processor carries it (`invoice_number`, or a `payment_metadata[KEY]`).
  public var invoice: String
  public var description: String
  public var customerID: String
  public var customerEmail: String
  /// `file:line` of the row.
  public var source: String

  public init(
    processor: String, payoutID: String, payoutDate: CivilDate?, transactionID: String, created: CivilDate, availableOn: CivilDate?,
    currency: Currency, gross: Fixed, fee: Fixed, net: Fixed, category: String, chargeID: String = "", invoice: String = "",
    description: String = "", customerID: String = "", customerEmail: String = "", source: String
  ) {
    self.processor = processor
    self.payoutID = payoutID
    self.payoutDate = payoutDate
    self.transactionID = transactionID
    self.created = created
    self.availableOn = availableOn
    self.currency = currency
    self.gross = gross
    self.fee = fee
    self.net = net
    self.category = category
    self.chargeID = chargeID
    self.invoice = invoice
    self.description = description
    self.customerID = customerID
    self.customerEmail = customerEmail
    self.source = source
  }

  /// A customer payment (applied to its invoice by cash application).
  public var isCharge: Bool { category == "charge" || category == "payment" }

  /// The id of the payment a charge becomes: `stripe:txn_...`.
  public var paymentID: String { processor + ":" + transactionID }
}

/// A refund of a payout, against the invoice its charge paid.
public struct PayoutRefund: Sendable, Hashable {
  /// `stripe:txn_...` of the refund.
  public var id: String
  /// Positive: what went back to the customer.
  public var amount: Fixed
  /// The invoice of the refunded charge (empty when neither the refund nor its charge names one).
  public var invoice: String
  public var chargeID: String
  public var source: String

  public init(id: String, amount: Fixed, invoice: String, chargeID: String, source: String) {
    self.id = id
    self.amount = amount
    self.invoice = invoice
    self.chargeID = chargeID
    self.source = source
  }
}

/// The bank credit a payout was matched to.
public struct PayoutCredit: Sendable, Hashable {
  /// How it was chosen.
  public enum Basis: String, Sendable { case payoutID = "payout id", processorName = "processor name", amountAndDate = "amount and date" }
  public var paymentID: String
  public var bookingDate: CivilDate
  public var amount: Fixed
  public var source: String
  public var basis: Basis

  public init(paymentID: String, bookingDate: CivilDate, amount: Fixed, source: String, basis: Basis) {
    self.paymentID = paymentID
    self.bookingDate = bookingDate
    self.amount = amount
    self.source = source
    self.basis = basis
  }
}

/// One payout, its lines summed by kind, and the bank credit it was matched to.
public struct PayoutReconciliation: Sendable, Hashable {
  public enum Status: String, Sendable {
    /// Matched to one bank credit of its net amount.
    case reconciled
    /// No bank credit of its amount in the days after its date (yet).
    case noBankCredit = "no bank credit"
    /// Its lines do not make one amount to look for (several currencies, a net that is not positive), or a bank
    /// credit that names it is of another amount.
    case doesNotAddUp = "does not add up"
  }

  /// `payout:stripe:po_...`.
  public var key: String { "payout:" + processor + ":" + payoutID }
  public var processor: String
  public var payoutID: String
  public var date: CivilDate
  public var currency: Currency
  /// Gross of the charges (customer payments).
  public var charges: Fixed
  /// What was refunded (positive), and each refund with its invoice.
  public var refunds: Fixed
  public var refundLines: [PayoutRefund]
  /// Processor fees (positive): the fees of every line plus lines of category `fee`; an expense.
  public var fees: Fixed
  /// Net of the other categories (disputes, adjustments...), by category name.
  public var other: [(category: String, amount: Fixed)]
  /// charges - refunds - fees + other = the sum of the lines' nets.
  public var net: Fixed
  public var lineCount: Int
  /// `file:line` of the first and last rows (in row order of the files).
  public var sources: [String]
  public var status: Status
  public var credit: PayoutCredit?
  /// Why it is not reconciled (empty when it is).
  public var reason: String

  public init(
    processor: String, payoutID: String, date: CivilDate, currency: Currency, charges: Fixed, refunds: Fixed, refundLines: [PayoutRefund],
    fees: Fixed, other: [(category: String, amount: Fixed)], net: Fixed, lineCount: Int, sources: [String], status: Status,
    credit: PayoutCredit? = nil, reason: String = ""
  ) {
    self.processor = processor
    self.payoutID = payoutID
    self.date = date
    self.currency = currency
    self.charges = charges
    self.refunds = refunds
    self.refundLines = refundLines
    self.fees = fees
    self.other = other
    self.net = net
    self.lineCount = lineCount
    self.sources = sources
    self.status = status
    self.credit = credit
    self.reason = reason
  }

  public static func == (a: PayoutReconciliation, b: PayoutReconciliation) -> Bool {
    a.key == b.key && a.status == b.status && a.net == b.net && a.credit == b.credit && a.reason == b.reason
      && a.other.map(\.category) == b.other.map(\.category) && a.other.map(\.amount) == b.other.map(\.amount)
  }

  public func hash(into h: inout Hasher) { h.combine(key) }
}

/// A bank credit that looks like a processor's deposit (its payer, reference or text names the processor or a
/// payout id) and that no payout of the exports matched.
public struct ProcessorDeposit: Sendable, Hashable {
  /// `deposit:PAYMENT_ID`.
  public var key: String { "deposit:" + paymentID }
  public var processor: String
  public var paymentID: String
  public var bookingDate: CivilDate
  public var amount: Fixed
  public var currency: Currency
  public var payerName: String
  public var source: String
  public var reason: String

  public init(
    processor: String, paymentID: String, bookingDate: CivilDate, amount: Fixed, currency: Currency, payerName: String, source: String,
    reason: String
  ) {
    self.processor = processor
    self.paymentID = paymentID
    self.bookingDate = bookingDate
    self.amount = amount
    self.currency = currency
    self.payerName = payerName
    self.source = source
    self.reason = reason
  }
}

/// Processors' payouts tied out to the bank: each payout with its bank credit or why not, and the deposits no
/// payout explains. Payouts by date then key, deposits by booking date then key (not by row order).
public struct PayoutResult: Sendable {
  public var asOf: CivilDate
  public var payouts: [PayoutReconciliation]
  public var deposits: [ProcessorDeposit]
  /// Lines not in a payout yet (no `automatic_payout_id`): their charges are applied, their money not at the bank.
  public var unpaidLines: Int
  /// Payouts the ledger records as reconciled by earlier runs (left out of this run).
  public var reconciledEarlier = 0
  /// Ids of the bank credits matched to payouts: not customer payments, left out of cash application.
  public var matchedCredits: Set<String> { Set(payouts.compactMap { $0.status == .reconciled ? $0.credit?.paymentID : nil }) }

  public init(asOf: CivilDate, payouts: [PayoutReconciliation], deposits: [ProcessorDeposit], unpaidLines: Int) {
    self.asOf = asOf
    self.payouts = payouts
    self.deposits = deposits
    self.unpaidLines = unpaidLines
  }

  public func count(_ s: PayoutReconciliation.Status) -> Int { payouts.filter { $0.status == s }.count }
}
