import AccrueCore
import AccrueModel
import AccrueParser
import AccrueTestSupport
import Foundation
import Testing

@testable import AccruePosting

/// Revenue recognition (grammar.md §13, issue 22): schedules to the minor unit, an annual prepaid contract
/// recognized month by month with the last month taking the remainder, a mid-term cancellation reversing the
/// unrecognized part, a contract that ends mid-term, exactly once per period, and the waterfall.
@Suite("Revenue recognition", .serialized)
struct RecognitionTests {
  static func day(_ s: String) -> CivilDate { CivilDate.parse(s)! }

  @Test("ratably monthly: 1,000.00 over a year is eleven months of 83.33 and a last month of 83.37")
  func monthlySchedule() {
    let p = Recognition.schedule(.ratably(monthly: true), start: Self.day("2026-01-01"), end: Self.day("2027-01-01"), stop: nil, total: 100_000, milestones: [])
    #expect(p.count == 12)
    #expect(p.dropLast().allSatisfy { $0.amount == 8_333 } && p.last?.amount == 8_337)
    #expect(p.map(\.end.description) == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31",
      "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31"])
  }

  @Test("ratably daily: a month from the 15th is its days' share in each calendar month; a contract end releases the rest on its last day")
  func dailyAndStop() {
    let p = Recognition.schedule(.ratably(monthly: false), start: Self.day("2026-10-15"), end: Self.day("2026-11-15"), stop: nil, total: 31_000, milestones: [])
    #expect(p == [
      RecognitionPiece(key: "2026-10-31", end: Self.day("2026-10-31"), amount: 17_000), RecognitionPiece(key: "2026-11-14", end: Self.day("2026-11-14"), amount: 14_000),
    ])
    let s = Recognition.schedule(.ratably(monthly: true), start: Self.day("2026-01-01"), end: Self.day("2027-01-01"), stop: Self.day("2026-06-15"), total: 100_000, milestones: [])
    #expect(s.map(\.amount) == [8_333, 8_333, 8_333, 8_333, 8_333, 58_335] && s.last?.end == Self.day("2026-06-15"))
  }

  @Test("milestones recognize their per cent, the one reaching 100 the remainder; what none covers yet stays deferred")
  func milestones() {
    let ref = SourceRef(file: "revenue_milestones.csv", line: 2)
    let m = [
      RevenueMilestone(contract: "c", charge: "x", id: "a", date: Self.day("2026-02-01"), percent: Fixed(1) .divided(by: Fixed(3))!.multiplied(by: Fixed(100))!, source: ref),
      RevenueMilestone(contract: "c", charge: "x", id: "b", date: Self.day("2026-03-01"), percent: Fixed(40), source: ref),
    ]
    let p = Recognition.schedule(.milestone, start: Self.day("2026-01-01"), end: Self.day("2027-01-01"), stop: nil, total: 100_000, milestones: m)
    #expect(p.map(\.amount).reduce(0, +) == 100_000 && p.last?.key == "milestone-rest")
    #expect(p[0].amount == 33_333 && p[1].amount == 40_000)
  }

  @Test("the parts always add up to the whole, never negative, whatever the total and the period", arguments: [11, 12, 13] as [UInt64])
  func partsSumToWhole(_ seed: UInt64) {
    var rng = SplitMix(seed)
    for _ in 0..<300 {
      let start = CivilDate(dayNumber: Int32(20_000 + Int(rng.next() % 2_000)))
      let end = start.adding(days: 1 + Int(rng.next() % 800))!
      let total = Int64(rng.next() % 10_000_000)
      for method in [RecognitionMethod.ratably(monthly: true), .ratably(monthly: false)] {
        let stop = rng.next() % 3 == 0 ? start.adding(days: Int(rng.next() % 400)) : nil
        let p = Recognition.schedule(method, start: start, end: end, stop: stop, total: total, milestones: [])
        #expect(p.reduce(0) { $0 + $1.amount } == total && p.allSatisfy { $0.amount >= 0 })
        // After a credit, what is left is spread in the same proportions and still adds up.
        let left = total / 3
        #expect(Recognition.amounts(p, balance: left).reduce(0, +) == left)
      }
    }
  }

  // MARK: An annual prepaid contract, end to end

  static let plans = """
    currency USD
    month end clamp

    plan annual "Annual" {
      period annual
      bill in advance
      charge platform "Platform fee" {
        flat 1_000.00 USD
      }
    }

    posting plan annual charge platform {
      recognize ratably monthly
    }

    """

  /// A rules folder (the plan, the posting matrix with `revenue recognized debit "2400" credit "4000"`) and a data
  /// folder with one contract from 2026-01-01 (ending on `end` when given).
  static func story(_ name: String, end: String = "") throws -> String {
    let base = TemporaryPaths.make(name)
    let fm = FileManager.default
    try fm.createDirectory(atPath: base + "/rules", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try Self.plans.write(toFile: base + "/rules/plans.accrue", atomically: true, encoding: .utf8)
    try LedgerEventPostingTests.posting.replacingOccurrences(of: "}\n", with: "  revenue recognized debit \"2400\" credit \"4000\"\n}\n")
      .write(toFile: base + "/rules/posting.accrue", atomically: true, encoding: .utf8)
    try (LedgerEventPostingTests.chart + "2400,Deferred revenue,liability,,true\n")
      .write(toFile: base + "/data/chart_of_accounts.csv", atomically: true, encoding: .utf8)
    try "id,name,country,currency\ncust-1,Acme,US,USD\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,end_date\nctr-1,cust-1,annual,2026-01-01,\(end)\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    return base
  }

  static func run(_ base: String, _ args: [String]) -> (status: Int32, out: String, err: String) {
    PostingSupport.run(args + ["--rules", base + "/rules", "--data", base + "/data", "--state", base + "/state"])
  }

  /// The recorded entries as JSON objects.
  static func entries(_ base: String) throws -> [[String: Any]] {
    let out = PostingSupport.run(["report", "journal", "--source", "ledger", "--state", base + "/state", "--data", base + "/data", "--format", "json"]).out
    let o = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    return o["journal_entries"] as? [[String: Any]] ?? []
  }

  /// An entry's lines as "Dr ACCOUNT AMOUNT" / "Cr ACCOUNT AMOUNT".
  static func lines(_ e: [String: Any]) -> [String] {
    (e["lines"] as? [[String: Any]] ?? []).map { l in
      func f(_ v: Any?) -> String { (Fixed("\(v ?? "0")") ?? .zero).formatted(places: 2) }
      return Fixed("\(l["debit"] ?? "0")") != .zero ? "Dr \(l["account"]!) \(f(l["debit"]))" : "Cr \(l["account"]!) \(f(l["credit"]))"
    }
  }

  @Test("an annual prepaid contract: deferred when invoiced, recognized month by month to the cent, the last month taking the remainder, once")
  func annualPrepaid() throws {
    let base = try Self.story("accrue-rr-annual")
    #expect(Self.run(base, ["apply", "--as-of", "2026-01-01", "--out", base + "/out"]).status == 0)
    var all = try Self.entries(base)
    #expect(all.count == 1 && Self.lines(all[0]) == ["Dr 1200 1000.00", "Cr 2400 1000.00"], "\(all)")
    let obligation = ((all[0]["lines"] as? [[String: Any]])?[1]["obligation"] as? String)
    #expect(obligation == "ctr-1/2026-01-01#1")
    let (s, out, err) = Self.run(base, ["recognize", "--through", "2026-12-31"])
    #expect(s == 0 && out.contains("12 entries, 1,000.00 USD"), "\(out)\(err)")
    all = try Self.entries(base)
    let recognized = all.filter { ($0["event"] as? String)?.hasPrefix("recognition:") == true }
    #expect(recognized.count == 12)
    #expect(recognized.dropLast().allSatisfy { Self.lines($0) == ["Dr 2400 83.33", "Cr 4000 83.33"] })
    #expect(recognized.last.map(Self.lines) == ["Dr 2400 83.37", "Cr 4000 83.37"] && recognized.last?["date"] as? String == "2026-12-31")
    #expect(recognized.allSatisfy { (($0["lines"] as? [[String: Any]]) ?? []).allSatisfy { $0["obligation"] as? String == obligation } })
    // Again: nothing new; the waterfall has nothing left.
    #expect(Self.run(base, ["recognize", "--through", "2026-12-31"]).out.hasPrefix("Nothing to recognize"))
    #expect(try Self.entries(base).count == 13)
    let w = PostingSupport.run([
      "report", "waterfall", "--rules", base + "/rules", "--data", base + "/data", "--state", base + "/state", "--as-of", "2026-12-31",
    ])
    #expect(w.out.contains("No deferred revenue left."), "\(w)")
  }

  @Test("apply recognizes through its date; the waterfall shows each month left, per plan")
  func applyAndWaterfall() throws {
    let base = try Self.story("accrue-rr-apply")
    #expect(Self.run(base, ["apply", "--as-of", "2026-01-01", "--out", base + "/out"]).status == 0)
    #expect(Self.run(base, ["apply", "--as-of", "2026-03-05", "--out", base + "/out"]).status == 0)
    let events = try Self.entries(base).compactMap { $0["event"] as? String }
    #expect(events.filter { $0.hasPrefix("recognition:") } == ["recognition:ctr-1/2026-01-01#1/2026-01-31", "recognition:ctr-1/2026-01-01#1/2026-02-28"])
    let (s, out, _) = PostingSupport.run([
      "report", "waterfall", "--rules", base + "/rules", "--data", base + "/data", "--state", base + "/state", "--as-of", "2026-03-05", "--format", "csv",
    ])
    #expect(s == 0)
    let rows = out.split(separator: "\r\n")
    #expect(rows.first == "plan,currency,month,amount,obligations" && rows.count == 11)
    #expect(rows[1] == "annual,USD,2026-03,83.33,1" && rows.last == "annual,USD,2026-12,83.37,1")
  }

  @Test("a mid-term cancellation: the credit note reverses the unrecognized part from deferred revenue, the recognized part from revenue; nothing is left to recognize")
  func midTermCancellation() throws {
    let base = try Self.story("accrue-rr-cancel")
    #expect(Self.run(base, ["apply", "--as-of", "2026-01-01", "--out", base + "/out"]).status == 0)
    #expect(Self.run(base, ["recognize", "--through", "2026-04-30"]).status == 0)
    let (s, _, err) = Self.run(base, ["credit-note", "ctr-1/2026-01-01", "--reason", "cancelled on 2026-05-10", "--as-of", "2026-05-10", "--by", "ann"])
    #expect(s == 0, "\(err)")
    let note = try #require(try Self.entries(base).first { ($0["event"] as? String)?.hasPrefix("credit-note:") == true })
    #expect(Self.lines(note) == ["Dr 2400 666.68", "Cr 1200 1000.00", "Dr 4000 333.32"], "\(note)")
    #expect(Self.run(base, ["recognize", "--through", "2026-12-31"]).out.hasPrefix("Nothing to recognize"))
    #expect(PostingSupport.run(["ledger", "verify", "--state", base + "/state"]).status == 0)
  }

  @Test("a credit note of one line (credit-note --line) reverses that line's unrecognized revenue, and the rest of its schedule shrinks")
  func lineCreditNote() throws {
    let base = try Self.story("accrue-rr-line")
    #expect(Self.run(base, ["apply", "--as-of", "2026-01-01", "--out", base + "/out"]).status == 0)
    #expect(Self.run(base, ["recognize", "--through", "2026-04-30"]).status == 0)
    let (s, _, err) = Self.run(base, ["credit-note", "ctr-1/2026-01-01", "--line", "1", "--amount", "100.00", "--reason", "downgrade", "--as-of", "2026-05-02", "--by", "ann"])
    #expect(s == 0, "\(err)")
    let note = try #require(try Self.entries(base).first { ($0["event"] as? String)?.hasPrefix("credit-note:") == true })
    #expect(Self.lines(note) == ["Dr 2400 100.00", "Cr 1200 100.00"], "\(note)")
    #expect(Self.run(base, ["recognize", "--through", "2026-12-31"]).status == 0)
    let r = try Self.entries(base).filter { ($0["event"] as? String)?.hasPrefix("recognition:") == true }
    // 666.68 - 100.00 = 566.68 over the 8 months left, in their proportions, the last taking the rest: all of it.
    let amounts = r.dropFirst(4).map { Self.lines($0)[0] }
    #expect(amounts.count == 8 && amounts.dropLast().allSatisfy { $0 == "Dr 2400 70.83" } && amounts.last == "Dr 2400 70.87", "\(amounts)")
  }

  @Test("a contract that ends mid-term stops recognition on its last day and releases what is still deferred")
  func contractEnd() throws {
    let base = try Self.story("accrue-rr-end")
    #expect(Self.run(base, ["apply", "--as-of", "2026-01-01", "--out", base + "/out"]).status == 0)
    // Invoiced for the year; then the contract is ended on 2026-06-15 (its end date in contracts.csv).
    try "id,customer,plan,start_date,end_date\nctr-1,cust-1,annual,2026-01-01,2026-06-15\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    #expect(Self.run(base, ["recognize", "--through", "2026-12-31"]).status == 0)
    let r = try Self.entries(base).filter { ($0["event"] as? String)?.hasPrefix("recognition:") == true }
    #expect(r.count == 6 && r.last?["date"] as? String == "2026-06-15" && r.last.map(Self.lines) == ["Dr 2400 583.35", "Cr 4000 583.35"])
  }

  @Test("check: two methods in one block overlap (E0506); an account of the revenue recognized row not in the chart is E0911 with the closest")
  func checked() throws {
    let base = try Self.story("accrue-rr-check")
    let path = base + "/rules/plans.accrue"
    try Self.plans.replacingOccurrences(of: "  recognize ratably monthly\n", with: "  recognize ratably monthly\n  recognize ratably daily\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let (s, out, err0) = PostingSupport.run(["check", base + "/rules"])
    let err = out + err0
    #expect(s == 1 && err.contains("error[E0506]") && err.contains("states 'recognize' twice"), "\(err)")
    try Self.plans.write(toFile: path, atomically: true, encoding: .utf8)
    let posting = base + "/rules/posting.accrue"
    try String(contentsOfFile: posting, encoding: .utf8).replacingOccurrences(of: "debit \"2400\" credit \"4000\"", with: "debit \"2401\" credit \"4000\"")
      .write(toFile: posting, atomically: true, encoding: .utf8)
    let (c, cout, cerr0) = PostingSupport.run(["check", "--data", base + "/data", base + "/rules"])
    let cerr = cout + cerr0
    #expect(c == 1 && cerr.contains("account '2401' is not in the chart of accounts") && cerr.contains("did you mean '2400'"), "\(cerr)")
  }

  @Test("a cancellation's prorated credit note (issue 21) reverses the unrecognized part in the apply that issues it, before that apply recognizes")
  func cancellationCreditNote() throws {
    let base = try Self.story("accrue-rr-cancellation")
    try Self.plans.replacingOccurrences(of: "  bill in advance\n", with: "  bill in advance\n  cancellation immediately with prorated credit\n")
      .write(toFile: base + "/rules/plans.accrue", atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,cancelled_on\nctr-1,cust-1,annual,2026-01-01,\n".write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    #expect(Self.run(base, ["apply", "--as-of", "2026-01-01", "--out", base + "/out"]).status == 0)
    #expect(Self.run(base, ["apply", "--as-of", "2026-05-01", "--out", base + "/out"]).status == 0)
    try "id,customer,plan,start_date,cancelled_on\nctr-1,cust-1,annual,2026-01-01,2026-05-10\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s, _, err) = Self.run(base, ["apply", "--as-of", "2026-06-01", "--out", base + "/out"])
    #expect(s == 0, "\(err)")
    let all = try Self.entries(base)
    let note = try #require(all.first { ($0["event"] as? String)?.hasPrefix("credit-note:") == true }, "\(all.map { $0["event"]! })")
    // Four months recognized (333.32): the credit note's net comes off deferred revenue, none off revenue.
    let lines = Self.lines(note)
    #expect(lines.first?.hasPrefix("Dr 2400 ") == true && !lines.contains { $0.hasPrefix("Dr 4000") }, "\(lines)")
    #expect(PostingSupport.run(["ledger", "verify", "--state", base + "/state"]).status == 0)
  }
}

/// Reversals and netting keep every entry balanced (issue 22: every entry balances).
@Suite("Entries reversed and netted stay balanced")
struct ReversalBalanceTests {
  @Test("an entry reversing another, then posting and netting random amounts, always balances, never a negative line", arguments: [21, 22, 23] as [UInt64])
  func reverseAndNet(_ seed: UInt64) {
    var rng = SplitMix(seed)
    let accounts = ["1010", "1200", "2150", "2400", "4000"]
    let ref = RuleRef(file: "t.accrue", line: 1)
    for _ in 0..<100 {
      var old = JournalEntry(event: "a", document: nil, date: CivilDate.parse("2026-11-01")!, entity: "", currency: .USD, customer: nil)
      var new = JournalEntry(event: "b", document: nil, date: CivilDate.parse("2026-11-02")!, entity: "", currency: .USD, customer: nil)
      func line() -> GLLine { GLLine(account: accounts[Int(rng.next() % 5)], dimensions: [], memo: "", rule: ref, obligation: rng.next() % 2 == 0 ? "d#1" : nil) }
      for _ in 0..<6 { old.post(Fixed(Int(rng.next() % 100_000)).divided(by: Fixed(100)) ?? .zero, debit: line(), credit: line()) }
      new.reverse(old)
      for _ in 0..<6 { new.post(Fixed(Int(rng.next() % 100_000) - 50_000).divided(by: Fixed(100)) ?? .zero, debit: line(), credit: line()) }
      new.net()
      let t = new.totals
      #expect(t.debit == t.credit)
      #expect(new.lines.allSatisfy { !$0.amount.isNegative && !$0.amount.isZero })
    }
  }
}
