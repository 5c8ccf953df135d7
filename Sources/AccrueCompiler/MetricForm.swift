import AccrueChecker
import AccrueCore
import AccrueModel
import AccrueParser

/// A metric that reads nothing but event fields and literals: its filters compare one event field with a
/// literal (`event.status_code < 500`) and its value is an event field or none (`sum of event.quantity`,
/// `count`). Billing evaluates such a metric on the imported row without building a runtime record.
public struct FieldMetricForm: Sendable {
  public enum Comparison: Sendable { case equal, notEqual, less, lessEqual, greater, greaterEqual }

  /// `event.FIELD COMPARISON LITERAL`.
  public struct Predicate: Sendable {
    /// The event field's slot, kind and name.
    public var slot: Int
    public var type: ValueType
    public var name: String
    public var comparison: Comparison
    /// A number, text or date of the field's kind.
    public var constant: RValue
  }

  public var predicates: [Predicate]
  /// The aggregated event field (a number), nil when the metric counts events.
  public var value: (slot: Int, name: String)?
}

extension ExecutablePlan {
  /// The field form of metric `i`, or nil when it reads anything but event fields and literals.
  public func fieldForm(ofMetric i: Int) -> FieldMetricForm? {
    let decl = program.metrics[i].decl
    let fields = program.fields(of: .event)
    func field(_ e: Expr) -> Int? {
      guard case .field(let base, _) = e.kind, case .name = base.kind, case .field(.event, let slot)? = program.resolutions[Int(e.id)]
      else { return nil }
      return slot
    }
    var predicates: [FieldMetricForm.Predicate] = []
    for f in decl.filters {
      guard case .binary(let op, let l, let r) = f.kind, let comparison = FieldMetricForm.comparison(op), let slot = field(l) else { return nil }
      let t = fields[slot].type
      let constant: RValue
      switch (r.kind, t) {
      case (.number(let v), .number): constant = .number(v)
      case (.string(let s), .text): constant = .text(s)
      case (.date(let d), .date): constant = .date(d)
      default: return nil
      }
      predicates.append(.init(slot: slot, type: t, name: fields[slot].name, comparison: comparison, constant: constant))
    }
    guard let agg = decl.aggregation else { return nil }
    var value: (slot: Int, name: String)?
    if let v = agg.value {
      guard agg.kind != .uniqueCount, let slot = field(v), fields[slot].type == .number else { return nil }
      value = (slot, fields[slot].name)
    }
    return FieldMetricForm(predicates: predicates, value: value)
  }
}

extension FieldMetricForm {
  static func comparison(_ op: BinaryOp) -> Comparison? {
    switch op {
    case .equal: .equal
    case .notEqual: .notEqual
    case .less: .less
    case .lessEqual: .lessEqual
    case .greater: .greater
    case .greaterEqual: .greaterEqual
    default: nil
    }
  }
}
