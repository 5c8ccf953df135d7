
/// What one run produced as of a date: invoices, cash applications and reminders, with the data issues met.
public struct RunOutput: Sendable {
  /// A part of a run (`--only`).
  public enum Part: String, Sendable { case invoices, reminders, matches }

  public var billing: BillingResult
  public var collections: CollectionsResult?
  public var cash: CashResult?
  public var issues: [DataIssue]
  /// The part of the run asked for (`--only`), nil for all of it.
  public var only: Part? = nil
  /// Fees this run's reminders charged (late fees, interest), for the ledger.
  public var fees: [LedgerFee] = []
  /// Fees billed by this run's documents (debit notes, or lines on invoices): fee key, document key.
  public var feeBillings: [(fee: String, document: String)] = []
  /// Numbers given to this run's documents: sequence, number in it, document key (provisional in a dry run).
  public var numbers: [(scope: String, sequence: Int, document: String)] = []
  /// Processors' payouts tied out to the bank (when the data folder has `processors/` and matches are shown).
  public var payouts: PayoutResult? = nil
  /// Documents computed and not issued: waiting for approval (grammar.md §11), or rejected.
  public var held: [HeldDocument] = []
  /// Cancellations' credit notes held for approval (not issued: nothing settled, nothing on account).
  public var heldRequests: [HeldForApproval] = []
  /// Documents issued by this run that people approved (their request's key, by document key).
  public var approvedIssued: [String: String] = [:]
  /// Next steps and escalations of waiting approval requests that fell due since the last apply (its outbox).
  public var approvalNotices: [ApprovalNotice] = []
  /// Credit notes, write-offs and payment plans people asked for since the last apply that wait for approval: the
  /// outbox asks the first role of each chain (once: by the first apply after the request).
  public var askedByDecisions: [ApprovalRequest] = []

  /// The approval requests this run asks for (recorded by `apply`, once).
  public var newApprovalRequests: [ApprovalRequest] {
    held.filter { $0.status == .asked || $0.status == .askedAgain }.map(\.request)
      + heldRequests.filter { $0.status == .asked || $0.status == .askedAgain }.map(\.request)
  }

  public init(billing: BillingResult, collections: CollectionsResult?, cash: CashResult?, issues: [DataIssue], only: Part? = nil) {
    self.billing = billing
    self.collections = collections
    self.cash = cash
    self.issues = issues
    self.only = only
  }

  /// Rules that could not be evaluated on the data, in billing, cash application and collections (any one
  /// stops the run: nothing is shown or written).
  public var failures: [RunFailure] { billing.failures + (cash?.failures ?? []) + (collections?.failures ?? []) }
}
