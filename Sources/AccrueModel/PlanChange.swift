import AccrueCore

/// Whether a change to another plan is an upgrade or a downgrade (grammar.md §6.11): decided by the two plans'
/// daily prices.
public enum PlanChangeDirection: String, Sendable {
  case upgrade, downgrade
}

/// When an upgrade or a downgrade takes effect, as the plan being left says (grammar.md §6.11).
public enum PlanChangeTiming: String, Sendable {
  /// On the day of the change: the unused part of the period is credited, the rest billed at the new plan.
  case immediately = "immediately with proration"
  /// At the next boundary of the billing period the change falls in: the period is served on the old plan.
  case endOfPeriod = "at end of period"
}

/// What the rules decided about one change of plan: its direction (from the daily prices), the day it was
/// written for, the day it takes effect and the rule that says so. Explained on the lines it affects.
public struct PlanChangeDecision: Sendable, Equatable {
  public var direction: PlanChangeDirection
  public var timing: PlanChangeTiming
  public var from: String
  public var to: String
  /// The day the change was written for (`contract_changes.date`) and the day it takes effect.
  public var written: CivilDate
  public var effective: CivilDate
  /// The `upgrade`/`downgrade` statement of the plan being left.
  public var rule: RuleRef
  /// The recurring charges of each plan for its period around the change, and that period's days.
  public var fromAmount: Fixed
  public var fromDays: Int
  public var toAmount: Fixed
  public var toDays: Int
  public var currency: Currency
  /// The change row.
  public var row: RowRef
  /// A deferred change a later row, written for a day before the period's end, takes effect with (its terms win).
  public var replaced: Bool

  public init(
    direction: PlanChangeDirection, timing: PlanChangeTiming, from: String, to: String, written: CivilDate, effective: CivilDate,
    rule: RuleRef, fromAmount: Fixed, fromDays: Int, toAmount: Fixed, toDays: Int, currency: Currency, row: RowRef,
    replaced: Bool = false
  ) {
    self.replaced = replaced
    self.direction = direction
    self.timing = timing
    self.from = from
    self.to = to
    self.written = written
    self.effective = effective
    self.rule = rule
    self.fromAmount = fromAmount
    self.fromDays = fromDays
    self.toAmount = toAmount
    self.toDays = toDays
    self.currency = currency
    self.row = row
  }
}
