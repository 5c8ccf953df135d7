import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel

// The syntax tree of dunning cadences (grammar.md §7) and match rules (§8).

// MARK: - Cadences

/// Why dunning pauses.
public enum PauseKind: Sendable {
  case dispute, promiseToPay, paymentPlan, creditHold
  case when(Expr)
}

/// `N days before due`, `on due`, `N business days after due`.
public struct StepTiming: Sendable {
  public var offset: Expr?
  public var relation: StepRelation
  public var span: Span
}

/// Statements inside `step`.
public enum StepItem: Sendable {
  case when(Expr, Span)
  case send(channel: Channel, template: StringLit, to: [Expr], cc: [Expr], Span)
  case task(title: StringLit, assigneeKind: Keyword, assignee: StringLit, Span)
  case escalate(StringLit, Span)
  case suspend(Span)
  case lateFee(LateFeeSpec)
  case interest(InterestSpec)
  case writeOff(Span)
  case agency(StringLit, Span)

  /// The statement's span.
  public var span: Span {
    switch self {
    case .when(_, let s), .send(_, _, _, _, let s), .task(_, _, _, let s), .escalate(_, let s), .suspend(let s),
      .writeOff(let s), .agency(_, let s):
      s
    case .lateFee(let l): l.span
    case .interest(let i): i.span
    }
  }
}

/// `step name ["label"] TIMING { ... }`.
public struct StepDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var timing: StepTiming
  public var items: [StepItem]
  public var span: Span
}

/// Statements inside `cadence`.
public enum CadenceItem: Sendable {
  case setting(SettingDecl)
  case applies(Expr, Span)
  case calendar(Name, Span)
  case onePerCustomer(Span)
  case minimumGap(Expr, Span)
  case pause(PauseKind, Span)
  /// `send on business days` (a step date on a weekend or holiday moves to the next business day) or `send on
  /// any day` (step dates stay as counted).
  case sendOn(businessDays: Bool, Span)
  case step(StepDecl)
}

/// `cadence name ["label"] { ... }`.
public struct CadenceDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var items: [CadenceItem]
  public var span: Span
}

// MARK: - Match rules

/// Candidate restrictions.
public enum CandidateOption: Sendable {
  case ofPayer
  case anyCustomer
  case sameCurrency
  case lookBack(Expr)
}

/// What to do with a difference.
public enum OutcomeAction: Sendable {
  case writeOff
  case creditOnAccount
  case exception(queue: StringLit, reason: StringLit?)
  case leaveUnapplied
}

/// Statements inside `match`.
public enum MatchItem: Sendable {
  case setting(SettingDecl)
  case when(Expr, Span)
  case payer([(PayerMethod, Span)], Span)
  case candidates([(CandidateOption, Span)], Span)
  case reference(PatternLit, [ReferenceSource], Span)
  case allocate([(AllocationStrategy, Span)], Span)
  case tolerance(ToleranceSide, [Expr], Span)
  case outcome(OutcomeCase, OutcomeAction, Span)
  case confidence(auto: Bool, Span)
}

/// `match name ["label"] { ... }`.
public struct MatchDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var items: [MatchItem]
  public var span: Span
}
