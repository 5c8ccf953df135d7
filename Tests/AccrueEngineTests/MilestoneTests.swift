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

/// Milestone billing (grammar.md §6.3), against the published example of invoicefly.com's glossary
/// ("Milestone Billing", https://invoicefly.com/?p=76297): a 100,000 contract billed 20% at site preparation
/// (20,000), 30% at the foundation (30,000), 30% at the structure (30,000) and the rest at handover.
@Suite("Milestone billing")
struct MilestoneTests {
  static let rules = """
    currency USD
    field contract.project_value: money
    plan construction {
      period monthly
      align to calendar
      tax "VAT" 10% exclusive
      charge site "Site preparation" {
        milestone "site-preparation"
        once 20% of contract.project_value
      }
      charge foundation "Foundation" {
        milestone "foundation"
        once 30% of contract.project_value
      }
      charge structure "Structure" {
        milestone "structure"
        once 30% of contract.project_value
      }
      charge monitoring "Monitoring" { flat 100.00 USD }
    }
    """

  static func run(_ milestones: String, asOf: String = "2026-05-31") throws -> (BillingResult, [DataIssue]) {
    try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer,
        "contracts.csv": "id,customer,plan,start_date,project_value\np1,cust-1,construction,2026-03-01,100000.00\n",
        "milestones.csv": "id,contract,milestone,date\n" + milestones,
      ], asOf: asOf, since: "2026-02-28")
  }

  @Test("each milestone reached is an invoice of its own on its day: 20% = 20,000.00, 30% = 30,000.00; periodic charges unchanged")
  func published() throws {
    let (r, issues) = try Self.run("m1,p1,site-preparation,2026-03-10\nm2,p1,foundation,2026-04-22\n")
    #expect(issues.isEmpty, "\(issues)")
    let byKey = Dictionary(uniqueKeysWithValues: r.invoices.map { ($0.key, $0) })
    let site = try #require(byKey["p1/milestone/site-preparation"])
    #expect(site.issueDate.description == "2026-03-10" && site.subtotal.description == "20000")
    #expect(site.total.description == "22000")  // with the plan's 10% tax
    #expect(site.sources.contains { $0.description.hasSuffix("milestones.csv:2") })
    #expect(try #require(byKey["p1/milestone/foundation"]).subtotal.description == "30000")
    // The monthly invoices bill the monitoring only: the milestone charges are not billed per period.
    let march = try #require(byKey["p1/2026-03-01"])
    #expect(Run.amounts(march) == ["100"])
    #expect(byKey["p1/milestone/structure"] == nil)
  }

  @Test("a milestone no charge bills, or reached twice, is a located data error")
  func badRows() throws {
    let (_, issues) = try Self.run("m1,p1,site-prep,2026-03-10\nm2,p1,foundation,2026-04-22\nm3,p1,foundation,2026-04-23\n")
    #expect(issues.map(\.code).sorted() == ["D0304", "D0316"], "\(issues)")
    #expect(issues.first { $0.code == "D0316" }?.line == 2)
  }

  @Test("a milestone charge is billed once: a price other than 'once', or a quantity, is E0509")
  func checker() {
    let load = RuleSetLoader.load(
      root: "rules",
      files: [
        (
          "rules.accrue",
          """
          currency USD
          plan p {
            period monthly
            align to calendar
            charge a {
              milestone "go-live"
              flat 10.00 USD
            }
            charge b {
              milestone "design"
              once 10.00 USD
              quantity contract.seats
            }
          }
          """
        )
      ])
    let diags = Frontend.check(load).1.filter { $0.severity == .error }
    #expect(diags.map(\.code.id).filter { $0 == "E0509" }.count >= 2, "\(diags.map(\.message))")
    #expect(diags.contains { $0.message.contains("its price must be 'once'") })
  }
}

/// Block pricing (issue 24 item 10) is `package N units at P`, against Stripe's published transform_quantity
/// examples (https://docs.stripe.com/billing/subscriptions/usage-based/transform-quantities and
/// https://stripe.com/docs/billing/subscriptions/quantity-transformation): 150 minutes at 10 USD per started hour
/// = 30 USD; 10 USD per 5 users or part of 5: 1, 3 or 5 users 10 USD, 6 or 7 users 20 USD.
@Suite("Block pricing")
struct BlockPricingTests {
  @Test("per started hour of minutes: 150 minutes = 3 hours = 30.00 USD; 60 minutes = 10.00 USD", arguments: [(150, "30"), (60, "10"), (61, "20")])
  func hours(_ minutes: Int, _ total: String) throws {
    let inv = try BillingTests.lagoRun("    package 60 units at 10.00 USD", units: minutes)
    #expect(inv?.total.description == total)
  }

  @Test("per 5 users or part of 5 (Stripe's table): 1, 3, 5 users 10 USD; 6, 7 users 20 USD",
    arguments: [(1, "10"), (3, "10"), (5, "10"), (6, "20"), (7, "20")])
  func users(_ seats: Int, _ total: String) throws {
    let rules = """
      currency USD
      plan suite {
        period monthly
        align to calendar
        charge users {
          quantity contract.seats
          package 5 units at 10.00 USD
        }
      }
      """
    let (r, _) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date,seats\nk1,cust-1,suite,2026-10-01,\(seats)\n"],
      asOf: "2026-11-01", since: "2026-10-31")
    #expect(r.invoices.first?.total.description == total)
  }
}
