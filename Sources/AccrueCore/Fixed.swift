/// An exact signed decimal with 18 fractional digits: `value = raw / 10^18`.
///
/// Every operation that can overflow returns nil instead of trapping.
public struct Fixed: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible,
  ExpressibleByIntegerLiteral
{
  /// Number of decimal digits after the point that a `Fixed` stores.
  public static let fractionDigits = 18
  /// `10^18`, the value of `raw` for the number one.
  public static let scaleFactor: Int128 = 1_000_000_000_000_000_000

  /// The scale as an inlinable constant (avoids a global-initializer check on hot paths).
  @usableFromInline
  static var scale: Int128 { 1_000_000_000_000_000_000 }

  /// Largest integer part whose scaled value still fits in `Int128` (floor(2^127 / 10^18)).
  @usableFromInline
  static var maxIntegerPart: UInt128 { 170_141_183_460_469_231_731 }

  /// The scaled integer's two halves. An `Int128` stored as such would give `Fixed`, and every type holding
  /// one, an alignment of 16 bytes: on Linux every such object (an expression's box, an array of values) is
  /// then allocated by `posix_memalign`, several times slower than `malloc`. Two 8-byte words keep it 8.
  @usableFromInline var low: UInt64
  @usableFromInline var high: Int64

  /// The scaled integer: the value times `10^18`.
  @inlinable public var raw: Int128 {
    get { Int128(high) << 64 | Int128(low) }
    set {
      low = UInt64(truncatingIfNeeded: newValue)
      high = Int64(truncatingIfNeeded: newValue >> 64)
    }
  }

  /// Wraps a scaled integer.
  @inlinable
  public init(raw: Int128) {
    low = UInt64(truncatingIfNeeded: raw)
    high = Int64(truncatingIfNeeded: raw >> 64)
  }

  /// The exact value of an integer (never overflows: |Int| * 10^18 < 2^127).
  @inlinable
  public init(_ value: Int) { self.init(raw: Int128(value) &* Fixed.scale) }

  /// The exact value of an integer literal.
  @inlinable
  public init(integerLiteral value: Int) { self.init(value) }

  /// Zero.
  public static let zero = Fixed(raw: 0)
  /// One.
  public static let one = Fixed(raw: scaleFactor)
  /// The largest and smallest values (170141183460469231731.687303715884105727 and its negative, less 10^-18):
  /// a sum or difference beyond them cannot be represented.
  public static let greatest = Fixed(raw: Int128.max)
  public static let least = Fixed(raw: Int128.min)

  /// Parses decimal text with the same grammar as `parse(_:)`; nil if invalid.
  public init?(_ text: String) {
    guard let value = text.withBytes({ Fixed.parse($0) }) else { return nil }
    self = value
  }

  /// Parses `[+-]digits[_digits]*[.digits]` (at most 18 fractional digits); nil on bad syntax or overflow.
  ///
  /// Underscores are allowed only singly between integer digits ("1_000_000"); the fraction is digits only.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Fixed? {
    let count = bytes.count
    guard count > 0, let base = bytes.baseAddress else { return nil }
    var i = 0
    var negative = false
    let first = base[0]
    if first == UInt8(ascii: "-") {
      negative = true
      i = 1
    } else if first == UInt8(ascii: "+") {
      i = 1
    }
    var intPart: UInt128 = 0
    var intDigits = 0
    var previousWasDigit = false
    while i < count {
      let c = base[i]
      let d = c &- 0x30
      if d < 10 {
        // intPart <= maxIntegerPart (< 2^68) before this step, so no wrap-around is possible.
        intPart = intPart &* 10 &+ UInt128(d)
        if intPart > maxIntegerPart { return nil }
        intDigits &+= 1
        previousWasDigit = true
      } else if c == UInt8(ascii: "_") {
        if !previousWasDigit { return nil }
        previousWasDigit = false
      } else {
        break
      }
      i &+= 1
    }
    // No digits at all, or a trailing underscore.
    if intDigits == 0 || !previousWasDigit { return nil }
    var frac: UInt64 = 0
    var fracDigits = 0
    if i < count {
      if base[i] != UInt8(ascii: ".") { return nil }
      i &+= 1
      while i < count {
        let d = base[i] &- 0x30
        if d >= 10 || fracDigits == 18 { return nil }
        frac = frac &* 10 &+ UInt64(d)
        fracDigits &+= 1
        i &+= 1
      }
      if fracDigits == 0 { return nil }
    }
    // intPart * 10^18 + frac < 1.71e38 + 1e18 < 2^128: the unsigned magnitude cannot wrap.
    let fracScaled = frac &* Arith.pow10(18 &- fracDigits)
    let magnitude = intPart &* UInt128(scale) &+ UInt128(fracScaled)
    guard let raw = Arith.signed(magnitude: magnitude, negative: negative) else { return nil }
    return Fixed(raw: raw)
  }

  /// Parses an array of UTF-8 bytes (see `parse(_:)`).
  public static func parse(_ bytes: [UInt8]) -> Fixed? {
    bytes.withUnsafeBufferPointer { parse($0) }
  }

  /// Parses a slice of UTF-8 bytes (see `parse(_:)`).
  public static func parse(_ bytes: ArraySlice<UInt8>) -> Fixed? {
    bytes.withUnsafeBufferPointer { parse($0) }
  }

  // MARK: Inspection

  /// Digits after the point once trailing zeros are removed (12.50 -> 1, 0.002 -> 3, 7 -> 0).
  public var significantFractionDigits: Int {
    var frac = UInt64(truncatingIfNeeded: raw.magnitude % UInt128(Fixed.scale))
    if frac == 0 { return 0 }
    var digits = 18
    while frac % 10 == 0 {
      frac /= 10
      digits -= 1
    }
    return digits
  }

  /// True when the value is zero.
  @inlinable
  public var isZero: Bool { raw == 0 }

  /// True when the value is strictly negative.
  @inlinable
  public var isNegative: Bool { raw < 0 }

  /// The value with its sign flipped; nil only for the most negative value.
  @inlinable
  public var negated: Fixed? {
    raw == Int128.min ? nil : Fixed(raw: 0 &- raw)
  }

  /// The absolute value; nil only for the most negative value.
  @inlinable
  public var magnitude: Fixed? {
    if raw >= 0 { return self }
    return negated
  }

  /// The integer part, truncated toward zero.
  @inlinable
  public var integerPart: Fixed { Fixed(raw: raw - raw % Fixed.scale) }

  /// The fractional part, with the sign of the value (`self - integerPart`).
  @inlinable
  public var fractionalPart: Fixed { Fixed(raw: raw % Fixed.scale) }

  /// True when the value has no fractional part.
  @inlinable
  public var isInteger: Bool { raw % Fixed.scale == 0 }

  /// The value as `Int64` if it is an integer that fits, else nil.
  @inlinable
  public func toInt64() -> Int64? {
    if raw % Fixed.scale != 0 { return nil }
    return Int64(exactly: raw / Fixed.scale)
  }

  /// The smallest integer >= self (for package pricing), nil if it does not fit in `Int64`.
  public func ceilingInt() -> Int64? {
    guard let q = Arith.divide(raw, by: Fixed.scale, .ceiling) else { return nil }
    return Int64(exactly: q)
  }

  /// The largest integer <= self, nil if it does not fit in `Int64`.
  public func floorInt() -> Int64? {
    guard let q = Arith.divide(raw, by: Fixed.scale, .floor) else { return nil }
    return Int64(exactly: q)
  }

  // MARK: Arithmetic

  /// `self + o`, nil on overflow.
  @inlinable
  public func adding(_ o: Fixed) -> Fixed? {
    let (r, overflow) = raw.addingReportingOverflow(o.raw)
    return overflow ? nil : Fixed(raw: r)
  }

  /// `self - o`, nil on overflow.
  @inlinable
  public func subtracting(_ o: Fixed) -> Fixed? {
    let (r, overflow) = raw.subtractingReportingOverflow(o.raw)
    return overflow ? nil : Fixed(raw: r)
  }

  /// The exact product rounded to 18 digits with `rounding`; nil on overflow.
  public func multiplied(by o: Fixed, rounding: RoundingMode = .halfEven) -> Fixed? {
    guard let r = Arith.mulDiv(raw, o.raw, Fixed.scale, rounding) else { return nil }
    return Fixed(raw: r)
  }

  /// The exact quotient rounded to 18 digits with `rounding`; nil if `o` is zero or on overflow.
  public func divided(by o: Fixed, rounding: RoundingMode = .halfEven) -> Fixed? {
    guard let r = Arith.mulDiv(raw, Fixed.scale, o.raw, rounding) else { return nil }
    return Fixed(raw: r)
  }

  /// `self * n / d` with a single rounding (proration); nil if `d` is zero or on overflow.
  public func multiplied(by n: Fixed, dividedBy d: Fixed, rounding: RoundingMode) -> Fixed? {
    guard let r = Arith.mulDiv(raw, n.raw, d.raw, rounding) else { return nil }
    return Fixed(raw: r)
  }

  /// Rounds to `places` (0...18) fractional digits; nil if `places` is out of range or on overflow.
  public func rounded(places: Int, _ mode: RoundingMode) -> Fixed? {
    guard places >= 0 && places <= 18 else { return nil }
    if places == 18 { return self }
    return rounded(step: Int128(Arith.pow10(18 - places)), mode)
  }

  /// Rounds to a multiple of `step` (e.g. 0.05); nil if `step <= 0` or on overflow.
  public func rounded(toMultipleOf step: Fixed, _ mode: RoundingMode) -> Fixed? {
    guard step.raw > 0 else { return nil }
    return rounded(step: step.raw, mode)
  }

  /// Rounds `raw` to a multiple of a positive raw step.
  private func rounded(step: Int128, _ mode: RoundingMode) -> Fixed? {
    guard let q = Arith.divide(raw, by: step, mode) else { return nil }
    let (r, overflow) = q.multipliedReportingOverflow(by: step)
    return overflow ? nil : Fixed(raw: r)
  }

  // MARK: Money helpers

  /// The value of `minorUnits / 10^exponent` (1234 with exponent 2 is 12.34); exponent is clamped to 0...18.
  public init(minorUnits: Int64, exponent: Int) {
    let e = Swift.min(Swift.max(exponent, 0), 18)
    // |minorUnits| <= 2^63 and 10^18 < 2^60, so the product fits in Int128.
    self.init(raw: Int128(minorUnits) &* Int128(Arith.pow10(18 - e)))
  }

  /// The value in minor units (`self * 10^exponent`) rounded with `mode`; nil if out of `Int64` or exponent not in 0...18.
  public func toMinorUnits(exponent: Int, _ mode: RoundingMode) -> Int64? {
    guard exponent >= 0 && exponent <= 18 else { return nil }
    guard let q = Arith.divide(raw, by: Int128(Arith.pow10(18 - exponent)), mode) else { return nil }
    return Int64(exactly: q)
  }

  // MARK: Comparison

  /// Orders by value.
  @inlinable
  public static func < (lhs: Fixed, rhs: Fixed) -> Bool { lhs.raw < rhs.raw }

  // MARK: Formatting

  /// Canonical minimal text: "12.5", "0.002", "-3", "0"; never "-0", never an exponent.
  public var description: String {
    formatted(places: significantFractionDigits, grouping: false)
  }

  /// Text with exactly `places` fractional digits (extra digits are truncated, missing ones padded with zeros).
  ///
  /// The caller is expected to have rounded already. `grouping` inserts ',' every 3 integer digits.
  /// `places` is clamped to 0...100 (digits beyond the 18th are always zeros).
  public func formatted(places: Int, grouping: Bool = false) -> String {
    let p = Swift.min(Swift.max(places, 0), 100)
    let magnitude = raw.magnitude
    let unit = UInt128(Fixed.scale)
    let intPart = magnitude / unit
    let frac = UInt64(truncatingIfNeeded: magnitude % unit)
    // The fraction digits actually shown (the rest are truncated or zero padding).
    let width = Swift.min(p, 18)
    let shownFraction = frac / Arith.pow10(18 - width)
    let negative = raw < 0 && (intPart != 0 || shownFraction != 0)
    // At most 39 integer digits for any UInt128; ours have at most 21.
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { reversed in
      let count = Fixed.writeReversedDigits(intPart, into: reversed)
      let commas = grouping ? (count - 1) / 3 : 0
      let total = (negative ? 1 : 0) + count + commas + (p > 0 ? 1 + p : 0)
      return String(unsafeUninitializedCapacity: total) { out in
        var i = 0
        if negative {
          out[i] = UInt8(ascii: "-")
          i += 1
        }
        for k in 0..<count {
          if grouping && k > 0 && (count - k) % 3 == 0 {
            out[i] = UInt8(ascii: ",")
            i += 1
          }
          out[i] = reversed[count - 1 - k]
          i += 1
        }
        if p > 0 {
          out[i] = UInt8(ascii: ".")
          i += 1
          var f = shownFraction
          var j = i + width
          while j > i {
            j -= 1
            out[j] = 0x30 &+ UInt8(truncatingIfNeeded: f % 10)
            f /= 10
          }
          i += width
          while i < total {
            out[i] = UInt8(ascii: "0")
            i += 1
          }
        }
        return i
      }
    }
  }

  /// Writes the decimal digits of `value` least significant first; returns how many (at least one).
  private static func writeReversedDigits(_ value: UInt128, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
    var n = 0
    var v = value
    // Peel off 19-digit chunks so the per-digit divisions are 64-bit.
    while v > UInt128(UInt64.max) {
      let (q, r) = v.quotientAndRemainder(dividingBy: UInt128(Arith.pow10(19)))
      var low = UInt64(truncatingIfNeeded: r)
      for _ in 0..<19 {
        buffer[n] = 0x30 &+ UInt8(truncatingIfNeeded: low % 10)
        low /= 10
        n += 1
      }
      v = q
    }
    var high = UInt64(truncatingIfNeeded: v)
    repeat {
      buffer[n] = 0x30 &+ UInt8(truncatingIfNeeded: high % 10)
      high /= 10
      n += 1
    } while high != 0
    return n
  }
}
