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

/// Progressive billing (grammar.md §6.10, issue 24 item 6), against Lago's step-based thresholds
/// (https://getlago.com/docs/guide/plans/progressive-billing: invoices when the usage reaches 5, 20, 50 and 100 USD,
/// each billing the usage to date less what earlier progressive invoices billed; usage measured before taxes).
@Suite("Progressive billing")
struct ProgressiveBillingTests {
  static let rules = """
    currency USD
    metric api_calls {
      event "api.call"
      sum of event.quantity
    }
    plan metered {
      period monthly
      align to calendar
      charge calls "API calls" {
        usage api_calls
        bill in arrears
        per unit 0.01 USD
      }
      minimum commitment 80.00 USD
      bill early when usage reaches 5.00 USD
      bill early when usage reaches 20.00 USD
      bill early when usage reaches 50.00 USD
      bill early when usage reaches 100.00 USD
    }
    plan plain {
      period monthly
      align to calendar
      charge calls "API calls" {
        usage api_calls
        bill in arrears
        per unit 0.01 USD
      }
    }
    """

  /// 600 calls on Oct 3 (6.00 to date), 1,500 on Oct 10 (21.00), 4,000 on Oct 20 (61.00), 500 on Oct 25 (66.00).
  static let events = [
    "e1,cust-1,k1,2026-10-03,api.call,600", "e2,cust-1,k1,2026-10-10,api.call,1500", "e3,cust-1,k1,2026-10-20,api.call,4000",
    "e4,cust-1,k1,2026-10-25,api.call,500",
  ]

  static func run(
    plan: String = "metered", events: [String] = events, asOf: String = "2026-11-01", issued: Set<String> = [], explain: String? = nil
  ) throws -> BillingResult {
    let p = try Run.plan(rules)
    var (data, issues) = Dataset.load(
      folder: try Run.folder([
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,\(plan),2026-10-01\n",
        "usage.csv": "id,customer,contract,date,name,quantity\n" + events.joined(separator: "\n") + "\n",
      ]), plan: p)
    data.issuedKeys.formUnion(issued)
    let (r, more) = Billing.run(plan: p, data: data, asOf: CivilDate.parse(asOf)!, since: CivilDate.parse("2026-09-30"), explain: explain)
    #expect(issues.isEmpty && more.isEmpty && r.failures.isEmpty, "\(issues) \(more) \(r.failures)")
    return r
  }

  static func totals(_ r: BillingResult) -> [String] { r.invoices.map { "\($0.key) \($0.total)" } }

  @Test("Lago's thresholds: each invoice on the day the usage reached one, billing what was not yet billed")
  func lago() throws {
    let r = try Self.run()
    // 6.00, then 21.00 - 6.00, then 61.00 - 21.00; the period's end: 66.00 - 61.00 = 5.00, raised to the minimum
    // commitment 80.00 less the 61.00 the threshold invoices billed: a true-up of 14.00.
    #expect(
      Self.totals(r) == [
        "k1/2026-10-03/threshold-1 6", "k1/2026-10-10/threshold-2 15", "k1/2026-10-20/threshold-3 40", "k1/2026-11-01 19",
      ])
    let end = try #require(r.invoices.last)
    #expect(Run.amounts(end) == ["66", "-61", "14"], "\(end.lines.map(\.description))")
    #expect(end.lines[1].description == "API calls: billed on threshold invoices for usage to 2026-10-20")
    #expect(end.lines[2].kind == .minimumTrueUp)
  }

  @Test("the day comes from the data: a run as of any later day, in any row order, finds the same invoices")
  func stable() throws {
    let mid = try Self.run(asOf: "2026-10-15")
    #expect(Self.totals(mid) == ["k1/2026-10-03/threshold-1 6", "k1/2026-10-10/threshold-2 15"])
    let shuffled = try Self.run(events: Self.events.reversed())
    #expect(Self.totals(shuffled) == Self.totals(try Self.run()))
  }

  @Test("a threshold invoice already issued is not billed again; the period's end still subtracts it")
  func idempotent() throws {
    let r = try Self.run(issued: ["k1/2026-10-03/threshold-1", "k1/2026-10-10/threshold-2"])
    #expect(Self.totals(r) == ["k1/2026-10-20/threshold-3 40", "k1/2026-11-01 19"])
    #expect(r.alreadyIssued == 2)
  }

  @Test("without 'bill early' the same usage is billed once at the period's end")
  func plain() throws {
    #expect(Self.totals(try Self.run(plan: "plain")) == ["k1/2026-11-01 66"])
  }

  @Test("--explain names the threshold's rule, the day it was reached, the usage to date and what was subtracted")
  func explained() throws {
    let r = try Self.run(explain: "k1/2026-10-10/threshold-2")
    let inv = try #require(r.invoices.first { $0.key == "k1/2026-10-10/threshold-2" })
    let text = BillingText.explanation(try #require(inv.lines.first))
    #expect(text.first == "rule rules/rules.accrue:16: usage reached 20.00 USD on 2026-10-10 (usage to date: 21.00 USD), the first day it did", "\(text)")
    #expect(text.last == "less 6 billed for usage to 2026-10-03 on k1/2026-10-03/threshold-1", "\(text)")
  }

  static func diagnostics(_ statement: String) -> [Diagnostic] {
    let load = RuleSetLoader.load(
      root: "rules",
      files: [
        (
          "rules.accrue",
          """
          currency USD
          metric api_calls { sum of event.quantity }
          plan p {
            period monthly
            align to calendar
            charge c {
              usage api_calls
              per unit 0.01 USD
            }
            \(statement)
          }
          """
        )
      ])
    return Frontend.check(load).1.filter { $0.severity == .error }
  }

  @Test("checks: a number without a unit, zero, another currency, an unknown metric, zero units")
  func checker() {
    let number = Self.diagnostics("bill early when usage reaches 1000")
    #expect(number.map(\.code.id) == ["E0401"] && number[0].help?.contains("1000 USD") == true, "\(number.map(\.message))")
    #expect(Self.diagnostics("bill early when usage reaches 0.00 USD").map(\.code.id) == ["E0411"])
    #expect(Self.diagnostics("bill early when usage reaches 10.00 EUR").map(\.code.id) == ["E0402"])
    let unknown = Self.diagnostics("bill early when usage reaches 10 units of api_cals")
    #expect(unknown.map(\.code.id) == ["E0310"] && unknown[0].help == "did you mean 'api_calls'?", "\(unknown.map(\.message))")
    #expect(Self.diagnostics("bill early when usage reaches 0 units of api_calls").map(\.code.id) == ["E0411"])
    #expect(Self.diagnostics("bill early when usage reaches 10_000 units of api_calls").isEmpty)
    #expect(Self.diagnostics("bill early usage reaches 10.00 USD").map(\.code.id) == ["E0201"])
  }
}
