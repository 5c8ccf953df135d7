import AccrueCore

/// A message a reminder sends.
public struct ReminderMessage: Sendable, Hashable {
  public var channel: String
  public var template: String
  public var to: [String]
  public var cc: [String]

  public init(channel: String, template: String, to: [String], cc: [String]) {
    self.channel = channel
    self.template = template
    self.to = to
    self.cc = cc
  }
}

/// An action a step takes besides messages: a task, an escalation, a fee, a proposal...
public struct CollectionAction: Sendable {
  /// `task`, `escalate`, `suspend service`, `late fee`, `interest`, `write-off proposal`, `agency`.
  public var kind: String
  public var detail: String
  public var amount: Fixed?
  /// How the amount was computed.
  public var explanation: [String]
  /// A task made because a message had no recipient on file (the message was not sent).
  public var noRecipient = false

  public init(kind: String, detail: String, amount: Fixed? = nil, explanation: [String], noRecipient: Bool = false) {
    self.kind = kind
    self.detail = detail
    self.amount = amount
    self.explanation = explanation
    self.noRecipient = noRecipient
  }
}

/// An invoice a reminder covers.
public struct CoveredInvoice: Sendable, Hashable, InvoiceReferring {
  /// The invoice's id and number (held inline when short).
  public var ref: InvoiceRef
  public var dueDate: CivilDate
  public var daysOverdue: Int
  public var balance: Fixed
  /// Disputed amount left out of `balance` (only under `pause on dispute`).
  public var disputed: Fixed

  public var id: String {
    get { ref.id }
    set { ref.id = newValue }
  }

  public init(ref: InvoiceRef, dueDate: CivilDate, daysOverdue: Int, balance: Fixed, disputed: Fixed) {
    self.ref = ref
    self.dueDate = dueDate
    self.daysOverdue = daysOverdue
    self.balance = balance
    self.disputed = disputed
  }
}

/// A reminder (one step of a cadence for one invoice, or for a customer's invoices when grouped).
public struct Reminder: Sendable {
  /// Stable key: the driving invoice, cadence and step (`INV-1/standard/first_reminder`).
  public var key: String
  public var date: CivilDate
  public var customerID: String
  public var customerName: String
  public var cadence: String
  public var cadenceLabel: String
  public var step: String
  public var stepLabel: String
  /// When the step fell for the driving invoice (on or before `date`).
  public var stepDate: CivilDate
  public var timing: String
  /// The covered invoices, oldest first; the first drives the step.
  public var invoices: [CoveredInvoice]
  public var currency: Currency
  public var total: Fixed
  public var messages: [ReminderMessage]
  public var actions: [CollectionAction]
  /// Steps that were due but never sent (catch-up sends only the latest).
  public var skipped: [String]
  /// The step's rule.
  public var rule: RuleRef
  /// Why it fired: cadence selection, step, and the values its conditions saw.
  public var explanation: [String]
  /// Rows it came from (invoices, customer, promises...).
  public var sources: [RowRef]
  /// The reminder as a journal item.
  public var produced: JournalItem { .reminder(sent) }

  /// The reminder as sent, as dunning reads it back.
  public var sent: SentReminder {
    SentReminder(
      key: key, date: date, customer: customerID, cadence: cadence, step: step, invoices: invoices.map(\.id), contacted: contactsCustomer)
  }

  /// Whether a message goes to the customer (the minimum gap counts only these).
  public var contactsCustomer: Bool { !messages.isEmpty }

  public init(
    key: String,
    date: CivilDate,
    customerID: String,
    customerName: String,
    cadence: String,
    cadenceLabel: String,
    step: String,
    stepLabel: String,
    stepDate: CivilDate,
    timing: String,
    invoices: [CoveredInvoice],
    currency: Currency,
    total: Fixed,
    messages: [ReminderMessage],
    actions: [CollectionAction],
    skipped: [String],
    rule: RuleRef,
    explanation: [String],
    sources: [RowRef]
  ) {
    self.key = key
    self.date = date
    self.customerID = customerID
    self.customerName = customerName
    self.cadence = cadence
    self.cadenceLabel = cadenceLabel
    self.step = step
    self.stepLabel = stepLabel
    self.stepDate = stepDate
    self.timing = timing
    self.invoices = invoices
    self.currency = currency
    self.total = total
    self.messages = messages
    self.actions = actions
    self.skipped = skipped
    self.rule = rule
    self.explanation = explanation
    self.sources = sources
  }
}

extension Reminder {
  /// Holds no strings or arrays of its own: stands in for a reminder moved elsewhere.
  public static let placeholder = Reminder(
    key: "", date: CivilDate(dayNumber: 0), customerID: "", customerName: "", cadence: "", cadenceLabel: "", step: "", stepLabel: "",
    stepDate: CivilDate(dayNumber: 0), timing: "", invoices: [], currency: .USD, total: .zero, messages: [], actions: [], skipped: [],
    rule: RuleRef(file: "", line: 0, column: 0), explanation: [], sources: [])
}

/// The result of a collections run.
public struct CollectionsResult: Sendable {
  public var asOf: CivilDate
  public var reminders: [Reminder]
  /// Open invoices looked at.
  public var openInvoices: Int
  /// Why nothing (or what) fired for the invoice asked about with `whyNot`, one line per reason.
  public var whyNot: [String]?
  /// Rules that could not be evaluated on an invoice: any one stops the run.
  public var failures: [RunFailure]
  /// Invoices whose due step was held because a payment for them waits for review (a suggested match, a short
  /// payment held in a queue): their ids.
  public var waitingForReview: [String] = []

  public init(
    asOf: CivilDate,
    reminders: [Reminder],
    openInvoices: Int,
    whyNot: [String]? = nil,
    failures: [RunFailure],
    waitingForReview: [String] = []
  ) {
    self.asOf = asOf
    self.reminders = reminders
    self.openInvoices = openInvoices
    self.whyNot = whyNot
    self.failures = failures
    self.waitingForReview = waitingForReview
  }
}
