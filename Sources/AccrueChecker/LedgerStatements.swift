import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// A piece of a number format, as the checker read it (`"NW-{year}-{seq:5}"`: text "NW-", year, text "-",
/// sequence of width 5). The compiler hands these on as `NumberingRule.Piece`.
public enum NumberPiece: Sendable, Equatable {
  case text(String)
  case year
  case month
  case entity
  /// `{seq}` (width 1: as it is) or `{seq:N}` (zero padded to N digits).
  case sequence(width: Int)
}

/// A `number invoices|debit notes` statement, checked.
public struct CheckedNumbering: Sendable {
  public var document: NumberedDocument
  /// The format's pieces in order; adjacent text is one piece.
  public var pieces: [NumberPiece]
  public var perYear: Bool
  public var perMonth: Bool
  /// The field the sequence is counted per: its record, its slot in that record (`FieldInfo.index`: core fields
  /// first, then custom ones in declaration order) and its name as written (`customer.entity`).
  public var entity: (record: RecordKind, slot: Int, name: String)?
  /// Where the statement is.
  public var span: Span
}

/// The receivables ledger's statements of a rule set (grammar.md §9), each stated at most once; nil where the rule
/// set does not state it (the compiler applies the defaults).
public struct LedgerStatements: Sendable {
  public var invoiceNumbering: CheckedNumbering?
  public var debitNoteNumbering: CheckedNumbering?
  public var creditNoteNumbering: CheckedNumbering?
  /// `fees billed on next invoice` (true) or `as debit notes` (false), with where it is stated.
  public var feeBilling: (onNextInvoice: Bool, span: Span)?
  /// `account credit applied oldest first` (true) or `held` (false), with where it is stated.
  public var creditUse: (oldestFirst: Bool, span: Span)?

  public init() {}
}

extension NumberPiece {
  /// A number written with these pieces (for the examples in messages; `NumberingRule.format` is the one the ledger
  /// uses, and gives the same text).
  static func sample(_ pieces: [NumberPiece], year: Int, month: Int, entity: String, sequence: Int) -> String {
    var out = ""
    for p in pieces {
      switch p {
      case .text(let t): out += t
      case .year: out += padded(year, 4)
      case .month: out += padded(month, 2)
      case .entity: out += entity
      case .sequence(let w): out += padded(sequence, w)
      }
    }
    return out
  }

  static func padded(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  /// The pieces with every `{seq:N}` made `{seq}`: two formats equal so could give the same number.
  static func withoutWidths(_ pieces: [NumberPiece]) -> [NumberPiece] {
    pieces.map { if case .sequence = $0 { .sequence(width: 1) } else { $0 } }
  }
}
