import AccrueChecker
import AccrueCompiler
import AccrueDiagnostics
import AccrueParser
import AccrueRender
import Foundation
import Testing

/// `role` and `approval NAME for SUBJECT { ... }` (grammar.md §11): parsing, each diagnostic, the layout.
@Suite("Approval rules")
struct ApprovalRulesTests {
  static let roles = "currency USD\ncalendar us_bank {\n  holiday 2026-11-26\n}\nrole controller \"Financial controller\"\nrole cfo\n"

  /// A rule set with the two roles and one approval rule of `subject` holding `body`.
  static func rule(_ body: String, subject: String = "invoices", name: String = "large") -> String {
    roles + "approval \(name) for \(subject) {\n" + body.split(separator: "\n").map { "  " + $0 + "\n" }.joined() + "}\n"
  }

  static func diagnostics(_ text: String) -> [Diagnostic] {
    Support.check(text).1.filter { $0.code.id != "W0301" }
  }

  @Test("every subject parses, with conditions, a chain, an escalation and a calendar", arguments: [
    ("invoices", ApprovalSubject.invoices, "invoice.total > 10_000.00 USD"),
    ("debit notes", .debitNotes, "invoice.kind = \"debit note\""),
    ("credit notes", .creditNotes, "credit_note.amount > 1_000.00 USD"),
    ("write offs", .writeOffs, "write_off.amount > 500.00 USD"),
    ("payment plans", .paymentPlans, "payment_plan.installments > 6"),
  ])
  func subjects(_ written: String, _ subject: ApprovalSubject, _ condition: String) throws {
    let text = Self.rule("when \(condition)\napprove by controller, then cfo\nescalate after 2 business days to cfo\ncalendar us_bank", subject: written)
    #expect(Self.diagnostics(text).isEmpty, "\(Self.diagnostics(text).map { "\($0.code.id) \($0.message)" })")
    let p = try LedgerStatementTests.plan(text)
    let a = try #require(p.approvals.first)
    #expect(a.subject == subject && a.chain == ["controller", "cfo"] && a.conditions.count == 1)
    #expect(a.escalation?.days == 2 && a.escalation?.business == true && a.escalation?.calendar == 0)
  }

  @Test("'then' is optional in a chain; several 'when' must all hold; the rule set's only calendar counts business days")
  func chainForms() throws {
    let p = try LedgerStatementTests.plan(
      Self.rule("when invoice.total > 100.00 USD\nwhen customer.segment = \"smb\"\napprove by controller, cfo\nescalate after 1 business day to cfo"))
    let a = try #require(p.approvals.first)
    #expect(a.chain == ["controller", "cfo"] && a.conditions.count == 2 && a.escalation?.calendar == 0)
    #expect(a.conditions.map(\.text) == ["invoice.total > 100.00 USD", "customer.segment = \"smb\""])
  }

  @Test("each mistake is reported where it is written, with what to write instead", arguments: [
    ("approve by controler", "invoices", "E0801", "did you mean 'controller'?"),
    ("approve by cfo\nescalate after 2 days to cfoo", "invoices", "E0801", "did you mean 'cfo'?"),
    ("approve by auditor", "invoices", "E0801", "role auditor"),
    ("when invoice.total > 1.00 USD", "invoices", "E0803", "approve by controller"),
    ("approve by controller, then cfo, then controller", "invoices", "E0804", "name each role once"),
    ("when write_off.amount > 500.00 USD\napprove by cfo", "invoices", "E0805", "approval large for write offs"),
    ("when invoice.total > 500.00 USD\napprove by cfo", "write offs", "E0805", "approval large for invoices"),
    ("approve by cfo\nescalate to cfo", "invoices", "E0806", "escalate after 2 business days to cfo"),
    ("approve by cfo\nescalate after 2 business days", "invoices", "E0806", "escalate after 2 business days to cfo"),
    ("approve by cfo\nescalate after 1 month to cfo", "invoices", "E0806", "a month is 28 to 31 days"),
    ("approve by cfo\nescalate after 0 days to cfo", "invoices", "E0806", "escalate after 2 business days to cfo"),
    ("approve by cfo\nescalate after invoice.payment_days to cfo", "invoices", "E0806", "escalate after 2 business days to cfo"),
    ("approve by cfo\nescalate after 3 days to cfo\ncalendar us_bank", "invoices", "E0806", "2 business days"),
    ("approve by cfo\nescalate after 3 business days to cfo\ncalendar us_bnk", "invoices", "E0310", "did you mean 'us_bank'?"),
    ("when invoice.total\napprove by cfo", "invoices", "E0409", ""),
    ("when false\napprove by cfo", "invoices", "W0801", "remove the rule"),
    ("when invoice.total > 1.00 USD and invoice.total < 9.00 GBP\napprove by cfo", "invoices", "W0801", "one threshold per currency"),
    ("approve by cfo\napprove by controller", "invoices", "E0506", "keep one"),
    ("when customer.balance > 1.00 USD\napprove by cfo", "invoices", "E0309", ""),
  ])
  func mistakes(_ body: String, _ subject: String, _ code: String, _ help: String) throws {
    let d = Self.diagnostics(Self.rule(body, subject: subject)).filter { $0.code.id != "W0803" }
    #expect(d.map(\.code.id) == [code], "\(d.map { "\($0.code.id) \($0.message)" })")
    #expect(help.isEmpty || d.first?.help?.contains(help) == true, "\(d.map { $0.help ?? "" })")
  }

  @Test("a role declared twice, rules that always apply together, amounts in a currency no plan bills in")
  func ruleSetLevel() throws {
    let twice = Self.diagnostics(Self.roles + "role cfo \"CFO\"\n")
    #expect(twice.map(\.code.id) == ["E0802"] && twice.first?.notes.first?.message == "first declared here")
    let overlap = Self.diagnostics(
      Self.roles + "approval a for invoices {\n  when invoice.total > 5.00 USD\n  approve by cfo\n}\n"
        + "approval b for invoices {\n  when invoice.total  >  5.00 USD\n  approve by controller\n}\n"
        + "approval c for write offs {\n  when write_off.amount > 5.00 USD\n  approve by cfo\n}\n")
    #expect(overlap.map(\.code.id) == ["W0802"], "\(overlap.map(\.message))")
    #expect(overlap.first?.message.contains("'a' and 'b'") == true && overlap.first?.notes.first?.message == "'a' is here")
    let gbp = Self.diagnostics(Self.rule("when invoice.total > [1.00 USD, 1.00 GBP]\napprove by cfo"))
    #expect(gbp.map(\.code.id) == ["W0803"] && gbp.first?.message.contains("bills in USD only") == true)
    // Without plans or a rule-set currency, which currencies are billed is not known: no warning.
    let unknown = Self.diagnostics("role cfo\napproval a for invoices {\n  when invoice.total > [1.00 USD, 1.00 GBP]\n  approve by cfo\n}\n")
    #expect(unknown.isEmpty)
  }

  @Test("a role nobody approves with is unused; custom fields of the engine's records are not read")
  func unusedAndFields() {
    let unused = Support.check("role cfo\nrole idle\napproval a for invoices {\n  approve by cfo\n}\n").1
    #expect(unused.map(\.code.id) == ["W0301"] && unused.first?.message == "role 'idle' approves nothing")
    let field = Self.diagnostics("field write_off.approver: text\n")
    #expect(field.map(\.code.id) == ["E0309"] && field.first?.help?.contains("field customer.approver: text") == true)
  }

  @Test("accrue compile --emit plan shows each rule resolved, with its chain, escalation and rule")
  func planJSON() throws {
    let p = try LedgerStatementTests.plan(Self.rule("when invoice.total > 100.00 USD\napprove by controller, then cfo\nescalate after 2 business days to cfo"))
    let json = PlanJSON.render(p).serialized(pretty: false)
    #expect(json.contains("\"approvals\":[{\"name\":\"large\",\"label\":\"large\",\"subject\":\"invoices\""), "\(json)")
    #expect(json.contains("(> (field invoice#15 total) 100 USD)") && json.contains("\"approve_by\":[\"controller\",\"cfo\"]"))
    #expect(json.contains("\"calendar\":\"us_bank\"") && json.contains("rules.accrue:7\""), "\(json)")
    let none = PlanJSON.render(try LedgerStatementTests.plan("currency USD\n")).serialized(pretty: false)
    #expect(!none.contains("approvals"))
  }

  @Test("approval-only fields are not read elsewhere")
  func approvalOnlyFields() {
    let d = Self.diagnostics("cadence c {\n  applies when customer.first_invoice or invoice.total > 1.00 USD\n  step a 1 day after due { send email \"x\" }\n}\n")
    #expect(d.map(\.code.id) == ["E0309", "E0309"])
    #expect(d.first?.help?.contains("approval rule") == true)
  }

  @Test("syntax errors are located, and the parser recovers at the next statement", arguments: [
    ("approval a for write-offs {\n  approve by cfo\n}\n", "E0201", "write 'write offs' as two words"),
    ("approval a invoices {\n  approve by cfo\n}\n", "E0201", "expected 'for'"),
    ("approval a for refunds {\n  approve by cfo\n}\n", "E0201", "expected 'invoices'"),
    ("approval a for invoices {\n  approve cfo\n}\n", "E0201", "expected 'by'"),
    ("approval a for invoices {\n  escalate\n  approve by cfo\n}\n", "E0201", "expected 'after' or 'to'"),
    ("approval a for invoices {\n  aprove by cfo\n}\n", "E0202", "did you mean 'approve'?"),
    ("rol cfo\n", "E0203", "did you mean 'role'?"),
  ])
  func syntax(_ text: String, _ code: String, _ words: String) {
    let d = Self.diagnostics("role cfo\n" + text + "approval later for invoices {\n  approve by cfoo\n}\n")
    #expect(d.first?.code.id == code, "\(d.map { "\($0.code.id) \($0.message)" })")
    #expect(d.first.map { $0.message.contains(words) || ($0.help ?? "").contains(words) } == true, "\(d.map { "\($0.message) \($0.help ?? "")" })")
    // Recovery: the rule after the broken one is still checked.
    #expect(d.contains { $0.code.id == "E0801" && $0.help == "did you mean 'cfo'?" }, "\(d.map(\.code.id))")
  }

  @Test("accrue fmt writes roles and rules in canonical layout, and again the same")
  func layout() throws {
    let messy = """
      role   cfo    "Chief financial officer"
      approval   large  "Over 10,000"  for   invoices{
          when invoice.total>[10_000.00 USD,9_000.00 EUR]   # per currency
        approve by controller ,then cfo
         escalate after 2   business days to cfo
      }
      """
    let canonical = """
      role cfo "Chief financial officer"
      approval large "Over 10,000" for invoices {
        when invoice.total > [10_000.00 USD, 9_000.00 EUR]  # per currency
        approve by controller, then cfo
        escalate after 2 business days to cfo
      }

      """
    let once = try FormatterTests.format(messy)
    #expect(once == canonical)
    #expect(try FormatterTests.format(once) == once)
    let example = try String(contentsOf: Support.repoRoot.appendingPathComponent("examples/approvals/approvals.accrue"), encoding: .utf8)
    #expect(try FormatterTests.format(example) == example)
  }

  @Test("every approval code is in the catalogue with a title, an explanation and an example")
  func catalogue() {
    for id in ["E0801", "E0802", "E0803", "E0804", "E0805", "E0806", "W0801", "W0802", "W0803"] {
      let c = DiagnosticCode.lookup(id)
      #expect(c != nil && c?.title.isEmpty == false && c?.explanation.contains("Wrong") == true, "\(id)")
    }
  }
}
