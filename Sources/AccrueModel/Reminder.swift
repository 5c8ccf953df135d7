import AccrueCore

/// A message a reminder sends.
public struct ReminderMessage: Sendable, Hashable {
  /// How it goes out: e-mail, letter or text message.
  public var channel: Channel
  /// The template the step names (`send email "overdue-1"`).
  public var template: String
  /// Its recipients: those the step names, else the customer's own address (none: a letter goes by post).
  public var to: [String]
  /// Copies to (the step's `cc`).
  public var cc: [String]

  public init(channel: Channel, template: String, to: [String], cc: [String]) {
    self.channel = channel
    self.template = template
    self.to = to
    self.cc = cc
  }
}

/// An action a step takes besides messages: a task, an escalation, a fee, a proposal...
public struct CollectionAction: Sendable {
  /// What a step asks for besides messages; outputs print the raw value.
  public enum Kind: String, Sendable, Hashable, CustomStringConvertible {
    /// A task for a person (a step's `task`, or finding a recipient a message lacked).
    case task
    /// The account is escalated to someone (`escalate to`).
    case escalate
    /// The customer's service is suspended (`suspend service`).
    case suspendService = "suspend service"
    /// A late fee is charged (`late fee`).
    case lateFee = "late fee"
    /// Interest on the overdue balance is charged (`interest`).
    case interest
    /// Writing off the open balance is proposed (`propose write off`).
    case writeOffProposal = "write-off proposal"
    /// The open balance is handed over to a collection agency (`hand over to agency`).
    case agency

    public var description: String { rawValue }
  }

  /// What the action is.
  public var kind: Kind
  /// What it says to do, as printed ("late fee 40.00", "escalate to finance").
  public var detail: String
  /// The amount it charges, proposes or hands over (fees, interest, write-off, agency).
  public var amount: Fixed?
  /// How the amount was computed (or why the action was made), as steps the renderers word.
  public var explanation: [CollectionsStep]
  /// A task made because a message had no recipient on file (the message was not sent).
  public var noRecipient = false
  /// Whom a task or an escalation goes to, as the rules name it: `queue collections`, `role account owner`,
  /// `escalation finance`; empty for other actions.
  public var assignedTo = ""

  public init(kind: Kind, detail: String, amount: Fixed? = nil, explanation: [CollectionsStep], noRecipient: Bool = false) {
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
  /// When it fell due, and the days since then as of the run (0: not yet overdue).
  public var dueDate: CivilDate
  public var daysOverdue: Int
  /// What is left to pay on it.
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

/// When a step falls relative to the due date: a number of days (business days when `business`) before
/// (negative) or after it. Printed "5 business days after due", "on due", "3 days before due".
public struct ReminderTiming: Sendable, Hashable {
  /// Days from the due date (negative: before).
  public var offset: Int
  /// Whether the days are business days of the cadence's calendar.
  public var business: Bool

  public init(offset: Int, business: Bool) {
    self.offset = offset
    self.business = business
  }
}

/// A reminder (one step of a cadence for one invoice, or for a customer's invoices when grouped).
public struct Reminder: Sendable {
  /// Stable key: the driving invoice, cadence and step (`INV-1/standard/first_reminder`).
  public var key: String
  /// The run's as-of date: the day the reminder goes out.
  public var date: CivilDate
  /// The customer reminded: its id and name.
  public var customerID: String
  public var customerName: String
  /// The cadence that applied: its name and label.
  public var cadence: String
  public var cadenceLabel: String
  /// The step sent: its name and label.
  public var step: String
  public var stepLabel: String
  /// When the step fell for the driving invoice (on or before `date`).
  public var stepDate: CivilDate
  /// When the step falls relative to the due date.
  public var timing: ReminderTiming
  /// The covered invoices, oldest first; the first drives the step.
  public var invoices: [CoveredInvoice]
  /// The covered invoices' currency.
  public var currency: Currency
  /// Their open balance (disputed amounts left out under `pause on dispute`).
  public var total: Fixed
  /// The messages the step sends.
  public var messages: [ReminderMessage]
  /// What else the step does: tasks, escalations, fees, proposals.
  public var actions: [CollectionAction]
  /// Steps that were due but never sent (catch-up sends only the latest).
  public var skipped: [String]
  /// The step's rule.
  public var rule: RuleRef
  /// Why it fired: cadence selection, step, and the values its conditions saw, as steps the renderers word.
  public var explanation: [CollectionsStep]
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
    timing: ReminderTiming,
    invoices: [CoveredInvoice],
    currency: Currency,
    total: Fixed,
    messages: [ReminderMessage],
    actions: [CollectionAction],
    skipped: [String],
    rule: RuleRef,
    explanation: [CollectionsStep],
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
    stepDate: CivilDate(dayNumber: 0), timing: ReminderTiming(offset: 0, business: false), invoices: [], currency: .USD, total: .zero, messages: [], actions: [], skipped: [],
    rule: RuleRef(file: "", line: 0, column: 0), explanation: [], sources: [])
}

/// The result of a collections run.
public struct CollectionsResult: Sendable {
  /// The date the run is as of.
  public var asOf: CivilDate
  /// The reminders due, customer by customer.
  public var reminders: [Reminder]
  /// Open invoices looked at.
  public var openInvoices: Int
  /// Why nothing (or what) fired for the invoice asked about with `whyNot`, one step per reason.
  public var whyNot: [CollectionsStep]?
  /// Rules that could not be evaluated on an invoice: any one stops the run.
  public var failures: [RunFailure]
  /// Invoices whose due step was held because a payment for them waits for review (a suggested match, a short
  /// payment held in a queue): their ids.
  public var waitingForReview: [String] = []

  public init(
    asOf: CivilDate,
    reminders: [Reminder],
    openInvoices: Int,
    whyNot: [CollectionsStep]? = nil,
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
