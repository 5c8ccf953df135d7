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

/// Time-weighted usage (grammar.md §6.1, issue 24 item 5), against Lago's published weighted sum examples:
/// https://getlago.com/docs/guide/billable-metrics/aggregation-types/weighted-sum (March 2022: +20 GB on the 16th,
/// +10 GB on the 17th: 0.64516129032 + 14.5161290323 = 15.1612903226 GB) and
/// https://getlago.com/docs/v2/guide/billable-metrics/aggregation-types/aggregation-examples (January 2027: 10 on
/// the 16th, 20 more on the 17th: (10 x 1 day + 30 x 15 days) / 31 days = 14.84).
@Suite("Weighted sums")
struct WeightedSumTests {
  static let rules = """
    currency USD
    field event.gb: number
    metric storage_gb {
      event "storage"
      weighted sum of event.gb
    }
    plan storage {
      period monthly
      align to calendar
      charge storage "Storage" {
        usage storage_gb
        per unit 1.00 USD
      }
    }
    """

  static func run(_ usage: String, start: String = "2022-03-01", asOf: String, since: String) throws -> (BillingResult, [DataIssue]) {
    try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,storage,\(start)\n",
        "usage.csv": "id,customer,contract,date,timestamp,name,gb\n" + usage,
      ], asOf: asOf, since: since)
  }

  static let march = "e1,cust-1,k1,2022-03-16,2022-03-16T00:00:00Z,storage,20\ne2,cust-1,k1,2022-03-17,2022-03-17T00:00:00Z,storage,10\n"

  @Test("Lago's March 2022: 15.1612903226 GB (exactly 470/31), 15.16 USD at 1.00 USD per GB-month")
  func lagoMarch() throws {
    let (r, issues) = try Self.run(Self.march, asOf: "2022-04-01", since: "2022-03-31")
    #expect(issues.isEmpty && r.failures.isEmpty, "\(issues) \(r.failures)")
    let line = try #require(r.invoices.first?.lines.first)
    #expect(line.quantity?.description == "15.161290322580645161")
    #expect(line.amount.description == "15.16")
    #expect(r.invoices.first?.sources.contains { $0.description.hasSuffix("usage.csv:3") } == true)
  }

  @Test("Lago's aggregation example, January 2027: (10 x 1 + 30 x 15) / 31 = 14.84")
  func lagoJanuary() throws {
    let usage = "e1,cust-1,k1,2027-01-16,,storage,10\ne2,cust-1,k1,2027-01-17,,storage,20\n"
    let (r, issues) = try Self.run(usage, start: "2027-01-01", asOf: "2027-02-01", since: "2027-01-31")
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.invoices.first?.lines.first?.quantity?.rounded(places: 2, .halfEven)?.description == "14.84")
    #expect(r.invoices.first?.total.description == "14.84")
  }

  @Test("the total carries into the next period (30 GB all April), and a negative change removes from it")
  func carried() throws {
    let usage = Self.march + "e3,cust-1,k1,2022-05-16,2022-05-16T12:00:00Z,storage,-30\n"
    let (r, _) = try Self.run(usage, asOf: "2022-06-01", since: "2022-03-31")
    let totals = r.invoices.map { "\($0.issueDate) \($0.total)" }
    // May: 30 GB for 15.5 days of 31 = 15.
    #expect(totals == ["2022-04-01 15.16", "2022-05-01 30", "2022-06-01 15"], "\(totals)")
  }

  @Test("the order of the rows does not matter, nor the offset a timestamp is written in")
  func orderAndOffsets() throws {
    let shuffled = "e2,cust-1,k1,2022-03-17,2022-03-17T01:00:00+01:00,storage,10\ne1,cust-1,k1,2022-03-16,2022-03-15T19:00:00-05:00,storage,20\n"
    let (a, _) = try Self.run(Self.march, asOf: "2022-04-01", since: "2022-03-31")
    let (b, issues) = try Self.run(shuffled, asOf: "2022-04-01", since: "2022-03-31")
    #expect(issues.isEmpty, "\(issues)")
    #expect(a.invoices.first?.lines.first?.quantity == b.invoices.first?.lines.first?.quantity)
  }

  @Test("a partial first period holds for fewer seconds of the full month: 20 GB from March 16 = 20 x 16/31")
  func partialPeriod() throws {
    let (r, _) = try Self.run("e1,cust-1,k1,2022-03-16,,storage,20\n", start: "2022-03-16", asOf: "2022-04-01", since: "2022-03-15")
    let usage = try #require(r.invoices.first { $0.issueDate.description == "2022-04-01" }?.lines.first)
    #expect(usage.quantity == Fixed(320).divided(by: Fixed(31)))
  }

  @Test("a bad timestamp is a located data error (D0204) with what to write instead")
  func badTimestamps() throws {
    let usage = "e1,cust-1,k1,2022-03-16,2022-03-16T10:00:00,storage,20\ne2,cust-1,k1,2022-03-16,2022-03-17T00:00:00Z,storage,1\n"
      + "e3,cust-1,k1,2022-03-16,2022-03-16T10:00:00.5Z,storage,1\ne4,cust-1,k1,2022-03-16,yesterday,storage,1\n"
    let (_, issues) = try Self.run(usage, asOf: "2022-04-01", since: "2022-03-31")
    #expect(issues.map(\.code) == ["D0204", "D0204", "D0204", "D0204"], "\(issues)")
    #expect(issues.map(\.line) == [2, 3, 4, 5])
    #expect(issues.allSatisfy { $0.column == 25 })
    #expect(issues[0].message.contains("no time zone") && issues[1].message.contains("2022-03-17 in UTC"))
    #expect(issues[2].message.contains("to the second"))
  }

  @Test("a weighted sum of money is E0401")
  func checker() {
    let load = RuleSetLoader.load(
      root: "rules", files: [("rules.accrue", "currency USD\nmetric m {\n  weighted sum of event.amount\n}\n")])
    let diags = Frontend.check(load).1.filter { $0.severity == .error }
    #expect(diags.map(\.code.id) == ["E0401"], "\(diags.map(\.message))")
  }

  @Test("timestamps: Z, offsets with and without a colon, a date alone; refused without an offset or with a fraction")
  func parsing() {
    func s(_ t: String) -> Int64? { try? Timestamp.parse(t).get().seconds }
    let day = Int64(CivilDate.parse("2022-03-17")!.dayNumber) * 86_400
    #expect(s("2022-03-17T00:00:00Z") == day)
    #expect(s("2022-03-17T01:00:00+01:00") == day && s("2022-03-16T19:00:00-0500") == day)
    #expect(s("2022-03-17") == day && s("2022-03-17 00:00:00.000Z") == day)
    #expect(Timestamp.parse("2022-03-17T00:00:00") == .failure(.noOffset))
    #expect(Timestamp.parse("2022-03-17T00:00:00.25Z") == .failure(.fractionOfSecond))
    #expect(Timestamp.parse("2022-03-17T24:00:00Z") == .failure(.notATimestamp))
    #expect(Timestamp(seconds: day - 1).utcDate.description == "2022-03-16")
  }
}
