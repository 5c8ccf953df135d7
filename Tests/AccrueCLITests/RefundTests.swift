import AccrueCLI
import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// Refunds of a payment (`accrue resolve payment:ID --refund [--amount X]`, docs/decisions.md): a refund reopens what
/// the payment paid, the last paid first; the parts of the payment always sum to it; dunning and aging follow.
@Suite("refunds of a payment")
struct RefundTests {
  /// p1 (140.00 EUR) applied: INV-1 100.00 paid, INV-2 30.00 of its 50.00, 10.00 on account.
  static func paid(_ name: String) throws -> String {
    let base = try ResolveCommandTests.applied(name)
    let (s, _, e) = ResolveCommandTests.resolve(base, ["payment:p1", "INV-1", "INV-2=30.00", "--rest", "on-account"])
    try #require(s == 0, "\(e)")
    return base
  }

  static func parts(_ p: PostedPayment?) -> Fixed? {
    guard let p else { return nil }
    var sum = p.credit.adding(p.unapplied)?.adding(p.overpaymentWrittenOff)?.adding(p.refunded)
    for s in p.settlements { sum = sum?.adding(s.applied) }
    return sum
  }

  @Test("a partial refund takes the credit on account first, then the invoice paid last: INV-2 open again by 20.00")
  func partial() throws {
    let base = try Self.paid("refund-partial")
    #expect(try ResolveCommandTests.aging(base, "2026-11-22", "total") == "90.00")
    let (s, out, e) = ResolveCommandTests.resolve(base, ["payment:p1", "--refund", "--amount", "30.00"], date: "2026-11-23")
    try #require(s == 0, "\(e)")
    #expect(out.contains("refunded 30.00 EUR of it to the payer; open again: 20.00 EUR on INV-2; it still applied 100.00 EUR to INV-1, 10.00 EUR to INV-2"), "\(out)")
    let p = try LedgerStore.read(stateDir: base + "/state").currentPostings["payment:p1"]
    #expect(p?.credit == .zero && p?.refunded == Fixed("30.00") && Self.parts(p) == Fixed("140.00"))
    // INV-2 has 40.00 open again (20.00 before + 20.00 reopened), INV-3 70.00: 110.00; the credit is gone.
    #expect(try ResolveCommandTests.aging(base, "2026-11-23", "total") == "110.00")
  }

  @Test("a refund of all of a payment that paid invoices reverses its application: both invoices open again, the credit taken back")
  func whole() throws {
    let base = try Self.paid("refund-whole")
    let (s, out, e) = ResolveCommandTests.resolve(base, ["payment:p1", "--refund"], date: "2026-11-23")
    try #require(s == 0, "\(e)")
    #expect(out.contains("reversed its application (applied 100.00 EUR to INV-1, 30.00 EUR to INV-2) and refunded 140.00 EUR to the payer"), "\(out)")
    #expect(try ResolveCommandTests.aging(base, "2026-11-23", "total") == "220.00")
    let p = try LedgerStore.read(stateDir: base + "/state").currentPostings["payment:p1"]
    #expect(p?.settlements.isEmpty == true && Self.parts(p) == Fixed("140.00"))
    // A refunded payment has nothing left to resolve.
    let (s2, _, e2) = ResolveCommandTests.resolve(base, ["payment:p1", "--refund", "--amount", "1.00"], date: "2026-11-23")
    #expect(s2 == 1 && e2.contains("was refunded to the payer"), "\(e2)")
  }

  @Test("refused: a refund of more than was paid, or of an amount not exact in the currency", arguments: [
    (["payment:p1", "--refund", "--amount", "150.00"], "is more than that"),
    (["payment:p1", "--refund", "--amount", "0.001"], "at most 2 decimals"),
  ])
  func refused(args: [String], message: String) throws {
    let base = try ResolveCommandTests.applied("refund-refused")
    let (s, _, e) = ResolveCommandTests.resolve(base, args)
    #expect(s == 1 && e.contains(message), "\(e)")
  }

  @Test("waiting payment: 40.00 refunded, 100.00 left unapplied; --amount without --refund is a usage error")
  func waiting() throws {
    let base = try ResolveCommandTests.applied("refund-waiting")
    let (s, out, e) = ResolveCommandTests.resolve(base, ["payment:p1", "--refund", "--amount", "40.00"])
    try #require(s == 0, "\(e)")
    #expect(out.contains("refunded 40.00 EUR to the payer; 100.00 EUR left unapplied"), "\(out)")
    let p = try LedgerStore.read(stateDir: base + "/state").currentPostings["payment:p1"]
    #expect(p?.status == .unapplied && Self.parts(p) == Fixed("140.00"))
    #expect(ResolveCommandTests.resolve(base, ["payment:p1", "INV-1", "--amount", "4.00"]).0 == 64)
  }
}
