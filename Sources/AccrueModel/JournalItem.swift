import AccrueCore

/// One item recorded in the journal: what `accrue apply` produced, one case per kind, each with the facts later
/// runs read back (so nothing is produced twice, and the cash it applied counts as paid).
public enum JournalItem: Sendable, Hashable {
  case invoice(IssuedInvoice)
  case reminder(SentReminder)
  case cashApplication(PostedPayment)
  /// A returned payment linked to its original (a cash item: the journal file calls it `match` too).
  case paymentReturn(PaymentReturn)
  /// A processor's payout reconciled to its bank credit (a cash item keyed by the credit: it is never applied to
  /// invoices, its charges are).
  case payout(RecordedPayout)

  /// The kinds, as the journal file names them.
  public enum Kind: String, Sendable { case invoice, reminder, match }

  public var kind: Kind {
    switch self {
    case .invoice: .invoice
    case .reminder: .reminder
    case .cashApplication, .paymentReturn, .payout: .match
    }
  }

  /// The produced item's stable key: an invoice's key, a reminder's key, `payment:ID`.
  public var key: String {
    switch self {
    case .invoice(let i): i.key
    case .reminder(let r): r.key
    case .cashApplication(let p): p.key
    case .paymentReturn(let r): r.key
    case .payout(let p): p.key
    }
  }

  /// The run's as-of date (invoices), the reminder's date, the payment's booking date.
  public var date: CivilDate {
    switch self {
    case .invoice(let i): i.date
    case .reminder(let r): r.date
    case .cashApplication(let p): p.date
    case .paymentReturn(let r): r.date
    case .payout(let p): p.date
    }
  }

  /// The customer's id (empty for a payment whose payer was not found).
  public var customer: String {
    switch self {
    case .invoice(let i): i.customer
    case .reminder(let r): r.customer
    case .cashApplication(let p): p.customer
    case .paymentReturn(let r): r.customer
    case .payout: ""
    }
  }
}

/// An invoice `apply` issued: billing never issues its key again.
public struct IssuedInvoice: Sendable, Hashable {
  public var key: String
  /// The run's as-of date.
  public var date: CivilDate
  public var customer: String

  public init(key: String, date: CivilDate, customer: String) {
    self.key = key
    self.date = date
    self.customer = customer
  }
}

/// A reminder sent: by `apply` (the journal) or by another system (reminders.csv). Dunning never sends its key
/// again, continues its cadence from its step, and counts its date for the minimum gap.
public struct SentReminder: Sendable, Hashable {
  public var key: String
  public var date: CivilDate
  public var customer: String
  /// The cadence and step it sent, by name.
  public var cadence: String
  public var step: String
  /// The invoices it covered (ids).
  public var invoices: [String]
  /// Whether it sent the customer a message (only those count for the minimum gap; a task alone does not).
  public var contacted: Bool

  public init(
    key: String, date: CivilDate, customer: String, cadence: String, step: String, invoices: [String] = [], contacted: Bool = true
  ) {
    self.key = key
    self.date = date
    self.customer = customer
    self.cadence = cadence
    self.step = step
    self.invoices = invoices
    self.contacted = contacted
  }
}

/// A payment `apply` applied: its status, the rule that decided, and what it settled on each invoice. Later runs
/// count a posted payment's settlements as paid until the invoices file shows them.
public struct PostedPayment: Sendable, Hashable {
  /// `payment:ID`.
  public var key: String
  /// The booking date.
  public var date: CivilDate
  /// The payer found (customer id), empty when none was.
  public var customer: String
  /// The match rule that decided (empty when none did).
  public var rule: String
  /// Nil for a status this version does not know (a journal written by a later one): such a payment settles nothing.
  public var status: CashStatus?
  public var settlements: [Settlement]
  /// The payment's amount and currency (nil in a journal file written before the ledger).
  public var amount: Money?
  /// What it left on the customer's account, wrote off as an overpayment, and left unapplied.
  public var credit: Fixed = .zero
  public var overpaymentWrittenOff: Fixed = .zero
  public var unapplied: Fixed = .zero
  /// How the bank identified the payment (nil: none given, or a ledger written before schema version 2): a
  /// return that arrives later is linked to it by these even when its statement is no longer in the data folder.
  public var trace: PaymentTrace?
  /// What it refunded to the payer (a person's decision: `accrue resolve --refund`).
  public var refunded: Fixed = .zero
  /// Why it waits for a person (schema version 6; empty for an applied payment): the exceptions queue, the reason
  /// in words, and the invoices proposed (a held payment's candidates; a suggestion's are its settlements).
  public var queue = ""
  public var reason = ""
  public var candidates: [String] = []
  /// While it waits for review, its invoices are not dunned (schema version 13): a suggestion's settlements, a held
  /// payment's candidates (a short payment, a currency mismatch), not the closest invoices listed for a payment no
  /// rule matched. False for a payment recorded before, and for every other.
  public var holdsDunning = false
  /// The posting of the same payment this one replaces (a person's decision: a resolution, a reversal), whose
  /// settlements no longer count and whose credit and unapplied rest are gone: its key (`payment:ID`, or
  /// `payment:ID@N` for an earlier revision). Nil for the payment's first posting.
  public var supersedes: String?

  /// One invoice's share: what the payment settled on it (applied, written off, discount taken) and the invoice's
  /// amount paid before it, written with `places` decimals.
  public struct Settlement: Sendable, Hashable {
    public var invoice: String
    public var settled: Fixed
    public var paidBefore: Fixed
    public var places: Int
    /// The parts of `settled` that are not the payment's money: a short payment's remainder written off, an
    /// early-payment discount taken (zero in a journal file written before the ledger, which kept only the sum).
    public var writtenOff: Fixed = .zero
    public var discount: Fixed = .zero

    /// The payment's money applied: settled less written off and discount.
    public var applied: Fixed { settled.subtracting(writtenOff)?.subtracting(discount) ?? settled }

    public init(invoice: String, settled: Fixed, paidBefore: Fixed, places: Int) {
      self.invoice = invoice
      self.settled = settled
      self.paidBefore = paidBefore
      self.places = places
    }

    /// What the invoice's amount paid reaches once this payment counts: paid before + settled.
    public var paidAfter: Fixed { paidBefore.adding(settled) ?? paidBefore }
  }

  public init(key: String, date: CivilDate, customer: String, rule: String, status: CashStatus?, settlements: [Settlement]) {
    self.key = key
    self.date = date
    self.customer = customer
    self.rule = rule
    self.status = status
    self.settlements = settlements
  }
}

extension PostedPayment {
  /// Whether it paid invoices, left credit on account or wrote an overpayment off (not only recorded as
  /// unapplied, held for review or suggested).
  public var settledSomething: Bool {
    status?.postsAllocations == true && (!settlements.isEmpty || credit > .zero || overpaymentWrittenOff > .zero)
  }
}

/// A committed run: its number, as-of date, output folder name and items.
public struct JournalRun: Sendable {
  public var number: Int
  public var asOf: CivilDate
  public var folder: String
  public var items: [JournalItem]
  /// The person's decision this run records (`accrue resolve`, ...); nil for a run of `apply`.
  public var decision: Decision?
  /// A dispute, promise or payment plan the decision records (`accrue dispute`, `promise`, `payment-plan`).
  public var hold: CollectionHold?
  /// The credit notes the run issued: a decision's (`accrue credit-note`), or an apply's for cancellations.
  public var creditNotes: [CreditNote] = []
  /// The credit note a decision issued (`accrue credit-note`).
  public var creditNote: CreditNote? { creditNotes.count == 1 ? creditNotes[0] : nil }
  /// When it was recorded (UTC, ISO 8601; empty when not known): an audit fact no computation reads.
  public var recordedAt = ""
  /// The approval requests this run recorded (documents it held for approval).
  public var approvalRequests: [ApprovalRequest] = []
  /// What its decision did to an approval request (an approval or a rejection), if it is one.
  public var approvalAct: ApprovalAct?
  /// The journal entries it posted to the general ledger (schema version 11), in its order.
  public var journalEntries: [JournalEntry] = []

  public init(number: Int, asOf: CivilDate, folder: String, items: [JournalItem], decision: Decision? = nil) {
    self.number = number
    self.asOf = asOf
    self.folder = folder
    self.items = items
    self.decision = decision
  }
}

/// What `accrue apply` recorded, as runs read it back: the ledger's history (`STATE/ledger.sqlite`), or the
/// journal file of a state folder written before the ledger (`STATE/journal.log`, migrated by the next apply).
///
/// The journal file: each line is `CRC32 PAYLOAD`, the CRC (8 hex digits) over the payload's bytes. A run appends its item lines
/// and then one commit line naming the run and its item count, in a single write followed by fsync. When
/// read, only runs whose commit line is present, intact and counts exactly the items before it are taken;
/// anything after the last good commit (a torn write from a crash) is ignored, and cut off by the next
/// append. So a run is recorded whole or not at all.
public struct Journal: Sendable {
  public static let fileName = "journal.log"
  public var runs: [JournalRun] = []
  /// Bytes of the file up to the end of the last good commit.
  public var validLength: Int = 0
  /// Bytes after it that were ignored (a run cut short by a crash).
  public var ignoredBytes: Int = 0

  /// Invoices and debit notes `apply` issued (the ledger's receivables), in the order they were recorded.
  public var receivables: [LedgerInvoice] = []
  /// Fees collections charged, billed or waiting to be billed.
  public var fees: [LedgerFee] = []
  /// The last number given in each numbering sequence, by sequence (`Numbering.scope`).
  public var sequences: [String: Int] = [:]
  /// The file it was read from (the ledger, or a journal file), for messages.
  public var source = ""

  /// An empty journal.
  public init() {}

  /// Every item of every committed run.
  public var items: [JournalItem] { runs.flatMap(\.items) }

  /// Reminders as history for collections (run by run: no flat copy of every item is made).
  public var sentReminders: [SentReminder] {
    var out: [SentReminder] = []
    for run in runs { for case .reminder(let r) in run.items { out.append(r) } }
    return out
  }

  /// Payments applied, in journal order.
  public var postedPayments: [PostedPayment] {
    var out: [PostedPayment] = []
    for run in runs { for case .cashApplication(let p) in run.items { out.append(p) } }
    return out
  }

  /// Returns linked to their original, in journal order.
  public var paymentReturns: [PaymentReturn] {
    var out: [PaymentReturn] = []
    for run in runs { for case .paymentReturn(let r) in run.items { out.append(r) } }
    return out
  }

  /// The keys of the payments whose application a return reversed (in runs dated on or before `asOf`; nil: all).
  public func reversedPayments(asOf: CivilDate? = nil) -> Set<String> {
    var out = Set<String>()
    for run in runs where asOf.map({ run.asOf <= $0 }) ?? true {
      for case .paymentReturn(let r) in run.items where r.reversed { out.insert(r.original) }
    }
    return out
  }

  /// The cash events in run order, as `Dataset.recordJournal` and aging replay them (`cashOrder`).
  public var cashEvents: [JournalItem] { runs.flatMap(cashOrder) }

  /// The first run recorded by an Accrue that undoes a run's returns before matching its payments (ledger schema
  /// version 3 on): its runs, and every later one, are replayed returns first; a run before it was matched with the
  /// returned payments still counted as paid (its payments' `paid_before` include them), so it is replayed with
  /// its returns after its payments, as it was computed.
  public var returnsFirstFrom = 1

  /// A run's cash events in the order it computed them: its returns (which it undid before matching), then its
  /// payments applied and its payouts, in the run's order (returns last for a run before `returnsFirstFrom`).
  public func cashOrder(_ run: JournalRun) -> [JournalItem] {
    var returns: [JournalItem] = []
    var rest: [JournalItem] = []
    for i in run.items {
      switch i {
      case .paymentReturn: returns.append(i)
      case .cashApplication, .payout: rest.append(i)
      default: break
      }
    }
    return run.number >= returnsFirstFrom ? returns + rest : rest + returns
  }

  /// Keys of invoices produced.
  public var invoiceKeys: Set<String> {
    var out = Set<String>()
    for run in runs { for case .invoice(let i) in run.items { out.insert(i.key) } }
    return out
  }

  /// The 1-based line of the first whole line that does not read (nil: none; an unfinished last line is a run
  /// cut short by a crash, not damage).
  public var damagedLine: Int?
}

/// What identifies a payment at its bank, kept with it in the ledger to link a later return to it.
public struct PaymentTrace: Sendable, Hashable {
  public var endToEndID: String
  public var mandateID: String
  public var bankReference: String
  public var payerAccount: String

  public init(endToEndID: String, mandateID: String, bankReference: String, payerAccount: String) {
    self.endToEndID = endToEndID
    self.mandateID = mandateID
    self.bankReference = bankReference
    self.payerAccount = payerAccount
  }

  /// The trace of a statement entry; nil when it has none of the four.
  public init?(_ t: BankTransaction) {
    guard !(t.endToEndID.isEmpty && t.mandateID.isEmpty && t.bankReference.isEmpty && t.counterpartyAccount.isEmpty) else { return nil }
    self.init(endToEndID: t.endToEndID, mandateID: t.mandateID, bankReference: t.bankReference, payerAccount: t.counterpartyAccount)
  }
}

/// A processor's payout `apply` reconciled to one bank credit: an event of its own (keyed by the payout, which is
/// recorded once), so later runs neither apply the credit to invoices nor reconcile the payout again. The credit
/// may be new to the ledger, or one an earlier run left unapplied (settling nothing): it is the processor's money
/// from then on, no longer cash waiting to be applied.
public struct RecordedPayout: Sendable, Hashable {
  /// The item's key: `payout:stripe:po_...` (a ledger of schema version 2 keyed it by its credit, `payment:ID`).
  public var key: String
  /// `payout:stripe:po_...`.
  public var payout: String
  /// `payment:ID` of the bank credit.
  public var credit: String
  public var processor: String
  /// The credit's booking date.
  public var date: CivilDate
  /// The payout's net (= the credit), charges, refunds and fees, in its currency.
  public var net: Money
  public var charges: Fixed
  public var refunds: Fixed
  public var fees: Fixed
  /// Where the credit came from (file:line).
  public var source: String

  public init(
    key: String, payout: String, credit: String, processor: String, date: CivilDate, net: Money, charges: Fixed, refunds: Fixed, fees: Fixed,
    source: String
  ) {
    self.key = key
    self.payout = payout
    self.credit = credit
    self.processor = processor
    self.date = date
    self.net = net
    self.charges = charges
    self.refunds = refunds
    self.fees = fees
    self.source = source
  }

  /// The record of a payout reconciled to its credit; nil when it is not reconciled.
  public init?(_ p: PayoutReconciliation) {
    guard p.status == .reconciled, let c = p.credit else { return nil }
    self.init(
      key: p.key, payout: p.key, credit: "payment:" + c.paymentID, processor: p.processor, date: c.bookingDate,
      net: Money(amount: p.net, currency: p.currency), charges: p.charges, refunds: p.refunds, fees: p.fees, source: c.source)
  }
}

extension Journal {
  /// The payouts the ledger records as reconciled, in run order.
  public var recordedPayouts: [RecordedPayout] {
    var out: [RecordedPayout] = []
    for run in runs { for case .payout(let p) in run.items { out.append(p) } }
    return out
  }
}
