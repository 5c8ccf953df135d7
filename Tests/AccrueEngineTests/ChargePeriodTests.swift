import AccrueBilling
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import AccrueRender
import Testing

/// Charges on periods of their own (grammar.md §6.2): a charge's `period` and `align to` beside the plan's, its
/// invoices merged with the plan's on the dates they share. Published figures: Stripe's mixed interval subscription
/// (https://docs.stripe.com/billing/subscriptions/mixed-interval: 100 USD a quarter and 15 USD a month from
/// 2024-01-01, one combined invoice when the items' periods align, separate ones otherwise) and Lago's proration
/// of a monthly fee (https://docs.getlago.com/guide/subscriptions/assign-plan: 50 USD from August 10 is
/// 22 x 50 / 31 = 35.48; https://doc.getlago.com/docs/guide/plans/plan-model: 50 USD in advance with a 5-day trial
/// from April 1 is 50 x 25 / 30 = 41.67) on a yearly plan with charges billed monthly
/// (https://www.getlago.com/changelog/billable-metric-monthly-for-plan-yearly).
@Suite("Charges on their own period")
struct ChargePeriodTests {
  static let rules = """
    currency USD
    month end clamp
    metric calls {
      event "api_call"
      sum of event.quantity
    }
    plan mixed "Stripe's mixed intervals" {
      period monthly
      align to calendar
      bill in advance
      charge base "Quarterly base" {
        period quarterly
        flat 100.00 USD
      }
      charge addon "Monthly add-on" { flat 15.00 USD }
    }
    plan yearly "Lago's yearly plan, charges monthly" {
      period annual
      align to calendar
      bill in advance
      trial 5 days
      minimum commitment 1_000.00 USD
      charge support "Support" { flat 365.00 USD }
      charge premium "Premium" {
        period monthly
        flat 50.00 USD
      }
      charge seats "Seats" {
        period monthly
        quantity contract.seats
        per unit 10.00 USD
      }
      charge calls "API calls" {
        period monthly
        usage calls
        per unit 0.01 USD
      }
    }
    """

  static let customers = "id,name\nc1,Mixed Co\nc2,Yearly Co\n"

  static func run(_ contracts: String, usage: String? = nil, changes: String? = nil, asOf: String, since: String) throws
    -> [String: PlannedInvoice]
  {
    var files = ["customers.csv": Self.customers, "contracts.csv": contracts]
    if let usage { files["usage.csv"] = usage }
    if let changes { files["contract_changes.csv"] = changes }
    let (r, issues) = try Run.billing(Self.rules, files, asOf: asOf, since: since)
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.failures.isEmpty, "\(r.failures)")
    return Dictionary(uniqueKeysWithValues: r.invoices.map { ($0.key, $0) })
  }

  @Test("Stripe: 100 USD a quarter and 15 USD a month from 2024-01-01: 115.00, 15.00, 15.00, 115.00, one invoice per date")
  func stripeMixedIntervals() throws {
    let inv = try Self.run("id,customer,plan,start_date\nm1,c1,mixed,2024-01-01\n", asOf: "2024-04-01", since: "2023-12-31")
    #expect(inv.keys.sorted() == ["m1/2024-01-01", "m1/2024-02-01", "m1/2024-03-01", "m1/2024-04-01"])
    #expect(inv.mapValues { $0.total.description } == [
      "m1/2024-01-01": "115", "m1/2024-02-01": "15", "m1/2024-03-01": "15", "m1/2024-04-01": "115",
    ])
    let april = try #require(inv["m1/2024-04-01"])
    // Each line shows its own period; the invoice the plan's.
    #expect(april.lines.map { "\($0.charge ?? "") \($0.periodStart)..\($0.periodEnd)" } == [
      "addon 2024-04-01..2024-05-01", "base 2024-04-01..2024-07-01",
    ])
    #expect(april.periodStart.description == "2024-04-01" && april.periodEnd.description == "2024-05-01")
  }

  @Test("Lago: a monthly charge of a yearly plan prorated on its own month (35.48, 41.67 after a 5-day trial)")
  func lagoProration() throws {
    let inv = try Self.run(
      "id,customer,plan,start_date,seats\ny1,c2,yearly,2024-0805,0\ny2,c2,yearly,2024-03-27,0\n".replacingOccurrences(of: "2024-0805", with: "2024-08-05"),
      asOf: "2024-09-01", since: "2024-03-26")
    // y1 from August 5, trial to August 9: August 10 to 31, 22 of 31 days = 35.48 (Lago's figure).
    let aug = try #require(inv["y1/2024-08-05"])
    #expect(aug.lines.first { $0.charge == "premium" }?.amount.description == "35.48")
    // The yearly charge on its year: 365.00 x 144 / 366 = 143.61 (2024 has 366 days).
    #expect(aug.lines.first { $0.charge == "support" }?.amount.description == "143.61")
    // y2 from March 27, trial to March 31: April bills whole (the trial ended before it) ...
    #expect(inv["y2/2024-04-01"].map(Run.amounts) == ["50", "0"])
    // ... and with a start on April 1 the trial leaves 25 of 30 days: Lago's 41.67.
    let apr = try Self.run("id,customer,plan,start_date,seats\ny3,c2,yearly,2024-04-01,0\n", asOf: "2024-04-01", since: "2024-03-31")
    #expect(apr["y3/2024-04-01"]?.lines.first { $0.charge == "premium" }?.amount.description == "41.67")
    // September 1: the monthly charges alone, one invoice.
    #expect(inv["y1/2024-09-01"].map(Run.amounts) == ["50", "0", "0"])
  }

  @Test("monthly usage of a yearly plan is counted per month and billed on the next month's invoice")
  func monthlyUsage() throws {
    let inv = try Self.run(
      "id,customer,plan,start_date,seats\ny1,c2,yearly,2023-12-27,3\n",
      usage: "id,customer,contract,date,name,quantity\ne2,c2,y1,2024-02-03,api_call,500\ne1,c2,y1,2024-01-10,api_call,1000\n",
      asOf: "2024-03-01", since: "2024-01-31")
    let feb = try #require(inv["y1/2024-02-01"])
    #expect(feb.lines.map { "\($0.charge ?? ""): \($0.amount)" } == ["premium: 50", "seats: 30", "calls: 10"])
    #expect(inv["y1/2024-03-01"].map { $0.lines.last?.amount.description } == "5")
  }

  @Test("a seat change inside a charge's own month is credited and re-charged on that charge's next invoice")
  func contractChange() throws {
    let inv = try Self.run(
      "id,customer,plan,start_date,seats\ny1,c2,yearly,2023-12-27,3\n",
      changes: "contract,date,seats\ny1,2024-02-16,5\n", asOf: "2024-03-01", since: "2024-02-29")
    let mar = try #require(inv["y1/2024-03-01"])
    // 14 of 29 February days: credit 3 x 10.00 x 14 / 29 = 14.48, charge 5 x 10.00 x 14 / 29 = 24.14.
    #expect(mar.lines.filter { $0.charge == "seats" }.map(\.amount.description) == ["50", "-14.48", "24.14"])
  }

  @Test("the minimum commitment counts the charges on the plan's period only")
  func commitmentCountsPlanCharges() throws {
    let inv = try Self.run("id,customer,plan,start_date,seats\ny1,c2,yearly,2023-12-27,100\n", asOf: "2025-01-01", since: "2024-12-31")
    let jan = try #require(inv["y1/2025-01-01"])
    // 2024: Support 365.00 of a 1,000.00 commitment: 635.00 trued up, though the seats billed 1,000.00 a month.
    #expect(jan.lines.first { $0.kind == .minimumTrueUp }?.amount.description == "635")
  }

  @Test("the same invoices whatever the order of the contracts' rows")
  func rowOrder() throws {
    let a = try Self.run(
      "id,customer,plan,start_date,seats\nm1,c1,mixed,2024-01-01,\ny1,c2,yearly,2023-12-27,2\n", asOf: "2024-04-01", since: "2023-12-31")
    let b = try Self.run(
      "id,customer,plan,start_date,seats\ny1,c2,yearly,2023-12-27,2\nm1,c1,mixed,2024-01-01,\n", asOf: "2024-04-01", since: "2023-12-31")
    #expect(a.mapValues { Run.amounts($0) } == b.mapValues { Run.amounts($0) })
  }

  @Test("--explain says a line's charge is billed on a period of its own")
  func explained() throws {
    let p = try Run.plan(Self.rules)
    let folder = try Run.folder(["customers.csv": Self.customers, "contracts.csv": "id,customer,plan,start_date\nm1,c1,mixed,2024-01-01\n"])
    let (data, _) = Dataset.load(folder: folder, plan: p)
    let (r, _) = Billing.run(plan: p, data: data, asOf: CivilDate.parse("2024-01-01")!, since: CivilDate.parse("2023-12-31"), explain: "m1/2024-01-01")
    let base = try #require(r.invoices.first?.lines.first { $0.charge == "base" })
    #expect(BillingText.explanation(base).contains("billed on a period of its own: quarterly, aligned to calendar (the plan's: monthly, aligned to calendar)"))
    let addon = try #require(r.invoices.first?.lines.first { $0.charge == "addon" })
    #expect(!BillingText.explanation(addon).contains { $0.contains("period of its own") })
  }

  @Test("the checker: a period twice, on a one-time fee, in a phase, under a service credit, months from each start")
  func checker() {
    let diags = PriceBookTests.diagnostics(
      """
      currency USD
      plan p {
        period annual
        align to calendar
        charge a {
          period monthly
          period quarterly
          flat 1.00 USD
        }
        charge setup {
          once 100.00 USD
          period monthly
        }
        charge b {
          period monthly
          align to anniversary
          flat 2.00 USD
        }
        service credit on charge b { below 99% credit 10% }
        phase intro for 30 days {
          charge a {
            period weekly
            flat 0.50 USD
          }
        }
      }
      """)
    let found = diags.map { "\($0.code.id) \($0.message)" }
    #expect(diags.contains { $0.message == "charge 'a' states 'period' twice" }, "\(found)")
    #expect(diags.contains { $0.code.id == "E0509" && $0.message.contains("one-time fee, billed on the first invoice") })
    #expect(diags.contains { $0.code.id == "E0509" && $0.message.contains("a phase changes a charge's price, not its billing period") })
    #expect(diags.contains { $0.code.id == "E0509" && $0.message.contains("is billed on a period of its own") })
    #expect(diags.contains { $0.code.id == "E0406" && $0.message.contains("charge 'b' bills monthly from each contract's start") })
    #expect(diags.allSatisfy { $0.help != nil }, "\(diags.map { "\($0.code.id) \($0.help ?? "-")" })")
    #expect(diags.count == 5, "\(found)")
  }
}
