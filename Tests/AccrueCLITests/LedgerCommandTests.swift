import AccrueCLI
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// `accrue ledger export` and `accrue ledger show` through the command line, on the ledger that two real
/// `accrue apply` runs of the bundled rules and example data write (2026-11-01, then 2026-12-01).
@Suite("ledger export and show")
struct LedgerCommandTests {
  static let rules = PlanCommandTests.rules
  static let data = PlanCommandTests.data
  static let tables = [
    "invoices", "invoice_lines", "invoice_taxes", "credit_notes", "payments", "applications", "payment_returns", "processor_payouts",
    "payment_revisions", "fees", "reminders", "decisions", "collection_holds", "journal_lines", "runs",
  ]

  /// A state folder after the two applies (made once; no test writes to it).
  static let state: String = {
    let base = TemporaryPaths.make("accrue-ledger")
    for day in ["2026-11-01", "2026-12-01"] {
      let (s, _, err) = CLITests.run(["apply", "--rules", rules, "--data", data, "--as-of", day, "--state", base + "/state", "--out", base + "/out"])
      precondition(s == 0, err)
    }
    return base + "/state"
  }()

  /// Every file of a folder with its size, modification time and bytes.
  static func snapshot(_ dir: String) throws -> [String: String] {
    var out: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
      let path = dir + "/" + name
      let a = try FileManager.default.attributesOfItem(atPath: path)
      let bytes = FileManager.default.contents(atPath: path) ?? Data()
      out[name] = "\(a[.size] ?? 0) \(a[.modificationDate] ?? 0) " + bytes.base64EncodedString()
    }
    return out
  }

  static func files(_ dir: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) { out[name] = FileManager.default.contents(atPath: dir + "/" + name) }
    return out
  }

  @Test("export writes one file per table and a manifest; two exports are byte-identical; the state folder is untouched")
  func export() throws {
    let before = try Self.snapshot(Self.state)
    let out = TemporaryPaths.make("accrue-ledger-export")
    let (s, stdout, err) = CLITests.run(["ledger", "export", "--state", Self.state, "--out", out + "/a"])
    #expect(s == 0, "\(err)")
    #expect(stdout.contains("invoices.csv: 110 rows") && stdout.contains("manifest.json"))
    let a = try Self.files(out + "/a")
    #expect(Set(a.keys) == Set(Self.tables.map { $0 + ".csv" } + ["manifest.json"]))
    let manifest = try #require(try JSONSerialization.jsonObject(with: a["manifest.json"]!) as? [String: Any])
    #expect(manifest["export_version"] as? Int == 1 && manifest["ledger_schema_version"] as? Int == 13)
    #expect(manifest["last_run"] as? Int == 2 && manifest["as_of"] as? String == "2026-12-01")
    for f in manifest["files"] as? [[String: Any]] ?? [] {
      let name = f["file"] as? String ?? ""
      let lines = String(decoding: a[name] ?? Data(), as: UTF8.self).components(separatedBy: "\r\n").dropLast()
      #expect(lines.count == (f["rows"] as? Int ?? -1) + 1, "\(name): the manifest counts its rows")
    }
    let invoices = String(decoding: a["invoices.csv"]!, as: UTF8.self)
    #expect(invoices.hasPrefix("key,number,kind,customer,contract,plan,currency,issue_date,due_date,period_start,period_end,subtotal,tax,total,terms,run,as_of\r\n"))
    #expect(invoices.contains("ctr-001/2026-11-01,NW-2026-00043,invoice,cust-001,ctr-001,") && invoices.contains(",30000.00,0.00,30000.00,net 30 days,1,2026-11-01\r\n"))
    // Again, to another folder and over the first: the same bytes.
    #expect(CLITests.run(["ledger", "export", "--state", Self.state, "--out", out + "/b"]).0 == 0)
    #expect(try Self.files(out + "/b") == a)
    #expect(CLITests.run(["ledger", "export", "--state", Self.state, "--out", out + "/a"]).0 == 0)
    #expect(try Self.files(out + "/a") == a)
    #expect(try Self.snapshot(Self.state) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["a", "b"], "no temporary folder is left")
  }

  @Test("JSON Lines: one object per row with its schema's keys in column order, amounts as exact decimal strings")
  func jsonLines() throws {
    let out = TemporaryPaths.make("accrue-ledger-export")
    let (s, _, err) = CLITests.run(["ledger", "export", "--state", Self.state, "--out", out, "--format", "jsonl"])
    #expect(s == 0, "\(err)")
    for t in Self.tables {
      let schemaURL = CLITests.repoRoot.appendingPathComponent("docs/schema/ledger-export/\(t).schema.json")
      let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
      let required = schema["required"] as? [String] ?? []
      let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
      let text = try String(contentsOfFile: out + "/\(t).jsonl", encoding: .utf8)
      for line in text.split(separator: "\n") {
        let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(row.keys) == Set(required), "\(t): \(line)")
        // Keys in column order: each key appears after the one before it.
        let positions = required.compactMap { line.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions == positions.sorted() && positions.count == required.count, "\(t): \(line)")
        for (key, value) in row where (properties[key]?["pattern"] as? String)?.contains("\\.") == true && !(value is NSNull) {
          #expect((value as? String)?.range(of: "^-?[0-9]+(\\.[0-9]+)?$", options: .regularExpression) != nil, "\(t).\(key): \(line)")
        }
      }
    }
    let payments = try String(contentsOfFile: out + "/payments.jsonl", encoding: .utf8)
    #expect(payments.hasPrefix(#"{"payment":"pay-2026-1001","kind":"payment","date":"2026-10-26","customer":"cust-022","status":"applied","rule":"invoice_number","currency":"USD","amount":"120.00","credit":"0.00","written_off":"0.00","unapplied":"0.00","run":1}"#))
  }

  @Test("show: cust-001's statement, its running balance worked by hand (270.00 + 30,000.00 + 270.56)")
  func showText() throws {
    let before = try Self.snapshot(Self.state)
    let (s, out, err) = CLITests.run(["ledger", "show", "cust-001", "--state", Self.state])
    #expect(s == 0, "\(err)")
    let lines = out.components(separatedBy: "\n")
    #expect(lines[0] == "Statement of account: customer cust-001")
    #expect(lines.contains("Entries:   all recorded"))
    let rows = lines.filter { $0.hasPrefix("2026-") }
    #expect(rows.count == 3)
    #expect(rows[0].hasPrefix("2026-10-16  NW-2026-00023  Invoice, due 2026-11-15 (net 30 days)") && rows[0].hasSuffix("   270.00             270.00"))
    #expect(rows[1].hasPrefix("2026-11-01  NW-2026-00043") && rows[1].hasSuffix("30,000.00          30,270.00"))
    #expect(rows[2].hasPrefix("2026-11-16  NW-2026-00073") && rows[2].hasSuffix("270.56          30,540.56"))
    #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Balance due") && $0.hasSuffix("30,540.56") })
    #expect(lines.contains("USD          30,540.56               0.00    30,540.56"))
    #expect(try Self.snapshot(Self.state) == before)
  }

  @Test("show --as-of --format json: what is dated after the date is left out; keys in a fixed order")
  func showJSON() throws {
    let (s, out, err) = CLITests.run(["ledger", "show", "cust-001", "--state", Self.state, "--as-of", "2026-11-01", "--format", "json"])
    #expect(s == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let usd = try #require((json["currencies"] as? [[String: Any]])?.first)
    #expect((usd["entries"] as? [[String: Any]])?.compactMap { $0["balance"] as? String } == ["270.00", "30270.00"])
    #expect(usd["balance_due"] as? String == "30270.00" && usd["open_balance"] as? String == "30270.00" && usd["credit_on_account"] as? String == "0.00")
    let keys = ["\"customer\"", "\"as_of\"", "\"last_run\"", "\"last_run_as_of\"", "\"currencies\"", "\"currency\"", "\"entries\"", "\"date\"", "\"kind\""]
    let positions = keys.compactMap { out.range(of: $0)?.lowerBound }
    #expect(positions.count == keys.count && positions == positions.sorted())
    let entry = [
      #""date": "2026-10-16","#, #""kind": "invoice","#, #""reference": "NW-2026-00023","#, #""document": "NW-2026-00023","#, #""due_date": "2026-11-15","#,
      #""description": "Invoice, due 2026-11-15 (net 30 days)","#, #""effect": "debit","#, #""amount": "270.00","#, #""balance": "270.00""#,
    ].joined(separator: "\n" + String(repeating: " ", count: 10))
    #expect(out.contains(entry))
  }

  @Test("show: cust-022 by hand: a memo for cash on an invoice Accrue did not issue; a late fee charged, then billed on a debit note")
  func memoAndFee() throws {
    let (s, out, _) = CLITests.run(["ledger", "show", "cust-022", "--state", Self.state])
    #expect(s == 0)
    let rows = out.components(separatedBy: "\n").filter { $0.hasPrefix("2026-") }
    // 120.00; pay-2026-1001 paid INV-2026-0051 (invoices.csv): memo; + 120.00 = 240.00; the late fee + 26.80 = 266.80;
    // its debit note + 26.80 = 293.60, and the fee moves onto it - 26.80 = 266.80.
    let expected: [(String, String, String)] = [
      ("2026-10-25", "NW-2026-00033", "120.00"), ("2026-10-26", "pay-2026-1001", ""), ("2026-11-25", "NW-2026-00082", "240.00"),
      ("2026-12-01", "NW-2026-00033/self_serve/overdue_2#1", "266.80"), ("2026-12-01", "NWD-2026-00007", "293.60"),
      ("2026-12-01", "NW-2026-00033/self_serve/overdue_2#1", "266.80"),
    ]
    #expect(rows.count == expected.count)
    for (row, (day, reference, balance)) in zip(rows, expected) {
      let cells = row.split(separator: " ", omittingEmptySubsequences: true)
      #expect(cells.first.map(String.init) == day && cells.dropFirst().first.map(String.init) == reference, "\(row)")
      #expect(balance.isEmpty ? row.hasSuffix("(memo: 120.00)") : cells.last.map(String.init) == balance, "\(row)")
    }
    #expect(rows[1].contains("Payment applied to INV-2026-0051, not in this statement (memo: 120.00)"))
    #expect(rows[5].contains("Late fee on NW-2026-00033 billed on NWD-2026-00007"))
    #expect(out.contains("USD             266.80               0.00       266.80"))
    #expect(out.contains("Memo lines inform"))
  }

  @Test("show on the two-month story (examples/two-months): credit left on account, then used on an invoice outside the ledger")
  func twoMonths() throws {
    let base = TemporaryPaths.make("accrue-ledger-two-months")
    let rules = CLITests.repoRoot.appendingPathComponent("examples/two-months").path
    for day in ["2026-11-01", "2026-12-01"] {
      let (s, _, err) = CLITests.run(["apply", "--rules", rules, "--data", rules + "/data", "--as-of", day, "--state", base + "/state", "--out", base + "/out"])
      #expect(s == 0, "\(err)")
    }
    // Beta: ST-2026-0002 300.00, paid with 350.00 (50.00 on account), ST-2026-0005 300.00, 40.00 of the credit used on
    // OLD-2 (an opening balance, not in the ledger): 300.00, 0.00, -50.00, 250.00, 290.00; open 300.00, credit 10.00.
    let (s, out, _) = CLITests.run(["ledger", "show", "c2", "--state", base + "/state", "--format", "json"])
    #expect(s == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let usd = try #require((json["currencies"] as? [[String: Any]])?.first)
    let entries = usd["entries"] as? [[String: Any]] ?? []
    #expect(entries.compactMap { $0["balance"] as? String } == ["300.00", "0.00", "-50.00", "250.00", "290.00"])
    #expect(entries.compactMap { $0["kind"] as? String } == ["invoice", "payment", "credit_on_account", "invoice", "credit_taken"])
    #expect(usd["open_balance"] as? String == "300.00" && usd["credit_on_account"] as? String == "10.00" && usd["balance_due"] as? String == "290.00")
    // Gamma: late fee 20.00 on OLD-1 billed on SD-2026-0001, ST-2026-0003 100.00, late fee 20.00 on it billed on
    // SD-2026-0002, ST-2026-0006 100.00: 240.00 (aging adds OLD-1's 50.00, which the ledger did not issue).
    let (s3, out3, _) = CLITests.run(["ledger", "show", "c3", "--state", base + "/state"])
    #expect(s3 == 0 && out3.contains("USD             240.00               0.00       240.00"))
    let export = base + "/export"
    #expect(CLITests.run(["ledger", "export", "--state", base + "/state", "--out", export]).0 == 0)
    let payments = try String(contentsOfFile: export + "/payments.csv", encoding: .utf8)
    #expect(payments.contains("\r\ncredit:c2/USD/2026-12-01,credit_use,2026-12-01,c2,applied,account credit,USD,40.00,0.00,0.00,0.00,2\r\n"))
  }

  @Test("an unknown customer: exit 1 with the closest ids; a missing state folder or ledger: exit 1 and what to do")
  func errors() throws {
    var (s, _, err) = CLITests.run(["ledger", "show", "cust-01", "--state", Self.state])
    #expect(s == 1 && err.contains("customer 'cust-01' is not in the ledger") && err.contains("Did you mean 'cust-001', 'cust-010' or 'cust-011'?"))
    (s, _, err) = CLITests.run(["ledger", "show", "zzzzzzzzzzzz", "--state", Self.state])
    #expect(s == 1 && err.contains("give an id as the customers file writes it"))
    let base = TemporaryPaths.make("accrue-ledger-missing")
    (s, _, err) = CLITests.run(["ledger", "export", "--state", base, "--out", base + "-out"])
    #expect(s == 1 && err.contains("no state folder at \(base)"))
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    (s, _, err) = CLITests.run(["ledger", "show", "cust-001", "--state", base])
    #expect(s == 1 && err.contains("has no ledger (ledger.sqlite) yet"))
    try "".write(toFile: base + "/journal.log", atomically: true, encoding: .utf8)
    (s, _, err) = CLITests.run(["ledger", "show", "cust-001", "--state", base])
    #expect(s == 1 && err.contains("the next 'accrue apply --state \(base)' migrates it"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: base) == ["journal.log"])
    #expect(!FileManager.default.fileExists(atPath: base + "-out"))
  }

  @Test("a ledger an apply created but never committed to is no ledger yet; an apply running makes the commands wait their turn")
  func notYetAndBusy() throws {
    let base = TemporaryPaths.make("accrue-ledger-empty")
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    #expect(FileManager.default.createFile(atPath: base + "/ledger.sqlite", contents: Data()))
    var (s, _, err) = CLITests.run(["ledger", "show", "cust-001", "--state", base])
    #expect(s == 1 && err.contains("has no ledger (ledger.sqlite) yet"), "\(err)")
    // A copy of the ledger (the other tests read the shared one meanwhile).
    let busy = base + "/busy"
    try FileManager.default.createDirectory(atPath: busy, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Self.state + "/ledger.sqlite", toPath: busy + "/ledger.sqlite")
    #expect(CLITests.run(["ledger", "show", "cust-001", "--state", busy]).0 == 0)
    var lock: StateLock? = try StateLock.acquire(stateDir: busy)
    (s, _, err) = CLITests.run(["ledger", "export", "--state", busy, "--out", base + "/out"])
    #expect(s == 1 && err.contains("is recording a run in \(busy) right now; run this command again when it has finished"))
    #expect(lock != nil)
    lock = nil
    #expect(CLITests.run(["ledger", "show", "cust-001", "--state", busy]).0 == 0)
  }

  @Test("--out: a folder holding anything but an earlier export is refused and left as it was; never inside the state folder")
  func outFolder() throws {
    let out = TemporaryPaths.make("accrue-ledger-out")
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try "keep".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
    var (s, _, err) = CLITests.run(["ledger", "export", "--state", Self.state, "--out", out])
    #expect(s == 1 && err.contains("holds files that are not an export of the ledger"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["notes.txt"])
    let before = try Self.snapshot(Self.state)
    (s, _, err) = CLITests.run(["ledger", "export", "--state", Self.state, "--out", Self.state + "/export"])
    #expect(s == 1 && err.contains("inside the state folder"))
    #expect(try Self.snapshot(Self.state) == before)
  }

  @Test("usage errors exit 64; help describes both actions")
  func usage() throws {
    let state = Self.state
    let cases: [([String], String)] = [
      (["ledger"], "Missing expected argument '<action>'"),
      (["ledger", "list", "--state", state], "Unknown action 'list'"),
      (["ledger", "export", "--out", "/tmp/x"], "Missing value for '--state <dir>'"),
      (["ledger", "export", "--state", state], "Missing value for '--out <dir>'"),
      (["ledger", "export", "--state", state, "--out", "/tmp/x", "--format", "json"], "write csv or jsonl"),
      (["ledger", "export", "--state", state, "--out", "/tmp/x", "--as-of", "2026-11-01"], "'--as-of' is not an option of 'ledger export'"),
      (["ledger", "export", "cust-001", "--state", state, "--out", "/tmp/x"], "takes no customer"),
      (["ledger", "show", "--state", state], "Missing expected argument '<customer>'"),
      (["ledger", "show", "cust-001", "--state", state, "--format", "csv"], "write text or json"),
      (["ledger", "show", "cust-001", "--state", state, "--out", "/tmp/x"], "'--out' is not an option of 'ledger show'"),
      (["ledger", "show", "cust-001", "--state", state, "--as-of", "01/11/2026"], "write YYYY-MM-DD"),
      (["ledger", "show", "cust-001", "--state", state, "--format", "xml"], "Please provide one of"),
    ]
    for (args, message) in cases {
      let (s, out, err) = CLITests.run(args)
      #expect(s == 64 && out.isEmpty && err.contains(message), "\(args): \(err)")
    }
    let (s, help, _) = CLITests.run(["help", "ledger"])
    #expect(s == 0 && help.contains("accrue ledger export --state DIR --out DIR") && help.contains("accrue ledger show CUSTOMER --state DIR"))
    #expect(CLITests.run(["--help"]).1.contains("ledger"))
  }
}
