import AccrueCore
import AccrueModel
import Testing

@testable import AccrueBilling

/// The invoices' output order (`Billing.outputOrder`, ASCII ids compared by their bytes) is the order its
/// definition gives: sorted by (issue date, customer id, contract id, index) as `String` and tuples compare.
@Suite("Invoices' output order")
struct OutputOrderTests {
  @Test("the same order as the tuple definition, with ASCII, non-ASCII and canonically equal ids mixed")
  func asDefinition() {
    let ids = ["cust-1", "cust-10", "cust-2", "Cust-1", "", "cust-1 ", "é", "e\u{301}", "z", "ä-1", "a\u{308}-1", "cust-000001", "~"]
    var g: UInt64 = 7
    func next(_ n: Int) -> Int {
      g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((g >> 33) % UInt64(n))
    }
    for round in 0..<20 {
      let invoices = (0..<(50 + round * 10)).map { k -> PlannedInvoice in
        let day = CivilDate(dayNumber: Int32(20_000 + next(3)))
        return PlannedInvoice(
          key: "k\(k)", contractID: ids[next(ids.count)], customerID: ids[next(ids.count)], customerName: "n", plan: "p", currency: .USD,
          issueDate: day, periodStart: day, periodEnd: day, lines: [], subtotal: .zero, taxes: [], total: .zero, dueDate: day,
          terms: .dueOnReceipt, installments: [], sources: [])
      }
      let expected = invoices.indices.sorted {
        (invoices[$0].issueDate, invoices[$0].customerID, invoices[$0].contractID, $0)
          < (invoices[$1].issueDate, invoices[$1].customerID, invoices[$1].contractID, $1)
      }
      #expect(Billing.outputOrder(invoices) == expected, "round \(round)")
    }
  }

  @Test("a permutation applied in place is `order.map { a[$0] }`")
  func permuteAsMap() {
    var g: UInt64 = 11
    for n in [0, 1, 2, 3, 7, 64, 500] {
      var order = Array(0..<n)
      for i in order.indices.reversed() {
        g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        order.swapAt(i, Int((g >> 33) % UInt64(i + 1)))
      }
      let a = (0..<n).map { "item \($0)" }
      var b = a
      Billing.permute(&b, order)
      #expect(b == order.map { a[$0] }, "\(n)")
    }
  }
}
