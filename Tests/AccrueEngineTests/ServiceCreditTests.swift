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

/// Service credits (grammar.md §6.7) against AWS Compute Optimizer's published schedule
/// (https://aws.amazon.com/compute-optimizer/sla/): a monthly uptime below 99.9% earns 10% of the month's charges,
/// below 99.0% 25%, below 95.0% 100%, applied against the next payments.
@Suite("Service credits")
struct ServiceCreditTests {
  static func rules(maximum: String = "") -> String {
    """
    currency USD
    plan hosted {
      period monthly
      align to calendar
      bill in advance
      charge platform "Platform" { flat 200.00 USD }
      service credit "SLA credit" on charge platform {
        below 99.9% credit 10%
        below 99.0% credit 25%
        below 95.0% credit 100%
    \(maximum)
      }
    }
    """
  }

  static func credit(uptime: String, maximum: String = "", extra: String = "") throws -> PlannedInvoice {
    let (r, issues) = try Run.billing(
      rules(maximum: maximum),
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,hosted,2026-10-01\n",
        "service_levels.csv": "id,contract,date,uptime\nm1,k1,2026-10-20,\(uptime)\n" + extra,
      ], asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty, "\(issues)")
    return try #require(r.invoices.first { $0.key == "k1/2026-11-01" })
  }

  // 99.0% exactly is not "less than 99.0%": the 10% band (AWS: "less than 99.9% but greater than or equal to 99.0%").
  @Test("AWS's schedule on a 200.00 USD month: 99.95% nothing, 99.5% 10%, 98.0% 25%, 90.0% 100%; on the next invoice",
    arguments: [("99.95", "200"), ("99.9", "200"), ("99.5", "180"), ("99", "180"), ("98.0", "150"), ("94.99", "0"), ("90.0", "0")])
  func schedule(_ uptime: String, _ total: String) throws {
    let inv = try Self.credit(uptime: uptime)
    #expect(inv.total.description == total)
    if total != "200" {
      let line = try #require(inv.lines.last)
      #expect(line.kind == .credit && line.charge == "platform")
      #expect(line.periodStart.description == "2026-10-01")
      #expect(inv.sources.contains { $0.description.hasSuffix("service_levels.csv:2") })
    }
  }

  @Test("the maximum caps the credit: 100% of 200.00 at most 50% = 100.00, or at most 30.00 USD")
  func maximum() throws {
    #expect(try Self.credit(uptime: "90", maximum: "    maximum 50%").total.description == "100")
    #expect(try Self.credit(uptime: "90", maximum: "    maximum 30.00 USD").total.description == "170")
  }

  @Test("two measurements of one month: the lower counts; a measurement of another month is not this invoice's")
  func lowestCounts() throws {
    let inv = try Self.credit(uptime: "99.5", extra: "m2,k1,2026-10-05,98.0\nm3,k1,2026-11-03,90.0\n")
    #expect(inv.total.description == "150")
  }

  @Test("--explain: the measurement, the level, the percent of the charge and the cap")
  func explained() throws {
    let p = try Run.plan(Self.rules(maximum: "    maximum 50%"))
    let folder = try Run.folder([
      "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,hosted,2026-10-01\n",
      "service_levels.csv": "id,contract,date,uptime\nm1,k1,2026-10-20,90\n",
    ])
    let (data, _) = Dataset.load(folder: folder, plan: p)
    let (r, _) = Billing.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-01")!, since: CivilDate.parse("2026-10-31"), explain: "k1/2026-11-01")
    let line = try #require(r.invoices.first?.lines.last)
    let text = BillingText.explanation(line)
    #expect(text.first?.contains("is below 95%: 100% of platform's 200 for the period = 200") == true, "\(text)")
    #expect(text.last == "at most 100, the rule's maximum")
  }

  @Test("bad measurements are located data errors")
  func badRows() throws {
    let (_, issues) = try Run.billing(
      Self.rules(),
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,hosted,2026-10-01\n",
        "service_levels.csv": "id,contract,date,uptime\nm1,k1,2026-10-20,101\nm1,k1,2026-10-20,99\nm2,k9,2026-10-20,99\nm3,k1,2026-09-20,99\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.map(\.code).sorted() == ["D0205", "D0302", "D0304", "D0305"].sorted(), "\(issues)")
    #expect(issues.first { $0.code == "D0205" }?.line == 2)
  }

  @Test("the checker: levels highest first, percents, a charge billed per period that exists")
  func checker() {
    let load = RuleSetLoader.load(
      root: "rules",
      files: [
        (
          "rules.accrue",
          """
          currency USD
          metric calls { count }
          plan p {
            period monthly
            align to calendar
            charge platform { flat 10.00 USD }
            charge api { usage calls  }
            service credit on charge api { below 99% credit 10% }
            service credit on charge platfrom { below 99% credit 10% }
            service credit on charge platform {
              below 99% credit 10%
              below 99.5% credit 150%
            }
          }
          """
        )
      ])
    let diags = Frontend.check(load).1.filter { $0.severity == .error }
    let ids = diags.map(\.code.id)
    #expect(ids.contains("E0509"))  // metered, and a level not below the one before
    #expect(ids.contains("E0310"))  // platfrom
    #expect(ids.contains("E0411"))  // 150%
    #expect(diags.contains { $0.message.contains("is metered") })
    #expect(diags.contains { $0.message.contains("service levels go from the highest down") })
  }
}
