import AccrueCLI
@testable import AccrueLedger
import AccrueCore
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// One invoice per customer (grammar.md §6.5) through `apply`: numbered once, recorded once with its lines (each
/// naming its contract), dunned as one invoice, and a cancellation on it refused with what to do instead.
@Suite("invoice per customer through apply")
struct ConsolidatedInvoiceTests {
  static let rules = """
    currency EUR
    invoice per customer
    number invoices "CI-{year}-{seq:4}" per year
    number credit notes "CC-{year}-{seq:4}" per year

    plan pro "Pro" {
      period monthly
      align to calendar
      bill in advance
      payment terms net 14 days
      tax "VAT" 21% exclusive
      cancellation immediately with prorated credit
      charge seats "Seats" {
        per unit 40.00 EUR
        quantity contract.seats
      }
    }

    plan support "Support" {
      period monthly
      align to calendar
      bill in advance
      payment terms net 14 days
      tax "VAT" 21% exclusive
      cancellation at end of period
      charge base "Support" { flat 100.00 EUR }
    }

    cadence standard {
      step first 1 day after due {
        send email "overdue"
      }
    }

    """

  static func folder(_ name: String) throws -> String {
    let base = TemporaryPaths.make(name)
    try FileManager.default.createDirectory(atPath: base + "/data", withIntermediateDirectories: true)
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name,email\nharbor,Harbor Analytics BV,ap@harbor.example\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try contracts("").write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    return base
  }

  static func contracts(_ cancelled: String) -> String {
    "id,customer,plan,start_date,seats,cancelled_on\nP-1,harbor,pro,2026-03-01,10,\(cancelled)\nS-1,harbor,support,2026-03-01,,\n"
  }

  static func run(_ base: String, _ args: [String]) -> (Int32, String, String) {
    CLITests.run(args + ["--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state"])
  }

  @Test("two contracts' lines on one invoice: one number, recorded once, dunned once")
  func appliedOnce() throws {
    let base = try Self.folder("consolidated-apply")
    let (s, out, e) = Self.run(base, ["apply", "--as-of", "2026-03-01", "--since", "2026-02-28", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    // 10 x 40.00 + 100.00 = 500.00; VAT 21% on each contract: 84.00 + 21.00 = 105.00; 605.00.
    #expect(out.contains("1 invoice"), "\(out)")
    let ledger = try LedgerStore.read(stateDir: base + "/state")
    let docs = ledger.receivables.filter { $0.kind == .invoice }
    let inv = try #require(docs.first)
    #expect(docs.count == 1 && inv.key == "harbor/2026-03-01" && inv.number == "CI-2026-0001")
    #expect(inv.total == Fixed("605")! && inv.contract == "P-1")
    let csv = try String(contentsOfFile: base + "/out/run-0001-2026-03-01/invoices.csv", encoding: .utf8)
    #expect(csv.contains("P-1: Seats: 10 x 40.00 EUR") && csv.contains("S-1: Support"), "\(csv)")
    let (s2, again, _) = Self.run(base, ["apply", "--as-of", "2026-03-01", "--since", "2026-02-28", "--out", base + "/out"])
    #expect(s2 == 0 && again.contains("Nothing new"))
    // Due 2026-03-15; a day later one reminder covers the one invoice.
    let (s3, dun, e3) = Self.run(base, ["plan", "--as-of", "2026-03-16", "--since", "2026-03-15", "--only", "reminders"])
    try #require(s3 == 0, "\(e3)")
    #expect(dun.contains("+ reminder CI-2026-0001/standard/first") && dun.contains("Plan: 1 reminder"), "\(dun)")
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  @Test("a cancellation whose days were billed on an invoice of several contracts is refused, saying what to do")
  func cancellationRefused() throws {
    let base = try Self.folder("consolidated-cancel")
    let (s, _, e) = Self.run(base, ["apply", "--as-of", "2026-03-01", "--since", "2026-02-28", "--out", base + "/out"])
    try #require(s == 0, "\(e)")
    try Self.contracts("2026-03-11").write(toFile: base + "/data/contracts.csv", atomically: true, encoding: .utf8)
    let (s2, _, e2) = Self.run(base, ["plan", "--as-of", "2026-03-12", "--since", "2026-03-11"])
    #expect(s2 == 1)
    #expect(e2.contains("contract P-1 is cancelled and CI-2026-0001, an invoice of several contracts") && e2.contains("accrue credit-note CI-2026-0001"), "\(e2)")
    #expect(e2.contains("rules.accrue:12"))
  }
}
