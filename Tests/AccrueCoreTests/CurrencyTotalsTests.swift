import AccrueCore
import Testing

/// Summaries' totals per currency: exact, and never a partial sum when one cannot be represented.
@Suite("Totals per currency")
struct CurrencyTotalsTests {
  @Test("sums per currency in currency order; a sum past the largest value is marked, the others kept")
  func totals() throws {
    var t = CurrencyTotals()
    let big = try #require(Fixed("100000000000000000000.00"))
    t.add(try #require(Fixed("10.50")), .USD)
    t.add(big, .EUR)
    t.add(try #require(Fixed("-0.50")), .USD)
    t.add(big, .EUR)
    t.add(try #require(Fixed("1.00")), .EUR)  // once too large, always too large
    let order = t.inOrder
    #expect(order.map(\.currency) == [.EUR, .USD])
    #expect(order[0].sum == nil)
    #expect(order[1].sum == Fixed("10.00"))
    #expect(CurrencyTotals.tooLargeText.hasPrefix("more than 170141183460469231731.6873"))
  }
}
