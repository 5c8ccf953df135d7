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
    // Billing alone: the invoices table without the debit notes of the fees dunning charges (collections does not run).
    let (_, invoices, _) = CLITests.run(["plan"] + Self.base + Self.asOf + ["--only", "invoices", "--format", "csv"])
    let billed = files["invoices"]!.components(separatedBy: "\r\n").filter { !$0.contains(",debit_note,") }.joined(separator: "\r\n")
    #expect(invoices == billed)
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

  static func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test("forecast --format json: every day, its invoices and reminders in plan's JSON shapes (it printed text)")
  func forecastJSON() throws {
    let (s, text, err) = CLITests.run(["plan"] + Self.base + ["--from", "2026-11-02", "--to", "2026-11-04", "--format", "json"])
    #expect(s == 0, "\(err)")
    let f = try Self.object(text)
    #expect(f["from"] as? String == "2026-11-02" && f["to"] as? String == "2026-11-04")
    let days = try #require(f["days"] as? [[String: Any]])
    #expect(days.map { $0["date"] as? String } == ["2026-11-02", "2026-11-03", "2026-11-04"])
    #expect(days.first?["weekday"] as? String == "monday")
    let summary = try #require(f["summary"] as? [String: Any])
    let invoices = days.flatMap { $0["invoices"] as? [[String: Any]] ?? [] }
    let reminders = days.flatMap { $0["reminders"] as? [[String: Any]] ?? [] }
    #expect(summary["invoices"] as? Int == invoices.count && summary["reminders"] as? Int == reminders.count)
    #expect(!invoices.isEmpty && !reminders.isEmpty)
    // The day's invoices are plan's invoices for that day's billing window, object for object.
    let (_, planText, _) = CLITests.run(
      ["plan"] + Self.base + ["--as-of", "2026-11-03", "--since", "2026-11-02", "--only", "invoices", "--format", "json"])
    let planInvoices = try #require(try Self.object(planText)["invoices"] as? [[String: Any]])
    let day3 = try #require(days[1]["invoices"] as? [[String: Any]])
    #expect(!day3.isEmpty)
    // Numbers aside: the forecast continues the sequence from day to day, a plan for the day alone starts it.
    func unnumbered(_ list: [[String: Any]]) -> [NSDictionary] { list.map { NSDictionary(dictionary: $0.filter { $0.key != "number" }) } }
    #expect(unnumbered(day3) == unnumbered(planInvoices))
    let numbers = invoices.compactMap { $0["number"] as? String }
    #expect(numbers.count == invoices.count && Set(numbers).count == numbers.count)
    #expect(invoices.allSatisfy { $0["number_is_provisional"] as? Bool == true })
    // Reminders have plan's reminder keys.
    let (_, planAll, _) = CLITests.run(["plan"] + Self.base + Self.asOf + ["--format", "json"])
    let planReminder = try #require((try Self.object(planAll)["reminders"] as? [[String: Any]])?.first)
    #expect(Set(try #require(reminders.first).keys) == Set(planReminder.keys))
  }

  @Test("forecast --format csv: plan's invoices, reminders and actions tables, each row led by its day; --table picks one")
  func forecastCSV() throws {
    let range = ["--from", "2026-11-02", "--to", "2026-11-04"]
    let (s, csv, err) = CLITests.run(["plan"] + Self.base + range + ["--format", "csv"])
    #expect(s == 0, "\(err)")
    let tables = csv.components(separatedBy: "\r\n\r\n")
    #expect(tables.count == 3)
    let files = try Self.applied()
    for (k, name) in ["invoices", "reminders", "actions"].enumerated() where k < tables.count {
      let header = files[name]!.components(separatedBy: "\r\n")[0]
      #expect(tables[k].hasPrefix("day," + header + "\r\n"), "\(name)")
      let (_, one, _) = CLITests.run(["plan"] + Self.base + range + ["--table", name])
      #expect(one == tables[k] + (k < 2 ? "\r\n" : ""), "\(name)")
    }
    #expect(csv.contains("\r\n2026-11-03,ctr-030/2026-11-03,NW-2026-"))
    #expect(csv.contains(",invoice,cust-026,"))
    #expect(csv.contains("\r\n2026-11-02,INV-2026-0042/standard/second_reminder,2026-11-02,cust-014,"))
    // A forecast applies no payments: no cash tables.
    #expect(CLITests.run(["plan"] + Self.base + range + ["--table", "exceptions"]).0 == 64)
  }
}
