import AccrueCore

/// The data records rules can read.
public enum RecordKind: String, Sendable, CaseIterable, Hashable {
  case customer, contract, invoice, event, payment
  /// The records of approval rules only (grammar.md §11): an invoice's plan, and the subjects other than invoices.
  case plan
  case writeOff = "write_off"
  case creditNote = "credit_note"
  case paymentPlan = "payment_plan"

  /// Position in `allCases` (for array-indexed tables).
  public var index: Int {
    switch self {
    case .customer: 0
    case .contract: 1
    case .invoice: 2
    case .event: 3
    case .payment: 4
    case .plan: 5
    case .writeOff: 6
    case .creditNote: 7
    case .paymentPlan: 8
    }
  }
}


/// A value at run time. Kinds mirror the checker's `ValueType`; units and currencies travel with values.
public enum RValue: Sendable, Hashable, CustomStringConvertible {
  case number(Fixed)
  case money(Fixed, Currency)
  case percent(Fixed)
  case date(CivilDate)
  case days(Int64)
  case businessDays(Int64)
  case months(Int64)
  case text(String)
  case bool(Bool)
  case currency(Currency)
  case list([RValue])
  /// A record root (fields are read by compiled field accessors).
  case record(RecordKind)
  /// The result of a failed evaluation (the failure is recorded in the environment).
  case error

  public var description: String {
    switch self {
    case .number(let v): v.description
    case .money(let v, let c): "\(v) \(c.code)"
    case .percent(let v): (v.multiplied(by: Fixed(100))?.description ?? "?") + "%"
    case .date(let d): d.description
    case .days(let n): "\(n) day\(n == 1 ? "" : "s")"
    case .businessDays(let n): "\(n) business day\(n == 1 ? "" : "s")"
    case .months(let n): "\(n) month\(n == 1 ? "" : "s")"
    case .text(let s): "\"\(s)\""
    case .bool(let b): b ? "true" : "false"
    case .currency(let c): c.code
    case .list(let xs): "[" + xs.map(\.description).joined(separator: ", ") + "]"
    case .record(let r): r.rawValue
    case .error: "<error>"
    }
  }

  /// Truthiness for conditions (only `.bool(true)` holds).
  public var isTrue: Bool {
    if case .bool(true) = self { return true }
    return false
  }
}

