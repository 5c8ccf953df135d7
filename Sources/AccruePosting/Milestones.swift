import AccrueCore
import AccrueModel
import Foundation

/// The milestones revenue recognized `on milestone` waits for (grammar.md §13): the data folder's `revenue_milestones.csv`
/// (docs/data.md), `contract,charge,milestone,date,percent`.
public enum Milestones {
  public static let fileName = "revenue_milestones.csv"

  /// The folder's milestones (none without the file) and the issues of its rows (D0903): a located error each.
  public static func load(folder: String) -> ([RevenueMilestone], [DataIssue]) {
    let path = folder + "/" + fileName
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return ([], []) }
    let rows = CSVLite.rows(text)
    let col = CSVLite.columns(rows.first?.fields ?? [])
    var issues: [DataIssue] = []
    for need in ["contract", "charge", "milestone", "date", "percent"] where col[need] == nil {
      issues.append(
        DataIssue(code: "D0903", file: path, line: 1, column: 1, message: "the milestones file has no column '\(need)' (contract,charge,milestone,date,percent)"))
    }
    guard issues.isEmpty, let cc = col["contract"], let ch = col["charge"], let mc = col["milestone"], let dc = col["date"], let pc = col["percent"] else {
      return ([], issues)
    }
    var out: [RevenueMilestone] = []
    var seen: [String: Int] = [:]
    for r in rows.dropFirst() where !r.fields.allSatisfy(\.isEmpty) {
      func bad(_ c: Int, _ m: String) { issues.append(DataIssue(code: "D0903", file: path, line: r.line, column: c + 1, message: m, record: r.field(mc))) }
      guard let date = CivilDate.parse(r.field(dc).trimmingCharacters(in: .whitespaces)) else {
        bad(dc, "'\(r.field(dc))' is not a date: write it YYYY-MM-DD (2026-11-30)")
        continue
      }
      guard let p = Fixed(r.field(pc).trimmingCharacters(in: .whitespaces)), !p.isNegative, !(Fixed(100) < p) else {
        bad(pc, "'\(r.field(pc))' is not a per cent from 0 to 100: write the share of the charge's revenue the milestone recognizes (25 or 12.5)")
        continue
      }
      let key = r.field(cc) + "/" + r.field(ch) + "/" + r.field(mc)
      if let first = seen[key] {
        bad(mc, "milestone '\(r.field(mc))' of contract \(r.field(cc)), charge \(r.field(ch)) is listed twice (first on line \(first))")
        continue
      }
      seen[key] = r.line
      out.append(
        RevenueMilestone(contract: r.field(cc), charge: r.field(ch), id: r.field(mc), date: date, percent: p, source: SourceRef(file: path, line: r.line)))
    }
    return (out, issues)
  }
}
