import AccrueCore

/// One invoice's share of a payment.
public struct Allocation: Sendable, Hashable, InvoiceReferring {
  /// The invoice's id and number (held inline when short).
  public var ref: InvoiceRef
  /// Open amount before this payment.
  public var openBefore: Fixed
  /// Applied from the payment.
  public var amount: Fixed
  /// A short payment's remainder written off (closes the invoice; not money of the payment).
  public var writtenOff: Fixed
  /// An early-payment discount taken (closes the invoice like a write-off; not money of the payment).
  public var discount: Fixed = .zero
  /// Whether nothing of the invoice stays open.
  public var closes: Bool
  /// The invoice's amount paid as this run saw it (the data's, plus what the journal records as applied).
  public var paidBefore: Fixed
  /// The invoice's row.
  public var source: RowRef

  /// What it takes off the invoice: applied plus written off.
  public var settled: Fixed { amount.adding(writtenOff).flatMap { $0.adding(discount) } ?? amount }

  /// The invoice's id.
  public var invoice: String {
    get { ref.id }
    set { ref.id = newValue }
  }

  public init(
    ref: InvoiceRef,
    openBefore: Fixed,
    amount: Fixed,
    writtenOff: Fixed,
    discount: Fixed = .zero,
    closes: Bool,
    paidBefore: Fixed,
    source: RowRef
  ) {
    self.ref = ref
    self.openBefore = openBefore
    self.amount = amount
    self.writtenOff = writtenOff
    self.discount = discount
    self.closes = closes
    self.paidBefore = paidBefore
    self.source = source
  }
}

/// How a payment's invoices were chosen.
public enum MatchStrategy: Sendable, Hashable {
  /// The payment's references name the invoices: `count` open invoices applied (0 when the payment was held
  /// before any was chosen: a currency mismatch, an invoice already paid or held, too many named).
  case namedInReference(count: Int)
  /// One of the rule's allocation strategies over the payer's (or, for `any customer`, anyone's) open invoices.
  case allocation(AllocationStrategy)
  /// Nothing matched: the rule's `on no match` outcome decided.
  case noMatch
}

/// How the customer a payment comes from was found.
public enum PayerFoundBy: Sendable, Hashable {
  /// By one of the rule's payer methods: the invoices its reference names, the payer's account, the payer's name.
  case method(PayerMethod)
  /// By the invoice the payment's references name (a rule for any customer).
  case invoiceNamed
  /// By a customer the payment's references name (a customer number in the remittance text).
  case customerNamed
  /// By the one open invoice of exactly the payment's amount (a rule for any customer).
  case amount
}

/// What became of a payment.
public enum CashStatus: String, Sendable {
  /// Applied without review (`confidence auto`).
  case applied
  /// Proposed for an analyst to confirm (`confidence suggest`).
  case suggested
  /// Sent to an exceptions queue with a reason (a difference beyond tolerance, no match, a duplicate...).
  case exception
  /// No rule decided: unapplied cash.
  case unapplied
  /// Not a customer's payment (a person decided: `accrue resolve --not-ours`): no receivable of it, no cash waiting.
  case notOurs = "not-ours"

  /// Whether its allocations are posted (count as paid): applied ones, and an exception's (an overpayment
  /// beyond tolerance pays the invoices and holds the excess); suggested ones wait for review.
  public var postsAllocations: Bool { self == .applied || self == .exception }
}

/// The cash application of one payment: allocations, write-off, credit and what stays unapplied.
public struct CashApplication: Sendable {
  /// Stable key: `payment:` and the payment id (made when asked for: most runs never need it as a string); a
  /// return's event key when it is one (`return:ID` for a return an earlier run held and this one links).
  public var key: String { returnBox?.value.key ?? ("payment:" + paymentID) }
  /// Whether this is a use of credit on account (`credit:CUSTOMER/CURRENCY/DATE`), not a payment received.
  public var isCreditUse: Bool { paymentID.hasPrefix("credit:") }
  public var paymentID: String
  /// Where the payment came from (file:line, or the XML path of a statement entry).
  public var source: String
  public var date: CivilDate
  public var amount: Fixed
  public var currency: Currency
  public var payerName: String
  /// The customer the payment was found to come from (id), and how.
  public var customer: String?
  public var payerBy: PayerFoundBy?
  public var status: CashStatus
  /// The match rule that decided, with its place in the rules.
  public var rule: String?
  public var ruleSource: RuleRef?
  /// How the invoices were chosen (nil when no rule decided).
  public var strategy: MatchStrategy?
  public var allocations: [Allocation]
  /// Overpayment written off.
  public var writeOff: Fixed
  /// Left on the customer's account as a credit.
  public var credit: Fixed
  /// Not applied (held for the exceptions queue, or unapplied cash).
  public var unapplied: Fixed
  public var queue: String?
  public var reason: String?
  /// Invoices an analyst may want to look at (for exceptions).
  public var suggestions: [String]
  /// Why: each rule tried and what it found (recorded only when explaining).
  public var explanation: [CashStep]
  /// A return linked to the payment it returns: recorded as that event (`JournalItem.paymentReturn`), not as a
  /// payment applied.
  public var returnOf: PaymentReturn? {
    get { returnBox?.value }
    set { returnBox = newValue.map(ReturnBox.init) }
  }
  /// Out of line: most payments are no return, and 200,000 applications carrying it inline cost 40 MB more and
  /// made their array slower to build.
  private var returnBox: ReturnBox?

  private final class ReturnBox: Sendable {
    let value: PaymentReturn
    init(_ value: PaymentReturn) { self.value = value }
  }

  /// Holds nothing on the heap: stands in for an application moved elsewhere.
  public static let placeholder = CashApplication(
    paymentID: "", source: "", date: CivilDate(dayNumber: 0), amount: .zero, currency: .USD, payerName: "", customer: nil,
    payerBy: nil, status: .unapplied, rule: nil, ruleSource: nil, strategy: nil, allocations: [], writeOff: .zero, credit: .zero,
    unapplied: .zero, queue: nil, reason: nil, suggestions: [], explanation: [])

  /// Applied in full without review.
  public var fullyAutomatic: Bool { status == .applied && unapplied.isZero }

  /// While it waits for review, its invoices' due steps are held (this run's dunning and, recorded, later runs'): a
  /// suggestion's allocations, a held payment's candidates (a short payment, a currency mismatch, a possible
  /// duplicate); not the closest invoices listed for a payment no rule matched, nor a return's invoices.
  public var holdsDunning: Bool {
    guard returnOf == nil else { return false }
    switch status {
    case .suggested: return !allocations.isEmpty
    case .exception: return strategy != .noMatch && !suggestions.isEmpty
    default: return false
    }
  }

  /// The application as a journal item: each invoice with the amount it settles (applied, written off, discount
  /// taken) and its amount paid before, so later runs count it as paid until the invoices file does.
  public var produced: JournalItem {
    if let returnOf { return .paymentReturn(returnOf) }
    let places = currency.minorUnits
    let settlements = allocations.map {
      var s = PostedPayment.Settlement(invoice: $0.invoice, settled: $0.settled, paidBefore: $0.paidBefore, places: places)
      s.writtenOff = $0.writtenOff
      s.discount = $0.discount
      return s
    }
    var p = PostedPayment(key: key, date: date, customer: customer ?? "", rule: rule ?? "", status: status, settlements: settlements)
    p.amount = Money(amount: amount, currency: currency)
    p.credit = credit
    p.overpaymentWrittenOff = writeOff
    p.unapplied = unapplied
    // Why it waits for a person, when it does (suggested, held, unapplied).
    if status != .applied {
      p.queue = queue ?? (status == .unapplied ? "unapplied" : "")
      p.reason = reason ?? ""
      p.candidates = status == .suggested ? [] : suggestions
      // As the run held them (`Dataset.recordPayments`), so later runs hold them until a person decides.
      p.holdsDunning = holdsDunning
    }
    return .cashApplication(p)
  }

  public init(
    paymentID: String,
    source: String,
    date: CivilDate,
    amount: Fixed,
    currency: Currency,
    payerName: String,
    customer: String? = nil,
    payerBy: PayerFoundBy? = nil,
    status: CashStatus,
    rule: String? = nil,
    ruleSource: RuleRef? = nil,
    strategy: MatchStrategy? = nil,
    allocations: [Allocation],
    writeOff: Fixed,
    credit: Fixed,
    unapplied: Fixed,
    queue: String? = nil,
    reason: String? = nil,
    suggestions: [String],
    explanation: [CashStep]
  ) {
    self.paymentID = paymentID
    self.source = source
    self.date = date
    self.amount = amount
    self.currency = currency
    self.payerName = payerName
    self.customer = customer
    self.payerBy = payerBy
    self.status = status
    self.rule = rule
    self.ruleSource = ruleSource
    self.strategy = strategy
    self.allocations = allocations
    self.writeOff = writeOff
    self.credit = credit
    self.unapplied = unapplied
    self.queue = queue
    self.reason = reason
    self.suggestions = suggestions
    self.explanation = explanation
  }
}

/// The result of a cash application run.
public struct CashResult: Sendable {
  public var asOf: CivilDate
  public var applications: [CashApplication]
  /// Payments left out because the journal records them as applied already.
  public var alreadyApplied: Int
  /// Payments left out because they are not incoming money (debits, zero amounts) or are booked after the as-of date.
  public var ignored: Int
  /// Rules that could not be evaluated on a payment, and money not conserved (never expected): any one stops the run.
  public var failures: [RunFailure]

  /// Payments per status, applied in full without review, invoices closed by posted allocations, and invoices
  /// any payment was allocated to (counted once, when the run ends).
  public private(set) var statusCounts: [CashStatus: Int] = [:]
  public private(set) var fullyAutomatic = 0
  public private(set) var invoicesClosedAutomatically = 0
  public private(set) var invoicesMatched = 0

  public func count(_ s: CashStatus) -> Int { statusCounts[s] ?? 0 }

  public mutating func tally() {
    statusCounts = [:]
    (fullyAutomatic, invoicesClosedAutomatically, invoicesMatched) = (0, 0, 0)
    // Fields read in place (`applications[i].fullyAutomatic` copied each application, retaining its strings).
    for i in applications.indices {
      let status = applications[i].status
      statusCounts[status, default: 0] += 1
      if status == .applied && applications[i].unapplied.isZero { fullyAutomatic += 1 }
      invoicesMatched += applications[i].allocations.count
      if status.postsAllocations {
        for al in applications[i].allocations where al.closes { invoicesClosedAutomatically += 1 }
      }
    }
  }

  public init(
    asOf: CivilDate,
    applications: [CashApplication],
    alreadyApplied: Int,
    ignored: Int,
    failures: [RunFailure]
  ) {
    self.asOf = asOf
    self.applications = applications
    self.alreadyApplied = alreadyApplied
    self.ignored = ignored
    self.failures = failures
  }
}
