import AccrueCLI
@testable import AccrueLedger
import AccrueCore
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// Cancellation policies (grammar.md §6.6): a contract cancelled inside a period billed in advance is served to the
/// period's end, or stopped on the day with a prorated credit note recorded in the ledger exactly once, or stopped
/// without one; a cancelled contract whose plan states no policy is a located data error.
@Suite("cancellation policies and their credit notes")
struct CancellationTests {
  static let rules = """
    currency EUR
    number invoices "HA-{year}-{seq:4}" per year
    number credit notes "HC-{year}-{seq:4}" per year
    account credit applied oldest first

    plan pro "Pro" {
      period monthly
      align to calendar
      bill in advance
      payment terms net 30 days
      tax "VAT" 21% exclusive
      cancellation immediately with prorated credit
      charge seats "Seats" {
        per unit 40.00 EUR
        quantity contract.seats
      }
      discount "Partner discount" 10%
    }

    plan lite "Lite" {
      period monthly
      align to calendar
      bill in advance
      cancellation at end of period
      charge base "Base" { flat 31.00 EUR }
    }

    plan basic "Basic" {
      period monthly
      align to calendar
      bill in advance
      cancellation immediately without credit
      charge base "Base" { flat 31.00 EUR }
    }

    plan bare "Bare" {
      period monthly
      bill in advance
      month end clamp
      charge base "Base" { flat 10.00 EUR }
    }

    """

  /// Three contracts from 2026-01-01, applied through 2026-03-01 (three invoices each), then cancelled on
  /// 2026-03-11 (`cancelled` true) and the folder returned.
  static func folder(_ name: String, paid: Bool = false) throws -> String {
    let base = TemporaryPaths.make(name)
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name\nharbor,Harbor Analytics BV\nquay,Quay Logistics\npier,Pier Foods\n"
      .write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try contracts(cancelled: false).write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s, _, e) = run(base, ["apply", "--as-of", "2026-03-01", "--since", "2025-12-31", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    try contracts(cancelled: true).write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    return base
  }

  static func contracts(cancelled: Bool) -> String {
    let d = cancelled ? "2026-03-11" : ""
    return "id,customer,plan,start_date,seats,cancelled_on\nC-1,harbor,pro,2026-01-01,10,\(d)\nC-2,quay,lite,2026-01-01,,\(d)\nC-3,pier,basic,2026-01-01,,\(d)\n"
  }

  static func run(_ base: String, _ args: [String]) -> (Int32, String, String) {
    CLITests.run(args + ["--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"])
  }

  @Test("immediately with prorated credit: 21 of 31 days of March credited, discount and VAT as billed, recorded once and numbered")
  func proratedCreditNote() throws {
    let base = try Self.folder("cancel-prorated")
    let (s, out, e) = Self.run(base, ["apply", "--as-of", "2026-04-01", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    // 10 seats x 40.00 x 21/31 = 270.97; 10% = 27.10; VAT 21% of 243.87 = 51.21; 295.08 credited.
    #expect(out.contains("0 invoices; 1 credit note for cancellations, 295.08 EUR"))
    let ledger = try LedgerStore.read(stateDir: base + "/state")
    let note = try #require(ledger.creditNotes.first)
    #expect(ledger.creditNotes.count == 1 && note.number == "HC-2026-0001" && note.invoice == "HA-2026-0007")
    #expect(note.net == Fixed("243.87")! && note.tax == Fixed("51.21")! && note.total == Fixed("295.08")!)
    #expect(note.settled == note.total && note.credit == .zero && note.issueDate == CivilDate.parse("2026-03-11")!)
    #expect(note.rule.hasSuffix("rules.accrue:12"))
    // The invoices file of the run carries it as a credit_note document, amounts negative.
    let csv = try String(contentsOfFile: base + "/out/run-0002-2026-04-01/invoices.csv", encoding: .utf8)
    #expect(csv.contains("credit-note:HA-2026-0007:cancellation,HC-2026-0001,credit_note,harbor,C-1,pro,EUR,2026-03-11,2026-03-11,total,total,,,-295.08"))
    // Again: nothing new; the statement of account shows the credit note against the invoice.
    let (s2, again, _) = Self.run(base, ["apply", "--as-of", "2026-04-02", "--out", base + "/out"])
    #expect(s2 == 0 && again.contains("Nothing new"))
    let (_, statement, _) = CLITests.run(["ledger", "show", "harbor", "--state", base + "/state", "--as-of", "2026-04-02"])
    #expect(statement.contains("Credit note HC-2026-0001 on HA-2026-0007") && statement.contains("1,011.72"))
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  @Test("at end of period bills nothing after the period; without credit stops on the day and credits nothing")
  func otherPolicies() throws {
    let base = try Self.folder("cancel-others")
    let (s, out, e) = Self.run(base, ["plan", "--as-of", "2026-05-01", "--since", "2026-03-01", "--format", "json"])
    try #require(s == 0, "\(e)")
    #expect(!out.contains("\"contract\": \"C-2\"") && !out.contains("\"contract\": \"C-3\""))
    #expect(!out.contains("credit-note:HA-2026-0006") && !out.contains("credit-note:HA-2026-0004"))
  }

  @Test("a cancellation known before the period's invoice is issued bills the days served, with no credit note")
  func cancelledBeforeIssue() throws {
    let base = TemporaryPaths.make("cancel-before")
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try Self.rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name\nharbor,Harbor Analytics BV\nquay,Quay Logistics\npier,Pier Foods\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try Self.contracts(cancelled: true).write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s, out, e) = Self.run(base, ["plan", "--as-of", "2026-03-31", "--since", "2026-02-28", "--format", "csv"])
    try #require(s == 0, "\(e)")
    // March's invoices bill 10 days for the immediate policies (31.00 x 10/31 = 10.00) and all of March at end of period.
    #expect(out.contains("C-3,basic,EUR,2026-03-01") && out.contains(",10.00,2026-03-01,2026-03-10,"))
    #expect(out.contains(",31.00,2026-03-01,2026-03-31,"))
    #expect(!out.contains("credit_note"))
  }

  @Test("a cancelled contract whose plan states no policy is a located data error, D0315")
  func noPolicy() throws {
    let base = try Self.folder("cancel-nopolicy")
    try "id,customer,plan,start_date,seats,cancelled_on\nC-9,harbor,bare,2026-01-01,,2026-03-11\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s, _, e) = Self.run(base, ["plan", "--as-of", "2026-04-01"])
    #expect(s != 0)
    #expect(e.contains("contracts.csv:2:") && e.contains("error[D0315]") && e.contains("'cancellation immediately with prorated credit'"))
  }

  @Test("the credit note of a paid invoice goes on the customer's account, and account credit pays the oldest open invoice")
  func paidInvoiceCredit() throws {
    let base = try Self.folder("cancel-paid")
    // The March invoice paid in full before the cancellation is known, then a new contract bills in April.
    try "id,booking_date,amount,currency,remittance,payer_name\nP-1,2026-03-05,435.60,EUR,HA-2026-0007,Harbor\n"
      .write(toFile: base + "/data/payments.csv", atomically: true, encoding: .utf8)
    try (Self.contracts(cancelled: true) + "C-4,harbor,pro,2026-04-01,1,\n").write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let rules = Self.rules + """
      match by_number "Invoice number" {
        currency EUR
        reference pattern /HA-[0-9]{4}-[0-9]{4}/ in remittance
        candidates open invoices of any customer, same currency
        allocate exact single
        on overpayment beyond tolerance: credit on account
        confidence auto
      }

      """
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    var (s, _, e) = Self.run(base, ["apply", "--as-of", "2026-03-06", "--since", "2026-03-01", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    (s, _, e) = Self.run(base, ["apply", "--as-of", "2026-03-31", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    let note = try #require(try LedgerStore.read(stateDir: base + "/state").creditNotes.first)
    #expect(note.settled == .zero && note.credit == Fixed("295.08")!)
    (s, _, e) = Self.run(base, ["apply", "--as-of", "2026-04-01", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    // 'account credit applied oldest first': the 295.08 goes to January's invoice, still open.
    let journal = try LedgerStore.read(stateDir: base + "/state")
    let uses = journal.postedPayments.filter { $0.key.hasPrefix("payment:credit:harbor/EUR") }
    #expect(uses.flatMap(\.settlements).map { "\($0.invoice) \($0.settled)" } == ["HA-2026-0001 295.08"])
  }

  @Test("diff shows a credit note a change of policy removes, against an invoice of the invoices file")
  func diffShowsCreditNotes() throws {
    let base = TemporaryPaths.make("cancel-diff")
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: base + "/old", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: base + "/new", withIntermediateDirectories: true)
    try Self.rules.write(toFile: base + "/old/rules.accrue", atomically: true, encoding: .utf8)
    try Self.rules.replacingOccurrences(of: "cancellation immediately with prorated credit", with: "cancellation immediately without credit")
      .write(toFile: base + "/new/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name\nharbor,Harbor Analytics BV\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,seats,cancelled_on\nC-1,harbor,pro,2026-01-01,10,2026-03-11\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    try "id,customer,contract,issue_date,due_date,currency,amount\nC-1/2026-03-01,harbor,C-1,2026-03-01,2026-03-31,EUR,435.60\n"
      .write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    let (s, out, e) = CLITests.run(["diff", "--base", base + "/old", "--rules", base + "/new", "--data", base + "/data", "--as-of", "2026-03-31"])
    #expect(s == 2, "\(e)")
    #expect(out.contains("- credit note credit-note:C-1/2026-03-01:cancellation  harbor  credited 295.08 EUR"))
    #expect(out.contains("Diff: credit notes: 0 added, 1 removed, 0 changed"))
  }

  @Test("review: the credit note reverses the invoice as issued (its lines and tax), not the contract or the rules as they are now")
  func asIssued() throws {
    let base = try Self.folder("cancel-as-issued")
    // After March's invoice (10 seats, VAT 21%), the seats go to 30 and the VAT to 19% in the rules and data.
    try Self.contracts(cancelled: true).replacingOccurrences(of: "C-1,harbor,pro,2026-01-01,10,", with: "C-1,harbor,pro,2026-01-01,30,")
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    try Self.rules.replacingOccurrences(of: "tax \"VAT\" 21% exclusive", with: "tax \"VAT\" 19% exclusive")
      .write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    let (s, out, e) = Self.run(base, ["apply", "--as-of", "2026-04-01", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    #expect(out.contains("1 credit note for cancellations, 295.08 EUR"), "\(out)")
    let note = try #require(try LedgerStore.read(stateDir: base + "/state").creditNotes.first)
    #expect(note.net == Fixed("243.87")! && note.tax == Fixed("51.21")!)
  }

  @Test("review: invoices for periods wholly after service ended are credited in full, whatever the policy")
  func laterPeriods() throws {
    let base = try Self.folder("cancel-later")
    // Cancelled on 2026-02-15, after March's invoices went out: 'pro' gets back the 14 days of February and all of
    // March; 'lite' (served to the end of February) all of March; 'basic' (no credit for February) all of March.
    try "id,customer,plan,start_date,seats,cancelled_on\nC-1,harbor,pro,2026-01-01,10,2026-02-15\nC-2,quay,lite,2026-01-01,,2026-02-15\nC-3,pier,basic,2026-01-01,,2026-02-15\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s, out, e) = Self.run(base, ["plan", "--as-of", "2026-03-02", "--format", "json"])
    try #require(s == 0, "\(e)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let notes = try #require(json["credit_notes"] as? [[String: Any]])
    let totals = Dictionary(uniqueKeysWithValues: notes.map { ($0["invoice"] as? String ?? "", $0["total"] as? String ?? "") })
    // pro: February 400 x 14/28 = 200.00 less 10% = 180.00 + VAT 37.80 = 217.80; March all of it: 435.60.
    #expect(totals["HA-2026-0004"] == "217.80" && totals["HA-2026-0007"] == "435.60", "\(totals)")
    // lite and basic: March's 31.00 each, nothing of February.
    #expect(totals["HA-2026-0009"] == "31.00" && totals["HA-2026-0008"] == "31.00" && totals.count == 4, "\(totals)")
  }

  @Test("review: without match rules, 'account credit applied oldest first' still uses a credit note's leftover on open invoices")
  func creditWithoutMatchRules() throws {
    let base = TemporaryPaths.make("cancel-credit-use")
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try Self.rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name\nharbor,Harbor Analytics BV\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,seats,cancelled_on\nC-1,harbor,pro,2026-01-01,10,2026-03-11\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    // March's invoice paid; an older invoice of 100.00 open.
    try """
      id,customer,contract,issue_date,due_date,currency,amount,amount_paid,status
      C-1/2026-03-01,harbor,C-1,2026-03-01,2026-03-31,EUR,435.60,435.60,paid
      OLD-1,harbor,,2026-01-15,2026-02-15,EUR,100.00,0,open

      """.write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    var (s, out, e) = Self.run(base, ["apply", "--as-of", "2026-03-31", "--since", "2026-03-01", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    #expect(out.contains("1 credit note for cancellations, 295.08 EUR"), "\(out)")
    (s, out, e) = Self.run(base, ["apply", "--as-of", "2026-04-01", "--since", "2026-03-31", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    let uses = try LedgerStore.read(stateDir: base + "/state").postedPayments.filter { $0.key.hasPrefix("payment:credit:harbor/EUR") }
    #expect(uses.flatMap(\.settlements).map { "\($0.invoice) \($0.settled)" } == ["OLD-1 100"], "\(out)")
  }

  @Test("review: a cancellation withdrawn or moved after its credit note was recorded stops the run (D0317), located at the contract")
  func changedAfterCredit() throws {
    let base = try Self.folder("cancel-changed")
    try #require(Self.run(base, ["apply", "--as-of", "2026-04-01", "--out", base + "/out"]).0 == 0)
    for changed in ["", "2026-03-25"] {
      try Self.contracts(cancelled: true).replacingOccurrences(of: "C-1,harbor,pro,2026-01-01,10,2026-03-11", with: "C-1,harbor,pro,2026-01-01,10,\(changed)")
        .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
      let (s, _, e) = Self.run(base, ["plan", "--as-of", "2026-05-01"])
      #expect(s != 0 && e.contains("contracts.csv:2:1: error[D0317]: contract C-1's cancellation on 2026-03-11 was credited by HC-2026-0001 (run 2)"), "\(e)")
    }
  }

  @Test("review: a cancellation after the contract's last day of service is a located error (D0305); the day after it is fine")
  func cancelledAfterEnd() throws {
    let base = try Self.folder("cancel-after-end")
    try "id,customer,plan,start_date,end_date,seats,cancelled_on\nC-1,harbor,pro,2026-01-01,2026-03-31,10,2026-04-15\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s, _, e) = Self.run(base, ["plan", "--as-of", "2026-04-30"])
    #expect(s != 0 && e.contains("error[D0305]: the contract is cancelled on 2026-04-15, after it ends (2026-03-31)"), "\(e)")
    try "id,customer,plan,start_date,end_date,seats,cancelled_on\nC-1,harbor,pro,2026-01-01,2026-03-31,10,2026-04-01\n"
      .write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    #expect(Self.run(base, ["plan", "--as-of", "2026-04-30"]).0 == 0)
  }
}
