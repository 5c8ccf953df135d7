import AccrueCore
import AccrueTestSupport
import Foundation
import Testing

/// `apply` records the entries it posts in the ledger (issue 22, schema version 9), exactly once; `report journal`
/// and `report trial-balance --source ledger` read them back; `ledger export` includes them; `ledger verify`
/// checks they balance.
@Suite("Journal entries recorded by apply", .serialized)
struct RecordedJournalTests {
  static func apply(_ base: String, _ date: String, rules: String = PostingSupport.rules) -> (status: Int32, out: String, err: String) {
    PostingSupport.run([
      "apply", "--rules", rules, "--data", PostingSupport.data, "--as-of", date, "--state", base + "/state", "--out", base + "/out",
    ])
  }

  static func events(_ json: String) throws -> [String] {
    let o = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return (o["journal_entries"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String }
  }

  @Test("apply records what plan --journal shows, once: a second apply of the day records nothing; the ledger verifies")
  func recordedOnce() throws {
    let base = TemporaryPaths.make("accrue-je-apply")
    let (_, planned, _) = PostingSupport.run([
      "plan", "--rules", PostingSupport.rules, "--data", PostingSupport.data, "--as-of", "2026-11-01", "--journal", "--format", "json",
    ])
    #expect(Self.apply(base, "2026-11-01").status == 0)
    let ledger = ["--source", "ledger", "--state", base + "/state", "--data", PostingSupport.data, "--format", "json"]
    let (s1, first, err1) = PostingSupport.run(["report", "journal"] + ledger)
    #expect(s1 == 0, "\(err1)")
    #expect(try Self.events(first) == Self.events(planned) && Self.events(first).count > 59, "the run's 59 events and the revenue recognized through its date")
    #expect(Self.apply(base, "2026-12-01").status == 0)
    let (_, second, _) = PostingSupport.run(["report", "journal"] + ledger)
    #expect(Self.apply(base, "2026-12-01").out.hasPrefix("Nothing new"))
    let (_, third, _) = PostingSupport.run(["report", "journal"] + ledger)
    let count = try Self.events(second).count
    #expect(try count > Self.events(first).count && second == third, "a re-run records nothing new")
    // --as-of keeps the entries dated up to it (the first run's, and what later runs dated before it).
    let (_, upTo, _) = PostingSupport.run(["report", "journal"] + ledger + ["--as-of", "2026-11-01"])
    #expect(try Set(Self.events(upTo)).isSuperset(of: Self.events(first)) && Self.events(upTo).count < count)
    let (v, verified, _) = PostingSupport.run(["ledger", "verify", "--state", base + "/state"])
    #expect(v == 0 && verified.contains("\(count) journal entries balanced"), "\(verified)")
  }

  @Test("the ledger's trial balance balances in every entity, period and currency, and the export lists every line")
  func trialBalanceAndExport() throws {
    let base = TemporaryPaths.make("accrue-je-tb")
    #expect(Self.apply(base, "2026-11-01").status == 0)
    let (s, out, err) = PostingSupport.run([
      "report", "trial-balance", "--source", "ledger", "--state", base + "/state", "--data", PostingSupport.data,
    ])
    #expect(s == 0, "\(err)")
    let totals = out.split(separator: "\n").filter { $0.hasPrefix("  total") }.map { $0.split(separator: " ") }
    #expect(totals.count >= 2 && totals.allSatisfy { $0[1] == $0[2] && $0[3] == "0.00" }, "\(out)")
    let (e, _, _) = PostingSupport.run(["ledger", "export", "--state", base + "/state", "--out", base + "/export"])
    #expect(e == 0)
    let csv = try String(contentsOfFile: base + "/export/journal_lines.csv", encoding: .utf8)
    #expect(csv.hasPrefix("entry,event,date,entity,currency,customer,document,line,account,debit,credit,dimensions,memo,rule,obligation,run\r\n"))
    let lines = csv.split(separator: "\r\n").dropFirst()
    var debit = Fixed.zero
    var credit = Fixed.zero
    for l in lines where l.contains(",USD,") {
      let cells = l.split(separator: ",", omittingEmptySubsequences: false)
      debit = debit.adding(Fixed(String(cells[9]))!)!
      credit = credit.adding(Fixed(String(cells[10]))!)!
    }
    #expect(debit == credit && !debit.isZero)
  }

  @Test("a posting rule that fails at apply records nothing: no run, no entry, no folder")
  func failureRecordsNothing() throws {
    let base = TemporaryPaths.make("accrue-je-fail")
    let rules = try PostingSupport.rules(
      replacing: "fee debit \"1200\" credit \"4500\"", with: "fee debit \"1200\" credit if customer.segment = \"mid-market\" then \"4501\" else \"4500\"")
    let (s, _, err) = Self.apply(base, "2026-11-01", rules: rules)
    #expect(s == 1)
    #expect(err.contains("account '4501' is not in the chart of accounts"), "\(err)")
    #expect(!FileManager.default.fileExists(atPath: base + "/state/ledger.sqlite"))
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: base + "/out")) ?? []).isEmpty)
  }

  @Test("--source ledger needs --state; usage errors exit 64")
  func usage() {
    let (s, _, err) = PostingSupport.run(["report", "journal", "--source", "ledger", "--data", PostingSupport.data])
    #expect(s == 64 && err.contains("--state"), "\(err)")
  }
}
