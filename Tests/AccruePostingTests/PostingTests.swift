import AccrueCore
import AccrueModel
import Foundation
import Testing
import AccrueTestSupport

@testable import AccruePosting

/// Posting to the general ledger (grammar.md §12, issue 22): literals checked against the chart by `check --data`,
/// computed values by `plan` before anything posts, entries balanced by construction, the exports and the trial
/// balance of the example data.
@Suite("Posting to the general ledger")
struct PostingTests {
  static let asOf = ["--as-of", "2026-11-01"]

  @Test("check --data: a literal account that is not in the chart is E0911 at its file:line:col, with a did-you-mean")
  func badAccountLiteral() throws {
    let rules = try PostingSupport.rules(replacing: "cash applied debit \"1010\" credit \"1200\"", with: "cash applied debit \"1001\" credit \"1200\"")
    let (s, out, _) = PostingSupport.run(["check", "--data", PostingSupport.data, rules])
    #expect(s == 1)
    #expect(out.contains("posting.accrue:24:22: error[E0911]: account '1001' is not in the chart of accounts"), "\(out)")
    #expect(out.contains("did you mean '1010' (Operating bank USD)?"), "\(out)")
    // Without --data the same rules are clean: the chart is data.
    #expect(PostingSupport.run(["check", rules]).status == 0)
  }

  @Test(
    "check --data: inactive accounts, unknown and inactive dimension values, missing required dimensions",
    arguments: [
      ("tax debit \"1200\" credit \"2200\"", "tax debit \"1200\" credit \"2290\"", "E0912", "account 2290 (Sales tax payable (before 2026)) is inactive"),
      ("with department \"SELFSERVE\"", "with department \"SELFSERV\"", "E0913", "did you mean 'SELFSERVE'?"),
      ("with department \"SELFSERVE\"", "with department \"MARKETING\"", "E0913", "the department 'MARKETING' is inactive"),
      ("posting entity \"NWEU\"", "posting entity \"NWDE\"", "E0913", "'NWDE' is not a value of the dimension 'entity'"),
      ("then \"NWEU\" else", "then \"NWEU\" else", "", ""),
    ])
  func chartDiagnostics(_ old: String, _ new: String, _ code: String, _ message: String) throws {
    let rules = try PostingSupport.rules(replacing: old, with: new)
    let (s, out, _) = PostingSupport.run(["check", "--data", PostingSupport.data, rules])
    if code.isEmpty {
      #expect(s == 0, "\(out)")
      return
    }
    #expect(s == 1)
    #expect(out.contains("error[\(code)]") && out.contains(message), "\(out)")
  }

  @Test("check --data: an account requiring a dimension no posting rule gives is E0914")
  func missingDimension() throws {
    let data = try PostingSupport.data(chartReplacing: "4500,Late fee and interest income,revenue,entity,", with: "4500,Late fee and interest income,revenue,entity;project,")
    // The chart names a dimension without a file: a data error.
    let (s1, _, err1) = PostingSupport.run(["check", "--data", data, PostingSupport.rules])
    #expect(s1 == 1 && err1.contains("D0901") && err1.contains("requires the dimension 'project'"), "\(err1)")
    let data2 = try PostingSupport.data(chartReplacing: "4500,Late fee and interest income,revenue,entity,", with: "4500,Late fee and interest income,revenue,entity;department,")
    let (s2, out2, _) = PostingSupport.run(["check", "--data", data2, PostingSupport.rules])
    #expect(s2 == 0, "department is given by the block for all entities' rows? \(out2)")
  }

  @Test("plan: a computed dimension value the data folder does not allow stops the run before anything posts")
  func computedDimension() throws {
    let rules = try PostingSupport.rules(replacing: "dimension segment customer.segment", with: "dimension segment upper(customer.segment)")
    #expect(PostingSupport.run(["check", "--strict", "--data", PostingSupport.data, rules]).status == 0, "a computed value is not check's to judge")
    let (s, out, err) = PostingSupport.run(["plan", "--rules", rules, "--data", PostingSupport.data, "--journal"] + Self.asOf)
    #expect(s == 1)
    #expect(out.isEmpty, "nothing is shown when an entry cannot be posted")
    #expect(err.contains("posting.accrue:17:21: error: 'SMB' is not a value of the dimension 'segment' (dimensions/segment.csv); did you mean 'smb'?"), "\(err)")
    #expect(err.components(separatedBy: "'SMB' is not a value").count == 2, "reported once, on the first event it fails: \(err)")
    #expect(err.contains("nothing posts"))
  }

  @Test("plan: a computed account that is not in the chart is a located error naming the event")
  func computedAccount() throws {
    let rules = try PostingSupport.rules(
      replacing: "fee debit \"1200\" credit \"4500\"", with: "fee debit \"1200\" credit if customer.segment = \"mid-market\" then \"4501\" else \"4500\"")
    let (s, _, err) = PostingSupport.run(["plan", "--rules", rules, "--data", PostingSupport.data, "--journal"] + Self.asOf)
    #expect(s == 1)
    #expect(err.contains("posting.accrue:23:27: error: account '4501' is not in the chart of accounts; did you mean '4500'"), "\(err)")
    #expect(err.contains("debit-note:INV-2026-0042/standard/second_reminder#1/debit-note"), "\(err)")
  }

  @Test("every entry of the example data balances per entry and currency, and names its event and rules")
  func everyEntryBalances() throws {
    let (s, out, err) = PostingSupport.run(["plan", "--rules", PostingSupport.rules, "--data", PostingSupport.data, "--journal", "--format", "json"] + Self.asOf)
    #expect(s == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let entries = try #require(json["journal_entries"] as? [[String: Any]])
    #expect(entries.count == 87)  // 59 events and 28 periods of revenue recognized through the date
    var events: Set<String> = []
    for e in entries {
      let lines = try #require(e["lines"] as? [[String: Any]])
      var debit = Fixed.zero
      var credit = Fixed.zero
      for l in lines {
        debit = debit.adding(Fixed("\(l["debit"]!)")!)!
        credit = credit.adding(Fixed("\(l["credit"]!)")!)!
        #expect((l["rule"] as? String)?.hasPrefix(PostingSupport.rules + "/posting.accrue:") == true)
      }
      #expect(debit == credit && !debit.isZero, "\(e["id"]!)")
      events.insert(e["event"] as! String)
    }
    #expect(events.count == entries.count, "one entry per event")
    #expect(events.contains("payment:pay-2026-1002") && events.contains("invoice:ctr-001/2026-11-01"))
  }

  @Test("an entry only ever gains a debit and a credit of one amount: random postings always balance", arguments: [1, 2, 3] as [UInt64])
  func balancedByConstruction(_ seed: UInt64) {
    var rng = SplitMix(seed)
    var entry = JournalEntry(event: "test", document: nil, date: CivilDate.parse("2026-11-01")!, entity: "", currency: .USD, customer: nil)
    let accounts = ["1010", "1200", "4000", "4900"]
    let ref = RuleRef(file: "t.accrue", line: 1)
    for _ in 0..<200 {
      let cents = Int(rng.next() % 2_000_001) - 1_000_000
      let amount = Fixed(cents).divided(by: Fixed(100)) ?? .zero
      let d = GLLine(account: accounts[Int(rng.next() % 4)], dimensions: [], memo: "", rule: ref)
      let c = GLLine(account: accounts[Int(rng.next() % 4)], dimensions: [], memo: "", rule: ref)
      entry.post(amount, debit: d, credit: c)
      let t = entry.totals
      #expect(t.debit == t.credit)
    }
    #expect(entry.lines.allSatisfy { !$0.amount.isNegative })
  }

  @Test("resolution: a charge's row beats its plan's, the plan's the entity's, the entity's the block for all")
  func resolution() throws {
    let (s, out, err) = PostingSupport.run(["plan", "--rules", PostingSupport.rules, "--data", PostingSupport.data, "--journal"] + Self.asOf)
    #expect(s == 0, "\(err)")
    // team charge api: credit 4010 (charge), department SALES (all); starter: department SELFSERVE (plan).
    #expect(out.contains("Cr 4010 Usage revenue") && out.contains("department=SELFSERVE"))
    // NWEU: tax credits 2210 (entity), cash debits 1020 (entity) and credits 1200 (all).
    #expect(out.contains("Cr 2210 VAT payable") && out.contains("Dr 1020 Operating bank EUR"))
    // A payment of unknown payer posts with the customer fields' defaults: no segment.
    #expect(out.contains("Dr 1010 Operating bank USD         150.00                entity=NWUS  "))
  }

  @Test("the example data's journal (text, CSV, hledger, Beancount) and trial balance, golden")
  func golden() {
    let base = ["--rules", PostingSupport.rules, "--data", PostingSupport.data] + Self.asOf
    func clean(_ s: String) -> String { s.replacingOccurrences(of: PostingSupport.root.path + "/", with: "") }
    for (name, args) in [
      ("journal.txt", ["plan", "--journal"] + base), ("journal_entries.csv", ["report", "journal", "--format", "csv"] + base),
      ("books.journal", ["report", "journal", "--format", "hledger"] + base), ("books.beancount", ["report", "journal", "--format", "beancount"] + base),
      ("trial_balance.txt", ["report", "trial-balance"] + base), ("trial_balance.json", ["report", "trial-balance", "--format", "json"] + base),
    ] {
      let (s, out, err) = PostingSupport.run(args)
      #expect(s == 0, "\(name): \(err)")
      PostingSupport.assertGolden(clean(out), name)
    }
    // plan's CSV table is the same journal CSV.
    #expect(PostingSupport.run(["plan", "--table", "journal_entries"] + base).out == PostingSupport.run(["report", "journal", "--format", "csv"] + base).out)
    #expect(PostingSupport.run(["plan", "--table", "journal_entries", "--only", "invoices"] + base).status == 64)
  }

  @Test("the trial balance: debits equal credits in every entity, period and currency; --period keeps one")
  func trialBalance() throws {
    let base = ["--rules", PostingSupport.rules, "--data", PostingSupport.data] + Self.asOf
    let (s, out, _) = PostingSupport.run(["report", "trial-balance", "--period", "2026-10"] + base)
    #expect(s == 0)
    #expect(out.contains("Trial balance: entity NWUS, 2026-10, USD") && !out.contains("2026-11"))
    #expect(out.contains("1010 Operating bank USD             1,025.90            0.00        1,025.90"), "\(out)")
    for line in out.split(separator: "\n") where line.hasPrefix("  total") {
      #expect(line.hasSuffix(" 0.00"), "\(line)")
    }
    let (s2, _, err2) = PostingSupport.run(["report", "trial-balance", "--format", "hledger"] + base)
    #expect(s2 == 64 && err2.contains("text or json"))
  }

  @Test("the journal and the trial balance do not depend on the order of the data's rows (seeded shuffles)", arguments: [7, 8] as [UInt64])
  func rowOrder(_ seed: UInt64) throws {
    let dir = TemporaryPaths.url("accrue-posting-shuffled").path
    try PostingSupport.shuffledCopy(PostingSupport.data, to: dir, seed: seed)
    for report in [["journal", "--format", "csv"], ["trial-balance"]] {
      let a = PostingSupport.run(["report"] + report + ["--rules", PostingSupport.rules, "--data", PostingSupport.data] + Self.asOf)
      let b = PostingSupport.run(["report"] + report + ["--rules", PostingSupport.rules, "--data", dir] + Self.asOf)
      #expect(a.status == 0 && b.status == 0, "\(b.err)")
      #expect(a.out == b.out, "\(report[0]) differs with the rows shuffled (seed \(seed))")
    }
  }

  @Test("plan --journal without a chart in the data folder, or rules without posting blocks, says so")
  func needsChartAndRules() throws {
    let dir = try PostingSupport.data(chartReplacing: "account,", with: "account,")
    try FileManager.default.removeItem(atPath: dir + "/chart_of_accounts.csv")
    let (s, _, err) = PostingSupport.run(["plan", "--rules", PostingSupport.rules, "--data", dir, "--journal"] + Self.asOf)
    #expect(s == 1 && err.contains("has no chart_of_accounts.csv"), "\(err)")
  }
}

/// SplitMix64: a seeded generator.
struct SplitMix {
  var state: UInt64
  init(_ seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
