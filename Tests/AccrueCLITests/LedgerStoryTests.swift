import AccrueCLI
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// The two-month story of examples/two-months (its README tells it; every figure is worked by hand there): apply
/// as of 2026-11-01 issues numbered invoices and a late fee's debit note; payments arrive; apply as of 2026-12-01
/// applies them to the invoices the ledger holds, uses credit on account, reminds the unpaid November invoice,
/// bills its late fee; the aging report agrees with the hand-computed ledger.
@Suite("Ledger: two months, contract to cash")
struct LedgerStoryTests {
  static let example = CLITests.repoRoot.appendingPathComponent("examples/two-months").path

  /// The CSV rows of a run's table, as dictionaries by column.
  static func rows(_ path: String) throws -> [[String: String]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, cells($0))) }
  }

  /// A CSV line's cells (quoted cells unquoted; no line ends inside cells in the tables read here).
  static func cells(_ line: String) -> [String] {
    var out: [String] = []
    var cell = ""
    var quoted = false
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" { cell.append("\""); chars.removeFirst() } else { quoted = false }
        } else {
          cell.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        out.append(cell)
        cell = ""
      } else {
        cell.append(c)
      }
    }
    return out + [cell]
  }

  static func apply(_ base: String, _ date: String) -> (Int32, String, String) {
    CLITests.run([
      "apply", "--rules", example, "--data", example + "/data", "--as-of", date, "--state", base + "/state", "--out", base + "/out",
    ])
  }

  @Test("November issues, December collects, reminds and bills fees; aging agrees with the ledger by hand")
  func twoMonths() throws {
    let base = TemporaryPaths.make("ledger-story")
    let (s1, o1, e1) = Self.apply(base, "2026-11-01")
    try #require(s1 == 0, "\(e1)")
    #expect(o1.hasPrefix("Applied as of 2026-11-01: 3 invoices and 1 debit note, 620.00 USD; 2 reminders (1 action); no payments"))
    let nov = base + "/out/run-0001-2026-11-01/"
    let novTotals = try Self.rows(nov + "invoices.csv").filter { $0["kind"] == "total" }
    #expect(novTotals.map { "\($0["number"]!) \($0["customer"]!) \($0["amount"]!)" }
      == ["ST-2026-0001 c1 200.00", "ST-2026-0002 c2 300.00", "SD-2026-0001 c3 20.00", "ST-2026-0003 c3 100.00"])
    #expect(try Self.rows(nov + "reminders.csv").map { $0["key"]! } == ["OLD-2/standard/first", "OLD-1/standard/fee"])

    let (s2, o2, e2) = Self.apply(base, "2026-12-01")
    try #require(s2 == 0, "\(e2)")
    #expect(o2.contains("2 payments: 2 applied automatically in full (100.0%)"))
    #expect(o2.contains("40.00 USD of credit on account used on 1 invoice"))
    let dec = base + "/out/run-0002-2026-12-01/"
    let cash = try Self.rows(dec + "cash_applications.csv")
    #expect(cash.map { "\($0["payment"]!) \($0["kind"]!) \($0["invoice"]!) \($0["amount"]!)" } == [
      "P1 invoice ST-2026-0001 200.00", "P2 invoice ST-2026-0002 300.00", "P2 credit on account  50.00",
      "credit:c2/USD/2026-12-01 invoice OLD-2 40.00",
    ])
    #expect(try Self.rows(dec + "reminders.csv").map { $0["key"]! } == ["SD-2026-0001/standard/fee", "ST-2026-0003/standard/fee"])
    let fees = try Self.rows(dec + "actions.csv").filter { $0["kind"] == "late fee" }
    #expect(fees.map { "\($0["reminder"]!) \($0["amount"]!)" } == ["SD-2026-0001/standard/fee ", "ST-2026-0003/standard/fee 20.00"])
    let decTotals = try Self.rows(dec + "invoices.csv").filter { $0["kind"] == "total" }
    #expect(decTotals.map { "\($0["number"]!) \($0["customer"]!) \($0["amount"]!)" }
      == ["ST-2026-0004 c1 200.00", "ST-2026-0005 c2 300.00", "SD-2026-0002 c3 20.00", "ST-2026-0006 c3 100.00"])

    // Exactly once: the same date again produces nothing; the ledger balances.
    let (s3, o3, _) = Self.apply(base, "2026-12-01")
    #expect(s3 == 0 && o3.hasPrefix("Nothing new as of 2026-12-01"))
    let store = try LedgerStore.open(stateDir: base + "/state")
    #expect(try store.verify().isEmpty)
    #expect(try LedgerStore.read(stateDir: base + "/state").sequences == ["invoice/2026": 6, "debit_note/2026": 2])

    // Aging from the ledger: Alpha 200.00; Beta 300.00 less 10.00 on account; Gamma 50 + 20 + 100 + 20 + 100.
    let (s4, json, e4) = CLITests.run([
      "report", "aging", "--data", Self.example + "/data", "--as-of", "2026-12-01", "--state", base + "/state", "--format", "json",
    ])
    try #require(s4 == 0, "\(e4)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let customers = try #require(report["customers"] as? [[String: Any]])
    let figures = customers.map { c in
      "\(c["customer"]!) \(c["total"]!) \(c["credit_on_account"]!) \(c["net_balance"]!)"
    }
    #expect(figures.sorted() == ["c1 200.00 0.00 200.00", "c2 300.00 10.00 290.00", "c3 290.00 0.00 290.00"])

    // The statements of account agree: Beta owes 300.00 less 10.00 on account; Gamma's ledger documents add up to
    // 240.00 (ST-2026-0003 100.00, SD-2026-0001 20.00, SD-2026-0002 20.00, ST-2026-0006 100.00), and with the
    // imported OLD-1 (50.00, not in the ledger) to the 290.00 aging shows.
    let (s5, beta, _) = CLITests.run(["ledger", "show", "c2", "--state", base + "/state"])
    #expect(s5 == 0)
    #expect(beta.contains("USD             300.00              10.00       290.00"))
    let (_, gamma, _) = CLITests.run(["ledger", "show", "c3", "--state", base + "/state"])
    #expect(gamma.contains("USD             240.00               0.00       240.00"))
  }

  @Test("fees billed on next invoice: November's late fee is a line of Gamma's December invoice; December's waits")
  func feesOnNextInvoice() throws {
    let base = TemporaryPaths.make("ledger-story-next")
    let rules = base + "/rules"
    try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
    let text = try String(contentsOfFile: Self.example + "/two-months.accrue", encoding: .utf8)
      .replacingOccurrences(of: "fees billed as debit notes", with: "fees billed on next invoice")
    try text.write(toFile: rules + "/two-months.accrue", atomically: true, encoding: .utf8)
    for date in ["2026-11-01", "2026-12-01"] {
      let (s, _, e) = CLITests.run([
        "apply", "--rules", rules, "--data", Self.example + "/data", "--as-of", date, "--state", base + "/state", "--out", base + "/out",
      ])
      try #require(s == 0, "\(e)")
    }
    let nov = try Self.rows(base + "/out/run-0001-2026-11-01/invoices.csv")
    #expect(!nov.contains { $0["document"] == "debit_note" })
    let gamma = try Self.rows(base + "/out/run-0002-2026-12-01/invoices.csv").filter { $0["invoice"] == "k3/2026-12-01" }
    #expect(gamma.map { "\($0["kind"]!) \($0["amount"]!)" } == ["line 100.00", "line 20.00", "total 120.00"])
    let fees = try LedgerStore.read(stateDir: base + "/state").fees
    #expect(fees.map { "\($0.key) \($0.billedOn ?? "unbilled")" } == ["OLD-1/standard/fee#1 k3/2026-12-01", "ST-2026-0003/standard/fee#1 unbilled"])
  }
}
