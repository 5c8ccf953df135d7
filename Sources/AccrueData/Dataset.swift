import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueDiagnostics
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation

/// A customer with its record slots (in the checker's field order).
public struct CustomerData: Sendable {
  public var id: String
  public var name: String
  public var record: [RValue]
  public var source: RowRef
}

/// A change of a contract's terms from a date on.
public struct ContractChange: Sendable {
  public var date: CivilDate
  public var plan: Int?
  public var quantity: Fixed?
  public var seats: Fixed?
  public var source: RowRef
}

/// A contract with its record slots.
public struct ContractData: Sendable {
  public var id: String
  public var customer: Int
  public var plan: Int
  public var start: CivilDate
  /// Last day of service, inclusive (nil: open-ended).
  public var end: CivilDate?
  public var anchor: CivilDate
  public var quantity: Fixed
  public var seats: Fixed
  public var record: [RValue]
  public var changes: [ContractChange]
  public var source: RowRef
}

/// Makes a record's slots from a row: the column kinds, slots and declared defaults looked up once, and a
/// template of defaults kept per currency (money defaults are in the record's currency), so a row costs one
/// array copy and one conversion per column.
package struct RecordBuilder {
  package let types: [ValueType]
  package let slots: [Int]
  package let defaults: [RValue?]
  package let fieldTypes: [ValueType]
  package var templates: [Currency?: [RValue]] = [:]

  package init(plan: ExecutablePlan, kind: RecordKind, columns: [(ColumnSpec, Int)]) {
    let fields = plan.program.fields(of: kind)
    fieldTypes = fields.map(\.type)
    defaults = fields.map { plan.fieldDefault(kind, $0.index) }
    slots = columns.map(\.1)
    types = columns.map { fields[$0.1].type }
  }

  package mutating func record(_ values: [Value], currency: Currency?) -> [RValue] {
    var record: [RValue]
    if let t = templates[currency] {
      record = t
    } else {
      record = fieldTypes.indices.map { defaults[$0] ?? Schemas.defaultValue(fieldTypes[$0], currency: currency) }
      templates[currency] = record
    }
    for k in slots.indices {
      let slot = slots[k]
      record[slot] = Schemas.value(values[k], types[k], currency: currency, default: defaults[slot])
    }
    return record
  }

  /// About how many records a file holds (from its size; a guess for reserving room, never a limit).
  package static func estimatedRows(_ path: String) -> Int {
    guard let h = FileHandle(forReadingAtPath: path) else { return 16 }
    defer { try? h.close() }
    guard let size = try? h.seekToEnd(), (try? h.seek(toOffset: 0)) != nil, let sample = try? h.read(upToCount: 1 << 16),
      !sample.isEmpty
    else { return 16 }
    let lines = max(1, sample.reduce(0) { $0 + ($1 == 10 ? 1 : 0) })
    // Capped: the tables grow past it when needed; a file of very short lines must not reserve a gigabyte.
    return min(Int(size) / max(1, sample.count / lines) + 16, 1 << 20)
  }
}

/// The period keys of the invoices file (`Dataset.periodKey`; 0: none), made a set the first time billing asks:
/// runs that only dun or match never pay for it. Safe to share (the set is built under a lock).
public final class PeriodKeys: @unchecked Sendable {
  private let lock = NSLock()
  private var raw: [Int64]
  private var set: Set<Int64>?

  public init(_ keys: [Int64]) { raw = keys }

  public func contains(_ key: Int64) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    if set == nil {
      set = Set(raw.lazy.filter { $0 != 0 })
      raw = []
    }
    return set!.contains(key)
  }
}

/// Carries a table read on another thread back (written once before the semaphore is signalled).
package final class TableBox: @unchecked Sendable {
  package var value: (rows: [Row], issues: [DataIssue])?
  /// A CSV file's bytes, when it was read as bytes.
  package var file: MappedFile?
}

/// The data of one run, validated against the rules.
public struct Dataset: Sendable {
  public var folder: String
  public var customers: [CustomerData]
  public var contracts: [ContractData]
  public var customerIndex: IDIndex
  public var contractIndex: IDIndex
  /// Keys of invoices issued besides the invoices file's ids (a journal's, a forecast's earlier days).
  public var issuedKeys: Set<String>
  /// Invoice rows the fast path read (the rest went through the general reader); for tests and `--stats`.
  public var invoicesReadFast = 0
  /// The invoices file's ids (Accrue's invoices have their key as id): issued too.
  public var invoiceIDs = InvoiceIDIndex()

  /// Whether an invoice with this key was issued (in the invoices file, or recorded since).
  public func isIssued(_ key: String) -> Bool { issuedKeys.contains(key) || invoiceIDs.find(key, in: invoices) != nil }
  /// Contract and period start of the invoices of another system (`Dataset.periodKey`): issued too.
  public var issuedPeriods = PeriodKeys([])
  /// The usage file, streamed by billing (nil when there is none).
  public var usage: TableFile?
  public var usageSchema: TableSchema
  /// Where each event field lands in the event record.
  public var usageSlots: [Int]
  /// Slots of the contract fields that changes rewrite (quantity, seats, plan).
  public var contractSlots: (quantity: Int?, seats: Int?, plan: Int?) = (nil, nil, nil)
  /// Rows of the customers and contracts files left out for their issues: an id "unknown" elsewhere may
  /// be one of them, and the messages say so.
  public var rejectedRows: (customers: Int, contracts: Int) = (0, 0)
  /// Invoices issued earlier (invoices.csv), in file order.
  public var invoices: [OpenInvoice] = []
  /// Open invoices a payment of this run waits for review for (a suggested match, a short payment held in a
  /// queue), with which payment: dunning leaves them alone and says so (`recordPayments`).
  public var awaitingReview: [Int32: String] = [:]
  /// The invoices file's path (for row references), nil when there is none.
  public var invoicesFile: String?
  /// Promises to pay, payment plans, extra holidays and reminders sent by another system.
  public var collections = CollectionsData()
  /// Payments to apply (payments.csv and statements/) and the customers' bank accounts (accounts.csv).
  public var cash = CashData()

  package func unknownCustomer(_ id: String) -> String { Dataset.unknown("customer", id, rejected: rejectedRows.customers) }
  package func unknownContract(_ id: String) -> String { Dataset.unknown("contract", id, rejected: rejectedRows.contracts) }

  /// "unknown contract 'X'", plus a pointer to the rejected rows of that table when there are any.
  package static func unknown(_ what: String, _ id: String, rejected n: Int) -> String {
    "unknown \(what) '\(id)'" + (n == 0 ? "" : " (if the \(what)s file has it, its row was rejected above: fix that row first)")
  }
}

/// Table schemas: the built-in columns of docs/data.md plus the rules' custom fields.
package enum Schemas {
  /// Data columns of a record kind (fields not read from files, such as balances, are left out).
  package static func columns(_ r: RecordKind, _ p: CheckedProgram) -> [(ColumnSpec, Int)] {
    let fields = p.fields(of: r)
    func spec(_ name: String, _ t: FieldType, required: Bool = false) -> (ColumnSpec, Int)? {
      guard let f = fields.first(where: { $0.name == name }) else { return nil }
      return (ColumnSpec(name: name, type: t, required: required), f.index)
    }
    var out: [(ColumnSpec, Int)] = []
    switch r {
    case .customer:
      out = [
        spec("id", .text, required: true), spec("name", .text, required: true), spec("segment", .text), spec("country", .text),
        spec("currency", .currency), spec("email", .text), spec("billing_email", .text), spec("account_owner", .text),
        spec("phone", .text), spec("credit_hold", .bool),
      ].compactMap { $0 }
    case .contract:
      out = [
        spec("id", .text, required: true), spec("customer", .text, required: true), spec("plan", .text, required: true),
        spec("start_date", .date, required: true), spec("end_date", .date), spec("quantity", .number), spec("seats", .number),
        spec("currency", .currency), spec("billing_anchor", .date),
      ].compactMap { $0 }
    case .event:
      out = [
        spec("id", .text, required: true), spec("customer", .text, required: true), spec("contract", .text),
        spec("date", .date, required: true), spec("name", .text, required: true), spec("quantity", .number),
        spec("amount", .money),
      ].compactMap { $0 }
    case .invoice, .payment:
      out = []
    }
    for f in fields where f.isCustom {
      out.append((ColumnSpec(name: f.name, type: fieldType(f.type), required: false), f.index))
    }
    return out
  }

  package static func fieldType(_ t: ValueType) -> FieldType {
    switch t {
    case .number, .days, .businessDays, .months: .number
    case .money: .money
    case .percent: .number
    case .date: .date
    case .bool: .bool
    case .currency: .currency
    default: .text
    }
  }

  /// Converts an imported value to a record slot value of the field's kind (missing: the kind's default).
  package static func value(_ v: Value, _ t: ValueType, currency: Currency?, default d: RValue? = nil) -> RValue {
    if case .missing = v, let d { return d }
    switch (v, t) {
    case (.text(let s), _): return .text(s)
    case (.date(let d), _): return .date(d)
    case (.bool(let b), _): return .bool(b)
    case (.currency(let c), _): return .currency(c)
    case (.number(let n), .percent): return .percent(n.divided(by: Fixed(100)) ?? n)
    case (.number(let n), .days): return .days(n.toInt64() ?? 0)
    case (.number(let n), .months): return .months(n.toInt64() ?? 0)
    case (.number(let n), .businessDays): return .businessDays(n.toInt64() ?? 0)
    case (.number(let n), _): return .number(n)
    // A field declared in one currency is in it; otherwise in the row's currency.
    case (.money(let m), .money(.known(let c))): return .money(m, c)
    case (.money(let m), _): return .money(m, currency ?? .USD)
    case (.missing, _): return defaultValue(t, currency: currency)
    }
  }

  package static func defaultValue(_ t: ValueType, currency: Currency?) -> RValue {
    switch t {
    case .number: .number(.zero)
    case .money(.known(let c)): .money(.zero, c)
    case .money: .money(.zero, currency ?? .USD)
    case .percent: .percent(.zero)
    case .date: .date(CivilDate(year: 9999, month: 12, day: 31) ?? CivilDate(dayNumber: 0))
    case .days: .days(0)
    case .businessDays: .businessDays(0)
    case .months: .months(0)
    case .bool: .bool(false)
    case .currency: .currency(currency ?? .USD)
    default: .text("")
    }
  }

  package static func table(_ name: String, _ cols: [(ColumnSpec, Int)], currencyColumn: String? = nil) -> TableSchema {
    TableSchema(name: name, columns: cols.map(\.0), currencyColumn: currencyColumn)
  }
}

extension Dataset {
  /// Loads and validates a data folder against an executable plan. Bad rows become issues; with
  /// `keepGoing` false the caller stops at any issue (and writes nothing).
  /// `parallelInvoicesAt`: invoices CSV files of at least this many bytes are read in two halves at once.
  public static func load(folder: String, plan: ExecutablePlan, parallelInvoicesAt: Int = 16 << 20) -> (Dataset, [DataIssue]) {
    let p = plan.program
    var issues: [DataIssue] = []
    func find(_ name: String) -> TableFile? {
      switch DataFolder.find(name, in: folder) {
      case .success(let f): return f
      case .failure(let i):
        issues.append(i)
        return nil
      }
    }
    func issue(_ code: String, _ file: TableFile, _ row: Row, _ col: Int, _ msg: String) {
      let column = col < row.columns.count ? row.columns[col] : 1
      issues.append(DataIssue(code: code, file: file.path, line: row.line, column: column, message: msg, record: row.raw))
    }

    // The contracts are read on a second thread while the customers are read here: a CSV file is checked there
    // too, its customers found once they are known (`ContractRows`). Meanwhile, the customers read, this thread
    // reads the invoices file.
    let custFound = DataFolder.find("customers", in: folder)
    let conFound = DataFolder.find("contracts", in: folder)
    let conCols = Schemas.columns(.contract, p)
    let conRead = TableBox()
    let conEarly = ContractsBox()
    let conDone = DispatchSemaphore(value: 0)
    if case .success(let f?) = conFound {
      let schema = Schemas.table("contracts", conCols)
      let t = Thread {
        if f.format == .csv, let file = MappedFile(path: f.path) {
          conRead.file = file
          var early = ContractRows(
            plan: plan, path: f.path, columns: conCols, rejectedCustomers: 0, estimate: RecordBuilder.estimatedRows(f.path))
          early.read(file.bytes, customers: nil)
          if early.readerIssues.isEmpty && early.checked.isEmpty { conEarly.value = early }
        } else {
          conRead.value = TableReader.readAll(f, schema: schema)
        }
        conDone.signal()
      }
      t.stackSize = 8 << 20
      t.start()
    } else {
      conDone.signal()
    }
    func found(_ r: Result<TableFile?, DataIssue>) -> TableFile? {
      switch r {
      case .success(let f): return f
      case .failure(let i):
        issues.append(i)
        return nil
      }
    }

    var rejected = (customers: 0, contracts: 0)

    // Customers: streamed (rows are not kept), records made from a template per currency.
    let custCols = Schemas.columns(.customer, p)
    var customers: [CustomerData] = []
    var customerIndex = IDIndex()
    let custCurrency = custCols.firstIndex(where: { $0.0.name == "currency" })
    if let f = found(custFound) {
      let capacity = RecordBuilder.estimatedRows(f.path)
      customers.reserveCapacity(capacity)
      customerIndex = IDIndex(minimumCapacity: capacity)
      var duplicates: [DataIssue] = []
      var readIssues: [DataIssue] = []
      var builder = RecordBuilder(plan: plan, kind: .customer, columns: custCols)
      TableReader.stream(f, schema: Schemas.table("customers", custCols), onIssue: { readIssues.append($0) }) { row in
        guard case .text(let id) = row.values[0] else { return }
        guard customerIndex.add(id, customers.count) else {
          let column = row.columns.isEmpty ? 1 : row.columns[0]
          duplicates.append(DataIssue(code: "D0304", file: f.path, line: row.line, column: column, message: "duplicate customer id '\(id)'", record: row.raw))
          return
        }
        var currency: Currency?
        if let ci = custCurrency, case .currency(let c) = row.values[ci] { currency = c }
        let record = builder.record(row.values, currency: currency)
        let name: String = { if case .text(let n) = row.values[1] { return n } else { return id } }()
        customers.append(CustomerData(id: id, name: name, record: record, source: RowRef(file: f.path, line: row.line)))
      }
      issues += readIssues
      issues += duplicates
      rejected.customers = Set(issues.filter { $0.file == f.path && $0.line > 1 }.map(\.line)).count
    } else if issues.isEmpty {
      issues.append(DataIssue(code: "D0103", file: folder + "/customers.csv", line: 1, column: 1, message: "no customers file (customers.csv, .json or .jsonl)", record: ""))
    }

    PhaseLog.mark("customers")
    // Payments, statements and accounts are read on another thread from now on (they need only the customers),
    // while contracts and invoices are read; their issues follow the invoices', as if read after them.
    let cashBox = CashBox()
    let cashDone = DispatchSemaphore(value: 0)
    let custIndex = customerIndex
    let rejectedCustomers = rejected.customers
    let paymentFields = Schemas.columns(.payment, plan.program)
    let paymentCustom = PaymentFields(plan: plan)
    let cashThread = Thread {
      var cashIssues: [DataIssue] = []
      cashBox.value = (
        loadCash(
          folder: folder, customerIndex: custIndex, rejected: rejectedCustomers, custom: paymentFields, customFields: paymentCustom,
          &cashIssues), cashIssues
      )
      cashDone.signal()
    }
    cashThread.stackSize = 8 << 20
    cashThread.start()
    let ahead = InvoicesAhead()
    ahead.read(folder: folder, parallelAt: parallelInvoicesAt)
    PhaseLog.mark("invoices file read (while the contracts are checked)")
    // Contracts.
    let conFields = p.fields(of: .contract)
    var contracts: [ContractData] = []
    var contractIndex = IDIndex()
    conDone.wait()
    PhaseLog.mark("waiting for the contracts (checked on another thread)")
    if let f = found(conFound), conRead.file != nil || conRead.value != nil {
      // Checked early, with nothing wrong and every customer known: done. Otherwise checked again here.
      var rows: ContractRows
      if var early = conEarly.take(), early.resolve(customerIndex) {
        rows = early
      } else {
        rows = ContractRows(
          plan: plan, path: f.path, columns: conCols, rejectedCustomers: rejected.customers,
          estimate: conRead.value?.rows.count ?? RecordBuilder.estimatedRows(f.path))
        if let file = conRead.file {
          rows.read(file.bytes, customers: customerIndex)
        } else if let (read, iss) = conRead.value {
          rows.readerIssues = iss
          for row in read { rows.take(row, customers: customerIndex) }
        }
      }
      conRead.value = nil
      conRead.file = nil
      issues += rows.issues
      contracts = rows.contracts
      contractIndex = rows.index
      rejected.contracts = Set(issues.filter { $0.file == f.path && $0.line > 1 }.map(\.line)).count
    } else if issues.isEmpty && !plan.plans.isEmpty {
      // Rules without plans (dunning or matching only) need no contracts.
      issues.append(DataIssue(code: "D0103", file: folder + "/contracts.csv", line: 1, column: 1, message: "no contracts file (contracts.csv, .json or .jsonl)", record: ""))
    }

    PhaseLog.mark("contracts")
    // Contract changes.
    if let f = find("contract_changes") {
      let cols: [ColumnSpec] = [
        ColumnSpec(name: "contract", type: .text, required: true), ColumnSpec(name: "date", type: .date, required: true),
        ColumnSpec(name: "plan", type: .text, required: false), ColumnSpec(name: "quantity", type: .number, required: false),
        ColumnSpec(name: "seats", type: .number, required: false),
      ]
      let (rows, iss) = TableReader.readAll(f, schema: TableSchema(name: "contract_changes", columns: cols, currencyColumn: nil))
      issues += iss
      for row in rows {
        guard case .text(let cid) = row.values[0], case .date(let date) = row.values[1] else { continue }
        guard let ci = contractIndex[cid] else {
          issue("D0302", f, row, 0, Dataset.unknown("contract", cid, rejected: rejected.contracts))
          continue
        }
        var change = ContractChange(date: date, plan: nil, quantity: nil, seats: nil, source: RowRef(file: f.path, line: row.line))
        if case .text(let pn) = row.values[2] {
          guard let pi = plan.planIndex[pn] else {
            issue("D0303", f, row, 2, "unknown plan '\(pn)'")
            continue
          }
          if plan.plans[pi].currency != plan.plans[contracts[ci].plan].currency {
            issue("D0306", f, row, 2, "plan '\(pn)' bills in \(plan.plans[pi].currency.code), the contract in \(plan.plans[contracts[ci].plan].currency.code)")
            continue
          }
          change.plan = pi
        }
        if case .number(let q) = row.values[3] { change.quantity = q }
        if case .number(let s) = row.values[4] { change.seats = s }
        if date <= contracts[ci].start {
          issue("D0305", f, row, 1, "a change must take effect after the contract starts (\(contracts[ci].start))")
          continue
        }
        contracts[ci].changes.append(change)
      }
      for i in contracts.indices { contracts[i].changes.sort { $0.date < $1.date } }
    }

    // Earlier invoices: the open ones for collections, and the keys billing must not issue again.
    var ids = InvoiceIDIndex()
    var fastInvoices = 0
    var periods: [Int64] = []
    var invoices: [OpenInvoice] = []
    let invoicesFile = find("invoices")
    if let f = invoicesFile {
      (invoices, ids, periods, fastInvoices) = loadInvoices(
        f, p, defaults: plan.fieldDefaults[.invoice] ?? [:], customerIndex: customerIndex, contractIndex: contractIndex, rejected: rejected, parallelAt: parallelInvoicesAt, ahead: ahead, &issues)
    }
    PhaseLog.mark("invoices")
    cashDone.wait()
    PhaseLog.mark("waiting for payments and accounts")
    let cash = cashBox.value?.0 ?? CashData()
    issues += cashBox.value?.1 ?? []
    let collections = loadCollections(
      folder: folder, plan: plan, customerIndex: customerIndex, invoices: invoices, ids: ids, rejected: rejected.customers, &issues)

    // Usage is streamed later; only its schema is prepared here.
    let evCols = Schemas.columns(.event, p)
    var usageSchema = Schemas.table("usage", evCols, currencyColumn: "currency")
    usageSchema.columns.append(ColumnSpec(name: "currency", type: .currency, required: false))
    let usage = find("usage")
    var ds = Dataset(
      folder: folder, customers: customers, contracts: contracts, customerIndex: customerIndex, contractIndex: contractIndex,
      issuedKeys: [], usage: usage, usageSchema: usageSchema, usageSlots: evCols.map(\.1))
    ds.rejectedRows = rejected
    ds.invoices = invoices
    ds.invoiceIDs = ids
    ds.invoicesReadFast = fastInvoices
    ds.issuedPeriods = PeriodKeys(periods)
    ds.invoicesFile = invoicesFile?.path
    ds.collections = collections
    ds.cash = cash
    ds.contractSlots = (
      conFields.first { $0.name == "quantity" }?.index, conFields.first { $0.name == "seats" }?.index,
      conFields.first { $0.name == "plan" }?.index
    )
    return (ds, issues)
  }
}

/// Brings the cash data back from the thread that reads it.
package final class CashBox: @unchecked Sendable {
  package var value: (CashData, [DataIssue])?
}
