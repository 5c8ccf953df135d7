import AccrueCore
import AccrueModel
import Foundation

/// Reading a bank's or ERP's statement CSV with a `statement format` of the rules (grammar.md §8.1): columns found
/// by their header names, dates and amounts read as the format says, every bad cell reported at its file, line and
/// column with what was expected. Nothing is rounded or guessed; a file with any error gives no transactions.
public enum MappedCSV {
  /// Every problem a file has (each bad cell located), in file order.
  public struct Errors: Error, Sendable {
    public var issues: [DataIssue]
    public init(_ issues: [DataIssue]) { self.issues = issues }
  }

  /// The format that reads a file: the one whose `files` globs match its name. None, or two, is an error (D0105)
  /// naming the declared formats and their globs.
  public static func format(for path: String, among formats: [StatementFormat]) -> Result<StatementFormat, DataIssue> {
    let name = (path as NSString).lastPathComponent
    let matching = formats.filter { $0.reads(fileName: name) }
    if matching.count == 1 { return .success(matching[0]) }
    let declared = formats.map { "\($0.name) (\($0.files.map { "\"\($0)\"" }.joined(separator: ", ")), \($0.rule))" }
    let message: String
    if matching.isEmpty {
      message =
        formats.isEmpty
        ? "\(name) is a CSV file, and the rules declare no statement format to read it with: add a 'statement format' block naming its columns (grammar.md 8.1), with files \"\(name)\" (a command that takes no rules unless told, such as 'report aging', reads it with --rules)"
        : "no statement format reads \(name): the rules declare \(declared.joined(separator: "; ")); add the file's name to the 'files' of its bank's format, or rename the file"
    } else {
      message = "\(name) is read by two statement formats: \(matching.map { "\($0.name) (\($0.rule))" }.joined(separator: " and ")); make their 'files' patterns tell them apart"
    }
    return .failure(DataIssue(code: "D0105", file: path, line: 1, column: 1, message: message))
  }

  /// Reads a statement CSV file with a format: one statement of its transactions, or every problem found.
  public static func read(path: String, format: StatementFormat) -> Result<[BankStatement], MappedCSV.Errors> {
    switch DataFolder.readWhole(path) {
    case .failure(let e):
      return .failure(Errors([DataIssue(code: "D0103", file: path, line: 0, column: 0, message: "cannot read \((path as NSString).lastPathComponent): \(e.message)")]))
    case .success(let bytes): return parse(bytes: bytes, path: path, format: format)
    }
  }

  /// Reads statement CSV bytes with a format (`path` names them in sources and messages).
  public static func parse(bytes: [UInt8], path: String, format: StatementFormat) -> Result<[BankStatement], MappedCSV.Errors> {
    // Banks' exports are often Windows-1252: read so, with a located warning, and a note on each entry.
    let (text, warnings) = Windows1252.text(bytes, file: path, what: "CSV statement")
    let notes = warnings.isEmpty ? [] : ["the file is not UTF-8: read as Windows-1252"]
    let delimiter = format.delimiter.unicodeScalars.first ?? ","
    var records = CSVRecords(text, delimiter: delimiter)
    records.skipLines(format.skipLines)
    guard let headerResult = records.next() else {
      return .failure(Errors([issue(path, records.line, 1, "D0101", "the file has no header row\(format.skipLines > 0 ? " after the \(format.skipLines) line(s) the format skips" : ""): expected the columns \(format.columns.map { "\"\($0.column)\"" }.joined(separator: ", "))")]))
    }
    let header: CSVRecord
    switch headerResult {
    case .failure(let c): return .failure(Errors([issue(path, c.line, c.column, "D0101", c.text)]))
    case .success(let h): header = h
    }
    var reader = RowReader(format: format, path: path, header: header)
    guard reader.issues.isEmpty else { return .failure(Errors(reader.issues)) }
    var transactions: [BankTransaction] = []
    while let r = records.next() {
      switch r {
      case .failure(let c):
        reader.issues.append(issue(path, c.line, c.column, "D0101", c.text))
      case .success(let record):
        if var t = reader.transaction(record) {
          t.notes += notes
          transactions.append(t)
        }
      }
    }
    guard reader.issues.isEmpty else { return .failure(Errors(reader.issues)) }
    var statement = BankStatement(
      format: "CSV (\(format.name))", currency: format.fixedCurrency, transactions: transactions, source: "\(path):\(header.line)")
    statement.warnings = warnings
    return .success([statement])
  }

  static func issue(_ path: String, _ line: Int, _ column: Int, _ code: String, _ message: String, record: String = "") -> DataIssue {
    DataIssue(code: code, file: path, line: line, column: column, message: message, record: record)
  }
}

extension StatementFormat {
  /// The currency of every row, when the format states one.
  var fixedCurrency: Currency? {
    if case .fixed(let c) = currency { return c }
    return nil
  }
}
