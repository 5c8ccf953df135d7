import AccrueBilling
import AccrueCore
import AccrueData
import AccrueModel
import AccrueRender
import Testing

/// Upgrades and downgrades (grammar.md §6.11), with the published numbers:
/// - Stripe (https://docs.stripe.com/billing/subscriptions/prorations): 10 USD a month to 20 USD halfway through
///   the period: -5 USD for the unused time on the old price, +10 USD for the remaining time on the new one.
/// - Lago (https://getlago.com/docs/guide/subscriptions/upgrades-downgrades): an upgrade applies at once, a
///   downgrade at the end of the current billing period; Plan A (100 EUR a month, in arrears, calendar) upgraded
///   to Plan B (200 EUR) on January 15th: A for 14 days = 45.16 (14/31 x 100).
/// - Kill Bill's IMMEDIATE / END_OF_TERM change policies, Chargebee's "change at end of term": the same two choices.
@Suite("Plan changes: upgrades and downgrades")
struct PlanChangeTests {
  static func rules(policy: Bool = true, timing: String = "advance", currency: String = "USD", low: String = "10.00", high: String = "20.00") -> String {
    let p = policy ? "  upgrade immediately with proration\n  downgrade at end of period\n" : ""
    return """
      currency \(currency)
      plan a {
        period monthly
        align to calendar
        bill in \(timing)
        charge base "Plan A" { flat \(low) \(currency) }
      \(p)}
      plan b {
        period monthly
        align to calendar
        bill in \(timing)
        charge base "Plan B" { flat \(high) \(currency) }
      \(p)}
      """
  }

  static func bill(
    _ rules: String, from: String, to: String, start: String, change: String, asOf: String, since: String
  ) throws -> BillingResult {
    let (r, issues) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,\(from),\(start)\n",
        "contract_changes.csv": "contract,date,plan\nk1,\(change),\(to)\n",
      ], asOf: asOf, since: since)
    #expect(issues.isEmpty, "\(issues)")
    return r
  }

  @Test("Stripe: 10 USD to 20 USD halfway through April, an upgrade: -5.00 and +10.00 on May's invoice, May at 20.00")
  func stripeUpgrade() throws {
    let r = try Self.bill(Self.rules(), from: "a", to: "b", start: "2026-04-01", change: "2026-04-16", asOf: "2026-05-01", since: "2026-04-30")
    let inv = try #require(r.invoices.first { $0.key == "k1/2026-05-01" })
    #expect(inv.lines.map(\.amount.description) == ["20", "-5", "10"])
    #expect(inv.total.description == "25")
  }

  @Test("Lago: Plan A 100 EUR in arrears to Plan B 200 EUR on January 15th: 45.16 for A's 14 days, 109.68 for B's 17")
  func lagoUpgrade() throws {
    let r = try Self.bill(
      Self.rules(timing: "arrears", currency: "EUR", low: "100.00", high: "200.00"), from: "a", to: "b", start: "2026-01-01",
      change: "2026-01-15", asOf: "2026-02-01", since: "2026-01-31")
    let inv = try #require(r.invoices.first { $0.key == "k1/2026-02-01" })
    #expect(inv.lines.map(\.amount.description) == ["45.16", "109.68"])
  }

  @Test("Lago: a downgrade waits for the end of the period: January is Plan B's in full, February Plan A's")
  func lagoDowngrade() throws {
    let r = try Self.bill(
      Self.rules(timing: "arrears", currency: "EUR", low: "100.00", high: "200.00"), from: "b", to: "a", start: "2026-01-01",
      change: "2026-01-15", asOf: "2026-03-01", since: "2026-01-31")
    #expect(r.invoices.first { $0.key == "k1/2026-02-01" }?.lines.map(\.amount.description) == ["200"])
    #expect(r.invoices.first { $0.key == "k1/2026-03-01" }?.lines.map(\.amount.description) == ["100"])
    // The change's row is cited by the invoice its plan starts on.
    #expect(r.invoices.first { $0.key == "k1/2026-03-01" }?.sources.contains { $0.description.hasSuffix("contract_changes.csv:2") } == true)
  }

  @Test("in advance, a downgrade at end of period: nothing credited, the next period at the cheaper plan")
  func advanceDowngrade() throws {
    let r = try Self.bill(Self.rules(), from: "b", to: "a", start: "2026-04-01", change: "2026-04-16", asOf: "2026-05-01", since: "2026-04-30")
    let inv = try #require(r.invoices.first { $0.key == "k1/2026-05-01" })
    #expect(inv.lines.map(\.amount.description) == ["10"])
  }

  @Test("without a policy the same downgrade takes effect as written (as before §6.11): -10.00 + 5.00")
  func noPolicy() throws {
    let r = try Self.bill(
      Self.rules(policy: false), from: "b", to: "a", start: "2026-04-01", change: "2026-04-16", asOf: "2026-05-01", since: "2026-04-30")
    #expect(r.invoices.first { $0.key == "k1/2026-05-01" }?.lines.map(\.amount.description) == ["10", "-10", "5"])
  }

  @Test("equal daily prices are neither: the change takes effect as written, under any policy")
  func equalPrices() throws {
    let r = try Self.bill(
      Self.rules(high: "10.00"), from: "b", to: "a", start: "2026-04-01", change: "2026-04-16", asOf: "2026-05-01", since: "2026-04-30")
    #expect(r.invoices.first { $0.key == "k1/2026-05-01" }?.lines.map(\.amount.description) == ["10", "-5", "5"])
  }

  @Test("--explain: the decision, the day written, the day it takes effect and the plan's rule")
  func explained() throws {
    let p = try Run.plan(Self.rules())
    let folder = try Run.folder([
      "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,b,2026-03-01\n",
      "contract_changes.csv": "contract,date,plan\nk1,2026-03-10,a\n",
    ])
    let (data, _) = Dataset.load(folder: folder, plan: p)
    let (r, _) = Billing.run(
      plan: p, data: data, asOf: CivilDate.parse("2026-04-01")!, since: CivilDate.parse("2026-03-31"), explain: "k1/2026-04-01")
    let line = try #require(r.invoices.first?.lines.first)
    let text = BillingText.explanation(line)
    #expect(
      text.first?.hasPrefix("downgrade from b to a on 2026-03-10 takes effect 2026-04-01, the end of its billing period: plan rule ") == true,
      "\(text)")
    #expect(text.first?.contains(":16 (") == true && text.first?.contains("contract_changes.csv:2") == true, "\(text)")
    #expect(text.first?.hasSuffix("daily price 20.00 USD / 31 days before, 10.00 USD / 31 days after") == true, "\(text)")
  }

  @Test("compile --emit plan shows each policy with its rule, and nothing for a plan without one")
  func planJSON() throws {
    let text = PlanJSON.render(try Run.plan(Self.rules())).serialized(pretty: false)
    #expect(text.contains(#""upgrade":{"policy":"immediately with proration","rule":"#), "\(text)")
    #expect(text.contains(#""downgrade":{"policy":"at end of period","rule":"#))
    #expect(!PlanJSON.render(try Run.plan(Self.rules(policy: false))).serialized(pretty: false).contains("upgrade"))
  }

  @Test("a row written before a pending downgrade's day replaces it: the later row's plan from its own day")
  func pendingReplaced() throws {
    let (r, issues) = try Run.billing(
      Self.rules(),
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,b,2026-04-01\n",
        // b to a on the 10th (a downgrade, pending until May 1st), then a to b on the 20th: b all along.
        "contract_changes.csv": "contract,date,plan\nk1,2026-04-10,a\nk1,2026-04-20,b\n",
      ], asOf: "2026-05-01", since: "2026-04-30")
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.invoices.first { $0.key == "k1/2026-05-01" }?.lines.map(\.amount.description) == ["20"])
  }
}
