import AccrueCore
import AccrueModel

/// The type of a data column (see docs/data.md, "Types").
public enum FieldType: Sendable, Hashable {
  /// Any UTF-8 text, kept as written (CSV quotes removed, JSON escapes decoded).
  case text
  /// A real calendar day written strictly as `YYYY-MM-DD`.
  case date
  /// A decimal: optional sign, digits, optional `.digits` (at most 18 decimals).
  case number
  /// A decimal amount with no more decimals than its row's currency allows.
  case money
  /// An ISO 4217 code (three uppercase letters).
  case currency
  /// `true`/`false`, also `yes`/`no` and `1`/`0` (case-insensitive) in text.
  case bool
}

/// One column of a table: its exact (case-sensitive) name, its type and whether a value is required.
public struct ColumnSpec: Sendable, Hashable {
  /// The column name as it appears in a CSV header or as a JSON key.
  public var name: String
  /// How the column's values are read.
  public var type: FieldType
  /// True when the column must be present and every row must give a value.
  public var required: Bool
  /// A `.money` column of a currency of its own (a `money EUR` field): its values are in that currency, and their
  /// decimals are checked against it whatever the row's currency. Nil: in the row's currency.
  public var currency: Currency?
  /// A `.money` column in the row's currency whose value may come without one (a field nothing reads): not
  /// reported missing (D0203), its decimals unchecked when the row gives no currency.
  public var currencyOptional = false

  /// A column; optional unless `required` is true.
  public init(name: String, type: FieldType, required: Bool = false, currency: Currency? = nil) {
    self.name = name
    self.type = type
    self.required = required
    self.currency = currency
  }
}

/// A table's schema. For `.money` columns, `currencyColumn` names the column holding the row's currency
/// (e.g. "currency"), or `fixedCurrency` gives it; the money's decimals are checked against that currency.
///
/// When a row gives a money value and its currency column is empty, the currency is reported missing
/// (D0203) even if that column is optional ("`currency` required if `amount`"), unless `defaultCurrency` is
/// set. A column with a currency of its own (`ColumnSpec.currency`) is checked against that one. When neither
/// `currencyColumn` (naming a `.currency` column of the schema) nor `fixedCurrency` is set, money values
/// are read as plain decimals without the decimals check. `fixedCurrency` wins over `currencyColumn`.
public struct TableSchema: Sendable, Hashable {
  /// The table name (`usage`, `customers`, ...), used in messages.
  public var name: String
  /// The columns, in the order of `Row.values`.
  public var columns: [ColumnSpec]
  /// The column that holds each row's currency, for the decimals check of `.money` columns.
  public var currencyColumn: String?
  /// The currency of every `.money` column, when the table has no currency column.
  public var fixedCurrency: Currency?
  /// The currency of a row whose currency column is empty (or absent from the file): the rule set's `currency`
  /// for customers. Nil: such a row's money is reported (D0203).
  public var defaultCurrency: Currency?
  /// Added to the message of money without a currency (D0203): another way to give one, where there is.
  public var missingCurrencyHint: String = ""

  /// A schema; see the type's documentation for `currencyColumn` and `fixedCurrency`.
  public init(
    name: String, columns: [ColumnSpec], currencyColumn: String? = nil, fixedCurrency: Currency? = nil, defaultCurrency: Currency? = nil
  ) {
    self.name = name
    self.columns = columns
    self.currencyColumn = currencyColumn
    self.fixedCurrency = fixedCurrency
    self.defaultCurrency = defaultCurrency
  }

  /// The index of the column with this exact name, or nil.
  public func index(of name: String) -> Int? {
    columns.firstIndex { $0.name == name }
  }
}

/// A value read from a data file.
public enum Value: Sendable, Hashable {
  /// Not given: an empty CSV field, a JSON `null`, an absent JSON key or a column absent from the file.
  case missing
  /// A `.text` value.
  case text(String)
  /// A `.date` value.
  case date(CivilDate)
  /// A `.number` value.
  case number(Fixed)
  /// A `.money` amount; its currency is the row's currency column (or the schema's fixed currency).
  case money(Fixed)
  /// A `.currency` value.
  case currency(Currency)
  /// A `.bool` value.
  case bool(Bool)

  /// True for `.missing`.
  public var isMissing: Bool {
    if case .missing = self { return true }
    return false
  }

  /// The text of a `.text` value, else nil.
  public var text: String? {
    if case .text(let s) = self { return s }
    return nil
  }

  /// The date of a `.date` value, else nil.
  public var date: CivilDate? {
    if case .date(let d) = self { return d }
    return nil
  }

  /// The decimal of a `.number` or `.money` value, else nil.
  public var decimal: Fixed? {
    switch self {
    case .number(let f), .money(let f): return f
    default: return nil
    }
  }

  /// The currency of a `.currency` value, else nil.
  public var currency: Currency? {
    if case .currency(let c) = self { return c }
    return nil
  }

  /// The flag of a `.bool` value, else nil.
  public var bool: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
}

/// A row: values in schema column order, its 1-based line, and the 1-based column (character position)
/// where each field starts.
public struct Row: Sendable, Hashable {
  /// The 1-based line where the record starts (CSV record or JSON object's `{`).
  public var line: Int
  /// One value per schema column, in schema order.
  public var values: [Value]
  /// The 1-based column (Unicode scalars) where each value starts, in schema order: for CSV the field's
  /// first character (its opening quote if quoted), for JSON the value. A column absent from the file
  /// (or a key absent from the JSON object) points at the record's start.
  public var columns: [Int]
  /// The 1-based line where each value starts, in schema order. Equal to `line` except after a quoted
  /// CSV field holding line breaks, or in a JSON object written over several lines.
  public var lines: [Int]
  /// The raw record bytes, at most the first 800 (enough for 200 scalars).
  @usableFromInline
  var rawBytes: [UInt8]

  /// The raw record (CSV line(s) without the final line end, JSON object, or JSONL line), truncated to
  /// 200 Unicode scalars; invalid UTF-8 shows as U+FFFD. Built on access (the row keeps only bytes), so
  /// reading it is cheap per row but not free.
  public var raw: String {
    get { RecordText.make(rawBytes) }
    set { rawBytes = Array(newValue.utf8.prefix(RecordText.maxBytes)) }
  }

  /// A row (mainly for tests and for the engine's own tables).
  public init(line: Int, values: [Value], columns: [Int], lines: [Int]? = nil, raw: String = "") {
    self.line = line
    self.values = values
    self.columns = columns
    self.lines = lines ?? Array(repeating: line, count: columns.count)
    self.rawBytes = Array(raw.utf8.prefix(RecordText.maxBytes))
  }

  /// The value of column `index` (schema order), or `.missing` when out of range.
  public subscript(_ index: Int) -> Value {
    index >= 0 && index < values.count ? values[index] : .missing
  }

  /// An issue located at column `index`'s value (for the engine's D03xx checks), with this row as record.
  public func issue(_ code: String, file: String, field index: Int, message: String) -> DataIssue {
    let ok = index >= 0 && index < columns.count && index < lines.count
    return DataIssue(
      code: code, file: file, line: ok ? lines[index] : line, column: ok ? columns[index] : 1, message: message,
      record: raw)
  }
}

/// The format of a data file.
public enum DataFormat: String, Sendable {
  /// RFC 4180 CSV with a header row.
  case csv
  /// A JSON array of objects.
  case json
  /// One JSON object per line (empty lines ignored).
  case jsonl
}

/// A data file and its format.
public struct TableFile: Sendable, Hashable {
  /// The path, as used in issues.
  public var path: String
  /// How to read it.
  public var format: DataFormat

  /// A file read as `format`.
  public init(path: String, format: DataFormat) {
    self.path = path
    self.format = format
  }
}

/// Record text for issues and `Row.raw`: decoded with replacement, truncated to 200 scalars.
public enum RecordText {
  /// 200 scalars take at most 800 bytes.
  static let maxBytes = 800
  /// Scalars kept.
  static let maxScalars = 200

  /// The text of a record as issues show it (at most 200 Unicode scalars; invalid UTF-8 as U+FFFD; control
  /// characters but tab and line breaks escaped, `\u{0}`).
  public static func make(_ bytes: [UInt8]) -> String {
    bytes.withUnsafeBufferPointer { make($0) }
  }

  static func make(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let limited = UnsafeBufferPointer(rebasing: bytes.prefix(maxBytes))
    let s = String(decoding: limited, as: UTF8.self)
    // Control characters (a NUL, an ESC that would drive the terminal) are shown escaped, as \u{0}.
    if limited.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F || $0 == 0xC2 }) {
      var out = String.UnicodeScalarView()
      var n = 0
      for u in s.unicodeScalars {
        let v = u.value
        if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (v >= 0x7F && v <= 0x9F) {
          let escaped = "\\u{\(String(v, radix: 16))}".unicodeScalars
          if n + escaped.count > maxScalars { break }
          out.append(contentsOf: escaped)
          n += escaped.count
        } else {
          if n == maxScalars { break }
          out.append(u)
          n += 1
        }
      }
      return String(out)
    }
    if limited.count <= maxScalars { return s }
    let scalars = s.unicodeScalars
    if scalars.count <= maxScalars { return s }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: scalars.prefix(maxScalars))
    return String(out)
  }
}
