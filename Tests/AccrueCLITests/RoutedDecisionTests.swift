import AccrueCLI
import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// Approval rules for write-offs, payment plans and credit notes (grammar.md §11) are never accepted and ignored:
/// what they route is held (the request recorded, nothing done) until every step approves it; the same request
/// made again then does it, once; a rejected one is never done; what they do not route goes ahead.
@Suite("write-offs, payment plans and credit notes held for approval")
struct RoutedDecisionTests {
  static let approvals = """
    role controller "Financial controller"
    role cfo "CFO"

    approval big_write_off "Write-offs over 5" for write offs {
      when write_off.amount > 5.00 EUR
      approve by cfo
    }

    approval long_plan "Payment plans over 100" for payment plans {
      when payment_plan.amount > 100.00 EUR
      approve by controller
    }

    """

  static func approve(_ base: String, _ key: String, role: String, by: String, date: String, verb: String = "approve") -> (Int32, String, String) {
    CLITests.run(
      [verb, key, "--role", role, "--by", by, "--as-of", date, "--note", "checked", "--rules", base + "/rules.accrue", "--data", base + "/data",
        "--state", base + "/state"])
  }

  @Test("a write-off over the rule's amount waits for the CFO; resolving again once approved writes it off, once")
  func writeOff() throws {
    let base = try ResolveCommandTests.applied("routed-write-off", rules: ResolveCommandTests.rules + Self.approvals)
    let ask = ["payment:p1", "INV-1", "INV-2", "--write-off-short"]
    let (s, out, e) = ResolveCommandTests.resolve(base, ask)
    #expect(s == 0 && out.contains("Held for approval: write-off write-off:payment:p1") && out.contains("10.00 EUR"), "\(out) \(e)")
    #expect(out.contains("big_write_off (") && out.contains("cfo <- now"), "\(out)")
    var journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.runs.count == 2 && journal.runs.last?.decision?.kind == .approvalRequest)
    #expect(journal.currentPostings["payment:p1"]?.rule != "decision", "nothing resolved yet")
    // Asked again while waiting: nothing recorded.
    let (s1, out1, _) = ResolveCommandTests.resolve(base, ask)
    #expect(s1 == 0 && out1.hasPrefix("Still waiting for approval"), "\(out1)")
    #expect(try LedgerStore.read(stateDir: base + "/state").runs.count == 2)
    // `accrue approvals` lists it; the CFO approves.
    let (_, list, _) = CLITests.run(["approvals", "--state", base + "/state"])
    #expect(list.contains("write-off:payment:p1"), "\(list)")
    let (sa, outa, ea) = Self.approve(base, "write-off:payment:p1", role: "cfo", by: "carol", date: "2026-11-23")
    #expect(sa == 0 && outa.contains("writes it off"), "\(outa) \(ea)")
    // Resolved again the same way: done, naming the request it carries out; a third time: nothing new.
    let (s2, out2, e2) = ResolveCommandTests.resolve(base, ask, date: "2026-11-23")
    #expect(s2 == 0 && out2.contains("Recorded decision 4"), "\(out2) \(e2)")
    journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.runs.last?.decision?.request == "approval:write-off:payment:p1")
    #expect(journal.currentPostings["payment:p1"]?.settlements.map(\.writtenOff) == [.zero, Fixed("10.00")!])
    #expect(journal.openApprovalRequests.isEmpty)
    #expect(ResolveCommandTests.resolve(base, ask, date: "2026-11-23").1.hasPrefix("Nothing new"))
    // Without a write-off, nothing is routed.
    let other = try ResolveCommandTests.applied("routed-write-off-2", rules: ResolveCommandTests.rules + Self.approvals)
    #expect(ResolveCommandTests.resolve(other, ["payment:p1", "INV-1", "INV-2"]).0 == 0)
  }

  @Test("a payment plan over the rule's amount waits; rejected, it is never agreed; one under it is recorded at once")
  func paymentPlan() throws {
    let base = try HoldCommandTests.folder("routed-plan", rules: HoldCommandTests.rules + Self.approvals)
    let ask = ["payment-plan", "--customer", "c1", "--from", "2026-11-20", "--to", "2026-12-31", "--id", "pp-7"]
    let (s, out, e) = HoldCommandTests.decide(base, ask)
    #expect(s == 0 && out.contains("Held for approval: payment plan payment-plan:c1 (150.00 EUR, customer c1)"), "\(out) \(e)")
    let (sr, _, er) = Self.approve(base, "payment-plan:c1", role: "controller", by: "dan", date: "2026-11-21", verb: "reject")
    #expect(sr == 0, "\(er)")
    let (s1, o1, e1) = HoldCommandTests.decide(base, ask, date: "2026-11-21")
    #expect(s1 == 1 && e1.contains("was rejected by dan on 2026-11-21"), "\(s1) \(e1) \(o1)")
    #expect(try LedgerStore.read(stateDir: base + "/state").runs.allSatisfy { $0.hold == nil })
    let (s2, _, e2) = HoldCommandTests.decide(base, ["payment-plan", "INV-2", "--to", "2026-12-31", "--id", "pp-8"], date: "2026-11-21")
    #expect(s2 == 0, "\(e2)")
  }

  @Test("a credit note over the rule's amount waits; approved, the same credit note issues it with its number; another amount is a new request")
  func creditNote() throws {
    let rules = CreditNoteCommandTests.rules + """
      role controller "Financial controller"

      approval large_credit "Credit notes over 50" for credit notes {
        when credit_note.amount > 50.00 EUR
        approve by controller
      }

      """
    let base = try CreditNoteCommandTests.folder("cn-approval", rules: rules)
    let ask = ["credit-note", "INV-1", "--amount", "60.00", "--reason", "price error"]
    let (s1, out1, e1) = CreditNoteCommandTests.decide(base, ask)
    #expect(s1 == 0 && out1.contains("Held for approval: credit note credit-note:INV-1:1 (60.00 EUR"), "\(out1) \(e1)")
    #expect(out1.contains("large_credit (") && out1.contains("rules.accrue:22)"), "\(out1)")
    #expect(try LedgerStore.read(stateDir: base + "/state").creditNotes.isEmpty)
    // Approving a different amount's request is not this one: 70.00 is asked anew (the request supersedes).
    let (_, out2, _) = CreditNoteCommandTests.decide(base, ["credit-note", "INV-1", "--amount", "70.00", "--reason", "price error"])
    #expect(out2.contains("approval:credit-note:INV-1:1@2") && out2.contains("differs from approval:credit-note:INV-1:1"), "\(out2)")
    let (sa, _, ea) = Self.approve(base, "credit-note:INV-1:1", role: "controller", by: "erin", date: "2026-11-20")
    #expect(sa == 0, "\(ea)")
    // The approved content is 70.00: issuing 60.00 now asks again; 70.00 is issued.
    let (s3, out3, e3) = CreditNoteCommandTests.decide(base, ["credit-note", "INV-1", "--amount", "70.00", "--reason", "price error"])
    #expect(s3 == 0 && out3.contains("credit note CN-2026-0001 for 70.00 EUR"), "\(out3) \(e3)")
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.creditNotes.map(\.total) == [Fixed("70.00")!])
    #expect(journal.runs.last?.decision?.request == "approval:credit-note:INV-1:1@2")
    #expect(journal.openApprovalRequests.isEmpty)
    let (s4, out4, e4) = CreditNoteCommandTests.decide(base, ["credit-note", "INV-1", "--amount", "20.00", "--reason", "goodwill"])
    #expect(s4 == 0 && out4.contains("CN-2026-0002 for 20.00 EUR"), "\(out4) \(e4)")
  }

  @Test("a cancellation's credit note a rule routes waits (the run goes on, nothing credited); approved, the next apply issues it")
  func cancellationCreditNote() throws {
    let base = try CancellationTests.folder("routed-cancel")
    try (CancellationTests.rules + """
      role controller "Financial controller"

      approval big_credit "Credit notes over 100" for credit notes {
        when credit_note.amount > 100.00 EUR
        approve by controller
      }

      """).write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    let (s, out, e) = CancellationTests.run(base, ["apply", "--as-of", "2026-04-01", "--out", base + "/out"])
    #expect(s == 0 && out.contains("Credit notes waiting for approval: 1") && out.contains("credit-note:HA-2026-0007:cancellation"), "\(out) \(e)")
    var journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.creditNotes.isEmpty && journal.openApprovalRequests.map(\.request.kind) == [.creditNote])
    // `plan --format json` lists it under waiting_for_approval.
    let (sj, json, ej) = CancellationTests.run(base, ["plan", "--as-of", "2026-04-01", "--format", "json"])
    #expect(sj == 0 && json.contains("\"waiting_for_approval\"") && json.contains("\"kind\": \"credit note\""), "\(ej)")
    let (sa, outa, ea) = Self.approve(base, "credit-note:HA-2026-0007:cancellation", role: "controller", by: "fay", date: "2026-04-02")
    #expect(sa == 0 && outa.contains("the next apply issues it"), "\(outa) \(ea)")
    let (s2, out2, e2) = CancellationTests.run(base, ["apply", "--as-of", "2026-04-02", "--out", base + "/out2"])
    #expect(s2 == 0 && out2.contains("is issued by this run"), "\(out2) \(e2)")
    journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.creditNotes.map(\.total) == [Fixed("295.08")!] && journal.openApprovalRequests.isEmpty)
  }
}

/// A request for approval killed with SIGKILL at each of its fault points (the transaction begun, the request
/// written, committed): the ledger holds it whole (its `approval-request` decision with its `approval_requests` row)
/// or not at all, and asking again afterwards leaves exactly one request.
@Suite("approval requests: crash safety", .serialized)
struct ApprovalRequestCrashTests {
  static let ask = ["resolve", "payment:p1", "INV-1", "INV-2", "--write-off-short", "--note", "short paid"]

  static func requests(_ base: String) throws -> [String] {
    let journal = try LedgerStore.read(stateDir: base + "/state")
    var out: [String] = []
    for run in journal.runs {
      guard let d = run.decision else { continue }
      #expect(d.kind == .approvalRequest && run.approvalRequests.map(\.key) == ["approval:write-off:payment:p1"] && run.items.isEmpty,
        "run \(run.number): a request recorded in part")
      out.append(d.kind.rawValue)
    }
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
    return out
  }

  @Test("killed at each fault point: the request is recorded whole or not at all; asking again records it once")
  func faultPoints() throws {
    for point in 1...3 {
      let base = try ResolveCommandTests.applied("request-crash", rules: ResolveCommandTests.rules + RoutedDecisionTests.approvals)
      let (_, reason) = try ResolveCrashTests.decide(base, Self.ask, fault: point)
      #expect(reason == .uncaughtSignal, "point \(point): the process was not stopped")
      let before = try Self.requests(base)
      #expect(before.isEmpty || before == ["approval-request"], "point \(point): \(before)")
      let (status, _) = try ResolveCrashTests.decide(base, Self.ask, fault: nil)
      #expect(status == 0, "point \(point)")
      #expect(try Self.requests(base) == ["approval-request"], "point \(point)")
    }
  }
}
