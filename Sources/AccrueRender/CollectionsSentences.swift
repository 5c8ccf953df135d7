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

  /// The sentences of a list of steps, in order.
  public static func sentences(_ steps: [CollectionsStep]) -> [String] { steps.map(sentence) }

  /// One step as a sentence.
  public static func sentence(_ s: CollectionsStep) -> String {
    var t = SentenceText()
    write(s, into: &t)
    return t.text
  }

  /// One step's sentence, written piece by piece into `o` (a string, or the JSON string literal being written).
  static func write<S: SentenceSink & ~Copyable>(_ s: CollectionsStep, into o: inout S) {
    switch s {
    case .notOpen(let id, let status):
      o.words("invoice ")
      o.put(id)
      o.words(" is ")
      o.put(status.rawValue)
      o.words(": only open invoices are dunned")
    case .creditNote(let id):
      o.put(id)
      o.words(" is a credit note: credit notes are not dunned")
    case .nothingLeftToPay(let id):
      o.words("invoice ")
      o.put(id)
      o.words(" has nothing left to pay")
    case .heldForReview(let step, let reason):
      o.words("step ")
      o.put(step)
      o.words(" is due, but held: ")
      o.put(reason)
    case .cadenceTakesOtherCurrency(let cadence, let rule, let takes, let invoice):
      cadenceAndRule(cadence, rule, into: &o)
      o.words(" takes only ")
      o.put(takes.code)
      o.words(" invoices; this one is in ")
      o.put(invoice.code)
    case .cadenceDoesNotApply(let cadence, let rule, let failing):
      cadenceAndRule(cadence, rule, into: &o)
      o.words(" does not apply: ")
      condition(failing, into: &o)
    case .noCadenceApplies(let id):
      o.words("no cadence applies to invoice ")
      o.put(id)
    case .cadenceChosen(let cadence, let label, let rule):
      o.words("cadence ")
      o.put(cadence)
      o.words(" ")
      o.quote()
      o.put(label)
      o.quote()
      o.words(" (")
      o.put(rule)
      o.words("): the first in rule order that applies")
    case .appliesWhen(let c):
      o.words("  applies when ")
      condition(c, into: &o)
    case .pausedOnDispute(let cadence, let open, let currency):
      pausedBy(cadence, into: &o)
      o.words("the whole open amount (")
      o.put(open)
      o.words(" ")
      o.put(currency.code)
      o.words(") is disputed ('pause on dispute')")
    case .pausedOnCreditHold(let cadence):
      pausedBy(cadence, into: &o)
      o.words("the customer is on credit hold ('pause on credit hold')")
    case .pausedOnPromise(let cadence, let by, let source):
      pausedBy(cadence, into: &o)
      o.words("promise to pay by ")
      o.put(by)
      o.words(" (")
      o.put(source)
      o.words(")")
    case .pausedOnPaymentPlan(let cadence, let plan, let start, let end, let source):
      pausedBy(cadence, into: &o)
      o.words("payment plan ")
      o.put(plan)
      o.words(" from ")
      o.put(start)
      if let end {
        o.words(" to ")
        o.put(end)
      }
      o.words(" (")
      o.put(source)
      o.words(")")
    case .pausedWhen(let cadence, let holding):
      pausedBy(cadence, into: &o)
      o.words("pause when ")
      condition(holding, into: &o)
    case .promiseBroken(let by, let source):
      o.words("promise to pay by ")
      o.put(by)
      o.words(" (")
      o.put(source)
      o.words(") was not kept: dunning resumed")
    case .stepConditionFails(let step, let fellOn, let failing):
      o.words("step ")
      o.put(step)
      o.words(" fell on ")
      o.put(fellOn)
      o.words(" but its condition does not hold: ")
      condition(failing, into: &o)
    case .notYetDue(let cadence, let step, let t, let on):
      o.words("not yet due: the next step of cadence ")
      o.put(cadence)
      o.words(", ")
      o.put(step)
      o.words(" (")
      o.put(timing(t))
      o.words("), falls on ")
      o.put(on)
    case .noStepApplies(let cadence):
      o.words("no step of cadence ")
      o.put(cadence)
      o.words(" applies")
    case .alreadySent(let step, let cadence, let on, let key, let next):
      o.words("already sent: step ")
      o.put(step)
      o.words(" of cadence ")
      o.put(cadence)
      o.words(" on ")
      o.put(on)
      o.words(" (")
      o.put(key)
      o.words(")")
      if let next {
        o.words("; the next step, ")
        o.put(next.step)
        o.words(", falls on ")
        o.put(next.fallsOn)
      }
    case .stepFell(let step, let label, let rule, let t, let due, let fellOn, let calendar):
      o.words("step ")
      o.put(step)
      o.words(" ")
      o.quote()
      o.put(label)
      o.quote()
      o.words(" (")
      o.put(rule)
      o.words("): ")
      o.put(timing(t))
      o.words(", due ")
      o.put(due)
      o.words(" -> ")
      o.put(fellOn)
      if let calendar {
        o.words(" on calendar ")
        o.put(calendar)
      }
    case .stepWhen(let c):
      o.words("  when ")
      condition(c, into: &o)
    case .catchUp(let skipped):
      o.words("catch-up: only the latest step due is sent; skipped ")
      o.put(skipped, separator: ", ")
    case .alreadyProduced(let key):
      o.words("already produced: ")
      o.put(key)
    case .minimumGap(let days, let business, let rule, let last, let next):
      o.words("minimum gap of ")
      o.put(days)
      o.words(business ? " business days (" : " days (")
      o.put(rule)
      o.words("): the customer was last reminded on ")
      o.put(last)
      o.words("; next reminder on ")
      o.put(next)
      o.words(" at the earliest")
    case .coveredBy(let key, let driver):
      o.words("covered by reminder ")
      o.put(key)
      o.words(", driven by the oldest invoice ")
      o.put(driver)
    case .fires(let key):
      o.words("fires: reminder ")
      o.put(key)
    case .grouped(let n, let driver):
      o.words("one reminder per customer: covers ")
      o.put(n)
      o.words(" invoices; the oldest, ")
      o.put(driver)
      o.words(", drives the step")
    case .noRecipient(let channel, let template, let rule):
      o.words("the step's ")
      o.put(channel.rawValue)
      o.words(" '")
      o.put(template)
      o.words("' has no recipient on file (")
      o.put(rule)
      o.words(")")
    case .openBalanceOfCovered: o.words("the open balance of the covered invoices")
    case .noPlanTerms(let kind, let id, let hasContract):
      o.words("'")
      o.put(kind.rawValue)
      o.words(kind == .interest ? "' without a rate uses the plan's terms; invoice " : "' without amounts uses the plan's terms; invoice ")
      o.put(id)
      o.words(hasContract ? " has a plan without them" : " has no contract")
    case .lateFeeFrom(let terms):
      o.words("late fee from ")
      o.put(from(terms))
    case .fixedPart(let amount, let currency):
      o.words("fixed part ")
      o.put(money: Money(amount: amount, currency: currency))
    case .percentPart(let rate, let of, let currency, let part):
      o.put(percent(rate))
      o.words("% of ")
      o.put(money: Money(amount: of, currency: currency))
      o.words(" = ")
      o.put(part)
    case .interestRate(let rate, let per, let dayCount, let terms):
      o.words("interest at ")
      o.put(interestRate(rate, per))
      o.words(", ")
      o.put(dayCount.rawValue)
      o.words(", from ")
      o.put(from(terms))
    case .interestOn(let id, let balance, let currency, let days, let counted, let dayCount, let since, let part):
      o.put(id)
      o.words(": ")
      o.put(money: Money(amount: balance, currency: currency))
      o.words(" x ")
      o.put(days)
      o.words(" days since ")
      o.put(since)
      if counted != days {
        o.words(" (")
        o.put(counted)
        o.words(" by ")
        o.put(dayCount.rawValue)
        o.words(")")
      }
      o.words(" = ")
      o.put(part)
    case .rounded(let mode, let amount, let currency):
      o.words("rounded ")
      o.put(mode.rawValue)
      o.words(" to ")
      o.put(money: Money(amount: amount, currency: currency))
    }
  }

  /// "cadence NAME (FILE:LINE)".
  static func cadenceAndRule<S: SentenceSink & ~Copyable>(_ cadence: String, _ rule: RuleRef, into o: inout S) {
    o.words("cadence ")
    o.put(cadence)
    o.words(" (")
    o.put(rule)
    o.words(")")
  }

  /// "paused by cadence NAME: ".
  static func pausedBy<S: SentenceSink & ~Copyable>(_ cadence: String, into o: inout S) {
    o.words("paused by cadence ")
    o.put(cadence)
    o.words(": ")
  }

  /// "'invoice.balance >= 500.00 USD' is false (invoice.balance = 100.00 USD)".
  static func condition(_ c: CollectionsStep.ConditionSeen) -> String {
    var t = SentenceText()
    condition(c, into: &t)
    return t.text
  }

  static func condition<S: SentenceSink & ~Copyable>(_ c: CollectionsStep.ConditionSeen, into o: inout S) {
    o.words("'")
    o.put(c.text)
    o.words(c.result ? "' is true" : "' is false")
    guard !c.fields.isEmpty else { return }
    o.words(" (")
    for k in c.fields.indices {
      if k > 0 { o.words(", ") }
      o.put(c.fields[k].record.rawValue)
      o.words(".")
      o.put(c.fields[k].name)
      o.words(" = ")
      if case .money(let m, let cur) = c.fields[k].value { o.put(money: Money(amount: m, currency: cur)) } else { o.put(c.fields[k].value.description) }
    }
    o.words(")")
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
