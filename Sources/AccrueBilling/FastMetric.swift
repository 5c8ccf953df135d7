import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport

/// A metric whose filters and value read event columns directly: `event.status_code < 500`,
/// `sum of event.quantity`. Evaluated on the imported row without building a runtime record, which
/// is what keeps ten million events cheap. Metrics with other expressions use the compiled closures.
struct FastMetric {
  struct Predicate {
    var column: Int
    var op: FieldMetricForm.Comparison
    var constant: Value
    /// The value a missing field has (its kind's default), as for records.
    var missing: Value
  }
  var predicates: [Predicate]
  /// Column of the aggregated value (nil: count-style, value 1).
  var valueColumn: Int?
  var valueMissing: Value

  /// Builds the fast form of metric `i`, or nil when it reads anything but event columns and literals.
  static func make(_ i: Int, _ plan: ExecutablePlan, _ data: Dataset) -> FastMetric? {
    guard let form = plan.fieldForm(ofMetric: i) else { return nil }
    let fields = plan.program.fields(of: .event)
    // Event slot -> usage column.
    var columnOf: [Int: Int] = [:]
    for (k, slot) in data.usageSlots.enumerated() { columnOf[slot] = k }
    func missing(_ t: ValueType, name: String) -> Value {
      // A declared default (`field event.status_code: number = 200`) is what a missing value reads as.
      if let f = fields.first(where: { $0.name == name }), let d = plan.fieldDefault(.event, f.index) {
        switch d {
        case .number(let n): return .number(n)
        case .text(let x): return .text(x)
        case .bool(let b): return .bool(b)
        case .date(let x): return .date(x)
        default: return .missing
        }
      }
      switch t {
      case .number: return .number(name == "quantity" ? Fixed(1) : .zero)
      case .text: return .text("")
      case .bool: return .bool(false)
      default: return .missing
      }
    }
    var predicates: [Predicate] = []
    for p in form.predicates {
      guard let col = columnOf[p.slot] else { return nil }
      let constant: Value
      switch p.constant {
      case .number(let v): constant = .number(v)
      case .text(let s): constant = .text(s)
      case .date(let d): constant = .date(d)
      default: return nil
      }
      let m = missing(p.type, name: p.name)
      if case .missing = m { return nil }
      predicates.append(Predicate(column: col, op: p.comparison, constant: constant, missing: m))
    }
    var valueColumn: Int?
    var valueMissing: Value = .number(Fixed(1))
    if let v = form.value {
      guard let col = columnOf[v.slot] else { return nil }
      valueColumn = col
      valueMissing = missing(.number, name: v.name)
    }
    return FastMetric(predicates: predicates, valueColumn: valueColumn, valueMissing: valueMissing)
  }

  /// Whether the row (its values in schema order) passes every filter.
  func passes(_ values: [Value]) -> Bool { values.withUnsafeBufferPointer { passes($0.baseAddress!) } }

  /// The aggregated value of the row (its values in schema order).
  func value(_ values: [Value]) -> Fixed { values.withUnsafeBufferPointer { value($0.baseAddress!) } }

  /// Whether the row (its values in schema order, from `values`) passes every filter.
  @inline(__always) func passes(_ values: UnsafePointer<Value>) -> Bool {
    for p in predicates {
      var v = values[p.column]
      if case .missing = v { v = p.missing }
      let order: Int
      switch (v, p.constant) {
      case (.number(let a), .number(let b)): order = a < b ? -1 : a == b ? 0 : 1
      case (.text(let a), .text(let b)): order = a < b ? -1 : a == b ? 0 : 1
      case (.date(let a), .date(let b)): order = a < b ? -1 : a == b ? 0 : 1
      default: return false
      }
      let ok: Bool
      switch p.op {
      case .equal: ok = order == 0
      case .notEqual: ok = order != 0
      case .less: ok = order < 0
      case .lessEqual: ok = order <= 0
      case .greater: ok = order > 0
      case .greaterEqual: ok = order >= 0
      }
      if !ok { return false }
    }
    return true
  }

  /// The aggregated value of the row (its values in schema order, from `values`).
  @inline(__always) func value(_ values: UnsafePointer<Value>) -> Fixed {
    guard let c = valueColumn else { return Fixed(1) }
    switch values[c] {
    case .number(let x): return x
    case .missing:
      if case .number(let x) = valueMissing { return x }
      return .zero
    default: return .zero
    }
  }
}
