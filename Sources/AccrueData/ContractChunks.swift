import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A large contracts file (CSV without a quote, its header one the fast path reads) checked in chunks of whole
/// lines by two threads: the other thread begins while this one reads the customers, then this one takes the
/// chunks left. Each chunk is checked alone, as `ContractsAhead` checks a whole file (customers not known yet),
/// its lines numbered as if it came first; chunks are joined in file order, their lines renumbered.
///
/// The join is taken only when no chunk has anything to say (no issue of the reader or of the check) and no id
/// is in two chunks: it then holds what checking the file at once gives (every contract, in file order, each
/// once in the index). Otherwise nothing is taken, and the file is checked again, customers known, as before.
final class ContractChunks: @unchecked Sendable {
  static let count = 16

  /// One chunk's contracts when it had nothing to say, and how many lines it is.
  final class Part: @unchecked Sendable {
    var rows: ContractRows?
    var lines = 0
  }

  private let started: StartedChunks<Part>

  /// Nil when the file is not one for chunks (smaller than `minimumBytes`, a quote, a header the fast path does
  /// not read): it is then checked on the other thread in one go.
  init?(file: MappedFile, plan: ExecutablePlan, path: String, columns: [(ColumnSpec, Int)], minimumBytes: Int) {
    let b = file.bytes
    guard b.count >= minimumBytes, b.count > 0, memchr(b.baseAddress!, 34, b.count) == nil,
      let headerEnd = b.firstIndex(of: 10),
      let layout = PlainCSV.Layout(headerLine: b[...headerEnd], schema: Schemas.table("contracts", columns), path: path)
    else { return nil }
    // Cuts just after a newline (every line is a record: there is no quote), at about equal sizes.
    var cuts = [headerEnd + 1]
    for k in 1..<Self.count {
      let at = headerEnd + 1 + (b.count - headerEnd - 1) * k / Self.count
      guard at > cuts[cuts.count - 1], at < b.count, let nl = memchr(b.baseAddress! + at, 10, b.count - at) else { continue }
      let cut = UnsafeRawPointer(nl) - UnsafeRawPointer(b.baseAddress!) + 1
      if cut > cuts[cuts.count - 1] && cut < b.count { cuts.append(cut) }
    }
    cuts.append(b.count)
    let bounds = cuts
    let total = RecordBuilder.estimatedRows(path)
    let parts = cuts.count - 1
    started = StartedChunks(parts) { _, k in
      let part = Part()
      var rows = ContractRows(
        plan: plan, path: path, columns: columns, rejectedCustomers: 0, estimate: k == 0 ? total : total / parts + 16)
      let schema = rows.schema
      let next = PlainCSV.readLines(
        file.bytes, layout: layout, quoted: false, from: bounds[k], to: bounds[k + 1], firstLine: 2, path: path,
        schema: schema, onIssue: { rows.readerIssues.append($0) },
        fast: { values, line in rows.add(values, line: line, customers: nil) == nil },
        general: { row in rows.take(row, customers: nil) })
      part.lines = next - 2
      if rows.readerIssues.isEmpty && rows.checked.isEmpty { part.rows = rows }
      return part
    }
  }

  /// Takes the chunks not begun yet, then joins them: the file's contracts, or nil when they are to be checked
  /// again (a chunk had something to say, or an id is in two chunks).
  func join() -> ContractRows? {
    var joined: ContractRows?
    var ok = true
    var lines = 0
    started.finish { part in
      defer { lines += part.lines }
      guard ok, var rows = part.rows else {
        ok = false
        return
      }
      part.rows = nil
      guard var all = joined else {
        joined = rows
        return
      }
      joined = nil
      ok = all.append(&rows, lineOffset: lines)
      joined = all
    }
    return ok ? joined : nil
  }
}

extension ContractRows {
  /// Appends the contracts of the chunk that follows these (its lines numbered `lineOffset` too low), moved;
  /// false when one of its ids is here already.
  mutating func append(_ next: inout ContractRows, lineOffset: Int) -> Bool {
    let base = contracts.count
    guard index.append(next.index, offset: base) else { return false }
    for j in next.contracts.indices { next.contracts[j].source.line += lineOffset }
    contracts.moveAppend(&next.contracts, placeholder: ContractData.placeholder, parallel: false)
    customerIDs += next.customerIDs
    return true
  }
}

extension ContractData {
  /// A contract holding no reference (empty strings and arrays), for what a move leaves behind.
  static let placeholder = ContractData(
    id: "", customer: 0, plan: 0, start: CivilDate(dayNumber: 0), end: nil, anchor: CivilDate(dayNumber: 0), quantity: .zero,
    seats: .zero, record: [], changes: [], source: RowRef(file: "", line: 0))
}
