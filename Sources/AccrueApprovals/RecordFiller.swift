import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueModel

/// Fills the records an approval rule reads from one item (grammar.md §11), and says which fields it lacks.
struct ApprovalRecordFiller {
  let plan: ExecutablePlan
  let item: ApprovalRequestItem
  let records: ApprovalRecords
  let asOf: CivilDate
  /// Records the item has, by kind (others are missing: a rule that reads them fails).
  private(set) var present: Set<RecordKind> = []

  init(plan: ExecutablePlan, item: ApprovalRequestItem, records: ApprovalRecords, asOf: CivilDate) {
    self.plan = plan
    self.item = item
    self.records = records
    self.asOf = asOf
    if records.customer != nil { present.insert(.customer) }
    if records.contract != nil { present.insert(.contract) }
    switch item {
    case .invoice(let i):
      present.insert(.invoice)
      if plan.planIndex[i.plan] != nil { present.insert(.plan) }
    case .creditNote: present.insert(.creditNote)
    case .writeOff: present.insert(.writeOff)
    case .paymentPlan: present.insert(.paymentPlan)
    }
  }

  /// Why the condition cannot be evaluated on this item (a record or field it reads that the item lacks), or nil.
  func missing(_ c: CCondition) -> String? {
    for f in c.fields {
      let what = "\(f.record.rawValue).\(f.name)"
      guard present.contains(f.record) else {
        return "the rule reads \(what), and \(item.key) has no \(f.record.rawValue)\(f.record == .plan ? " (its plan is not one of the rules)" : "")"
      }
      if f.record == .customer, f.name == "first_invoice", records.firstInvoice == nil {
        return "the rule reads customer.first_invoice, and whether \(item.key) is the customer's first invoice is not known"
      }
      if f.record == .customer || f.record == .contract {
        let rec = f.record == .customer ? records.customer : records.contract
        if let rec, !rec.indices.contains(f.slot) {
          return "the rule reads \(what), and the \(f.record.rawValue) record of \(item.key) has no such field"
        }
      }
    }
    return nil
  }

  /// Sets the records in `env` (fields in the program's slot order; custom ones at their declared defaults).
  func fill(_ env: Env) {
    if var c = records.customer {
      if let s = slot(.customer, "first_invoice"), c.indices.contains(s) { c[s] = .bool(records.firstInvoice ?? false) }
      env.records[RecordKind.customer.index] = c
    }
    if let c = records.contract { env.records[RecordKind.contract.index] = c }
    switch item {
    case .invoice(let i):
      env.records[RecordKind.invoice.index] = record(.invoice, invoiceValues(i))
      if let p = plan.planIndex[i.plan] { env.records[RecordKind.plan.index] = record(.plan, planValues(plan.plans[p], env)) }
    case .creditNote(let n):
      env.records[RecordKind.creditNote.index] = record(
        .creditNote,
        [
          "id": .text(n.id), "customer": .record(.customer), "invoice": .text(n.invoice), "date": .date(n.date),
          "amount": .money(n.amount, n.currency), "currency": .currency(n.currency), "reason": .text(n.reason),
        ])
    case .writeOff(let w):
      env.records[RecordKind.writeOff.index] = record(
        .writeOff,
        [
          "id": .text(w.id), "customer": .record(.customer), "invoice": .text(w.invoice), "date": .date(w.date),
          "amount": .money(w.amount, w.currency), "currency": .currency(w.currency), "reason": .text(w.reason),
        ])
    case .paymentPlan(let p):
      env.records[RecordKind.paymentPlan.index] = record(
        .paymentPlan,
        [
          "id": .text(p.id), "customer": .record(.customer), "amount": .money(p.amount, p.currency), "currency": .currency(p.currency),
          "installments": .number(Fixed(p.installments)), "start_date": .date(p.startDate), "end_date": .date(p.endDate),
        ])
    }
  }

  func slot(_ r: RecordKind, _ name: String) -> Int? { plan.program.fields(of: r).first { $0.name == name }?.index }

  /// A record in slot order from values by field name; other fields take their declared default, else zero.
  func record(_ r: RecordKind, _ values: [String: RValue]) -> [RValue] {
    plan.program.fields(of: r).map { f in
      values[f.name] ?? plan.fieldDefaults[r]?[f.index] ?? Self.zero(f.type, currency: item.currency)
    }
  }

  static func zero(_ t: ValueType, currency: Currency) -> RValue {
    switch t {
    case .number: .number(.zero)
    case .money(.known(let c)): .money(.zero, c)
    case .money: .money(.zero, currency)
    case .percent: .percent(.zero)
    case .date: .date(CivilDate(dayNumber: 0))
    case .days: .days(0)
    case .businessDays: .businessDays(0)
    case .months: .months(0)
    case .text: .text("")
    case .bool: .bool(false)
    case .currency: .currency(currency)
    default: .error
    }
  }
}
