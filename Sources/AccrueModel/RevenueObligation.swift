import AccrueCore

/// An invoice line's revenue as a performance obligation (grammar.md §13): what recognition needs to know of it.
/// Its id is the line's place on its document, `DOCUMENT-KEY#LINE` (the `obligation` of its journal lines).
public struct RevenueObligation: Sendable, Hashable {
  public var id: String
  /// The document's number (its key when unnumbered), for memos.
  public var document: String
  public var plan: String
  public var charge: String
  public var contract: String
  public var customer: String
  public var currency: Currency
  /// The service period the line bills: first day, and the day after the last (exclusive).
  public var periodStart: CivilDate
  public var periodEnd: CivilDate
  /// The line's description.
  public var description: String

  public init(
    id: String, document: String, plan: String, charge: String, contract: String, customer: String, currency: Currency, periodStart: CivilDate,
    periodEnd: CivilDate, description: String
  ) {
    self.id = id
    self.document = document
    self.plan = plan
    self.charge = charge
    self.contract = contract
    self.customer = customer
    self.currency = currency
    self.periodStart = periodStart
    self.periodEnd = periodEnd
    self.description = description
  }

  /// The obligations of a document's lines that bill a charge.
  public static func of(_ inv: PlannedInvoice) -> [RevenueObligation] {
    inv.lines.enumerated().compactMap { k, l in
      guard let charge = l.charge, l.kind != .discount, l.kind != .fee else { return nil }
      return RevenueObligation(
        id: inv.key + "#" + String(k + 1), document: inv.number ?? inv.key, plan: inv.plan, charge: charge, contract: inv.contractID,
        customer: inv.customerID, currency: inv.currency, periodStart: l.periodStart, periodEnd: l.periodEnd, description: l.description)
    }
  }
}

/// A milestone of a contract's charge (the data folder's `revenue_milestones.csv`, docs/data.md): reached on `date`, it
/// recognizes `percent` of the charge's deferred revenue.
public struct RevenueMilestone: Sendable, Hashable {
  public var contract: String
  public var charge: String
  public var id: String
  public var date: CivilDate
  /// Per cent of each invoice line's deferred revenue (0 to 100); the milestones of a line that reach 100 leave nothing.
  public var percent: Fixed
  public var source: SourceRef

  public init(contract: String, charge: String, id: String, date: CivilDate, percent: Fixed, source: SourceRef) {
    self.contract = contract
    self.charge = charge
    self.id = id
    self.date = date
    self.percent = percent
    self.source = source
  }
}

/// One cell of the deferred revenue waterfall (`accrue report waterfall`): what a plan's deferred revenue in one
/// currency will recognize in one month (`YYYY-MM`; `later` for milestones not yet stated), over how many
/// obligations.
public struct WaterfallRow: Sendable, Hashable {
  public var plan: String
  public var currency: Currency
  public var month: String
  public var amount: Fixed
  public var obligations: Int

  public init(plan: String, currency: Currency, month: String, amount: Fixed, obligations: Int) {
    self.plan = plan
    self.currency = currency
    self.month = month
    self.amount = amount
    self.obligations = obligations
  }
}
