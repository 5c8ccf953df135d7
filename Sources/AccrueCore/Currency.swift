/// An ISO 4217 currency: its three-letter code and its minor-unit exponent.
public struct Currency: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The three ASCII uppercase letters packed big-endian (`c0 << 16 | c1 << 8 | c2`), so order is alphabetical.
  public let packed: UInt32
  /// ISO 4217 minor-unit exponent (0 to 4), stored in a byte: a currency is 8 bytes, and so are the types that
  /// hold one (expressions, values, types of the checker) smaller.
  @usableFromInline let units: UInt8
  /// ISO 4217 minor-unit exponent: USD 2, JPY 0, BHD 3, CLF 4.
  @inlinable public var minorUnits: Int { Int(units) }

  /// Builds a currency from a packed code (callers guarantee validity).
  @usableFromInline
  init(packed: UInt32, minorUnits: Int) {
    self.packed = packed
    self.units = UInt8(minorUnits)
  }

  /// The three-letter code, e.g. "USD".
  public var code: String {
    let bytes: [UInt8] = [
      UInt8(truncatingIfNeeded: packed >> 16),
      UInt8(truncatingIfNeeded: packed >> 8),
      UInt8(truncatingIfNeeded: packed),
    ]
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The code, e.g. "USD".
  public var description: String { code }

  /// Orders alphabetically by code.
  @inlinable
  public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.packed < rhs.packed }

  /// The active ISO 4217 currency with this exact uppercase code, or nil.
  public static func lookup(_ code: String) -> Currency? {
    code.withBytes { lookup(bytes: $0) }
  }

  /// The active ISO 4217 currency for exactly three uppercase ASCII bytes, or nil (no allocation).
  public static func lookup(bytes: UnsafeBufferPointer<UInt8>) -> Currency? {
    guard bytes.count == 3, let base = bytes.baseAddress else { return nil }
    let a = base[0] &- 0x41
    let b = base[1] &- 0x41
    let c = base[2] &- 0x41
    guard a < 26, b < 26, c < 26 else { return nil }
    let index = Int(a) &* 676 &+ Int(b) &* 26 &+ Int(c)
    let units = table[index]
    if units < 0 { return nil }
    let packed = UInt32(base[0]) << 16 | UInt32(base[1]) << 8 | UInt32(base[2])
    return Currency(packed: packed, minorUnits: Int(units))
  }

  /// The active currencies a mistyped code may have meant: for three letters, those two neighbouring letters
  /// swapped give (`UER`: EUR), then those one letter off (`EUX`: EUR); for four, those one letter fewer gives
  /// (`EURO`: EUR); each in code order, at most three (none when more are that close). Empty for any other text,
  /// or for a code that is itself a currency.
  public static func near(_ text: String) -> [Currency] {
    let t = Array(text.uppercased().utf8)
    if t.count == 4 {
      var out: [Currency] = []
      for k in 0..<4 {
        var shorter = t
        shorter.remove(at: k)
        if let c = lookup(String(decoding: shorter, as: UTF8.self)), !out.contains(c) { out.append(c) }
      }
      return out.count <= 3 ? out.sorted() : []
    }
    guard t.count == 3, lookup(String(decoding: t, as: UTF8.self)) == nil else { return [] }
    var swapped: [Currency] = []
    var oneOff: [Currency] = []
    for c in all {
      let b = Array(c.code.utf8)
      let differ = (0..<3).filter { b[$0] != t[$0] }
      if differ.count == 1 {
        oneOff.append(c)
      } else if differ.count == 2, differ[1] == differ[0] + 1, b[differ[0]] == t[differ[1]], b[differ[1]] == t[differ[0]] {
        swapped.append(c)
      }
    }
    let out = swapped + oneOff
    return out.count <= 3 ? out : []
  }

  /// Direct-index table over AAA...ZZZ: the minor units, or -1 for unknown codes.
  private static let table: [Int8] = {
    var t = [Int8](repeating: -1, count: 26 * 26 * 26)
    for entry in isoTable + historicTable {
      // The tables hold only valid three-letter uppercase codes (checked by the tests), so this index is in range.
      let bytes = Array(entry.code.utf8)
      let index = Int(bytes[0] &- 0x41) * 676 + Int(bytes[1] &- 0x41) * 26 + Int(bytes[2] &- 0x41)
      t[index] = Int8(entry.units)
    }
    return t
  }()

  /// Every active ISO 4217 currency (list one, 2026-01-01) sorted by code; X-codes other than real currencies are omitted.
  public static let all: [Currency] = isoTable.map { entry in
    let b = Array(entry.code.utf8)
    return Currency(packed: UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2]), minorUnits: entry.units)
  }

  /// US dollar (2).
  public static let USD = Currency(packed: 0x55_53_44, minorUnits: 2)
  /// Euro (2).
  public static let EUR = Currency(packed: 0x45_55_52, minorUnits: 2)
  /// Pound sterling (2).
  public static let GBP = Currency(packed: 0x47_42_50, minorUnits: 2)
  /// Japanese yen (0).
  public static let JPY = Currency(packed: 0x4A_50_59, minorUnits: 0)

  /// Recently withdrawn codes, still accepted so that historical invoices and payments import
  /// (Bulgaria's lev until the euro in 2026, Croatia's kuna until 2023, ...). Not in `all`, so
  /// never suggested for new rules.
  private static let historicTable: [(code: String, units: Int)] = [
    ("ANG", 2), ("BGN", 2), ("CUC", 2), ("HRK", 2), ("SLL", 2), ("ZWL", 2),
  ]

  /// ISO 4217 list one (published 2026-01-01): code and minor units, alphabetical.
  /// Withdrawn codes are in `historicTable`; precious metals and other non-currency X-codes are omitted.
  private static let isoTable: [(code: String, units: Int)] = [
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2), ("AWG", 2),
    ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2),
    ("BOB", 2), ("BOV", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2),
    ("CAD", 2), ("CDF", 2), ("CHE", 2), ("CHF", 2), ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2),
    ("COP", 2), ("COU", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0), ("DKK", 2),
    ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2),
    ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2),
    ("HKD", 2), ("HNL", 2), ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3),
    ("IRR", 2), ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2),
    ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2),
    ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2),
    ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2), ("MXN", 2),
    ("MXV", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2), ("NOK", 2), ("NPR", 2),
    ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2),
    ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2),
    ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2),
    ("SSP", 2), ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2),
    ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0),
    ("USD", 2), ("USN", 2), ("UYI", 0), ("UYU", 2), ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2),
    ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0), ("XPF", 0),
    ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
  ]
}
