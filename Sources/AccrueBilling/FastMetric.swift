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
      if !FastMetric.holds(v, p.op, p.constant) { return false }
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

extension FastMetric {
  /// Whether `v` (a missing value already replaced by its default) compares with `constant` as `op` asks: the
  /// definition both `passes` and the fast path's `LinePredicate` follow.
  static func holds(_ v: Value, _ op: FieldMetricForm.Comparison, _ constant: Value) -> Bool {
    let order: Int
    switch (v, constant) {
    case (.number(let a), .number(let b)): order = a < b ? -1 : a == b ? 0 : 1
    case (.text(let a), .text(let b)): order = a < b ? -1 : a == b ? 0 : 1
    case (.date(let a), .date(let b)): order = a < b ? -1 : a == b ? 0 : 1
    default: return false
    }
    return LinePredicate.holds(op, order)
  }
}

/// A filter of a metric's fast form over a line's typed values (`LineValues`): numbers and dates (as day numbers)
/// compared as `Fixed`, texts as Strings; what a missing value gives is worked out once, from its default.
struct LinePredicate {
  enum Kind: UInt8 { case number, text, never }
  var slot: Int
  var op: FieldMetricForm.Comparison
  var kind: Kind
  var constant: Fixed
  var text: String
  var whenMissing: Bool

  @inline(__always) static func holds(_ op: FieldMetricForm.Comparison, _ order: Int) -> Bool {
    switch op {
    case .equal: return order == 0
    case .notEqual: return order != 0
    case .less: return order < 0
    case .lessEqual: return order <= 0
    case .greater: return order > 0
    case .greaterEqual: return order >= 0
    }
  }
}

/// The values of one line the metrics read, by slot (one per column they read): which are present, numbers and
/// dates (day numbers) as `Fixed`, texts as Strings.
struct LineValues {
  var present: UInt64 = 0
  var nums: UnsafeMutablePointer<Fixed>
  var texts: UnsafeMutablePointer<String>
}

/// A metric's fast form over typed line values: `FastMetric` with its columns turned into slots and its
/// comparisons' kinds settled per column type (tested against `FastMetric.passes` and `value`).
struct LineMetric {
  var predicates: [LinePredicate]
  /// Slot of the aggregated value (-1: count-style, value 1); whether its column is a number column.
  var valueSlot: Int
  var valueIsNumber: Bool
  var valueMissing: Fixed

  /// `fm` over slots: `slotOf[schema column]` (every column it reads has one), `types` the schema's column types.
  init(_ fm: FastMetric, slotOf: [Int], types: [FieldType]) {
    predicates = fm.predicates.map { p in
      var kind = LinePredicate.Kind.never
      var constant = Fixed.zero
      var text = ""
      switch (types[p.column], p.constant) {
      case (.number, .number(let c)):
        kind = .number
        constant = c
      case (.date, .date(let d)):
        kind = .number
        constant = Fixed(Int(d.dayNumber))
      case (.text, .text(let s)):
        kind = .text
        text = s
      default: break
      }
      return LinePredicate(
        slot: slotOf[p.column], op: p.op, kind: kind, constant: constant, text: text,
        whenMissing: FastMetric.holds(p.missing, p.op, p.constant))
    }
    valueSlot = fm.valueColumn.map { slotOf[$0] } ?? -1
    valueIsNumber = fm.valueColumn.map { types[$0] == .number } ?? false
    if case .number(let x) = fm.valueMissing { valueMissing = x } else { valueMissing = .zero }
  }

  /// Whether the line passes every filter.
  @inline(__always) func passes(_ v: borrowing LineValues) -> Bool {
    for p in predicates {
      if v.present & (1 << UInt64(p.slot)) == 0 {
        if !p.whenMissing { return false }
        continue
      }
      let order: Int
      switch p.kind {
      case .number:
        let a = v.nums[p.slot]
        order = a < p.constant ? -1 : a == p.constant ? 0 : 1
      case .text:
        let a = v.texts[p.slot]
        order = a < p.text ? -1 : a == p.text ? 0 : 1
      case .never: return false
      }
      if !LinePredicate.holds(p.op, order) { return false }
    }
    return true
  }

  /// The line's aggregated value.
  @inline(__always) func value(_ v: borrowing LineValues) -> Fixed {
    if valueSlot < 0 { return Fixed(1) }
    if v.present & (1 << UInt64(valueSlot)) == 0 { return valueMissing }
    return valueIsNumber ? v.nums[valueSlot] : .zero
  }
}
