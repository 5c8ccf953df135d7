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
  /// A change of plan the plan being left has a policy for: upgrade or downgrade, and when it takes effect
  /// (`date` is then that day; grammar.md §6.11). Set by billing.
  public var decided: PlanChangeDecision? = nil
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
  /// The day the customer cancelled (contracts' `cancelled_on`): service ends as the plan's cancellation policy
  /// says (grammar.md §6.6); nil when not cancelled.
  public var cancelledOn: CivilDate? = nil
  /// The day the customer gave notice not to renew (contracts' `notice_given_on`): the plan's `term` and `notice`
  /// say at which term's end the contract ends (grammar.md §6.8).
  public var noticeGivenOn: CivilDate? = nil
  /// Measured service levels (service_levels), by date: what a plan's `service credit` credits (grammar.md §6.7).
  public var serviceLevels: [ServiceLevelRow] = []
  /// Milestones reached (milestones), by date: what the plan's `milestone` charges bill (grammar.md §6.3).
  public var milestones: [MilestoneRow] = []
}

/// Makes a record's slots from a row: the column kinds, slots and declared defaults looked up once, and a
/// template of defaults kept per currency (money defaults are in the record's currency). A record is made in
/// one pass over its slots, each initialized once (from its column, or from the template): no template copied
/// and then written over, which copied every slot and released what it replaced.
package struct RecordBuilder {
  package let types: [ValueType]
  package let slots: [Int]
  package let defaults: [RValue?]
  package let fieldTypes: [ValueType]
  package var templates: [Currency?: [RValue]] = [:]
  /// The currency of a record made without one (customers: the rule set's `currency`), for its money and the
  /// defaults of its currency fields; nil: USD (the reader reports money given without a currency, D0203, and
  /// `CustomerRows` a field read without one).
  package var fallbackCurrency: Currency?
  /// The column whose value fills each slot (-1: none, the template's value; the last column naming a slot wins).
  private let columnOf: [Int]
  /// What a number or an amount in each column becomes (`Schemas.value` for the column's type, worked out once:
  /// a `ValueType` is not a plain value, copying one per field retained and released it).
  private let kinds: [SlotKind]
  /// The template used last, and its currency (rows of one file are mostly in one or two currencies).
  private var lastCurrency: Currency?
  private var lastTemplate: [RValue] = []
  private var hasLast = false

  /// `Schemas.value` of a column's type, for the values whose conversion depends on it.
  enum SlotKind {
    case number, percent, days, months, businessDays
    /// Money in a declared currency (nil: the record's).
    case money(Currency?)
  }

  package init(plan: ExecutablePlan, kind: RecordKind, columns: [(ColumnSpec, Int)]) {
    let fields = plan.program.fields(of: kind)
    fieldTypes = fields.map(\.type)
    defaults = fields.map { plan.fieldDefault(kind, $0.index) }
    slots = columns.map(\.1)
    types = columns.map { fields[$0.1].type }
    var columnOf = [Int](repeating: -1, count: fields.count)
    for (k, slot) in slots.enumerated() { columnOf[slot] = k }
    self.columnOf = columnOf
    kinds = types.map {
      switch $0 {
      case .percent: .percent
      case .days: .days
      case .months: .months
      case .businessDays: .businessDays
      case .money(.known(let c)): .money(c)
      default: .number
      }
    }
  }

  /// The defaults of every slot for a record in `currency`, made `lastTemplate`.
  private mutating func useTemplate(_ currency: Currency?) {
    if hasLast && lastCurrency == currency { return }
    if let known = templates[currency] {
      lastTemplate = known
    } else {
      lastTemplate = fieldTypes.indices.map {
        defaults[$0] ?? Schemas.defaultValue(fieldTypes[$0], currency: currency ?? fallbackCurrency)
      }
      templates[currency] = lastTemplate
    }
    lastCurrency = currency
    hasLast = true
  }

  /// The record of a row's values (in column order), each slot as `Schemas.value` makes it: a missing value (or a
  /// slot no column fills) is the template's, which holds the declared default or the type's default in `currency`.
  package mutating func record(_ values: [Value], currency: Currency?) -> [RValue] {
    useTemplate(currency)
    let n = fieldTypes.count
    // (Reserved, then appended: `Array(unsafeUninitializedCapacity:)` and `Array(repeating:count:)` allocate through
    // the standard library's unspecialized code, which looks the array's storage type up at run time, about 300
    // instructions a record.)
    var record: [RValue] = []
    record.reserveCapacity(n)
    for slot in 0..<n {
      let k = columnOf[slot]
      if k < 0 {
        record.append(lastTemplate[slot])
        continue
      }
      switch values[k] {
      case .missing: record.append(lastTemplate[slot])
      case .text(let s): record.append(.text(s))
      case .date(let d): record.append(.date(d))
      case .bool(let b): record.append(.bool(b))
      case .currency(let c): record.append(.currency(c))
      case .number(let x):
        switch kinds[k] {
        case .percent: record.append(.percent(x.divided(by: Fixed(100)) ?? x))
        case .days: record.append(.days(x.toInt64() ?? 0))
        case .months: record.append(.months(x.toInt64() ?? 0))
        case .businessDays: record.append(.businessDays(x.toInt64() ?? 0))
        case .number, .money: record.append(.number(x))
        }
      case .money(let m):
        if case .money(let c?) = kinds[k] {
          record.append(.money(m, c))
        } else {
          record.append(.money(m, currency ?? fallbackCurrency ?? .USD))
        }
      }
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
    let lines = max(1, sample.withUnsafeBytes { LineCount.newlines($0.bindMemory(to: UInt8.self), from: 0, to: sample.count) })
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
  /// Payment processors' payout exports (`processors/`); their charges are among `cash.payments` too.
  public var processors = ProcessorData()

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
        spec("currency", .currency), spec("billing_anchor", .date), spec("cancelled_on", .date),
        spec("notice_given_on", .date),
      ].compactMap { $0 }
    case .event:
      out = [
        spec("id", .text, required: true), spec("customer", .text, required: true), spec("contract", .text),
        spec("date", .date, required: true), spec("name", .text, required: true), spec("quantity", .number),
        spec("amount", .money),
      ].compactMap { $0 }
    case .invoice, .payment, .plan, .writeOff, .creditNote, .paymentPlan:
      out = []
    }
    for f in fields where f.isCustom {
      // A `money EUR` field's values are in its currency, their decimals checked against it (not the row's).
      let own: Currency? = if case .money(.known(let c)) = f.type { c } else { nil }
      out.append((ColumnSpec(name: f.name, type: fieldType(f.type), required: false, currency: own), f.index))
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

  /// The date of a date field left empty (9999-12-31), worked out once.
  package static let farFuture = CivilDate(year: 9999, month: 12, day: 31) ?? CivilDate(dayNumber: 0)

  package static func defaultValue(_ t: ValueType, currency: Currency?) -> RValue {
    switch t {
    case .number: .number(.zero)
    case .money(.known(let c)): .money(.zero, c)
    case .money: .money(.zero, currency ?? .USD)
    case .percent: .percent(.zero)
    case .date: .date(farFuture)
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
  /// Takes what a returned payment (applied by an earlier run) settled off its invoices again: each is open again
  /// by that much. Cash application does this before matching the run's payments, and `recordJournal` when it
  /// replays a run's returns (before the run's applications), so both see the same amounts paid.
  public mutating func reverse(_ original: PostedPayment) {
    for s in original.settlements {
      guard let i = invoiceIDs.find(s.invoice, in: invoices), let left = invoices[i].paid.subtracting(s.settled) else { continue }
      invoices[i].paid = max(left, .zero)
      if invoices[i].paid < invoices[i].amount, invoices[i].status == .paid { invoices[i].status = .open }
    }
  }
}
