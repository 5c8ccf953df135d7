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

    /// after - before (a removed item counts negative, an added one positive).
    public var delta: Fixed { (after ?? .zero).subtracting(before ?? .zero) ?? .zero }

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
  public var invoiceDelta: [(Currency, Fixed)] {
    var sums: [Currency: Fixed] = [:]
    for e in entries where e.kind == "invoice" { sums[e.currency] = (sums[e.currency] ?? .zero).adding(e.delta) ?? .zero }
    return sums.keys.sorted().map { ($0, sums[$0] ?? .zero) }
  }

  public init(entries: [Entry]) { self.entries = entries }
}
