/// An exact amount in a currency.
public struct Money: Sendable, Hashable, CustomStringConvertible {
  /// The exact amount (not necessarily rounded to the currency's minor units).
  public var amount: Fixed
  /// The currency of the amount.
  public var currency: Currency

  /// Pairs an amount with its currency.
  @inlinable
  public init(amount: Fixed, currency: Currency) {
    self.amount = amount
    self.currency = currency
  }

  /// An amount given in minor units of `currency` (1234 USD cents -> 12.34 USD).
  public init(minorUnits: Int64, currency: Currency) {
    self.amount = Fixed(minorUnits: minorUnits, exponent: currency.minorUnits)
    self.currency = currency
  }

  /// The amount in minor units rounded with `mode`, nil if out of `Int64`.
  public func minorUnits(_ mode: RoundingMode) -> Int64? {
    amount.toMinorUnits(exponent: currency.minorUnits, mode)
  }

  /// The amount rounded to the currency's minor units, nil on overflow.
  public func rounded(_ mode: RoundingMode) -> Money? {
    guard let r = amount.rounded(places: currency.minorUnits, mode) else { return nil }
    return Money(amount: r, currency: currency)
  }

  /// "1234.50 USD": exactly the currency's places when the amount is that precise, else all significant digits.
  public var description: String { formatted(grouping: false) }

  /// Like `description`, optionally grouping integer digits: "1,234.50 USD".
  public func formatted(grouping: Bool) -> String {
    let places = Swift.max(amount.significantFractionDigits, currency.minorUnits)
    return amount.formatted(places: places, grouping: grouping) + " " + currency.code
  }
}
