import AccrueCLI
import AccrueLedger
import AccrueTestSupport
import Foundation
import Testing

/// Approval rules for write-offs, payment plans and credit notes (grammar.md §11) are never accepted and ignored:
/// what they route is refused with the rule and its chain (Accrue cannot hold these for approval yet), and what they
/// do not route goes ahead.
@Suite("write-offs, payment plans and cancellation credit notes routed by approval rules")
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

  @Test("a write-off over the rule's amount is refused with the rule and its role; nothing is recorded")
  func writeOff() throws {
    let base = try ResolveCommandTests.applied("routed-write-off", rules: ResolveCommandTests.rules + Self.approvals)
    let (s, _, e) = ResolveCommandTests.resolve(base, ["payment:p1", "INV-1", "INV-2", "--write-off-short"])
    #expect(s == 1 && e.contains("approval rule 'big_write_off' (") && e.contains("asks cfo to approve the write-off of 10.00 EUR on INV-2"), "\(e)")
    #expect(try LedgerStore.read(stateDir: base + "/state").runs.count == 1)
    // Without the short part written off, it goes ahead.
    let (s2, _, e2) = ResolveCommandTests.resolve(base, ["payment:p1", "INV-1", "INV-2"])
    #expect(s2 == 0, "\(e2)")
  }

  @Test("a payment plan over the rule's amount is refused; one under it is recorded")
  func paymentPlan() throws {
    let base = try HoldCommandTests.folder("routed-plan", rules: HoldCommandTests.rules + Self.approvals)
    let (s, _, e) = HoldCommandTests.decide(base, ["payment-plan", "--customer", "c1", "--to", "2026-12-31", "--id", "pp-7"])
    #expect(s == 1 && e.contains("approval rule 'long_plan' (") && e.contains("asks controller to approve payment plan pp-7 over 150.00 EUR"), "\(e)")
    let (s2, _, e2) = HoldCommandTests.decide(base, ["payment-plan", "INV-2", "--to", "2026-12-31", "--id", "pp-8"])
    #expect(s2 == 0, "\(e2)")
  }

  @Test("a cancellation's credit note an approval rule routes stops the run, naming the rule; nothing is written")
  func cancellationCreditNote() throws {
    let base = try CancellationTests.folder("routed-cancel")
    try (CancellationTests.rules + """
      role controller "Financial controller"

      approval big_credit "Credit notes over 100" for credit notes {
        when credit_note.amount > 100.00 EUR
        approve by controller
      }

      """).write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    let (s, _, e) = CancellationTests.run(base, ["apply", "--as-of", "2026-04-01", "--out", base + "/out"])
    #expect(s != 0 && e.contains("approval rule 'big_credit' (") && e.contains("the credit note of contract C-1's cancellation (295.08 EUR on HA-2026-0007)"), "\(e)")
    #expect(try LedgerStore.read(stateDir: base + "/state").runs.count == 1)
  }
}
