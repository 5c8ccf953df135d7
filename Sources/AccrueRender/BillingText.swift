import AccrueCore
import AccrueModel

/// Billing in words: what an invoice line's charge column says, an invoice's payment terms, and the sentences
/// of `--explain` for a line.
public enum BillingText {
  /// The `charge` an output prints for a line: the charge's name; `discount:` and the label for a discount;
  /// `minimum` for the minimum commitment's true-up.
  public static func chargeColumn(_ l: InvoiceLine) -> String {
    switch l.kind {
    case .charge, .usage, .credit: l.charge ?? ""
    case .discount: "discount:" + (l.charge ?? "discount")
    case .minimumTrueUp: "minimum"
    case .fee: l.charge ?? "fee"
    }
  }

  /// Payment terms as printed: "net 30 days", "day 10 of next month".
  public static func terms(_ t: InvoiceTerms) -> String { t.description }

  /// The sentences explaining a line, one per step.
  public static func explanation(_ l: InvoiceLine) -> [String] { l.explanation.map(sentence) }

  /// One step as a sentence.
  public static func sentence(_ step: BillingStep) -> String {
    switch step {
    case .charge(let rule, let name): "rule \(rule): charge \(name)"
    case .usageCharge(let rule, let name, let metric, let metricRule):
      "rule \(rule): charge \(name), usage of metric \(metric) (\(metricRule))"
    case .usageEvents(let events, let first, let last, let rows):
      "\(events) event(s) from \(first) to \(last)" + (rows.isEmpty ? "" : ", first rows " + rows.map(\.description).joined(separator: ", "))
    case .aggregated(let aggregation, let q): "\(aggregation.rawValue) = \(q)"
    case .weighted(let held, let seconds, let q):
      "weighted sum: \(held) value-seconds held / \(seconds) seconds in the period = \(q)"
    case .capacityMeasured(let metric, let aggregation, let q, let events, let first, let last, let rows):
      "metric \(metric): \(aggregation.rawValue) = \(q) (\(events) event(s) from \(first) to \(last)"
        + (rows.isEmpty ? ")" : ", first rows " + rows.map(\.description).joined(separator: ", ") + ")")
    case .capacityTier(let name, let rule, let limits, let holds):
      "tier \(name) (\(rule)): \(limits.isEmpty ? "open, takes any usage" : limits + (holds ? ": every limit holds" : ": not every limit holds"))"
    case .freeUnits(let q, let free, let left): "free units: \(q) - \(free) = \(left)"
    case .fixedPrice(let once, let price, let currency): "\(once ? "once" : "flat") \(price) \(currency.code)"
    case .perUnit(let q, let unit, let currency, let amount): "\(q) x \(unit) \(currency.code) = \(amount)"
    case .packages(let q, let size, let packs, let price, let amount):
      "\(q) units in packages of \(size): \(packs) package(s) (rounded up) x \(price) = \(amount)"
    case .noUnitsNoFlatFee: "no units: no flat fee ('first tier fee when used')"
    case .noUnitsFirstTierFee(let fee): "no units: the first tier's flat fee \(fee) ('first tier fee always', the default)"
    case .graduatedTier(let from, let to, let units, let unit, let flat, let amount):
      "tier " + tier(from, to, units, unit, flat, amount)
    case .graduatedTotal(let total): "graduated total \(total)"
    case .noUnits: "no units"
    case .volumeTier(let from, let to, let q, let unit, let flat, let amount):
      "volume tier " + tier(from, to, q, unit, flat, amount)
    case .percentageSummed(let rate, let total): "percentage \(rate) of each transaction (plus fee, within min/max), summed: \(total)"
    case .freeAllowance(let transactions, let volume, let freeCount, let count, let volumeFree):
      "free: " + [transactions.map { "the first \($0) transactions" }, volume.map { "the first \($0) of volume" }]
        .compactMap { $0 }.joined(separator: " and ")
        + " of the period, in date order: \(freeCount) of \(count) transaction(s) free"
        + (volumeFree > .zero ? ", \(volumeFree) of volume free" : "")
    case .percentageOfOthersSummed(let total): "percentage of each other transaction (plus fee, within min/max), summed: \(total)"
    case .raisedToMinimum(let amount, let minimum): "below the charge's minimum: \(amount) raised to \(minimum)"
    case .prorated(let days, let full, let amount, let prorated): "prorated \(days) of \(full) days: \(amount) x \(days) / \(full) = \(prorated)"
    case .rounded(let mode, let places, let amount): "rounded \(mode.rawValue) to \(places) decimals: \(amount)"
    case .percentDiscount(let rule, let rate, let base, let amount, let mode):
      "rule \(rule): discount \(RValue.percent(rate)) of \(base) = \(amount), rounded \(mode.rawValue)"
    case .amountDiscount(let rule, let value, let currency, let left, let amount, let mode):
      "rule \(rule): discount \(value) \(currency.code), at most the \(left) left = \(amount), rounded \(mode.rawValue)"
    case .minimumCommitment(let rule, let minimum, let days, let full, let due):
      "rule \(rule): minimum commitment \(minimum) for \(days) of \(full) days = \(due)"
    case .trueUp(let spend, let gap): "spend of the period (its in-advance and in-arrears lines) \(spend); true-up \(gap)"
    case .serviceCredit(let rule, let uptime, let below, let rate, let charge, let base, let credit, let rows):
      "rule \(rule): service credit: uptime \(RValue.percent(uptime)) (\(rows.map(\.description).joined(separator: ", "))) is below \(RValue.percent(below)): "
        + "\(RValue.percent(rate)) of \(charge)'s \(base) for the period = \(credit)"
    case .serviceCreditCapped(let m, let byInvoice): "at most \(m), \(byInvoice ? "what the invoice's lines leave" : "the rule's maximum")"
    case .milestoneReached(let name, let date, let row): "milestone \(name) reached on \(date) (\(row))"
    case .thresholdReached(let rule, let threshold, let day, let reached):
      "rule \(rule): usage reached \(threshold) on \(day) (usage to date: \(reached)), the first day it did"
    case .billedEarly(let billed, let through, let keys): "less \(billed) billed for usage to \(through) on \(keys.joined(separator: ", "))"
    case .contractTerm(let rule, let term, let start, let last, let ending):
      "rule \(rule): the invoice's period falls in term \(term) of the contract, \(start) to \(last); " + termEnding(ending, last: last)
    case .termCommitment(let rule, let term, let commitment, let days, let termDays, let due, let invoices, let spent):
      "rule \(rule): commitment \(commitment) over term \(term), for \(days) of its \(termDays) days = \(due); the term's \(invoices) "
        + "invoice\(invoices == 1 ? "" : "s") billed \(spent) (charges and usage, before discounts and tax)"
    case .termShare(let rule, let commitment, let periods, let share):
      "rule \(rule): commitment \(commitment) over a term of \(periods) periods, pro rata: \(share) a period"
    case .ownPeriod(let p, let a, let pp, let pa):
      "billed on a period of its own: \(p), aligned to \(a) (the plan's: \(pp), aligned to \(pa))"
    case .planChange(let d): planChange(d)
    case .priceBook(let c, let offered):
      "priced in \(c.code), the contract's currency, from the plan's prices in \(offered.map(\.code).joined(separator: ", "))"
    }
  }

  /// A change of plan decided by the daily prices, and when it takes effect (grammar.md §6.11).
  static func planChange(_ d: PlanChangeDecision) -> String {
    let places = d.currency.minorUnits
    let when =
      d.replaced
      ? "was to take effect at the end of its billing period; a change written for \(d.effective) replaces it then"
      : d.effective != d.written
      ? "takes effect \(d.effective), the end of its billing period"
      : d.timing == .immediately ? "takes effect immediately, with proration" : "takes effect on that day, the first of a billing period"
    return "\(d.direction.rawValue) from \(d.from) to \(d.to) on \(d.written) \(when): plan rule \(d.rule) (\(d.row)); "
      + "daily price \(d.fromAmount.formatted(places: places)) \(d.currency.code) / \(d.fromDays) days before, "
      + "\(d.toAmount.formatted(places: places)) \(d.currency.code) / \(d.toDays) days after"
  }

  /// Why the term ends or renews, as `--explain` says it.
  static func termEnding(_ e: ContractTermEnding, last: CivilDate) -> String {
    switch e {
    case .renews(let months, let rule):
      "no notice given: it renews automatically for \(months) months after \(last)" + (rule.map { " (rule \($0))" } ?? "")
    case .noRenewal(let rule): "the contract ends on \(last): it does not renew" + (rule.map { " (rule \($0))" } ?? "")
    case .noticeInTime(let given, let deadline, let rule):
      "notice given on \(given), on or before \(deadline), the last day to stop the renewal" + (rule.map { " (rule \($0))" } ?? "")
        + ": the contract ends on \(last)"
    case .noticeLate(let given, let missed, let endsOn, let rule):
      "notice given on \(given), after \(missed), the last day to stop the renewal at the end of this term" + (rule.map { " (rule \($0))" } ?? "")
        + ": it renews once more and ends on \(endsOn)"
    }
  }

  /// A tier's part of a step: "1 to 100: 100 x 0.10 + flat 5 = 15" ("101 and above: ..." for the last tier).
  static func tier(_ from: Fixed, _ to: Fixed?, _ units: Fixed, _ unit: Fixed, _ flat: Fixed?, _ amount: Fixed) -> String {
    "\(from)\(to.map { " to \($0)" } ?? " and above"): \(units) x \(unit)" + (flat.map { " + flat \($0)" } ?? "") + " = \(amount)"
  }
}
