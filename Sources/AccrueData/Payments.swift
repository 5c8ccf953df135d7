import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation

extension Payment {
  /// The order of payments by booking date, then id (ids are unique): as indices, sorted by integer keys (the
  /// day, and an ASCII id's first 16 bytes, big-endian: compared as numbers, they compare as the text does), the
  /// ids compared as strings only where those are equal. With an id that is not ASCII, by date and string.
  package static func order(_ payments: [Payment]) -> [Int] {
    payments.withUnsafeBufferPointer { p in
      let ascii = p.indices.allSatisfy { p[$0].id.isASCII }
      var keys: [(day: Int32, hi: UInt64, lo: UInt64, index: Int)] = []
      keys.reserveCapacity(p.count)
      for i in p.indices {
        let (hi, lo) = ascii ? p[i].id.asciiPrefixKey : (0, 0)
        keys.append((p[i].transaction.bookingDate.dayNumber, hi, lo, i))
      }
      keys.sort { a, b in
        if a.day != b.day { return a.day < b.day }
        if a.hi != b.hi { return a.hi < b.hi }
        if a.lo != b.lo { return a.lo < b.lo }
        return p[a.index].id < p[b.index].id
      }
      return keys.map(\.index)
    }
  }
}

/// What cash application reads: payments, and which bank accounts belong to which customer.
public struct CashData: Sendable {
  /// In booking date, then id order (not file order: results must not depend on how files are named).
  public var payments: [Payment] = []
  /// Customer index by bank account (IBAN or account number, spaces removed, upper case).
  public var accounts: [String: Int] = [:]
  /// What the statement files say about themselves that does not hold (D0320 a statement that does not
  /// reconcile, D0321 a control total that disagrees) and what reading them assumed or left out (D0322 an
  /// encoding assumed, D0323 a BAI2 record not read): their entries are read; `--strict` stops the run.
  public var warnings: [DataIssue] = []

  /// An account number as compared: spaces removed, upper case.
  public static func account(_ s: String) -> String {
    // Already as compared (ASCII, no space, no lower case letter; the usual kind): the string itself.
    if s.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x20 && !($0 >= 0x09 && $0 <= 0x0D) && !($0 >= 0x61 && $0 <= 0x7A) }) { return s }
    var b: [UInt8] = []
    b.reserveCapacity(s.utf8.count)
    for c in s.utf8 {
      if c >= 0x80 { return s.filter { !$0.isWhitespace }.uppercased() }  // not ASCII: the general way
      if c == 0x20 || (c >= 0x09 && c <= 0x0D) { continue }
      b.append(c >= 0x61 && c <= 0x7A ? c - 0x20 : c)
    }
    return String(decoding: b, as: UTF8.self)
  }
}

/// The rules' custom payment fields (`field payment.channel: text`): their kinds and the values they have when
/// missing, in declaration order.
public struct PaymentFields: Sendable {
  /// Slot of each custom field and its declared default (nil: none declared, see `missing`).
  public let defaults: [(slot: Int, value: RValue?)]
  public let types: [ValueType]
  /// The rules' CSV statement formats (read with the statements of `statements/`).
  public let statementFormats: [StatementFormat]

  public init(plan: ExecutablePlan) {
    statementFormats = plan.statementFormats
    let custom = plan.program.fields(of: .payment).filter(\.isCustom)
    types = custom.map(\.type)
    defaults = custom.map { ($0.index, plan.fieldDefault(.payment, $0.index)) }
  }

  /// The value of custom field `k` for a payment that gives none: its declared default, else the kind's zero value
  /// (money in the payment's currency, grammar.md §5).
  public func missing(_ k: Int, currency: Currency) -> RValue {
    defaults[k].value ?? Schemas.defaultValue(types[k], currency: currency)
  }

  /// A payment's values of the custom fields, from its row (missing: the field's default; money without a
  /// currency of its own: the payment's).
  package func values(_ row: ArraySlice<Value>, currency: Currency) -> [RValue] {
    var out: [RValue] = []
    out.reserveCapacity(types.count)
    for (k, v) in row.enumerated() where k < types.count {
      out.append(Schemas.value(v, types[k], currency: currency, default: defaults[k].value))
    }
    return out
  }
}

extension Dataset {
  /// The columns of payments.csv (docs/data.md).
  package static let paymentColumns: [ColumnSpec] = [
    ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "booking_date", type: .date, required: true),
    ColumnSpec(name: "value_date", type: .date), ColumnSpec(name: "amount", type: .money, required: true),
    ColumnSpec(name: "currency", type: .currency, required: true), ColumnSpec(name: "reference", type: .text),
    ColumnSpec(name: "remittance", type: .text), ColumnSpec(name: "payer_name", type: .text), ColumnSpec(name: "payer_account", type: .text),
  ]

  /// Reads payments.csv, every statement file under `statements/`, and accounts.csv (each optional), in that
  /// order; the payments come out by booking date, then id.
  package static func loadCash(
    folder: String, customerIndex: IDIndex, rejected: Int, custom: [(ColumnSpec, Int)] = [], customFields: PaymentFields? = nil,
    _ issues: inout [DataIssue]
  ) -> CashData {
    var files = CashFiles(folder: folder, customerIndex: customerIndex, rejected: rejected)
    files.payments(custom: custom, customFields: customFields)
    files.statements(formats: customFields?.statementFormats ?? [])
    // Booking date, then id (ids are unique): indices are sorted, then the payments moved into their order
    // (comparing and swapping payments copied them, retaining all their strings).
    files.out.payments.reorder(Payment.order(files.out.payments), placeholder: .placeholder)
    files.accounts()
    issues += files.issues
    return files.out
  }
}

/// The payments of payments.csv as they are read (a struct, not variables captured by the reader's closures: those
/// are boxed, each access checked for exclusivity at run time).
struct PaymentRows {
  /// The file's path and a colon: a payment's source is it and the payment's line.
  let source: String
  /// How many columns are payments.csv's own (the rules' custom fields follow).
  let builtIn: Int
  let customFields: PaymentFields?
  var payments: [Payment]
  /// Payment ids seen so far.
  var ids: IDIndex

  /// Adds the payment of a row's values; false when its id was seen before.
  mutating func add(_ v: [Value], line: Int) -> Bool {
    guard case .text(let id) = v[0], case .date(let booked) = v[1], case .money(let amount) = v[3], case .currency(let cur) = v[4]
    else { return true }
    guard ids.add(id, payments.count) else { return false }
    let t = BankTransaction(
      bookingDate: booked, valueDate: v[2].date, amount: amount, currency: cur, reference: v[5].text ?? "",
      remittance: v[6].text ?? "", counterpartyName: v[7].text ?? "", counterpartyAccount: v[8].text ?? "",
      source: source + String(line))
    let values = v.count > builtIn ? customFields?.values(v[builtIn...], currency: cur) ?? [] : []
    payments.append(Payment(id: id, transaction: t, custom: values))
    return true
  }
}

/// The cash files of a data folder, read against the customers already loaded.
struct CashFiles {
  let folder: String
  let customerIndex: IDIndex
  /// Customer rows set aside (named in the message of a row naming an unknown customer).
  let rejected: Int
  var out = CashData()
  /// Payment ids seen so far (payments.csv's, then the statements').
  var ids = IDIndex()
  var issues: [DataIssue] = []

  init(folder: String, customerIndex: IDIndex, rejected: Int) {
    self.folder = folder
    self.customerIndex = customerIndex
    self.rejected = rejected
  }

  /// payments.csv: one payment per row; a second row with an id already seen is an issue.
  mutating func payments(custom: [(ColumnSpec, Int)], customFields: PaymentFields?) {
    guard let f = DataFolder.find("payments", in: folder, &issues) else { return }
    let schema = TableSchema(name: "payments", columns: Dataset.paymentColumns + custom.map(\.0), currencyColumn: "currency")
    var rows = PaymentRows(
      source: f.path + ":", builtIn: Dataset.paymentColumns.count, customFields: customFields, payments: out.payments, ids: ids)
    out.payments = []
    var issues = self.issues
    defer {
      (out.payments, ids, self.issues) = (rows.payments, rows.ids, issues)
    }
    // The reader's issues first, then the duplicates (as when the file was read whole before its rows were taken).
    var duplicates: [DataIssue] = []
    func take(_ row: borrowing Row) {
      // `credit:` names the uses of credit on account the ledger records (`payment:credit:CUSTOMER/...`).
      if case .text(let id) = row.values[0], id.hasPrefix("credit:") {
        duplicates.append(
          DataIssue(
            code: "D0304", file: f.path, line: row.line, column: row.columns[0],
            message: "payment id '\(id)' starts with 'credit:', which names uses of credit on account; give the payment another id",
            record: row.raw))
        return
      }
      if !rows.add(row.values, line: row.line), case .text(let id) = row.values[0] {
        duplicates.append(
          DataIssue(code: "D0304", file: f.path, line: row.line, column: row.columns[0], message: "duplicate payment id '\(id)'", record: row.raw))
      }
    }
    if f.format == .csv, let file = MappedFile(path: f.path) {
      let estimate = RecordBuilder.estimatedRows(f.path)
      rows.payments.reserveCapacity(estimate)
      rows.ids = IDIndex(minimumCapacity: estimate)
      withExtendedLifetime(file) {
        // (An id starting with `credit:` is declined, for `take` to report it as the general reader's rows are.)
        PlainCSV.read(
          file.bytes, path: f.path, schema: schema, onIssue: { issues.append($0) },
          fast: { v, line in
            if case .text(let id) = v[0], id.hasPrefix("credit:") { return false }
            return rows.add(v, line: line)
          }, general: take)
      }
    } else {
      let (read, iss) = TableReader.readAll(f, schema: schema)
      issues += iss
      for row in read { take(row) }
    }
    issues += duplicates
  }

  /// Statement files, in name order. A payment's id comes from its content (`stmt-` and a hash of its date,
  /// amount, currency, payer, references and text; `#2`, `#3` for the same content again), not from the file's
  /// name or line: the same statement delivered again, renamed or reformatted on one line, keeps its ids, so
  /// the journal recognizes what was applied. Where it came from stays in its source. An entry delivered again
  /// (the same statement sent twice, or the same payment in two formats: see `StatementEntryKey`) is read once,
  /// the first in file name order, with a note naming where else it came.
  /// No `statements` entry: no statements. One that does not list (a link to nothing, a file, no permission, too
  /// many open files) is an error, as is a statement file that cannot be read: never taken as no payments.
  mutating func statements(formats: [StatementFormat] = []) {
    var statementFiles: [String] = []
    /// Each bank entry read, by `StatementEntryKey`: its payment's index.
    var delivered: [String: (index: Int, file: String)] = [:]
    switch DataFolder.statementFiles(in: folder) {
    case .failure(let i): issues.append(i)
    case .success(let paths): statementFiles = paths
    }
    for path in statementFiles {
      // A CSV statement is read with the rules' statement format for its name (CSVStatements.swift).
      let read = path.lowercased().hasSuffix(".csv") ? Self.readCSV(path, formats, &issues) : BankStatements.readStatements(path: path)
      switch read {
      case .failure(let e):
        issues.append(
          DataIssue(code: e.code, file: e.file, line: e.line, column: e.line > 0 ? 1 : 0, message: e.message + (e.location.isEmpty ? "" : " (at \(e.location))")))
      case .success(let statements):
        out.warnings += StatementChecks.warnings(statements, file: path)
        for t in statements.lazy.flatMap(\.transactions) {
          // Only across files: within one file, entries with the same key are different payments (the
          // transactions of one batch entry share its bank reference).
          if let key = StatementEntryKey.of(t) {
            if let first = delivered[key], first.file != path {
              out.payments[first.index].transaction.notes.append(
                "also delivered in \(t.source) (the same account, bank reference, amount and value date): read once")
              continue
            }
            if delivered[key] == nil { delivered[key] = (out.payments.count, path) }
          }
          let base = "stmt-" + String(PaymentIdentity.fingerprint(t), radix: 16)
          var id = base
          var n = 1
          while !ids.add(id, out.payments.count) {
            n += 1
            id = base + "#\(n)"
          }
          out.payments.append(Payment(id: id, transaction: t))
        }
      }
    }
  }

  /// accounts.csv: the bank accounts customers pay from (an account is one customer's).
  mutating func accounts() {
    guard let f = DataFolder.find("accounts", in: folder, &issues) else { return }
    let cols = [ColumnSpec(name: "customer", type: .text, required: true), ColumnSpec(name: "account", type: .text, required: true)]
    let schema = TableSchema(name: "accounts", columns: cols)
    let (customerIndex, rejected) = (self.customerIndex, self.rejected)
    var accounts = out.accounts
    var issues = self.issues
    defer { (out.accounts, self.issues) = (accounts, issues) }
    /// Maps the row's account to its customer; or nothing, giving why (code, column, message).
    func add(_ v: [Value]) -> (String, Int, String)? {
      guard case .text(let cust) = v[0], case .text(let acct) = v[1] else { return nil }
      guard let ci = customerIndex[cust] else { return ("D0301", 0, Dataset.unknown("customer", cust, rejected: rejected)) }
      let key = CashData.account(acct)
      // One lookup on the usual way (an account not seen before, or seen for this customer).
      if let other = accounts.updateValue(ci, forKey: key), other != ci {
        accounts[key] = other
        return ("D0304", 1, "account \(acct) is already another customer's")
      }
      return nil
    }
    var checked: [DataIssue] = []
    func take(_ row: borrowing Row) {
      if let (code, c, message) = add(row.values) {
        checked.append(DataIssue(code: code, file: f.path, line: row.line, column: row.columns[c], message: message, record: row.raw))
      }
    }
    if f.format == .csv, let file = MappedFile(path: f.path) {
      accounts.reserveCapacity(accounts.count + RecordBuilder.estimatedRows(f.path))
      withExtendedLifetime(file) {
        PlainCSV.read(file.bytes, path: f.path, schema: schema, onIssue: { issues.append($0) }, fast: { v, _ in add(v) == nil }, general: take)
      }
    } else {
      let (rows, iss) = TableReader.readAll(f, schema: schema)
      issues += iss
      for row in rows { take(row) }
    }
    issues += checked
  }
}
