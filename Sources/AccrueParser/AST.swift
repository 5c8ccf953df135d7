import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel

// The syntax tree. Every node carries the span of the text it came from; expressions also carry
// an id, unique within one load, that the checker and compiler key their side tables by.

/// An identifier occurrence.
public struct Name: Sendable, Hashable {
  /// The interned word.
  public var symbol: Symbol
  /// Where it is written.
  public var span: Span
  /// Creates a name.
  public init(_ symbol: Symbol, _ span: Span) {
    self.symbol = symbol
    self.span = span
  }
}

/// A string literal with its decoded value.
public struct StringLit: Sendable, Hashable {
  /// The decoded text.
  public var value: String
  /// The span including quotes.
  public var span: Span
}

/// A `/…/` pattern literal (source between the slashes, undecoded).
public struct PatternLit: Sendable, Hashable {
  /// The regular expression source.
  public var source: String
  /// The span including slashes.
  public var span: Span
}

/// Units a number literal can carry.
public enum DurationUnit: String, Sendable, Hashable {
  case days, businessDays = "business days", weeks, months, years
}

/// Unary operators.
public enum UnaryOp: String, Sendable { case negate = "-", not }

/// Binary operators, from loosest to tightest: or; and; comparisons; + -; * / of.
public enum BinaryOp: String, Sendable {
  case or, and
  case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case add = "+", subtract = "-", multiply = "*", divide = "/", of

  /// Binding strength; higher binds tighter.
  public var precedence: Int {
    switch self {
    case .or: 1
    case .and: 2
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: 3
    case .add, .subtract: 4
    case .multiply, .divide, .of: 5
    }
  }
  /// Whether this compares two values.
  public var isComparison: Bool { precedence == 3 }
}

/// An expression.
public struct Expr: Sendable {
  /// Unique within one load; index into checker side tables.
  public var id: Int32
  /// The text it covers.
  public var span: Span
  /// What it is.
  public var kind: ExprKind
  /// Levels from here to its deepest leaf (1 for a leaf): the parser caps it, so that every stage after it may
  /// walk an expression recursively whatever the input.
  public var depth: UInt16
  /// Creates an expression.
  public init(id: Int32, span: Span, kind: ExprKind) {
    self.id = id
    self.span = span
    self.kind = kind
    depth = kind.deepestChild &+ 1
  }
}

extension ExprKind {
  /// The depth of the deepest expression directly inside this one (0 for a leaf), without making the array
  /// `children` makes: it runs once per expression the parser makes.
  var deepestChild: UInt16 {
    switch self {
    case .number, .money, .percent, .duration, .date, .string, .bool, .name, .roundingMode, .invalid: 0
    case .field(let b, _): b.depth
    case .call(_, let args), .list(let args): args.reduce(0) { max($0, $1.depth) }
    case .unary(_, let x), .matches(let x, _): x.depth
    case .binary(_, let l, let r), .membership(let l, let r, _): max(l.depth, r.depth)
    case .conditional(let a, let b, let c), .between(let a, let b, let c): max(a.depth, b.depth, c.depth)
    }
  }

  /// The expressions directly inside this one.
  public var children: [Expr] {
    switch self {
    case .number, .money, .percent, .duration, .date, .string, .bool, .name, .roundingMode, .invalid: []
    case .field(let b, _): [b]
    case .call(_, let args): args
    case .unary(_, let x): [x]
    case .binary(_, let l, let r): [l, r]
    case .conditional(let c, let a, let b): [c, a, b]
    case .list(let xs): xs
    case .between(let x, let lo, let hi): [x, lo, hi]
    case .membership(let x, let l, _): [x, l]
    case .matches(let x, _): [x]
    }
  }
}

/// The forms of expression.
public enum ExprKind: Sendable {
  /// A plain number, e.g. `12.5` or `1_000 units`.
  case number(Fixed)
  /// An amount, e.g. `12.00 USD`.
  case money(Fixed, Currency)
  /// A percent; the value is the fraction (`2.5%` is 0.025).
  case percent(Fixed)
  /// A duration such as `30 days` or `3 months`.
  case duration(Int64, DurationUnit)
  /// A date literal.
  case date(CivilDate)
  /// A string literal.
  case string(String)
  /// `true` or `false`.
  case bool(Bool)
  /// A name: a definition, a parameter, a record, a built-in value or a currency code.
  case name(Name)
  /// `base.field`.
  indirect case field(Expr, Name)
  /// `f(args)`.
  indirect case call(Name, [Expr])
  /// A rounding mode given as an argument, e.g. the `half up` in `round(x, half up)`.
  case roundingMode(RoundingMode)
  /// `-x`, `not x`.
  indirect case unary(UnaryOp, Expr)
  /// `a op b`.
  indirect case binary(BinaryOp, Expr, Expr)
  /// `if c then a else b`.
  indirect case conditional(Expr, Expr, Expr)
  /// `[a, b, c]`.
  case list([Expr])
  /// `x between a and b` (inclusive).
  indirect case between(Expr, Expr, Expr)
  /// `x in list`, `x not in list`.
  indirect case membership(Expr, Expr, negated: Bool)
  /// `x matches /pattern/`.
  indirect case matches(Expr, PatternLit)
  /// Placeholder for an expression that failed to parse (already diagnosed).
  case invalid
}

// MARK: - Declarations

/// One parsed file.
public struct RuleFile: Sendable {
  /// The source file.
  public var file: FileID
  /// Top-level declarations in order.
  public var decls: [Decl]
  /// Start offsets of the blocks (the span of their declaration) that lost a statement to a syntax error:
  /// the checker does not report those blocks as missing a statement (the error already points there).
  public var incompleteBlocks: Set<Int32> = []
}

/// A top-level declaration.
public enum Decl: Sendable {
  case include(IncludeDecl)
  case setting(SettingDecl)
  case `let`(LetDecl)
  case define(DefineDecl)
  case field(FieldDecl)
  case calendar(CalendarDecl)
  case metric(MetricDecl)
  case plan(PlanDecl)
  case cadence(CadenceDecl)
  case match(MatchDecl)
  /// `number invoices|debit notes "FORMAT" [per SCOPE, ...]` (the receivables ledger).
  case numbering(NumberingDecl)
  /// `fees billed as debit notes | on next invoice`.
  case feeBilling(FeeBillingDecl)
  /// `account credit applied oldest first | held`.
  case creditUse(CreditUseDecl)
  /// `statement format NAME { ... }`: a CSV statement's columns.
  case statementFormat(StatementFormatDecl)
  /// `processor NAME { ... }`: a payment processor's invoice number and payout window.
  case processor(ProcessorDecl)
  /// `role NAME ["label"]`: who approves (§11).
  case role(RoleDecl)
  /// `approval NAME ["label"] for SUBJECT { ... }`: an approval rule (§11).
  case approval(ApprovalDecl)
  case dimension(DimensionDecl)  // `dimension NAME ["label"]`: a dimension of the general ledger (§12)
  case posting(PostingDecl)  // `posting [scope] { ... }`: the accounts and dimensions events post to (§12)

  /// The declaration's span.
  public var span: Span {
    switch self {
    case .include(let d): d.span
    case .setting(let d): d.span
    case .let(let d): d.span
    case .define(let d): d.span
    case .field(let d): d.span
    case .calendar(let d): d.span
    case .metric(let d): d.span
    case .plan(let d): d.span
    case .cadence(let d): d.span
    case .match(let d): d.span
    case .numbering(let d): d.span
    case .feeBilling(let d): d.span
    case .creditUse(let d): d.span
    case .statementFormat(let d): d.span
    case .processor(let d): d.span
    case .role(let d): d.span
    case .approval(let d): d.span
    case .dimension(let d): d.span
    case .posting(let d): d.span
    }
  }
}

/// `include "path"`.
public struct IncludeDecl: Sendable {
  public var path: StringLit
  public var span: Span
}

/// A setting that applies to a scope: the rule set (top level) or one block.
public enum Setting: Sendable, Hashable {
  case currency(Currency)
  case rounding(RoundingMode)
  case monthEnd(MonthEndRule)
  /// `first tier fee always | when used`: whether the first tier's `plus flat` fee is billed for a period with
  /// no usage.
  case firstTierFee(always: Bool)
  /// `zero invoices issued | skipped`: whether an invoice whose total is zero is issued.
  case zeroInvoices(issued: Bool)
  /// `invoice per contract | customer | customer and currency` (top level only): which lines share an invoice.
  case invoicePer(InvoiceGrouping)

  /// Settings of the same kind conflict within a scope.
  public var kindName: String {
    switch self {
    case .currency: "currency"
    case .rounding: "rounding"
    case .monthEnd: "month end"
    case .firstTierFee: "first tier fee"
    case .zeroInvoices: "zero invoices"
    case .invoicePer: "invoice per"
    }
  }
}

/// A setting statement with its span.
public struct SettingDecl: Sendable {
  public var setting: Setting
  public var span: Span
}

/// A type written in a declaration: `money`, `money USD`, `days`, ...
public struct TypeAnnotation: Sendable, Hashable {
  public enum Kind: String, Sendable { case number, money, percent, date, days, businessDays = "business days", months, text, bool, currency }
  public var kind: Kind
  public var currency: Currency?
  public var span: Span
}

/// `let name [: type] = expr`.
public struct LetDecl: Sendable {
  public var name: Name
  public var type: TypeAnnotation?
  public var value: Expr
  public var span: Span
}

/// A parameter of `define`.
public struct Param: Sendable {
  public var name: Name
  public var type: TypeAnnotation
}

/// `define name(p: type, ...) [: type] = expr`.
public struct DefineDecl: Sendable {
  public var name: Name
  public var params: [Param]
  public var result: TypeAnnotation?
  public var body: Expr
  public var span: Span
}

/// `field record.name: type [= default]`.
public struct FieldDecl: Sendable {
  public var record: Name
  public var field: Name
  public var type: TypeAnnotation
  public var defaultValue: Expr?
  public var span: Span
}

/// `holiday DATE ["label"]`.
public struct HolidayDecl: Sendable {
  public var date: Expr
  public var label: StringLit?
  public var span: Span
}

/// `calendar name ["label"] { weekend ...; holiday ... }`.
public struct CalendarDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  /// The weekend days (`weekend none`: an empty list; nil: Saturday and Sunday).
  public var weekend: [(Weekday, Span)]?
  public var weekendSpan: Span?
  public var holidays: [HolidayDecl]
  public var span: Span
}

/// `sum of EXPR`, `count`, `unique count of EXPR`, `max of EXPR`, `latest of EXPR`.
public struct Aggregation: Sendable {
  public var kind: AggregationKind
  public var value: Expr?
  public var span: Span
}

/// `metric name ["label"] { event "x"; sum of event.quantity; where ... }`.
public struct MetricDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var eventName: StringLit?
  public var aggregation: Aggregation?
  public var filters: [Expr]
  public var span: Span
  /// Statements given twice (reported by the checker as conflicts).
  public var repeats: [Span]
}

// MARK: - Plans

/// How long a discount lasts.
public enum DiscountDuration: Sendable {
  case forever
  case periods(Expr)
  case until(Expr)
}

/// `discount ["label"] AMOUNT [on charge NAME] [for N periods | until DATE | forever] [when COND]`.
public struct DiscountSpec: Sendable {
  public var label: StringLit?
  public var amount: Expr
  public var charge: Name?
  public var duration: DiscountDuration
  public var condition: Expr?
  public var span: Span
}

/// `tax ["label"] RATE exclusive|inclusive [when COND]`.
public struct TaxSpec: Sendable {
  public var label: StringLit?
  public var rate: Expr
  public var mode: TaxMode
  public var condition: Expr?
  public var span: Span
}

/// One installment: `SHARE net N days`.
public struct Installment: Sendable {
  public var share: Expr
  public var after: Expr
  public var span: Span
}

/// Payment terms.
public enum PaymentTerms: Sendable {
  case dueOnReceipt
  case net(Expr)
  case netEndOfMonth(Expr)
  case endOfMonth
  case dayOfNextMonth(Expr)
  case installments([Installment])
}

/// `late fee AMOUNT [plus PERCENT]` / `late fee PERCENT`.
public struct LateFeeSpec: Sendable {
  public var fixed: Expr?
  public var percent: Expr?
  public var span: Span
}

/// `interest RATE per year [actual/365]` or `interest RATE per month [30/360]`.
public struct InterestSpec: Sendable {
  public var rate: Expr?
  /// What the rate is per: a year (the default when no rate is stated) or a month.
  public var per: InterestPeriod = .year
  public var dayCount: DayCount?
  public var span: Span
}

/// One tier: `FROM to TO at PRICE [plus flat FEE]` or `FROM and above at PRICE ...`.
public struct Tier: Sendable {
  public var from: Fixed
  public var fromSpan: Span
  public var to: Fixed?
  public var toSpan: Span?
  public var unitPrice: Expr
  public var flatFee: Expr?
  public var span: Span
}

/// `percentage RATE [plus FEE per transaction] [minimum X] [maximum Y]`.
public struct PercentageSpec: Sendable {
  public var rate: Expr
  public var fixedFee: Expr?
  public var minimum: Expr?
  public var maximum: Expr?
  public var span: Span
}

/// A charge's pricing.
public enum Pricing: Sendable {
  case flat(Expr)
  case once(Expr)
  case perUnit(Expr)
  case tiers(TierMode, [Tier])
  case package(size: Expr, price: Expr)
  case percentage(PercentageSpec)
  /// `capacity tiers { tier NAME when LIMITS at PRICE ... }` (grammar.md §6.9).
  case capacity([CapacityTier])
}

/// Statements inside `charge`.
public enum ChargeItem: Sendable {
  case pricing(Pricing, Span)
  case quantity(Expr, Span)
  case usage(Name, Span)
  case free(Expr, Span)
  case billTiming(BillTiming, Span)
  case prorate(Bool, Span)
  case discount(DiscountSpec)
  case minimum(Expr, Span)
  /// `milestone "NAME"`: billed once, when the data's milestones reach NAME (grammar.md §6.3).
  case milestone(StringLit, Span)
  /// `period P` in a charge: the charge is billed on a period of its own from the contract's anchor (§6.2).
  case period(PeriodSpec, Span)
  /// `align to calendar | anniversary` in a charge: how the charge's own periods are aligned.
  case align(Alignment, Span)
}

/// `charge name ["label"] { ... }`.
public struct ChargeDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var items: [ChargeItem]
  public var span: Span
}

/// `phase name ["label"] for DURATION { ... }`.
public struct PhaseDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var duration: Expr
  public var items: [PlanItem]
  public var span: Span
}

/// Statements inside `plan` (and the subset allowed in `phase`).
public enum PlanItem: Sendable {
  case setting(SettingDecl)
  case period(PeriodSpec, Span)
  case billTiming(BillTiming, Span)
  case align(Alignment, Span)
  /// `trial 14 days [prorated | then new cycle]`: `newCycle` when billing periods start over at the trial's end.
  case trial(Expr, newCycle: Bool, Span)
  case phase(PhaseDecl)
  case charge(ChargeDecl)
  case discount(DiscountSpec)
  case minimum(Expr, Span)
  case tax(TaxSpec)
  /// `payment terms TERMS [when COND]`: the first whose condition holds gives an invoice's terms (§6.4).
  case terms(PaymentTerms, when: Expr?, Span)
  /// `early payment discount RATE within DAYS [when COND]`: the first whose condition holds is offered (§6.4).
  case earlyDiscount(rate: Expr, within: Expr, when: Expr?, Span)
  case lateFee(LateFeeSpec)
  case interest(InterestSpec)
  /// `free` inside a phase: every charge is free for the phase.
  case free(Span)
  /// `cancellation at end of period | immediately with prorated credit | immediately without credit`.
  case cancellation(CancellationPolicy, Span)
  /// `currency USD, EUR, ...`: a price book in several currencies, the contract's currency choosing (§6.2).
  case currencies([Currency], Span)
  /// `service credit ["label"] on charge NAME { below X% credit Y% ... [maximum Z] }` (§6.7).
  case serviceCredit(ServiceCreditSpec)
  /// `term 12 months`, `renew automatically for 12 months | never`, `notice 30 days`, `minimum commitment X per term
  /// [pro rata]`: the contract's term and what happens at its end (§6.8).
  case contractTerm(ContractTermItem, Span)
  /// `bill early when usage reaches 1000.00 USD | N units of METRIC`: progressive billing (§6.10).
  case threshold(ThresholdSpec)
  /// `upgrade | downgrade immediately with proration | at end of period`: when a change to another plan takes
  /// effect (§6.11).
  case planChange(PlanChangeDirection, PlanChangeTiming, Span)

  /// The statement's span.
  public var span: Span {
    switch self {
    case .setting(let s): s.span
    case .period(_, let s), .billTiming(_, let s), .align(_, let s), .trial(_, _, let s), .minimum(_, let s),
      .terms(_, _, let s), .earlyDiscount(_, _, _, let s), .free(let s), .cancellation(_, let s), .currencies(_, let s), .contractTerm(_, let s),
      .planChange(_, _, let s):
      s
    case .phase(let p): p.span
    case .charge(let c): c.span
    case .discount(let d): d.span
    case .tax(let t): t.span
    case .lateFee(let l): l.span
    case .interest(let i): i.span
    case .serviceCredit(let sc): sc.span
    case .threshold(let t): t.span
    }
  }
}

/// `plan name ["label"] { ... }`.
public struct PlanDecl: Sendable {
  public var name: Name
  public var label: StringLit?
  public var items: [PlanItem]
  public var span: Span
}
