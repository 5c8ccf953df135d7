import AccrueBilling
import AccrueCash
import AccrueChecker
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueLedger
import AccrueModel
import AccrueParser
import AccrueRun
import Foundation
import Testing

/// Rules the checker accepts do what they say: each case here was accepted and then silently did something
/// else (issue "No silent wrong answers").
@Suite("No silent wrong answers")
struct TrustTests {
  /// The codes `check` reports for a rule text.
  static func codes(_ rules: String) -> [String] {
    let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", rules)])
    return Frontend.check(load).1.map(\.code.id)
  }

  /// Cash application over `Cash`'s invoices and customers, failures included.
  static func cash(
    _ payments: [String], rules: String, customers: String = Cash.customers, invoices: String = Cash.invoices, accounts: String = Cash.accounts
  ) throws -> CashResult {
    let p = try Run.plan(rules)
    let files = [
      "customers.csv": customers, "invoices.csv": invoices, "accounts.csv": accounts,
      "payments.csv": Cash.header + payments.joined(separator: "\n") + "\n",
    ]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: p)
    try #require(issues.isEmpty, "\(issues)")
    return CashApplicationRun.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-10")!, history: [], explanations: true)
  }

  static let byNumber = """
    match by_number "Invoice number" {
      reference pattern /INV-([0-9]{4}-[0-9]+)/ in remittance
      candidates open invoices of any customer
      tolerance underpayment TOLERANCE
      on underpayment within tolerance: write off
      on underpayment beyond tolerance: exception to queue "short"
    }
    """

  // MARK: Tolerances read from the payment

  @Test("a tolerance of a percent of the payment is worked out from each payment (it evaluated to 0.00)")
  func tolerancePercentOfPayment() throws {
    let rules = Self.byNumber.replacingOccurrences(of: "TOLERANCE", with: "1% of payment.amount")
    #expect(Self.codes(rules).isEmpty)
    // 995.00 against INV-2026-000123 (1,000.00): 5.00 short, within 1% of 995.00 = 9.95: written off.
    let r = try Self.cash(["p1,2026-11-02,,995.00,USD,,INV-2026-000123,Globex GmbH,"], rules: rules)
    #expect(r.failures.isEmpty, "\(r.failures)")
    let a = try #require(r.applications.first)
    #expect(a.status == .applied, "\(a.reason ?? "")")
    #expect(a.allocations.first?.writtenOff == Fixed(5))
    #expect(a.explanation.contains { $0.contains("short by 5.00 USD, within the tolerance of 9.95 USD") }, "\(a.explanation)")
  }

  @Test("min of amounts per currency and a percent of the payment: each payment's own currency and amount")
  func toleranceMinimum() throws {
    let rules = Self.byNumber.replacingOccurrences(of: "TOLERANCE", with: "min([5.00 USD, 4.00 EUR], 1% of payment.amount)")
    #expect(Self.codes(rules).isEmpty)
    let r = try Self.cash(
      [
        "p1,2026-11-02,,994.00,USD,,INV-2026-000123,Globex GmbH,",  // 6.00 short, limit min(5.00, 9.94) = 5.00: beyond
        "p2,2026-11-02,,246.00,USD,,INV-2026-000124,Globex GmbH,",  // 4.00 short, limit min(5.00, 2.46) = 2.46: beyond
        "p3,2026-11-02,,396.50,USD,,INV-2026-000125,Globex GmbH,",  // 3.50 short, limit min(5.00, 3.965 -> 3.96): within
        "p4,2026-11-02,,697.00,EUR,,INV-2026-000127,Initech,",  // 3.00 short, limit min(4.00 EUR, 6.97 EUR): within
      ], rules: rules)
    #expect(r.failures.isEmpty, "\(r.failures)")
    #expect(r.applications.map(\.status) == [.exception, .exception, .applied, .applied])
    #expect(r.applications[2].allocations.first?.writtenOff == Fixed.parse(Array("3.50".utf8)))
    #expect(r.applications[3].allocations.first?.writtenOff == Fixed(3))
  }

  @Test("a payment in a currency the amounts per currency do not list stops the run with the rule's place")
  func toleranceMissingCurrency() throws {
    let rules = Self.byNumber.replacingOccurrences(of: "TOLERANCE", with: "min([5.00 USD, 4.00 EUR], 1% of payment.amount)")
    let r = try Self.cash(["p1,2026-11-02,,99.00,GBP,,INV-2026-000123,Globex GmbH,"], rules: rules)
    let f = try #require(r.failures.first)
    #expect(f.message.contains("no amount in GBP"), "\(f)")
    #expect(f.subject == "payment p1")
    #expect(f.rule.line == 4)
  }

  // MARK: Conditions over amounts of several currencies

  static let thresholds = """
    cadence large "Large balances" {
      applies when customer.balance > [1_000.00 USD, 800.00 GBP]
      step call 1 day after due { create task "Call" for queue "collections" }
    }
    """

  @Test("thresholds joined by 'or' in two currencies are an error that shows the one comparison to write")
  func orThresholds() {
    let old = "cadence large { applies when customer.balance > 1_000.00 USD or customer.balance > 800.00 GBP\n step call 1 day after due { create task \"Call\" for queue \"collections\" } }"
    #expect(Self.codes(old) == ["E0412"])
    #expect(Self.codes(Self.thresholds).isEmpty)
    // Testing the currency first is another way to say it.
    let tested = """
      cadence large {
        applies when invoice.currency = USD and customer.balance > 1_000.00 USD
          or invoice.currency = GBP and customer.balance > 800.00 GBP
        step call 1 day after due { create task "Call" for queue "collections" }
      }
      """
    #expect(Self.codes(tested).isEmpty)
    // Earlier conditions of a list narrow the later ones, not the other way round.
    let ordered = """
      cadence gbp {
        applies when invoice.currency = GBP
        applies when invoice.balance > 100.00 GBP
        late fee 1.00 GBP
        step s 1 day after due { late fee 5.00 GBP }
      }
      """
    #expect(!Self.codes(ordered).contains("E0412"), "\(Self.codes(ordered))")
    let reversed = ordered.replacingOccurrences(of: "  applies when invoice.currency = GBP\n  applies when invoice.balance > 100.00 GBP", with: "  applies when invoice.balance > 100.00 GBP\n  applies when invoice.currency = GBP")
    #expect(Self.codes(reversed).contains("E0412"))
  }

  @Test("a customer's totals are in the currency of the invoice dunned, each threshold in its own currency")
  func thresholdsPerCurrency() throws {
    let files = [
      "invoices.csv": Dun.invoices([
        // c1 owes 1,500.00 USD (over 1,000.00) and 900.00 GBP (over 800.00): both called about.
        "u1,c1,2026-09-01,2026-10-01,USD,1500.00,,,open", "g1,c1,2026-09-01,2026-10-02,GBP,900.00,,,open",
        // c2 owes 500.00 USD (under) and 900.00 GBP (over): only the GBP invoice.
        "u2,c2,2026-09-01,2026-10-01,USD,500.00,,,open", "g2,c2,2026-09-01,2026-10-02,GBP,900.00,,,open",
      ])
    ]
    let r = try Dun.run(Self.thresholds, files, asOf: "2026-11-02")
    #expect(r.failures.isEmpty, "\(r.failures)")
    #expect(Set(Dun.keys(r)) == ["u1/large/call", "g1/large/call", "g2/large/call"])
    // The same with the invoices in the other order: the same reminders.
    let shuffled = ["invoices.csv": Dun.invoices(["g2,c2,2026-09-01,2026-10-02,GBP,900.00,,,open", "u2,c2,2026-09-01,2026-10-01,USD,500.00,,,open",
      "g1,c1,2026-09-01,2026-10-02,GBP,900.00,,,open", "u1,c1,2026-09-01,2026-10-01,USD,1500.00,,,open"])]
    #expect(Set(Dun.keys(try Dun.run(Self.thresholds, shuffled, asOf: "2026-11-02"))) == ["u1/large/call", "g1/large/call", "g2/large/call"])
  }

  @Test("an invoice in a currency the amounts per currency do not list is a run failure, never 'false'")
  func thresholdMissingCurrency() throws {
    let files = ["invoices.csv": Dun.invoices(["e1,c1,2026-09-01,2026-10-01,EUR,1500.00,,,open"])]
    let r = try Dun.run(Self.thresholds, files, asOf: "2026-11-02")
    let f = try #require(r.failures.first)
    #expect(f.message.contains("no amount in EUR"), "\(f)")
    #expect(f.subject == "invoice e1")
    #expect((f.rule.line, f.rule.column) == (2, 16))
  }

  @Test("in a metric, the help names only what a metric can say (it suggested 'currency', which a metric cannot have)")
  func metricCurrencyHelp() {
    let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", "metric big {\n sum of event.amount\n where event.amount > 10.00 USD\n}\n")])
    let d = Frontend.check(load).1.first { $0.code.id == "E0412" }
    #expect(d?.help == "give one amount per currency, as in [10_000.00 USD, 8_000.00 GBP]")
  }

  @Test("customer totals are worked out for dunning only: elsewhere they are an error, not a zero")
  func customerTotalsOutsideCadences() {
    let rules = """
      match big { when customer.balance > [1.00 USD, 1.00 EUR]
        payer by name
        allocate oldest first
      }
      """
    #expect(Self.codes(rules).contains("E0309"))
  }

  // MARK: Match rules that only queue, and honest explanations

  @Test("a rule that only sends what reaches it to a queue needs no allocation")
  func queueOnly() throws {
    let rules = """
      match everything_else "Everything else goes to a person" {
        on no match: exception to queue "review" reason "Not matched automatically"
      }
      """
    #expect(Self.codes(rules).isEmpty)
    let a = try #require(try Self.cash(["p1,2026-11-02,,77.00,USD,,,Unknown payer,"], rules: rules).applications.first)
    #expect(a.status == .exception)
    #expect(a.queue == "review")
    // Tolerances or outcomes for differences without any way to choose invoices never apply: still an error.
    #expect(Self.codes("match m {\n tolerance underpayment 1%\n on no match: leave unapplied\n}") == ["E0510"])
    #expect(Self.codes("match m {\n payer by name\n}") == ["E0510"])
    // References name the invoices: no allocation needed (grammar.md, matching rules).
    #expect(Self.codes("match m {\n reference pattern /INV-[0-9]+/\n}").isEmpty)
  }

  @Test("an amount-only match across customers is warned unless reviewed, and says it was found by its amount")
  func amountOnly() throws {
    let rules = """
      match unidentified {
        candidates open invoices of any customer, same currency
        allocate exact single
      }
      """
    #expect(Self.codes(rules) == ["W0502"])
    #expect(Self.codes(rules.replacingOccurrences(of: "allocate exact single", with: "allocate exact single\n  confidence suggest")).isEmpty)
    let a = try #require(try Self.cash(["p1,2026-11-02,,5000.00,USD,,,Unknown payer,"], rules: rules).applications.first)
    #expect(a.customer == "c3")
    #expect(a.payerBy == "amount")
  }

  @Test("a reference that names a customer, not an invoice: the rule's allocation chooses among its invoices")
  func customerReference() throws {
    let rules = """
      match customer_number {
        reference pattern /CUST-[0-9]{4}/ in remittance
        candidates open invoices of payer, same currency
        allocate exact single, then oldest first
      }
      """
    #expect(Self.codes(rules).isEmpty)
    let customers = "id,name,country\nCUST-0002,Globex GmbH,DE\nCUST-0003,Initech,US\n"
    let invoices = Cash.invoices.replacingOccurrences(of: ",c2,", with: ",CUST-0002,").replacingOccurrences(of: ",c3,", with: ",CUST-0003,")
    let r = try Self.cash(["p1,2026-11-02,,250.00,USD,,Customer CUST-0002 October,Someone,"], rules: rules, customers: customers, invoices: invoices, accounts: "customer,account\n")
    let a = try #require(r.applications.first)
    #expect(a.status == .applied, "\(a.explanation)")
    #expect(a.customer == "CUST-0002")
    #expect(a.payerBy == "reference")
    #expect(a.allocations.map(\.invoice) == ["i2"])
  }
}
