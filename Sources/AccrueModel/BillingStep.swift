import AccrueCore

/// One step of how an invoice line was computed, for `--explain`: what was evaluated, its value and the rule
/// or rows it comes from. Billing records the steps; the renderers turn each into one sentence (shown after
/// each case, with its values in brackets).
public enum BillingStep: Sendable {
  // MARK: Which rule bills the line

  /// "rule [rule]: charge [name]"
  case charge(rule: RuleRef, name: String)
  /// "rule [rule]: charge [name], usage of metric [metric] ([metricRule])"
  case usageCharge(rule: RuleRef, name: String, metric: String, metricRule: RuleRef)
  /// "rule [rule]: service credit: uptime [uptime] (rows) is below [below]: [rate] of [charge]'s [base] = [credit]"
  case serviceCredit(rule: RuleRef, uptime: Fixed, below: Fixed, rate: Fixed, charge: String, base: Fixed, credit: Fixed, rows: [RowRef])
  /// "at most [maximum], the rule's maximum" or "at most [maximum], what the invoice's lines leave"
  case serviceCreditCapped(maximum: Fixed, byInvoice: Bool)
  /// "milestone [name] reached on [date] ([row])"
  case milestoneReached(name: String, date: CivilDate, row: RowRef)
  /// "rule [rule]: usage reached [threshold] on [day] (usage to date: [reached]), the first day it did" (progressive
  /// billing, grammar.md §6.10)
  case thresholdReached(rule: RuleRef, threshold: String, day: CivilDate, reached: String)
  /// "less [billed] billed for usage to [through] on [keys]": what earlier threshold invoices of the period billed
  /// for this charge, subtracted from its usage priced as a whole (§6.10)
  case billedEarly(billed: Fixed, through: CivilDate, keys: [String])
  /// "priced in [currency], the contract's currency, from the plan's prices in [offered]" (a price book, grammar.md §6.2)
  case priceBook(currency: Currency, offered: [Currency])
  /// "billed on a period of its own: [period], aligned to [alignment] (the plan's: [planPeriod], aligned to
  /// [planAlignment])" (a charge's own `period` or `align to`, grammar.md §6.2)
  case ownPeriod(period: String, alignment: String, planPeriod: String, planAlignment: String)
  /// "[events] event(s) from [first] to [last]", then ", first rows [rows]" when there are any.
  case usageEvents(events: Int, first: CivilDate, last: CivilDate, firstRows: [RowRef])
  /// "[aggregation] = [quantity]": the period's usage under the metric's aggregation.
  case aggregated(AggregationKind, quantity: Fixed)
  /// "weighted sum: [value-seconds] held / [seconds] seconds in the period = [quantity]".
  case weighted(valueSeconds: Fixed, periodSeconds: Int64, quantity: Fixed)
  /// "metric [metric]: [aggregation] = [quantity] ([events] event(s) from [first] to [last], first rows [rows])": one
  /// measured unit of a capacity charge.
  case capacityMeasured(metric: String, aggregation: AggregationKind, quantity: Fixed, events: Int, first: CivilDate, last: CivilDate, firstRows: [RowRef])
  /// "tier [name] ([rule]): [limits] [hold / do not hold]": a capacity tier tried, first to last.
  case capacityTier(name: String, rule: RuleRef, limits: String, holds: Bool)

  // MARK: Pricing a quantity

  /// "free units: [quantity] - [free] = [left]"
  case freeUnits(quantity: Fixed, free: Fixed, left: Fixed)
  /// "flat [price] [currency]", or "once [price] [currency]" for a one-time charge.
  case fixedPrice(once: Bool, price: Fixed, currency: Currency)
  /// "[quantity] x [unitPrice] [currency] = [amount]"
  case perUnit(quantity: Fixed, unitPrice: Fixed, currency: Currency, amount: Fixed)
  /// "[quantity] units in packages of [size]: [packages] package(s) (rounded up) x [price] = [amount]"
  case packages(quantity: Fixed, size: Fixed, packages: Int64, price: Fixed, amount: Fixed)
  /// "no units: no flat fee ('first tier fee when used')"
  case noUnitsNoFlatFee
  /// "no units: the first tier's flat fee [fee] ('first tier fee always', the default)"
  case noUnitsFirstTierFee(Fixed)
  /// "tier [from] to [to]: [units] x [unitPrice] + flat [flatFee] = [amount]" ("[from] and above" for the last
  /// tier; no "+ flat" part without a flat fee): one tier of graduated pricing.
  case graduatedTier(from: Fixed, to: Fixed?, units: Fixed, unitPrice: Fixed, flatFee: Fixed?, amount: Fixed)
  /// "graduated total [total]"
  case graduatedTotal(Fixed)
  /// "no units": volume pricing of nothing.
  case noUnits
  /// "volume tier [from] to [to]: [quantity] x [unitPrice] + flat [flatFee] = [amount]" (as `graduatedTier`):
  /// every unit at the price of the tier the quantity reaches.
  case volumeTier(from: Fixed, to: Fixed?, quantity: Fixed, unitPrice: Fixed, flatFee: Fixed?, amount: Fixed)

  // MARK: Percentage pricing

  /// "percentage [rate] of each transaction (plus fee, within min/max), summed: [total]" (`rate` as written in
  /// the rules).
  case percentageSummed(rate: String, total: Fixed)
  /// "free: the first [transactions] transactions and the first [volume] of volume of the period, in date order:
  /// [freeCount] of [transactionCount] transaction(s) free, [volumeFree] of volume free" (each limit only when
  /// the rules state it; the last part only when some volume was free).
  case freeAllowance(transactions: RValue?, volume: RValue?, freeCount: Int, transactionCount: Int, volumeFree: Fixed)
  /// "percentage of each other transaction (plus fee, within min/max), summed: [total]"
  case percentageOfOthersSummed(Fixed)

  // MARK: From the priced amount to the line

  /// "below the charge's minimum: [amount] raised to [minimum]"
  case raisedToMinimum(amount: Fixed, minimum: Fixed)
  /// "prorated [days] of [fullDays] days: [amount] x [days] / [fullDays] = [prorated]"
  case prorated(days: Int, fullDays: Int, amount: Fixed, prorated: Fixed)
  /// "rounded [mode] to [places] decimals: [amount]"
  case rounded(RoundingMode, places: Int, amount: Fixed)

  // MARK: Discounts and the minimum commitment

  /// "rule [rule]: discount [rate] of [base] = [amount], rounded [mode]"
  case percentDiscount(rule: RuleRef, rate: Fixed, base: Fixed, amount: Fixed, rounding: RoundingMode)
  /// "rule [rule]: discount [value] [currency], at most the [left] left = [amount], rounded [mode]"
  case amountDiscount(rule: RuleRef, value: Fixed, currency: Currency, left: Fixed, amount: Fixed, rounding: RoundingMode)
  /// "rule [rule]: minimum commitment [minimum] for [days] of [fullDays] days = [due]"
  case minimumCommitment(rule: RuleRef, minimum: Fixed, days: Int, fullDays: Int, due: Fixed)
  /// "spend of the period (its in-advance and in-arrears lines) [spend]; true-up [trueUp]"
  case trueUp(spend: Fixed, trueUp: Fixed)

  // MARK: The contract's term (grammar.md §6.8)

  /// "rule [rule]: the invoice falls in term [term], [start] to [last]; [ending]"
  case contractTerm(rule: RuleRef, term: Int, start: CivilDate, last: CivilDate, ending: ContractTermEnding)
  /// "rule [rule]: commitment [commitment] over term [term], for [days] of its [termDays] days = [due]; the term's
  /// [invoices] invoices billed [spent] (charges and usage, before discounts and tax)"
  case termCommitment(rule: RuleRef, term: Int, commitment: Fixed, days: Int, termDays: Int, due: Fixed, invoices: Int, spent: Fixed)
  /// "rule [rule]: commitment [commitment] over a term of [periods] periods, pro rata: [share] a period"
  case termShare(rule: RuleRef, commitment: Fixed, periods: Int, share: Fixed)
  /// "downgrade from pro to basic on 2026-03-10 takes effect 2026-04-01: plan rule [rule] ..." (§6.11)
  case planChange(PlanChangeDecision)
}

/// Why a contract's term ends where it does, or that it renews (grammar.md §6.8).
public enum ContractTermEnding: Sendable, Equatable {
  /// No notice given: the term renews for the months given (at the rule).
  case renews(months: Int, rule: RuleRef?)
  /// `renew never`: the contract ends with its first term.
  case noRenewal(rule: RuleRef?)
  /// A notice given on the day, on or before the deadline: the contract ends with the term it fell in.
  case noticeInTime(given: CivilDate, deadline: CivilDate, rule: RuleRef?)
  /// A notice given on the day, after the deadline of the term it fell in: the contract renewed once more and ends
  /// with the next term.
  case noticeLate(given: CivilDate, missed: CivilDate, endsOn: CivilDate, rule: RuleRef?)
}

/// The steps of one line's computation, recorded only when the run explains that line (`--explain`): otherwise
/// `add` does nothing and its step is never built.
public struct BillingSteps: Sendable {
  /// Whether steps are being recorded.
  public let explaining: Bool
  /// The steps so far, in order.
  public private(set) var list: [BillingStep] = []

  public init(explaining: Bool) { self.explaining = explaining }

  /// Records a step (built only when explaining).
  @inline(__always) public mutating func add(_ step: @autoclosure () -> BillingStep) {
    if explaining { list.append(step()) }
  }

  /// Records steps recorded elsewhere (e.g. by pricing).
  public mutating func add(contentsOf more: [BillingStep]) {
    if explaining { list += more }
  }
}
