import AccrueCLI
import Foundation
import Testing
import AccrueTestSupport

/// `plan --why-not` and `plan --explain` with a key that names nothing: exit 1, the reason on stderr, the closest
/// key that works, nothing on stdout.
@Suite("plan --why-not and --explain with an unknown key")
struct PlanLookupTests {
  static let base = CollectionsCommandTests.base + ["--as-of", "2026-11-01"]

  static func fails(_ extra: [String], _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let (s, out, err) = CLITests.run(["plan"] + base + extra)
    #expect(s == 1, "\(extra): \(err)", sourceLocation: sourceLocation)
    #expect(out.isEmpty, "\(extra): \(out)", sourceLocation: sourceLocation)
    #expect(err.hasPrefix("Error: "), "\(extra): \(err)", sourceLocation: sourceLocation)
    for f in fragments { #expect(err.contains(f), "\(extra): \(err)", sourceLocation: sourceLocation) }
  }

  @Test("--why-not an id that is no invoice: exit 1 and the closest invoice id")
  func whyNotUnknown() {
    Self.fails(["--why-not", "INV-2026-027"], ["no invoice 'INV-2026-027' in ", "invoices.csv. Did you mean 'INV-2026-0027'?"])
    Self.fails(["--why-not", "NOPE"], ["no invoice 'NOPE' in "])
    // A reminder's key: the invoice it is about.
    Self.fails(
      ["--why-not", "INV-2026-0042/standard/second_reminder"],
      ["is a reminder of this run, not an invoice", "Did you mean 'INV-2026-0042'?"])
    // An invoice this run bills is not issued yet.
    Self.fails(["--why-not", "ctr-001/2026-11-01"], ["is an invoice this run bills", "--explain ctr-001/2026-11-01"])
    // A known invoice still gets its reasons.
    let (s, out, _) = CLITests.run(["plan"] + Self.base + ["--why-not", "INV-2026-0001"])
    #expect(s == 0)
    #expect(out.hasPrefix("why not INV-2026-0001:"))
  }

  @Test("--why-not with --only invoices or matches is a usage error (no reminders are worked out)")
  func whyNotOnly() {
    let (s, out, err) = CLITests.run(["plan"] + Self.base + ["--why-not", "INV-2026-0042", "--only", "invoices"])
    #expect(s == 64)
    #expect(out.isEmpty)
    #expect(err.contains("'--why-not'") && err.contains("'--only invoices'"), "\(err)")
  }

  @Test("--explain a key that names nothing: exit 1 and the closest invoice key, reminder key or payment:ID")
  func explainUnknown() {
    Self.fails(["--explain", "ctr-001/2026-11-02"], ["no invoice, reminder or payment with key 'ctr-001/2026-11-02'", "Did you mean 'ctr-001/2026-11-01'?"])
    Self.fails(
      ["--explain", "INV-2026-0042/standard/second_remindr"], ["Did you mean 'INV-2026-0042/standard/second_reminder'?"])
    Self.fails(["--explain", "pay-2026-1003"], ["a payment's key is payment:ID. Did you mean 'payment:pay-2026-1003'?"])
    Self.fails(["--explain", "payment:pay-2026-1007"], ["booked on 2026-11-04, after 2026-11-01"])
    // An invoice of the data: its reminder, or where to look.
    Self.fails(["--explain", "INV-2026-0042"], ["issued before this run", "Did you mean its reminder 'INV-2026-0042/standard/second_reminder'?"])
    Self.fails(["--explain", "INV-2026-0001"], ["--why-not INV-2026-0001 says why"])
    // A kind --only leaves out.
    Self.fails(["--explain", "payment:pay-2026-1003", "--only", "invoices"], ["--only invoices leaves out cash application"])
    Self.fails(["--explain", "nothing-like-it"], ["no invoice, reminder or payment with key 'nothing-like-it' in this run as of 2026-11-01"])
  }

  @Test("--explain with --state: a key an earlier apply produced is named as such")
  func explainRecorded() {
    let dir = TemporaryPaths.make("accrue-lookup")
    let (s, _, _) = CLITests.run(["apply"] + Self.base + ["--state", dir + "/state", "--out", dir + "/out"])
    #expect(s == 0)
    Self.fails(["--explain", "ctr-001/2026-11-01", "--state", dir + "/state"], ["was produced by an earlier apply", "ledger.sqlite"])
  }
}
