import AccrueCore
import AccrueDiagnostics

// Approval rules (grammar.md §11): the roles that approve, and the rules that route an item to them. Top level only.

/// `role NAME ["label"]`: someone (a job, not a person) who approves.
public struct RoleDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var span: Span
}

/// What an approval rule routes: the items a finance team approves before they go out.
public enum ApprovalSubject: String, Sendable, CaseIterable, Hashable {
  case invoices
  case debitNotes = "debit notes"
  case creditNotes = "credit notes"
  case writeOffs = "write offs"
  case paymentPlans = "payment plans"
}

/// `approval NAME ["label"] for SUBJECT { ... }`.
public struct ApprovalDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var subject: ApprovalSubject
  /// Where the subject is written (after `for`).
  public var subjectSpan: Span
  public var items: [ApprovalItem]
  public var span: Span
}

/// One statement of an approval rule.
public enum ApprovalItem: Sendable {
  /// `when CONDITION`: the rule applies to the items where every `when` holds.
  case when(Expr, Span)
  /// `approve by ROLE, [then] ROLE ...`: the chain, in order.
  case approveBy([Name], Span)
  /// `escalate [after DURATION] [to ROLE]`: both parts are required (the checker says which is missing).
  case escalate(after: Expr?, to: Name?, Span)
  /// `calendar NAME`: the calendar business days are counted on.
  case calendar(Name, Span)

  public var span: Span {
    switch self {
    case .when(_, let s), .approveBy(_, let s), .escalate(_, _, let s), .calendar(_, let s): s
    }
  }
}
