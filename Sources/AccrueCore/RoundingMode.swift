/// How an exact quotient is rounded to the representable grid.
public enum RoundingMode: String, Sendable, CaseIterable {
  /// Nearest; ties go to the even neighbour (banker's rounding).
  case halfEven = "half even"
  /// Nearest; ties go away from zero.
  case halfUp = "half up"
  /// Nearest; ties go toward zero.
  case halfDown = "half down"
  /// Away from zero whenever anything is discarded.
  case up
  /// Toward zero (truncation).
  case down
  /// Toward positive infinity.
  case ceiling
  /// Toward negative infinity.
  case floor
}

/// Internal exact integer arithmetic shared by every rounding operation in the module.
@usableFromInline
internal enum Arith {
  /// The one rounding routine: divides the signed 256-bit value `±(high:low)` by a positive divisor with `mode`.
  ///
  /// Returns nil when the divisor is zero or the rounded quotient does not fit in `Int128`.
  @usableFromInline
  static func divide(
    high: UInt128, low: UInt128, negative: Bool, by divisor: UInt128, _ mode: RoundingMode
  ) -> Int128? {
    if divisor == 0 { return nil }
    var q: UInt128
    let r: UInt128
    if high == 0 {
      q = low / divisor
      r = low &- q &* divisor
    } else {
      // The quotient would need more than 128 bits.
      if high >= divisor { return nil }
      (q, r) = divisor.dividingFullWidth((high: high, low: low))
    }
    if r != 0 {
      let increment: Bool
      switch mode {
      case .down: increment = false
      case .up: increment = true
      case .ceiling: increment = !negative
      case .floor: increment = negative
      case .halfUp, .halfDown, .halfEven:
        // Compare r with divisor - r instead of 2r with divisor (2r may overflow).
        let rest = divisor &- r
        if r > rest {
          increment = true
        } else if r < rest {
          increment = false
        } else {
          switch mode {
          case .halfUp: increment = true
          case .halfDown: increment = false
          default: increment = (q & 1) == 1
          }
        }
      }
      if increment {
        if q == UInt128.max { return nil }
        q &+= 1
      }
    }
    return signed(magnitude: q, negative: negative)
  }

  /// Applies a sign to a magnitude, nil if the result does not fit in `Int128`.
  @inlinable
  static func signed(magnitude q: UInt128, negative: Bool) -> Int128? {
    if negative {
      // 2^127 is representable only as a negative value.
      if q > UInt128(1) << 127 { return nil }
      return Int128(truncatingIfNeeded: 0 &- q)
    }
    if q > UInt128(Int128.max) { return nil }
    return Int128(truncatingIfNeeded: q)
  }

  /// `n / d` rounded with `mode`; nil if `d` is zero or the result overflows.
  @usableFromInline
  static func divide(_ n: Int128, by d: Int128, _ mode: RoundingMode) -> Int128? {
    let negative = (n < 0) != (d < 0)
    return divide(high: 0, low: n.magnitude, negative: negative && n != 0, by: d.magnitude, mode)
  }

  /// `a * b / d` with one rounding, using a 256-bit intermediate; nil if `d` is zero or overflow.
  @usableFromInline
  static func mulDiv(_ a: Int128, _ b: Int128, _ d: Int128, _ mode: RoundingMode) -> Int128? {
    if d == 0 { return nil }
    let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
    let negative = ((a < 0) != (b < 0)) != (d < 0)
    let isZero = a == 0 || b == 0
    return divide(high: product.high, low: product.low, negative: negative && !isZero, by: d.magnitude, mode)
  }

  /// 10^k as `UInt64` for k in 0...19 (0 otherwise).
  @inlinable
  static func pow10(_ k: Int) -> UInt64 {
    switch k {
    case 0: return 1
    case 1: return 10
    case 2: return 100
    case 3: return 1_000
    case 4: return 10_000
    case 5: return 100_000
    case 6: return 1_000_000
    case 7: return 10_000_000
    case 8: return 100_000_000
    case 9: return 1_000_000_000
    case 10: return 10_000_000_000
    case 11: return 100_000_000_000
    case 12: return 1_000_000_000_000
    case 13: return 10_000_000_000_000
    case 14: return 100_000_000_000_000
    case 15: return 1_000_000_000_000_000
    case 16: return 10_000_000_000_000_000
    case 17: return 100_000_000_000_000_000
    case 18: return 1_000_000_000_000_000_000
    case 19: return 10_000_000_000_000_000_000
    default: return 0
    }
  }

  /// Floor division for `Int` (rounds toward negative infinity); `d` must be positive.
  @inlinable
  static func floorDiv(_ n: Int, _ d: Int) -> Int {
    let q = n / d
    return (n % d != 0 && n < 0) ? q - 1 : q
  }

  /// Non-negative remainder matching `floorDiv`; `d` must be positive.
  @inlinable
  static func floorMod(_ n: Int, _ d: Int) -> Int {
    let r = n % d
    return r < 0 ? r + d : r
  }
}
