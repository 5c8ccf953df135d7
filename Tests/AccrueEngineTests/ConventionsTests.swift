import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRun
import Foundation
import Testing

/// Conventions billing systems differ on, stated in the rules (grammar.md, "Conventions"), each with its default.
@Suite("Conventions")
struct ConventionsTests {
  static func tiered(_ setting: String) -> String {
    """
    currency USD
    \(setting)
    metric calls { sum of event.quantity }
    plan p {
      period monthly
      align to calendar
      charge api {
        usage calls
        tiers graduated {
          0 to 1_000 at 0.00 USD plus flat 10.00 USD
          1_001 and above at 0.01 USD
        }
      }
    }
    """
  }

  static func bill(_ rules: String, usage: String = "id,customer,date,name,quantity\n") throws -> BillingResult {
    let (r, issues) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n", "usage.csv": usage],
      asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.failures.isEmpty, "\(r.failures)")
    return r
  }

  @Test("a period without usage bills the first tier's flat fee, unless 'first tier fee when used'")
  func firstTierFee() throws {
    // Stripe, Lago and OpenMeter bill a first tier's flat amount for a quantity of 0 (examples/anchors).
    #expect(try Self.bill(Self.tiered("")).invoices.first?.total == Fixed(10))
    #expect(try Self.bill(Self.tiered("first tier fee always")).invoices.first?.total == Fixed(10))
    #expect(try Self.bill(Self.tiered("first tier fee when used")).invoices.first?.total == .zero)
    // With usage, the tier is entered either way.
    let used = "id,customer,date,name,quantity\ne1,cust-1,2026-10-05,x,3\n"
    #expect(try Self.bill(Self.tiered("first tier fee when used"), usage: used).invoices.first?.total == Fixed(10))
  }

  @Test("an invoice of a zero total is issued, unless 'zero invoices skipped' (then counted in the summary)")
  func zeroInvoices() throws {
    let free = Self.tiered("first tier fee when used")
    #expect(try Self.bill(free).invoices.count == 1)
    let skipped = try Self.bill(free.replacingOccurrences(of: "first tier fee when used", with: "first tier fee when used\nzero invoices skipped"))
    #expect(skipped.invoices.isEmpty)
    #expect(skipped.zeroSkipped == 1)
    // Stated in the plan, it wins over the rule set's.
    let inPlan = free.replacingOccurrences(of: "  period monthly", with: "  zero invoices skipped\n  period monthly")
    #expect(try Self.bill(inPlan).zeroSkipped == 1)
  }

  @Test("billing conventions belong to plans (or the top), not to cadences or match rules")
  func conventionsInOtherBlocks() {
    #expect(TrustTests.codes("cadence c {\n zero invoices skipped\n step s 1 day after due { send email \"x\" }\n}").contains("E0202"))
    #expect(TrustTests.codes("zero invoices issued\nfirst tier fee when used\n").isEmpty)
  }

  static let everyDay = """
    cadence standard {
      send on any day
      step first 5 days after due { send email "overdue-1" }
    }
    """

  @Test("a step on a weekend moves to Monday, unless 'send on any day'; 'weekend none' makes every day a business day")
  func sendOnAnyDay() throws {
    // Due Mon 2026-11-02: 'first' falls on Sat 11-07.
    let files = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-03,2026-11-02,USD,100.00,,,open"])]
    let sat = try Dun.run(Self.everyDay, files, asOf: "2026-11-07")
    #expect(sat.reminders.first?.stepDate.description == "2026-11-07")
    let moved = try Dun.run(Self.everyDay.replacingOccurrences(of: "send on any day", with: "send on business days"), files, asOf: "2026-11-07")
    #expect(moved.reminders.isEmpty)
    // 5 business days after Mon 11-02 on a calendar without a weekend: Sat 11-07.
    let noWeekend = """
      calendar always { weekend none }
      cadence standard {
        calendar always
        step first 5 business days after due { send email "overdue-1" }
      }
      """
    #expect(try Dun.run(noWeekend, files, asOf: "2026-11-07").reminders.first?.stepDate.description == "2026-11-07")
  }
}

@Suite("Conventions: trials")
struct TrialConventionTests {
  static func rules(_ trial: String, align: String = "") -> String {
    """
    currency USD
    month end clamp
    plan p {
      period monthly
      \(align)
      trial 14 days\(trial)
      charge base { flat 31.00 USD }
    }
    """
  }

  static func bill(_ rules: String, asOf: String, since: String) throws -> BillingResult {
    let (r, issues) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-01-10\n"], asOf: asOf,
      since: since)
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.failures.isEmpty, "\(r.failures)")
    return r
  }

  @Test("prorated (the default): the trial's days are free inside the first period, billed on the start date")
  func prorated() throws {
    for trial in ["", " prorated"] {
      // Jan 10 - Feb 10 (31 days), 14 trial days: 17 of 31 days billed on Jan 10: 17.00.
      let r = try Self.bill(Self.rules(trial), asOf: "2026-01-10", since: "2026-01-09")
      #expect(r.invoices.map(\.key) == ["k1/2026-01-10"])
      #expect(r.invoices.first?.total == Fixed(17))
    }
  }

  @Test("then new cycle: the first invoice is on the trial's end, for a full period counted from it")
  func newCycle() throws {
    let rules = Self.rules(" then new cycle")
    #expect(try Self.bill(rules, asOf: "2026-01-23", since: "2026-01-01").invoices.isEmpty)
    let r = try Self.bill(rules, asOf: "2026-01-24", since: "2026-01-01")
    #expect(r.invoices.map(\.key) == ["k1/2026-01-24"])
    #expect(r.invoices.first?.total == Fixed(31))
    #expect(r.invoices.first.map { "\($0.periodStart) \($0.periodEnd)" } == "2026-01-24 2026-02-24")
    // The next period starts on the 24th of the month.
    #expect(try Self.bill(rules, asOf: "2026-02-24", since: "2026-02-01").invoices.map(\.key) == ["k1/2026-02-24"])
    // On calendar months: from the trial's end to the month's end, then whole months.
    let cal = try Self.bill(Self.rules(" then new cycle", align: "align to calendar"), asOf: "2026-01-24", since: "2026-01-01")
    #expect(cal.invoices.first.map { "\($0.periodStart) \($0.periodEnd) \($0.total)" } == "2026-01-24 2026-02-01 8")
  }
}

@Suite("Invoice periods")
struct InvoicePeriodTests {
  @Test("an invoice with only usage billed in arrears shows the period its usage covers, not the coming one")
  func arrearsOnly() throws {
    let r = try ConventionsTests.bill(ConventionsTests.tiered(""), usage: "id,customer,date,name,quantity\ne1,cust-1,2026-10-05,x,3\n")
    let inv = try #require(r.invoices.first)
    #expect("\(inv.periodStart) \(inv.periodEnd)" == "2026-10-01 2026-11-01")
  }
}
