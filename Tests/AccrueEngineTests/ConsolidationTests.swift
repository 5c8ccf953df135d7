import AccrueBilling
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import AccrueRender
import Testing

/// One invoice per customer (grammar.md §6.5, `invoice per customer [and currency]`). Published figures: Chargebee's
/// consolidated invoicing, example 2 (https://www.chargebee.com/docs/2.0/consolidated-invoicing.html): subscriptions A
/// AUD 100, B AUD 170, C USD 230 and D USD 120 of one customer renewing the same day make two invoices, AUD 270 (A and
/// B) and USD 350 (C and D); charges in different currencies are never consolidated.
@Suite("One invoice per customer")
struct ConsolidationTests {
  static func rules(_ grouping: String, extra: String = "") -> String {
    """
    currency USD
    month end clamp
    \(grouping)
    plan aud_plan "AUD subscription" {
      currency AUD
      period monthly
      align to calendar
      bill in advance
      payment terms net 30 days
      charge fee "Subscription" {
        quantity contract.quantity
        per unit 1.00 AUD
      }
    }
    plan usd_plan "USD subscription" {
      period monthly
      align to calendar
      bill in advance
      payment terms net 30 days
      tax "GST" 10% exclusive
      charge fee "Subscription" {
        quantity contract.quantity
        per unit 1.00 USD
      }
    }
    plan usd_other "USD, due on receipt" {
      period monthly
      align to calendar
      bill in advance
      charge fee "Other" { flat 5.00 USD }
    }
    \(extra)
    """
  }

  static let customers = "id,name\nacme,Acme Pty\nsolo,Solo Ltd\n"
  /// Chargebee's example 2: A AUD 100, B AUD 170, C USD 230, D USD 120 (contract rows in no particular order), and
  /// another customer's contract alone.
  static let contracts = """
    id,customer,plan,start_date,quantity
    D,acme,usd_plan,2026-10-01,120
    A,acme,aud_plan,2026-10-01,100
    s1,solo,usd_plan,2026-10-01,10
    C,acme,usd_plan,2026-10-01,230
    B,acme,aud_plan,2026-10-01,170

    """

  static func run(_ grouping: String, contracts: String = Self.contracts, explain: String? = nil, extra: String = "")
    throws -> BillingResult
  {
    let p = try Run.plan(Self.rules(grouping, extra: extra))
    let folder = try Run.folder(["customers.csv": Self.customers, "contracts.csv": contracts])
    let (data, issues) = Dataset.load(folder: folder, plan: p)
    #expect(issues.isEmpty, "\(issues)")
    return Billing.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-01")!, since: CivilDate.parse("2026-10-31"), explain: explain).0
  }

  @Test("Chargebee example 2: AUD 100 + 170 = AUD 270 and USD 230 + 120 = USD 350 (tax apart), one invoice per currency")
  func chargebeeByCurrency() throws {
    let r = try Self.run("invoice per customer and currency")
    #expect(r.failures.isEmpty, "\(r.failures)")
    #expect(r.invoices.map(\.key) == ["acme/AUD/2026-11-01", "acme/USD/2026-11-01", "solo/USD/2026-11-01"])
    let aud = r.invoices[0]
    let usd = r.invoices[1]
    #expect(aud.subtotal.description == "270" && aud.total.description == "270")
    #expect(usd.subtotal.description == "350")
    // GST on each contract's lines, added up: 23.00 + 12.00 = 35.00.
    #expect(usd.taxes.map { "\($0.label) \($0.amount)" } == ["GST 35"] && usd.total.description == "385")
    // Lines keep their contract (in id order) and rule; the invoice lists its contracts, the first as its contract.
    #expect(aud.contracts == ["A", "B"] && aud.contractID == "A")
    #expect(aud.lines.map(\.description) == ["A: Subscription: 100 x 1.00 AUD", "B: Subscription: 170 x 1.00 AUD"])
    #expect(usd.lines.map(\.contract) == ["C", "D"])
    #expect(usd.lines.allSatisfy { $0.rule.line == 21 })
  }

  @Test("per customer: two currencies cannot share an invoice, a located error that says what to write")
  func currencyConflict() throws {
    let r = try Self.run("invoice per customer")
    let f = try #require(r.failures.first)
    #expect(f.rule.line == 3 && f.subject == "invoice acme/2026-11-01")
    #expect(f.message.contains("A is billed in AUD and C in USD") && f.message.contains("write 'invoice per customer and currency'"))
    #expect(!r.invoices.contains { $0.key == "acme/2026-11-01" })
  }

  @Test("per customer: different payment terms cannot share an invoice")
  func termsConflict() throws {
    let r = try Self.run(
      "invoice per customer", contracts: "id,customer,plan,start_date,quantity\nC,acme,usd_plan,2026-10-01,230\nE,acme,usd_other,2026-10-01,\n")
    let f = try #require(r.failures.first)
    #expect(f.message.contains("C (plan usd_plan) pays net 30 days") && f.message.contains("E (plan usd_other)"), "\(f.message)")
    #expect(f.message.contains("give both the same payment terms and early payment discount"), "\(f.message)")
  }

  @Test("per customer: posting rules per plan cannot post one invoice's lines by two plans")
  func postingConflict() throws {
    let extra = """
      plan usd_same "USD, same terms" {
        period monthly
        align to calendar
        bill in advance
        payment terms net 30 days
        charge fee "Same" { flat 5.00 USD }
      }
      posting plan usd_plan {
        invoice line credit "4000"
      }
      """
    let contracts = "id,customer,plan,start_date,quantity\nC,acme,usd_plan,2026-10-01,230\nF,acme,usd_same,2026-10-01,\n"
    let r = try Self.run("invoice per customer", contracts: contracts, extra: extra)
    let f = try #require(r.failures.first, "\(r.invoices.map(\.key))")
    #expect(f.message.contains("the posting rules post per plan"), "\(f.message)")
    // Without per-plan posting rules the same contracts share one invoice.
    let ok = try Self.run("invoice per customer", contracts: contracts, extra: extra.components(separatedBy: "posting")[0])
    #expect(ok.failures.isEmpty && ok.invoices.map(\.key) == ["acme/2026-11-01"])
  }

  @Test("per contract (the default, and said) leaves today's invoices and keys")
  func perContract() throws {
    let a = try Self.run("invoice per contract")
    let b = try Self.run("")
    #expect(a.invoices.map(\.key) == ["A/2026-11-01", "B/2026-11-01", "C/2026-11-01", "D/2026-11-01", "s1/2026-11-01"])
    #expect(a.invoices.map(\.key) == b.invoices.map(\.key) && a.invoices.allSatisfy { $0.contracts.isEmpty })
  }

  @Test("--explain CUSTOMER/CURRENCY/DATE explains every line of the invoice; JSON names each line's contract")
  func explainedAndJSON() throws {
    let r = try Self.run("invoice per customer and currency", explain: "acme/USD/2026-11-01")
    let usd = try #require(r.invoices.first { $0.key == "acme/USD/2026-11-01" })
    #expect(usd.lines.allSatisfy { !$0.explanation.isEmpty })
    let json = InvoiceRenderer.json(r).serialized()
    #expect(json.contains("\"contracts\":[\"C\",\"D\"]"), "\(json)")
    #expect(json.contains("\"description\":\"D: Subscription: 120 x 1.00 USD\",\"charge\":\"fee\",\"contract\":\"D\""), "\(json)")
  }

  @Test("the checker: 'invoice per' once, and only its three forms")
  func checker() {
    let diags = PriceBookTests.diagnostics(
      """
      currency USD
      invoice per customer
      invoice per contract
      invoice per account
      plan p {
        period monthly
        align to calendar
        charge a { flat 1.00 USD }
      }
      """)
    #expect(diags.contains { $0.message == "the rule set states 'invoice per' twice" })
    #expect(diags.contains { $0.message.contains("expected 'contract' or 'customer' after 'invoice per'") && $0.help?.contains("invoice per customer and currency") == true })
  }
}
