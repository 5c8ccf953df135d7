import AccrueCore
import AccrueDiagnostics
import AccrueModel
import Foundation

/// An allowed value of a dimension (a row of `dimensions/NAME.csv`).
public struct DimensionValueRow: Sendable, Hashable {
  public var value: String
  public var name: String
  public var active: Bool
}

/// The chart of accounts and the dimensions' allowed values of a data folder (docs/data.md): what posting rules
/// may name. Read from `chart_of_accounts.csv` and `dimensions/*.csv`.
public struct Chart: Sendable {
  /// The chart's file name in a data folder.
  public static let fileName = "chart_of_accounts.csv"
  /// The folder of the dimensions' files.
  public static let dimensionsFolder = "dimensions"

  /// Accounts by number, and their numbers in the file's order.
  public var accounts: [String: GLAccount] = [:]
  public var order: [String] = []
  /// Allowed values per dimension that has a file (`entity` too, when `dimensions/entity.csv` exists).
  public var dimensions: [String: [String: DimensionValueRow]] = [:]

  public init() {}

  /// The data folder's chart (nil without `chart_of_accounts.csv`) and the issues of its files (D0901 the chart,
  /// D0902 a dimension's file). A chart with issues is not used.
  public static func load(folder: String) -> (Chart?, [DataIssue]) {
    let path = folder + "/" + fileName
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (nil, []) }
    var chart = Chart()
    var issues: [DataIssue] = []
    chart.readAccounts(text, path: path, &issues)
    let dir = folder + "/" + dimensionsFolder
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
    for f in files {
      let p = dir + "/" + f
      guard let t = try? String(contentsOfFile: p, encoding: .utf8) else {
        issues.append(DataIssue(code: "D0902", file: p, line: 1, column: 1, message: "cannot read the file as UTF-8 text"))
        continue
      }
      chart.readDimension(String(f.dropLast(4)), t, path: p, &issues)
    }
    for a in chart.order {
      guard let acc = chart.accounts[a] else { continue }
      for d in acc.requiredDimensions where d != "entity" && chart.dimensions[d] == nil {
        issues.append(
          DataIssue(
            code: "D0901", file: path, line: acc.source.line, column: 1,
            message: "account \(a) requires the dimension '\(d)', which has no file \(dimensionsFolder)/\(d).csv", record: a))
      }
    }
    return (chart, issues)
  }

  mutating func readAccounts(_ text: String, path: String, _ issues: inout [DataIssue]) {
    let rows = CSVLite.rows(text)
    guard let header = rows.first?.fields else {
      issues.append(DataIssue(code: "D0901", file: path, line: 1, column: 1, message: "the chart of accounts is empty: it needs a header account,name,type,dimensions,active"))
      return
    }
    let col = CSVLite.columns(header)
    for need in ["account", "name", "type"] where col[need] == nil {
      let s = Suggest.closest(to: need, in: header)
      issues.append(
        DataIssue(
          code: "D0901", file: path, line: 1, column: 1,
          message: "the chart of accounts has no column '\(need)'" + (s.map { " (did you mean to name '\($0)' '\(need)'?)" } ?? "")))
    }
    guard let ac = col["account"], let nc = col["name"], let tc = col["type"] else { return }
    for r in rows.dropFirst() where !r.fields.allSatisfy(\.isEmpty) {
      func bad(_ c: Int, _ m: String) { issues.append(DataIssue(code: "D0901", file: path, line: r.line, column: c + 1, message: m, record: r.field(ac))) }
      let number = r.field(ac).trimmingCharacters(in: .whitespaces)
      guard !number.isEmpty else { bad(ac, "the account number is empty"); continue }
      guard let kind = GLAccount.Kind(rawValue: r.field(tc).lowercased()) else {
        bad(tc, "'\(r.field(tc))' is not a type: asset, liability, equity, revenue, expense")
        continue
      }
      guard let active = CSVLite.bool(col["active"].map(r.field) ?? "") else {
        bad(col["active"] ?? 0, "'\(r.field(col["active"] ?? 0))' is not true or false")
        continue
      }
      let dims = (col["dimensions"].map(r.field) ?? "").split(whereSeparator: { $0 == ";" || $0 == " " }).map(String.init)
      if let first = accounts[number] {
        bad(ac, "account \(number) is listed twice (first on line \(first.source.line))")
        continue
      }
      accounts[number] = GLAccount(
        number: number, name: r.field(nc), kind: kind, requiredDimensions: dims, active: active, source: SourceRef(file: path, line: r.line))
      order.append(number)
    }
  }

  mutating func readDimension(_ name: String, _ text: String, path: String, _ issues: inout [DataIssue]) {
    let rows = CSVLite.rows(text)
    let col = CSVLite.columns(rows.first?.fields ?? [])
    guard let vc = col["value"] else {
      issues.append(DataIssue(code: "D0902", file: path, line: 1, column: 1, message: "the dimension's file has no column 'value' (value,name,active)"))
      return
    }
    var values: [String: DimensionValueRow] = [:]
    for r in rows.dropFirst() where !r.fields.allSatisfy(\.isEmpty) {
      let v = r.field(vc)
      guard let active = CSVLite.bool(col["active"].map(r.field) ?? "") else {
        issues.append(DataIssue(code: "D0902", file: path, line: r.line, column: (col["active"] ?? 0) + 1, message: "not true or false", record: v))
        continue
      }
      guard values[v] == nil else {
        issues.append(DataIssue(code: "D0902", file: path, line: r.line, column: vc + 1, message: "the value '\(v)' is listed twice", record: v))
        continue
      }
      values[v] = DimensionValueRow(value: v, name: col["name"].map(r.field) ?? v, active: active)
    }
    dimensions[name] = values
  }

  /// Why `account` cannot be posted to (not in the chart, with the closest; inactive), or nil.
  public func accountProblem(_ account: String) -> String? {
    guard let a = accounts[account] else {
      let byName = order.first { accounts[$0]?.name.lowercased() == account.lowercased() }
      let s = byName ?? Suggest.closest(to: account, in: order)
      return "account '\(account)' is not in the chart of accounts" + (s.map { "; did you mean '\($0)' (\(accounts[$0]?.name ?? ""))?" } ?? "")
    }
    return a.active ? nil : "account \(account) (\(a.name)) is inactive in the chart of accounts"
  }

  /// Why `value` is not allowed for the dimension (not in its file, with the closest; inactive), or nil. A
  /// dimension without a file allows nothing but is reported apart.
  public func valueProblem(_ dimension: String, _ value: String) -> String? {
    guard let values = dimensions[dimension] else { return nil }
    guard let v = values[value] else {
      let s = Suggest.closest(to: value, in: values.keys.sorted())
      return "'\(value)' is not a value of the dimension '\(dimension)' (\(Chart.dimensionsFolder)/\(dimension).csv)" + (s.map { "; did you mean '\($0)'?" } ?? "")
    }
    return v.active ? nil : "the \(dimension) '\(value)' is inactive (\(Chart.dimensionsFolder)/\(dimension).csv)"
  }
}

/// A small CSV reader for the chart's files (quoted fields, doubled quotes, LF or CRLF): a row's fields with its line.
enum CSVLite {
  struct Row {
    var fields: [String]
    var line: Int
    func field(_ i: Int) -> String { i < fields.count ? fields[i] : "" }
  }

  static func rows(_ text: String) -> [Row] {
    var out: [Row] = []
    var field = ""
    var fields: [String] = []
    var quoted = false
    var line = 1
    var start = 1
    var chars = Array(text.unicodeScalars)
    if chars.first == "\u{FEFF}" { chars.removeFirst() }
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if quoted {
        if c == "\"" {
          if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append(c); i += 1 } else { quoted = false }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        fields.append(field)
        field = ""
      } else if c == "\n" || c == "\r" {
        if c == "\r", i + 1 < chars.count, chars[i + 1] == "\n" { i += 1 }
        fields.append(field)
        out.append(Row(fields: fields, line: start))
        (field, fields) = ("", [])
        line += 1
        start = line
      } else {
        field.unicodeScalars.append(c)
      }
      i += 1
    }
    if !field.isEmpty || !fields.isEmpty {
      fields.append(field)
      out.append(Row(fields: fields, line: start))
    }
    return out
  }

  static func columns(_ header: [String]) -> [String: Int] {
    var out: [String: Int] = [:]
    for (i, h) in header.enumerated() { out[h.trimmingCharacters(in: .whitespaces).lowercased()] = out[h] ?? i }
    return out
  }

  /// true/false/yes/no/1/0; empty is true (active by default).
  static func bool(_ s: String) -> Bool? {
    switch s.trimmingCharacters(in: .whitespaces).lowercased() {
    case "", "true", "yes", "1", "y": true
    case "false", "no", "0", "n": false
    default: nil
    }
  }
}
