import AccrueModel

/// Options for reading a table; the defaults suit every real file.
public struct ReadOptions: Sendable, Hashable {
  /// Size of the reusable read buffer (it grows only for a single record larger than it).
  public var blockSize: Int
  /// A record (CSV record, JSON element or JSONL line) longer than this is reported and skipped
  /// instead of growing the buffer further (guards against an unterminated quote in a huge file).
  public var maxRecordBytes: Int

  /// 1 MiB blocks, records up to 64 MiB.
  public init(blockSize: Int = 1 << 20, maxRecordBytes: Int = 64 << 20) {
    self.blockSize = max(16, blockSize)
    self.maxRecordBytes = max(16, maxRecordBytes)
  }
}

/// Reading data files (CSV, JSON array, JSON Lines) into typed rows, with every problem located.
///
/// Rows with an issue are not delivered; their issues are. Issues that do not make a row bad are
/// D0202 (unknown column: the row is delivered without it). When a CSV header lacks a required column
/// (D0201) no row is delivered at all (each would lack a required value); the file is still read to
/// report its other issues. Nothing traps, whatever the bytes.
public enum TableReader {
  /// Reads every row (small tables: customers, contracts, invoices...). Bad rows are returned as issues
  /// (one issue per bad field is fine; at least one per bad row), good rows as rows. Never throws, never traps.
  public static func readAll(_ file: TableFile, schema: TableSchema) -> (rows: [Row], issues: [DataIssue]) {
    readAll(file, schema: schema, options: ReadOptions())
  }

  /// `readAll` with explicit options.
  public static func readAll(_ file: TableFile, schema: TableSchema, options: ReadOptions)
    -> (rows: [Row], issues: [DataIssue])
  {
    var rows: [Row] = []
    var issues: [DataIssue] = []
    stream(file, schema: schema, options: options, onIssue: { issues.append($0) }) { row in
      rows.append(copy row)
    }
    return (rows, issues)
  }

  /// Streams rows to `body` without keeping them (usage: millions of rows, memory must stay flat).
  /// Reads the file in large blocks (not line by line through String). Returns the issues.
  ///
  /// The row passed to `body` is reused for the next one: copy it (`copy row`) to keep it.
  public static func stream(_ file: TableFile, schema: TableSchema, _ body: (borrowing Row) -> Void) -> [DataIssue] {
    var issues: [DataIssue] = []
    stream(file, schema: schema, options: ReadOptions(), onIssue: { issues.append($0) }, body)
    return issues
  }

  /// Streams rows to `body` and issues to `onIssue` as they are found (in file order), so that even a
  /// file with millions of bad rows is read in flat memory.
  public static func stream(
    _ file: TableFile, schema: TableSchema, options: ReadOptions = ReadOptions(),
    onIssue: (DataIssue) -> Void, _ body: (borrowing Row) -> Void
  ) {
    let src: ByteSource
    do {
      src = try ByteSource(path: file.path, blockSize: options.blockSize)
    } catch {
      onIssue(
        DataIssue(code: "D0103", file: file.path, line: 0, column: 0, message: "cannot open the file: \(error.message)"))
      return
    }
    run(src, path: file.path, format: file.format, schema: schema, options: options, onIssue, body)
  }

  /// Streams rows from bytes in memory (one chunk of a larger file, standard input); `path` is used in issues.
  public static func stream(
    bytes: [UInt8], path: String, format: DataFormat, schema: TableSchema, options: ReadOptions = ReadOptions(),
    onIssue: (DataIssue) -> Void, _ body: (borrowing Row) -> Void
  ) {
    run(ByteSource(bytes: bytes, blockSize: options.blockSize), path: path, format: format, schema: schema, options: options, onIssue, body)
  }

  /// Reads rows from bytes in memory (tests, standard input, embedded data); `path` is used in issues.
  public static func read(
    bytes: [UInt8], path: String, format: DataFormat, schema: TableSchema, options: ReadOptions = ReadOptions()
  ) -> (rows: [Row], issues: [DataIssue]) {
    var rows: [Row] = []
    var issues: [DataIssue] = []
    let src = ByteSource(bytes: bytes, blockSize: options.blockSize)
    run(src, path: path, format: format, schema: schema, options: options, { issues.append($0) }) { row in
      rows.append(copy row)
    }
    return (rows, issues)
  }

  static func run(
    _ src: consuming ByteSource, path: String, format: DataFormat, schema: TableSchema, options: ReadOptions,
    _ onIssue: (DataIssue) -> Void, _ body: (borrowing Row) -> Void
  ) {
    let asm = RowAssembler(file: path, schema: schema)
    switch format {
    case .csv:
      var reader = CSVReader(src: src, asm: asm, file: path, maxRecord: options.maxRecordBytes)
      reader.run(onIssue, body)
    case .json:
      var reader = JSONReader(src: src, asm: asm, file: path, maxRecord: options.maxRecordBytes)
      reader.runArray(onIssue, body)
    case .jsonl:
      var reader = JSONReader(src: src, asm: asm, file: path, maxRecord: options.maxRecordBytes)
      reader.runLines(onIssue, body)
    }
  }
}
