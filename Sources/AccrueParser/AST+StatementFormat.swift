import AccrueCore
import AccrueDiagnostics

// A CSV statement format (grammar.md §8.1): which files of `statements/` it reads and which of their columns hold
// the booking date, the amount, the currency and the references. Top level only.

/// `statement format NAME ["label"] { ... }`.
public struct StatementFormatDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var items: [StatementFormatItem]
  public var span: Span
}

/// The two dates a statement format reads.
public enum StatementDateKind: String, Sendable, Hashable {
  case booking = "date"
  case value = "value date"
}

/// The text columns a statement format may read, as written after the statement's first word(s).
public enum StatementTextField: String, Sendable, Hashable, CaseIterable {
  /// `reference "COL"`: the structured creditor reference (RF..., an invoice number the payer typed in its field).
  case reference
  /// `remittance "COL"`: the free remittance text.
  case remittance
  /// `end to end id "COL"`.
  case endToEndID = "end to end id"
  /// `bank reference "COL"`.
  case bankReference = "bank reference"
  /// `counterparty "COL"`: the payer's (or payee's) name.
  case counterparty
  /// `counterparty account "COL"`: the payer's IBAN or account number.
  case counterpartyAccount = "counterparty account"
}

/// `decimal "," thousands "."` after the amount columns (each optional).
public struct NumberSeparatorsLit: Sendable {
  public var decimal: StringLit?
  public var thousands: StringLit?
  public init(decimal: StringLit? = nil, thousands: StringLit? = nil) {
    self.decimal = decimal
    self.thousands = thousands
  }
}

/// One statement of a statement format.
public enum StatementFormatItem: Sendable {
  /// `files "nordbank-*.csv" [, "..."]`: globs on the file name.
  case files([StringLit], Span)
  /// `delimiter ";"`.
  case delimiter(StringLit, Span)
  /// `skip N line|lines`: the number as written (checked by the checker) and its span.
  case skip(String, Span, Span)
  /// `date "COL" [as "DD.MM.YYYY"]`, `value date "COL" [as "..."]`.
  case date(StatementDateKind, column: StringLit, pattern: StringLit?, Span)
  /// `amount "COL" [decimal "," ] [thousands "."]`: one signed amount column.
  case amount(column: StringLit, NumberSeparatorsLit, Span)
  /// `credit "COL", debit "COL" [decimal ...] [thousands ...]` (either order): money in and money out apart.
  case creditDebit(credit: StringLit, debit: StringLit, NumberSeparatorsLit, Span)
  /// `currency "COL"` (a column) or `currency EUR` (every row).
  case currencyColumn(StringLit, Span)
  case fixedCurrency(Currency, Span)
  /// `reference "COL"`, `remittance "COL"`, `end to end id "COL"`, ...
  case text(StatementTextField, StringLit, Span)

  /// Where the statement is.
  public var span: Span {
    switch self {
    case .files(_, let s), .delimiter(_, let s), .skip(_, _, let s), .date(_, _, _, let s), .amount(_, _, let s),
      .creditDebit(_, _, _, let s), .currencyColumn(_, let s), .fixedCurrency(_, let s), .text(_, _, let s):
      s
    }
  }

  /// The statement's name, for "stated twice" (E0506).
  public var key: String {
    switch self {
    case .files: "files"
    case .delimiter: "delimiter"
    case .skip: "skip"
    case .date(let k, _, _, _): k.rawValue
    case .amount, .creditDebit: "amount"
    case .currencyColumn, .fixedCurrency: "currency"
    case .text(let f, _, _): f.rawValue
    }
  }
}
