import AccrueCLI
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// Held until approved (issue 21, item 2): what approval rules route to people is not issued by `apply` (no number
/// drawn), `accrue approvals` lists it, `accrue approve`/`reject` decide it, and the next apply issues what was
/// approved, numbered then.
@Suite("approvals: held until approved")
struct ApprovalCommandTests {
  /// Invoices over 10,000.00 USD need the controller, then the CFO; a step escalates to the CFO after 2 business days.
  static let rules = """
    currency USD
    number invoices "INV-{year}-{seq:4}" per year

    plan team "Team" {
      period monthly
      align to calendar
      payment terms net 30 days
      charge seats "Seats" {
        per unit 100.00 USD
        quantity contract.seats
      }
    }

    role controller "Financial controller"
    role cfo "Chief financial officer"

    approval large_invoice "Invoices over 10,000" for invoices {
      when invoice.total > 10_000.00 USD
      approve by controller, then cfo
      escalate after 2 business days to cfo
    }

    """

  /// Customer a's contract ca (150 seats: 15,000.00 a month) needs approval; b's (10 seats) and c's (20) do not.
  static func folder(_ name: String, seats: Int = 150) throws -> String {
    let base = TemporaryPaths.make(name)
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name,email\na,Alpha Inc.,ap@alpha.example\nb,Beta Inc.,ap@beta.example\nc,Gamma Inc.,ap@gamma.example\n"
      .write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try contracts(seats).write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    return base
  }

  static func contracts(_ seats: Int) -> String {
    "id,customer,plan,start_date,end_date,seats\nca,a,team,2026-10-01,,\(seats)\ncb,b,team,2026-10-01,,10\ncc,c,team,2026-10-01,,20\n"
  }

  static func run(_ base: String, _ args: [String]) -> (Int32, String, String) {
    CLITests.run(args + ["--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"])
  }

  static func apply(_ base: String, _ date: String) -> (Int32, String, String) {
    run(base, ["apply", "--as-of", date, "--out", base + "/out"])
  }

  static func decide(
    _ base: String, _ verb: String = "approve", by: String, role: String, date: String, note: String? = nil, key: String = "ca/2026-11-01"
  ) -> (Int32, String, String) {
    run(base, [verb, key, "--by", by, "--role", role, "--as-of", date] + (note.map { ["--note", $0] } ?? []))
  }

  /// Document key -> number, as the ledger records them.
  static func numbers(_ base: String) throws -> [String: String] {
    let j = try LedgerStore.read(stateDir: base + "/state")
    return Dictionary(j.receivables.map { ($0.key, $0.number ?? "") }, uniquingKeysWith: { a, _ in a })
  }

  static func waiting(_ base: String, asOf: String? = nil) throws -> [[String: Any]] {
    let (s, out, err) = CLITests.run(["approvals", "--state", base + "/state", "--format", "json"] + (asOf.map { ["--as-of", $0] } ?? []))
    try #require(s == 0, "\(err)")
    return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
  }

  @Test("an invoice over the threshold: held and listed, approved in two steps by two people, issued by the next apply with the next number")
  func heldApprovedIssued() throws {
    let base = try Self.folder("approval-flow")
    let (_, plan, _) = Self.run(base, ["plan", "--as-of", "2026-11-01"])
    #expect(plan.contains("Waiting for approval: 1 document (not issued, not numbered)"), "\(plan)")
    #expect(plan.contains("? invoice ca/2026-11-01  customer a  15,000.00 USD: asked for approval now (approval:ca/2026-11-01)"))
    #expect(plan.contains("large_invoice (\(base)/rules.accrue:17): controller <- now, then cfo; escalates to cfo on 2026-11-03"), "\(plan)")
    let (_, json, _) = Self.run(base, ["plan", "--as-of", "2026-11-01", "--format", "json"])
    let planned = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let held = try #require(planned["waiting_for_approval"] as? [[String: Any]])
    #expect(held.map { $0["document"] as? String } == ["ca/2026-11-01"] && held.first?["status"] as? String == "asked")
    #expect((planned["invoices"] as? [[String: Any]])?.count == 2)
    let (s, out, err) = Self.apply(base, "2026-11-01")
    try #require(s == 0, "\(err)")
    #expect(out.contains("Applied as of 2026-11-01: 2 invoices, 3,000.00 USD"), "\(out)")
    // The other customers' invoices go out; the held one has no number and is no receivable.
    #expect(try Self.numbers(base) == ["cb/2026-11-01": "INV-2026-0001", "cc/2026-11-01": "INV-2026-0002"])
    // The request is work for the controller, in the run's outbox (once: the next runs do not ask again).
    let tasks = try OutboxTests.lines(base + "/out/run-0001-2026-11-01/outbox-task.jsonl").filter { $0["kind"] as? String == "approval" }
    #expect(tasks.map { "\($0["id"] ?? "") \($0["assigned_to"] ?? "") \($0["amount"] ?? "")" } == [
      "approval:ca/2026-11-01#large_invoice role controller 15000.00"
    ])
    let list = try Self.waiting(base)
    #expect(list.map { $0["document"] as? String } == ["ca/2026-11-01"])
    #expect(list.first?["role"] as? String == "controller" && list.first?["source"] as? String == base + "/rules.accrue:17")
    #expect(list.first?["escalates_on"] as? String == "2026-11-03" && list.first?["since"] as? String == "2026-11-01")
    #expect(list.first?["total"] as? Double == 15000)
    let (_, text, _) = CLITests.run(["approvals", "--state", base + "/state"])
    #expect(text.contains("accrue approve ca/2026-11-01 --by NAME --role controller"), "\(text)")
    let (s1, o1, e1) = Self.decide(base, by: "alice", role: "controller", date: "2026-11-02")
    try #require(s1 == 0, "\(e1)")
    #expect(o1.contains("approved as controller: large_invoice step 1 of 2; now waits for cfo (large_invoice)"), "\(o1)")
    // Still waiting: an apply in between issues nothing; its outbox asks the CFO for the second step, once.
    let (_, between, _) = Self.apply(base, "2026-11-02")
    #expect(between.hasPrefix("Applied as of 2026-11-02: 0 invoices"), "\(between)")
    let asked = try OutboxTests.lines(base + "/out/run-0003-2026-11-02/outbox-task.jsonl").map { "\($0["id"] ?? "") \($0["assigned_to"] ?? "")" }
    #expect(asked == ["approval:ca/2026-11-01#large_invoice#step-2 role cfo"])
    #expect(Self.apply(base, "2026-11-02").1.hasPrefix("Nothing new"))
    let (s2, o2, e2) = Self.decide(base, by: "bob", role: "cfo", date: "2026-11-03", note: "budgeted")
    try #require(s2 == 0, "\(e2)")
    #expect(o2.contains("every chain is approved: the next apply issues it"))
    #expect(try Self.waiting(base).isEmpty)
    let (s3, o3, e3) = Self.apply(base, "2026-11-03")
    try #require(s3 == 0, "\(e3)")
    #expect(o3.contains("Applied as of 2026-11-03: 1 invoice, 15,000.00 USD") && o3.contains("approved (approval:ca/2026-11-01): ca/2026-11-01 is issued"), "\(o3)")
    #expect(try Self.numbers(base)["ca/2026-11-01"] == "INV-2026-0003")
    #expect(Self.apply(base, "2026-11-03").1.hasPrefix("Nothing new"))
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
    let (_, audit, _) = CLITests.run(["audit", "--state", base + "/state", "--format", "json"])
    let trail = try #require(try JSONSerialization.jsonObject(with: Data(audit.utf8)) as? [[String: Any]])
    #expect(trail.map { "\($0["kind"] ?? "") \($0["by"] ?? "") \($0["subject"] ?? "")" } == ["approve alice ca/2026-11-01", "approve bob ca/2026-11-01"])
    #expect(trail.last?["asked_by"] as? String == "large_invoice (\(base)/rules.accrue:17)")
  }

  @Test("a rejected invoice is never issued and leaves no gap: the invoices after it are numbered consecutively")
  func rejectedNoGap() throws {
    let base = try Self.folder("approval-reject")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    #expect(Self.decide(base, "reject", by: "alice", role: "controller", date: "2026-11-02").0 == 64)
    let (s0, _, e0) = Self.decide(base, "reject", by: "alice", role: "controller", date: "2026-11-02", note: " ")
    #expect(s0 == 1 && e0.contains("a rejection says why"), "\(e0)")
    let (s, out, err) = Self.decide(base, "reject", by: "alice", role: "controller", date: "2026-11-02", note: "seat count disputed")
    try #require(s == 0, "\(err)")
    #expect(out.contains("rejected as controller: not issued with this content"), "\(out)")
    let (s1, _, e1) = Self.decide(base, by: "bob", role: "controller", date: "2026-11-02")
    #expect(s1 == 1 && e1.contains("was rejected by alice on 2026-11-02"), "\(e1)")
    let (_, plan, _) = Self.run(base, ["plan", "--as-of", "2026-11-02", "--since", "2026-10-31"])
    #expect(plan.contains("x invoice ca/2026-11-01  customer a  15,000.00 USD: rejected (approval:ca/2026-11-01)"), "\(plan)")
    let (s2, _, e2) = Self.apply(base, "2026-12-01")
    try #require(s2 == 0, "\(e2)")
    let n = try Self.numbers(base)
    #expect(n["ca/2026-11-01"] == nil)
    #expect(n["cb/2026-12-01"] == "INV-2026-0003" && n["cc/2026-12-01"] == "INV-2026-0004", "\(n)")
    // December's invoice of ca is a document of its own: a new request.
    #expect(try Self.waiting(base).map { $0["document"] as? String } == ["ca/2026-12-01"])
  }

  @Test("four eyes: the person who approved a step cannot approve the next one")
  func fourEyes() throws {
    let base = try Self.folder("approval-four-eyes")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-11-02").0 == 0)
    let (s, _, err) = Self.decide(base, by: "Alice", role: "cfo", date: "2026-11-05")
    #expect(s == 1 && err.contains("four eyes") && err.contains("nothing was recorded"), "\(err)")
    #expect(try LedgerStore.read(stateDir: base + "/state").runs.count == 2)
    // Unknown roles, documents and usage.
    #expect(Self.decide(base, by: "bob", role: "cf0", date: "2026-11-05").2.contains("the roles are controller, cfo"))
    #expect(Self.decide(base, by: "bob", role: "cfo", date: "2026-11-05", key: "cb/2026-11-01").2.contains("cb/2026-11-01 was issued"))
    #expect(Self.decide(base, by: "bob", role: "cfo", date: "2026-11-05", key: "zz").2.contains("no document 'zz' waits for approval"))
    #expect(Self.run(base, ["approve", "ca/2026-11-01", "--by", "bob", "--as-of", "2026-11-05"]).0 == 64)
    #expect(Self.decide(base, by: "bob", role: "cfo", date: "2026-10-30").2.contains("cannot be dated before it"))
  }

  @Test("a step escalates after 2 business days: the escalation role may decide it from then on, not before")
  func escalation() throws {
    let base = try Self.folder("approval-escalation")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    let (s, _, err) = Self.decide(base, by: "bob", role: "cfo", date: "2026-11-02")
    #expect(s == 1 && err.contains("it is not cfo's step on 2026-11-02: large_invoice") && err.contains("escalates to cfo on 2026-11-03"), "\(err)")
    #expect(try Self.waiting(base, asOf: "2026-11-02").first?["escalated"] as? Bool == false)
    #expect(try Self.waiting(base, asOf: "2026-11-03").first?["escalated"] as? Bool == true)
    let (s1, o1, e1) = Self.decide(base, by: "bob", role: "cfo", date: "2026-11-03")
    try #require(s1 == 0, "\(e1)")
    #expect(o1.contains("large_invoice step 1 of 2"))
    // The second step is requested on the 3rd: it escalates two business days later.
    #expect(try Self.waiting(base).first?["escalates_on"] as? String == "2026-11-05")
    try #require(Self.decide(base, by: "carol", role: "cfo", date: "2026-11-04").0 == 0)
    #expect(try Self.waiting(base).isEmpty)
  }

  @Test("the outbox asks each next step and escalation once: the apply after it fell due gives the role a task")
  func noticesInOutbox() throws {
    let base = try Self.folder("approval-notices")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    func tasks(_ run: String) throws -> [String] {
      let path = base + "/out/\(run)/outbox-task.jsonl"
      guard FileManager.default.fileExists(atPath: path) else { return [] }
      return try OutboxTests.lines(path).filter { ($0["kind"] as? String ?? "").hasPrefix("approval") }.map {
        "\($0["id"] as? String ?? "") \($0["assigned_to"] as? String ?? "")"
      }
    }
    // The 3rd: the controller's step escalates to the CFO; the apply of the 4th (the first since) says so, once.
    let (_, quiet, _) = Self.apply(base, "2026-11-02")
    #expect(quiet.contains("Nothing new"))
    try #require(Self.apply(base, "2026-11-04").0 == 0)
    #expect(try tasks("run-0002-2026-11-04") == ["approval:ca/2026-11-01#large_invoice#escalated-1 role cfo"])
    // The controller approves on the 4th: the CFO's step is asked by the next apply, once.
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-11-04").0 == 0)
    try #require(Self.apply(base, "2026-11-05").0 == 0)
    #expect(try tasks("run-0004-2026-11-05") == ["approval:ca/2026-11-01#large_invoice#step-2 role cfo"])
    let (_, again, _) = Self.apply(base, "2026-11-05")
    #expect(again.contains("Nothing new"))
  }

  @Test("an approved invoice whose content changed is not issued: its approval lapses and it is put up again")
  func changedAfterApproval() throws {
    let base = try Self.folder("approval-changed")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-11-02").0 == 0)
    try #require(Self.decide(base, by: "bob", role: "cfo", date: "2026-11-02").0 == 0)
    try Self.contracts(160).write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s, out, err) = Self.apply(base, "2026-11-03")
    try #require(s == 0, "\(err)")
    #expect(out.contains("asked again (approval:ca/2026-11-01@2): the document changed since approval:ca/2026-11-01, whose approval lapsed"), "\(out)")
    #expect(try Self.numbers(base)["ca/2026-11-01"] == nil)
    let list = try Self.waiting(base)
    #expect(list.map { $0["request"] as? String } == ["approval:ca/2026-11-01@2"] && list.first?["total"] as? Double == 16000)
    // The earlier request cannot be decided any more.
    #expect(Self.decide(base, by: "carol", role: "controller", date: "2026-11-03", key: "approval:ca/2026-11-01").2.contains("was replaced by approval:ca/2026-11-01@2"))
    #expect(Self.apply(base, "2026-11-03").1.hasPrefix("Nothing new"))
    #expect(try LedgerStore.read(stateDir: base + "/state").approvalRequests.count == 2)
  }

  @Test("an invoice approved after its billing window passed is computed again and issued")
  func approvedLater() throws {
    let base = try Self.folder("approval-later")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-12-05").0 == 0)
    try #require(Self.decide(base, by: "bob", role: "cfo", date: "2026-12-05").0 == 0)
    let (s, _, err) = Self.apply(base, "2026-12-05")
    try #require(s == 0, "\(err)")
    let n = try Self.numbers(base)
    // December's invoices: ca's of December waits (a request of its own); November's, approved, is issued.
    #expect(n["ca/2026-11-01"] == "INV-2026-0003" && n["cb/2026-12-01"] == "INV-2026-0004" && n["cc/2026-12-01"] == "INV-2026-0005", "\(n)")
    #expect(try Self.waiting(base).map { $0["document"] as? String } == ["ca/2026-12-01"])
  }

  @Test("apply twice for one date: the request is recorded once, nothing new the second time")
  func applyTwice() throws {
    let base = try Self.folder("approval-twice", seats: 150)
    try "id,name,email\na,Alpha Inc.,ap@alpha.example\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,end_date,seats\nca,a,team,2026-10-01,,150\n".write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    // A run whose only news is a request is recorded (its folder holds no document).
    let (s, out, err) = Self.apply(base, "2026-11-01")
    try #require(s == 0, "\(err)")
    #expect(out.contains("Applied as of 2026-11-01: 0 invoices") || out.contains("Applied as of 2026-11-01: no invoices"), "\(out)")
    let (s2, out2, _) = Self.apply(base, "2026-11-01")
    #expect(s2 == 0 && out2.hasPrefix("Nothing new") && out2.contains("waiting since 2026-11-01"), "\(out2)")
    let j = try LedgerStore.read(stateDir: base + "/state")
    #expect(j.runs.count == 1 && j.approvalRequests.map(\.key) == ["approval:ca/2026-11-01"])
  }

  @Test("a new customer's first invoice: the engine tells first invoices from the ledger, the invoices file and the run")
  func firstInvoice() throws {
    let base = try Self.folder("approval-first")
    let rules = Self.rules.replacingOccurrences(
      of: "approval large_invoice \"Invoices over 10,000\" for invoices {\n  when invoice.total > 10_000.00 USD\n  approve by controller, then cfo\n  escalate after 2 business days to cfo\n}",
      with: "approval new_customer \"First invoice of a new customer\" for invoices {\n  when customer.first_invoice\n  approve by controller\n}")
    try #require(rules.contains("new_customer"))
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    // b was invoiced before Accrue (the invoices file): its invoice is not its first.
    try "id,customer,contract,issue_date,due_date,currency,amount,status\nINV-OLD,b,,2026-10-01,2026-10-31,USD,1000.00,open\n"
      .write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    #expect(try Self.numbers(base) == ["cb/2026-11-01": "INV-2026-0001"])
    #expect(try Self.waiting(base).map { $0["document"] as? String } == ["ca/2026-11-01", "cc/2026-11-01"])
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-11-02", key: "cc/2026-11-01").0 == 0)
    // December: c's approved first invoice is issued (computed again), then every December invoice: none is a
    // first (a's first still waits: it does not block the others).
    try #require(Self.apply(base, "2026-12-01").0 == 0)
    let n = try Self.numbers(base)
    #expect(n["cc/2026-11-01"] == "INV-2026-0002" && n["ca/2026-12-01"] == "INV-2026-0003" && n["cb/2026-12-01"] == "INV-2026-0004", "\(n)")
    #expect(n["cc/2026-12-01"] == "INV-2026-0005" && n["ca/2026-11-01"] == nil, "\(n)")
    #expect(try Self.waiting(base).map { $0["document"] as? String } == ["ca/2026-11-01"])
  }

  @Test("a debit note held for approval: no number drawn, asked once although each run dates it anew, issued once approved")
  func debitNote() throws {
    let base = try Self.folder("approval-debit-note")
    let rules = Self.rules
      .replacingOccurrences(of: "number invoices \"INV-{year}-{seq:4}\" per year\n", with: "number invoices \"INV-{year}-{seq:4}\" per year\nnumber debit notes \"DN-{year}-{seq:4}\" per year\nfees billed as debit notes\n")
      .replacingOccurrences(of: "  payment terms net 30 days\n", with: "  payment terms net 30 days\n  late fee 20.00 USD\n")
      + """
      cadence standard "Standard" {
        currency USD
        step fee "Late fee" 14 days after due {
          send email "overdue-2"
          late fee
        }
      }

      approval fees "Every debit note" for debit notes {
        approve by controller
      }

      """
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,customer,contract,issue_date,due_date,currency,amount,status\nINV-OLD,b,cb,2026-09-01,2026-10-01,USD,1000.00,open\n"
      .write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    let (s, out, err) = Self.apply(base, "2026-11-01")
    try #require(s == 0, "\(err)")
    let held = try Self.waiting(base).filter { $0["kind"] as? String == "debit note" }
    let note = try #require(held.first?["document"] as? String, "\(out)")
    #expect(held.first?["customer"] as? String == "b" && held.first?["total"] as? Double == 20)
    #expect(try Self.numbers(base)[note] == nil)
    // The next run dates the debit note anew: the same content, asked once.
    let (_, again, _) = Self.apply(base, "2026-11-02")
    #expect(again.contains("waiting since 2026-11-01 (approval:\(note))"), "\(again)")
    #expect(try LedgerStore.read(stateDir: base + "/state").approvalRequests.filter { $0.document == note }.count == 1)
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-11-03", key: note).0 == 0)
    let (s2, o2, e2) = Self.apply(base, "2026-11-04")
    try #require(s2 == 0, "\(e2)")
    #expect(o2.contains("approved (approval:\(note)): \(note) is issued by this run"), "\(o2)")
    #expect(try Self.numbers(base)[note] == "DN-2026-0001")
    #expect(try LedgerStore.read(stateDir: base + "/state").fees.first?.billedOn == note)
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  @Test("review: aging as of a date before the approved invoice was issued does not count it as a receivable")
  func agingBeforeIssue() throws {
    let base = try Self.folder("approval-aging")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-11-02").0 == 0)
    try #require(Self.decide(base, by: "bob", role: "cfo", date: "2026-11-03").0 == 0)
    try #require(Self.apply(base, "2026-11-03").0 == 0)
    if !FileManager.default.fileExists(atPath: base + "/data/invoices.csv") {
      try "id,customer,contract,issue_date,due_date,currency,amount,status\n".write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    }
    func total(_ date: String) throws -> String {
      let (_, out, err) = CLITests.run(["report", "aging", "--data", base + "/data", "--as-of", date, "--state", base + "/state", "--format", "json"])
      let json = try #require(try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(err)")
      return "\((json["totals"] as? [[String: Any]])?.first?["total"] ?? "none")"
    }
    // Issued (dated 2026-11-01, as computed) by the run of 2026-11-03: a receivable from that run on.
    #expect(try total("2026-11-02") == "3000.00")
    #expect(try total("2026-11-03") == "18000.00")
  }

  @Test("review: the audit trail names the request each approval decided, so a lapsed one and the one in force differ")
  func auditNamesRequest() throws {
    let base = try Self.folder("approval-audit")
    try #require(Self.apply(base, "2026-11-01").0 == 0)
    try #require(Self.decide(base, by: "alice", role: "controller", date: "2026-11-02").0 == 0)
    let (_, text, _) = CLITests.run(["audit", "--state", base + "/state"])
    #expect(text.contains("    request: approval:ca/2026-11-01\n"), "\(text)")
    let (_, json, _) = CLITests.run(["audit", "--state", base + "/state", "--format", "json"])
    let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
    #expect(list.first?["request"] as? String == "approval:ca/2026-11-01")
  }
}
