import AccrueCore
import AccrueImport
import AccrueModel

/// What the importer fuzz targets (Tests/Fuzz: camt, mt940, bai2, ofx, csv, json) do with one input and which
/// properties they hold it to. The fuzz build compiles this file into each target, and `FuzzRegressionTests`
/// replays the kept findings through it, so the fuzzer and `swift test` judge an input the same way.
///
/// Each check runs the entry points the command line uses on the bytes and returns the properties the outcome
/// broke (empty when it is sound). A crash, trap, hang or runaway memory is a finding by itself; these
/// properties are the ones the readers document and their own tests state.
enum ImportFuzzChecks {
  // MARK: Bank statements (`accrue import FILE`, the `statements/` folder of `plan`)

  /// The path the bank targets give their input (it appears in errors and sources).
  static func bankPath(_ format: BankFormat) -> String {
    switch format {
    case .camt053, .camt054: "fuzz.xml"
    case .mt940: "fuzz.sta"
    case .bai2: "fuzz.bai"
    case .ofx: "fuzz.ofx"
    }
  }

  /// Whether an input is the target's: `BankStatements.parse` picks the reader from the first bytes, so an input
  /// detected as another format is left to that format's target (the fuzz target tells libFuzzer so).
  static func isBank(_ bytes: [UInt8], _ target: String) -> Bool {
    switch BankFormat.detect(bytes) {
    case .camt053?, .camt054?: target == "camt"
    case .mt940?: target == "mt940"
    case .bai2?: target == "bai2"
    case .ofx?: target == "ofx"
    case nil: false
    }
  }

  /// `BankStatements.parse(bytes:path:)`, as `accrue import` calls it: transactions, or an error with its line.
  static func bank(_ bytes: [UInt8]) -> [String] {
    let format = BankFormat.detect(bytes) ?? .mt940
    let path = bankPath(format)
    // At most as many lines as any reader may count: LF, CR, and what Swift also takes for a line end (VT, FF,
    // NEL, LS, PS: the last bytes of their UTF-8 counted alone).
    let lineEnds = bytes.reduce(0) { $0 + ((10...13).contains($1) || $1 == 0x85 || $1 == 0xA8 || $1 == 0xA9 ? 1 : 0) }
    switch BankStatements.parse(bytes: bytes, path: path) {
    case .failure(let e):
      var problems: [String] = []
      if e.file != path { problems.append("error names the file '\(e.file)', not '\(path)'") }
      if e.line < 1 || e.line > lineEnds + 1 { problems.append("error at line \(e.line) of a file of \(lineEnds + 1) lines: \(e)") }
      if e.message.isEmpty { problems.append("error without a message at line \(e.line)") }
      return problems
    case .success(let list):
      return list.compactMap { t in
        t.source.hasPrefix(path + ":") ? nil : "transaction without its source (\(t.source.debugDescription))"
      }
    }
  }

  // MARK: Data files (CSV, JSON, JSON Lines: `plan`'s data folder)

  /// The schema the data targets read with: one column of every type, a money column checked against the
  /// row's currency, names as in examples/data (so its files are good seeds).
  static let schema = TableSchema(
    name: "fuzz",
    columns: [
      ColumnSpec(name: "id", type: .text, required: true),
      ColumnSpec(name: "customer", type: .text),
      ColumnSpec(name: "date", type: .date),
      ColumnSpec(name: "quantity", type: .number),
      ColumnSpec(name: "amount", type: .money),
      ColumnSpec(name: "currency", type: .currency),
      ColumnSpec(name: "credit_hold", type: .bool),
    ], currencyColumn: "currency")

  static let codes: Set<String> = [
    "D0101", "D0102", "D0103", "D0201", "D0202", "D0203", "D0204", "D0205", "D0206", "D0207", "D0208",
  ]

  /// The buffer of the "whole" reads. The command line reads with 1 MiB blocks (`ReadOptions()`); any input
  /// shorter than a block is read in one block whatever its size, so for the targets' inputs (at most 4 KB,
  /// `-max_len`) 64 KiB reads exactly as 1 MiB does, and under AddressSanitizer at a fraction of the cost (a
  /// 1 MiB buffer is mapped and unmapped for every read, and PlainCSV reads each line it hands on alone).
  static let blocks = ReadOptions(blockSize: 64 << 10)

  /// A read buffer as small as the reader allows, so that records cross block boundaries (16 to 79 bytes,
  /// from the input's length: the same input always reads the same way).
  static func smallBlocks(_ bytes: [UInt8]) -> ReadOptions { ReadOptions(blockSize: 16 + bytes.count % 64) }

  /// A CSV file, read as `plan` reads its tables: `TableReader` with a whole-input buffer and with a small one
  /// (the same rows and issues), and the fast path of whole-table reads, `PlainCSV` (the same rows, values and
  /// lines, and the same issues as the general reader).
  static func csv(_ bytes: [UInt8]) -> [String] {
    let path = "fuzz.csv"
    let whole = TableReader.read(bytes: bytes, path: path, format: .csv, schema: schema, options: blocks)
    var problems = sound(whole, path: path, bytes: bytes)
    let small = TableReader.read(bytes: bytes, path: path, format: .csv, schema: schema, options: smallBlocks(bytes))
    if small.rows != whole.rows || small.issues != whole.issues {
      problems.append("a \(smallBlocks(bytes).blockSize)-byte buffer reads differently: \(difference(whole, small))")
    }
    var delivered: [(Int, [Value])] = []
    var issues: [DataIssue] = []
    PlainCSV.read(
      bytes: bytes, path: path, schema: schema, options: blocks, onIssue: { issues.append($0) },
      fast: { values, line in
        delivered.append((line, values))
        return true
      }, general: { row in delivered.append((row.line, row.values)) })
    let expected = whole.rows.map { ($0.line, $0.values) }
    if delivered.count != expected.count || zip(delivered, expected).contains(where: { $0.0 != $1.0 || $0.1 != $1.1 }) {
      problems.append("PlainCSV delivers lines \(delivered.map(\.0)), the general reader \(expected.map(\.0)) (or other values)")
    }
    if issues != whole.issues {
      problems.append("PlainCSV reports \(issues.map(brief)), the general reader \(whole.issues.map(brief))")
    }
    return problems
  }

  /// A JSON array and a JSON Lines file (the same bytes as both), each with a whole-input buffer and a small one.
  static func json(_ bytes: [UInt8]) -> [String] {
    var problems: [String] = []
    for format in [DataFormat.json, .jsonl] {
      let path = "fuzz." + format.rawValue
      let whole = TableReader.read(bytes: bytes, path: path, format: format, schema: schema, options: blocks)
      problems += sound(whole, path: path, bytes: bytes).map { "\(format.rawValue): \($0)" }
      let small = TableReader.read(bytes: bytes, path: path, format: format, schema: schema, options: smallBlocks(bytes))
      if small.rows != whole.rows || small.issues != whole.issues {
        problems.append("\(format.rawValue): a \(smallBlocks(bytes).blockSize)-byte buffer reads differently: \(difference(whole, small))")
      }
    }
    return problems
  }

  /// What `DataIssue` and `Row` promise: known codes, located issues (1-based line and column within the file),
  /// records of at most 200 scalars; rows of the schema's shape, required values present, each value of its
  /// column's type, money within its currency's decimals.
  static func sound(_ r: (rows: [Row], issues: [DataIssue]), path: String, bytes: [UInt8]) -> [String] {
    let lines = bytes.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
    var problems: [String] = []
    for issue in r.issues {
      if !codes.contains(issue.code) { problems.append("unknown code \(issue.code)") }
      if issue.file != path { problems.append("issue names the file \(issue.file)") }
      if issue.code != "D0103" && (issue.line < 1 || issue.line > lines || issue.column < 1) {
        problems.append("issue outside the file (\(lines) lines): \(issue)")
      }
      if issue.message.isEmpty { problems.append("issue without a message: \(brief(issue))") }
      if issue.record.unicodeScalars.count > 200 { problems.append("record of \(issue.record.unicodeScalars.count) scalars: \(brief(issue))") }
    }
    let n = schema.columns.count
    let currencyIndex = schema.index(of: "currency")!
    for row in r.rows {
      if row.values.count != n || row.columns.count != n || row.lines.count != n {
        problems.append("row at line \(row.line) has \(row.values.count) values, \(row.columns.count) columns, \(row.lines.count) lines")
        continue
      }
      if row.line < 1 || row.line > lines { problems.append("row at line \(row.line) of \(lines)") }
      for (k, spec) in schema.columns.enumerated() {
        let v = row.values[k]
        if spec.required && v.isMissing { problems.append("row at line \(row.line): required \(spec.name) missing") }
        if row.columns[k] < 1 || row.lines[k] < row.line || row.lines[k] > lines {
          problems.append("row at line \(row.line): \(spec.name) at \(row.lines[k]):\(row.columns[k])")
        }
        switch (spec.type, v) {
        case (_, .missing), (.text, .text), (.date, .date), (.number, .number), (.money, .money), (.currency, .currency), (.bool, .bool):
          break
        default: problems.append("row at line \(row.line): \(spec.name) is \(v), not \(spec.type)")
        }
        if case .money(let m) = v {
          if case .currency(let c) = row.values[currencyIndex] {
            if m.significantFractionDigits > c.minorUnits { problems.append("row at line \(row.line): \(m) has more decimals than \(c)") }
          } else {
            problems.append("row at line \(row.line): money without a currency")
          }
        }
      }
    }
    return problems
  }

  static func brief(_ i: DataIssue) -> String { "\(i.line):\(i.column) \(i.code)" }

  static func difference(_ a: (rows: [Row], issues: [DataIssue]), _ b: (rows: [Row], issues: [DataIssue])) -> String {
    "rows at \(a.rows.map(\.line)) vs \(b.rows.map(\.line)), issues \(a.issues.map(brief)) vs \(b.issues.map(brief))"
  }
}
