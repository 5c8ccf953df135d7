import AccrueCore
import AccrueDiagnostics

// Posting to the general ledger (grammar.md §12): which accounts and dimensions each event of a run debits and
// credits. Top level only.

/// `dimension NAME ["label"]`: a dimension of the general ledger (department, location, segment, ...) whose
/// allowed values are the data folder's `dimensions/NAME.csv`. `entity` is built in.
public struct DimensionDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var span: Span
}

/// Which events a posting block states accounts for.
public enum PostingScope: Sendable {
  /// `posting { ... }`: every entity's defaults.
  case all
  /// `posting entity "NWDE" { ... }`: one entity's defaults, over the block for all.
  case entity(StringLit)
  /// `posting plan NAME [charge NAME] { ... }`: overrides for the invoice events of a plan, or of one charge.
  case plan(Name, charge: Name?)
}

/// The kinds of events a run posts (grammar.md §12), as written.
public enum PostingEvent: String, Sendable, CaseIterable, Hashable {
  case invoiceLine = "invoice line"
  case discount = "discount"
  case tax = "tax"
  case taxIncluded = "tax included"
  case fee = "fee"
  case cashApplied = "cash applied"
  case writeOff = "write off"
  case overpaymentWrittenOff = "overpayment written off"
  case earlyPaymentDiscount = "early payment discount"
  case creditOnAccount = "credit on account"
  case creditUsed = "credit used"
  case unappliedCash = "unapplied cash"
  case creditNote = "credit note"
  case refund = "refund"
  case processorFee = "processor fee"
  case processorRefund = "processor refund"
  case revenueRecognized = "revenue recognized"

  /// Whether the event comes from an invoice or debit note (a contract and a plan may be known; plan and charge
  /// overrides apply), rather than from cash. A credit note credits an invoice: its plan's overrides apply.
  public var fromInvoice: Bool {
    switch self {
    case .invoiceLine, .discount, .tax, .taxIncluded, .fee, .creditNote, .revenueRecognized: true
    default: false
    }
  }
}

/// `NAME EXPR`: a dimension's value (`dimension NAME EXPR` in a block, or after `with` in a row).
public struct DimensionValue: Sendable {
  public var name: Name
  public var value: Expr
}

/// `EVENT [debit EXPR] [credit EXPR] [with NAME EXPR, ...]`: one row of the posting matrix.
public struct PostingRow: Sendable {
  public var event: PostingEvent
  public var eventSpan: Span
  public var debit: Expr?
  public var credit: Expr?
  public var dimensions: [DimensionValue]
  public var span: Span
}

/// How a charge's revenue is recognized (grammar.md §13).
public enum RecognitionMethod: Sendable, Hashable {
  /// `at point in time`: when invoiced (one-time fees, usage when delivered): the default.
  case pointInTime
  /// `ratably daily` / `ratably monthly`: over the invoice line's service period, per day or in equal months.
  case ratably(monthly: Bool)
  /// `on milestone`: as the data's milestones (revenue_milestones.csv) are reached.
  case milestone

  /// As written after `recognize`.
  public var description: String {
    switch self {
    case .pointInTime: "at point in time"
    case .ratably(let monthly): monthly ? "ratably monthly" : "ratably daily"
    case .milestone: "on milestone"
    }
  }

  /// Whether revenue is deferred when invoiced (and recognized later).
  public var defers: Bool { self != .pointInTime }
}

/// One statement of a posting block.
public enum PostingItem: Sendable {
  /// `entity EXPR`: the entity an event posts to (the block for all only).
  case entity(Expr, Span)
  /// `dimension NAME EXPR`: a dimension's value for every row the block resolves.
  case dimension(DimensionValue, Span)
  case row(PostingRow)
  /// `recognize METHOD`: how the revenue of the block's invoice lines is recognized (grammar.md §13).
  case recognize(RecognitionMethod, Span)

  public var span: Span {
    switch self {
    case .entity(_, let s), .dimension(_, let s), .recognize(_, let s): s
    case .row(let r): r.span
    }
  }
}

/// `posting [entity "E" | plan NAME [charge NAME]] { ... }`.
public struct PostingDecl: Sendable {
  public var scope: PostingScope
  public var scopeSpan: Span
  public var items: [PostingItem]
  public var span: Span
}
