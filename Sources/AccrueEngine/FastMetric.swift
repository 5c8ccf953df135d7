import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueImport
import AccrueParser

/// A metric whose filters and value read event columns directly: `event.status_code < 500`,
/// `sum of event.quantity`. Evaluated on the imported row without building a runtime record, which
/// is what keeps ten million events cheap. Metrics with other expressions use the compiled closures.
struct FastMetric {
  struct Predicate {
    var column: Int
    var op: BinaryOp
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
    let program = plan.program
    let decl = program.metrics[i].decl
    let fields = program.fields(of: .event)
    // Event slot -> usage column.
    var columnOf: [Int: Int] = [:]
    for (k, slot) in data.usageSlots.enumerated() { columnOf[slot] = k }
    func column(_ e: Expr) -> (Int, ValueType)? {
      guard case .field(let base, _) = e.kind, case .name = base.kind,
        case .field(.event, let slot)? = program.resolutions[Int(e.id)], let col = columnOf[slot]
      else { return nil }
      return (col, fields[slot].type)
    }
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
    for f in decl.filters {
      guard case .binary(let op, let l, let r) = f.kind, op.isComparison, let (col, t) = column(l) else { return nil }
      let constant: Value
      switch (r.kind, t) {
      case (.number(let v), .number): constant = .number(v)
      case (.string(let s), .text): constant = .text(s)
      case (.date(let d), .date): constant = .date(d)
      default: return nil
      }
      let m = missing(t, name: fields.first { columnOf[$0.index] == col }?.name ?? "")
      if case .missing = m { return nil }
      predicates.append(Predicate(column: col, op: op, constant: constant, missing: m))
    }
    guard let agg = decl.aggregation else { return nil }
    var valueColumn: Int?
    var valueMissing: Value = .number(Fixed(1))
    if let v = agg.value {
      guard agg.kind != .uniqueCount, let (col, t) = column(v), t == .number else { return nil }
      valueColumn = col
      let name = fields.first { columnOf[$0.index] == col }?.name ?? ""
      valueMissing = missing(.number, name: name)
    }
    return FastMetric(predicates: predicates, valueColumn: valueColumn, valueMissing: valueMissing)
  }

  /// Whether the row (its values in schema order) passes every filter.
  @inline(__always) func passes(_ values: [Value]) -> Bool {
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
      default: ok = false
      }
      if !ok { return false }
    }
    return true
  }

  /// The aggregated value of the row (its values in schema order).
  @inline(__always) func value(_ values: [Value]) -> Fixed {
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
