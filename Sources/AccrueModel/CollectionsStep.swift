import AccrueCore

/// One step of what dunning decided, recorded by the collections domain as values and turned into a sentence by
/// the renderers (`CollectionsSentences`): why a reminder fired (`Reminder.explanation`), how an action's amount
/// was computed (`CollectionAction.explanation`), and why an invoice got no reminder (`--why-not`).
public enum CollectionsStep: Sendable, Hashable {
  // Why not: the invoice itself.

  /// "invoice INV-1 is paid: only open invoices are dunned".
  case notOpen(invoice: String, status: InvoiceStatus)
  /// "CN-1 is a credit note: credit notes are not dunned".
  case creditNote(invoice: String)
  /// "invoice INV-1 has nothing left to pay".
  case nothingLeftToPay(invoice: String)
  /// "step second is due, but held: <why>": a payment for the invoice waits for review (the reason as cash
  /// application words it).
  case heldForReview(step: String, reason: String)

  // Choosing the cadence.

  /// "cadence eu (rules/dunning.accrue:3:1) takes only EUR invoices; this one is in USD".
  case cadenceTakesOtherCurrency(cadence: String, rule: RuleRef, takes: Currency, invoice: Currency)
  /// "cadence smb (rules/dunning.accrue:3:1) does not apply: 'customer.segment = "smb"' is false (...)".
  case cadenceDoesNotApply(cadence: String, rule: RuleRef, failing: ConditionSeen)
  /// "no cadence applies to invoice INV-1".
  case noCadenceApplies(invoice: String)
  /// "cadence standard "Standard" (rules/dunning.accrue:3:1): the first in rule order that applies".
  case cadenceChosen(cadence: String, label: String, rule: RuleRef)
  /// "  applies when 'invoice.balance > 0' is true (invoice.balance = 120.00 USD)".
  case appliesWhen(ConditionSeen)

  // Pauses.

  /// "paused by cadence standard: the whole open amount (120 USD) is disputed ('pause on dispute')".
  case pausedOnDispute(cadence: String, open: Fixed, currency: Currency)
  /// "paused by cadence standard: the customer is on credit hold ('pause on credit hold')".
  case pausedOnCreditHold(cadence: String)
  /// "paused by cadence standard: promise to pay by 2026-11-15 (promises.csv:2)".
  case pausedOnPromise(cadence: String, promisedBy: CivilDate, source: RowRef)
  /// "paused by cadence standard: payment plan PP-1 from 2026-10-01 to 2026-12-31 (payment_plans.csv:2)".
  case pausedOnPaymentPlan(cadence: String, plan: String, start: CivilDate, end: CivilDate?, source: RowRef)
  /// "paused by cadence standard: pause when 'customer.vip' is true (customer.vip = true)".
  case pausedWhen(cadence: String, holding: ConditionSeen)
  /// "promise to pay by 2026-10-15 (promises.csv:2) was not kept: dunning resumed".
  case promiseBroken(promisedBy: CivilDate, source: RowRef)

  // The step due.

  /// "step second fell on 2026-11-09 but its condition does not hold: 'invoice.balance >= 500.00 USD' is false (...)".
  case stepConditionFails(step: String, fellOn: CivilDate, failing: ConditionSeen)
  /// "not yet due: the next step of cadence standard, first (5 days after due), falls on 2026-11-09".
  case notYetDue(cadence: String, step: String, timing: ReminderTiming, fallsOn: CivilDate)
  /// "no step of cadence standard applies".
  case noStepApplies(cadence: String)
  /// "already sent: step first of cadence standard on 2026-11-02 (INV-1/standard/first)", followed, when a later
  /// step is still to come, by "; the next step, second, falls on 2026-11-16".
  case alreadySent(step: String, cadence: String, sentOn: CivilDate, key: String, next: NextStep?)
  /// "step first "First reminder" (rules/dunning.accrue:5:3): 5 days after due, due 2026-10-02 -> 2026-10-07",
  /// followed by " on calendar us" when the cadence counts on a calendar.
  case stepFell(step: String, label: String, rule: RuleRef, timing: ReminderTiming, due: CivilDate, fellOn: CivilDate, calendar: String?)
  /// "  when 'invoice.balance >= 500.00 USD' is true (invoice.balance = 1,200.00 USD)".
  case stepWhen(ConditionSeen)
  /// "catch-up: only the latest step due is sent; skipped first, second".
  case catchUp(skipped: [String])

  // The reminder.

  /// "already produced: INV-1/standard/first".
  case alreadyProduced(key: String)
  /// "minimum gap of 7 business days (rules/dunning.accrue:3:1): the customer was last reminded on 2026-11-02; next
  /// reminder on 2026-11-11 at the earliest".
  case minimumGap(days: Int, business: Bool, rule: RuleRef, lastReminded: CivilDate, next: CivilDate)
  /// "covered by reminder INV-1/standard/first, driven by the oldest invoice INV-1".
  case coveredBy(key: String, driver: String)
  /// "fires: reminder INV-1/standard/first".
  case fires(key: String)
  /// "one reminder per customer: covers 3 invoices; the oldest, INV-1, drives the step".
  case grouped(invoices: Int, driver: String)

  // Actions and their amounts.

  /// "the step's email 'overdue-1' has no recipient on file (rules/dunning.accrue:6:5)".
  case noRecipient(channel: Channel, template: String, rule: RuleRef)
  /// "the open balance of the covered invoices" (the amount a write-off proposal or an agency hand-over names).
  case openBalanceOfCovered
  /// "'late fee' without amounts uses the plan's terms; invoice INV-1 has no contract" ("a plan without them" when it
  /// has a contract; "without a rate" for interest).
  case noPlanTerms(kind: CollectionAction.Kind, invoice: String, hasContract: Bool)
  /// "late fee from step third (rules/dunning.accrue:9:5)" or "late fee from the terms of plan pro".
  case lateFeeFrom(FeeTerms)
  /// "fixed part 40.00 USD".
  case fixedPart(Fixed, Currency)
  /// "1.5% of 1,000.00 USD = 15": the percent part of a late fee.
  case percentPart(rate: Fixed, of: Fixed, currency: Currency, part: Fixed)
  /// "interest at 12% a year, actual/365, from step third (rules/dunning.accrue:9:5)"; a rate stated per month:
  /// "interest at 1.5% a month (18% a year), 30/360, ...". `rate` is the rate as stated, per `per`.
  case interestRate(rate: Fixed, per: InterestPeriod, dayCount: DayCount, from: FeeTerms)
  /// "INV-1: 1,000.00 USD x 30 days since 2026-10-02 = 9.86": one invoice's interest; when the day count counts
  /// other than the calendar days (30/360), "x 31 days since 2026-03-01 (30 by 30/360) = 15".
  case interestOn(
    invoice: String, balance: Fixed, currency: Currency, days: Int, counted: Int, dayCount: DayCount, since: CivilDate, part: Fixed)
  /// "rounded half_up to 40.00 USD".
  case rounded(RoundingMode, Fixed, Currency)
}

extension CollectionsStep {
  /// A condition as it was evaluated: its text, its result and the fields it read with their values.
  public struct ConditionSeen: Sendable, Hashable {
    /// The condition as written in the rules.
    public var text: String
    /// Whether it held.
    public var result: Bool
    /// The record fields it read, with the values they had.
    public var fields: [FieldSeen]

    public init(text: String, result: Bool, fields: [FieldSeen]) {
      self.text = text
      self.result = result
      self.fields = fields
    }
  }

  /// A record field a condition read (`invoice.balance`) and its value then.
  public struct FieldSeen: Sendable, Hashable {
    /// The record: invoice or customer.
    public var record: RecordKind
    /// The field's name in the rules.
    public var name: String
    /// Its value when the condition was evaluated.
    public var value: RValue

    public init(record: RecordKind, name: String, value: RValue) {
      self.record = record
      self.name = name
      self.value = value
    }
  }

  /// The step still to come after one already sent: its name and date.
  public struct NextStep: Sendable, Hashable {
    /// The step's name.
    public var step: String
    /// The day it falls.
    public var fallsOn: CivilDate

    public init(step: String, fallsOn: CivilDate) {
      self.step = step
      self.fallsOn = fallsOn
    }
  }

  /// Where a late fee's or interest's terms come from: the step itself, or the invoice's plan.
  public enum FeeTerms: Sendable, Hashable {
    /// "step third (rules/dunning.accrue:9:5)": the amounts the step states.
    case step(name: String, rule: RuleRef)
    /// "the terms of plan pro": a step without amounts uses the plan's.
    case plan(name: String)
  }
}

/// What a stated interest rate is per (`interest 18% per year`, `interest 1.5% per month`). A monthly rate
/// accrues as the annual rate twelve times it, by the day count, for the days actually late.
public enum InterestPeriod: String, Sendable, Hashable {
  case year
  case month

  /// How many of these periods make a year: the factor from the stated rate to the annual one.
  public var perYear: Int { self == .month ? 12 : 1 }
}
