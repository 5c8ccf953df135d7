import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// A fresh temporary folder per test, removed when the value is released.
final class TempDir: @unchecked Sendable {
  let path: String

  init() {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/accrue-import-tests-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `text` (UTF-8) to `name` in the folder and returns the full path.
  @discardableResult
  func write(_ name: String, _ text: String) -> String {
    write(name, bytes: Array(text.utf8))
  }

  /// Writes raw bytes to `name` in the folder and returns the full path.
  @discardableResult
  func write(_ name: String, bytes: [UInt8]) -> String {
    let p = path + "/" + name
    _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
  }
}

enum Schemas {
  /// The usage table of docs/data.md.
  static let usage = TableSchema(
    name: "usage",
    columns: [
      ColumnSpec(name: "id", type: .text, required: true),
      ColumnSpec(name: "customer", type: .text, required: true),
      ColumnSpec(name: "contract", type: .text),
      ColumnSpec(name: "date", type: .date, required: true),
      ColumnSpec(name: "name", type: .text, required: true),
      ColumnSpec(name: "quantity", type: .number),
      ColumnSpec(name: "amount", type: .money),
      ColumnSpec(name: "currency", type: .currency),
    ], currencyColumn: "currency")

  /// One column of each type (for table-driven value tests): id, then `v` of the given type.
  static func single(_ type: FieldType, required: Bool = false) -> TableSchema {
    TableSchema(
      name: "t",
      columns: [ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "v", type: type, required: required)])
  }

  /// Money with a currency column.
  static let money = TableSchema(
    name: "invoices",
    columns: [
      ColumnSpec(name: "id", type: .text, required: true),
      ColumnSpec(name: "currency", type: .currency, required: true),
      ColumnSpec(name: "amount", type: .money, required: true),
    ], currencyColumn: "currency")

  /// Every type once.
  static let all = TableSchema(
    name: "all",
    columns: [
      ColumnSpec(name: "id", type: .text, required: true),
      ColumnSpec(name: "day", type: .date),
      ColumnSpec(name: "qty", type: .number),
      ColumnSpec(name: "amount", type: .money),
      ColumnSpec(name: "currency", type: .currency),
      ColumnSpec(name: "flag", type: .bool),
      ColumnSpec(name: "note", type: .text),
    ], currencyColumn: "currency")
}

/// Reads `text` written as `name` in a temporary folder (format from the extension).
func readText(
  _ text: String, name: String = "t.csv", schema: TableSchema, options: ReadOptions = ReadOptions()
) -> (rows: [Row], issues: [DataIssue]) {
  readBytes(Array(text.utf8), name: name, schema: schema, options: options)
}

/// Reads raw bytes written as `name` in a temporary folder (format from the extension).
func readBytes(
  _ bytes: [UInt8], name: String = "t.csv", schema: TableSchema, options: ReadOptions = ReadOptions()
) -> (rows: [Row], issues: [DataIssue]) {
  let dir = TempDir()
  let path = dir.write(name, bytes: bytes)
  let ext = (name as NSString).pathExtension
  let format = DataFormat(rawValue: ext) ?? .csv
  return TableReader.readAll(TableFile(path: path, format: format), schema: schema, options: options)
}

/// `name:line:column code` for an issue (the file's last path component).
func where_(_ issue: DataIssue) -> String {
  "\((issue.file as NSString).lastPathComponent):\(issue.line):\(issue.column) \(issue.code)"
}

/// All issues as `where_` strings, in order.
func wheres(_ issues: [DataIssue]) -> [String] { issues.map(where_) }

func fx(_ text: String) -> Fixed { Fixed(text)! }
func day(_ text: String) -> CivilDate { CivilDate.parse(text)! }

/// A deterministic 64-bit generator for property tests.
struct LCG {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state ^ (state >> 29)
  }
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
  }
  mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Resident set size of this process in kB (Linux), or nil.
func residentKB() -> Int? {
  guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
  for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
  }
  return nil
}
