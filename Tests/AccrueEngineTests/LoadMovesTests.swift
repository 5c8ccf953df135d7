import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation
import Testing

/// The thirty-third pass: the bulk moves (now specialized where they are called) and the payments read into a
/// `PaymentRows`, each against its plain definition.
@Suite("Load moves")
struct LoadMovesTests {
  /// A value holding strings and an array, long and short (what a move must hand over, not copy).
  struct Item: Equatable {
    var name: String
    var tags: [String]
    var n: Int
    static let placeholder = Item(name: "", tags: [], n: 0)
  }

  static func items(_ n: Int, _ seed: Int) -> [Item] {
    (0..<n).map { i in
      Item(name: i % 2 == 0 ? "a name longer than fifteen bytes \(seed)-\(i)" : "s\(i)", tags: i % 3 == 0 ? [] : ["t\(i)", "\(seed)"], n: i)
    }
  }

  @Test("reorder gives the elements at the order's indices; moveAppend gives both arrays one after the other")
  func moves() {
    var rng = SystemRandomNumberGenerator()
    for n in [0, 1, 2, 7, 100, 5000] {
      let original = Self.items(n, n)
      var moved = original
      let order = Array(0..<n).shuffled(using: &rng)
      moved.reorder(order, placeholder: .placeholder)
      #expect(moved == order.map { original[$0] })
      for (m, parallel) in [(0, false), (3, false), (5000, true), (9000, true)] {
        var a = original
        var b = Self.items(m, -m)
        let expected = original + b
        a.moveAppend(&b, placeholder: .placeholder, parallel: parallel)
        #expect(a == expected)
        #expect(b.isEmpty)
      }
    }
  }

  static let rules = """
    currency USD
    month end clamp
    field payment.channel: text = "bank"
    field payment.fee: money
    plan p {
      period monthly
      charge base { flat 31.00 USD }
    }
    """

  @Test("payments read into their rows give the payments, custom fields and issues of the general reader")
  func paymentRows() throws {
    let plan = try Run.plan(Self.rules)
    let header = "id,booking_date,value_date,amount,currency,reference,remittance,payer_name,payer_account,channel,fee\n"
    let rows = [
      "p3,2026-03-02,,10.00,USD,R1,Invoice INV-1,Acme,DE11,card,0.50",
      "p1,2026-03-01,2026-03-02,20.00,EUR,,,,,,",
      "p2,2026-03-01,,5.5,USD,,\"two\nlines\",Payer,,,",
      "p1,2026-03-04,,1.00,USD,,,,,,",
      "credit:x,2026-03-04,,1.00,USD,,,,,,",
      "p4,2026-03-05,,1.001,USD,,,,,,",
      "p5,2026-02-28,,7.00,JPY,,,,,,",
    ]
    let files = [
      "customers.csv": "id,name\nc1,One\n", "contracts.csv": "id,customer,plan,start_date\nk1,c1,p,2026-01-01\n",
      "payments.csv": header + rows.joined(separator: "\n") + "\n",
    ]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: plan)
    let got = data.cash.payments.map { p in
      let t = p.transaction
      return "\(p.id) \(t.bookingDate) \(t.valueDate.map(\.description) ?? "-") \(t.amount) \(t.currency.code) [\(t.reference)] "
        + "[\(t.remittance)] [\(t.counterpartyName)] [\(t.counterpartyAccount)] \(t.source.split(separator: "/").last ?? "") \(p.custom)"
    }
    // (A custom money field left empty, without a declared default, is zero in the payment's currency.)
    #expect(
      got == [
        "p5 2026-02-28 - 7 JPY [] [] [] [] payments.csv:9 [\"bank\", 0 JPY]",
        "p1 2026-03-01 2026-03-02 20 EUR [] [] [] [] payments.csv:3 [\"bank\", 0 EUR]",
        "p2 2026-03-01 - 5.5 USD [] [two\nlines] [Payer] [] payments.csv:4 [\"bank\", 0 USD]",
        "p3 2026-03-02 - 10 USD [R1] [Invoice INV-1] [Acme] [DE11] payments.csv:2 [\"card\", 0.5 USD]",
      ])
    #expect(
      issues.filter { $0.file.hasSuffix("payments.csv") }.map { "\($0.code) \($0.line):\($0.column)" } == [
        "D0208 8:16", "D0304 6:1", "D0304 7:1",
      ])
  }
}
