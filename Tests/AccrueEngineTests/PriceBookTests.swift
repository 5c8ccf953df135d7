import AccrueBilling
import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import AccrueRender
import Testing

/// Price books (grammar.md §6.2): one plan priced in several currencies, the contract's currency choosing, never a
/// conversion. The prices are Kill Bill's published SpyCarBasic catalog
/// (https://github.com/killbill/killbill/blob/master/catalog/src/test/resources/SpyCarBasic.xml, the catalog of the
/// Kill Bill subscription tutorial, https://docs.killbill.io/latest/userguide_subscription.html): standard-monthly
/// 100.00 USD or 75.00 GBP a month after a 30-day trial, sports-monthly 500.00 USD or 375.00 GBP, super-monthly
/// 1,000.00 USD or 750.00 GBP; and Stripe's published graduated tiers in USD
/// (https://docs.stripe.com/products-prices/pricing-models#tiered-pricing: 1-5 at 7.00, 6-10 at 6.50, 11+ at 6.00;
/// 6 units = 41.50), beside GBP tiers of our own.
@Suite("Price books: one plan, several currencies")
struct PriceBookTests {
  static let rules = """
    month end clamp
    plan standard "Standard" {
      currency USD, GBP
      period monthly
      bill in advance
      trial 30 days then new cycle
      charge car "Standard car" { flat [100.00 USD, 75.00 GBP] }
    }
    plan super "Super" {
      currency USD, GBP
      period monthly
      bill in advance
      trial 30 days then new cycle
      charge car "Super car" { flat [1_000.00 USD, 750.00 GBP] }
      charge drivers "Extra drivers" {
        quantity contract.seats
        tiers graduated {
          1 to 5 at [7.00 USD, 5.50 GBP]
          6 to 10 at [6.50 USD, 5.00 GBP]
          11 and above at [6.00 USD, 4.50 GBP]
        }
      }
      discount "Loyalty" [10.00 USD, 8.00 GBP]
      tax "VAT" 20% exclusive when customer.country = "GB"
    }
    """

  static let customers = "id,name,country\nacme,Acme Motors,US\nbrompton,Brompton Cars,GB\n"

  static func run(_ contracts: String, asOf: String = "2026-01-31") throws -> (BillingResult, [DataIssue]) {
    try Run.billing(rules, ["customers.csv": customers, "contracts.csv": contracts], asOf: asOf, since: "2025-12-31")
  }

  @Test("Kill Bill SpyCarBasic: standard-monthly bills 100.00 USD or 75.00 GBP after the 30-day trial, by the contract's currency")
  func standardByCurrency() throws {
    let (r, issues) = try Self.run(
      "id,customer,plan,start_date,currency\nk1,acme,standard,2026-01-01,USD\nk2,brompton,standard,2026-01-01,GBP\n")
    #expect(issues.isEmpty, "\(issues)")
    let byKey = Dictionary(uniqueKeysWithValues: r.invoices.map { ($0.key, $0) })
    let usd = try #require(byKey["k1/2026-01-31"])
    let gbp = try #require(byKey["k2/2026-01-31"])
    #expect(usd.currency == .USD && usd.total.description == "100")
    #expect(gbp.currency == .GBP && gbp.total.description == "75")
    // The trial's invoice at the start bills nothing; the next period is a whole month at the price.
    #expect(usd.periodStart.description == "2026-01-31")
  }

  @Test("tiers per currency: 6 drivers = 41.50 USD (Stripe's published figure) or 32.50 GBP; the discount and tax in the contract's currency")
  func tiersAndDiscountPerCurrency() throws {
    let (r, issues) = try Self.run(
      "id,customer,plan,start_date,seats,currency\nk1,acme,super,2026-01-01,6,USD\nk2,brompton,super,2026-01-01,6,GBP\n")
    #expect(issues.isEmpty, "\(issues)")
    let usd = try #require(r.invoices.first { $0.key == "k1/2026-01-31" })
    let gbp = try #require(r.invoices.first { $0.key == "k2/2026-01-31" })
    #expect(Run.amounts(usd) == ["1000", "41.5", "-10"])
    #expect(usd.total.description == "1031.5")
    // 750.00 + 32.50 - 8.00 = 774.50, VAT 20% 154.90: 929.40 GBP.
    #expect(Run.amounts(gbp) == ["750", "32.5", "-8"])
    #expect(gbp.total.description == "929.4")
  }

  @Test("--explain says which currency priced the line")
  func explained() throws {
    let p = try Run.plan(Self.rules)
    let folder = try Run.folder([
      "customers.csv": Self.customers, "contracts.csv": "id,customer,plan,start_date,currency\nk2,brompton,standard,2026-01-01,GBP\n",
    ])
    let (data, issues) = Dataset.load(folder: folder, plan: p)
    #expect(issues.isEmpty)
    let (r, _) = Billing.run(
      plan: p, data: data, asOf: CivilDate.parse("2026-01-31")!, since: CivilDate.parse("2025-12-31"), explain: "k2/2026-01-31")
    let line = try #require(r.invoices.first { $0.key == "k2/2026-01-31" }?.lines.first)
    #expect(BillingText.explanation(line).contains("priced in GBP, the contract's currency, from the plan's prices in USD, GBP"))
  }

  @Test("a contract in a currency the plan has no price in, or with none, is a located data error (D0306)")
  func contractCurrencyNotOffered() throws {
    let (_, issues) = try Self.run(
      "id,customer,plan,start_date,currency\nk1,acme,standard,2026-01-01,EUR\nk2,acme,standard,2026-01-01,\n")
    let d0306 = issues.filter { $0.code == "D0306" }.sorted { $0.line < $1.line }
    #expect(d0306.count == 2)
    #expect(d0306.first?.line == 2)
    #expect(d0306.first?.message.contains("plan 'standard' has no price in EUR: it is priced in USD, GBP") == true)
    #expect(d0306.last?.message.contains("write the contract's currency (one of USD, GBP)") == true)
  }

  static func diagnostics(_ rules: String) -> [Diagnostic] {
    let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", rules)])
    return Frontend.check(load).1.filter { $0.severity == .error }
  }

  @Test("a price missing a currency the plan offers, or naming one it does not, is E0402 at the price")
  func chargeMissingCurrency() {
    let diags = Self.diagnostics(
      """
      plan p {
        currency USD, GBP
        period monthly
        align to calendar
        charge a { flat 10.00 USD }
        charge b { flat [10.00 USD, 8.00 EUR] }
        charge c {
          quantity contract.seats
          tiers volume {
            1 to 5 at [1.00 USD, 0.80 GBP]
            6 and above at [0.90 USD, 0.70 GBP] plus flat 5.00 USD
          }
        }
      }
      """)
    let messages = diags.map { "\($0.code.id) \($0.message)" }
    #expect(messages.contains("E0402 a flat price is only in USD, and plan 'p' is priced in USD, GBP"), "\(messages)")
    #expect(messages.contains("E0402 a flat price has no amount in GBP, and plan 'p' is priced in USD, GBP"), "\(messages)")
    #expect(messages.contains("E0402 a flat price gives an amount in EUR, a currency plan 'p' does not offer (it is priced in USD, GBP)"))
    #expect(messages.contains("E0402 a tier's flat fee is only in USD, and plan 'p' is priced in USD, GBP"), "\(messages)")
    #expect(diags.count == 4, "\(messages)")
    #expect(diags.first?.help?.contains("[10.00 USD, ... GBP]") == true)
  }

  @Test("a plan of one currency is unchanged, and 'currency' stated twice with a price book is E0506")
  func oneCurrencyAndRepeats() {
    #expect(
      Self.diagnostics("plan p {\n  currency USD\n  period monthly\n  align to calendar\n  charge a { flat 10.00 USD }\n}\n").isEmpty)
    let twice = Self.diagnostics(
      "plan p {\n  currency USD, GBP\n  currency USD\n  period monthly\n  align to calendar\n  charge a { flat [1.00 USD, 1.00 GBP] }\n}\n")
    #expect(twice.map(\.code.id) == ["E0506"])
  }
}
