import AccrueCLI
import Foundation
import Testing
import AccrueTestSupport

/// `accrue diff` on real rule changes to the bundled rules, with the impact worked out.
@Suite("diff command")
struct DiffCommandTests {
  static let rules = PlanCommandTests.rules
  static let data = PlanCommandTests.data

  /// A copy of rules/ with one edit applied.
  static func changed(_ file: String, _ old: String, _ new: String) throws -> String {
    let dir = TemporaryPaths.make("accrue-diff")
    try FileManager.default.copyItem(atPath: rules, toPath: dir)
    let path = dir + "/" + file
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try #require(text.contains(old))
    try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    return dir
  }

  @Test("a price change: Team seats 15.00 -> 16.00 USD changes 19 invoices by +345.50 USD; exit 2")
  func priceChange() throws {
    let new = try Self.changed("plans.accrue", "    per unit [15.00 USD, 14.00 EUR]", "    per unit [16.00 USD, 14.00 EUR]")
    let (s, out, err) = CLITests.run(["diff", "--base", Self.rules, "--rules", new, "--data", Self.data, "--as-of", "2026-11-01"])
    #expect(s == 2, "\(err)")
    // cust-026 has 5 seats: 75.00 -> 80.00.
    #expect(out.contains("~ invoice ctr-030/2026-10-03  cust-026  75.00 USD -> 80.00 USD (+5.00 USD)"))
    #expect(out.contains("~ line 'Seats: 5 x 15.00 USD' -> 'Seats: 5 x 16.00 USD': 75.00 USD -> 80.00 USD"))
    #expect(out.hasSuffix("Diff: invoices: 0 added, 0 removed, 19 changed; invoiced +345.50 USD\n"))
    let (_, json, _) = CLITests.run(["diff", "--base", Self.rules, "--rules", new, "--data", Self.data, "--as-of", "2026-11-01", "--format", "json"])
    let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    #expect((obj?["changes"] as? [Any])?.count == 19)
    #expect((obj?["invoiced_delta"] as? [String: String])?["USD"] == "345.50")
  }

  @Test("a new dunning step: the final notice replaces the second reminder that was due")
  func newStep() throws {
    let new = try Self.changed(
      "dunning.accrue", "  step owner_task \"Account owner follow-up\" 30 days after due {",
      "  step final_notice \"Final notice\" 16 days after due {\n    send letter \"std-final-notice\"\n  }\n\n  step owner_task \"Account owner follow-up\" 30 days after due {")
    let (s, out, _) = CLITests.run(["diff", "--base", Self.rules, "--rules", new, "--data", Self.data, "--as-of", "2026-11-02"])
    #expect(s == 2)
    #expect(out.contains("+ reminder INV-2026-0042/standard/final_notice  cust-014\n"))
    #expect(out.contains("- reminder INV-2026-0042/standard/second_reminder  cust-014  fees 29.50 USD"))
    // The second reminder's late fee is no longer charged: its debit note goes too.
    #expect(out.contains("- invoice INV-2026-0042/standard/second_reminder#1/debit-note  cust-014  29.50 USD"))
    #expect(out.hasSuffix("Diff: invoices: 0 added, 1 removed, 0 changed; reminders: 1 added, 1 removed, 0 changed; invoiced -29.50 USD\n"))
  }

  @Test("a late fee change shows on the reminder that charges it")
  func feeChange() throws {
    let new = try Self.changed("settings.accrue", "let late_fee_usd = 25.00 USD", "let late_fee_usd = 35.00 USD")
    let (s, out, _) = CLITests.run(["diff", "--base", Self.rules, "--rules", new, "--data", Self.data, "--as-of", "2026-11-01"])
    #expect(s == 2)
    #expect(out.contains("~ reminder INV-2026-0042/standard/second_reminder  cust-014  fees 29.50 USD -> 39.50 USD (+10.00 USD)"))
  }

  @Test("a tolerance change: a short payment within the wider tolerance is applied and written off, not held")
  func toleranceChange() throws {
    let new = try Self.changed("matching.accrue", "  tolerance underpayment 0.1%\n", "  tolerance underpayment 0.5%\n")
    let (s, out, err) = CLITests.run(["diff", "--base", Self.rules, "--rules", new, "--data", Self.data, "--as-of", "2026-11-01"])
    #expect(s == 2, "\(err)")
    // pay-2026-1003 pays 417.90 of INV-2026-0048's 420.00: 2.10 short is 0.5%, beyond 0.1% but within 0.5%.
    #expect(out.contains("~ match payment:pay-2026-1003  cust-013  applied 0.00 USD -> 417.90 USD (+417.90 USD)"))
    #expect(out.contains("    - exception by rule invoice_number\n"))
    #expect(out.contains("    - queue \"cash-apps\": Short payment against a named invoice (2.10 USD short of INV-2026-0048)"))
    #expect(out.contains("    + applied by rule invoice_number\n"))
    #expect(out.contains("    + INV-2026-0048 applied 417.90 USD, written off 2.10 USD\n"))
    #expect(out.hasSuffix("Diff: matches: 0 added, 0 removed, 1 changed\n"))
  }

  @Test("no change: exit 0; the base as a git revision; a bad base: exit 1; usage: 64")
  func noChange() {
    let same = CLITests.run(["diff", "--base", Self.rules, "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01"])
    #expect(same.0 == 0)
    #expect(same.1.hasSuffix("Diff: no changes\n"))
    #expect(CLITests.run(["diff", "--base", "HEAD", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01"]).0 != 1)
    #expect(CLITests.run(["diff", "--base", "no-such-rev-xyz", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01"]).0 == 1)
    #expect(CLITests.run(["diff", "--rules", Self.rules, "--data", Self.data, "--as-of", "2026-11-01"]).0 == 64)
  }
}
