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

/// Contract terms (grammar.md §6.8) against Lago's negotiated contract billing guide
/// (https://getlago.com/docs/guide/lago-cloud/contract-billing): a 1,000.00 USD monthly minimum; 800.00 of usage gets a
/// 200.00 true-up, 1,300.00 gets none; "calculated on the pre-tax amount before discounts". Here 12,000.00 USD over a
/// 12-month term, pro rata (1,000.00 a month) or trued up at the term's end.
@Suite("Contract terms")
struct ContractTermTests {
  static func rules(_ commitment: String, extra: String = "") -> String {
    """
    currency USD
    month end clamp
    metric calls {
      event "api_call"
      sum of event.quantity
    }
    plan api {
      period monthly
      bill in arrears
      term 12 months
      notice 30 days
      cancellation at end of period
      \(commitment)
      \(extra)
      charge api "API calls" {
        usage calls
        per unit 0.01 USD
      }
    }
    """
  }

  /// Usage of `calls` per month of 2026 (1-based), 10th of each month.
  static func usage(_ months: [Int: Int], contract: String = "k1") -> String {
    "id,customer,contract,date,name,quantity\n"
      + months.sorted { $0.key < $1.key }.map { m, q in "u\(contract)\(m),cust-1,\(contract),2026-\(m < 10 ? "0" : "")\(m)-10,api_call,\(q)\n" }.joined()
  }

  static func run(
    _ rules: String, contracts: String = "id,customer,plan,start_date\nk1,cust-1,api,2026-01-01\n", usage: String, asOf: String, since: String
  ) throws -> [PlannedInvoice] {
    let (r, issues) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": contracts, "usage.csv": usage], asOf: asOf, since: since)
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.failures.isEmpty, "\(r.failures)")
    return r.invoices
  }

  @Test("Lago's monthly minimum as 12,000.00 per term pro rata: 800.00 of usage + 200.00; 1,300.00 alone")
  func lagoProRata() throws {
    let invoices = try Self.run(
      Self.rules("minimum commitment 12_000.00 USD per term pro rata"), usage: Self.usage([6: 130_000, 7: 80_000]),
      asOf: "2026-08-01", since: "2026-06-15")
    let june = try #require(invoices.first { $0.key == "k1/2026-07-01" })
    let july = try #require(invoices.first { $0.key == "k1/2026-08-01" })
    #expect(june.total.description == "1300")
    #expect(july.total.description == "1000")
    #expect(july.lines.last?.kind == .minimumTrueUp && july.lines.last?.amount.description == "200")
  }

  @Test("pro rata in a price book, over a renewal of another length: 1,600.00 GBP over 4 quarters is 400.00 a quarter, explained")
  func proRataRenewal() throws {
    let rules = """
      month end clamp
      plan book {
        currency USD, GBP
        period quarterly
        bill in advance
        term 24 months
        renew automatically for 12 months
        minimum commitment [2_000.00 USD, 1_600.00 GBP] per term pro rata
        charge fee { flat [100.00 USD, 80.00 GBP] }
      }
      """
    let p = try Run.plan(rules)
    let folder = try Run.folder([
      "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date,currency\nk1,cust-1,book,2026-01-01,GBP\n",
    ])
    let (data, issues) = Dataset.load(folder: folder, plan: p)
    #expect(issues.isEmpty, "\(issues)")
    let (r, _) = Billing.run(plan: p, data: data, asOf: CivilDate.parse("2028-04-01")!, since: CivilDate.parse("2028-03-01"), explain: "k1/2028-04-01")
    let inv = try #require(r.invoices.first)
    let trueUp = try #require(inv.lines.last)
    #expect(trueUp.amount.description == "320" && inv.currency.code == "GBP")  // 1,600.00 / (12 / 3) - 80.00
    #expect(BillingText.explanation(trueUp).first?.hasSuffix("commitment 1600 over a term of 4 periods, pro rata: 400 a period") == true)
    #expect(BillingText.explanation(inv.lines[0]).first?.contains("falls in term 2 of the contract, 2028-01-01 to 2028-12-31") == true)
  }

  @Test("per term: one true-up on the invoice closing the term, the term's spend before discounts; none inside it")
  func endOfTerm() throws {
    var months = Dictionary(uniqueKeysWithValues: (1...12).map { ($0, 80_000) })
    months[6] = 130_000
    // A 10% discount lowers the invoices, not the spend the commitment counts (Lago: before discounts).
    let invoices = try Self.run(
      Self.rules("minimum commitment 12_000.00 USD per term", extra: "discount \"Partner\" 10%"), usage: Self.usage(months),
      asOf: "2027-01-01", since: "2026-11-15")
    let december = try #require(invoices.first { $0.key == "k1/2026-12-01" })
    #expect(!december.lines.contains { $0.kind == .minimumTrueUp })
    let closing = try #require(invoices.first { $0.key == "k1/2027-01-01" })
    let trueUp = try #require(closing.lines.last)
    #expect(trueUp.kind == .minimumTrueUp)
    #expect(trueUp.amount.description == "1900")  // 12,000.00 - (11 x 800.00 + 1,300.00)
    #expect(trueUp.periodStart.description == "2026-01-01" && trueUp.periodEnd.description == "2027-01-01")
    #expect(trueUp.rule.line == 13)
    #expect(closing.total.description == "2620")  // 800.00 - 80.00 + 1,900.00
  }

  @Test("notice: on the deadline the contract ends with its term; a day later it renews once more")
  func notice() throws {
    let contracts = "id,customer,plan,start_date,notice_given_on\nk1,cust-1,api,2026-01-01,2026-12-01\nk2,cust-1,api,2026-01-01,2026-12-02\n"
    let usage = "id,customer,contract,date,name,quantity\nj1,cust-1,k1,2027-01-10,api_call,100\nj2,cust-1,k2,2027-01-10,api_call,100\n"
    let invoices = try Self.run(Self.rules(""), contracts: contracts, usage: usage, asOf: "2027-02-01", since: "2027-01-15")
    #expect(invoices.map(\.key) == ["k2/2027-02-01"])
    // The renewed term runs to 2027-12-31: no invoice after 2028-01-01.
    let later = try Self.run(Self.rules(""), contracts: contracts, usage: usage, asOf: "2028-03-01", since: "2027-12-15")
    #expect(later.map(\.key) == ["k2/2028-01-01"])
  }

  @Test("renew never: the contract ends with its first term, every boundary counted from the start (Jan 31 + 1 month clamps)")
  func renewNever() throws {
    let rules = Self.rules("renew never").replacingOccurrences(of: "  notice 30 days\n", with: "")
    let contracts = "id,customer,plan,start_date\nk1,cust-1,api,2026-01-31\n"
    let invoices = try Self.run(rules, contracts: contracts, usage: Self.usage([:]), asOf: "2027-03-31", since: "2027-01-01")
    #expect(invoices.map(\.key) == ["k1/2027-01-31"])
  }

  @Test("a cancellation mid-term closes it: the commitment for the days served (181 of 365), on the last invoice")
  func cancelled() throws {
    let contracts = "id,customer,plan,start_date,cancelled_on\nk1,cust-1,api,2026-01-01,2026-06-15\n"
    let invoices = try Self.run(
      Self.rules("minimum commitment 12_000.00 USD per term"), contracts: contracts,
      usage: Self.usage(Dictionary(uniqueKeysWithValues: (1...6).map { ($0, 80_000) })), asOf: "2026-08-01", since: "2026-06-15")
    #expect(invoices.map(\.key) == ["k1/2026-07-01"])
    #expect(invoices.first?.lines.last?.amount.description == "1150.68")  // 12,000.00 x 181 / 365 = 5,950.68 - 4,800.00
  }

  @Test("--explain: the term an invoice falls in, why it renews or ends, the commitment and the term's spend")
  func explained() throws {
    let p = try Run.plan(Self.rules("minimum commitment 12_000.00 USD per term"))
    let folder = try Run.folder([
      "customers.csv": Run.oneCustomer,
      "contracts.csv": "id,customer,plan,start_date,notice_given_on\nk1,cust-1,api,2026-01-01,2026-12-02\n",
      "usage.csv": Self.usage([12: 80_000]),
    ])
    let (data, _) = Dataset.load(folder: folder, plan: p)
    let (r, _) = Billing.run(plan: p, data: data, asOf: CivilDate.parse("2027-01-01")!, since: CivilDate.parse("2026-12-15"), explain: "k1/2027-01-01")
    let inv = try #require(r.invoices.first)
    let first = BillingText.explanation(inv.lines[0])
    #expect(first.first?.contains("falls in term 1 of the contract, 2026-01-01 to 2026-12-31; notice given on 2026-12-02, after 2026-12-01") == true, "\(first)")
    #expect(first.first?.contains("renews once more and ends on 2027-12-31") == true, "\(first)")
    let trueUp = BillingText.explanation(try #require(inv.lines.last))
    #expect(trueUp.first?.contains("commitment 12000 over term 1, for 365 of its 365 days = 12000; the term's 12 invoices billed 800") == true, "\(trueUp)")
  }

  @Test("data: an end date inside a term, or contradicting the notice, and a notice without a term are located errors")
  func dataErrors() throws {
    let contracts =
      "id,customer,plan,start_date,end_date,notice_given_on,cancelled_on\nk1,cust-1,api,2026-01-01,2026-06-30,,\nk2,cust-1,api,2026-01-01,2027-12-31,2026-11-01,\n"
      + "k3,cust-1,api,2026-01-01,,2025-12-01,\nk4,cust-1,flat,2026-01-01,,2026-05-01,\nk5,cust-1,api,2026-01-01,,2026-11-01,2027-01-02\n"
    let rules = Self.rules("") + "\nplan flat {\n  period monthly\n  charge f { flat 1.00 USD }\n}\n"
    let (_, issues) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": contracts, "usage.csv": Self.usage([:])], asOf: "2026-02-01", since: "2026-01-15")
    #expect(issues.map(\.code) == ["D0305", "D0305", "D0305", "D0315", "D0305"], "\(issues)")
    #expect(issues.map(\.line) == [2, 3, 4, 5, 6])
    #expect(issues[4].message.contains("after its term ends (2026-12-31)"))
    #expect(issues[0].message.contains("write end_date 2026-12-31"))
    #expect(issues[1].message.contains("on 2026-12-31 by the notice given on 2026-11-01"))
  }

  @Test("the checker: a term to count from, whole periods, a notice shorter than the term, nothing of the term in a phase")
  func checker() {
    let load = RuleSetLoader.load(
      root: "rules",
      files: [
        (
          "rules.accrue",
          """
          currency USD
          month end clamp
          plan a {
            period monthly
            notice 30 days
            minimum commitment 100.00 USD per term
            charge f { flat 1.00 USD }
          }
          plan b {
            period quarterly
            term 10 months
            renew automatically for 12 months
            notice 12 months
            charge f { flat 1.00 USD }
          }
          plan c {
            period monthly
            term 12 months
            renew never
            notice 30 days
            minimum commitment 1.00 USD per period
            minimum commitment 1.00 USD per term
            phase p for 1 months { minimum commitment 1.00 USD per term }
            charge f { flat 1.00 USD }
          }
          plan d {
            period weekly
            term 12 days
            charge f { flat 1.00 USD }
          }
          """
        )
      ])
    let diags = Frontend.check(load).1.filter { $0.severity == .error }
    func has(_ code: String, _ text: String) -> Bool { diags.contains { $0.code.id == code && $0.message.contains(text) } }
    #expect(has("E0510", "plan 'a' states 'notice' but no term"))
    #expect(has("E0510", "plan 'a' states 'minimum commitment ... per term' but no term"))
    #expect(has("E0509", "10 months is not a whole number of its periods"))
    #expect(has("E0411", "the notice is as long as the term (10 months) or longer"))
    #expect(has("E0509", "plan 'c' never renews, so a notice period changes nothing"))
    #expect(has("E0506", "states 'minimum commitment' twice"))
    #expect(has("E0509", "a phase cannot state 'minimum commitment ... per term'"))
    #expect(has("E0509", "plan 'd' bills by weeks"))
    #expect(diags.contains { $0.code.id == "E0401" && $0.message.contains("the term") })
    #expect(diags.allSatisfy { $0.help != nil }, "\(diags.filter { $0.help == nil }.map(\.message))")
  }
}
