import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueLedger
import AccrueModel
import AccrueRun
import Foundation
import Testing

/// The contracts check: a CSV file is checked on another thread while the customers are read, its customers
/// found after; anything wrong sends it through the check again with the customers known. Either way the
/// contracts and the issues must be those of checking each row in file order.
@Suite("Contracts check")
struct ContractsTests {
  static let rules = """
    currency USD
    month end clamp
    field contract.launch_promo: bool = false
    field contract.region: text
    plan p {
      period monthly
      align to calendar
      charge base { flat 31.00 USD }
    }
    plan e {
      currency EUR
      period monthly
      charge base { flat 10.00 EUR }
    }
    """
  static let customers = "id,name\ncust-1,Acme\ncust-2,Bolt\ncust-3,Crane\n"

  static func load(_ contracts: (name: String, text: String)) throws -> (Dataset, [DataIssue]) {
    let p = try Run.plan(rules)
    return Dataset.load(folder: try Run.folder(["customers.csv": customers, contracts.name: contracts.text]), plan: p)
  }

  /// What a contract is, without where it was read from.
  static func facts(_ c: ContractData) -> String {
    "\(c.id) \(c.customer) \(c.plan) \(c.start) \(c.end.map(\.description) ?? "-") \(c.anchor) \(c.quantity) \(c.seats) \(c.record) \(c.source.line)"
  }

  @Test func aCleanFileReadsAsTheGeneralReaderReadsIt() throws {
    let csv = """
      id,customer,plan,start_date,end_date,quantity,seats,currency,billing_anchor,launch_promo,region
      k1,cust-2,p,2026-01-31,,,3,USD,,true,north
      k2,cust-1,e,2025-02-28,2026-02-28,1.5,,,2025-03-01,,
      k3,cust-3,p,2024-02-29,,,,,,no,süd
      k4,cust-1,p,2026-06-01,2026-06-01,2,10,USD,,1,

      """
    let json = """
      [{"id":"k1","customer":"cust-2","plan":"p","start_date":"2026-01-31","seats":3,"currency":"USD","launch_promo":true,"region":"north"},
      {"id":"k2","customer":"cust-1","plan":"e","start_date":"2025-02-28","end_date":"2026-02-28","quantity":1.5,"billing_anchor":"2025-03-01"},
      {"id":"k3","customer":"cust-3","plan":"p","start_date":"2024-02-29","launch_promo":"no","region":"süd"},
      {"id":"k4","customer":"cust-1","plan":"p","start_date":"2026-06-01","end_date":"2026-06-01","quantity":2,"seats":10,"currency":"USD","launch_promo":"1"}]
      """
    let (fromCSV, csvIssues) = try Self.load(("contracts.csv", csv))
    let (fromJSON, jsonIssues) = try Self.load(("contracts.json", json))
    #expect(csvIssues.isEmpty, "\(csvIssues)")
    #expect(jsonIssues.isEmpty, "\(jsonIssues)")
    #expect(fromCSV.contracts.map(\.id) == ["k1", "k2", "k3", "k4"])
    // (JSON lines differ: one object per line from line 1, CSV rows from line 2.)
    #expect(fromCSV.contracts.map { Self.facts($0) } == fromJSON.contracts.map { c in
      var c = c
      c.source.line += 1
      return Self.facts(c)
    })
    #expect(fromCSV.contractIndex["k3"] == 2 && fromCSV.contracts[2].customer == 2)
  }

  @Test func issuesComeInFileOrderTheReadersFirst() throws {
    let csv = """
      id,customer,plan,start_date,end_date,currency
      k1,cust-1,p,2026-01-01,,
      k1,cust-2,p,2026-01-01,,
      k2,cust-9,p,2026-01-01,,
      k3,cust-1,pp,2026-01-01,,
      k4,cust-1,p,2026-02-30,,
      k5,cust-1,p,2026-03-01,2026-02-01,
      k6,cust-1,p,2026-03-01,,EUR
      k7,cust-2,e,2026-03-01,,EUR
      k2,cust-9,q,2026-01-01,,

      """
    let (data, issues) = try Self.load(("contracts.csv", csv))
    #expect(issues.map { "\($0.code) \($0.line):\($0.column)" } == [
      "D0204 6:13", "D0304 3:1", "D0301 4:4", "D0303 5:11", "D0305 7:24", "D0306 8:25", "D0301 10:4",
    ])
    #expect(data.contracts.map(\.id) == ["k1", "k7"])
    #expect(data.contracts.map(\.customer) == [0, 1])
  }

  @Test("an unknown customer alone (found only after the early check)", arguments: [2, 3, 40])
  func unknownCustomerOnly(at line: Int) throws {
    var csv = "id,customer,plan,start_date\n"
    for k in 2...40 { csv += "k\(k),\(k == line ? "nobody" : "cust-\(k % 3 + 1)"),p,2026-01-01\n" }
    let (data, issues) = try Self.load(("contracts.csv", csv))
    #expect(issues.map { "\($0.code) \($0.line):\($0.column) \($0.message)" } == ["D0301 \(line):\(line < 10 ? 4 : 5) unknown customer 'nobody'"])
    #expect(data.contracts.count == 38)
    #expect(data.contracts.allSatisfy { $0.customer >= 0 && $0.customer < 3 })
    #expect(data.contracts.map(\.id) == (2...40).filter { $0 != line }.map { "k\($0)" })
  }
}
