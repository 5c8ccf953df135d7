import AccrueCore

/// One approval rule's chain as a request recorded it (grammar.md §11): the rule, where it is written, its roles
/// in order, whom a step escalates to, and when the first step escalates.
public struct ApprovalRoute: Sendable, Hashable {
  public var rule: String
  public var label: String
  /// Where the rule is written, `file:line`.
  public var source: String
  /// The roles that approve, in order.
  public var chain: [String]
  /// The role a step is also put to once it escalates (nil: the rule does not escalate).
  public var escalatesTo: String?
  /// The day the first step escalates (nil: never).
  public var escalatesOn: CivilDate?

  public init(rule: String, label: String, source: String, chain: [String], escalatesTo: String?, escalatesOn: CivilDate?) {
    self.rule = rule
    self.label = label
    self.source = source
    self.chain = chain
    self.escalatesTo = escalatesTo
    self.escalatesOn = escalatesOn
  }
}

/// A document held for approval, as the ledger records it (table `approval_requests`): asked once, by the run that
/// first computed the document with this content. `fingerprint` covers the document's content (lines, amounts,
/// dates, terms): an approval applies to exactly that content, and a document computed with another content is a
/// new request.
public struct ApprovalRequest: Sendable, Hashable {
  /// What is held: a document a run computed (an invoice, a debit note, a cancellation's credit note) or what a
  /// person asked for (a credit note, a write-off, a payment plan).
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    case invoice
    case debitNote = "debit_note"
    case creditNote = "credit_note"
    case writeOff = "write_off"
    case paymentPlan = "payment_plan"

    public init(_ k: LedgerInvoice.Kind) { self = k == .debitNote ? .debitNote : .invoice }

    /// The words for it in messages: "invoice", "debit note", "credit note", "write-off", "payment plan".
    public var words: String {
      switch self {
      case .invoice: "invoice"
      case .debitNote: "debit note"
      case .creditNote: "credit note"
      case .writeOff: "write-off"
      case .paymentPlan: "payment plan"
      }
    }
  }

  /// `approval:DOCUMENT`, then `approval:DOCUMENT@2`, ... for the requests of a document whose content changed.
  public var key: String
  /// The document's key (`ctr-001/2026-11-01`, a debit note's key).
  public var document: String
  public var kind: Kind
  /// The run that asked (0 until recorded) and the day it asked.
  public var run: Int
  public var asOf: CivilDate
  public var customer: String
  public var currency: Currency
  public var total: Fixed
  /// The document's issue date as computed (it is issued with it once approved).
  public var issueDate: CivilDate
  public var fingerprint: String
  public var routes: [ApprovalRoute]
  /// The request of the same document this one replaces (its content changed), if any.
  public var supersedes: String?

  public init(
    key: String, document: String, kind: Kind, run: Int, asOf: CivilDate, customer: String, currency: Currency, total: Fixed,
    issueDate: CivilDate, fingerprint: String, routes: [ApprovalRoute], supersedes: String? = nil
  ) {
    self.key = key
    self.document = document
    self.kind = kind
    self.run = run
    self.asOf = asOf
    self.customer = customer
    self.currency = currency
    self.total = total
    self.issueDate = issueDate
    self.fingerprint = fingerprint
    self.routes = routes
    self.supersedes = supersedes
  }

  /// The request key of a document's first request.
  public static func key(of document: String) -> String { "approval:" + document }
}

/// What an approval or a rejection did to a request (table `approval_decisions`, with the `decisions` row of its
/// run): the role the person decided as, and for an approval each chain it moved on, with the day the chain's next
/// step escalates (computed on the rule's calendar when the step is requested, that is when this one is approved).
public struct ApprovalAct: Sendable, Hashable {
  public struct Step: Sendable, Hashable {
    public var rule: String
    /// The step approved (0 for the first).
    public var step: Int
    /// When the next step escalates (nil: no next step, or the rule does not escalate).
    public var nextEscalatesOn: CivilDate?

    public init(rule: String, step: Int, nextEscalatesOn: CivilDate?) {
      self.rule = rule
      self.step = step
      self.nextEscalatesOn = nextEscalatesOn
    }
  }

  public var request: String
  public var role: String
  /// Empty for a rejection.
  public var steps: [Step]

  public init(request: String, role: String, steps: [Step]) {
    self.request = request
    self.role = role
    self.steps = steps
  }
}

/// A document a run computed and did not issue because it waits for approval (or was rejected).
public struct HeldDocument: Sendable {
  public enum Status: String, Sendable {
    /// Put up for approval by this run (a new request).
    case asked
    /// Put up for approval again: its content changed since the request before, whose approval lapsed.
    case askedAgain = "asked again"
    /// Its request waits for people's decisions.
    case waiting
    /// Its request was rejected: not issued with this content.
    case rejected
  }

  public var document: PlannedInvoice
  public var request: ApprovalRequest
  public var status: Status
  /// The steps each chain stands at (as the ledger records them).
  public var progress: ApprovalProgress?

  public init(document: PlannedInvoice, request: ApprovalRequest, status: Status, progress: ApprovalProgress? = nil) {
    self.document = document
    self.request = request
    self.status = status
    self.progress = progress
  }
}
