import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueDiagnostics
import AccrueImport
import AccrueModel
import Foundation

/// The contracts file's rows checked and made `ContractData`: duplicate ids, unknown customers and plans, end
/// before start, a currency other than the plan's.
///
/// The check can run before the customers are read (`customers` nil): each contract then keeps its customer's
/// id, and `resolve` finds them once the customers are known. It is used only when nothing at all was found
/// wrong; otherwise the file is checked again, customers known, so issues come exactly as in one pass.
package struct ContractRows {
  package let plan: ExecutablePlan
  package let path: String
  package let schema: TableSchema
  package var contracts: [ContractData] = []
  package var index = IDIndex()
  /// The customer ids of the contracts, when checked before the customers were known.
  package var customerIDs: [String] = []
  /// Issues of the rows' checks (the reader's come first, in `readerIssues`).
  package var checked: [DataIssue] = []
  package var readerIssues: [DataIssue] = []
  /// Rejected customer rows (for the hint of an unknown customer).
  package let rejectedCustomers: Int

  private var builder: RecordBuilder
  private let cId: Int, cCust: Int, cPlan: Int, cStart: Int, cEnd: Int, cQty: Int, cSeats: Int, cCur: Int, cAnchor: Int, cCancel: Int
  private let cNotice: Int
  private let customerSlot: Int?, endSlot: Int?, anchorSlot: Int?, cancelSlot: Int?, noticeSlot: Int?
  private let planCurrencies: [Currency]
  /// The columns of plain `money` fields (in the contract's currency, the plan's): their decimals are checked here,
  /// once the plan is known (a `money EUR` field's by the reader).
  private let plainMoney: [Int]
  /// Plan names and currencies found before, with their plan (the copy in that currency, if priced in several):
  /// most contracts name one of a few, so a row compares a name or two instead of two table lookups.
  private var knownPlans: [(name: String, currency: Currency?, plan: Int)] = []

  package init(plan: ExecutablePlan, path: String, columns: [(ColumnSpec, Int)], rejectedCustomers: Int, estimate: Int) {
    self.plan = plan
    self.path = path
    self.rejectedCustomers = rejectedCustomers
    schema = Schemas.table("contracts", columns)
    builder = RecordBuilder(plan: plan, kind: .contract, columns: columns)
    // Column and slot positions, found once (not per row).
    let positions = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element.0.name, $0.offset) })
    func col(_ n: String) -> Int { positions[n] ?? -1 }
    (cId, cCust, cPlan, cStart, cEnd, cQty, cSeats, cCur, cAnchor, cCancel) = (
      col("id"), col("customer"), col("plan"), col("start_date"), col("end_date"), col("quantity"), col("seats"),
      col("currency"), col("billing_anchor"), col("cancelled_on")
    )
    let fields = plan.program.fields(of: .contract)
    customerSlot = fields.first(where: { $0.name == "customer" })?.index
    endSlot = fields.first(where: { $0.name == "end_date" })?.index
    anchorSlot = fields.first(where: { $0.name == "billing_anchor" })?.index
    cancelSlot = fields.first(where: { $0.name == "cancelled_on" })?.index
    cNotice = col("notice_given_on")
    noticeSlot = fields.first(where: { $0.name == "notice_given_on" })?.index
    planCurrencies = plan.plans.map(\.currency)
    plainMoney = columns.indices.filter { columns[$0].0.type == .money && columns[$0].0.currency == nil }
    contracts.reserveCapacity(estimate)
    index = IDIndex(minimumCapacity: estimate)
  }

  /// Adds the contract of a row's values; or nothing, giving why (code, column, message). With `customers` nil
  /// the customer is not looked up: its id is kept in `customerIDs`.
  package mutating func add(_ values: [Value], line: Int, customers: IDIndex?) -> (String, Int, String)? {
    guard case .text(let id) = values[cId], case .text(let cust) = values[cCust],
      case .text(let planName) = values[cPlan], case .date(let start) = values[cStart]
    else { return nil }
    if index[id] != nil { return ("D0304", cId, "duplicate contract id '\(id)'") }
    var ci = -1
    if let customers {
      guard let k = customers[cust] else {
        return ("D0301", cCust, Dataset.unknown("customer", cust, rejected: rejectedCustomers))
      }
      ci = k
    }
    var contractCurrency: Currency?
    if cCur >= 0, case .currency(let c) = values[cCur] { contractCurrency = c }
    let pi: Int
    if let known = knownPlans.first(where: { $0.name == planName && $0.currency == contractCurrency }) {
      pi = known.plan
    } else {
      guard let d = plan.planIndex[planName] else {
        let names = plan.plans.filter { $0.copyOf == nil }.map(\.name).sorted()
        let hint = Suggest.closest(to: planName, in: names).map { "did you mean '\($0)'? " } ?? ""
        return ("D0303", cPlan, "unknown plan '\(planName)' (\(hint)the rules have: \(names.joined(separator: ", ")))")
      }
      guard let p = plan.plan(d, in: contractCurrency) else {
        return Self.priceBookIssue(plan.plans[d], contractCurrency, cCur >= 0 ? cCur : cPlan)
      }
      pi = p
      if knownPlans.count < 16 { knownPlans.append((planName, contractCurrency, p)) }
    }
    let planCurrency = planCurrencies[pi]
    for k in plainMoney {
      guard case .money(let m) = values[k] else { continue }
      let digits = m.significantFractionDigits
      if digits > planCurrency.minorUnits {
        return (
          "D0208", k,
          "amount \(m) in column '\(schema.columns[k].name)' has \(digits) decimal\(digits == 1 ? "" : "s"); "
            + "\(planCurrency.code) allows \(planCurrency.minorUnits) (the contract's currency, its plan's)"
        )
      }
    }
    var end: CivilDate?
    if case .date(let e) = values[cEnd] {
      if e < start { return ("D0305", cEnd, "the contract ends (\(e)) before it starts (\(start))") }
      end = e
    }
    var cancelled: CivilDate?
    if cCancel >= 0, case .date(let d) = values[cCancel] {
      if d < start { return ("D0305", cCancel, "the contract is cancelled on \(d), before it starts (\(start))") }
      if let e = end, let after = e.adding(days: 1), d > after {
        return (
          "D0305", cCancel,
          "the contract is cancelled on \(d), after it ends (\(e)): a cancellation after the last day of service changes nothing; leave cancelled_on empty, or correct end_date"
        )
      }
      guard plan.plans[pi].cancellation != nil else {
        return (
          "D0315", cCancel,
          "contract \(id) is cancelled on \(d), and plan '\(planName)' does not say what a cancellation bills or credits: add "
            + "'cancellation at end of period', 'cancellation immediately with prorated credit' or 'cancellation immediately without credit' to the plan"
        )
      }
      cancelled = d
    }
    let notice = cNotice >= 0 ? values[cNotice].date : nil
    if let issue = Self.termIssue(plan.plans[pi], id: id, start: start, end: end, notice: notice, cancelled: cancelled, columns: (cEnd, cNotice, cCancel)) {
      return issue  // Contracts+Term
    }
    if case .currency(let c) = values[cCur], c != planCurrency {
      return ("D0306", cCur, "contract currency \(c.code) differs from plan '\(planName)' in \(planCurrency.code)")
    }
    var anchor = start
    if case .date(let a) = values[cAnchor] { anchor = a }
    var quantity = Fixed.zero
    var seats = Fixed.zero
    if case .number(let q) = values[cQty] { quantity = q }
    if case .number(let s) = values[cSeats] { seats = s }
    var record = builder.record(values, currency: planCurrency)
    if let s = customerSlot { record[s] = .record(.customer) }
    if let s = endSlot, end == nil { record[s] = Schemas.defaultValue(.date, currency: nil) }
    if let s = anchorSlot { record[s] = .date(anchor) }
    if let s = cancelSlot, cancelled == nil { record[s] = Schemas.defaultValue(.date, currency: nil) }
    if let s = noticeSlot, notice == nil { record[s] = Schemas.defaultValue(.date, currency: nil) }
    index.add(id, contracts.count)
    if customers == nil { customerIDs.append(cust) }
    var contract = ContractData(
      id: id, customer: ci, plan: pi, start: start, end: end, anchor: anchor, quantity: quantity, seats: seats,
      record: record, changes: [], source: RowRef(file: path, line: line))
    contract.cancelledOn = cancelled
    contract.noticeGivenOn = notice
    contracts.append(contract)
    return nil
  }

  /// Checks a row the general reader delivered, noting its issue.
  package mutating func take(_ row: borrowing Row, customers: IDIndex?) {
    if let (code, c, message) = add(row.values, line: row.line, customers: customers) {
      let column = c < row.columns.count ? row.columns[c] : 1
      checked.append(DataIssue(code: code, file: path, line: row.line, column: column, message: message, record: row.raw))
    }
  }

  /// Checks the rows of a CSV file's bytes: plain lines straight from their values; a line the reader or the
  /// check has anything to say about through the general reader, which gives its issues their columns and text.
  package mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, customers: IDIndex?) {
    PlainCSV.read(
      bytes, path: path, schema: schema, onIssue: { readerIssues.append($0) },
      fast: { values, line in add(values, line: line, customers: customers) == nil },
      general: { row in take(row, customers: customers) })
  }

  /// Finds the customers of contracts checked before the customers were known; false when one is unknown.
  package mutating func resolve(_ customers: IDIndex) -> Bool {
    for k in contracts.indices {
      guard let ci = customers[customerIDs[k]] else { return false }
      contracts[k].customer = ci
    }
    customerIDs = []
    return true
  }

  /// All issues, the reader's first.
  package var issues: [DataIssue] { readerIssues + checked }
}

/// Carries contracts checked on another thread back (written once before the semaphore is signalled).
package final class ContractsBox: @unchecked Sendable {
  package var value: ContractRows?

  /// The value, no longer held here (so changing it copies nothing).
  package func take() -> ContractRows? {
    defer { value = nil }
    return value
  }
}

/// The terms of a contract on one day (plan, quantity, seats), after the changes dated on or before it.
package struct Terms: Equatable {
  package var plan: Int
  package var quantity: Fixed
  package var seats: Fixed
}

extension ContractData {
  package func terms(on d: CivilDate) -> Terms {
    var t = Terms(plan: plan, quantity: quantity, seats: seats)
    for c in changes where c.date <= d {
      if let p = c.plan { t.plan = p }
      if let q = c.quantity { t.quantity = q }
      if let s = c.seats { t.seats = s }
    }
    return t
  }

  /// Day after the last day of service (nil: open-ended).
  package var endExclusive: CivilDate? { end.flatMap { $0.adding(days: 1) } }

  /// Segments of [a, b) with constant terms (split at change dates).
  package func segments(_ a: CivilDate, _ b: CivilDate) -> [(start: CivilDate, end: CivilDate, terms: Terms)] {
    // Without changes (most contracts), one segment: its terms are the contract's.
    if changes.isEmpty { return a < b ? [(a, b, Terms(plan: plan, quantity: quantity, seats: seats))] : [] }
    var cuts = [a]
    for c in changes where c.date > a && c.date < b { cuts.append(c.date) }
    cuts.append(b)
    var out: [(CivilDate, CivilDate, Terms)] = []
    for i in 0..<(cuts.count - 1) where cuts[i] < cuts[i + 1] {
      out.append((cuts[i], cuts[i + 1], terms(on: cuts[i])))
    }
    return out
  }

  /// Sets the contract's record and its customer's in `env`, for rules that read them.
  package func setRecords(_ env: Env, _ data: Dataset) {
    env.records[RecordKind.contract.index] = record
    env.records[RecordKind.customer.index] = data.customers[customer].record
  }
}

extension ContractRows {
  /// D0306 for a contract of a plan priced in several currencies whose currency column is empty or names a
  /// currency the plan has no price in: Accrue never guesses a currency nor converts one.
  package static func priceBookIssue(_ spec: CompiledPlanSpec, _ c: Currency?, _ column: Int) -> (String, Int, String) {
    let offered = spec.priceBook.map(\.code).joined(separator: ", ")
    guard let c else {
      return ("D0306", column, "plan '\(spec.name)' is priced in \(offered): write the contract's currency (one of \(offered)) in its currency column")
    }
    return (
      "D0306", column,
      "plan '\(spec.name)' has no price in \(c.code): it is priced in \(offered) (Accrue never converts); bill the contract in one of them, or add \(c.code) prices to the plan"
    )
  }
}
