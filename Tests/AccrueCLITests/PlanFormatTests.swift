import AccrueCLI
import Foundation
import Testing
import AccrueTestSupport

/// `plan --format csv` (every table of the run, or one with `--table`) and the forecast's JSON and CSV.
@Suite("plan output formats")
struct PlanFormatTests {
  static let base = CollectionsCommandTests.base
  static let asOf = ["--as-of", "2026-11-01"]
  static let tables = ["invoices", "reminders", "actions", "cash_applications", "exceptions"]

  /// The CSV files of one `apply` run into a fresh state folder, by table name.
  static func applied() throws -> [String: String] {
    let dir = TemporaryPaths.make("accrue-csv")
    let (s, _, err) = CLITests.run(["apply"] + base + asOf + ["--state", dir + "/state", "--out", dir + "/out"])
    #expect(s == 0, "\(err)")
    let run = try #require(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").first { $0.hasPrefix("run-") })
    var files: [String: String] = [:]
    for t in tables { files[t] = try String(contentsOfFile: "\(dir)/out/\(run)/\(t).csv", encoding: .utf8) }
    return files
  }

  @Test("--only reminders and --only matches write their tables as CSV (they wrote the invoices header alone)")
  func onlyKinds() throws {
    let files = try Self.applied()
    let (s1, reminders, _) = CLITests.run(["plan"] + Self.base + Self.asOf + ["--only", "reminders", "--format", "csv"])
    #expect(s1 == 0)
    #expect(reminders == files["reminders"]! + "\r\n" + files["actions"]!)
    #expect(reminders.contains("INV-2026-0042/standard/second_reminder#1,INV-2026-0042/standard/second_reminder,cust-014,late fee,"))
    #expect(!reminders.contains("invoice,customer,contract"))
    let (s2, matches, _) = CLITests.run(["plan"] + Self.base + Self.asOf + ["--only", "matches", "--format", "csv"])
    #expect(s2 == 0)
    #expect(matches == files["cash_applications"]! + "\r\n" + files["exceptions"]!)
    #expect(matches.hasPrefix("key,payment,date,customer,status,rule,kind,invoice,"))
    // Billing alone: the invoices table, as before.
    let (_, invoices, _) = CLITests.run(["plan"] + Self.base + Self.asOf + ["--only", "invoices", "--format", "csv"])
    #expect(invoices == files["invoices"]!)
  }

  @Test("the full run's CSV is every table, a blank line between two; --table writes one, as apply writes it")
  func fullRun() throws {
    let files = try Self.applied()
    let (s, all, _) = CLITests.run(["plan"] + Self.base + Self.asOf + ["--format", "csv"])
    #expect(s == 0)
    #expect(all == Self.tables.map { files[$0]! }.joined(separator: "\r\n"))
    for t in Self.tables {
      let (st, one, err) = CLITests.run(["plan"] + Self.base + Self.asOf + ["--table", t])
      #expect(st == 0, "\(err)")
      #expect(one == files[t]!, "\(t)")
      #expect(one.split(separator: "\r\n").count > 1, "\(t) has rows")
    }
  }

  @Test("--table with another format, or with an --only that leaves it out, is a usage error")
  func tableConflicts() {
    for extra in [["--table", "actions", "--format", "json"], ["--table", "reminders", "--only", "invoices"], ["--table", "invoice"]] {
      let (s, out, err) = CLITests.run(["plan"] + Self.base + Self.asOf + extra)
      #expect(s == 64, "\(extra)")
      #expect(out.isEmpty && err.hasPrefix("Error: "), "\(extra): \(err)")
    }
  }
}
