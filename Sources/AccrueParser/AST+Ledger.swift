import AccrueDiagnostics

// The statements of the receivables ledger (grammar.md §9): how invoices and debit notes are numbered, how fees
// are billed, and what happens to credit on a customer's account. Top level only, each at most once per rule set.

/// The documents a `number` statement numbers.
public enum NumberedDocument: String, Sendable, Hashable {
  case invoices
  case debitNotes = "debit notes"
  /// `number credit notes`: the credit notes people issue (`accrue credit-note`), a sequence of their own.
  case creditNotes = "credit notes"
}

/// What a sequence of numbers is counted in: it starts again at 1 in each year, month or value of the field.
public enum NumberingScope: Sendable {
  /// `per year`: the issue date's year.
  case year(Span)
  /// `per month`: the issue date's year and month.
  case month(Span)
  /// `per customer.X` / `per contract.X`: each value of the field (the record's name as written, then the field's).
  case field(record: Name, field: Name, Span)

  /// Where the scope is written.
  public var span: Span {
    switch self {
    case .year(let s), .month(let s), .field(_, _, let s): s
    }
  }
}

/// `number invoices "NW-{year}-{seq:5}" per year`, `number debit notes "..." [per SCOPE, ...]`.
public struct NumberingDecl: Sendable {
  /// Invoices or debit notes.
  public var document: NumberedDocument
  /// The format with its placeholders, undecoded until the checker reads it (`{year}`, `{month}`, `{entity}`,
  /// `{seq}`, `{seq:N}`).
  public var format: StringLit
  /// The scopes after `per`, in the order written (none: one sequence for ever).
  public var scopes: [NumberingScope]
  public var span: Span
}

/// `fees billed as debit notes` / `fees billed on next invoice`.
public struct FeeBillingDecl: Sendable {
  /// `on next invoice` (true) or `as debit notes` (false).
  public var onNextInvoice: Bool
  public var span: Span
}

/// `account credit applied oldest first` / `account credit held`.
public struct CreditUseDecl: Sendable {
  /// `applied oldest first` (true) or `held` (false).
  public var oldestFirst: Bool
  public var span: Span
}
