import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation

extension Dataset {
  /// Loads and validates a data folder against an executable plan. Bad rows become issues; with
  /// `keepGoing` false the caller stops at any issue (and writes nothing).
  /// `parallelInvoicesAt`: invoices CSV files of at least this many bytes are read in two halves at once;
  /// `chunkContractsAt`: contracts CSV files of at least this many bytes are checked in chunks by two threads.
  ///
  /// The files are read in this order, and their issues come in this order: customers, contracts, contract
  /// changes, invoices, payments (payments.csv, statements/, accounts.csv), then collections' files. To overlap
  /// the reading, contracts are read on a second thread while the customers are read, payments on another once
  /// the customers are known, and the invoices file is read while the contracts are checked.
  /// Processors' exports are read with the plan's `processor` settings (which column holds the invoice number).
  public static func load(
    folder: String, plan: ExecutablePlan, parallelInvoicesAt: Int = 16 << 20, chunkContractsAt: Int = 1 << 20
  ) -> (Dataset, [DataIssue]) {
    var load = FolderLoad(folder: folder, plan: plan)
    let customersFound = DataFolder.find("customers", in: folder)
    let contractsFound = DataFolder.find("contracts", in: folder)
    let contractsAhead = ContractsAhead(contractsFound, plan: plan, chunkAt: chunkContractsAt)
    let (customers, customerIndex) = load.customers(customersFound)
    PhaseLog.mark("customers")
    let cashAhead = CashAhead(
      folder: folder, plan: plan, customerIndex: customerIndex, rejected: load.rejected.customers)
    let invoicesAhead = InvoicesAhead()
    invoicesAhead.read(folder: folder, parallelAt: parallelInvoicesAt)
    PhaseLog.mark("invoices file read (while the contracts are checked)")
    contractsAhead.wait()
    PhaseLog.mark("waiting for the contracts (checked on another thread)")
    var (contracts, contractIndex) = load.contracts(contractsFound, ahead: contractsAhead, customerIndex: customerIndex)
    PhaseLog.mark("contracts")
    load.contractChanges(&contracts, contractIndex: contractIndex)
    load.serviceLevels(&contracts, contractIndex: contractIndex)
    load.milestones(&contracts, contractIndex: contractIndex)

    // Earlier invoices: the open ones for collections, and the keys billing must not issue again.
    var ids = InvoiceIDIndex()
    var fastInvoices = 0
    var periods: [Int64] = []
    var invoices: [OpenInvoice] = []
    let invoicesFile = load.find("invoices")
    if let f = invoicesFile {
      (invoices, ids, periods, fastInvoices) = loadInvoices(
        f, plan.program, defaults: plan.fieldDefaults[.invoice] ?? [:], customerIndex: customerIndex, contractIndex: contractIndex,
        rejected: load.rejected, parallelAt: parallelInvoicesAt, ahead: invoicesAhead, &load.issues)
    }
    PhaseLog.mark("invoices")
    cashAhead.done.wait()
    PhaseLog.mark("waiting for payments and accounts")
    let cash = cashAhead.value?.0 ?? CashData()
    load.issues += cashAhead.value?.1 ?? []
    let processors = cashAhead.processors
    let collections = loadCollections(
      folder: folder, plan: plan, customerIndex: customerIndex, invoices: invoices, ids: ids, rejected: load.rejected.customers,
      &load.issues)

    // Usage is streamed later; only its schema is prepared here.
    let evCols = Schemas.columns(.event, plan.program)
    var usageSchema = Schemas.table("usage", evCols, currencyColumn: "currency")
    usageSchema.columns.append(ColumnSpec(name: "currency", type: .currency, required: false))
    // The instant of an event, for weighted sums (docs/data.md): ISO 8601 with an offset, read by billing.
    if !usageSchema.columns.contains(where: { $0.name == "timestamp" }) {
      usageSchema.columns.append(ColumnSpec(name: "timestamp", type: .text, required: false))
    }
    let usage = load.find("usage")
    var ds = Dataset(
      folder: folder, customers: customers, contracts: contracts, customerIndex: customerIndex, contractIndex: contractIndex,
      issuedKeys: [], usage: usage, usageSchema: usageSchema, usageSlots: evCols.map(\.1))
    ds.rejectedRows = load.rejected
    ds.invoices = invoices
    ds.invoiceIDs = ids
    ds.invoicesReadFast = fastInvoices
    ds.issuedPeriods = PeriodKeys(periods)
    ds.invoicesFile = invoicesFile?.path
    ds.collections = collections
    ds.cash = cash
    ds.processors = processors
    let conFields = plan.program.fields(of: .contract)
    ds.contractSlots = (
      conFields.first { $0.name == "quantity" }?.index, conFields.first { $0.name == "seats" }?.index,
      conFields.first { $0.name == "plan" }?.index
    )
    return (ds, load.issues)
  }
}

/// One data folder being loaded: its issues, gathered in the order the files are read, and how many rows of
/// customers and contracts were set aside (named in the messages of rows that refer to them).
struct FolderLoad {
  let folder: String
  let plan: ExecutablePlan
  var issues: [DataIssue] = []
  var rejected = (customers: 0, contracts: 0)

  init(folder: String, plan: ExecutablePlan) {
    self.folder = folder
    self.plan = plan
  }

  /// The file a lookup found (nil when there is none, or it could not be read: an issue).
  mutating func found(_ r: Result<TableFile?, DataIssue>) -> TableFile? {
    switch r {
    case .success(let f): return f
    case .failure(let i):
      issues.append(i)
      return nil
    }
  }

  /// The table `name` of the folder in any of its formats (nil when there is none, or it could not be read).
  mutating func find(_ name: String) -> TableFile? { DataFolder.find(name, in: folder, &issues) }

  mutating func issue(_ code: String, _ file: TableFile, _ row: Row, _ col: Int, _ msg: String) {
    let column = col < row.columns.count ? row.columns[col] : 1
    issues.append(DataIssue(code: code, file: file.path, line: row.line, column: column, message: msg, record: row.raw))
  }

  /// Rows of `file` with an issue (the header's aside): how many were set aside.
  func rejectedRows(_ file: TableFile) -> Int { Set(issues.filter { $0.file == file.path && $0.line > 1 }.map(\.line)).count }

  /// Customers: streamed (rows are not kept), records made from a template per currency.
  mutating func customers(_ found: Result<TableFile?, DataIssue>) -> ([CustomerData], IDIndex) {
    let columns = Schemas.columns(.customer, plan.program)
    let currencyColumn = columns.firstIndex(where: { $0.0.name == "currency" })
    guard let f = self.found(found) else {
      if issues.isEmpty {
        issues.append(
          DataIssue(code: "D0103", file: folder + "/customers.csv", line: 1, column: 1, message: "no customers file (customers.csv, .json or .jsonl)", record: ""))
      }
      return ([], IDIndex())
    }
    let capacity = RecordBuilder.estimatedRows(f.path)
    // A row without a currency is in the rule set's `currency` (grammar.md §5); without one, a money field given
    // (the reader, D0203), or a money or currency field the rules read left empty with no default (`CustomerRows`),
    // has none: reported.
    let fallback = plan.program.settings.currency
    var read = Set<Int>()
    for r in plan.program.resolutions { if case .field(.customer, let slot)? = r { read.insert(slot) } }
    var builder = RecordBuilder(plan: plan, kind: .customer, columns: columns)
    builder.fallbackCurrency = fallback
    var rows = CustomerRows(
      path: f.path, currencyColumn: currencyColumn, builder: builder, read: read, names: columns.map(\.0.name), capacity: capacity)
    var readIssues: [DataIssue] = []
    var schema = Schemas.table("customers", columns, currencyColumn: "currency")
    schema.defaultCurrency = fallback
    schema.missingCurrencyHint = CustomerRows.hint
    // A money field nothing reads may come without a currency (its value is never used).
    for k in schema.columns.indices where schema.columns[k].type == .money && !read.contains(columns[k].1) {
      schema.columns[k].currencyOptional = true
    }
    // A CSV file: plain lines straight from their bytes (`PlainCSV`, as contracts and payments); a duplicate id, and
    // any line the reader has something to say about, through the general reader.
    if f.format == .csv, let file = MappedFile(path: f.path) {
      withExtendedLifetime(file) {
        PlainCSV.read(
          file.bytes, path: f.path, schema: schema, onIssue: { readIssues.append($0) }, fast: { rows.add($0, line: $1) == .added },
          general: { rows.take($0) })
      }
    } else {
      TableReader.stream(f, schema: schema, onIssue: { readIssues.append($0) }) { rows.take($0) }
    }
    // The reader's issues and the rows' (duplicates, fields without a currency), in line order.
    issues += (readIssues + rows.issues).enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    rejected.customers = rejectedRows(f)
    return (rows.customers, rows.index)
  }

  /// Contracts: those checked early on the other thread when nothing was wrong and every customer is known;
  /// otherwise checked again here, against the customers.
  mutating func contracts(
    _ found: Result<TableFile?, DataIssue>, ahead: ContractsAhead, customerIndex: IDIndex
  ) -> ([ContractData], IDIndex) {
    guard let f = self.found(found), ahead.read.file != nil || ahead.read.value != nil else {
      if issues.isEmpty && !plan.plans.isEmpty {
        // Rules without plans (dunning or matching only) need no contracts.
        issues.append(
          DataIssue(code: "D0103", file: folder + "/contracts.csv", line: 1, column: 1, message: "no contracts file (contracts.csv, .json or .jsonl)", record: ""))
      }
      return ([], IDIndex())
    }
    var rows: ContractRows
    if var early = ahead.early.take(), early.resolve(customerIndex) {
      rows = early
    } else {
      rows = ContractRows(
        plan: plan, path: f.path, columns: ahead.columns, rejectedCustomers: rejected.customers,
        estimate: ahead.read.value?.rows.count ?? RecordBuilder.estimatedRows(f.path))
      if let file = ahead.read.file {
        rows.read(file.bytes, customers: customerIndex)
      } else if let (read, iss) = ahead.read.value {
        rows.readerIssues = iss
        for row in read { rows.take(row, customers: customerIndex) }
      }
    }
    ahead.read.value = nil
    ahead.read.file = nil
    issues += rows.issues
    rejected.contracts = rejectedRows(f)
    return (rows.contracts, rows.index)
  }

  /// Contract changes (contract_changes): a new plan, quantity or seats from a date after the contract starts.
  mutating func contractChanges(_ contracts: inout [ContractData], contractIndex: IDIndex) {
    guard let f = find("contract_changes") else { return }
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
        guard let declared = plan.planIndex[pn] else {
          issue("D0303", f, row, 2, "unknown plan '\(pn)'")
          continue
        }
        // A plan priced in several currencies: its copy in the contract's currency.
        let contractCurrency = plan.plans[contracts[ci].plan].currency
        guard let pi = plan.plan(declared, in: contractCurrency) else {
          issue("D0306", f, row, 2, ContractRows.priceBookIssue(plan.plans[declared], contractCurrency, 2).2)
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
      if let pi = change.plan, let cancelled = contracts[ci].cancelledOn, date <= cancelled, plan.plans[pi].cancellation == nil {
        issue(
          "D0315", f, row, 2,
          "contract \(cid) is cancelled on \(cancelled) under plan '\(plan.plans[pi].name)', which does not say what a cancellation bills or credits: "
            + "add a 'cancellation' statement to the plan")
        continue
      }
      contracts[ci].changes.append(change)
    }
    for i in contracts.indices { contracts[i].changes.sort { $0.date < $1.date } }
  }
}

/// The customers of a file as they are read (a struct, not variables captured by the reader's closures: those are
/// boxed, each access to one checked for exclusivity at run time).
struct CustomerRows {
  let path: String
  let currencyColumn: Int?
  var builder: RecordBuilder
  var customers: [CustomerData] = []
  var index: IDIndex
  /// The rows' issues: duplicate ids (D0304), fields left without a currency (D0203).
  var issues: [DataIssue] = []
  /// The columns of the fields the rules read whose value without one is the customer's currency (its `currency`,
  /// a `currency` field) or zero in it (a plain `money` field), that declare no default: when the rules state no
  /// currency, a row that gives neither the field nor a currency has none to give them.
  let needCurrency: [Int]
  /// The columns' names.
  let names: [String]

  /// What the message of money without a currency adds: the rule set's own `currency` would do.
  static let hint = " (or state the rules' currency at their top, as `currency EUR`: customers that give none are in it)"

  /// How a row went.
  enum Added: Equatable {
    case added
    /// Its id is taken (or missing).
    case duplicate
    /// The field of column `k` is empty, and neither the row nor the rules give it a currency.
    case needsCurrency(Int)
  }

  init(path: String, currencyColumn: Int?, builder: RecordBuilder, read: Set<Int>, names: [String], capacity: Int) {
    self.path = path
    self.currencyColumn = currencyColumn
    self.names = names
    self.builder = builder
    customers.reserveCapacity(capacity)
    index = IDIndex(minimumCapacity: capacity)
    let b = builder
    needCurrency =
      b.fallbackCurrency != nil
      ? []
      : b.slots.indices.filter { k in
        guard read.contains(b.slots[k]), b.defaults[b.slots[k]] == nil else { return false }
        switch b.types[k] {
        case .currency, .money(.dynamic): return true
        default: return false
        }
      }
  }

  /// Adds the customer of a row's values when it is `.added`; otherwise nothing is changed.
  mutating func add(_ values: [Value], line: Int) -> Added {
    guard case .text(let id) = values[0] else { return .duplicate }
    var currency: Currency?
    if let ci = currencyColumn, case .currency(let c) = values[ci] { currency = c }
    if currency == nil, !needCurrency.isEmpty, let k = needCurrency.first(where: { values[$0] == .missing }) {
      return index[id] == nil ? .needsCurrency(k) : .duplicate
    }
    guard index.add(id, customers.count) else { return .duplicate }
    let record = builder.record(values, currency: currency)
    let name: String = { if case .text(let n) = values[1] { return n } else { return id } }()
    customers.append(CustomerData(id: id, name: name, record: record, source: RowRef(file: path, line: line)))
    return .added
  }

  /// A row of the general reader: added, or reported.
  mutating func take(_ row: borrowing Row) {
    guard case .text(let id) = row.values[0] else { return }
    switch add(row.values, line: row.line) {
    case .added: return
    case .duplicate:
      let column = row.columns.isEmpty ? 1 : row.columns[0]
      issues.append(
        DataIssue(code: "D0304", file: path, line: row.line, column: column, message: "duplicate customer id '\(id)'", record: row.raw))
    case .needsCurrency(let k):
      let field = names[k]
      let top = "or state the rules' currency at their top (`currency EUR`)"
      let message =
        k == currencyColumn
        ? "customer '\(id)' gives no currency and the rules read customer.currency: give the customer's currency, \(top)"
        : "customer '\(id)' gives no currency and no '\(field)' (empty, or no such column), so "
          + (builder.types[k] == .currency ? "the field has no value" : "its zero has no currency")
          + ": give the customer's currency, declare a default (`field customer.\(field): "
          + (builder.types[k] == .currency ? "currency = EUR" : "money = 0.00 EUR") + "`), \(top)"
      issues.append(
        DataIssue(
          code: "D0203", file: path, line: row.lines.indices.contains(k) ? row.lines[k] : row.line,
          column: row.columns.indices.contains(k) ? row.columns[k] : 1,
          message: "missing value for 'currency': " + message,
          record: row.raw))
    }
  }
}

/// The contracts file read on a second thread while the customers are read: a CSV file is checked there too,
/// its customers found once they are known (`ContractRows`).
final class ContractsAhead: @unchecked Sendable {
  let columns: [(ColumnSpec, Int)]
  let read = TableBox()
  let early = ContractsBox()
  let done = DispatchSemaphore(value: 0)
  /// A large CSV file checked in chunks by both threads (this one once the customers are read).
  private var chunks: ContractChunks?

  init(_ found: Result<TableFile?, DataIssue>, plan: ExecutablePlan, chunkAt: Int) {
    columns = Schemas.columns(.contract, plan.program)
    guard case .success(let f?) = found else {
      done.signal()
      return
    }
    if f.format == .csv, let file = MappedFile(path: f.path),
      let chunks = ContractChunks(file: file, plan: plan, path: f.path, columns: columns, minimumBytes: chunkAt)
    {
      read.file = file
      self.chunks = chunks
      return
    }
    let schema = Schemas.table("contracts", columns)
    let (columns, read, early, done) = (columns, read, early, done)
    let t = Thread {
      if f.format == .csv, let file = MappedFile(path: f.path) {
        read.file = file
        var rows = ContractRows(plan: plan, path: f.path, columns: columns, rejectedCustomers: 0, estimate: RecordBuilder.estimatedRows(f.path))
        rows.read(file.bytes, customers: nil)
        if rows.readerIssues.isEmpty && rows.checked.isEmpty { early.value = rows }
      } else {
        read.value = TableReader.readAll(f, schema: schema)
      }
      done.signal()
    }
    t.stackSize = 8 << 20
    t.start()
  }

  /// Waits for the contracts (taking the chunks not begun yet, when the file is read in chunks).
  func wait() {
    guard let chunks else { return done.wait() }
    early.value = chunks.join()
    self.chunks = nil
  }
}

/// Payments, statements and accounts read on another thread (they need only the customers) while contracts and
/// invoices are read; their issues follow the invoices', as if read after them.
final class CashAhead: @unchecked Sendable {
  var value: (CashData, [DataIssue])?
  /// The processors' exports (`processors/`), whose charges are among the payments.
  var processors = ProcessorData()
  let done = DispatchSemaphore(value: 0)

  init(folder: String, plan: ExecutablePlan, customerIndex: IDIndex, rejected: Int) {
    let stripe = plan.processor("stripe")
    let paymentFields = Schemas.columns(.payment, plan.program)
    let paymentCustom = PaymentFields(plan: plan)
    let t = Thread { [self] in
      var issues: [DataIssue] = []
      var cash = Dataset.loadCash(
        folder: folder, customerIndex: customerIndex, rejected: rejected, custom: paymentFields, customFields: paymentCustom, &issues)
      processors = Dataset.loadProcessors(folder: folder, stripe: stripe, &issues)
      cash.addProcessorCharges(processors, &issues)
      value = (cash, issues)
      done.signal()
    }
    t.stackSize = 8 << 20
    t.start()
  }
}
