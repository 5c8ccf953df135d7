import AccrueCore
import AccrueDiagnostics

// A payment processor's settings (grammar.md §8.2): where its export carries Accrue's invoice number and how long
// its payouts take to reach the bank. Top level only.

/// `processor NAME ["label"] { ... }`.
public struct ProcessorDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var items: [ProcessorItem]
  public var span: Span
}

/// One statement of a processor block.
public enum ProcessorItem: Sendable {
  /// `invoice number from metadata "KEY"`: the `payment_metadata[KEY]` column.
  case invoiceMetadata(StringLit, Span)
  /// `payouts reach the bank within N [business] day|days`: the number as written (checked by the checker), its
  /// span, whether business days, and the statement's span.
  case payoutWindow(String, Span, business: Bool, Span)
  /// `calendar NAME`: the calendar business days are counted on.
  case calendar(Name, Span)

  public var span: Span {
    switch self {
    case .invoiceMetadata(_, let s), .payoutWindow(_, _, _, let s), .calendar(_, let s): s
    }
  }

  /// The statement's name, for "stated twice" (E0506).
  public var key: String {
    switch self {
    case .invoiceMetadata: "invoice number from"
    case .payoutWindow: "payouts reach the bank within"
    case .calendar: "calendar"
    }
  }
}
