import AccrueCore
import AccrueImport
import AccrueModel

/// A measured service level of a contract for the billing period containing `date` (service_levels): the percent of
/// the period the service was available. The plan's `service credit` turns a shortfall into a credit (grammar.md §6.7).
public struct ServiceLevelRow: Sendable {
  public var id: String
  public var date: CivilDate
  /// The share of the period the service was up, as a fraction (99.5 in the file is 0.995).
  public var uptime: Fixed
  public var source: RowRef
}

extension FolderLoad {
  /// Service levels (service_levels): each row a contract's measured uptime for the period containing its date.
  mutating func serviceLevels(_ contracts: inout [ContractData], contractIndex: IDIndex) {
    guard let f = find("service_levels") else { return }
    let cols: [ColumnSpec] = [
      ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "contract", type: .text, required: true),
      ColumnSpec(name: "date", type: .date, required: true), ColumnSpec(name: "uptime", type: .number, required: true),
    ]
    let (rows, iss) = TableReader.readAll(f, schema: TableSchema(name: "service_levels", columns: cols, currencyColumn: nil))
    issues += iss
    var seen: Set<String> = []
    for row in rows {
      guard case .text(let id) = row.values[0], case .text(let cid) = row.values[1], case .date(let date) = row.values[2],
        case .number(let up) = row.values[3]
      else { continue }
      guard seen.insert(id).inserted else {
        issue("D0304", f, row, 0, "duplicate service level id '\(id)'")
        continue
      }
      guard let ci = contractIndex[cid] else {
        issue("D0302", f, row, 1, Dataset.unknown("contract", cid, rejected: rejected.contracts))
        continue
      }
      guard !up.isNegative, up <= Fixed(100) else {
        issue("D0205", f, row, 3, "uptime \(up) is not a percent from 0 to 100: write the share of the period the service was up, as 99.95")
        continue
      }
      guard date >= contracts[ci].start else {
        issue("D0305", f, row, 2, "a service level for \(date), before contract \(cid) starts (\(contracts[ci].start))")
        continue
      }
      let fraction = up.multiplied(by: Fixed(1), dividedBy: Fixed(100), rounding: .halfEven) ?? up
      contracts[ci].serviceLevels.append(ServiceLevelRow(id: id, date: date, uptime: fraction, source: RowRef(file: f.path, line: row.line)))
    }
    for i in contracts.indices { contracts[i].serviceLevels.sort { ($0.date, $0.id) < ($1.date, $1.id) } }
  }
}
