import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel

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
/// A class (immutable, so still used as a value): plans, charges and their pricing hold many of these and are read
/// per invoice; a copy of one retains one object instead of a closure, a string and a type (docs/PERFORMANCE.md).
public final class CExpr: Sendable {
  /// Evaluates against an environment.
  public let eval: @Sendable (Env) -> RValue
  /// The resolved form, e.g. `(field contract#6 seats)`.
  public let resolved: String
  /// Where the expression is written.
  public let span: Span
  /// The static type the checker gave it.
  public let type: ValueType

  public init(eval: @escaping @Sendable (Env) -> RValue, resolved: String, span: Span, type: ValueType) {
    self.eval = eval
    self.resolved = resolved
    self.span = span
    self.type = type
  }

  /// Evaluates and returns the value (failures are recorded in the environment).
  @inline(__always) public func callAsFunction(_ env: Env) -> RValue { eval(env) }
}
