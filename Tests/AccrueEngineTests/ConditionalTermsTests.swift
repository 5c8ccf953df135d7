import AccrueBilling
import AccrueCash
import AccrueChecker
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import AccrueRender
import AccrueRun
import Testing

/// Payment terms and early payment discounts that depend on the contract (grammar.md §6.4): `payment terms ...
/// when COND` tried in order, the one without `when` when none holds. Northwind's Team plan sold by two entities:
/// the GmbH's EUR invoices due 30 days after the end of the month with no early payment discount, the US
/// company's net 30 with 2/10.
@Suite("Payment terms with 'when'")
struct ConditionalTermsTests {
  static let rules = """
    month end clamp
    plan team "Team" {
      currency USD, EUR
      period monthly
      align to calendar
      bill in advance
      charge seats "Seats" {
        per unit [15.00 USD, 14.00 EUR]
        quantity contract.seats
      }
      tax "USt. 19%" 19% exclusive when contract.currency = EUR and customer.country = "DE"
      payment terms net 30 days end of month when contract.currency = EUR
      payment terms day 15 of next month when customer.segment = "public"
      payment terms net 30 days
      early payment discount 2% within 10 days when contract.currency = USD
    }
    match by_payer {
      payer by name
      candidates open invoices of payer, same currency
      allocate exact single, then oldest first
      on underpayment beyond tolerance: exception to queue "short" reason "short payment"
    }
    """

  static let customers = """
    id,name,country,segment
    de,Rheinland Stadtwerke GmbH,DE,public
    us,Lakeshore Dental LLC,US,smb
    gov,County of Marin,US,public

    """

  static func billing() throws -> [String: PlannedInvoice] {
    let contracts = "id,customer,plan,start_date,seats,currency\nk-de,de,team,2026-01-01,10,EUR\nk-us,us,team,2026-01-01,10,USD\nk-gov,gov,team,2026-01-01,10,USD\n"
    let (r, issues) = try Run.billing(
      rules, ["customers.csv": customers, "contracts.csv": contracts], asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty, "\(issues)")
    return Dictionary(uniqueKeysWithValues: r.invoices.map { ($0.contractID, $0) })
  }

  @Test("the first 'payment terms' whose condition holds gives the due date; the one without 'when' the rest")
  func firstThatHolds() throws {
    let inv = try Self.billing()
    let de = try #require(inv["k-de"]), us = try #require(inv["k-us"]), gov = try #require(inv["k-gov"])
    // EUR (the first condition holds before the second, though the customer is public too): end of November + 30.
    #expect(de.dueDate.description == "2026-12-30" && de.total.description == "166.6")
    #expect(BillingText.terms(de.terms) == "net 30 days end of month")
    // A public customer in USD: the second condition.
    #expect(gov.dueDate.description == "2026-12-15")
    // Everyone else: net 30.
    #expect(us.dueDate.description == "2026-12-01")
  }

  @Test("the early payment discount with 'when' is offered only where its condition holds")
  func earlyDiscountWhere() throws {
    let inv = try Self.billing()
    #expect(inv["k-de"]?.earlyDiscount == nil)
    let us = try #require(inv["k-us"]?.earlyDiscount)
    #expect(us.amount.description == "3" && us.until.description == "2026-11-11")
  }

  @Test("--explain names the statement that gave the terms and the discount")
  func explained() throws {
    let p = try Run.plan(Self.rules)
    let contracts = "id,customer,plan,start_date,seats,currency\nk-de,de,team,2026-01-01,10,EUR\nk-us,us,team,2026-01-01,10,USD\n"
    let (data, issues) = Dataset.load(folder: try Run.folder(["customers.csv": Self.customers, "contracts.csv": contracts]), plan: p)
    #expect(issues.isEmpty)
    for (key, terms, discount) in [("k-de/2026-11-01", 12, nil), ("k-us/2026-11-01", 14, 15)] as [(String, Int, Int?)] {
      let (r, _) = Billing.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-01")!, since: CivilDate.parse("2026-10-31"), explain: key)
      let inv = try #require(r.invoices.first { $0.key == key })
      #expect(inv.termsRule?.line == terms, "\(key)")
      #expect(inv.earlyDiscountRule?.line == discount, "\(key)")
    }
  }

  @Test("cash application honours the discount only for the invoices whose condition holds")
  func cashHonoursCondition() throws {
    let p = try Run.plan(Self.rules)
    let files = [
      "customers.csv": Self.customers,
      "contracts.csv": "id,customer,plan,start_date,seats,currency\nk-de,de,team,2026-01-01,10,EUR\nk-us,us,team,2026-01-01,10,USD\n",
      "invoices.csv": """
        id,number,customer,contract,issue_date,due_date,currency,amount,status,period_start
        i-us,INV-1,us,k-us,2026-10-01,2026-10-31,USD,150.00,open,2026-10-01
        i-de,INV-2,de,k-de,2026-10-01,2026-11-30,EUR,166.60,open,2026-10-01

        """,
      // Each pays 2% less within ten days: the USD invoice's discount settles it, the EUR one has none.
      "payments.csv": Cash.header + "p1,2026-10-05,,147.00,USD,,,Lakeshore Dental LLC,\np2,2026-10-05,,163.27,EUR,,,Rheinland Stadtwerke GmbH,\n",
    ]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: p)
    try #require(issues.isEmpty, "\(issues)")
    let out = Produce.run(plan: p, data: data, asOf: CivilDate.parse("2026-10-06")!, since: CivilDate.parse("2026-10-06")!)
    let apps = Dictionary(uniqueKeysWithValues: (out.cash?.applications ?? []).map { ($0.paymentID, $0) })
    let us = try #require(apps["p1"])
    #expect(us.status == .applied && us.allocations.first?.discount.description == "3")
    // The EUR payment pays 163.27 of the invoice: no discount, the invoice stays open for the 3.33 left.
    let de = try #require(apps["p2"]?.allocations.first)
    #expect(de.discount.isZero && !de.closes && de.amount.description == "163.27")
  }

  @Test("compile --emit plan lists the payment terms and discounts in the order they are tried, each with its 'when'")
  func emitted() throws {
    let text = PlanJSON.render(try Run.plan(Self.rules)).serialized(pretty: false)
    let terms = try #require(text.range(of: "\"payment_terms\":")).upperBound
    let rest = String(text[terms...])
    let eom = try #require(rest.range(of: "net end of month")), day = try #require(rest.range(of: "day of next month"))
    let net = try #require(rest.range(of: "\"kind\":\"net\""))
    #expect(eom.lowerBound < day.lowerBound && day.lowerBound < net.lowerBound)
    #expect(rest.contains("\"early_payment_discount\":[{\"rate\":\"2%\",\"within\":\"10 days\",\"when\":\"(= (field contract#"))
  }

  static func errors(_ rules: String) -> [String] {
    let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", rules)])
    return Frontend.check(load).1.filter { $0.severity == .error }.map { "\($0.code.id) \($0.message)" }
  }

  static func plan(_ body: String) -> String {
    "plan p {\n  currency USD, EUR\n  period monthly\n  align to calendar\n  charge a { flat [1.00 USD, 1.00 EUR] }\n\(body)}\n"
  }

  @Test("terms with 'when' after the ones without never apply (E0508); with 'when' alone they need a fallback (E0510)")
  func placement() {
    #expect(Self.errors(Self.plan("  payment terms net 30 days end of month when contract.currency = EUR\n  payment terms net 30 days\n")).isEmpty)
    let after = Self.errors(Self.plan("  payment terms net 30 days\n  payment terms net 60 days when contract.currency = EUR\n"))
    #expect(after == ["E0508 these payment terms never apply: the payment terms without 'when' before them apply to every invoice"], "\(after)")
    let alone = Self.errors(Self.plan("  payment terms net 60 days when contract.currency = EUR\n"))
    #expect(alone == ["E0510 plan 'p' states payment terms only with 'when': an invoice whose contract meets none of the conditions would have no terms"], "\(alone)")
    let twice = Self.errors(Self.plan("  payment terms net 60 days\n  payment terms net 30 days\n"))
    #expect(twice.map { $0.prefix(5) } == ["E0506"])
    // An early payment discount with 'when' alone is fine: no discount where it does not hold.
    #expect(Self.errors(Self.plan("  early payment discount 2% within 10 days when contract.currency = USD\n")).isEmpty)
    let discountAfter = Self.errors(Self.plan("  early payment discount 2% within 10 days\n  early payment discount 3% within 10 days when contract.currency = USD\n"))
    #expect(discountAfter.map { $0.prefix(5) } == ["E0508"])
    // The condition is a yes/no condition.
    let notBool = Self.errors(Self.plan("  payment terms net 60 days when contract.currency\n  payment terms net 30 days\n"))
    #expect(notBool.count == 1 && notBool[0].contains("the 'when' of payment terms must be a yes/no condition"), "\(notBool)")
  }
}
