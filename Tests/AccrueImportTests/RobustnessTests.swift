import AccrueCore
import AccrueImport
import AccrueModel
import Testing

/// Seeded random inputs: nothing traps, every issue is located, delivered rows are valid, and the
/// result does not depend on the block size.
@Suite("Robustness")
struct RobustnessTests {
  static let codes: Set<String> = [
    "D0101", "D0102", "D0103", "D0201", "D0202", "D0203", "D0204", "D0205", "D0206", "D0207", "D0208",
  ]

  static let header = "id,day,qty,amount,currency,flag,note\n"

  static let validCSV =
    header + "a1,2026-01-31,1.5,12.50,USD,yes,\"x, \"\"y\"\"\nz\"\r\n"
    + "a2,2024-02-29,-3,500,JPY,0,é☕\n" + "a3,,,1.250,BHD,,\n"

  static let validJSON = """
    [{"id": "a1", "day": "2026-01-31", "qty": 15, "amount": 12.50, "currency": "USD", "flag": true, "note": "x\\ny"},
     {"id": "a2", "qty": "-3", "amount": "500", "currency": "JPY", "note": "\\u00e9\\ud83d\\ude00", "flag": null}]
    """

  static let tokens: [[UInt8]] =
    [
      ",", "\"", "\"\"", "\n", "\r\n", "\r", "a", "é", "☕", "1", "0.5", "-", "2026-01-31", "USD", "JPY", "true",
      "{", "}", "[", "]", ":", " ", "null", "\\", "\\u", "\\ud800", "e", "E5", "\u{FEFF}", "\"id\"", "\"qty\"",
      "\"amount\"", "\"currency\"", "12.345", "id", "note",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0x00], [0xF4, 0x90, 0x80, 0x80]]

  /// One random input.
  static func input(_ g: inout LCG) -> [UInt8] {
    switch g.int(0...3) {
    case 0:
      return (0..<g.int(0...200)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    case 1:
      var out: [UInt8] = g.int(0...1) == 0 ? Array(header.utf8) : []
      for _ in 0..<g.int(0...60) { out += g.pick(tokens) }
      return out
    default:
      var out = Array((g.int(0...1) == 0 ? validCSV : validJSON).utf8)
      for _ in 0..<g.int(1...4) {
        let at = g.int(0...out.count)
        switch g.int(0...4) {
        case 0: if at < out.count { out.remove(at: at) }
        case 1: out.insert(contentsOf: g.pick(tokens), at: at)
        case 2: out.insert(UInt8(truncatingIfNeeded: g.next()), at: at)
        case 3: out = Array(out.prefix(at))
        default:
          let len = g.int(0...20)
          let slice = Array(out[at..<min(out.count, at + len)])
          out.insert(contentsOf: slice, at: min(out.count, at + g.int(0...30)))
        }
      }
      return out
    }
  }

  /// Problems with one result, as text (empty when it is sound).
  static func check(_ r: (rows: [Row], issues: [DataIssue]), path: String, schema: TableSchema, lines: Int) -> [String] {
    var problems: [String] = []
    for issue in r.issues {
      if !codes.contains(issue.code) { problems.append("unknown code \(issue.code)") }
      if issue.file != path { problems.append("file \(issue.file)") }
      if issue.code != "D0103" && (issue.line < 1 || issue.line > lines || issue.column < 1) {
        problems.append("bad location \(issue)")
      }
      if issue.record.unicodeScalars.count > 200 { problems.append("record too long") }
    }
    for row in r.rows {
      let n = schema.columns.count
      if row.values.count != n || row.columns.count != n || row.lines.count != n {
        problems.append("row shape")
        continue
      }
      if row.line < 1 || row.line > lines { problems.append("row line \(row.line)") }
      var currency: Currency?
      for (k, spec) in schema.columns.enumerated() {
        let v = row.values[k]
        if spec.required && v.isMissing { problems.append("required \(spec.name) missing") }
        if row.columns[k] < 1 || row.lines[k] < row.line || row.lines[k] > lines { problems.append("position \(k)") }
        switch (spec.type, v) {
        case (_, .missing), (.text, .text), (.date, .date), (.number, .number), (.money, .money),
          (.currency, .currency), (.bool, .bool):
          break
        default: problems.append("type of \(spec.name)")
        }
        if case .currency(let c) = v { currency = c }
      }
      if case .money(let m) = row.values[3] {
        if let c = currency {
          if m.significantFractionDigits > c.minorUnits { problems.append("decimals") }
        } else {
          problems.append("money without currency")
        }
      }
    }
    return problems
  }

  @Test("2,000 seeded random inputs as CSV, JSON and JSON Lines")
  func randomInputs() {
    var g = LCG(seed: 0x5EED_ACC2_0E00_0001)
    var failures: [String] = []
    var delivered = 0
    var reported = 0
    for n in 0..<2000 {
      let bytes = Self.input(&g)
      let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
      for format in [DataFormat.csv, .json, .jsonl] {
        let path = "r\(n).\(format.rawValue)"
        let whole = TableReader.read(bytes: bytes, path: path, format: format, schema: Schemas.all)
        let blockSize = g.int(16...48)
        let small = TableReader.read(
          bytes: bytes, path: path, format: format, schema: Schemas.all, options: ReadOptions(blockSize: blockSize))
        var problems = Self.check(whole, path: path, schema: Schemas.all, lines: lines)
        if whole.rows != small.rows || whole.issues != small.issues { problems.append("block size \(blockSize) differs") }
        if !problems.isEmpty && failures.count < 5 {
          failures.append("input \(n) as \(format): \(problems.prefix(3)) bytes \(bytes)")
        }
        delivered += whole.rows.count
        reported += whole.issues.count
      }
    }
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    // The generator reaches both outcomes often.
    #expect(delivered > 500 && reported > 2000)
  }
}
