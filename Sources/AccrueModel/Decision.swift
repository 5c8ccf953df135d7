import AccrueCore

/// A person's decision the ledger records as a run of its own (table `decisions`): who decided, what, about
/// which item, why, and the rule or queue that asked for it. Its effects are the run's items (a payment's new
/// posting that supersedes the one before, say): nothing is edited in place, a correction is a later decision.
/// The wall-clock time it was recorded is the run's `recorded_at`, an audit fact no computation reads.
public struct Decision: Sendable, Hashable {
  public enum Kind: String, Sendable, CaseIterable {
    /// A suggested match confirmed as it was suggested.
    case confirm
    /// A payment applied to named invoices (with amounts), its rest on account, unapplied, written off or refunded.
    case resolve
    /// A payment marked as not a customer's.
    case notOurs = "not-ours"
    /// An application made in error reversed: the payment is unapplied again.
    case reverse
    /// A payment (or its rest) refunded to the payer.
    case refund
    /// A step (or steps) of the approval chains of a document held for approval, approved (`accrue approve`).
    case approve
    /// A document held for approval, rejected: never issued with that content (`accrue reject`).
    case reject
    /// An invoice disputed (or its disputed amount changed): that amount is left out of dunning.
    case dispute
    /// A dispute closed: the whole invoice is dunned again.
    case disputeClosed = "dispute-closed"
    /// A promise to pay by a date: dunning waits for it; broken when the date passes unpaid.
    case promise
    /// A payment plan agreed: dunning pauses while it is active.
    case paymentPlan = "payment-plan"
    /// A payment plan ended: completed or broken.
    case paymentPlanEnded = "payment-plan-ended"
    /// A credit note issued against an invoice: it settles what the invoice has open, the rest goes on account.
    case creditNote = "credit-note"
    /// Credit on a customer's account refunded (money paid back).
    case creditRefund = "credit-refund"
    /// A credit note, a write-off or a payment plan that approval rules route, put up for approval by the person who
    /// asked for it (nothing done yet: the same request made again once approved does it).
    case approvalRequest = "approval-request"
  }

  public var kind: Kind
  /// The item decided on (`payment:ID`, or the key of a document held for approval).
  public var subject: String
  /// Who decided (as given: a name or an e-mail address).
  public var by: String
  /// Why, in the person's words (may be empty).
  public var note: String
  /// What it did, in words ("applied 80.00 EUR to INV-1 and 20.00 EUR to INV-2; 5.00 EUR written off on INV-2").
  public var summary: String
  /// The customer it concerns (empty when none).
  public var customer: String
  /// What asked for it: the queue or rule that held the item ("queue cash-apps", "rules.accrue:12"), empty when
  /// nothing did.
  public var askedBy: String
  /// The approval request (`approval:...`) this decision carries out, once approved (nil: none asked).
  public var request: String?

  public init(kind: Kind, subject: String, by: String, note: String, summary: String, customer: String, askedBy: String, request: String? = nil) {
    self.request = request
    self.kind = kind
    self.subject = subject
    self.by = by
    self.note = note
    self.summary = summary
    self.customer = customer
    self.askedBy = askedBy
  }
}

extension Decision {
  /// Makes this decision the one that carries out the approved request `key` (nil: none), and says so in its summary.
  public mutating func carryOut(_ key: String?) {
    guard let key else { return }
    request = key
    summary += (summary.isEmpty ? "" : "; ") + "as approved (\(key))"
  }
}

extension Journal {
  /// The keys of the postings a later posting superseded (a person's resolution or reversal).
  public var supersededPostings: Set<String> {
    var out = Set<String>()
    for run in runs { for case .cashApplication(let p) in run.items { if let s = p.supersedes { out.insert(s) } } }
    return out
  }

  /// Each payment's posting in force: the last of its revisions (by the payment's first key, `payment:ID`).
  public var currentPostings: [String: PostedPayment] {
    var out: [String: PostedPayment] = [:]
    for run in runs { for case .cashApplication(let p) in run.items { out[PostedPayment.baseKey(p.key)] = p } }
    return out
  }

  /// The decisions recorded, in order, with their run.
  public var decisions: [(run: JournalRun, decision: Decision)] {
    runs.compactMap { r in r.decision.map { (r, $0) } }
  }
}

extension PostedPayment {
  /// `payment:ID` of a posting's key (`payment:ID@N` is revision N of the payment's posting).
  public static func baseKey(_ key: String) -> String {
    guard let at = key.lastIndex(of: "@"), key[key.index(after: at)...].allSatisfy(\.isNumber), key.index(after: at) < key.endIndex else { return key }
    return String(key[..<at])
  }

  /// The key of the revision after `key`: `payment:ID@2` after `payment:ID`, `@3` after `@2`.
  public static func nextRevision(of key: String) -> String {
    let base = baseKey(key)
    let n = base == key ? 1 : Int(key[key.index(after: key.lastIndex(of: "@")!)...]) ?? 1
    return base + "@" + String(n + 1)
  }
}
