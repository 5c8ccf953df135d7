import AccrueChecker
import AccrueCore
import AccrueDiagnostics

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

/// A failure while evaluating rules against data (division by zero, currency mismatch, overflow).
public struct EvalFailure: Sendable, Hashable {
  /// What went wrong.
  public var message: String
  /// The rule text that failed.
  public var span: Span
  /// The rule, when the failure is in a computation the rule asked for rather than in one of its expressions
  /// (a line's proration, an invoice's total).
  public var rule: RuleRef?
}

/// A rule that could not be evaluated on a record (an amount too large to represent, money of two currencies
/// meeting, a division by zero, a date out of range): the run stops, nothing is produced, and this says where.
public struct RunFailure: Sendable, Hashable, CustomStringConvertible {
  /// What went wrong.
  public var message: String
  /// The expression that failed (file, line, column).
  public var rule: RuleRef
  /// The record it was evaluated on: "invoice ctr-1/2026-11-01", "payment p-17", ...
  public var subject: String

  public init(message: String, rule: RuleRef, subject: String) {
    self.message = message
    self.rule = rule
    self.subject = subject
  }

  /// `rules/plans.accrue:12:7: error: amount too large (invoice ctr-1/2026-11-01)`.
  public var description: String { "\(rule.file):\(rule.line):\(rule.column): error: \(message) (\(subject))" }
}

/// What an expression sees while it runs: the as-of date, definition values, parameters and the
/// current records (as slot arrays, in the checker's field order).
public final class Env {
  /// The run's as-of date.
  public var asOf: CivilDate
  /// Values of `let`s, by index (evaluated once per run).
  public var lets: [RValue] = []
  /// Parameters of the `define` being evaluated.
  public var params: [RValue] = []
  /// Current record of each kind, by `RecordKind.index`; fields in slot order.
  public var records: [[RValue]] = Array(repeating: [], count: RecordKind.allCases.count)
  /// The business-day calendar in force (a cadence's, with the holidays of the data files); nil: the one
  /// compiled into the expression.
  public var calendar: BusinessCalendar?
  /// Whether computations should record their steps (for `--explain`); off by default, because
  /// building the text for every line of a large run costs more than the arithmetic.
  public var explaining = false
  /// The first failure since the last `reset()`.
  public private(set) var failure: EvalFailure?

  /// Creates an environment for a run.
  public init(asOf: CivilDate) { self.asOf = asOf }

  /// Records a failure (the first one wins) and returns `.error`.
  @discardableResult
  public func fail(_ message: String, _ span: Span) -> RValue {
    if failure == nil { failure = EvalFailure(message: message, span: span) }
    return .error
  }

  /// Records a failure of a computation a rule asked for (the first one wins).
  public func fail(_ message: String, rule: RuleRef) {
    if failure == nil { failure = EvalFailure(message: message, span: Span(file: FileID(-1), start: 0, end: 0), rule: rule) }
  }

  /// The value of arithmetic a rule asked for, or a failure at the rule when it cannot be represented (the run
  /// stops: never a dropped line or a value quietly kept). Zero stands in for the value after a failure.
  public func exact(_ v: Fixed?, _ rule: RuleRef, _ what: @autoclosure () -> String) -> Fixed {
    if let v { return v }
    fail("\(what()) is too large to represent", rule: rule)
    return .zero
  }

  /// Clears the failure before evaluating something new.
  public func reset() { failure = nil }
}

/// A compiled expression: a closure with every name, field and function already resolved, plus a
/// description of the resolved form (for `accrue compile --emit plan`) and its source span.
public struct CExpr: Sendable {
  /// Evaluates against an environment.
  public let eval: @Sendable (Env) -> RValue
  /// The resolved form, e.g. `(field contract#6 seats)`.
  public let resolved: String
  /// Where the expression is written.
  public let span: Span
  /// The static type the checker gave it.
  public let type: ValueType

  /// Evaluates and returns the value (failures are recorded in the environment).
  @inline(__always) public func callAsFunction(_ env: Env) -> RValue { eval(env) }
}
