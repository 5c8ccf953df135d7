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

/// Defects an independent review found in `payment terms ... when` / `early payment discount ... when` (issue 24,
/// grammar.md §6.4); each test failed before its fix.
@Suite("Payment terms with 'when': review findings")
struct ConditionalTermsReviewTests {
  static let match = """
    match by_payer {
      payer by name
      candidates open invoices of payer, same currency
      allocate exact single, then oldest first
      on underpayment beyond tolerance: exception to queue "short" reason "short payment"
    }

    """

  static func cash(_ rules: String, _ files: [String: String], asOf: String) throws -> CashResult {
    let p = try Run.plan(rules)
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: p)
    try #require(issues.isEmpty, "\(issues)")
    let day = CivilDate.parse(asOf)!
    let out = Produce.run(plan: p, data: data, asOf: day, since: day)
    return try #require(out.cash)
  }

  /// `as_of` in such a `when` would let billing and a cash run on another day find different terms for one invoice
  /// (found in review: a 2/10 printed on the invoice not honoured when cash application ran on day 8): it is an error.
  @Test("a 'when' of payment terms or an early payment discount that reads as_of is an error at as_of")
  func asOfRejected() throws {
    for stmt in ["early payment discount 2% within 10 days when as_of < 2026-11-05", "payment terms net 60 days when as_of >= 2027-01-01"] {
      let rules = "plan p \"P\" {\n  currency USD\n  period monthly\n  align to calendar\n  charge a \"A\" { flat 100.00 USD }\n  \(stmt)\n  payment terms net 30 days\n}\n"
      let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", rules)])
      let errors = Frontend.check(load).1.filter { $0.severity == .error }
      #expect(errors.count == 1 && errors[0].message.contains("cannot read as_of"), "\(errors.map(\.message))")
      #expect(errors.first?.help?.contains("contract.start_date") == true)
    }
  }

  /// A condition that cannot be evaluated stops billing ("Accrue never drops a line or guesses a value"), but in
  /// cash application the same failure is swallowed: the invoice is taken to offer no discount, silently.
  @Test("cash application reports a 'when' it cannot evaluate instead of silently offering no discount")
  func cashConditionFailureIsReported() throws {
    let rules = """
      plan p "P" {
        currency USD
        period monthly
        align to calendar
        bill in advance
        charge a "A" { flat 100.00 USD }
        payment terms net 30 days
        early payment discount 2% within 10 days when contract.seats / contract.quantity > 2
      }

      """ + Self.match
    let customers = "id,name,country,segment\nc1,One,US,smb\n"
    let contracts = "id,customer,plan,start_date,seats,quantity\nk1,c1,p,2026-01-01,10,0\n"
    // Billing refuses: division by zero, located at the rule.
    let (billed, _) = try Run.billing(rules, ["customers.csv": customers, "contracts.csv": contracts], asOf: "2026-11-01", since: "2026-10-31")
    #expect(billed.failures.contains { $0.message.contains("division by zero") })
    let r = try Self.cash(
      rules,
      [
        "customers.csv": customers, "contracts.csv": contracts,
        "invoices.csv": """
          id,number,customer,contract,issue_date,due_date,currency,amount,status,period_start
          i1,INV-1,c1,k1,2026-10-01,2026-10-31,USD,100.00,open,2026-10-01

          """,
        "payments.csv": Cash.header + "p1,2026-10-05,,98.00,USD,,,One,\n",
      ], asOf: "2026-10-06")
    #expect(
      r.failures.contains { $0.message.contains("division by zero") },
      "no failure; p1 was \(r.applications.first.map { "\($0.status), discount \($0.allocations.first?.discount.description ?? "-")" } ?? "?")")
  }

  /// Two contracts of one plan under `invoice per customer`, whose `when` gives them different terms: the run
  /// stops (right), but the message tells the user to "give both plans the same payment terms" while there is
  /// one plan, and does not say which statement gave each contract its terms.
  @Test("the consolidation conflict names the contracts and the 'when' statements, not 'both plans'")
  func consolidationConflictMessage() throws {
    let rules = """
      invoice per customer
      field contract.public_sector: bool = false
      plan p "P" {
        currency USD
        period monthly
        align to calendar
        bill in advance
        charge a "A" { flat 100.00 USD }
        payment terms net 60 days when contract.public_sector
        payment terms net 30 days
      }

      """
    let (r, _) = try Run.billing(
      rules,
      [
        "customers.csv": "id,name,country,segment\nc1,One,US,smb\n",
        "contracts.csv": "id,customer,plan,start_date,public_sector\nk1,c1,p,2026-01-01,true\nk2,c1,p,2026-01-01,false\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    let f = try #require(r.failures.first)
    #expect(!f.message.contains("give both plans the same payment terms"), "\(f.message)")
    #expect(f.message.contains("k1") && f.message.contains("k2") && f.message.contains("when"), "\(f.message)")
  }

  static func errors(_ rules: String) -> [String] {
    let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", rules)])
    return Frontend.check(load).1.filter { $0.severity == .error || $0.severity == .warning }.map { "\($0.code.id) \($0.message)" }
  }

  /// The second of two statements with the same condition never applies, as one after the catch-all never does
  /// (E0508); a copy-paste slip that silently leaves EUR invoices on the first terms.
  @Test("payment terms repeating an earlier statement's condition are reported: they never apply")
  func repeatedConditionReported() {
    let rules = """
      plan p {
        currency USD, EUR
        period monthly
        align to calendar
        charge a { flat [1.00 USD, 1.00 EUR] }
        payment terms net 30 days end of month when contract.currency = EUR
        payment terms net 45 days when contract.currency = EUR
        payment terms net 30 days
      }

      """
    let found = Self.errors(rules)
    #expect(!found.isEmpty, "no diagnostic for the unreachable second statement")
  }
  /// `accrue compile --emit plan` shows a tax's `when` but nothing of the terms: the conditional payment terms and
  /// early payment discounts (and which applies when) cannot be inspected.
  @Test("compile --emit plan lists the conditional payment terms with their conditions")
  func emitPlanShowsConditionalTerms() throws {
    let rules = """
      plan p {
        currency USD, EUR
        period monthly
        align to calendar
        charge a { flat [1.00 USD, 1.00 EUR] }
        payment terms net 30 days end of month when contract.currency = EUR
        payment terms net 30 days
        early payment discount 2% within 10 days when contract.currency = USD
      }

      """
    let text = PlanJSON.render(try Run.plan(rules)).serialized(pretty: false)
    #expect(text.contains("payment_terms") || text.contains("\"terms\""), "\(text.prefix(400))")
    #expect(text.contains("early_payment_discount"), "no early payment discount in the emitted plan")
  }
}

/// A cadence step's offset and a match rule's `look back` may name a `let` (examples/expressions: `step remind
/// grace after due`): the compiler evaluated them without the lets and crashed (index out of range), found while
/// checking `compile --emit plan` on every example.
@Suite("Constants that name a let, compiled")
struct CompiledLetConstantsTests {
  @Test("a step 'grace after due' and 'look back window' with lets compile to their values")
  func letsInConstants() throws {
    let p = try Run.plan(
      """
      currency USD
      let grace: days = 5 days
      let window: days = 45 days
      plan p {
        period monthly
        align to calendar
        charge c { flat 10.00 USD }
      }
      cadence c {
        step first grace after due { send email "first" }
      }
      match m {
        payer by name
        candidates open invoices of payer, same currency, look back window
        allocate oldest first
      }
      """)
    #expect(p.cadences.first?.steps.first?.offset == 5)
    #expect(p.matchRules.first?.lookBackDays == 45)
  }
}
