import AccrueCore
import AccrueModel

/// Turns what dunning decided into the sentences outputs print: step timings, the steps of `--explain`
/// and of `--why-not`.
public enum CollectionsSentences {
  /// "5 business days after due", "on due", "3 days before due".
  public static func timing(_ t: ReminderTiming) -> String {
    // Timings within 400 days of the due date are made once and shared: outputs print one per reminder.
    guard t.offset.magnitude <= commonReach else { return describe(t) }
    return commonTimings[2 * (t.offset + commonReach) + (t.business ? 1 : 0)]
  }

  static let commonReach = 400
  static let commonTimings: [String] = (-commonReach...commonReach).flatMap { o in
    [describe(ReminderTiming(offset: o, business: false)), describe(ReminderTiming(offset: o, business: true))]
  }

  static func describe(_ t: ReminderTiming) -> String {
    if t.offset == 0 { return "on due" }
    let n = abs(t.offset)
    return "\(n) \(t.business ? "business " : "")day\(n == 1 ? "" : "s") \(t.offset < 0 ? "before" : "after") due"
  }

  /// Sentences of steps that name only what the rules wrote (a cadence chosen, a step's date, a condition on
  /// values in ASCII...), made once and shared by every equal step: a run of many reminders repeats a few of them
  /// tens of thousands of times. (Data texts beyond ASCII are left out: two equal strings may differ in bytes.)
  public struct Shared {
    private var made: [CollectionsStep: String] = [:]
    public init() {}

    /// The step's sentence (`CollectionsSentences.sentence`).
    public mutating func sentence(_ s: CollectionsStep) -> String {
      guard Shared.shareable(s) else { return CollectionsSentences.sentence(s) }
      if let t = made[s] { return t }
      let t = CollectionsSentences.sentence(s)
      made[s] = t
      return t
    }

    static func shareable(_ s: CollectionsStep) -> Bool {
      switch s {
      case .cadenceChosen, .stepFell, .openBalanceOfCovered: true
      case .catchUp(let skipped): skipped.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
      case .appliesWhen(let c), .stepWhen(let c): c.fields.allSatisfy { ascii($0.value) }
      default: false
      }
    }

    static func ascii(_ v: RValue) -> Bool {
      switch v {
      case .text(let t): t.utf8.allSatisfy { $0 < 0x80 }
      case .list(let xs): xs.allSatisfy(ascii)
      default: true
      }
    }
  }

  /// The sentences of a list of steps, in order.
  public static func sentences(_ steps: [CollectionsStep]) -> [String] { steps.map(sentence) }

  /// One step as a sentence.
  public static func sentence(_ s: CollectionsStep) -> String {
    switch s {
    case .notOpen(let id, let status): "invoice \(id) is \(status.rawValue): only open invoices are dunned"
    case .creditNote(let id): "\(id) is a credit note: credit notes are not dunned"
    case .nothingLeftToPay(let id): "invoice \(id) has nothing left to pay"
    case .heldForReview(let step, let reason): "step \(step) is due, but held: \(reason)"
    case .cadenceTakesOtherCurrency(let cadence, let rule, let takes, let invoice):
      "cadence \(cadence) (\(rule)) takes only \(takes.code) invoices; this one is in \(invoice.code)"
    case .cadenceDoesNotApply(let cadence, let rule, let failing): "cadence \(cadence) (\(rule)) does not apply: \(condition(failing))"
    case .noCadenceApplies(let id): "no cadence applies to invoice \(id)"
    case .cadenceChosen(let cadence, let label, let rule): "cadence \(cadence) \"\(label)\" (\(rule)): the first in rule order that applies"
    case .appliesWhen(let c): "  applies when \(condition(c))"
    case .pausedOnDispute(let cadence, let open, let currency):
      "paused by cadence \(cadence): the whole open amount (\(open) \(currency.code)) is disputed ('pause on dispute')"
    case .pausedOnCreditHold(let cadence): "paused by cadence \(cadence): the customer is on credit hold ('pause on credit hold')"
    case .pausedOnPromise(let cadence, let by, let source): "paused by cadence \(cadence): promise to pay by \(by) (\(source))"
    case .pausedOnPaymentPlan(let cadence, let plan, let start, let end, let source):
      "paused by cadence \(cadence): payment plan \(plan) from \(start)\(end.map { " to \($0)" } ?? "") (\(source))"
    case .pausedWhen(let cadence, let holding): "paused by cadence \(cadence): pause when \(condition(holding))"
    case .promiseBroken(let by, let source): "promise to pay by \(by) (\(source)) was not kept: dunning resumed"
    case .stepConditionFails(let step, let fellOn, let failing):
      "step \(step) fell on \(fellOn) but its condition does not hold: \(condition(failing))"
    case .notYetDue(let cadence, let step, let t, let on):
      "not yet due: the next step of cadence \(cadence), \(step) (\(timing(t))), falls on \(on)"
    case .noStepApplies(let cadence): "no step of cadence \(cadence) applies"
    case .alreadySent(let step, let cadence, let on, let key, let next):
      "already sent: step \(step) of cadence \(cadence) on \(on) (\(key))"
        + (next.map { "; the next step, \($0.step), falls on \($0.fallsOn)" } ?? "")
    case .stepFell(let step, let label, let rule, let t, let due, let fellOn, let calendar):
      "step \(step) \"\(label)\" (\(rule)): \(timing(t)), due \(due) -> \(fellOn)\(calendar.map { " on calendar \($0)" } ?? "")"
    case .stepWhen(let c): "  when \(condition(c))"
    case .catchUp(let skipped): "catch-up: only the latest step due is sent; skipped \(skipped.joined(separator: ", "))"
    case .alreadyProduced(let key): "already produced: \(key)"
    case .minimumGap(let days, let business, let rule, let last, let next):
      "minimum gap of \(days) \(business ? "business " : "")days (\(rule)): the customer was last reminded on \(last); next reminder on \(next) at the earliest"
    case .coveredBy(let key, let driver): "covered by reminder \(key), driven by the oldest invoice \(driver)"
    case .fires(let key): "fires: reminder \(key)"
    case .grouped(let n, let driver): "one reminder per customer: covers \(n) invoices; the oldest, \(driver), drives the step"
    case .noRecipient(let channel, let template, let rule): "the step's \(channel.rawValue) '\(template)' has no recipient on file (\(rule))"
    case .openBalanceOfCovered: "the open balance of the covered invoices"
    case .noPlanTerms(let kind, let id, let hasContract):
      "'\(kind.rawValue)' without \(kind == .interest ? "a rate" : "amounts") uses the plan's terms; invoice \(id) has \(hasContract ? "a plan without them" : "no contract")"
    case .lateFeeFrom(let terms): "late fee from \(from(terms))"
    case .fixedPart(let amount, let currency): "fixed part \(money(amount, currency))"
    case .percentPart(let rate, let of, let currency, let part): "\(percent(rate))% of \(money(of, currency)) = \(part)"
    case .interestRate(let rate, let per, let dayCount, let terms):
      "interest at \(interestRate(rate, per)), \(dayCount.rawValue), from \(from(terms))"
    case .interestOn(let id, let balance, let currency, let days, let counted, let dayCount, let since, let part):
      "\(id): \(money(balance, currency)) x \(days) days since \(since)"
        + (counted == days ? "" : " (\(counted) by \(dayCount.rawValue))") + " = \(part)"
    case .rounded(let mode, let amount, let currency): "rounded \(mode.rawValue) to \(money(amount, currency))"
    }
  }

  /// "'invoice.balance >= 500.00 USD' is false (invoice.balance = 100.00 USD)".
  static func condition(_ c: CollectionsStep.ConditionSeen) -> String {
    let parts = c.fields.map { f in
      let value = if case .money(let m, let cur) = f.value { money(m, cur) } else { f.value.description }
      return "\(f.record.rawValue).\(f.name) = \(value)"
    }
    return "'\(c.text)' is \(c.result)" + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
  }

  static func from(_ t: CollectionsStep.FeeTerms) -> String {
    switch t {
    case .step(let name, let rule): "step \(name) (\(rule))"
    case .plan(let name): "the terms of plan \(name)"
    }
  }

  /// A rate as a percent: 0.015 -> "1.5".
  static func percent(_ rate: Fixed) -> String { rate.multiplied(by: Fixed(100))?.description ?? "?" }

  /// "12% a year"; a monthly rate with the annual rate it accrues at: "1.5% a month (18% a year)".
  static func interestRate(_ rate: Fixed, _ per: InterestPeriod) -> String {
    guard per == .month else { return "\(percent(rate))% a year" }
    let annual = rate.multiplied(by: Fixed(per.perYear)).map { percent($0) } ?? "?"
    return "\(percent(rate))% a month (\(annual)% a year)"
  }

  static func money(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }
}
