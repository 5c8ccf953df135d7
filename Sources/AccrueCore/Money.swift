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

/// Amounts added up per currency, as summaries show them. A currency whose sum cannot be represented is marked
/// too large: it is never shown as a partial sum.
public struct CurrencyTotals: Sendable {
  public private(set) var sums: [Currency: Fixed] = [:]
  public private(set) var tooLarge: Set<Currency> = []

  public init() {}

  public mutating func add(_ amount: Fixed, _ currency: Currency) {
    guard !tooLarge.contains(currency) else { return }
    if let s = (sums[currency] ?? .zero).adding(amount) {
      sums[currency] = s
    } else {
      tooLarge.insert(currency)
      sums[currency] = nil
    }
  }

  /// Marks a currency's sum as too large (a part of it already was).
  public mutating func markTooLarge(_ currency: Currency) {
    tooLarge.insert(currency)
    sums[currency] = nil
  }

  /// Each currency in currency order, with its sum (nil: too large to represent).
  public var inOrder: [(currency: Currency, sum: Fixed?)] {
    Set(sums.keys).union(tooLarge).sorted().map { ($0, sums[$0]) }
  }

  /// What a summary says instead of a sum too large to represent.
  public static let tooLargeText = "more than \(Fixed.greatest) (too large to add up)"
}
