import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport
import Foundation

/// The state of an earlier invoice.
public enum InvoiceStatus: String, Sendable, CaseIterable {
  case open, paid, void
  case writtenOff = "written_off"
}

/// An invoice issued earlier (invoices.csv), kept compact: a million of them must fit easily.
public struct OpenInvoice: Sendable {
  public var id: String
  public var number: String
  public var isCreditNote: Bool
  public var customer: Int32
  /// Index into `Dataset.contracts`, or -1.
  public var contract: Int32
  public var issueDate: CivilDate
  public var dueDate: CivilDate
  public var currency: Currency
  public var amount: Fixed
  public var paid: Fixed
  public var disputed: Fixed
  public var status: InvoiceStatus
  public var reference: String
  /// Its line in the invoices file.
  public var line: Int32
  /// Values of the rules' custom invoice fields, in slot order after the built-in ones (empty when none).
  public var custom: [RValue]

  /// Amount still open, disputed amounts excluded (never below zero).
  public var balance: Fixed {
    let b = amount.subtracting(paid)?.subtracting(disputed) ?? .zero
    return b > .zero ? b : .zero
  }

  /// Amount still open, disputed amounts included.
  public var unpaid: Fixed {
    let b = amount.subtracting(paid) ?? .zero
    return b > .zero ? b : .zero
  }
}

/// A promise to pay (promises.csv): dunning of the invoice (or of all the customer's invoices) waits
/// until the promised date; after it, the promise is broken and dunning resumes.
public struct PromiseToPay: Sendable {
  public var customer: Int32
  /// Index into `Dataset.invoices`, or -1 for all the customer's invoices.
  public var invoice: Int32
  public var promisedDate: CivilDate
  public var amount: Fixed?
  public var source: RowRef
}

/// A payment plan (payment_plans.csv): while active, dunning of its invoice (or of all the customer's
/// invoices) is paused.
public struct PaymentPlan: Sendable {
  public var id: String
  public var customer: Int32
  public var invoice: Int32
  public var start: CivilDate
  /// Last day (inclusive), nil: open-ended.
  public var end: CivilDate?
  /// `active` (default), `completed` or `broken`: only an active plan pauses.
  public var active: Bool
  public var source: RowRef
}

/// Something produced earlier: an invoice or a reminder, recorded by `accrue apply` (the journal) or, for
/// reminders, sent by another system (reminders.csv).
public struct ProducedItem: Sendable, Hashable {
  public enum Kind: String, Sendable { case invoice, reminder }
  public var kind: Kind
  public var key: String
  public var date: CivilDate
  public var customer: String
  /// For reminders: the cadence, the step and the invoices covered.
  public var cadence: String
  public var step: String
  public var invoices: [String]

  public init(
    kind: Kind, key: String, date: CivilDate, customer: String, cadence: String = "", step: String = "", invoices: [String] = []
  ) {
    self.kind = kind
    self.key = key
    self.date = date
    self.customer = customer
    self.cadence = cadence
    self.step = step
    self.invoices = invoices
  }
}

/// What collections reads besides customers: promises, payment plans, extra holidays and reminders
/// sent by another system. (Invoices are `Dataset.invoices`.)
public struct CollectionsData: Sendable {
  public var promises: [PromiseToPay] = []
  public var paymentPlans: [PaymentPlan] = []
  /// Holidays from holidays.csv, by calendar index of the plan.
  public var holidays: [Int: [CivilDate]] = [:]
  public var sent: [ProducedItem] = []
}

extension Dataset {
  /// The invoices file's built-in columns (docs/data.md).
  static let invoiceColumns: [ColumnSpec] = [
    ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "number", type: .text, required: false),
    ColumnSpec(name: "kind", type: .text, required: false), ColumnSpec(name: "customer", type: .text, required: true),
    ColumnSpec(name: "contract", type: .text, required: false), ColumnSpec(name: "issue_date", type: .date, required: true),
    ColumnSpec(name: "due_date", type: .date, required: true), ColumnSpec(name: "currency", type: .currency, required: true),
    ColumnSpec(name: "amount", type: .money, required: true), ColumnSpec(name: "amount_paid", type: .money, required: false),
    ColumnSpec(name: "disputed_amount", type: .money, required: false), ColumnSpec(name: "status", type: .text, required: false),
    ColumnSpec(name: "reference", type: .text, required: false), ColumnSpec(name: "period_start", type: .date, required: false),
    ColumnSpec(name: "period_end", type: .date, required: false),
  ]

  /// Reads invoices.csv as a stream into compact `OpenInvoice`s (and the keys billing must not issue again).
  static func loadInvoices(
    _ f: TableFile, _ p: CheckedProgram, customerIndex: [String: Int], contractIndex: [String: Int],
    rejected: (customers: Int, contracts: Int), _ issues: inout [DataIssue]
  ) -> (invoices: [OpenInvoice], issued: Set<String>) {
    let custom = Schemas.columns(.invoice, p)
    let schema = TableSchema(name: "invoices", columns: invoiceColumns + custom.map(\.0), currencyColumn: "currency")
    let fields = p.fields(of: .invoice)
    let firstCustom = invoiceColumns.count
    var invoices: [OpenInvoice] = []
    var issued: Set<String> = []
    var ids: Set<String> = []
    var found: [DataIssue] = []
    func issue(_ code: String, _ row: borrowing Row, _ col: Int, _ msg: String) {
      found.append(DataIssue(code: code, file: f.path, line: row.line, column: row.columns[col], message: msg, record: row.raw))
    }
    TableReader.stream(f, schema: schema, onIssue: { found.append($0) }) { row in
      guard case .text(let id) = row.values[0], case .text(let cust) = row.values[3], case .date(let issueDate) = row.values[5],
        case .date(let due) = row.values[6], case .currency(let cur) = row.values[7], case .money(let amount) = row.values[8]
      else { return }
      if !ids.insert(id).inserted {
        issue("D0304", row, 0, "duplicate invoice id '\(id)'")
        return
      }
      guard let ci = customerIndex[cust] else {
        issue("D0301", row, 3, Dataset.unknown("customer", cust, rejected: rejected.customers))
        return
      }
      var contract: Int32 = -1
      if case .text(let c) = row.values[4] {
        guard let k = contractIndex[c] else {
          issue("D0302", row, 4, Dataset.unknown("contract", c, rejected: rejected.contracts))
          return
        }
        contract = Int32(k)
      }
      var status = InvoiceStatus.open
      if case .text(let s) = row.values[11] {
        guard let st = InvoiceStatus(rawValue: s) else {
          issue("D0308", row, 11, "unknown status '\(s)': expected open, paid, void or written_off")
          return
        }
        status = st
      }
      var kindCreditNote = false
      if case .text(let k) = row.values[2] {
        guard k == "invoice" || k == "credit_note" else {
          issue("D0308", row, 2, "unknown kind '\(k)': expected invoice or credit_note")
          return
        }
        kindCreditNote = k == "credit_note"
      }
      if due < issueDate {
        issue("D0305", row, 6, "due date \(due) is before the issue date \(issueDate)")
        return
      }
      issued.insert(id)
      // An invoice of another system counts as issued for its contract and period start.
      if case .text(let c) = row.values[4], case .date(let ps) = row.values[13], !kindCreditNote { issued.insert("\(c)/\(ps)") }
      var values: [RValue] = []
      if !custom.isEmpty {
        values.reserveCapacity(custom.count)
        for (k, (_, slot)) in custom.enumerated() {
          values.append(Schemas.value(row.values[firstCustom + k], fields[slot].type, currency: cur))
        }
      }
      func money(_ i: Int) -> Fixed { if case .money(let m) = row.values[i] { return m } else { return .zero } }
      let number: String = { if case .text(let n) = row.values[1] { return n } else { return id } }()
      let reference: String = { if case .text(let r) = row.values[12] { return r } else { return "" } }()
      invoices.append(
        OpenInvoice(
          id: id, number: number, isCreditNote: kindCreditNote, customer: Int32(ci), contract: contract, issueDate: issueDate,
          dueDate: due, currency: cur, amount: amount, paid: money(9), disputed: money(10), status: status, reference: reference,
          line: Int32(row.line), custom: values))
    }
    issues += found
    return (invoices, issued)
  }

  /// Reads promises.csv, payment_plans.csv, holidays.csv and reminders.csv (each optional).
  static func loadCollections(
    folder: String, plan: ExecutablePlan, customerIndex: [String: Int], invoices: [OpenInvoice], rejected: Int,
    _ issues: inout [DataIssue]
  ) -> CollectionsData {
    var out = CollectionsData()
    var invoiceIndex: [String: Int] = [:]
    var needIndex = false
    for name in ["promises", "payment_plans"] where DataFolder.exists(name, in: folder) { needIndex = true }
    if needIndex {
      invoiceIndex.reserveCapacity(invoices.count)
      for (i, inv) in invoices.enumerated() { invoiceIndex[inv.id] = i }
    }
    func read(_ name: String, _ cols: [ColumnSpec], currencyColumn: String? = nil, _ body: (TableFile, Row) -> DataIssue?) {
      switch DataFolder.find(name, in: folder) {
      case .failure(let i): issues.append(i)
      case .success(nil): break
      case .success(let f?):
        let (rows, iss) = TableReader.readAll(f, schema: TableSchema(name: name, columns: cols, currencyColumn: currencyColumn))
        issues += iss
        for row in rows { if let i = body(f, row) { issues.append(i) } }
      }
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
      guard let ii = invoiceIndex[inv] else { return .failure(bad("D0309", f, row, 1, "unknown invoice '\(inv)'")) }
      guard invoices[ii].customer == Int32(ci) else {
        return .failure(bad("D0307", f, row, 1, "invoice '\(inv)' belongs to another customer than '\(cust)'"))
      }
      return .success((Int32(ci), Int32(ii)))
    }
    read(
      "promises",
      [
        ColumnSpec(name: "customer", type: .text, required: true), ColumnSpec(name: "invoice", type: .text),
        ColumnSpec(name: "promised_date", type: .date, required: true), ColumnSpec(name: "amount", type: .money),
        ColumnSpec(name: "currency", type: .currency),
      ], currencyColumn: "currency"
    ) { f, row in
      switch owner(f, row) {
      case .failure(let i): return i
      case .success(let (c, i)):
        guard case .date(let d) = row.values[2] else { return nil }
        out.promises.append(PromiseToPay(customer: c, invoice: i, promisedDate: d, amount: row.values[3].decimal, source: RowRef(file: f.path, line: row.line)))
        return nil
      }
    }
    read(
      "payment_plans",
      [
        ColumnSpec(name: "customer", type: .text, required: true), ColumnSpec(name: "invoice", type: .text),
        ColumnSpec(name: "id", type: .text), ColumnSpec(name: "start_date", type: .date, required: true),
        ColumnSpec(name: "end_date", type: .date), ColumnSpec(name: "status", type: .text),
      ]
    ) { f, row in
      switch owner(f, row) {
      case .failure(let i): return i
      case .success(let (c, i)):
        guard case .date(let start) = row.values[3] else { return nil }
        var active = true
        if case .text(let s) = row.values[5] {
          guard ["active", "completed", "broken"].contains(s) else {
            return bad("D0308", f, row, 5, "unknown status '\(s)': expected active, completed or broken")
          }
          active = s == "active"
        }
        let end = row.values[4].date
        if let e = end, e < start { return bad("D0305", f, row, 4, "the plan ends (\(e)) before it starts (\(start))") }
        out.paymentPlans.append(
          PaymentPlan(
            id: row.values[2].text ?? "", customer: c, invoice: i, start: start, end: end, active: active,
            source: RowRef(file: f.path, line: row.line)))
        return nil
      }
    }
    let calendarIndex = Dictionary(plan.calendars.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
    read(
      "holidays",
      [
        ColumnSpec(name: "calendar", type: .text, required: true), ColumnSpec(name: "date", type: .date, required: true),
        ColumnSpec(name: "name", type: .text),
      ]
    ) { f, row in
      guard case .text(let cal) = row.values[0], case .date(let d) = row.values[1] else { return nil }
      guard let ci = calendarIndex[cal] else {
        let known = plan.calendars.map(\.name)
        let hint = known.isEmpty ? " (the rules declare no calendar)" : " (the rules declare: \(known.joined(separator: ", ")))"
        return bad("D0310", f, row, 0, "unknown calendar '\(cal)'" + hint)
      }
      out.holidays[ci, default: []].append(d)
      return nil
    }
    read(
      "reminders",
      [
        ColumnSpec(name: "date", type: .date, required: true), ColumnSpec(name: "customer", type: .text, required: true),
        ColumnSpec(name: "cadence", type: .text, required: true), ColumnSpec(name: "step", type: .text, required: true),
        ColumnSpec(name: "invoices", type: .text), ColumnSpec(name: "key", type: .text),
      ]
    ) { f, row in
      guard case .date(let d) = row.values[0], case .text(let cust) = row.values[1], case .text(let cad) = row.values[2],
        case .text(let step) = row.values[3]
      else { return nil }
      guard customerIndex[cust] != nil else { return bad("D0301", f, row, 1, Dataset.unknown("customer", cust, rejected: rejected)) }
      let ids = (row.values[4].text ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      out.sent.append(
        ProducedItem(
          kind: .reminder, key: row.values[5].text ?? "reminders.csv:\(row.line)", date: d, customer: cust, cadence: cad, step: step,
          invoices: ids))
      return nil
    }
    return out
  }
}
