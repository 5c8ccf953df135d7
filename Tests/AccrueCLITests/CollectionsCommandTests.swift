import AccrueCLI
import AccrueModel
import Foundation
import Testing
import AccrueTestSupport

/// Collections through the command line: plan's reminders, --explain, --why-not, forecasts, apply (aging: AgingCommandTests).
@Suite("collections commands")
struct CollectionsCommandTests {
  static let rules = PlanCommandTests.rules
  static let data = PlanCommandTests.data
  static let base = ["--rules", rules, "--data", data]

  @Test("plan lists the reminders due, with the step's rule; the summary counts them")
  func reminders() {
    let (s, out, err) = CLITests.run(["plan"] + Self.base + ["--as-of", "2026-11-01"])
    #expect(s == 0, "\(err)")
    #expect(out.contains("+ reminder INV-2026-0042/standard/second_reminder"))
    #expect(out.contains("rule rules/dunning.accrue:") || out.contains("dunning.accrue:"))
    // 11, not 12: payment pay-2026-1001 pays INV-2026-0051 before dunning runs.
    #expect(out.split(separator: "\n").last?.contains("; 11 reminders (11 actions); 7 payments: ") == true)
    #expect(!out.contains("+ reminder INV-2026-0051"))
    // Only reminders: the cash is still applied first, and not shown.
    let (_, only, _) = CLITests.run(["plan"] + Self.base + ["--as-of", "2026-11-01", "--only", "reminders"])
    #expect(only.hasSuffix("Plan: 11 reminders (11 actions)\n"))
    #expect(!only.contains("+ match "))
  }

  @Test("--explain KEY says why a reminder fired; --why-not INVOICE why one did not")
  func explainAndWhyNot() {
    let (_, out, _) = CLITests.run(["plan"] + Self.base + ["--as-of", "2026-11-01", "--explain", "INV-2026-0042/standard/second_reminder"])
    #expect(out.contains("why: cadence standard"))
    #expect(out.contains("1.5% of 300.00 USD"))
    #expect(!out.contains("+ invoice "))
    let (s, why, _) = CLITests.run(["plan"] + Self.base + ["--as-of", "2026-11-01", "--why-not", "INV-2025-0001"])
    #expect(s == 0)
    #expect(why.contains("is paid: only open invoices are dunned"))
  }

  @Test("--from/--to forecasts day by day; a bad range is a usage error")
  func forecast() {
    let (s, out, _) = CLITests.run(["plan"] + Self.base + ["--from", "2026-11-02", "--to", "2026-11-06"])
    #expect(s == 0)
    #expect(out.contains("2026-11-04 (wednesday)"))
    #expect(out.split(separator: "\n").last?.hasPrefix("Forecast: ") == true)
    #expect(CLITests.run(["plan"] + Self.base + ["--from", "2026-11-06", "--to", "2026-11-02"]).0 == 64)
    #expect(CLITests.run(["plan"] + Self.base + ["--from", "2026-01-01", "--to", "2027-06-01"]).0 == 64)
  }

  @Test(
    "a forecast with an option it does not take, or half a range, is a usage error naming the conflict",
    arguments: [
      (["--as-of", "2026-11-01", "--from", "2026-11-02", "--to", "2026-11-03"], ["'--as-of'", "'--from' and '--to'"]),
      (["--to", "2026-11-03", "--as-of", "2026-11-01"], ["'--as-of'", "'--to'"]),
      (["--from", "2026-11-02"], ["'--from' needs '--to'"]),
      (["--to", "2026-11-02"], ["'--to' needs '--from'"]),
      (["--from", "2026-11-02", "--to", "2026-11-03", "--explain", "ctr-001/2026-11-02"], ["'--explain'"]),
      (["--from", "2026-11-02", "--to", "2026-11-03", "--why-not", "INV-2026-0042"], ["'--why-not'"]),
      (["--from", "2026-11-02", "--to", "2026-11-03", "--since", "2026-10-01"], ["'--since'"]),
      (["--from", "2026-11-02", "--to", "2026-11-03", "--only", "invoices"], ["'--only'"]),
      (["--from", "2026-11-02", "--to", "2026-11-03", "--coverage"], ["'--coverage'"]),
    ])
  func forecastConflicts(_ extra: [String], _ fragments: [String]) {
    let (s, out, err) = CLITests.run(["plan"] + Self.base + extra)
    #expect(s == 64, "\(extra)")
    #expect(out.isEmpty, "\(extra)")
    #expect(err.hasPrefix("Error: "), "\(err)")
    for f in fragments { #expect(err.contains(f), "\(extra): \(err)") }
  }

  @Test("apply twice: the second run produces nothing; plan --state shows nothing new")
  func applyTwice() throws {
    let dir = TemporaryPaths.make("accrue-apply")
    let args = ["apply"] + Self.base + ["--as-of", "2026-11-01", "--state", dir + "/state", "--out", dir + "/out"]
    let (s1, o1, _) = CLITests.run(args)
    #expect(s1 == 0)
    #expect(o1.contains("run-0001-2026-11-01"))
    let (s2, o2, _) = CLITests.run(args)
    #expect(s2 == 0)
    #expect(o2.hasPrefix("Nothing new as of 2026-11-01"))
    let (_, plan, _) = CLITests.run(["plan"] + Self.base + ["--as-of", "2026-11-01", "--state", dir + "/state"])
    #expect(plan.split(separator: "\n").last?.hasPrefix("Plan: 0 invoices") == true)
    #expect(plan.contains("no reminders"))
    #expect(CLITests.run(["apply"] + Self.base + ["--as-of", "2026-11-01", "--out", dir]).0 == 64)
  }
}

@Suite("plan --coverage")
struct CoverageCommandTests {
  @Test("lists the charges, tiers, steps and match rules that never fired on the example data")
  func coverage() {
    let (s, out, _) = CLITests.run(["plan"] + CollectionsCommandTests.base + ["--as-of", "2026-11-01", "--coverage"])
    #expect(s == 0)
    #expect(out.contains("Coverage: 33 of 43 rules, tiers and steps fired on this data; never fired:"))
    #expect(out.contains("rules/matching.accrue:69: match rule oldest_first_eur decided no payment"))
    #expect(out.contains("rules/plans.accrue:102: volume tier 10001 to 50000 of charge tracked_users in plan business was never reached"))
    #expect(out.contains("graduated tier 1000001 and above of charge api in plan team was never reached"))
    #expect(out.contains("rules/dunning.accrue:58: step formal_notice of cadence enterprise was never sent"))
    // A tier that fired is not listed.
    #expect(!out.contains("tier 100001 to 1000000 of charge api in plan team"))
  }
}

@Suite("import command")
struct ImportCommandTests {
  static let fixtures = CLITests.repoRoot.appendingPathComponent("Tests/AccrueImportTests/Fixtures").path

  @Test("accrue import previews a statement as JSON; a malformed file exits 1 with its location")
  func preview() throws {
    let (s, json, _) = CLITests.run(["import", Self.fixtures + "/camt053_v02.xml", "--format", "json"])
    #expect(s == 0)
    let top = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    let statements = top["statements"] as? [[String: Any]] ?? []
    let list = statements.flatMap { $0["transactions"] as? [[String: Any]] ?? [] }
    #expect(statements.count == 1)
    #expect(list.count == 4)
    #expect(list.first?["amount"] as? String == "499.80")
    #expect(list.first?["reference"] as? String == "RF18539007547034")
    #expect((list.first?["source"] as? String)?.contains("camt053_v02.xml:16 ") == true)
    let (bad, _, err) = CLITests.run(["import", Self.fixtures + "/mt940_broken.sta"])
    #expect(bad == 1)
    #expect(err.contains("mt940_broken.sta:3: :61:: expected a value date"))
    #expect(CLITests.run(["import"]).0 == 64)
  }

  @Test("accrue import: a statement that does not reconcile is a warning (exit 0), an error with --strict (exit 1)")
  func reconciliation() {
    let path = Self.fixtures + "/mt940_balances_return.sta"
    let (s, out, err) = CLITests.run(["import", path])
    #expect(s == 0)
    #expect(out.contains("MT940 statement STARTUMS (00046/001), account 10020030/1234567890, EUR\n  opening 5,900.00 EUR on 2026-11-28, closing 5,950.00 EUR on 2026-11-29"), "\(out)")
    #expect(out.contains("(return AC04)"))
    #expect(out.hasSuffix("2 statements, 2 transactions, net 900.00 EUR\n"))
    #expect(err.hasPrefix("warning: \(path):17:1: D0320: the statement STARTUMS (00046/001) of account 10020030/1234567890 does not reconcile"), "\(err)")
    let (strict, _, strictErr) = CLITests.run(["import", path, "--strict"])
    #expect(strict == 1)
    #expect(strictErr.contains("1 statement check failed (--strict)"))
  }

  @Test("accrue import: a statement with no entries says so, with no empty 'net' (issue 23 item 7)")
  func emptyStatement() throws {
    let path = TemporaryPaths.make("accrue-empty-statement") + ".sta"
    try ":20:S\n:25:DE89370400440532013000\n:60F:C261230EUR100,00\n:62F:C261231EUR100,00\n-\n".write(toFile: path, atomically: true, encoding: .utf8)
    let (s, out, err) = CLITests.run(["import", path])
    #expect(s == 0 && err.isEmpty)
    #expect(out.hasSuffix("reconciles: opening + entries = closing\n\n\n1 statement, 0 transactions\n"), "\(out)")
  }
}
