import AccrueCore
import Testing

@Suite("Fixed parsing and formatting")
struct FixedParseTests {
  @Test(
    "valid text parses to its canonical form",
    arguments: [
      ("0", "0"),
      ("-0", "0"),
      ("+0.000", "0"),
      ("7", "7"),
      ("+1.50", "1.5"),
      ("12.50", "12.5"),
      ("0.002", "0.002"),
      ("-3", "-3"),
      ("-3.000", "-3"),
      ("007.100", "7.1"),
      ("1_000_000", "1000000"),
      ("1_000_000.25", "1000000.25"),
      ("0.000000000000000001", "0.000000000000000001"),
      ("123456789012345678.123456789012345678", "123456789012345678.123456789012345678"),
      // Int128.max / 10^18 and Int128.min / 10^18: the extremes of the type.
      ("170141183460469231731.687303715884105727", "170141183460469231731.687303715884105727"),
      ("-170141183460469231731.687303715884105728", "-170141183460469231731.687303715884105728"),
    ])
  func parsesCanonically(text: String, canonical: String) throws {
    let value = try #require(Fixed(text))
    #expect(value.description == canonical)
    #expect(Fixed(canonical) == value)
    let viaBytes = Fixed.parse(Array(text.utf8))
    #expect(viaBytes == value)
    let slice = Array(("xx" + text).utf8).dropFirst(2)
    #expect(Fixed.parse(slice) == value)
  }

  @Test(
    "invalid text is rejected",
    arguments: [
      "", "-", "+", "1__0", "_1", "1_", "1_.5", "1._5", "1.5_0", "1.", ".5", "--1", "+-1", "-+1", "1.2.3",
      "1e5", " 1", "1 ", "0x10", "1,000", "١",
      // 19 fractional digits (even when they are zeros).
      "1.0000000000000000000", "0.1234567890123456789",
      // Overflow: just above Int128.max / 10^18 and just below Int128.min / 10^18, and far beyond.
      "170141183460469231731.687303715884105728", "-170141183460469231731.687303715884105729",
      "170141183460469231732", "999999999999999999999999999999",
    ])
  func rejects(text: String) {
    #expect(Fixed(text) == nil)
  }

  @Test("long runs of leading zeros do not overflow")
  func leadingZeros() {
    #expect(Fixed(String(repeating: "0", count: 100) + "1.5") == fx("1.5"))
  }

  @Test(
    "significant fraction digits",
    arguments: [("12.50", 1), ("0.002", 3), ("7", 0), ("-7.25", 2), ("0", 0), ("0.000000000000000001", 18)])
  func significantDigits(text: String, digits: Int) {
    #expect(fx(text).significantFractionDigits == digits)
  }

  @Test(
    "formatted pads or truncates and groups",
    arguments: [
      ("1234567.8", 2, true, "1,234,567.80"),
      ("1234567.8", 2, false, "1234567.80"),
      ("123", 0, false, "123"),
      ("123456", 0, true, "123,456"),
      ("12345", 1, true, "12,345.0"),
      ("999", 0, true, "999"),
      ("-1234.5", 2, true, "-1,234.50"),
      ("1.23456", 2, false, "1.23"),  // truncation: the caller rounds first
      ("-0.001", 2, false, "0.00"),  // never "-0.00"
      ("-0.5", 0, false, "0"),  // never "-0"
      ("0.5", 20, false, "0.50000000000000000000"),
      ("170141183460469231731.687303715884105727", 0, true, "170,141,183,460,469,231,731"),
    ])
  func formatting(text: String, places: Int, grouping: Bool, expected: String) {
    #expect(fx(text).formatted(places: places, grouping: grouping) == expected)
  }

  @Test("huge or negative places are clamped, never a trap")
  func placesClamp() {
    // 0...100 places: "1." followed by 100 zeros.
    #expect(fx("1").formatted(places: .max) == "1." + String(repeating: "0", count: 100))
    #expect(fx("1.5").formatted(places: .min) == "1")
  }

  @Test("description round-trips through parse for 2,000 random raw values")
  func randomRoundTrip() throws {
    var rng = LCG(seed: 0xACC0_0001)
    for i in 0..<2000 {
      let high = rng.next()
      let low = rng.next()
      var raw = Int128(truncatingIfNeeded: (UInt128(high) << 64) | UInt128(low))
      // Also exercise small magnitudes and short fractions.
      if i % 3 == 1 { raw >>= 70 }
      if i % 3 == 2 { raw = (raw >> 40) / 1_000_000 * 1_000_000 }
      let value = Fixed(raw: raw)
      let text = value.description
      #expect(!text.contains("e") && text != "-0")
      let back = try #require(Fixed(text), "\(text)")
      #expect(back == value)
    }
  }

  @Test("integer literals and Int initializer are exact")
  func integers() {
    let literal: Fixed = 42
    #expect(literal == Fixed(42))
    #expect(Fixed(Int.max).description == "9223372036854775807")
    #expect(Fixed(Int.min).description == "-9223372036854775808")
    #expect(Fixed.one.raw == Fixed.scaleFactor)
    #expect(Fixed.zero.isZero && !Fixed.zero.isNegative)
  }
}

@Suite("Fixed rounding")
struct FixedRoundingTests {
  // Expected results in RoundingMode.allCases order: halfEven, halfUp, halfDown, up, down, ceiling, floor.
  @Test(
    "every mode at zero places on ties and non-ties",
    arguments: [
      ("2.5", ["2", "3", "2", "3", "2", "3", "2"]),  // tie, even neighbour below
      ("3.5", ["4", "4", "3", "4", "3", "4", "3"]),  // tie, even neighbour above
      ("-2.5", ["-2", "-3", "-2", "-3", "-2", "-2", "-3"]),
      ("-3.5", ["-4", "-4", "-3", "-4", "-3", "-3", "-4"]),
      ("2.4", ["2", "2", "2", "3", "2", "3", "2"]),
      ("2.6", ["3", "3", "3", "3", "2", "3", "2"]),
      ("-2.4", ["-2", "-2", "-2", "-3", "-2", "-2", "-3"]),
      ("-2.6", ["-3", "-3", "-3", "-3", "-2", "-2", "-3"]),
      ("0.5", ["0", "1", "0", "1", "0", "1", "0"]),
      ("-0.5", ["0", "-1", "0", "-1", "0", "0", "-1"]),
      // Just above a tie is not a tie: everything "half" goes up.
      ("2.500000000000000001", ["3", "3", "3", "3", "2", "3", "2"]),
      ("-2.499999999999999999", ["-2", "-2", "-2", "-3", "-2", "-2", "-3"]),
      ("2", ["2", "2", "2", "2", "2", "2", "2"]),  // exact values never move
      ("-7", ["-7", "-7", "-7", "-7", "-7", "-7", "-7"]),
    ])
  func zeroPlaces(text: String, expected: [String]) {
    for (mode, want) in zip(RoundingMode.allCases, expected) {
      #expect(fx(text).rounded(places: 0, mode) == fx(want), "\(text) \(mode)")
    }
  }

  @Test(
    "two places",
    arguments: [
      ("2.345", RoundingMode.halfEven, "2.34"),  // tie, 4 is even
      ("2.355", .halfEven, "2.36"),  // tie, 6 is even
      ("-2.345", .halfUp, "-2.35"),  // ties away from zero
      ("-2.345", .halfDown, "-2.34"),
      ("2.341", .up, "2.35"),
      ("-2.341", .ceiling, "-2.34"),
      ("-2.341", .floor, "-2.35"),
      ("2.349999", .down, "2.34"),
    ])
  func twoPlaces(text: String, mode: RoundingMode, expected: String) {
    #expect(fx(text).rounded(places: 2, mode) == fx(expected))
  }

  @Test("rounding to a step")
  func toMultiple() {
    // 12.37 / 0.05 = 247.4 -> 247 -> 12.35.
    #expect(fx("12.37").rounded(toMultipleOf: fx("0.05"), .halfUp) == fx("12.35"))
    // 12.375 / 0.05 = 247.5 -> tie -> 248 (half up) -> 12.40.
    #expect(fx("12.375").rounded(toMultipleOf: fx("0.05"), .halfUp) == fx("12.4"))
    #expect(fx("12.375").rounded(toMultipleOf: fx("0.05"), .halfDown) == fx("12.35"))
    // -12.38 / 0.25 = -49.52 -> floor -50 -> -12.5.
    #expect(fx("-12.38").rounded(toMultipleOf: fx("0.25"), .floor) == fx("-12.5"))
    #expect(fx("12.37").rounded(toMultipleOf: .zero, .halfUp) == nil)
    #expect(fx("12.37").rounded(toMultipleOf: fx("-0.05"), .halfUp) == nil)
  }

  @Test("rounding edge cases do not trap")
  func roundingEdges() {
    let max = Fixed(raw: .max)
    let min = Fixed(raw: .min)
    #expect(fx("1.5").rounded(places: 19, .halfEven) == nil)
    #expect(fx("1.5").rounded(places: -1, .halfEven) == nil)
    #expect(max.rounded(places: 18, .up) == max)
    // Rounding the largest value up to an integer needs 170141183460469231732 > max.
    #expect(max.rounded(places: 0, .up) == nil)
    #expect(max.rounded(places: 0, .down) == fx("170141183460469231731"))
    #expect(min.rounded(places: 0, .floor) == nil)
    #expect(min.rounded(places: 0, .ceiling) == fx("-170141183460469231731"))
    #expect(max.rounded(toMultipleOf: max, .halfEven) == max)
  }

  @Test("integer conversions")
  func integerConversions() {
    #expect(fx("2.1").ceilingInt() == 3)
    #expect(fx("-2.1").ceilingInt() == -2)
    #expect(fx("3").ceilingInt() == 3)
    #expect(fx("0.000000000000000001").ceilingInt() == 1)
    #expect(fx("-2.1").floorInt() == -3)
    #expect(fx("3").toInt64() == 3)
    #expect(fx("-3").toInt64() == -3)
    #expect(fx("3.5").toInt64() == nil)
    #expect(fx("100000000000000000000").toInt64() == nil)  // 1e20 > Int64.max
    #expect(fx("100000000000000000000").ceilingInt() == nil)
    #expect(fx("-3.75").integerPart == fx("-3"))
    #expect(fx("-3.75").fractionalPart == fx("-0.75"))
    #expect(fx("4").isInteger && !fx("4.01").isInteger)
  }
}

@Suite("Fixed arithmetic")
struct FixedArithmeticTests {
  let max = Fixed(raw: .max)
  let min = Fixed(raw: .min)
  let tiny = Fixed(raw: 1)

  @Test("addition and subtraction report overflow")
  func addSubtract() {
    #expect(fx("0.1").adding(fx("0.2")) == fx("0.3"))
    #expect(fx("1").subtracting(fx("1.000000000000000001")) == fx("-0.000000000000000001"))
    #expect(max.adding(tiny) == nil)
    #expect(min.subtracting(tiny) == nil)
    #expect(max.adding(min) == fx("-0.000000000000000001"))
    #expect(min.negated == nil && min.magnitude == nil)
    #expect(max.negated == Fixed(raw: -Int128.max))
    #expect(fx("-2.5").magnitude == fx("2.5"))
  }

  @Test("multiplication is exact then rounded once")
  func multiply() {
    #expect(fx("1.5").multiplied(by: fx("-2.25")) == fx("-3.375"))
    // 1e11 * 1e9 = 1e20 fits although the raw product 1e29 * 1e27 needs 256 bits.
    #expect(fx("100000000000").multiplied(by: fx("1000000000")) == fx("100000000000000000000"))
    // 1e10 * 1e11 = 1e21 > 1.7e20: overflow.
    #expect(fx("10000000000").multiplied(by: fx("100000000000")) == nil)
    #expect(max.multiplied(by: 2) == nil)
    #expect(max.multiplied(by: .one) == max)
    #expect(min.multiplied(by: .one) == min)
    #expect(min.multiplied(by: -1) == nil)
    #expect(max.multiplied(by: max) == nil)
    #expect(min.multiplied(by: min) == nil)
    // 1e-18 * 0.5 = 5e-19: a tie between 0 and 1e-18.
    #expect(tiny.multiplied(by: fx("0.5")) == .zero)
    #expect(tiny.multiplied(by: fx("0.5"), rounding: .halfUp) == tiny)
    // 3e-18 * 0.5 = 1.5e-18 -> tie -> 2e-18 (even).
    #expect(Fixed(raw: 3).multiplied(by: fx("0.5")) == Fixed(raw: 2))
    #expect(Fixed(raw: -3).multiplied(by: fx("0.5"), rounding: .floor) == Fixed(raw: -2))
  }

  @Test("division rounds at the 18th digit")
  func divide() {
    #expect(fx("1").divided(by: 3) == fx("0.333333333333333333"))
    #expect(fx("2").divided(by: 3) == fx("0.666666666666666667"))
    #expect(fx("-2").divided(by: 3) == fx("-0.666666666666666667"))
    #expect(fx("2").divided(by: 3, rounding: .down) == fx("0.666666666666666666"))
    #expect(fx("1").divided(by: 3, rounding: .up) == fx("0.333333333333333334"))
    #expect(fx("-1").divided(by: -4) == fx("0.25"))
    #expect(fx("1").divided(by: .zero) == nil)
    #expect(max.divided(by: .one) == max)
    #expect(max.divided(by: fx("0.5")) == nil)
    #expect(min.divided(by: -1) == nil)
    #expect(min.divided(by: 1) == min)
    #expect(tiny.divided(by: max) == .zero)
  }

  @Test("multiplied(by:dividedBy:) rounds once")
  func mulDiv() {
    // 100 * 15 / 31 = 1500 / 31 = 48.387096774193548387 096... (period 387096774193548).
    let prorated = fx("100").multiplied(by: 15, dividedBy: 31, rounding: .halfEven)
    #expect(prorated == fx("48.387096774193548387"))
    #expect(prorated?.rounded(places: 2, .halfEven) == fx("48.39"))
    // max * 3 / 3 needs a 256-bit intermediate but the result is exact.
    #expect(max.multiplied(by: 3, dividedBy: 3, rounding: .halfEven) == max)
    #expect(min.multiplied(by: 7, dividedBy: 7, rounding: .halfEven) == min)
    #expect(max.multiplied(by: 3, dividedBy: 2, rounding: .halfEven) == nil)
    #expect(fx("1").multiplied(by: 1, dividedBy: .zero, rounding: .halfEven) == nil)
    #expect(fx("10").multiplied(by: -1, dividedBy: 3, rounding: .floor) == fx("-3.333333333333333334"))
  }

  @Test("minor units")
  func minorUnits() {
    #expect(Fixed(minorUnits: 1234, exponent: 2) == fx("12.34"))
    #expect(Fixed(minorUnits: 1234, exponent: 0) == fx("1234"))
    #expect(Fixed(minorUnits: -1234, exponent: 3) == fx("-1.234"))
    #expect(Fixed(minorUnits: .max, exponent: 2) == fx("92233720368547758.07"))
    // JPY (0): 1234.5 is a tie.
    #expect(fx("1234.5").toMinorUnits(exponent: 0, .halfEven) == 1234)
    #expect(fx("1234.5").toMinorUnits(exponent: 0, .halfUp) == 1235)
    // USD (2): 12.345 cents is a tie.
    #expect(fx("12.345").toMinorUnits(exponent: 2, .halfEven) == 1234)
    #expect(fx("12.345").toMinorUnits(exponent: 2, .halfUp) == 1235)
    #expect(fx("-12.345").toMinorUnits(exponent: 2, .halfUp) == -1235)
    // BHD (3): 1.2345 -> 1234.5 fils.
    #expect(fx("1.2345").toMinorUnits(exponent: 3, .halfEven) == 1234)
    #expect(fx("1.2355").toMinorUnits(exponent: 3, .halfEven) == 1236)
    #expect(fx("92233720368547758.07").toMinorUnits(exponent: 2, .halfEven) == .max)
    #expect(fx("92233720368547758.08").toMinorUnits(exponent: 2, .halfEven) == nil)
    #expect(fx("1").toMinorUnits(exponent: 19, .halfEven) == nil)
  }

  @Test("comparison follows the value")
  func comparison() {
    #expect(fx("-1") < fx("-0.5"))
    #expect(fx("0.1") < fx("0.100000000000000001"))
    #expect(fx("2.50") == fx("2.5"))
    #expect([fx("3"), fx("-1"), fx("2.5")].sorted() == [fx("-1"), fx("2.5"), fx("3")])
  }
}

/// Reference rounding of the exact quotient n / d (d != 0), written independently of the module.
private func referenceDivide(_ n: Int128, _ d: Int128, _ mode: RoundingMode) -> Int128 {
  // Floor division: n = q * d + r with r / d in [0, 1).
  var q = n / d
  var r = n % d
  if r != 0 && (r < 0) != (d < 0) {
    q -= 1
    r += d
  }
  if r == 0 { return q }
  // The exact value lies strictly between q and q + 1; it is negative iff q < 0.
  let negative = q < 0
  let twice = 2 * r.magnitude
  let half = twice < d.magnitude ? -1 : (twice > d.magnitude ? 1 : 0)
  switch mode {
  case .floor: return q
  case .ceiling: return q + 1
  case .down: return negative ? q + 1 : q
  case .up: return negative ? q : q + 1
  case .halfUp: return half < 0 ? q : half > 0 ? q + 1 : (negative ? q : q + 1)
  case .halfDown: return half < 0 ? q : half > 0 ? q + 1 : (negative ? q + 1 : q)
  case .halfEven: return half < 0 ? q : half > 0 ? q + 1 : (q % 2 == 0 ? q : q + 1)
  }
}

@Suite("Fixed properties")
struct FixedPropertyTests {
  @Test("multiplied(by:dividedBy:) matches exact rational rounding on 5,000 random cases in every mode")
  func mulDivMatchesReference() {
    var rng = LCG(seed: 0xF1_3D)
    var mismatches = 0
    for i in 0..<5000 {
      // Operands below 2^62 so the reference product fits in Int128; small divisors make ties common.
      let a = Int128(Int64(bitPattern: rng.next()) >> (i % 3 == 0 ? 40 : 2))
      let b = Int128(Int64(bitPattern: rng.next()) >> (i % 2 == 0 ? 50 : 2))
      var d = Int128(Int64(bitPattern: rng.next()) >> (i % 4 == 0 ? 60 : 20))
      if d == 0 { d = 2 }
      for mode in RoundingMode.allCases {
        let got = Fixed(raw: a).multiplied(by: Fixed(raw: b), dividedBy: Fixed(raw: d), rounding: mode)
        if got?.raw != referenceDivide(a * b, d, mode) { mismatches += 1 }
      }
    }
    #expect(mismatches == 0)
  }

  @Test("256-bit intermediates: (x * k) / k == x for large x")
  func wideIdentity() {
    var rng = LCG(seed: 77)
    for _ in 0..<2000 {
      let x = Fixed(raw: Int128(truncatingIfNeeded: (UInt128(rng.next()) << 64) | UInt128(rng.next())) >> 1)
      let k = Fixed(raw: Int128(rng.int(1...1_000_000_000)))
      #expect(x.multiplied(by: k, dividedBy: k, rounding: .down) == x)
      #expect(x.multiplied(by: .one) == x && x.divided(by: .one) == x)
    }
  }

  @Test("random byte strings never trap the parsers")
  func fuzzParsers() {
    var rng = LCG(seed: 99)
    let alphabet = Array("0123456789-+._e, ".utf8)
    for _ in 0..<20_000 {
      let bytes = (0..<rng.int(0...30)).map { _ in alphabet[rng.int(0...(alphabet.count - 1))] }
      if let value = Fixed.parse(bytes) {
        #expect(Fixed(value.description) == value)
      }
      let dateBytes = (0..<10).map { _ in alphabet[rng.int(0...10)] }
      if let date = dateBytes.withUnsafeBufferPointer({ CivilDate.parse(bytes: $0) }) {
        #expect(Array(date.description.utf8) == dateBytes)
      }
    }
  }
}
