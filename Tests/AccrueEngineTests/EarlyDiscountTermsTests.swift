@testable import AccrueCash
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import Testing

/// Cash application works out an early payment discount whose terms read a record once per contract and plan
/// (`EarlyDiscounts`), not once per invoice: the offers and failures are the ones evaluating each invoice gives.
@Suite("Early payment discounts worked out per contract")
struct EarlyDiscountTermsTests {
  static let rules = """
    plan p "P" {
      currency USD
      period monthly
      align to calendar
      charge a "A" { flat 100.00 USD }
      payment terms net 30 days
      early payment discount 2% within 10 days when contract.seats > 5
      early payment discount 3% within 5 days when contract.seats / contract.quantity > 2
    }
    plan q "Q" {
      currency USD
      period monthly
      align to calendar
      charge a "A" { flat 100.00 USD }
      payment terms net 30 days
      early payment discount 1% within 20 days
    }
    plan r "R" {
      currency USD
      period monthly
      align to calendar
      charge a "A" { flat 100.00 USD }
      payment terms net 30 days
      early payment discount 4% within 7 days when contract.seats > 2
    }

    """

  /// Invoice `i`'s offer evaluated on its own (the definition).
  static func plain(_ i: Int, _ plan: ExecutablePlan, _ data: Dataset, _ env: Env) -> (offer: (Int64, Int32)?, failed: Bool) {
    let inv = data.invoices[i]
    guard inv.contract >= 0, !inv.isCreditNote else { return (nil, false) }
    let c = data.contracts[Int(inv.contract)]
    let k = c.terms(on: inv.issueDate).plan
    c.setRecords(env, data)
    env.reset()
    let terms = plan.plans[k].earlyDiscount(env)
    var offer: (Int64, Int32)?
    if let (rateE, withinE) = terms, case .percent(let r) = rateE.eval(env), case .days(let n) = withinE.eval(env) {
      offer = EarlyDiscounts.offer(inv.amount, inv.currency, issued: inv.issueDate, r, Int(n), plan.plans[k].rounding).map { ($0.amount, $0.until) }
    }
    defer { env.reset() }
    return env.failure != nil ? (nil, true) : (offer, false)
  }

  @Test("each invoice's offer and failure equal its own evaluation, over contracts of several invoices")
  func sameAsPerInvoice() throws {
    let plan = try Run.plan(Self.rules)
    let customers = "id,name,country,segment\nc1,One,US,smb\nc2,Two,DE,smb\n"
    // k1 gets the first discount, then (from March) plan r's; k2 the second; k3 fails (a division by zero) on
    // each of its invoices under p, then moves to q; k4's plan reads no record; k5 gets none; k6 would fail but
    // has no invoice (no failure).
    let contracts = """
      id,customer,plan,start_date,seats,quantity
      k1,c1,p,2026-01-01,10,1
      k2,c2,p,2026-01-01,3,1
      k3,c2,p,2026-01-01,3,0
      k4,c1,q,2026-01-01,1,1
      k5,c2,p,2026-01-01,1,1
      k6,c1,p,2026-01-01,3,0

      """
    let changes = "contract,date,plan\nk1,2026-03-01,r\nk3,2026-03-01,q\n"
    var invoices = "id,number,customer,contract,issue_date,due_date,currency,amount,status,period_start\n"
    var n = 0
    for (k, customer) in [("k1", "c1"), ("k2", "c2"), ("k3", "c2"), ("k4", "c1"), ("k5", "c2")] {
      for month in 1...4 {
        n += 1
        invoices += "i\(n),INV-\(n),\(customer),\(k),2026-0\(month)-01,2026-0\(month)-28,USD,\(100 + n).00,open,2026-0\(month)-01\n"
      }
    }
    let (data, issues) = Dataset.load(
      folder: try Run.folder([
        "customers.csv": customers, "contracts.csv": contracts, "contract_changes.csv": changes, "invoices.csv": invoices,
      ]), plan: plan)
    try #require(issues.isEmpty, "\(issues)")
    let env = Matcher.env(plan, CivilDate.parse("2026-11-01")!)
    let d = EarlyDiscounts(plan: plan, data: data, env: env)
    var failed: [String] = []
    var offered = 0
    for i in data.invoices.indices {
      let (want, fails) = Self.plain(i, plan, data, env)
      let got = d.offer(i, data, plan)
      #expect(got?.amount == want?.0 && got?.until == want?.1, "invoice \(data.invoices[i].id)")
      if fails { failed.append(data.invoices[i].number) }
      if want != nil { offered += 1 }
    }
    #expect(offered == 14)
    #expect(failed == ["INV-9", "INV-10"])
    #expect(d.failures.count == failed.count && zip(d.failures, failed).allSatisfy { $0.subject.contains($1 + ",") }, "\(d.failures.map(\.subject))")
  }
}
