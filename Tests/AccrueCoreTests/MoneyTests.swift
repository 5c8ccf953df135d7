import AccrueCore
import AccrueModel
import Testing

@Suite("Currency")
struct CurrencyTests {
  @Test(
    "ISO 4217 minor units",
    arguments: [
      ("USD", 2), ("EUR", 2), ("GBP", 2), ("JPY", 0), ("CHF", 2), ("CAD", 2), ("AUD", 2), ("SEK", 2), ("NOK", 2),
      ("DKK", 2), ("PLN", 2), ("CZK", 2), ("HUF", 2), ("BHD", 3), ("KWD", 3), ("OMR", 3), ("JOD", 3), ("TND", 3),
      ("LYD", 3), ("IQD", 3), ("CLF", 4), ("CLP", 0), ("ISK", 0), ("KRW", 0), ("VND", 0), ("UYW", 4), ("XOF", 0),
      ("XAF", 0), ("XPF", 0), ("UGX", 0), ("PYG", 0), ("CNY", 2), ("INR", 2), ("BRL", 2), ("MXN", 2), ("ZAR", 2),
    ])
  func minorUnits(code: String, units: Int) throws {
    let currency = try #require(Currency.lookup(code))
    #expect(currency.minorUnits == units)
    #expect(currency.code == code)
    #expect(currency.description == code)
    let viaBytes = Array(code.utf8).withUnsafeBufferPointer { Currency.lookup(bytes: $0) }
    #expect(viaBytes == currency)
  }

  @Test("unknown or malformed codes", arguments: ["usd", "Usd", "US", "USDD", "", "XXX", "XAU", "ZZZ", "U$D", "AAA"])
  func rejects(code: String) {
    #expect(Currency.lookup(code) == nil)
  }

  @Test(
    "the currencies a mistyped code may have meant: neighbours swapped, one letter off or one too many, at most three",
    arguments: [
      ("EUX", ["EUR"]), ("eux", ["EUR"]), ("UER", ["EUR", "YER"]), ("JYP", ["JPY", "SYP"]), ("GPB", ["GBP"]),
      ("USS", ["USD", "USN", "UZS"]), ("CHG", ["CHE", "CHF", "CHW"]), ("RUE", ["RUB"]),
      ("EURO", ["EUR"]), ("Euro", ["EUR"]), ("USDD", ["USD"]), ("GBPX", ["GBP"]),
      ("EUR", []), ("eur", []), ("QQQ", []), ("XYZ", []), ("EU", []), ("EUROS", []), ("QQQQ", []), ("", []),
    ] as [(String, [String])])
  func near(text: String, expected: [String]) {
    #expect(Currency.near(text).map(\.code) == expected)
  }

  @Test("the list is sorted, unique, complete and consistent")
  func list() {
    let all = Currency.all
    // 164 currencies in ISO list one (2026-01-01) once the non-currency X-codes are left out.
    #expect(all.count >= 160)
    // Recently withdrawn codes still resolve (historical invoices) but are never offered as suggestions.
    for recent in ["HRK", "BGN", "ANG", "SLL", "ZWL", "CUC"] {
      #expect(Currency.lookup(recent)?.minorUnits == 2, "\(recent)")
      #expect(!all.contains { $0.code == recent }, "\(recent)")
    }
    for old in ["VEF", "MRO", "STD", "DEM", "FRF"] {
      #expect(Currency.lookup(old) == nil, "\(old)")
    }
    for (a, b) in zip(all, all.dropFirst()) { #expect(a < b, "\(a) \(b)") }
    for c in all {
      #expect(Currency.lookup(c.code) == c)
      #expect((0...4).contains(c.minorUnits))
      #expect(c.code.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A } && c.code.utf8.count == 3)
    }
    #expect(Currency.USD == Currency.lookup("USD"))
    #expect(Currency.EUR == Currency.lookup("EUR"))
    #expect(Currency.GBP == Currency.lookup("GBP"))
    #expect(Currency.JPY == Currency.lookup("JPY"))
  }
}

@Suite("Money")
struct MoneyTests {
  @Test(
    "description and grouping",
    arguments: [
      ("12.5", "USD", false, "12.50 USD"),
      ("12.345", "USD", false, "12.345 USD"),  // more precise than cents: all digits
      ("1234567.8", "USD", true, "1,234,567.80 USD"),
      ("1234.5", "USD", false, "1234.50 USD"),
      ("1000", "JPY", true, "1,000 JPY"),
      ("1.5", "BHD", false, "1.500 BHD"),
      ("-0.5", "EUR", false, "-0.50 EUR"),
      ("0", "CLF", false, "0.0000 CLF"),
    ])
  func describe(amount: String, code: String, grouping: Bool, expected: String) throws {
    let money = Money(amount: fx(amount), currency: try #require(Currency.lookup(code)))
    #expect(money.formatted(grouping: grouping) == expected)
    if !grouping { #expect(money.description == expected) }
  }

  @Test("rounding to the currency's minor units")
  func rounding() {
    // 1234.5 JPY is a tie between 1234 and 1235: half even keeps 1234.
    #expect(Money(amount: fx("1234.5"), currency: .JPY).rounded(.halfEven)?.amount == fx("1234"))
    #expect(Money(amount: fx("12.345"), currency: .USD).rounded(.halfUp)?.amount == fx("12.35"))
    let bhd = Currency.lookup("BHD") ?? .USD
    #expect(Money(amount: fx("1.2345"), currency: bhd).rounded(.halfEven)?.amount == fx("1.234"))
    #expect(Money(minorUnits: 1234, currency: .USD).amount == fx("12.34"))
    #expect(Money(minorUnits: 1234, currency: bhd).amount == fx("1.234"))
    #expect(Money(amount: fx("0.125"), currency: .EUR).minorUnits(.halfEven) == 12)
  }
}

@Suite("Allocation")
struct AllocationTests {
  /// (total, ratios, expected parts).
  static let splitCases: [(Int64, [Int64], [Int64])] = [
    // 10000 / 3 = 3333 r 1 each; one leftover cent goes to the lowest index.
    (10_000, [1, 1, 1], [3334, 3333, 3333]),
    // 100 * 1/3 = 33 r 1, 100 * 2/3 = 66 r 2; the leftover goes to the larger remainder.
    (100, [1, 2], [33, 67]),
    (-10_000, [1, 1, 1], [-3334, -3333, -3333]),
    (1, [1, 1, 1], [1, 0, 0]),
    (2, [1, 1, 1], [1, 1, 0]),
    (5, [0, 1], [0, 5]),
    (0, [3, 7], [0, 0]),
    // 10 * 1/6 = 1 r 4, 10 * 2/6 = 3 r 2, 10 * 3/6 = 5 r 0: leftover 1 goes to index 0.
    (10, [1, 2, 3], [2, 3, 5]),
    (7, [5], [7]),
  ]

  @Test("largest remainder splits", arguments: splitCases)
  func splits(total: Int64, ratios: [Int64], expected: [Int64]) {
    #expect(allocate(total, ratios: ratios) == expected)
  }

  @Test("invalid ratios", arguments: [[Int64](), [0, 0], [1, -1], [-1]])
  func invalid(ratios: [Int64]) {
    #expect(allocate(100, ratios: ratios) == nil)
  }

  @Test("extreme totals still sum exactly")
  func extremes() throws {
    let big = try #require(allocate(.max, ratios: [1, 1]))
    #expect(big == [4_611_686_018_427_387_904, 4_611_686_018_427_387_903])
    let small = try #require(allocate(.min, ratios: [1, 1, 1, .max]))
    #expect(small.reduce(Int128(0)) { $0 + Int128($1) } == Int128(Int64.min))
    let wide = try #require(allocate(1_000, ratios: [.max, .max, .max]))
    #expect(wide == [334, 333, 333])
  }

  @Test("1,000 random allocations sum to the total and stay within one unit of the exact share")
  func property() throws {
    var rng = LCG(seed: 20_261_122)
    for _ in 0..<1000 {
      let total: Int64
      switch rng.int(0...9) {
      case 0: total = Int64(bitPattern: rng.next())
      default: total = Int64(rng.int(-1_000_000_000_000...1_000_000_000_000))
      }
      let count = rng.int(1...12)
      var ratios = (0..<count).map { _ in Int64(rng.int(0...1000)) }
      if ratios.allSatisfy({ $0 == 0 }) { ratios[0] = 1 }
      let parts = try #require(allocate(total, ratios: ratios))
      #expect(parts.count == ratios.count)
      #expect(parts.reduce(Int128(0)) { $0 + Int128($1) } == Int128(total))
      let sum = ratios.reduce(Int128(0)) { $0 + Int128($1) }
      for (part, ratio) in zip(parts, ratios) {
        // |part * R - total * r| < R: each part is the floor or ceiling of its exact share.
        let error = Int128(part) * sum - Int128(total) * Int128(ratio)
        #expect(error.magnitude < sum.magnitude)
        if ratio == 0 { #expect(part == 0) }
      }
    }
  }
}
