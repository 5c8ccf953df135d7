import AccrueData
import AccrueModel
import Foundation
import Testing

/// Customers are read by the plain-line fast path (`PlainCSV`): every line it does not take (a duplicate id, a bad
/// value, a line that is not plain) goes to the general reader alone. A file holding a quote goes to the general
/// reader whole, so the same rows with one field quoted are the definition the fast path must give back.
@Suite("Customers load")
struct CustomersLoadTests {
  static let rules = """
    currency USD
    month end clamp
    field customer.strategic: bool = false
    plan p {
      period monthly
      charge base { flat 31.00 USD }
    }
    """

  /// Rows of every kind the fast path hands on, between plain ones.
  static let rows = [
    "cust-1,Acme,enterprise,US,USD,a@acme.example,,ann,,false,true",
    "cust-2,Bolt,self-serve,DE,EUR,,,,,,",
    "cust-1,Acme again,enterprise,US,USD,,,,,,",
    "cust-3,Crane,,FR,XXX,,,,,,",
    "cust-4,Dune,,,,,,,,,maybe",
    ",No id,,,,,,,,,",
    "cust-5,Ém & Co,smb,ES,EUR,,,,,,1",
    "cust-6,Short,row",
    "cust-7,Fen,smb,US,usd,,,,,,no",
    "cust-8,Gale,smb,US,USD,,,,,yes,",
    "cust-2,Bolt twice,self-serve,DE,EUR,,,,,,",
    "cust-9,Hale,smb,US,USD,,,,,,",
  ]
  static let header = "id,name,segment,country,currency,email,billing_email,account_owner,phone,credit_hold,strategic"

  static func load(_ text: String) throws -> (Dataset, [DataIssue]) {
    let p = try Run.plan(rules)
    return Dataset.load(folder: try Run.folder(["customers.csv": text]), plan: p)
  }

  static func facts(_ d: Dataset) -> [String] {
    d.customers.map { "\($0.id) \($0.name) \($0.record) \($0.source.line)" } + d.customers.map { "\(d.customerIndex[$0.id] ?? -1)" }
  }

  static func issues(_ list: [DataIssue]) -> [String] {
    list.map { "\($0.code) \($0.line):\($0.column) \($0.message) [\($0.record)]" }
  }

  @Test("plain lines read fast give the general reader's customers and issues", arguments: ["\n", "\r\n"])
  func sameAsGeneralReader(end: String) throws {
    let plain = ([Self.header] + Self.rows).joined(separator: end) + end
    // The last row's name quoted: the same value, and the whole file read by the general reader.
    var quotedRows = Self.rows
    quotedRows[quotedRows.count - 1] = "cust-9,\"Hale\",smb,US,USD,,,,,,"
    let quoted = ([Self.header] + quotedRows).joined(separator: end) + end
    let (fast, fastIssues) = try Self.load(plain)
    let (general, generalIssues) = try Self.load(quoted)
    #expect(fast.customers.count >= 5)
    #expect(!fastIssues.isEmpty)
    #expect(Self.facts(fast) == Self.facts(general))
    #expect(Self.issues(fastIssues) == Self.issues(generalIssues))
    #expect(fastIssues.contains { $0.code == "D0304" && $0.message.contains("cust-1") })
  }
}
