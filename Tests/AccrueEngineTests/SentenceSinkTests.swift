import AccrueCore
import AccrueModel
import Testing

@testable import AccrueRender

/// Explanations' sentences written piece by piece (`SentenceSink`) into a string and into a JSON string literal,
/// against the sentences as they were made before (string interpolation, kept here as the plain definition), and
/// amounts written in place (`JSONWriter.amount`) against `Fixed.formatted`.
struct SentenceSinkTests {
  /// What the writer writes for a sentence: the JSON string literal of the sentence made whole.
  static func literal(_ s: String) -> String {
    var out: [UInt8] = []
    JSON.escape(s, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  static func inJSON(_ body: (inout JSONWriter) -> Void) -> String {
    var w = JSONWriter(arrayMembersAt: 0, itemsBefore: false, capacity: 64)
    w.openString()
    body(&w)
    w.closeString()
    return w.string
  }

  @Test func amountsInPlace() {
    let raws: [Int128] = [
      0, 1, -1, 5, -5_000_000_000_000_000, 4_999_999_999_999_999, 1_000_000_000_000_000_000, -1_000_000_000_000_000_000,
      123_456_789_123_456_789_123, -987_654_321_000_000_000_000_000, 999_999_999_999_999_999_999_999,
      Int128(UInt64.max) * 1_000_000_000_000_000_000 - 1, Int128(UInt64.max) * 1_000_000_000_000_000_000,
      -(Int128(UInt64.max) * 1_000_000_000_000_000_000) - 7, Int128.max, Int128.min + 1, 12_345_000_000_000_000_000_000_000,
    ]
    for raw in raws {
      let v = Fixed(raw: raw)
      for places in [-1, 0, 1, 2, 3, 4, 17, 18, 19, 24] {
        for grouping in [false, true] {
          let expected = v.formatted(places: places, grouping: grouping)
          var w = JSONWriter(arrayMembersAt: 0, itemsBefore: false, capacity: 64)
          w.amount(v, places: places, grouping: grouping)
          #expect(w.string == expected, "\(raw) places \(places) grouping \(grouping)")
        }
      }
      var w = JSONWriter(arrayMembersAt: 0, itemsBefore: false, capacity: 64)
      w.open("{")
      w.field("a", amount: v, places: 2)
      w.field("b", amount: nil, places: 2)
      w.close("}")
      #expect(w.string == JSON.object([("a", .string(v.formatted(places: 2))), ("b", .null)]).serialized(pretty: true))
    }
  }

  static let rule = MatchRuleName(name: "odd \"rule\"\\", source: RuleRef(file: "rules/m\u{1}.accrue", line: 16))
  static let usd = Currency.USD
  static func m(_ raw: Int128, _ c: Currency = .USD) -> Money { Money(amount: Fixed(raw: raw), currency: c) }

  static let cashSteps: [CashStep.Finding] = {
    let diffs: [CashDifference?] = [
      nil, .discountTaken(m(20_000_000_000_000_000_000)), .overpaid(by: m(5_000_000_000_000_000_000), within: true, tolerance: m(10_000_000_000_000_000_000), statedIn: []),
      .short(by: m(1_234_567_000_000_000_000_000), within: false, tolerance: m(10_000_000_000_000_000_000, .EUR), statedIn: [.EUR, .USD]),
      .shortOfDiscounted(
        by: m(5_000_000_000_000_000_000), discounted: m(980_000_000_000_000_000_000), discount: m(20_000_000_000_000_000_000), within: true,
        tolerance: m(9_800_000_000_000_000_000), statedIn: [.EUR]),
    ]
    var out: [CashStep.Finding] = [
      .forCurrencyOnly(.EUR), .conditionsNeedPayer, .conditionFalse("payment.amount > 100.00 USD \"x\""),
      .payerNotFound(by: [.reference, .account, .name], orCustomerNamed: true), .payerNotFound(by: [.name], orCustomerNamed: false),
      .noReferenceFound, .ambiguousReference("INV-1", invoices: ["INV-1", "INV-1é"]), .noOpenInvoiceNamed(references: ["INV-9", "X"]),
      .customerNamed(reference: "CUST-7", customer: "C-7"), .customerNamedNotPayer(reference: "CUST-7", customer: "C-7", payer: "C-2"),
      .severalOfAmount, .noMatch, .decided(.namesOtherCurrency(invoice: "INV-1", .EUR)), .decided(.namesHeld(invoice: "INV-1", payment: "P-2")),
      .decided(.namesPaid(invoice: "INV-1")), .decided(.namesTooMany), .decided(.noMatch),
    ]
    for d in diffs {
      out.append(.decided(.chose(.namedInReference(count: 2), invoices: ["INV-1", "INV-2"], open: m(1_200_000_000_000_000_000_000), difference: d)))
      out.append(.decided(.chose(.allocation(.oldestFirst), invoices: ["INV-3"], open: m(-5), difference: d)))
    }
    return out
  }()

  @Test func cashSentences() {
    for f in Self.cashSteps {
      let s = CashStep(rule: Self.rule, finding: f)
      let plain = Self.plainCash(s)
      #expect(Array(CashText.sentence(s).utf8) == Array(plain.utf8))
      #expect(Array(Self.inJSON { CashText.write(s, into: &$0) }.utf8) == Array(Self.literal(plain).utf8))
    }
  }

  static func seen(_ result: Bool, _ fields: Bool) -> CollectionsStep.ConditionSeen {
    CollectionsStep.ConditionSeen(
      text: "customer.balance >= 500.00 USD \"q\"", result: result,
      fields: fields
        ? [
          CollectionsStep.FieldSeen(record: .customer, name: "balance", value: .money(Fixed(raw: 1_234_500_000_000_000_000_000), .USD)),
          CollectionsStep.FieldSeen(record: .invoice, name: "note", value: .text("a\tb")),
          CollectionsStep.FieldSeen(record: .invoice, name: "n", value: .number(Fixed(raw: 1_500_000_000_000_000_000))),
        ] : [])
  }

  static let collectionSteps: [CollectionsStep] = {
    let r = RuleRef(file: "rules/dunning.accrue", line: 9, column: 5)
    let d = CivilDate(year: 2026, month: 10, day: 16)!
    let e = CivilDate(year: 2026, month: 11, day: 1)!
    let row = RowRef(file: "data/promises.csv", line: 3)
    let f = Fixed(raw: 1_234_567_500_000_000_000_000)
    return [
      .notOpen(invoice: "INV-1", status: .paid), .creditNote(invoice: "CN-1"), .nothingLeftToPay(invoice: "INV-1"),
      .heldForReview(step: "first", reason: "payment P-1 waits \"x\""),
      .cadenceTakesOtherCurrency(cadence: "std", rule: r, takes: .EUR, invoice: .USD),
      .cadenceDoesNotApply(cadence: "std", rule: r, failing: seen(false, true)), .noCadenceApplies(invoice: "INV-1"),
      .cadenceChosen(cadence: "std", label: "Standard \"one\"", rule: r), .appliesWhen(seen(true, false)), .appliesWhen(seen(true, true)),
      .pausedOnDispute(cadence: "std", open: f, currency: .USD), .pausedOnCreditHold(cadence: "std"),
      .pausedOnPromise(cadence: "std", promisedBy: d, source: row),
      .pausedOnPaymentPlan(cadence: "std", plan: "pp1", start: d, end: nil, source: row),
      .pausedOnPaymentPlan(cadence: "std", plan: "pp1", start: d, end: e, source: row), .pausedWhen(cadence: "std", holding: seen(true, true)),
      .promiseBroken(promisedBy: d, source: row), .stepConditionFails(step: "second", fellOn: d, failing: seen(false, false)),
      .notYetDue(cadence: "std", step: "third", timing: ReminderTiming(offset: 5, business: true), fallsOn: e),
      .notYetDue(cadence: "std", step: "third", timing: ReminderTiming(offset: -900, business: false), fallsOn: e),
      .noStepApplies(cadence: "std"), .alreadySent(step: "first", cadence: "std", sentOn: d, key: "rem:1", next: nil),
      .alreadySent(step: "first", cadence: "std", sentOn: d, key: "rem:1", next: CollectionsStep.NextStep(step: "second", fallsOn: e)),
      .stepFell(step: "first", label: "First", rule: r, timing: ReminderTiming(offset: 0, business: false), due: d, fellOn: e, calendar: nil),
      .stepFell(step: "first", label: "Fé", rule: r, timing: ReminderTiming(offset: 3, business: false), due: d, fellOn: e, calendar: "uk"),
      .stepWhen(seen(true, true)), .catchUp(skipped: ["first", "second"]), .alreadyProduced(key: "rem:1"),
      .minimumGap(days: 7, business: true, rule: r, lastReminded: d, next: e), .minimumGap(days: 1, business: false, rule: r, lastReminded: d, next: e),
      .coveredBy(key: "rem:1", driver: "INV-1"), .fires(key: "rem:1"), .grouped(invoices: 12, driver: "INV-1"),
      .noRecipient(channel: .email, template: "first_notice", rule: r), .openBalanceOfCovered,
      .noPlanTerms(kind: .interest, invoice: "INV-1", hasContract: true), .noPlanTerms(kind: .lateFee, invoice: "INV-1", hasContract: false),
      .lateFeeFrom(.step(name: "third", rule: r)), .lateFeeFrom(.plan(name: "pro")), .fixedPart(f, .USD),
      .percentPart(rate: Fixed(raw: 15_000_000_000_000_000), of: f, currency: .EUR, part: Fixed(raw: 18_518_512_500_000_000_000)),
      .interestRate(rate: Fixed(raw: 15_000_000_000_000_000), per: .month, dayCount: .actual360, from: .plan(name: "pro")),
      .interestRate(rate: Fixed(raw: 120_000_000_000_000_000), per: .year, dayCount: .actual365, from: .step(name: "x", rule: r)),
      .interestOn(invoice: "INV-1", balance: f, currency: .USD, days: 31, counted: 30, dayCount: .thirty360, since: d, part: Fixed(150)),
      .interestOn(invoice: "INV-1", balance: f, currency: .USD, days: 31, counted: 31, dayCount: .actual365, since: d, part: Fixed(raw: -5)),
      .rounded(.halfEven, f, .USD),
      // Texts beyond ASCII, equal as strings but not in bytes: each written as its own bytes.
      .catchUp(skipped: ["caf\u{E9}"]), .catchUp(skipped: ["cafe\u{301}"]),
      .appliesWhen(CollectionsStep.ConditionSeen(
        text: "customer.segment = \"x\"", result: true,
        fields: [CollectionsStep.FieldSeen(record: .customer, name: "segment", value: .list([.text("US"), .text("cafe\u{301}")]))])),
    ]
  }()

  @Test func collectionsSentences() {
    for s in Self.collectionSteps {
      let plain = Self.plainCollections(s)
      #expect(Array(CollectionsSentences.sentence(s).utf8) == Array(plain.utf8), "\(s)")
      #expect(Array(Self.inJSON { CollectionsSentences.write(s, into: &$0) }.utf8) == Array(Self.literal(plain).utf8), "\(s)")
    }
  }

  // MARK: The sentences as they were made before (string interpolation)

  static func plainMoney(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }
  static func cashMoney(_ m: Money) -> String { m.formatted(grouping: true) }

  static func plainCash(_ s: CashStep) -> String { "rule \(s.rule.name) (\(s.rule.source)): " + plainFinding(s.finding) }

  static func plainFinding(_ f: CashStep.Finding) -> String {
    switch f {
    case .forCurrencyOnly(let c): "for \(c.code) payments only"
    case .conditionsNeedPayer: "its conditions read the customer, and the payer is unknown"
    case .conditionFalse(let text): "'\(text)' is false"
    case .payerNotFound(let methods, let orCustomer):
      "payer not found (by \(methods.map(\.rawValue).joined(separator: ", "))\(orCustomer ? ", or a customer its references name" : ""))"
    case .noReferenceFound: "no reference found"
    case .ambiguousReference(let r, let invoices): "'\(r)' could be any of \(invoices.joined(separator: ", "))"
    case .noOpenInvoiceNamed(let refs): "found \(refs.map { "'\($0)'" }.joined(separator: ", ")), no open invoice"
    case .customerNamed(let r, let c): "'\(r)' names customer \(c)"
    case .customerNamedNotPayer(let r, let c, let p): "'\(r)' names customer \(c), but the payer is \(p)"
    case .severalOfAmount: "several open invoices have this amount"
    case .noMatch: "no match"
    case .decided(let d): plainDecision(d)
    }
  }

  static func plainDecision(_ d: CashDecision) -> String {
    switch d {
    case .chose(let s, let invoices, let open, let difference):
      "\(CashText.strategy(s)): \(invoices.joined(separator: ", ")), open \(cashMoney(open))" + (difference.map { "; " + plainDifference($0) } ?? "")
    case .namesOtherCurrency(let i, let c): "names \(i) in \(c.code)"
    case .namesHeld(let i, let payment): "names \(i), held for payment \(payment)"
    case .namesPaid(let i): "names \(i), already paid"
    case .namesTooMany: "names too many invoices"
    case .noMatch: "no match"
    }
  }

  static func plainDifference(_ d: CashDifference) -> String {
    switch d {
    case .discountTaken(let m): "paid within the early-payment discount period: \(cashMoney(m)) discount taken"
    case .overpaid(let by, let within, let tolerance, let stated):
      "overpaid by \(cashMoney(by)), \(within ? "within" : "beyond") the tolerance of \(cashMoney(tolerance))" + statedOnly(stated)
    case .short(let by, let within, let tolerance, let stated):
      "short by \(cashMoney(by)), \(within ? "within" : "beyond") the tolerance of \(cashMoney(tolerance))" + statedOnly(stated)
    case .shortOfDiscounted(let by, let discounted, let discount, let within, let tolerance, let stated):
      "short by \(cashMoney(by)) of the discounted \(cashMoney(discounted)) (early-payment discount \(cashMoney(discount))), "
        + "\(within ? "within" : "beyond") the tolerance of \(cashMoney(tolerance))" + statedOnly(stated)
    }
  }

  /// " (the rule states amounts in EUR, GBP only)" when the rule's amounts leave out the payment's currency.
  static func statedOnly(_ currencies: [Currency]) -> String {
    currencies.isEmpty ? "" : " (the rule states amounts in \(currencies.map(\.code).joined(separator: ", ")) only)"
  }


  static func plainCollections(_ s: CollectionsStep) -> String {
    switch s {
    case .notOpen(let id, let status): "invoice \(id) is \(status.rawValue): only open invoices are dunned"
    case .creditNote(let id): "\(id) is a credit note: credit notes are not dunned"
    case .nothingLeftToPay(let id): "invoice \(id) has nothing left to pay"
    case .heldForReview(let step, let reason): "step \(step) is due, but held: \(reason)"
    case .cadenceTakesOtherCurrency(let cadence, let rule, let takes, let invoice):
      "cadence \(cadence) (\(rule)) takes only \(takes.code) invoices; this one is in \(invoice.code)"
    case .cadenceDoesNotApply(let cadence, let rule, let failing): "cadence \(cadence) (\(rule)) does not apply: \(plainCondition(failing))"
    case .noCadenceApplies(let id): "no cadence applies to invoice \(id)"
    case .cadenceChosen(let cadence, let label, let rule): "cadence \(cadence) \"\(label)\" (\(rule)): the first in rule order that applies"
    case .appliesWhen(let c): "  applies when \(plainCondition(c))"
    case .pausedOnDispute(let cadence, let open, let currency):
      "paused by cadence \(cadence): the whole open amount (\(open) \(currency.code)) is disputed ('pause on dispute')"
    case .pausedOnCreditHold(let cadence): "paused by cadence \(cadence): the customer is on credit hold ('pause on credit hold')"
    case .pausedOnPromise(let cadence, let by, let source): "paused by cadence \(cadence): promise to pay by \(by) (\(source))"
    case .pausedOnPaymentPlan(let cadence, let plan, let start, let end, let source):
      "paused by cadence \(cadence): payment plan \(plan) from \(start)\(end.map { " to \($0)" } ?? "") (\(source))"
    case .pausedWhen(let cadence, let holding): "paused by cadence \(cadence): pause when \(plainCondition(holding))"
    case .promiseBroken(let by, let source): "promise to pay by \(by) (\(source)) was not kept: dunning resumed"
    case .stepConditionFails(let step, let fellOn, let failing):
      "step \(step) fell on \(fellOn) but its condition does not hold: \(plainCondition(failing))"
    case .notYetDue(let cadence, let step, let t, let on):
      "not yet due: the next step of cadence \(cadence), \(step) (\(CollectionsSentences.timing(t))), falls on \(on)"
    case .noStepApplies(let cadence): "no step of cadence \(cadence) applies"
    case .alreadySent(let step, let cadence, let on, let key, let next):
      "already sent: step \(step) of cadence \(cadence) on \(on) (\(key))"
        + (next.map { "; the next step, \($0.step), falls on \($0.fallsOn)" } ?? "")
    case .stepFell(let step, let label, let rule, let t, let due, let fellOn, let calendar):
      "step \(step) \"\(label)\" (\(rule)): \(CollectionsSentences.timing(t)), due \(due) -> \(fellOn)\(calendar.map { " on calendar \($0)" } ?? "")"
    case .stepWhen(let c): "  when \(plainCondition(c))"
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
    case .lateFeeFrom(let terms): "late fee from \(CollectionsSentences.from(terms))"
    case .fixedPart(let amount, let currency): "fixed part \(plainMoney(amount, currency))"
    case .percentPart(let rate, let of, let currency, let part): "\(CollectionsSentences.percent(rate))% of \(plainMoney(of, currency)) = \(part)"
    case .interestRate(let rate, let per, let dayCount, let terms):
      "interest at \(CollectionsSentences.interestRate(rate, per)), \(dayCount.rawValue), from \(CollectionsSentences.from(terms))"
    case .interestOn(let id, let balance, let currency, let days, let counted, let dayCount, let since, let part):
      "\(id): \(plainMoney(balance, currency)) x \(days) days since \(since)"
        + (counted == days ? "" : " (\(counted) by \(dayCount.rawValue))") + " = \(part)"
    case .rounded(let mode, let amount, let currency): "rounded \(mode.rawValue) to \(plainMoney(amount, currency))"
    }
  }

  /// "'invoice.balance >= 500.00 USD' is false (invoice.balance = 100.00 USD)".
  static func plainCondition(_ c: CollectionsStep.ConditionSeen) -> String {
    let parts = c.fields.map { f in
      let value = if case .money(let m, let cur) = f.value { plainMoney(m, cur) } else { f.value.description }
      return "\(f.record.rawValue).\(f.name) = \(value)"
    }
    return "'\(c.text)' is \(c.result)" + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
  }
}
