import AccrueCLI
import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

@Suite("decisions after review: refunds, approval requests, the general ledger")
struct DecisionReviewTests {
  @Test("R1 a partial refund of a waiting payment leaves 100.00 unapplied that can still be applied")
  func partialRefundRestResolvable() throws {
    let base = try ResolveCommandTests.applied("rv-refund-rest")
    let (s, out, e) = ResolveCommandTests.resolve(base, ["payment:p1", "--refund", "--amount", "40.00"])
    try #require(s == 0, "\(e)")
    #expect(out.contains("100.00 EUR left unapplied"))
    let (s2, o2, e2) = ResolveCommandTests.resolve(base, ["payment:p1", "INV-1"], date: "2026-11-23")
    #expect(s2 == 0, "rest stuck: \(o2) \(e2)")
    let (s3, o3, e3) = ResolveCommandTests.resolve(base, ["payment:p1", "--refund", "--amount", "10.00"], date: "2026-11-23")
    #expect(s3 == 0, "second partial refund refused: \(o3) \(e3)")
  }

  @Test("R2 a routed payment plan without --id: approved, the same request again agrees it")
  func planWithoutID() throws {
    let base = try HoldCommandTests.folder("rv-plan-noid", rules: HoldCommandTests.rules + RoutedDecisionTests.approvals)
    let ask = ["payment-plan", "--customer", "c1", "--from", "2026-11-20", "--to", "2026-12-31"]
    let (s, out, e) = HoldCommandTests.decide(base, ask)
    try #require(s == 0, "\(out) \(e)")
    let doc = try #require(LedgerStore.read(stateDir: base + "/state").openApprovalRequests.first?.request.document)
    let (sa, oa, ea) = RoutedDecisionTests.approve(base, doc, role: "controller", by: "dan", date: "2026-11-20")
    try #require(sa == 0, "\(oa) \(ea)")
    let (s1, o1, e1) = HoldCommandTests.decide(base, ask)
    #expect(s1 == 0 && !o1.contains("Held for approval"), "asked again instead of agreed: \(o1) \(e1)")
    let j = try LedgerStore.read(stateDir: base + "/state")
    #expect(j.runs.contains { $0.hold?.kind == .paymentPlan }, "plan never agreed")
  }

  @Test("R3 a superseded write-off request does not come back once the later one is carried out; a refund is not held by a write-off already approved")
  func supersededAndRefund() throws {
    let base = try ResolveCommandTests.applied("rv-wo-superseded", rules: ResolveCommandTests.rules + RoutedDecisionTests.approvals)
    let a = ["payment:p1", "INV-1", "INV-2", "--write-off-short"]
    let b = ["payment:p1", "INV-1=90.00", "INV-2", "--write-off-short"]
    try #require(ResolveCommandTests.resolve(base, a).0 == 0)
    try #require(ResolveCommandTests.resolve(base, b).0 == 0)
    try #require(RoutedDecisionTests.approve(base, "write-off:payment:p1", role: "cfo", by: "carol", date: "2026-11-23").0 == 0)
    let (s, o, e) = ResolveCommandTests.resolve(base, b, date: "2026-11-23")
    try #require(s == 0 && o.contains("as approved"), "\(o) \(e)")
    let open = try LedgerStore.read(stateDir: base + "/state").openApprovalRequests.map(\.request.key)
    #expect(open.isEmpty, "superseded request back in accrue approvals: \(open)")
    let (s2, o2, e2) = ResolveCommandTests.resolve(base, ["payment:p1", "--refund", "--amount", "20.00"], date: "2026-11-24")
    #expect(s2 == 0 && !o2.contains("Held for approval"), "refund held by an approved write-off: \(o2) \(e2)")
  }

  @Test("R4 the general ledger after a partial refund of an applied payment: the bank holds 110.00, unapplied cash nothing")
  func glAfterPartialRefund() throws {
    let posting = """

      posting {
        invoice line debit "1200" credit "4000"
        cash applied debit "1010" credit "1200"
        write off debit "6800" credit "1200"
        overpayment written off debit "1010" credit "4800"
        early payment discount debit "4910" credit "1200"
        credit on account debit "1010" credit "2100"
        credit used debit "2100" credit "1200"
        unapplied cash debit "1010" credit "2150"
        credit note debit "4000" credit "1200"
        refund debit "2100" credit "1010"
      }

      """
    let base = TemporaryPaths.make("rv-gl-refund")
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try """
      account,name,type,dimensions,active
      1010,Bank,asset,,true
      1200,Accounts receivable,asset,,true
      2100,Customer credits on account,liability,,true
      2150,Unapplied cash,liability,,true
      4000,Revenue,revenue,,true
      4800,Other income,revenue,,true
      4910,Discounts,expense,,true
      6800,Bad debt,expense,,true

      """.write(toFile: base + "/data/chart_of_accounts.csv", atomically: true, encoding: .utf8)
    let seed = try ResolveCommandTests.applied("rv-gl-refund-seed")
    for f in ["customers.csv", "invoices.csv", "payments.csv"] {
      try FileManager.default.copyItem(atPath: seed + "/data/" + f, toPath: base + "/data/" + f)
    }
    try (ResolveCommandTests.rules + posting).write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try #require(ResolveCommandTests.run(base, ["apply", "--as-of", "2026-11-21", "--out", base + "/out"]).0 == 0)
    try #require(ResolveCommandTests.resolve(base, ["payment:p1", "INV-1", "INV-2=30.00", "--rest", "on-account"]).0 == 0)
    try #require(ResolveCommandTests.resolve(base, ["payment:p1", "--refund", "--amount", "30.00"], date: "2026-11-23").0 == 0)
    let (s, tb, e) = ResolveCommandTests.run(base, ["report", "trial-balance", "--source", "ledger", "--as-of", "2026-11-23"])
    try #require(s == 0, "\(e)")
    let bank = tb.split(separator: "\n").first { $0.contains("1010 Bank") }.map(String.init) ?? ""
    #expect(bank.hasSuffix("110.00"), "bank after 140.00 received and 30.00 refunded: \(tb)")
  }
}


extension DecisionReviewTests {
  @Test("R5 four eyes: who asked for a credit note does not approve it; the general ledger after resolve then reverse")
  func askerDoesNotApprove() throws {
    let rules = CreditNoteCommandTests.rules + """
      role controller "Financial controller"

      approval large_credit "Credit notes over 50" for credit notes {
        when credit_note.amount > 50.00 EUR
        approve by controller
      }

      """
    let base = try CreditNoteCommandTests.folder("rv-four-eyes", rules: rules)
    let ask = ["credit-note", "INV-1", "--amount", "60.00", "--reason", "price error"]
    try #require(CreditNoteCommandTests.decide(base, ask).0 == 0)
    let asker = try #require(LedgerStore.read(stateDir: base + "/state").runs.last?.decision?.by)
    let (s, _, e) = RoutedDecisionTests.approve(base, "credit-note:INV-1:1", role: "controller", by: asker, date: "2026-11-20")
    #expect(s == 1 && e.contains("the person who asks does not approve it"), "\(e)")
    #expect(RoutedDecisionTests.approve(base, "credit-note:INV-1:1", role: "controller", by: "someone else", date: "2026-11-20").0 == 0)
  }
}

extension DecisionReviewTests {
  @Test("R6 the next apply's outbox asks the first role for a credit note a person asked for, once")
  func outboxAsksForRequests() throws {
    let rules = CreditNoteCommandTests.rules + """
      role controller "Financial controller"

      approval large_credit "Credit notes over 50" for credit notes {
        when credit_note.amount > 50.00 EUR
        approve by controller
      }

      """
    let base = try CreditNoteCommandTests.folder("rv-outbox", rules: rules)
    try #require(CreditNoteCommandTests.decide(base, ["credit-note", "INV-1", "--amount", "60.00", "--reason", "price error"]).0 == 0)
    func tasks(_ out: String, _ date: String) throws -> String {
      let (s, _, e) = CreditNoteCommandTests.run(base, ["apply", "--as-of", date, "--out", base + "/" + out])
      try #require(s == 0, "\(e)")
      let runs = ((try? FileManager.default.contentsOfDirectory(atPath: base + "/" + out)) ?? []).filter { $0.hasPrefix("run-") }
      return runs.compactMap { try? String(contentsOfFile: base + "/" + out + "/" + $0 + "/outbox-task.jsonl", encoding: .utf8) }.joined()
    }
    let first = try tasks("out1", "2026-11-21")
    #expect(first.contains("approve credit note credit-note:INV-1:1 (60.00 EUR, customer c1) as controller"), "\(first)")
    #expect(try !tasks("out2", "2026-11-22").contains("credit-note:INV-1:1"))
  }
}

extension DecisionReviewTests {
  @Test("a chain written without the comma before 'then' reads the same: checked, formatted as it is")
  func chainWithoutComma() throws {
    let base = TemporaryPaths.make("chain-then")
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    try """
      role ar_lead "AR team lead"
      role controller "Financial controller"

      approval big "Credit notes over 500" for credit notes {
        when credit_note.amount > 500.00 EUR
        approve by ar_lead then controller
      }

      """.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    let (s, out, e) = CLITests.run(["check", "--strict", base + "/rules.accrue"])
    #expect(s == 0, "\(out) \(e)")
    #expect(CLITests.run(["fmt", "--check", base + "/rules.accrue"]).0 == 0)
  }
}
