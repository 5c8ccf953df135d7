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
    let ascii = [
      "cust-1", "cust-10", "cust-2", "Cust-1", "", "cust-1 ", "z", "cust-000001", "~", "cust-1\u{0}", "cust-1\u{0}\u{0}",
      "customer-000000001", "customer-000000001-b", "customer-000000002", "customer-0000000", "customer-00000000",
      "customer-000000001\u{0}", "a-very-long-customer-identifier-1", "a-very-long-customer-identifier-10",
    ]
    let ids = ascii + ["é", "e\u{301}", "ä-1", "a\u{308}-1"]
    var g: UInt64 = 7
    func next(_ n: Int) -> Int {
      g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((g >> 33) % UInt64(n))
    }
    // Even rounds: ASCII ids alone (the integer keys' path, ids longer than 16 bytes and NUL bytes among them);
    // odd rounds: non-ASCII ids too (the definition's path).
    for round in 0..<20 {
      let pool = round % 2 == 0 ? ascii : ids
      let invoices = (0..<(50 + round * 10)).map { k -> PlannedInvoice in
        let day = CivilDate(dayNumber: Int32(20_000 + next(3)))
        return PlannedInvoice(
          key: "k\(k)", contractID: pool[next(pool.count)], customerID: pool[next(pool.count)], customerName: "n", plan: "p", currency: .USD,
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

  @Test("the same order for invoices mostly in order already (long runs), days interleaved, near and far apart")
  func runsInOrder() {
    var g: UInt64 = 5
    func next(_ n: Int) -> Int {
      g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((g >> 33) % UInt64(n))
    }
    for round in 0..<12 {
      let n = [0, 1, 2, 40, 300][round % 5]
      let spread = round < 6 ? 4 : 1_000_000  // days near each other (counting sort), or far apart (index order)
      let invoices = (0..<n).map { k -> PlannedInvoice in
        // Contracts in id order, a customer per three; now and then one out of place; each on one of a few days.
        let c = next(10) == 0 ? next(n + 1) : k
        let day = CivilDate(dayNumber: Int32(20_000 + next(3) * spread))
        return PlannedInvoice(
          key: "k\(k)", contractID: "ctr-" + String(100_000 + c), customerID: "cust-" + String(100_000 + c / 3), customerName: "n",
          plan: "p", currency: .USD, issueDate: day, periodStart: day, periodEnd: day, lines: [], subtotal: .zero, taxes: [],
          total: .zero, dueDate: day, terms: .dueOnReceipt, installments: [], sources: [])
      }
      let expected = invoices.indices.sorted {
        (invoices[$0].issueDate, invoices[$0].customerID, invoices[$0].contractID, $0)
          < (invoices[$1].issueDate, invoices[$1].customerID, invoices[$1].contractID, $1)
      }
      #expect(Billing.outputOrder(invoices) == expected, "round \(round)")
      let byDay = invoices.withUnsafeBufferPointer { Billing.byDay($0) }
      #expect(byDay == invoices.indices.sorted { (invoices[$0].issueDate, $0) < (invoices[$1].issueDate, $1) } || spread > 4)
      #expect(byDay.sorted() == Array(invoices.indices))
    }
  }

  @Test("a permutation applied by moves is `order.map { a[$0] }`; parts joined by moves are their concatenation")
  func permuteAsMap() {
    var g: UInt64 = 11
    for n in [0, 1, 2, 3, 7, 64, 500] {
      var order = Array(0..<n)
      for i in order.indices.reversed() {
        g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        order.swapAt(i, Int((g >> 33) % UInt64(i + 1)))
      }
      let strings = (0..<n).map { "item \($0), long enough not to be a small string" }
      var s = strings
      Billing.permute(&s, order)
      #expect(s == order.map { strings[$0] }, "\(n)")
      let day = CivilDate(dayNumber: 20_000)
      let a = (0..<n).map { k in
        PlannedInvoice(
          key: "invoice number \(k) of a long enough key", contractID: "c\(k)", customerID: "u\(k)", customerName: "n", plan: "p",
          currency: .USD, issueDate: day, periodStart: day, periodEnd: day, lines: [], subtotal: .zero, taxes: [], total: .zero,
          dueDate: day, terms: .dueOnReceipt, installments: [], sources: [])
      }
      var b = a
      Billing.permute(&b, order)
      #expect(b.map(\.key) == order.map { a[$0].key }, "\(n)")
      var parts: [Billing.InvoicePart] = [(Array(b.prefix(n / 3)), [], 0, 0), ([], [], 0, 0), (Array(b.dropFirst(n / 3)), [], 0, 0)]
      let joined = Billing.joined(&parts)
      #expect(joined.map(\.key) == b.map(\.key), "\(n)")
      #expect(parts.allSatisfy { $0.invoices.allSatisfy { $0.key.isEmpty && $0.lines.isEmpty } }, "placeholders left")
    }
    let p = PlannedInvoice.placeholder
    #expect(p.key.isEmpty && p.customerID.isEmpty && p.lines.isEmpty && p.sources.isEmpty && p.taxes.isEmpty && p.installments.isEmpty)
  }
}
