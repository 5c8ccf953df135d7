import AccrueCore
import AccrueModel

/// How a value was written: a CSV field or JSON string, a JSON number, or a JSON literal.
enum Lexeme: Equatable {
  case text
  case number
  case literalTrue
  case literalFalse
}

/// Builds one row at a time (reusing its storage) and converts field bytes into values, collecting the
/// row's issues until the reader commits them with the record text.
struct RowAssembler {
  let file: String
  let schema: TableSchema
  let types: [FieldType]
  let required: [Bool]
  let names: [String]
  let nameBytes: [[UInt8]]
  /// Schema index of the currency column used for money checks, or -1.
  let currencyIndex: Int
  let fixedCurrency: Currency?
  /// The currency of a row that gives none (`TableSchema.defaultCurrency`).
  let defaultCurrency: Currency?
  let moneyIndices: [Int]
  /// The currency of each of `moneyIndices` when it has one of its own (`ColumnSpec.currency`), else nil.
  let moneyCurrencies: [Currency?]
  /// Whether each of `moneyIndices` may come without a currency (`ColumnSpec.currencyOptional`).
  let moneyCurrencyOptional: [Bool]
  /// True when money decimals are checked against a currency.
  let checksMoney: Bool

  /// The row being built (its arrays are reused from row to row).
  var row: Row
  /// Issues of the current row; `record` is filled in when they are committed.
  var pending: [DataIssue] = []
  /// The current row has an issue that makes it bad (not delivered).
  var bad = false
  /// The currency column of the current row is bad (so money is not checked against it).
  var currencyBad = false
  /// JSON: generation stamp per column, to find keys given twice and required keys absent.
  private var seen: [UInt32]
  private var generation: UInt32 = 0
  /// Set by the JSON reader: column presence is per object (`seen`).
  var jsonMode = false
  /// Set by the CSV reader: the header has the currency column.
  var currencyInHeader = false
  /// Scratch for JSON numbers with an exponent.
  private var numberScratch: [UInt8] = []
  /// The dates read so far (`CivilDate.parse`'s answers, remembered).
  private var dates = DateCache()

  init(file: String, schema: TableSchema) {
    self.file = file
    self.schema = schema
    types = schema.columns.map(\.type)
    required = schema.columns.map(\.required)
    names = schema.columns.map(\.name)
    nameBytes = schema.columns.map { Array($0.name.utf8) }
    moneyIndices = schema.columns.indices.filter { schema.columns[$0].type == .money }
    moneyCurrencies = moneyIndices.map { schema.columns[$0].currency }
    moneyCurrencyOptional = moneyIndices.map { schema.columns[$0].currencyOptional }
    fixedCurrency = schema.fixedCurrency
    defaultCurrency = schema.defaultCurrency
    if schema.fixedCurrency == nil, let name = schema.currencyColumn,
      let i = schema.columns.firstIndex(where: { $0.name == name && $0.type == .currency })
    {
      currencyIndex = i
    } else {
      currencyIndex = -1
    }
    checksMoney =
      !moneyIndices.isEmpty && (schema.fixedCurrency != nil || currencyIndex >= 0 || moneyCurrencies.contains { $0 != nil })
    let n = schema.columns.count
    row = Row(line: 1, values: Array(repeating: .missing, count: n), columns: Array(repeating: 1, count: n))
    seen = Array(repeating: 0, count: n)
  }

  /// The schema index of a column name given as bytes, or nil.
  @inline(__always)
  func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
    for (i, name) in nameBytes.enumerated() where name.count == key.count {
      if name.withUnsafeBufferPointer({ $0.elementsEqual(key) }) { return i }
    }
    return nil
  }

  // MARK: Row lifecycle

  /// Starts a row whose every value is missing and located at (line, column).
  mutating func beginRow(line: Int, column: Int) {
    row.line = line
    pending.removeAll(keepingCapacity: true)
    bad = false
    currencyBad = false
    generation &+= 1
    if generation == 0 {
      for i in seen.indices { seen[i] = 0 }
      generation = 1
    }
    for i in row.values.indices {
      row.values[i] = .missing
      row.columns[i] = column
      row.lines[i] = line
    }
  }

  /// Starts a CSV row: only the columns listed in `absent` (not in the header) need resetting.
  @inline(__always)
  mutating func beginCSVRow(line: Int, absent: [Int]) {
    row.line = line
    if !pending.isEmpty { pending.removeAll(keepingCapacity: true) }
    bad = false
    currencyBad = false
    for i in absent {
      row.values[i] = .missing
      row.columns[i] = 1
      row.lines[i] = line
    }
  }

  /// JSON: marks column `index` as given in this object; false when it was already given.
  @inline(__always)
  mutating func markSeen(_ index: Int) -> Bool {
    if seen[index] == generation { return false }
    seen[index] = generation
    return true
  }

  /// JSON: reports required columns whose key was absent (the row's start is their location).
  mutating func checkAbsentRequired() {
    for i in required.indices where required[i] && seen[i] != generation {
      addIssue(
        "D0203", line: row.line, column: row.columns[i],
        "missing required value: key '\(names[i])' is absent")
      if i == currencyIndex { currencyBad = true }
    }
  }

  /// Records an issue for the current row and marks it bad.
  @inline(__always)
  mutating func addIssue(_ code: String, line: Int, column: Int, _ message: String) {
    pending.append(DataIssue(code: code, file: file, line: line, column: column, message: message))
    bad = true
  }

  /// Marks the current row bad because column `index` had an issue reported by the reader, without
  /// touching the row's arrays (the CSV reader holds them).
  @inline(__always)
  mutating func markBadValue(_ index: Int) {
    bad = true
    if index == currencyIndex { currencyBad = true }
  }

  /// Marks column `index` bad because of an issue reported by the reader (e.g. invalid UTF-8).
  @inline(__always)
  mutating func markBad(_ index: Int) {
    bad = true
    if index == currencyIndex { currencyBad = true }
    row.values[index] = .missing
  }

  /// Cross-field checks once every field is stored: money decimals against the row's currency.
  /// Returns true when the row is good.
  @inline(__always)
  mutating func finishRow() -> Bool {
    if checksMoney { checkMoney() }
    return !bad
  }

  private mutating func checkMoney() {
    // The row's currency, for money without one of its own: fixed, the row's, or the table's default. `rowChecked`
    // is false when the row's currency cannot be told (a bad currency field, or a required currency column absent
    // from the CSV header: both reported already).
    var currency = fixedCurrency
    var rowChecked = true
    // (A row's money in the table's default currency says so when its decimals are too many.)
    var byDefault = false
    if currency == nil {
      if currencyIndex < 0 || currencyBad || (!jsonMode && !currencyInHeader && required[currencyIndex]) {
        rowChecked = false
      } else if case .currency(let c) = row.values[currencyIndex] {
        currency = c
      } else {
        currency = defaultCurrency
        byDefault = defaultCurrency != nil
      }
    }
    var reported = false
    for (k, m) in moneyIndices.enumerated() {
      guard case .money(let amount) = row.values[m] else { continue }
      let c: Currency
      var whose = ""
      if let own = moneyCurrencies[k] {
        c = own
      } else if let rc = currency {
        c = rc
        if byDefault { whose = " (the rules' currency: the row gives none)" }
      } else {
        // The currency is not given although an amount is: report the currency only, once.
        guard rowChecked, !reported, !moneyCurrencyOptional[k] else { continue }
        reported = true
        let name = names[currencyIndex]
        let ci = currencyIndex
        // Point at the currency field when the record has one (empty or null), else at the amount.
        let present = jsonMode ? seen[ci] == generation : currencyInHeader
        let line = present ? row.lines[ci] : row.lines[m]
        let column = present ? row.columns[ci] : row.columns[m]
        addIssue(
          "D0203", line: line, column: column,
          "missing value for '\(name)': required when '\(names[m])' is given" + schema.missingCurrencyHint)
        continue
      }
      let digits = amount.significantFractionDigits
      if digits > c.minorUnits {
        addIssue(
          "D0208", line: row.lines[m], column: row.columns[m],
          "amount \(amount) in column '\(names[m])' has \(digits) decimal\(digits == 1 ? "" : "s"); "
            + "\(c.code) allows \(c.minorUnits)" + whose)
      }
    }
  }

  // MARK: Values

  /// Converts and stores the value of column `index` from its bytes (valid UTF-8 for `.text` lexemes).
  @inline(__always)
  mutating func store(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ lexeme: Lexeme, line: Int, column: Int) {
    row.lines[index] = line
    row.columns[index] = column
    row.values[index] = value(index, bytes, lexeme, line: line, column: column)
  }

  /// The value of column `index` from its bytes (valid UTF-8 for `.text` lexemes); `.missing` with an
  /// issue recorded when it is bad.
  @inline(__always)
  mutating func value(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ lexeme: Lexeme, line: Int, column: Int)
    -> Value
  {
    if bytes.isEmpty && lexeme == .text {
      if required[index] {
        addIssue("D0203", line: line, column: column, "missing value for required column '\(names[index])'")
        if index == currencyIndex { currencyBad = true }
      }
      return .missing
    }
    if let v = convert(index, bytes, lexeme) { return v }
    if index == currencyIndex { currencyBad = true }
    reportBadValue(index, bytes, lexeme, line: line, column: column)
    return .missing
  }

  /// Stores `null` (JSON) for column `index`.
  mutating func storeMissing(_ index: Int, line: Int, column: Int) {
    row.lines[index] = line
    row.columns[index] = column
    row.values[index] = .missing
    if required[index] {
      addIssue("D0203", line: line, column: column, "missing value for required column '\(names[index])' (null)")
      if index == currencyIndex { currencyBad = true }
    }
  }

  /// Records the location of column `index` without a value (used with `markBad`).
  @inline(__always)
  mutating func locate(_ index: Int, line: Int, column: Int) {
    row.lines[index] = line
    row.columns[index] = column
  }

  @inline(__always)
  private mutating func convert(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ lexeme: Lexeme) -> Value? {
    switch types[index] {
    case .text:
      switch lexeme {
      case .text, .number: return .text(String(decoding: bytes, as: UTF8.self))
      case .literalTrue: return .text("true")
      case .literalFalse: return .text("false")
      }
    case .date:
      guard lexeme == .text, let d = dates.parse(bytes) else { return nil }
      return .date(d)
    case .number:
      guard let f = decimal(bytes, lexeme) else { return nil }
      return .number(f)
    case .money:
      guard let f = decimal(bytes, lexeme) else { return nil }
      return .money(f)
    case .currency:
      guard lexeme == .text, let c = Currency.lookup(bytes: bytes) else { return nil }
      return .currency(c)
    case .bool:
      switch lexeme {
      case .literalTrue: return .bool(true)
      case .literalFalse: return .bool(false)
      case .number: return nil
      case .text:
        guard let b = RowAssembler.parseBool(bytes) else { return nil }
        return .bool(b)
      }
    }
  }

  /// A decimal from text (`[+-]digits[.digits]`, no underscores) or from a JSON number's exact text.
  @inline(__always)
  mutating func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ lexeme: Lexeme) -> Fixed? {
    switch lexeme {
    case .text:
      // Fixed.parse also accepts digit-group underscores (a rules-language feature); data does not.
      for b in bytes where b == UInt8(ascii: "_") { return nil }
      return Fixed.parse(bytes)
    case .number:
      // A JSON number in decimal (12.50), read from its text. An exponent (1.5e2) is not a decimal: reported with
      // the decimal to write instead (`reportBadValue`).
      if RowAssembler.exponent(bytes) != nil { return nil }
      return Fixed.parse(bytes)
    case .literalTrue, .literalFalse:
      return nil
    }
  }

  /// Where a JSON number's exponent starts (`e` or `E`), or nil.
  static func exponent(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
  }

  /// The exact value of a JSON number written with an exponent (grammar already checked), for the message that
  /// rejects it; nil if it does not fit a `Fixed` (more than 18 decimals or too large).
  mutating func jsonNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Fixed? {
    guard let e = RowAssembler.exponent(bytes) else {
      return Fixed.parse(bytes)
    }
    var i = 0
    var negative = false
    if bytes[0] == UInt8(ascii: "-") {
      negative = true
      i = 1
    }
    // Mantissa digits without the point; `pointAt` = digits before the point.
    var digits: [UInt8] = []
    var pointAt = -1
    while i < e {
      let c = bytes[i]
      if c == UInt8(ascii: ".") {
        pointAt = digits.count
      } else {
        digits.append(c)
      }
      i += 1
    }
    if pointAt < 0 { pointAt = digits.count }
    // Exponent, clamped (anything beyond +-10000 is out of range unless the mantissa is zero).
    i = e + 1
    var expNegative = false
    if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
      expNegative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    var exponent = 0
    while i < bytes.count {
      if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] &- 0x30) }
      i += 1
    }
    if expNegative { exponent = -exponent }
    if digits.allSatisfy({ $0 == UInt8(ascii: "0") }) { return .zero }
    // Strip leading zeros (adjusting the point) and trailing zeros (they never change the value).
    var lead = 0
    while digits[lead] == UInt8(ascii: "0") { lead += 1 }
    digits.removeFirst(lead)
    pointAt -= lead
    while digits.last == UInt8(ascii: "0") { digits.removeLast() }
    let point = pointAt + exponent  // digits before the point in the result (may be <= 0 or > count)
    if point > 40 || digits.count - point > 18 { return nil }
    numberScratch.removeAll(keepingCapacity: true)
    if negative { numberScratch.append(UInt8(ascii: "-")) }
    if point <= 0 {
      numberScratch.append(UInt8(ascii: "0"))
      numberScratch.append(UInt8(ascii: "."))
      numberScratch.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
      numberScratch.append(contentsOf: digits)
    } else if point >= digits.count {
      numberScratch.append(contentsOf: digits)
      numberScratch.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - digits.count))
    } else {
      numberScratch.append(contentsOf: digits[..<point])
      numberScratch.append(UInt8(ascii: "."))
      numberScratch.append(contentsOf: digits[point...])
    }
    return Fixed.parse(numberScratch)
  }

  /// `true`/`false`/`yes`/`no`/`1`/`0`, ASCII case-insensitive.
  @inline(__always)
  static func parseBool(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
    @inline(__always) func lower(_ c: UInt8) -> UInt8 { c | 0x20 }
    switch b.count {
    case 1:
      if b[0] == UInt8(ascii: "1") { return true }
      if b[0] == UInt8(ascii: "0") { return false }
    case 2:
      if lower(b[0]) == UInt8(ascii: "n") && lower(b[1]) == UInt8(ascii: "o") { return false }
    case 3:
      if lower(b[0]) == UInt8(ascii: "y") && lower(b[1]) == UInt8(ascii: "e") && lower(b[2]) == UInt8(ascii: "s") {
        return true
      }
    case 4:
      if lower(b[0]) == UInt8(ascii: "t") && lower(b[1]) == UInt8(ascii: "r") && lower(b[2]) == UInt8(ascii: "u")
        && lower(b[3]) == UInt8(ascii: "e")
      {
        return true
      }
    case 5:
      if lower(b[0]) == UInt8(ascii: "f") && lower(b[1]) == UInt8(ascii: "a") && lower(b[2]) == UInt8(ascii: "l")
        && lower(b[3]) == UInt8(ascii: "s") && lower(b[4]) == UInt8(ascii: "e")
      {
        return false
      }
    default:
      break
    }
    return nil
  }

  private mutating func reportBadValue(
    _ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ lexeme: Lexeme, line: Int, column: Int
  ) {
    let name = names[index]
    let shown: String
    switch lexeme {
    case .text: shown = "'\(UTF8Scan.show(bytes))'"
    case .number: shown = UTF8Scan.show(bytes)
    case .literalTrue: shown = "true"
    case .literalFalse: shown = "false"
    }
    switch types[index] {
    case .text:
      return  // every lexeme converts to text
    case .date:
      let hint = RowAssembler.dateHint(String(decoding: bytes, as: UTF8.self)).map { "; \($0)" } ?? ""
      addIssue("D0204", line: line, column: column, "bad date \(shown) in column '\(name)': expected YYYY-MM-DD, a real day" + hint)
    case .number, .money:
      let what = types[index] == .money ? "amount" : "number"
      if lexeme == .number, RowAssembler.exponent(bytes) != nil {
        var instead = "write it as a decimal"
        if let v = jsonNumber(bytes) {
          let plain = v.description
          let places = max(types[index] == .money ? 2 : 0, v.significantFractionDigits)
          let text = v.formatted(places: places)
          instead = "write \(plain)" + (text != plain ? " or \"\(text)\"" : "")
        }
        addIssue(
          "D0205", line: line, column: column,
          "bad \(what) \(shown) in column '\(name)': \(what)s are decimals, not exponents; \(instead)")
        return
      }
      var why = "expected a decimal such as 12 or 0.5"
      if let plain = RowAssembler.amountHint(String(decoding: bytes, as: UTF8.self)) { why += "; write \(plain)" }
      if lexeme != .literalTrue && lexeme != .literalFalse && Fixed.parse(bytes) == nil && looksNumeric(bytes) {
        why = RowAssembler.fractionDigits(bytes) > Fixed.fractionDigits
          ? "more than \(Fixed.fractionDigits) decimals (Accrue keeps \(Fixed.fractionDigits))"
          : "too large: \(what)s go from \(RowAssembler.smallest) to \(RowAssembler.largest)"
      }
      addIssue("D0205", line: line, column: column, "bad \(what) \(shown) in column '\(name)': \(why)")
    case .currency:
      var hint = "expected an ISO 4217 code such as USD"
      if lexeme == .text && bytes.count == 3, Currency.lookup(String(decoding: bytes, as: UTF8.self).uppercased()) != nil {
        hint = "currency codes are uppercase"
      } else {
        let near = Currency.near(String(decoding: bytes, as: UTF8.self)).map(\.code)
        if let last = near.last {
          let options = near.count == 1 ? last : near.dropLast().joined(separator: ", ") + " or " + last
          hint = "expected an ISO 4217 code; did you mean \(options)?"
        }
      }
      addIssue("D0206", line: line, column: column, "bad currency \(shown) in column '\(name)': \(hint)")
    case .bool:
      addIssue(
        "D0207", line: line, column: column,
        "bad bool \(shown) in column '\(name)': expected true/false, yes/no or 1/0")
    }
  }

  /// The largest and smallest exact decimals (`Fixed`: Int128 with 18 decimals), as text:
  /// 170141183460469231731.687303715884105727 and -170141183460469231731.687303715884105728.
  static let largest = Fixed.greatest.description
  static let smallest = Fixed.least.description

  /// Digits after the point of a well-formed decimal.
  static func fractionDigits(_ b: UnsafeBufferPointer<UInt8>) -> Int {
    guard let point = b.firstIndex(of: UInt8(ascii: ".")) else { return 0 }
    return b.count - point - 1
  }

  /// True when the bytes are a well-formed decimal (only too long or too precise for `Fixed`).
  private func looksNumeric(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    var digits = 0
    var points = 0
    for (k, c) in b.enumerated() {
      if c >= 0x30 && c <= 0x39 {
        digits += 1
      } else if c == UInt8(ascii: ".") {
        points += 1
      } else if (c == UInt8(ascii: "-") || c == UInt8(ascii: "+")) && k == 0 {
        continue
      } else {
        return false
      }
    }
    return digits > 0 && points <= 1
  }
}

extension RowAssembler {
  /// What to write for a date written another way: `31/10/2026` and `2026/10/31` are `2026-10-31`; `01/02/2026`
  /// could be either order, and says so. Nil when the text is no such date.
  static func dateHint(_ text: String) -> String? {
    let parts = text.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).map(String.init)
    guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }) else { return nil }
    let n = parts.map { Int($0)! }
    func iso(_ y: Int, _ m: Int, _ d: Int) -> String? {
      guard let date = CivilDate(year: y, month: m, day: d) else { return nil }
      return "write \(date)"
    }
    if parts[0].count == 4 { return iso(n[0], n[1], n[2]) }
    guard parts[2].count == 4 else { return nil }
    switch (n[0] > 12, n[1] > 12) {
    case (true, false): return iso(n[2], n[1], n[0])
    case (false, true): return iso(n[2], n[0], n[1])
    case (false, false):
      guard let a = iso(n[2], n[1], n[0]), let b = iso(n[2], n[0], n[1]) else { return nil }
      return a == b ? a : "day first, \(a); month first, \(b)"
    default: return nil
    }
  }

  /// What to write for an amount written with grouping or a decimal comma (`1.234,56`, `1,234.56`, `12,50`):
  /// the plain decimal. Nil when the text is not such an amount (or the reading is ambiguous, as `1,234`).
  static func amountHint(_ text: String) -> String? {
    var t = text.trimmingCharacters(in: .whitespaces)
    let negative = t.hasPrefix("-")
    if negative { t.removeFirst() }
    guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else { return nil }
    let dots = t.filter { $0 == "." }.count
    let commas = t.filter { $0 == "," }.count
    let plain: String
    if dots > 0 && commas > 0 {
      // The separator that comes last is the decimal one.
      let decimal: Character = t.lastIndex(of: ",")! > t.lastIndex(of: ".")! ? "," : "."
      let grouping: Character = decimal == "," ? "." : ","
      plain = String(t.filter { $0 != grouping }.map { $0 == decimal ? "." : $0 })
    } else if commas == 1 && dots == 0, let after = t.split(separator: ",").last, after.count != 3 {
      plain = t.replacingOccurrences(of: ",", with: ".")
    } else if commas > 1 && dots == 0 {
      plain = t.replacingOccurrences(of: ",", with: "")
    } else {
      return nil
    }
    guard plain.filter({ $0 == "." }).count <= 1, Fixed.parse(Array(plain.utf8)) != nil else { return nil }
    return (negative ? "-" : "") + plain
  }
}

