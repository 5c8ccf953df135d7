import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The state of an earlier invoice.
public enum InvoiceStatus: String, Sendable, CaseIterable {
  case open, paid, void
  case writtenOff = "written_off"
}

/// An invoice issued earlier (invoices.csv), kept compact: a million of them must fit easily.
public struct OpenInvoice: Sendable {
  public var id: String { didSet { keepShortID() } }
  public var number: String { didSet { keepShortID() } }
  /// The id held inline when short and ASCII (`ShortText.none` otherwise), and whether the number is the id:
  /// loops over invoices in customer order copy and write ids without reading their strings' storage.
  public private(set) var idText = ShortText.none
  public private(set) var numberIsID = false
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
  /// When it was paid in full (for the aging report's collection effectiveness), when known.
  public var paidDate: CivilDate? = nil
  /// Values of the rules' custom invoice fields, in slot order after the built-in ones (empty when none).
  public var custom: [RValue]

  public init(
    id: String, number: String, isCreditNote: Bool, customer: Int32, contract: Int32, issueDate: CivilDate, dueDate: CivilDate,
    currency: Currency, amount: Fixed, paid: Fixed, disputed: Fixed, status: InvoiceStatus, reference: String, line: Int32,
    paidDate: CivilDate? = nil, custom: [RValue]
  ) {
    self.init(
      id: id, number: number, isCreditNote: isCreditNote, customer: customer, contract: contract, issueDate: issueDate,
      dueDate: dueDate, currency: currency, amount: amount, paid: paid, disputed: disputed, status: status, reference: reference,
      line: line, paidDate: paidDate, custom: custom, idText: nil, numberIsID: nil)
  }

  /// With the inline id and whether the number is the id given (by a reader that worked them out from the
  /// file's bytes), or worked out here (nil).
  init(
    id: String, number: String, isCreditNote: Bool, customer: Int32, contract: Int32, issueDate: CivilDate, dueDate: CivilDate,
    currency: Currency, amount: Fixed, paid: Fixed, disputed: Fixed, status: InvoiceStatus, reference: String, line: Int32,
    paidDate: CivilDate? = nil, custom: [RValue], idText: ShortText?, numberIsID: Bool?
  ) {
    self.id = id
    self.number = number
    self.isCreditNote = isCreditNote
    self.customer = customer
    self.contract = contract
    self.issueDate = issueDate
    self.dueDate = dueDate
    self.currency = currency
    self.amount = amount
    self.paid = paid
    self.disputed = disputed
    self.status = status
    self.reference = reference
    self.line = line
    self.paidDate = paidDate
    self.custom = custom
    if let idText, let numberIsID {
      self.idText = idText
      self.numberIsID = numberIsID
    } else {
      keepShortID()
    }
  }

  private mutating func keepShortID() {
    idText = ShortText(id)
    numberIsID = InvoiceRef.sameBytes(number, id)
  }

  /// Amount still open, disputed amounts excluded (never below zero).
  public var balance: Fixed { OpenInvoice.open(amount, paid: paid, disputed: disputed) }

  /// Amount still open, disputed amounts included.
  public var unpaid: Fixed { OpenInvoice.open(amount, paid: paid) }

  /// What is still open of `amount` after `paid` and `disputed`, never below zero. Loops over many invoices
  /// call this with fields read in place: `invoices[i].balance` copies the whole invoice first (retaining its
  /// strings, each a cache miss of its own).
  @inline(__always) public static func open(_ amount: Fixed, paid: Fixed, disputed: Fixed = .zero) -> Fixed {
    let b = amount.subtracting(paid)?.subtracting(disputed) ?? .zero
    return b > .zero ? b : .zero
  }
}

/// An invoice's id and number as outputs keep them: the id inline when short and ASCII (`ShortText`), and
/// whether the number is the id. Copied from an open invoice without reading its strings' storage (a cache
/// miss each, for invoices read in customer order); written the same way.
public struct InvoiceRef: Sendable, Hashable {
  /// The id when short and ASCII, else `ShortText.none` (the id is then in `longID`).
  public private(set) var idText: ShortText
  private var longID: String
  /// Whether the number is the id (else it is in `longNumber`).
  public private(set) var numberIsID: Bool
  private var longNumber: String

  public init(id: String, number: String) {
    idText = ShortText(id)
    longID = idText.isNone ? id : ""
    numberIsID = InvoiceRef.sameBytes(number, id)
    longNumber = numberIsID ? "" : number
  }

  /// Whether two texts are the same bytes (Swift's `==` also equates different forms of one accented letter;
  /// a number kept as the id must keep its own bytes and reference keys).
  static func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

  /// Invoice `k`'s, its strings read only when not held inline.
  init(_ invoices: [OpenInvoice], _ k: Int) {
    idText = invoices[k].idText
    longID = idText.isNone ? invoices[k].id : ""
    numberIsID = invoices[k].numberIsID
    longNumber = numberIsID ? "" : invoices[k].number
  }

  public var id: String {
    get { idText.isNone ? longID : idText.string }
    set { self = InvoiceRef(id: newValue, number: number) }
  }

  public var number: String {
    get { numberIsID ? id : longNumber }
    set { self = InvoiceRef(id: id, number: newValue) }
  }

  public static func == (a: InvoiceRef, b: InvoiceRef) -> Bool { a.id == b.id && a.number == b.number }

  public func hash(into h: inout Hasher) {
    h.combine(id)
    h.combine(number)
  }
}

/// An output that names an invoice by an `InvoiceRef`.
public protocol InvoiceReferring {
  var ref: InvoiceRef { get set }
}

extension InvoiceReferring {
  /// The invoice's number.
  public var number: String {
    get { ref.number }
    set { ref.number = newValue }
  }
}

extension OpenInvoice {
  /// Whether invoice a's id comes before b's, as strings compare (ids held inline compared there: reading the
  /// strings would be a cache miss each).
  @inline(__always) static func idPrecedes(_ invoices: [OpenInvoice], _ a: Int, _ b: Int) -> Bool {
    let (x, y) = (invoices[a].idText, invoices[b].idText)
    if !x.isNone && !y.isNone { return ShortText.precedes(x, y) }
    return invoices[a].id < invoices[b].id
  }

  /// Holds no strings or arrays of its own: stands in for an invoice moved elsewhere.
  static let placeholder = OpenInvoice(
    id: "", number: "", isCreditNote: false, customer: -1, contract: -1, issueDate: CivilDate(dayNumber: 0),
    dueDate: CivilDate(dayNumber: 0), currency: .USD, amount: .zero, paid: .zero, disputed: .zero, status: .void, reference: "",
    line: 0, custom: [])
}

/// Elements moved out of memory as they are read (for `Array.moveAppend`): what they hold is handed over, not
/// copied; `placeholder` is left in their place. Read by `Array.append(contentsOf:)`, which hands its free
/// capacity to `_copyContents`: the elements are moved there in bulk (two threads each moving half, when asked).
struct MovedOut<Element>: Sequence, IteratorProtocol {
  var at: UnsafeMutablePointer<Element>
  let end: UnsafeMutablePointer<Element>
  let placeholder: Element
  let parallel: Bool
  init(from p: UnsafeMutablePointer<Element>, count: Int, placeholder: Element, parallel: Bool) {
    at = p
    end = p + count
    self.placeholder = placeholder
    self.parallel = parallel
  }
  var underestimatedCount: Int { end - at }
  mutating func next() -> Element? {
    guard at < end else { return nil }
    defer {
      at.initialize(to: placeholder)
      at += 1
    }
    return at.move()
  }

  func _copyContents(initializing buffer: UnsafeMutableBufferPointer<Element>) -> (MovedOut, Int) {
    let n = Swift.min(buffer.count, end - at)
    guard n > 0, let to = buffer.baseAddress else { return (self, 0) }
    let half = parallel && n >= 4096 ? n / 2 : 0
    let works = [
      MoveWork(from: at, to: to, count: half, placeholder: placeholder),
      MoveWork(from: at + half, to: to + half, count: n - half, placeholder: placeholder),
    ]
    TwoThreads.chunks(half > 0 ? 2 : 1, { _, k in works[k + (half > 0 ? 0 : 1)].run() }, inOrder: { _ in })
    var rest = self
    rest.at += n
    return (rest, n)
  }
}

/// One range of a bulk move: the elements moved, then placeholders put where they were.
final class MoveWork<Element>: @unchecked Sendable {
  let from: UnsafeMutablePointer<Element>
  let to: UnsafeMutablePointer<Element>
  let count: Int
  let placeholder: Element
  init(from: UnsafeMutablePointer<Element>, to: UnsafeMutablePointer<Element>, count: Int, placeholder: Element) {
    (self.from, self.to, self.count, self.placeholder) = (from, to, count, placeholder)
  }
  func run() {
    // A block at a time, so the placeholders are written while the block is still in the cache.
    var k = 0
    while k < count {
      let m = Swift.min(1024, count - k)
      (to + k).moveInitialize(from: from + k, count: m)
      (from + k).initialize(repeating: placeholder, count: m)
      k += m
    }
  }
}

extension Array {
  /// Appends `other`'s elements by moving them, bit for bit: what they hold is neither retained nor released
  /// (for a million invoices, that is a million cache misses saved twice). `other` is left empty. `placeholder`
  /// must hold no references of its own (empty strings and arrays only): it stands in for what was moved out.
  /// `parallel`: a large move is shared with a second thread.
  mutating func moveAppend(_ other: inout [Element], placeholder: Element, parallel: Bool = false) {
    let n = other.count
    guard n > 0 else { return }
    other.withUnsafeMutableBufferPointer { src in
      // Each element is moved out as it is appended (the sequence hands over what it moves: nothing retained),
      // and what was moved out is placeholders again, so `other` is released without touching the elements.
      append(contentsOf: MovedOut(from: src.baseAddress!, count: n, placeholder: placeholder, parallel: parallel))
    }
    other = []
  }

  /// Puts the elements in `order` (a permutation of the indices), moving them bit for bit as `moveAppend` does
  /// (`placeholder` likewise stands in for what was moved out).
  mutating func reorder(_ order: [Int], placeholder: Element) {
    precondition(order.count == count, "not a permutation")
    var out: [Element] = []
    out.reserveCapacity(count)
    withUnsafeMutableBufferPointer { src in
      for i in order {
        out.append((src.baseAddress! + i).move())
        (src.baseAddress! + i).initialize(to: placeholder)
      }
    }
    self = out
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
  public enum Kind: String, Sendable { case invoice, reminder, match }
  public var kind: Kind
  public var key: String
  public var date: CivilDate
  public var customer: String
  /// For reminders: the cadence, the step and the invoices covered.
  public var cadence: String
  public var step: String
  public var invoices: [String]
  /// For reminders: whether it sent the customer a message (only those count for the minimum gap).
  public var contacted = true

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
  /// A contract's billing date as one number, for `issuedPeriods`.
  @inline(__always) static func periodKey(_ contract: Int, _ date: CivilDate) -> Int64 {
    Int64(contract) << 32 | Int64(UInt32(bitPattern: date.dayNumber))
  }

  /// The invoices file's built-in columns (docs/data.md).
  static let invoiceColumns: [ColumnSpec] = [
    ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "number", type: .text, required: false),
    ColumnSpec(name: "kind", type: .text, required: false), ColumnSpec(name: "customer", type: .text, required: true),
    ColumnSpec(name: "contract", type: .text, required: false), ColumnSpec(name: "issue_date", type: .date, required: true),
    ColumnSpec(name: "due_date", type: .date, required: true), ColumnSpec(name: "currency", type: .currency, required: true),
    ColumnSpec(name: "amount", type: .money, required: true), ColumnSpec(name: "amount_paid", type: .money, required: false),
    ColumnSpec(name: "disputed_amount", type: .money, required: false), ColumnSpec(name: "status", type: .text, required: false),
    ColumnSpec(name: "reference", type: .text, required: false), ColumnSpec(name: "period_start", type: .date, required: false),
    ColumnSpec(name: "period_end", type: .date, required: false), ColumnSpec(name: "paid_date", type: .date, required: false),
  ]

  /// Reads invoices.csv into compact `OpenInvoice`s (and the keys billing must not issue again). A large
  /// CSV file is read in two halves at the same time; the result is the same as one reader's.
  static func loadInvoices(
    _ f: TableFile, _ p: CheckedProgram?, defaults: [Int: RValue] = [:], customerIndex: IDIndex, contractIndex: IDIndex?,
    rejected: (customers: Int, contracts: Int), parallelAt: Int, ahead: InvoicesAhead? = nil, _ issues: inout [DataIssue]
  ) -> (invoices: [OpenInvoice], ids: InvoiceIDIndex, periods: [Int64], fast: Int) {
    let custom = p.map { Schemas.columns(.invoice, $0) } ?? []
    let schema = TableSchema(name: "invoices", columns: invoiceColumns + custom.map(\.0), currencyColumn: "currency")
    var reader = InvoiceRows(
      path: f.path, customFields: custom.map { p?.fields(of: .invoice)[$0.1].type ?? .text }, customerIndex: customerIndex,
      contractIndex: contractIndex, rejected: rejected)
    reader.customDefaults = custom.map { defaults[$0.1] }
    let size = (try? FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int) ?? 0
    if f.format == .csv, size >= parallelAt, let (file, (cut, linesBefore)) = ahead?.take(f.path) ?? InvoiceRows.readAndSplit(f.path) {
      let bytes = file.bytes
      let headerEnd = bytes.firstIndex(of: 10) ?? 0
      let quoted = memchr(bytes.baseAddress!, 34, bytes.count) != nil
      let second = InvoiceRowsBox(reader)
      var first = reader
      let done = DispatchSemaphore(value: 0)
      if !quoted, let layout = InvoiceLayout(headerLine: bytes[...headerEnd], schema: schema, path: f.path) {
        // Fast path: both halves read straight from the file's bytes. The first half's arrays get room for the
        // whole file, so joining the second does not copy them again.
        // (With 2% to spare: an estimate just short would copy the whole array again when the halves join.)
        let lines = linesBefore * bytes.count / max(1, cut + 1) * 51 / 50 + 16
        first.invoices.reserveCapacity(lines)
        first.ids.reserveCapacity(lines)
        first.periods.reserveCapacity(lines)
        first.idColumns.reserveCapacity(lines)
        let t = Thread {
          let b = file.bytes
          second.rows.readLines(b, from: cut + 1, to: b.count, firstLine: linesBefore + 2, layout: layout, schema: schema)
          done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
        first.readLines(bytes, from: headerEnd + 1, to: cut + 1, firstLine: 2, layout: layout, schema: schema)
        PhaseLog.mark("invoices: first half of the file")
        done.wait()
        PhaseLog.mark("invoices: waiting for the second half")
        first.append(&second.rows) { InvoiceRows.lineText(bytes, line: $0) }
        PhaseLog.mark("invoices: halves joined")
      } else {
        // The general reader on each half (the second behind a copy of the header).
        var header = Array(bytes[...headerEnd])
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
        let secondHalf = header + bytes[(cut + 1)...]
        second.rows.lineOffset = linesBefore
        let t = Thread {
          TableReader.stream(
            bytes: secondHalf, path: f.path, format: .csv, schema: schema,
            onIssue: { i in
              // The header is read (and reported) by the first half.
              if i.line <= 1 { return }
              var x = i
              x.line += linesBefore
              second.rows.found.append(x)
            }
          ) { row in second.rows.take(row) }
          done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
        TableReader.stream(bytes: Array(bytes[...cut]), path: f.path, format: .csv, schema: schema, onIssue: { first.found.append($0) }) {
          row in first.take(row)
        }
        done.wait()
        first.append(&second.rows) { InvoiceRows.lineText(bytes, line: $0) }
      }
      issues += first.found.sorted { $0.line < $1.line }
      withExtendedLifetime(file) {}
      return (first.invoices, first.ids, first.periods, first.fastRows)
    }
    var one = reader
    TableReader.stream(f, schema: schema, onIssue: { one.found.append($0) }) { row in one.take(row) }
    issues += one.found
    return (one.invoices, one.ids, one.periods, 0)
  }

  /// Reads promises.csv, payment_plans.csv, holidays.csv and reminders.csv (each optional).
  static func loadCollections(
    folder: String, plan: ExecutablePlan, customerIndex: IDIndex, invoices: [OpenInvoice], ids: InvoiceIDIndex, rejected: Int,
    _ issues: inout [DataIssue]
  ) -> CollectionsData {
    var out = CollectionsData()
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
      guard let ii = ids.find(inv, in: invoices) else { return .failure(bad("D0309", f, row, 1, "unknown invoice '\(inv)'")) }
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
      // A step the rules do not have would be ignored when deciding what was sent: say so instead.
      guard let cadence = plan.cadences.first(where: { $0.name == cad }) else {
        let names = plan.cadences.map(\.name)
        let hint = Suggest.closest(to: cad, among: names).map { "; did you mean '\($0)'?" }
          ?? (names.isEmpty ? " (the rules have none)" : " (the rules have: \(names.joined(separator: ", ")))")
        return bad("D0311", f, row, 2, "unknown cadence '\(cad)'" + hint)
      }
      guard cadence.steps.contains(where: { $0.name == step }) else {
        let steps = cadence.steps.map(\.name)
        let hint = Suggest.closest(to: step, among: steps).map { "; did you mean '\($0)'?" } ?? " (its steps: \(steps.joined(separator: ", ")))"
        return bad("D0311", f, row, 3, "cadence '\(cad)' has no step '\(step)'" + hint)
      }
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

/// Invoice ids by their 64-bit FNV-1a hash, pointing into `Dataset.invoices` (strings compared only when
/// hashes match). A million ids cost 12 bytes each here instead of a `Set<String>`'s hashing and buckets.
public struct InvoiceIDIndex: Sendable {
  /// Slot k is `table[2k]` (the id's hash, 0 when empty) and `table[2k + 1]` (the invoice's index): both in
  /// one cache line, so a probe costs one miss.
  private var table: [UInt64]
  private var mask: Int
  public private(set) var count = 0

  public init() { self.init(minimumCapacity: 512) }

  /// An index with room for `minimumCapacity` ids before it grows.
  public init(minimumCapacity: Int) {
    var size = 1024
    while size < minimumCapacity * 2 { size <<= 1 }
    table = Array(repeating: 0, count: 2 * size)
    mask = size - 1
  }

  /// Makes room for `n` ids in all (the table is rebuilt once, not doubled step by step).
  public mutating func reserveCapacity(_ n: Int) {
    guard n * 2 > mask + 1 else { return }
    var size = mask + 1
    while size < n * 2 { size <<= 1 }
    rebuild(size)
  }

  /// The hash of an id's bytes; a non-ASCII id is hashed in its canonical form (NFC), so ids Swift finds equal
  /// (`==` is canonical equivalence) hash alike.
  @inline(__always) static func hash(_ s: String) -> UInt64 {
    s.withBytes { b in b.contains { $0 >= 0x80 } ? nil : hash(b) } ?? hash(IDIndex.canonical(s).utf8)
  }

  @inline(__always) static func hash<S: Sequence<UInt8>>(_ bytes: S) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h | 1  // never 0, which marks an empty slot
  }

  /// The index of `id` in `invoices`, or nil.
  public func find(_ id: String, in invoices: [OpenInvoice]) -> Int? {
    let h = InvoiceIDIndex.hash(id)
    var s = Int(truncatingIfNeeded: h) & mask
    while table[2 * s] != 0 {
      if table[2 * s] == h, invoices[Int(table[2 * s + 1])].id == id { return Int(table[2 * s + 1]) }
      s = (s + 1) & mask
    }
    return nil
  }

  /// Adds `id` for `invoices[index]` unless `invoices` has it already (one probe for both); returns whether
  /// it was added.
  public mutating func insertIfAbsent(_ id: String, index: Int, in invoices: [OpenInvoice]) -> Bool {
    if (count + 1) * 2 > mask + 1 { grow() }
    let h = InvoiceIDIndex.hash(id)
    var s = Int(truncatingIfNeeded: h) & mask
    while table[2 * s] != 0 {
      if table[2 * s] == h, invoices[Int(table[2 * s + 1])].id == id { return false }
      s = (s + 1) & mask
    }
    table[2 * s] = h
    table[2 * s + 1] = UInt64(index)
    count += 1
    return true
  }

  /// The slot where the id given by its bytes would be looked up, for `touch(slot:)` (as `IDIndex.slot`).
  @inline(__always) func slot(_ p: UnsafePointer<UInt8>, count n: Int) -> Int {
    Int(truncatingIfNeeded: InvoiceIDIndex.hash(UnsafeBufferPointer(start: p, count: n))) & mask
  }

  /// The first word of slot `s` (see `slot`).
  @inline(__always) func touch(slot s: Int) -> UInt64 { table[2 * (s & mask)] }

  /// Adds `invoices[index]`'s id (the caller checked it is not there yet).
  public mutating func insert(_ id: String, index: Int) {
    if (count + 1) * 2 > mask + 1 { grow() }
    place(InvoiceIDIndex.hash(id), UInt64(index))
    count += 1
  }

  /// Adds every id of `other` (an index of the invoices that follow these, `offset` on), when none of them is
  /// here already; returns false, with this index left holding some of them, when one is (the caller then
  /// starts again). Ids are compared only when hashes match: their strings are not read otherwise.
  mutating func merge(_ other: InvoiceIDIndex, offset: Int, in invoices: [OpenInvoice], _ others: [OpenInvoice]) -> Bool {
    if count + other.count > (mask + 1) / 2 { reserveCapacity(count + other.count) }
    for k in stride(from: 0, to: other.table.count, by: 2) where other.table[k] != 0 {
      let h = other.table[k]
      let j = Int(other.table[k + 1])
      var s = Int(truncatingIfNeeded: h) & mask
      while table[2 * s] != 0 {
        // A match among the invoices before `offset` is a duplicate; the other's ids are all different.
        if table[2 * s] == h, table[2 * s + 1] < UInt64(offset), invoices[Int(table[2 * s + 1])].id == others[j].id { return false }
        s = (s + 1) & mask
      }
      table[2 * s] = h
      table[2 * s + 1] = UInt64(offset + j)
      count += 1
    }
    return true
  }

  private mutating func place(_ h: UInt64, _ index: UInt64) {
    var s = Int(truncatingIfNeeded: h) & mask
    while table[2 * s] != 0 { s = (s + 1) & mask }
    table[2 * s] = h
    table[2 * s + 1] = index
  }

  private mutating func grow() { rebuild((mask + 1) * 2) }

  private mutating func rebuild(_ size: Int) {
    let old = table
    table = Array(repeating: 0, count: 2 * size)
    mask = size - 1
    for k in stride(from: 0, to: old.count, by: 2) where old[k] != 0 { place(old[k], old[k + 1]) }
  }
}

/// A large invoices file mapped ahead and cut in two, by the loading thread while it would otherwise wait (the
/// contracts are checked on another), so reading it is not on the way of loading.
final class InvoicesAhead {
  private var path: String?
  private var value: (MappedFile, (cut: Int, linesBefore: Int))?

  /// Maps the folder's invoices file when it is a CSV file of at least `parallelAt` bytes.
  func read(folder: String, parallelAt: Int) {
    if case .success(let f?) = DataFolder.find("invoices", in: folder), f.format == .csv,
      ((try? FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int) ?? 0) >= parallelAt
    {
      path = f.path
      value = InvoiceRows.readAndSplit(f.path)
    }
  }

  /// What was read, when it is the file at `path` (handed over once).
  func take(_ path: String) -> (MappedFile, (cut: Int, linesBefore: Int))? {
    defer { value = nil }
    return self.path == path ? value : nil
  }
}

/// Carries the second half's reader to and from its thread (used by that thread until the join).
final class InvoiceRowsBox: @unchecked Sendable {
  var rows: InvoiceRows
  init(_ rows: InvoiceRows) { self.rows = rows }
}

/// Turns invoices rows into `OpenInvoice`s, checking references, ids, status and dates.
struct InvoiceRows {
  let path: String
  let customFields: [ValueType]
  /// Declared defaults of the custom fields (nil: the kind's default).
  var customDefaults: [RValue?] = []
  let customerIndex: IDIndex
  /// Contract ids (nil: contracts are not checked, as for the aging report, which reads no contracts).
  let contractIndex: IDIndex?
  let rejected: (customers: Int, contracts: Int)
  var invoices: [OpenInvoice] = []
  var ids = InvoiceIDIndex()
  /// `Dataset.periodKey` of each invoice of another system (0: none), parallel to `invoices`.
  var periods: [Int64] = []
  /// The 1-based character column of each invoice's id, for duplicates found when halves are joined.
  var idColumns: [Int32] = []
  var found: [DataIssue] = []
  /// Rows the fast path read.
  var fastRows = 0
  /// Issues about a row's references, status or dates (index in `found`, the row's id and its column): in the
  /// second half, a row whose id the first half has is reported as a duplicate instead, as one reader would.
  var rowIssues: [(index: Int, id: String, column: Int)] = []
  /// Added to row lines (the second half's rows are numbered from its own header).
  var lineOffset = 0
  /// A sum of the table words the fast path reads ahead of its lookups (kept only so those reads happen).
  var touches: UInt64 = 0

  init(
    path: String, customFields: [ValueType], customerIndex: IDIndex, contractIndex: IDIndex?,
    rejected: (customers: Int, contracts: Int)
  ) {
    self.path = path
    self.customFields = customFields
    self.customerIndex = customerIndex
    self.contractIndex = contractIndex
    self.rejected = rejected
  }

  mutating func issue(_ code: String, _ row: borrowing Row, _ col: Int, _ msg: String) {
    found.append(DataIssue(code: code, file: path, line: row.line + lineOffset, column: row.columns[col], message: msg, record: row.raw))
    if code != "D0304", case .text(let id) = row.values[0] { rowIssues.append((found.count - 1, id, row.columns[0])) }
  }

  mutating func take(_ row: borrowing Row) {
    guard case .text(let id) = row.values[0], case .text(let cust) = row.values[3], case .date(let issueDate) = row.values[5],
      case .date(let due) = row.values[6], case .currency(let cur) = row.values[7], case .money(let amount) = row.values[8]
    else { return }
    if ids.find(id, in: invoices) != nil {
      issue("D0304", row, 0, "duplicate invoice id '\(id)'")
      return
    }
    guard let ci = customerIndex[cust] else {
      issue("D0301", row, 3, Dataset.unknown("customer", cust, rejected: rejected.customers))
      return
    }
    var contract: Int32 = -1
    if let contractIndex, case .text(let c) = row.values[4] {
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
    // An invoice of another system counts as issued for its contract and period start.
    var period: Int64 = 0
    if contract >= 0, case .date(let ps) = row.values[13], !kindCreditNote { period = Dataset.periodKey(Int(contract), ps) }
    ids.insert(id, index: invoices.count)
    var values: [RValue] = []
    if !customFields.isEmpty {
      values.reserveCapacity(customFields.count)
      let first = Dataset.invoiceColumns.count
      for (k, t) in customFields.enumerated() {
        values.append(Schemas.value(row.values[first + k], t, currency: cur, default: customDefaults[k]))
      }
    }
    func money(_ i: Int) -> Fixed { if case .money(let m) = row.values[i] { return m } else { return .zero } }
    let number: String = { if case .text(let n) = row.values[1] { return n } else { return id } }()
    let reference: String = { if case .text(let r) = row.values[12] { return r } else { return "" } }()
    var inv = OpenInvoice(
      id: id, number: number, isCreditNote: kindCreditNote, customer: Int32(ci), contract: contract, issueDate: issueDate,
      dueDate: due, currency: cur, amount: amount, paid: money(9), disputed: money(10), status: status, reference: reference,
      line: Int32(row.line + lineOffset), custom: values)
    inv.paidDate = row.values[15].date
    invoices.append(inv)
    periods.append(period)
    idColumns.append(Int32(row.columns[0]))
  }

  /// Appends the second half's invoices (leaving `other` without them); an id already in the first half is a
  /// duplicate, reported with its record (`record(line)` gives a line's text).
  mutating func append(_ other: inout InvoiceRows, record: (Int) -> String) {
    var second = other.found
    for r in other.rowIssues where ids.find(r.id, in: invoices) != nil {
      let i = second[r.index]
      second[r.index] = DataIssue(
        code: "D0304", file: i.file, line: i.line, column: r.column, message: "duplicate invoice id '\(r.id)'", record: i.record)
    }
    found += second
    fastRows += other.fastRows
    let start = invoices.count
    // Usually no id of the second half is in the first: its index is merged from the hashes it holds, and its
    // invoices are moved over whole.
    if ids.merge(other.ids, offset: start, in: invoices, other.invoices) {
      invoices.moveAppend(&other.invoices, placeholder: .placeholder, parallel: true)
      periods += other.periods
      idColumns += other.idColumns
      return
    }
    // Some are: the index again from the first half's ids, then the second half's invoices one by one.
    ids = InvoiceIDIndex(minimumCapacity: start + other.invoices.count)
    for k in 0..<start { ids.insert(invoices[k].id, index: k) }
    invoices.reserveCapacity(invoices.count + other.invoices.count)
    for k in other.invoices.indices {
      guard ids.insertIfAbsent(other.invoices[k].id, index: invoices.count, in: invoices) else {
        let inv = other.invoices[k]
        found.append(
          DataIssue(
            code: "D0304", file: path, line: Int(inv.line), column: Int(other.idColumns[k]), message: "duplicate invoice id '\(inv.id)'",
            record: record(Int(inv.line))))
        continue
      }
      invoices.append(other.invoices[k])
      periods.append(other.periods[k])
      idColumns.append(other.idColumns[k])
    }
  }

  /// The whole file and where to cut it in two (nil: unreadable, or too small to cut).
  static func readAndSplit(_ path: String) -> (MappedFile, (cut: Int, linesBefore: Int))? {
    guard let file = MappedFile(path: path), let split = splitPoint(file.bytes) else { return nil }
    return (file, split)
  }

  /// The text of a line (1-based) of `bytes`, as issues show records.
  static func lineText(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> String {
    var n = 1
    var start = 0
    while n < line, let nl = bytes[start...].firstIndex(of: 10) {
      start = nl + 1
      n += 1
    }
    var end = bytes[start...].firstIndex(of: 10) ?? bytes.count
    if end > start && bytes[end - 1] == 13 { end -= 1 }
    return RecordText.make(Array(bytes[start..<end]))
  }

  /// Where to cut a CSV file in two: a newline near the middle after an even number of quotes (a record
  /// boundary), and the number of lines up to it. Nil when the file is too small or has no such newline.
  static func splitPoint(_ b: UnsafeBufferPointer<UInt8>) -> (cut: Int, linesBefore: Int)? {
    guard let headerEnd = b.firstIndex(of: 10) else { return nil }
    let mid = b.count / 2
    guard mid > headerEnd else { return nil }
    var quotes = 0
    var lines = 0
    var cut = -1
    // Quotes before the middle, counted a block at a time; then newlines up to the cut.
    var at = 0
    while at < mid {
      guard let q = memchr(b.baseAddress! + at, 34, mid - at) else { break }
      quotes += 1
      at = UnsafeRawPointer(q).assumingMemoryBound(to: UInt8.self) - b.baseAddress! + 1
    }
    lines = Usage.countNewlines(b, from: 0, to: mid)
    scan: for i in mid..<b.count {
      let c = b[i]
      if c == 34 {
        quotes += 1
      } else if c == 10 {
        lines += 1
        if quotes & 1 == 0 {
          cut = i
          break scan
        }
      }
    }
    guard cut > headerEnd, cut + 1 < b.count else { return nil }
    return (cut, lines - 1)
  }

}
