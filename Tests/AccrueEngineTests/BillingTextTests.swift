import AccrueCore
import AccrueModel
import AccrueRender
import Testing

/// Billing's explanation steps, line kinds and payment terms in words: the sentences `--explain` prints.
@Suite("Billing in words")
struct BillingTextTests {
  static func fixed(_ s: String) -> Fixed { Fixed.parse(Array(s.utf8))! }

  @Test("each step becomes its sentence")
  func sentences() {
    let rule = RuleRef(file: "rules/plans.accrue", line: 12)
    let rows = [RowRef(file: "usage.csv", line: 2), RowRef(file: "usage.csv", line: 5)]
    let cases: [(BillingStep, String)] = [
      (.charge(rule: rule, name: "seats"), "rule rules/plans.accrue:12: charge seats"),
      (
        .usageEvents(events: 2, first: CivilDate.parse("2026-10-01")!, last: CivilDate.parse("2026-10-31")!, firstRows: rows),
        "2 event(s) from 2026-10-01 to 2026-10-31, first rows usage.csv:2, usage.csv:5"
      ),
      (.perUnit(quantity: 4, unitPrice: Self.fixed("12.5"), currency: .USD, amount: 50), "4 x 12.5 USD = 50"),
      (
        .graduatedTier(from: 1, to: 100, units: 100, unitPrice: Self.fixed("0.1"), flatFee: 5, amount: 15),
        "tier 1 to 100: 100 x 0.1 + flat 5 = 15"
      ),
      (.volumeTier(from: 101, to: nil, quantity: 150, unitPrice: 2, flatFee: nil, amount: 300), "volume tier 101 and above: 150 x 2 = 300"),
      (.prorated(days: 10, fullDays: 30, amount: 30, prorated: 10), "prorated 10 of 30 days: 30 x 10 / 30 = 10"),
      (.rounded(.halfEven, places: 2, amount: Self.fixed("0.12")), "rounded half even to 2 decimals: 0.12"),
      (
        .freeAllowance(transactions: .number(1), volume: nil, freeCount: 1, transactionCount: 4, volumeFree: .zero),
        "free: the first 1 transactions of the period, in date order: 1 of 4 transaction(s) free"
      ),
      (
        .percentDiscount(rule: rule, rate: Self.fixed("0.1"), base: 50, amount: -5, rounding: .halfEven),
        "rule rules/plans.accrue:12: discount 10% of 50 = -5, rounded half even"
      ),
      (.trueUp(spend: 150, trueUp: 100), "spend of the period (its in-advance and in-arrears lines) 150; true-up 100"),
    ]
    for (step, sentence) in cases { #expect(BillingText.sentence(step) == sentence) }
  }

  @Test("steps are recorded only when the invoice is being explained")
  func onlyWhenExplaining() {
    var built = 0
    func step() -> BillingStep {
      built += 1
      return .noUnits
    }
    var quiet = BillingSteps(explaining: false)
    quiet.add(step())
    #expect(quiet.list.isEmpty && built == 0)
    var explaining = BillingSteps(explaining: true)
    explaining.add(step())
    #expect(explaining.list.count == 1 && built == 1)
  }

  @Test("line kinds and terms in the words outputs print")
  func kindsAndTerms() {
    func line(_ kind: InvoiceLine.Kind, _ charge: String?) -> InvoiceLine {
      InvoiceLine(
        description: "", kind: kind, charge: charge, amount: .zero, periodStart: CivilDate.parse("2026-10-01")!,
        periodEnd: CivilDate.parse("2026-11-01")!, rule: RuleRef(file: "r", line: 1), explanation: [])
    }
    #expect(BillingText.chargeColumn(line(.charge, "base")) == "base")
    #expect(BillingText.chargeColumn(line(.discount, "Promo")) == "discount:Promo")
    #expect(BillingText.chargeColumn(line(.discount, nil)) == "discount:discount")
    #expect(BillingText.chargeColumn(line(.minimumTrueUp, nil)) == "minimum")
    #expect(BillingText.terms(.net(.days(30))) == "net 30 days")
    #expect(BillingText.terms(.dayOfNextMonth(10)) == "day 10 of next month")
  }
}
