import AccrueCore
import AccrueImport
import AccrueModel

/// A milestone a contract reached (milestones): a charge of its plan with `milestone "NAME"` bills it once, on an
/// invoice dated `date` (grammar.md §6.3).
public struct MilestoneRow: Sendable {
  public var id: String
  public var name: String
  public var date: CivilDate
  public var source: RowRef
}

extension FolderLoad {
  /// Milestones (milestones): each row a milestone a contract reached, on a day.
  mutating func milestones(_ contracts: inout [ContractData], contractIndex: IDIndex) {
    guard let f = find("milestones") else { return }
    let cols: [ColumnSpec] = [
      ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "contract", type: .text, required: true),
      ColumnSpec(name: "milestone", type: .text, required: true), ColumnSpec(name: "date", type: .date, required: true),
    ]
    let (rows, iss) = TableReader.readAll(f, schema: TableSchema(name: "milestones", columns: cols, currencyColumn: nil))
    issues += iss
    var seen: Set<String> = []
    for row in rows {
      guard case .text(let id) = row.values[0], case .text(let cid) = row.values[1], case .text(let name) = row.values[2],
        case .date(let date) = row.values[3]
      else { continue }
      guard seen.insert(id).inserted else {
        issue("D0304", f, row, 0, "duplicate milestone id '\(id)'")
        continue
      }
      guard let ci = contractIndex[cid] else {
        issue("D0302", f, row, 1, Dataset.unknown("contract", cid, rejected: rejected.contracts))
        continue
      }
      let c = contracts[ci]
      guard date >= c.start else {
        issue("D0305", f, row, 3, "milestone '\(name)' reached on \(date), before contract \(cid) starts (\(c.start))")
        continue
      }
      let spec = plan.plans[c.terms(on: date).plan]
      guard spec.charges.contains(where: { $0.milestone == name }) else {
        let names = Array(Set(spec.charges.compactMap(\.milestone))).sorted()
        issue(
          "D0316", f, row, 2,
          "no charge of plan '\(spec.name)' bills milestone '\(name)' (it bills: \(names.isEmpty ? "no milestone" : names.joined(separator: ", "))): "
            + "correct the name, or add a charge with 'milestone \"\(name)\"' to the plan")
        continue
      }
      if let other = c.milestones.first(where: { $0.name == name }) {
        issue("D0304", f, row, 2, "contract \(cid) reaches milestone '\(name)' twice (first at \(other.source)): it is billed once")
        continue
      }
      contracts[ci].milestones.append(MilestoneRow(id: id, name: name, date: date, source: RowRef(file: f.path, line: row.line)))
    }
    for i in contracts.indices { contracts[i].milestones.sort { ($0.date, $0.id) < ($1.date, $1.id) } }
  }
}
