import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// Payments read the fast way (`PlainCSV`) against the general reader's rows: records over several lines and ids
/// the general path refuses.
@Suite("Load payments")
struct LoadPaymentsTests {
  static let rules = """
    currency USD
    month end clamp
    plan p {
      period monthly
      charge base { flat 31.00 USD }
    }
    """

  static let header = "id,booking_date,value_date,amount,currency,reference,remittance,payer_name,payer_account\n"

  /// What a load gave of the payments: each one's fields and place, then the payments file's issues.
  static func facts(_ rows: String) throws -> [String] {
    let plan = try Run.plan(Self.rules)
    let files = ["customers.csv": "id,name\nc1,One\n", "contracts.csv": "id,customer,plan,start_date\nk1,c1,p,2026-01-01\n",
                 "payments.csv": Self.header + rows]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: plan)
    return data.cash.payments.map { p in
      let t = p.transaction
      return "\(p.id) \(t.bookingDate) \(t.amount) \(t.currency.code) [\(t.reference)] [\(t.remittance)] [\(t.counterpartyName)] [\(t.counterpartyAccount)] \(t.source)"
    } + issues.filter { $0.file.hasSuffix("payments.csv") }.map { "\($0.code) \($0.line):\($0.column) \($0.message) [\($0.record)]" }
  }

  @Test("an id starting with credit: is refused on a plain line as on a quoted one")
  func creditIDs() throws {
    let facts = try Self.facts(
      "credit:p1,2026-10-26,2026-10-26,120.00,USD,,x,Payer,\n\"credit:p2\",2026-10-26,2026-10-26,1.00,USD,,x,Payer,\n"
        + "p3,2026-10-26,2026-10-26,2.00,USD,,x,Payer,\n")
    #expect(facts.filter { $0.hasPrefix("D0304") }.count == 2, "\(facts)")
    #expect(facts.filter { $0.hasPrefix("p3 ") }.count == 1)
    #expect(!facts.contains { $0.hasPrefix("credit:") })
  }

  @Test("a remittance over several lines gives the payment and issues the general reader gives, and the lines after keep their numbers")
  func remittanceOverSeveralLines() throws {
    for end in ["\n", "\r\n"] {
      let rows = [
        "p1,2026-10-08,2026-10-08,114.18,EUR,,\"INV-2026-\(end)140512 / PO 45\",River Marine GmbH,DE72",
        "p2,2026-10-24,2026-10-24,4030.68,USD,,Facture 2026-10,Unknown sender,",
        "p3,2026-10-24,2026-10-24,1.234,USD,,\"bad\(end)amount\",X,", "p1,2026-10-25,2026-10-25,1.00,USD,,\"dup\(end)id\",X,",
        "p4,2026-10-26,2026-10-26,5.00,USD,\"R\"\"1\",\"a,\(end)b\(end)c\",\"Y, Z\",",
      ]
      let facts = try Self.facts(rows.joined(separator: end) + end)
      #expect(facts.count == 5, "\(facts)")
      #expect(facts[0].hasPrefix("p1 2026-10-08 114.18 EUR [] [INV-2026-\(end)140512 / PO 45] [River Marine GmbH] [DE72]") && facts[0].hasSuffix(":2"))
      #expect(facts[1].hasPrefix("p2 ") && facts[1].hasSuffix(":4"))
      #expect(facts[2].hasPrefix("p4 2026-10-26 5 USD [R\"1] [a,\(end)b\(end)c] [Y, Z] []") && facts[2].hasSuffix(":9"), "\(facts[2])")
      // The reader's issue (three decimals), then the duplicate, each at its record's first line.
      #expect(facts[3].hasPrefix("D0208 5:"), "\(facts[3])")
      #expect(facts[4].hasPrefix("D0304 7:1 duplicate payment id 'p1'"), "\(facts[4])")
    }
  }
}
