import AccrueCore
import AccrueModel
import AccrueParser

/// The currency of a money value as far as the checker knows it.
public enum CurrencyKind: Hashable, Sendable {
  /// Fixed by a literal or by the block's `currency` statement.
  case known(Currency)
  /// Decided per record at run time (e.g. `invoice.balance` in a cadence for all currencies).
  case dynamic
  /// One amount per currency (`[10_000.00 USD, 8_000.00 GBP]`, currencies sorted): combined with an amount, the
  /// one in that amount's currency is taken.
  case perCurrency([Currency])
}

/// The kinds of values in the language. Units are part of the kind: days, business days and
/// months differ; money carries its currency; a percent is not a number.
public enum ValueType: Hashable, Sendable, CustomStringConvertible {
  case number
  case money(CurrencyKind)
  case percent
  case date
  case days
  case businessDays
  case months
  case text
  case bool
  case currency
  indirect case list(ValueType)
  case record(RecordKind)
  case roundingMode
  /// Unknown because of an earlier error; never reported again.
  case error

  /// How the kind reads in messages.
  public var description: String {
    switch self {
    case .number: "a number"
    case .money(.known(let c)): "money in \(c.code)"
    case .money(.dynamic): "money"
    case .money(.perCurrency(let cs)): "amounts per currency (\(cs.map(\.code).joined(separator: ", ")))"
    case .percent: "a percent"
    case .date: "a date"
    case .days: "days"
    case .businessDays: "business days"
    case .months: "months"
    case .text: "text"
    case .bool: "a yes/no condition"
    case .currency: "a currency"
    case .list(let t): "a list of \(t.plural)"
    case .record(let r): "a \(r.rawValue) record"
    case .roundingMode: "a rounding mode"
    case .error: "an unknown value"
    }
  }

  var plural: String {
    switch self {
    case .number: "numbers"
    case .money: "amounts"
    case .percent: "percents"
    case .date: "dates"
    case .text: "texts"
    default: description
    }
  }

  /// Whether values can be ordered with < and >.
  public var isOrdered: Bool {
    switch self {
    case .number, .money, .percent, .date, .days, .businessDays, .months: true
    default: false
    }
  }

  /// Whether this is days, business days or months.
  public var isDuration: Bool {
    switch self {
    case .days, .businessDays, .months: true
    default: false
    }
  }

  /// Whether this is money of any currency.
  public var isMoney: Bool {
    if case .money = self { return true }
    return false
  }

  /// The type named by an annotation.
  public init(_ a: TypeAnnotation) {
    switch a.kind {
    case .number: self = .number
    case .money: self = .money(a.currency.map { .known($0) } ?? .dynamic)
    case .percent: self = .percent
    case .date: self = .date
    case .days: self = .days
    case .businessDays: self = .businessDays
    case .months: self = .months
    case .text: self = .text
    case .bool: self = .bool
    case .currency: self = .currency
    }
  }
}

/// A set of records, as a bit mask (checked on every name, so no hashing).
public struct RecordSet: OptionSet, Sendable, Hashable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  /// The set holding one record.
  public init(_ r: RecordKind) { rawValue = 1 << UInt16(r.index) }
  /// Whether `r` is in the set.
  public func contains(_ r: RecordKind) -> Bool { rawValue & (1 << UInt16(r.index)) != 0 }
  /// The records in the set, in declaration order.
  public var members: [RecordKind] { RecordKind.allCases.filter { contains($0) } }
  public static let customer = RecordSet(.customer)
  public static let contract = RecordSet(.contract)
  public static let invoice = RecordSet(.invoice)
  public static let event = RecordSet(.event)
  public static let payment = RecordSet(.payment)
}

/// A field of a record: its name, kind and meaning.
public struct FieldInfo: Sendable {
  /// Field name as written after the dot.
  public var name: String
  /// Its kind. Money fields are `.money(.dynamic)` here; the block's currency narrows them.
  public var type: ValueType
  /// One-line meaning (shown in docs/data.md and in "did you mean").
  public var doc: String
  /// Whether the rules declared it with `field`.
  public var isCustom: Bool
  /// Index among the record's fields (core fields first, then custom ones in declaration order).
  public var index: Int
  /// The value a custom field takes when data omits it (`field customer.industry: text = "unknown"`).
  public var defaultValue: Expr? = nil
  /// Only approval rules read it (`Schema.approvalOnly`).
  public var approvalOnly = false
  /// One of the customer's totals that dunning works out (`CheckerState.customerTotals`).
  public var customerTotal = false
}

/// The fixed fields of each record (docs/data.md documents the same list).
public enum Schema {
  static let money = ValueType.money(.dynamic)

  /// Core fields per record, in slot order.
  public static let core: [RecordKind: [(String, ValueType, String)]] = [
    .customer: [
      ("id", .text, "customer id"),
      ("name", .text, "legal or display name"),
      ("segment", .text, "segment such as enterprise, mid-market, smb"),
      ("country", .text, "ISO 3166 country code"),
      ("currency", .currency, "billing currency"),
      ("email", .text, "main contact e-mail"),
      ("billing_email", .text, "e-mail for invoices and reminders"),
      ("account_owner", .text, "account owner's e-mail"),
      ("phone", .text, "phone number for SMS"),
      ("credit_hold", .bool, "the customer is on credit hold"),
      ("balance", money, "open balance over all invoices"),
      ("overdue_balance", money, "balance of overdue invoices (disputed amounts excluded)"),
      ("overdue_count", .number, "number of overdue invoices"),
      ("oldest_overdue_days", .days, "days overdue of the oldest overdue invoice"),
      ("broken_promises", .number, "promises to pay whose date passed with an invoice they cover still open"),
      ("first_invoice", .bool, "approvals only: the ledger and the invoices file hold no earlier invoice of the customer"),
    ],
    .contract: [
      ("id", .text, "contract id"),
      ("customer", .record(.customer), "the customer"),
      ("plan", .text, "plan name"),
      ("start_date", .date, "first day of service"),
      ("end_date", .date, "last day of service (9999-12-31 when open-ended)"),
      ("quantity", .number, "contracted quantity"),
      ("seats", .number, "contracted seats"),
      ("currency", .currency, "contract currency"),
      ("billing_anchor", .date, "date periods are counted from (defaults to start_date)"),
      ("cancelled_on", .date, "the day the customer cancelled (9999-12-31 when not cancelled): the plan's cancellation policy says when service ends"),
      ("notice_given_on", .date, "the day the customer gave notice not to renew (9999-12-31 when none): the plan's term and notice say when the contract ends"),
    ],
    .invoice: [
      ("id", .text, "invoice id"),
      ("number", .text, "invoice number as printed"),
      ("customer", .record(.customer), "the customer"),
      ("issue_date", .date, "date of issue"),
      ("due_date", .date, "due date"),
      ("currency", .currency, "invoice currency"),
      ("amount", money, "invoice total"),
      ("amount_paid", money, "amount paid so far"),
      ("disputed_amount", money, "amount under dispute"),
      ("balance", money, "amount still open (amount - paid - disputed)"),
      ("days_overdue", .days, "days since the due date as of the run (0 when not yet due)"),
      ("status", .text, "open, paid, void, written_off"),
      ("reference", .text, "structured payment reference"),
      // Approvals only (grammar.md §11): the invoice being issued.
      ("subtotal", money, "approvals only: the lines' sum, discounts included, before tax"),
      ("tax", money, "approvals only: the taxes added (inclusive taxes are inside the lines)"),
      ("total", money, "approvals only: what the customer owes (subtotal plus exclusive taxes)"),
      ("discount", money, "approvals only: the discount lines' sum, as a positive amount"),
      ("discount_percent", .percent, "approvals only: discount / (subtotal + discount); 0% without charges"),
      ("payment_terms", .text, "approvals only: the terms the invoice states, as printed (\"net 30\", \"due on receipt\")"),
      ("payment_days", .days, "approvals only: days from issue to due date"),
      ("kind", .text, "approvals only: \"invoice\" or \"debit note\""),
      ("line_count", .number, "approvals only: the number of lines"),
    ],
    .event: [
      ("id", .text, "event id (unique)"),
      ("customer", .text, "customer id"),
      ("contract", .text, "contract id"),
      ("date", .date, "date the usage happened"),
      ("name", .text, "event name, matched by a metric's `event`"),
      ("quantity", .number, "quantity used"),
      ("amount", money, "transaction amount (for percentage pricing)"),
    ],
    .payment: [
      ("id", .text, "payment id"),
      ("booking_date", .date, "booking date on the statement"),
      ("value_date", .date, "value date"),
      ("amount", money, "amount received"),
      ("currency", .currency, "payment currency"),
      ("reference", .text, "structured reference (e.g. RF creditor reference)"),
      ("remittance", .text, "unstructured remittance text"),
      ("payer_name", .text, "counterparty name"),
      ("payer_account", .text, "counterparty IBAN or account number"),
    ],
    // The records of approval rules (grammar.md §11), filled by the engine.
    .plan: [
      ("name", .text, "the plan's name as declared"),
      ("label", .text, "the plan's label (its name when it has none)"),
      ("payment_terms", .text, "the plan's standard terms, as an invoice prints them (\"net 30\")"),
    ],
    .writeOff: [
      ("id", .text, "write-off id"),
      ("customer", .record(.customer), "the customer"),
      ("invoice", .text, "the invoice written off (its number, or key)"),
      ("date", .date, "the day the write-off is proposed"),
      ("amount", money, "the amount written off"),
      ("currency", .currency, "its currency"),
      ("reason", .text, "why, as proposed"),
    ],
    .creditNote: [
      ("id", .text, "credit note id"),
      ("customer", .record(.customer), "the customer"),
      ("invoice", .text, "the invoice credited (its number, or key)"),
      ("date", .date, "the credit note's date"),
      ("amount", money, "the amount credited, tax included"),
      ("currency", .currency, "its currency"),
      ("reason", .text, "why, as proposed"),
    ],
    .paymentPlan: [
      ("id", .text, "payment plan id"),
      ("customer", .record(.customer), "the customer"),
      ("amount", money, "the amount the plan spreads"),
      ("currency", .currency, "its currency"),
      ("installments", .number, "the number of installments"),
      ("start_date", .date, "first installment's due date"),
      ("end_date", .date, "last installment's due date"),
    ],
  ]

  /// The invoice and customer fields only approval rules read (the engine fills them for the item to approve).
  public static let approvalOnly: [RecordKind: Set<String>] = [
    .customer: ["first_invoice"],
    .invoice: ["subtotal", "tax", "total", "discount", "discount_percent", "payment_terms", "payment_days", "kind", "line_count"],
  ]
}
