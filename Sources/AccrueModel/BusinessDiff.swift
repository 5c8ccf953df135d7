import AccrueCore

/// The business impact of a rule change: what two rule versions produce from the same data, compared by key.
public struct BusinessDiff: Sendable {
  public enum Change: String, Sendable { case added = "+", removed = "-", changed = "~" }

  /// One invoice or reminder that differs.
  public struct Entry: Sendable {
    public var change: Change
    /// `invoice`, `reminder` or `match`.
    public var kind: String
    public var key: String
    public var customer: String
    public var currency: Currency
    /// The amount before and after (invoice total; a reminder's fees and interest; a match's amount applied to invoices).
    public var before: Fixed?
    public var after: Fixed?
    /// What differs, line by line ("line 'Seats': 180.00 -> 200.00", "step first_reminder -> second_reminder").
    public var details: [String]

    /// after - before (a removed item counts negative, an added one positive); nil when it cannot be represented.
    public var delta: Fixed? { (after ?? .zero).subtracting(before ?? .zero) }

    public init(
      change: Change,
      kind: String,
      key: String,
      customer: String,
      currency: Currency,
      before: Fixed?,
      after: Fixed?,
      details: [String]
    ) {
      self.change = change
      self.kind = kind
      self.key = key
      self.customer = customer
      self.currency = currency
      self.before = before
      self.after = after
      self.details = details
    }
  }

  public var entries: [Entry]

  public var isEmpty: Bool { entries.isEmpty }

  /// Net change per currency of invoice totals.
  /// (nil: too large to represent).
  public var invoiceDelta: [(Currency, Fixed?)] {
    var sums = CurrencyTotals()
    for e in entries where e.kind == "invoice" {
      // A delta too large to represent makes its currency's sum too large.
      if let d = e.delta { sums.add(d, e.currency) } else { sums.markTooLarge(e.currency) }
    }
    return sums.inOrder.map { ($0.currency, $0.sum) }
  }

  public init(entries: [Entry]) { self.entries = entries }
}
