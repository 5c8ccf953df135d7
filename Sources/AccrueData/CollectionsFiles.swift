import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueModel
import Foundation

/// What collections reads besides customers: promises, payment plans, extra holidays and reminders
/// sent by another system. (Invoices are `Dataset.invoices`.)
public struct CollectionsData: Sendable {
  public var promises: [PromiseToPay] = []
  public var paymentPlans: [PaymentPlan] = []
  /// Holidays from holidays.csv, by calendar index of the plan.
  public var holidays: [Int: [CivilDate]] = [:]
  public var sent: [SentReminder] = []
  /// The day through which the ledger's fees already charged interest on an invoice (by invoice id): a later
  /// interest step charges only the days after it.
  public var interestChargedThrough: [String: CivilDate] = [:]
}

extension Dataset {
  /// Reads promises.csv, payment_plans.csv, holidays.csv and reminders.csv (each optional), in that order.
  package static func loadCollections(
    folder: String, plan: ExecutablePlan, customerIndex: IDIndex, invoices: [OpenInvoice], ids: InvoiceIDIndex, rejected: Int,
    _ issues: inout [DataIssue]
  ) -> CollectionsData {
    var files = CollectionsFiles(
      folder: folder, plan: plan, customerIndex: customerIndex, invoices: invoices, ids: ids, rejected: rejected)
    files.promises()
    files.paymentPlans()
    files.holidays()
    files.reminders()
    issues += files.issues
    return files.out
  }
}

/// Collections' own files, read against the customers and invoices already loaded.
struct CollectionsFiles {
  let folder: String
  let plan: ExecutablePlan
  let customerIndex: IDIndex
  let invoices: [OpenInvoice]
  let ids: InvoiceIDIndex
  /// Customer rows set aside (named in the message of a row naming an unknown customer).
  let rejected: Int
  var out = CollectionsData()
  var issues: [DataIssue] = []

  /// Reads table `name` when the folder has it; `body` takes each row, or returns its issue.
  mutating func read(_ name: String, _ cols: [ColumnSpec], currencyColumn: String? = nil, _ body: (inout Self, TableFile, Row) -> DataIssue?) {
    guard let f = DataFolder.find(name, in: folder, &issues) else { return }
    let (rows, iss) = TableReader.readAll(f, schema: TableSchema(name: name, columns: cols, currencyColumn: currencyColumn))
    issues += iss
    for row in rows { if let i = body(&self, f, row) { issues.append(i) } }
  }

  func bad(_ code: String, _ f: TableFile, _ row: Row, _ col: Int, _ msg: String) -> DataIssue {
    DataIssue(code: code, file: f.path, line: row.line, column: row.columns[col], message: msg, record: row.raw)
  }

  /// Customer and optional invoice of a row (columns 0 and 1); the invoice must be the customer's.
  func owner(_ f: TableFile, _ row: Row) -> Result<(Int32, Int32), DataIssue> {
    guard case .text(let cust) = row.values[0], let ci = customerIndex[cust] else {
      return .failure(bad("D0301", f, row, 0, Dataset.unknown("customer", row.values[0].text ?? "", rejected: rejected)))
    }
    guard case .text(let inv) = row.values[1] else { return .success((Int32(ci), -1)) }
    guard let ii = ids.find(inv, in: invoices) else { return .failure(bad("D0309", f, row, 1, "unknown invoice '\(inv)'")) }
    guard invoices[ii].customer == Int32(ci) else {
      return .failure(bad("D0307", f, row, 1, "invoice '\(inv)' belongs to another customer than '\(cust)'"))
    }
    return .success((Int32(ci), Int32(ii)))
  }

  /// promises.csv: a customer's promise to pay by a date, for one invoice or all it owes.
  mutating func promises() {
    let cols = [
      ColumnSpec(name: "customer", type: .text, required: true), ColumnSpec(name: "invoice", type: .text),
      ColumnSpec(name: "promised_date", type: .date, required: true), ColumnSpec(name: "amount", type: .money),
      ColumnSpec(name: "currency", type: .currency),
    ]
    read("promises", cols, currencyColumn: "currency") { s, f, row in
      switch s.owner(f, row) {
      case .failure(let i): return i
      case .success(let (c, i)):
        guard case .date(let d) = row.values[2] else { return nil }
        s.out.promises.append(
          PromiseToPay(customer: c, invoice: i, promisedDate: d, amount: row.values[3].decimal, source: RowRef(file: f.path, line: row.line)))
        return nil
      }
    }
  }

  /// payment_plans.csv: an agreed plan (active, completed or broken) from a start date to an optional end.
  mutating func paymentPlans() {
    let cols = [
      ColumnSpec(name: "customer", type: .text, required: true), ColumnSpec(name: "invoice", type: .text),
      ColumnSpec(name: "id", type: .text), ColumnSpec(name: "start_date", type: .date, required: true),
      ColumnSpec(name: "end_date", type: .date), ColumnSpec(name: "status", type: .text),
    ]
    read("payment_plans", cols) { s, f, row in
      switch s.owner(f, row) {
      case .failure(let i): return i
      case .success(let (c, i)):
        guard case .date(let start) = row.values[3] else { return nil }
        var active = true
        if case .text(let status) = row.values[5] {
          guard ["active", "completed", "broken"].contains(status) else {
            return s.bad("D0308", f, row, 5, "unknown status '\(status)': expected active, completed or broken")
          }
          active = status == "active"
        }
        let end = row.values[4].date
        if let e = end, e < start { return s.bad("D0305", f, row, 4, "the plan ends (\(e)) before it starts (\(start))") }
        s.out.paymentPlans.append(
          PaymentPlan(
            id: row.values[2].text ?? "", customer: c, invoice: i, start: start, end: end, active: active,
            source: RowRef(file: f.path, line: row.line)))
        return nil
      }
    }
  }

  /// holidays.csv: extra holidays of a calendar the rules declare.
  mutating func holidays() {
    let calendarIndex = Dictionary(plan.calendars.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
    let cols = [
      ColumnSpec(name: "calendar", type: .text, required: true), ColumnSpec(name: "date", type: .date, required: true),
      ColumnSpec(name: "name", type: .text),
    ]
    read("holidays", cols) { s, f, row in
      guard case .text(let cal) = row.values[0], case .date(let d) = row.values[1] else { return nil }
      guard let ci = calendarIndex[cal] else {
        let known = s.plan.calendars.map(\.name)
        let hint = known.isEmpty ? " (the rules declare no calendar)" : " (the rules declare: \(known.joined(separator: ", ")))"
        return s.bad("D0310", f, row, 0, "unknown calendar '\(cal)'" + hint)
      }
      s.out.holidays[ci, default: []].append(d)
      return nil
    }
  }

  /// reminders.csv: reminders another system sent, each of a cadence step the rules have.
  mutating func reminders() {
    let cols = [
      ColumnSpec(name: "date", type: .date, required: true), ColumnSpec(name: "customer", type: .text, required: true),
      ColumnSpec(name: "cadence", type: .text, required: true), ColumnSpec(name: "step", type: .text, required: true),
      ColumnSpec(name: "invoices", type: .text), ColumnSpec(name: "key", type: .text),
    ]
    read("reminders", cols) { s, f, row in
      guard case .date(let d) = row.values[0], case .text(let cust) = row.values[1], case .text(let cad) = row.values[2],
        case .text(let step) = row.values[3]
      else { return nil }
      guard s.customerIndex[cust] != nil else { return s.bad("D0301", f, row, 1, Dataset.unknown("customer", cust, rejected: s.rejected)) }
      // A step the rules do not have would be ignored when deciding what was sent: say so instead.
      guard let cadence = s.plan.cadences.first(where: { $0.name == cad }) else {
        let names = s.plan.cadences.map(\.name)
        let hint = Suggest.closest(to: cad, among: names).map { "; did you mean '\($0)'?" }
          ?? (names.isEmpty ? " (the rules have none)" : " (the rules have: \(names.joined(separator: ", ")))")
        return s.bad("D0311", f, row, 2, "unknown cadence '\(cad)'" + hint)
      }
      guard cadence.steps.contains(where: { $0.name == step }) else {
        let steps = cadence.steps.map(\.name)
        let hint = Suggest.closest(to: step, among: steps).map { "; did you mean '\($0)'?" } ?? " (its steps: \(steps.joined(separator: ", ")))"
        return s.bad("D0311", f, row, 3, "cadence '\(cad)' has no step '\(step)'" + hint)
      }
      let ids = (row.values[4].text ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      s.out.sent.append(
        SentReminder(key: row.values[5].text ?? "reminders.csv:\(row.line)", date: d, customer: cust, cadence: cad, step: step, invoices: ids))
      return nil
    }
  }
}
