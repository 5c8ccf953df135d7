
/// A problem in a data file, located. Codes are stable:
///
/// - D0101 malformed CSV (unterminated quote, stray quote, wrong field count, duplicate header column,
///   invalid UTF-8, empty file without a header row)
/// - D0102 malformed JSON (syntax, invalid UTF-8, an element that is not an object, a nested object or
///   array as a value, a key given twice in one object)
/// - D0103 file missing or unreadable, several formats for one table, a file in processors/ not named stripe-*.csv
/// - D0105 a bank statement that does not read (or a CSV statement no statement format, or two, reads)
/// - D0201 missing required column (CSV header; reported once)
/// - D0202 unknown column (reported once: on the CSV header, or at the first JSON object having it)
/// - D0203 missing required value
/// - D0204 bad date, D0205 bad number, D0206 bad currency, D0207 bad bool
/// - D0208 too many decimals for the currency
/// - D0301 unknown customer, D0302 unknown contract, D0303 unknown plan, D0304 duplicate id (customer, contract,
///   invoice, payment, bank account, Stripe balance transaction), D0305 impossible dates, D0306 plan in another
///   currency, D0307 another customer's contract or invoice, D0308 unknown status or kind, D0309 unknown invoice,
///   D0310 unknown calendar, D0311 unknown cadence or step (reminders.csv)
/// - D0312 an invoices row contradicting the ledger, D0313 a ledger invoice whose customer is gone (with `--state`)
/// - D0314 a processor export's line whose net is not gross minus fee
/// - D0315 a cancelled contract whose plan states no cancellation policy, D0316 a milestone no charge bills,
///   D0317 a cancellation changed or withdrawn after the ledger recorded its credit note (with `--state`)
/// - D0320 a bank statement that does not reconcile, D0321 a statement control total that disagrees (warnings:
///   `CashData.warnings`; errors with `--strict`)
/// - D0322 a statement file read with an assumption (not UTF-8: read as Windows-1252; a byte no encoding defines),
///   D0323 a BAI2 record not read (an unknown record type, a detail whose type code says neither credit nor debit)
///   (warnings, with D0320 and D0321)
///
/// Every code emitted has an entry in AccrueDiagnostics' catalogue (`DiagnosticCode.data`, Catalog+Data*.swift):
/// `accrue explain D0320` prints it. A new code needs an entry there (DataCatalogTests fails without one).
///
/// `line` and `column` are 1-based (column counts Unicode scalars); both are 0 for an issue about the
/// file as a whole (D0103). `record` is the raw text of the record concerned, truncated to 200 scalars
/// (empty for file-level issues).
public struct DataIssue: Sendable, Hashable, Error, CustomStringConvertible {
  /// The stable code, e.g. "D0204".
  public var code: String
  /// The file path, as given in `TableFile.path`.
  public var file: String
  /// 1-based line (0 for the whole file).
  public var line: Int
  /// 1-based column in Unicode scalars (0 for the whole file).
  public var column: Int
  /// What is wrong, in one sentence.
  public var message: String
  /// The raw record (CSV line(s) without the line end, JSON object or JSONL line), at most 200 scalars.
  public var record: String

  /// An issue; `record` defaults to empty.
  public init(code: String, file: String, line: Int, column: Int, message: String, record: String = "") {
    self.code = code
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.record = record
  }

  /// `file:line:column: code: message` (without `:line:column` for whole-file issues).
  public var description: String {
    if line == 0 { return "\(file): \(code): \(message)" }
    return "\(file):\(line):\(column): \(code): \(message)"
  }
}
