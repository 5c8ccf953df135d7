import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Built-in functions.
public enum Builtin: String, Sendable, CaseIterable {
  case min, max, abs, round
  case daysBetween = "days_between"
  case endOfMonth = "end_of_month"
  case startOfMonth = "start_of_month"
  case year, month, day
  case contains
  case startsWith = "starts_with"
  case lower, upper
}

/// What a name or field in an expression refers to, decided once by the checker.
public enum Resolution: Sendable, Hashable {
  /// A `let`, by index into `CheckedProgram.lets`.
  case letValue(Int)
  /// A parameter of the enclosing `define`, by position.
  case param(Int)
  /// A record root (`customer`, `invoice`, ...).
  case record(RecordKind)
  /// A field of a record, by slot index.
  case field(RecordKind, Int)
  /// The run's as-of date.
  case asOf
  /// A currency code used as a value.
  case currency(Currency)
  /// A built-in function.
  case builtin(Builtin)
  /// A `define`, by index into `CheckedProgram.defines`.
  case define(Int)
}

/// The settings in force for a scope.
public struct Settings: Sendable, Hashable {
  /// Currency of amounts and plans.
  public var currency: Currency?
  /// Rounding of money lines (half even unless stated).
  public var rounding: RoundingMode?
  /// How month arithmetic treats days that do not exist; nil means "ambiguous is an error".
  public var monthEnd: MonthEndRule?
  /// Whether the first tier's flat fee is billed for a period without usage (nil: the default, yes).
  public var firstTierFeeAlways: Bool?
  /// Whether an invoice whose total is zero is issued (nil: the default, yes).
  public var zeroInvoicesIssued: Bool?
  /// Which lines share an invoice (`invoice per ...`, top level only; nil: per contract).
  public var invoiceGrouping: InvoiceGrouping? = nil

  /// Creates empty settings.
  public init(
    currency: Currency? = nil, rounding: RoundingMode? = nil, monthEnd: MonthEndRule? = nil, firstTierFeeAlways: Bool? = nil,
    zeroInvoicesIssued: Bool? = nil
  ) {
    self.currency = currency
    self.rounding = rounding
    self.monthEnd = monthEnd
    self.firstTierFeeAlways = firstTierFeeAlways
    self.zeroInvoicesIssued = zeroInvoicesIssued
  }

  /// These settings with `inner`'s stated values taking precedence.
  public func overridden(by inner: Settings) -> Settings {
    Settings(
      currency: inner.currency ?? currency, rounding: inner.rounding ?? rounding, monthEnd: inner.monthEnd ?? monthEnd,
      firstTierFeeAlways: inner.firstTierFeeAlways ?? firstTierFeeAlways, zeroInvoicesIssued: inner.zeroInvoicesIssued ?? zeroInvoicesIssued)
  }

  /// Applies one setting statement.
  public mutating func apply(_ s: Setting) {
    switch s {
    case .currency(let c): currency = c
    case .rounding(let m): rounding = m
    case .monthEnd(let r): monthEnd = r
    case .firstTierFee(let always): firstTierFeeAlways = always
    case .zeroInvoices(let issued): zeroInvoicesIssued = issued
    case .invoicePer(let g): invoiceGrouping = g
    }
  }
}

/// A declaration with the file it came from.
public struct Located<T: Sendable>: Sendable {
  /// The declaration.
  public var decl: T
  /// Its file.
  public var file: FileID
  /// Settings in force for it (rule set overridden by its own block).
  public var settings: Settings
}

/// A role that approves: its name, its label (its name when it has none) and where it is declared.
public struct CheckedRole: Sendable {
  public var name: String
  public var label: String
  public var span: Span
}

/// The checker's result: the declarations in rule order, with every expression typed and
/// every name resolved. The compiler lowers this to a plan.
public struct CheckedProgram: Sendable {
  /// Symbol names by id.
  public var names: [String]
  /// The type of each expression, by expression id.
  public var types: [ValueType]
  /// What each name, field and call refers to, by expression id (nil for other expressions).
  public var resolutions: [Resolution?]
  /// The rule set's top-level settings.
  public var settings: Settings
  /// Where `invoice per ...` is stated, if it is (grammar.md §6.5).
  public var invoiceGroupingSpan: Span? = nil
  /// `let` definitions, ordered so that each comes after those it uses.
  public var lets: [Located<LetDecl>]
  /// `define` definitions in declaration order.
  public var defines: [Located<DefineDecl>]
  /// Custom fields per record, in slot order after the core fields.
  public var customFields: [RecordKind: [FieldInfo]]
  /// Holiday calendars in declaration order.
  public var calendars: [Located<CalendarDecl>]
  /// Metrics in declaration order.
  public var metrics: [Located<MetricDecl>]
  /// Plans in declaration order.
  public var plans: [Located<PlanDecl>]
  /// Cadences in rule order (first match wins).
  public var cadences: [Located<CadenceDecl>]
  /// Match rules in rule order.
  public var matches: [Located<MatchDecl>]
  /// The receivables ledger's statements: numbering, fee billing, account credit.
  public var ledger = LedgerStatements()
  /// The CSV statement formats (grammar.md §8.1), in rule order.
  public var statementFormats: [CheckedStatementFormat] = []
  /// The payment processors' settings (grammar.md §8.2), in rule order.
  public var processors: [CheckedProcessor] = []
  /// The roles that approve, in rule order (grammar.md §11).
  public var roles: [CheckedRole] = []
  /// The approval rules, in rule order (grammar.md §11).
  public var approvals: [CheckedApproval] = []
  /// The dimensions of the general ledger and the posting blocks, in rule order (grammar.md §12).
  public var dimensions: [CheckedDimension] = []
  public var postings: [CheckedPosting] = []

  /// The name of a symbol.
  public func name(_ s: Symbol) -> String {
    s.raw >= 0 && Int(s.raw) < names.count ? names[Int(s.raw)] : "<missing>"
  }

  /// All fields of a record (core then custom), in slot order.
  public func fields(of r: RecordKind) -> [FieldInfo] {
    let core = (Schema.core[r] ?? []).enumerated().map {
      FieldInfo(name: $0.element.0, type: $0.element.1, doc: $0.element.2, isCustom: false, index: $0.offset)
    }
    return core + (customFields[r] ?? [])
  }
}
