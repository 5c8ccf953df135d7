import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

extension CheckerState {
  // MARK: - Operators

  func typeOfBinary(_ e: Expr, _ op: BinaryOp, _ l: Expr, _ r: Expr, _ ctx: Context) -> ValueType {
    var ctx = ctx
    if op == .or, !ctx.thresholdsReported, ctx.blockCurrency == nil, let fix = thresholdsByCurrency(e) {
      report(
        .currencyNotKnown, "one threshold per currency, written as comparisons joined by 'or': for a record in one currency, the comparison in another has no answer",
        at: e.span, help: "compare once with the amounts per currency: '\(fix)'", fix: FixIt("write '\(fix)'", edits: [Edit(e.span, fix)]))
      ctx.thresholdsReported = true
    }
    let lt = typeOf(l, ctx)
    // The right side of 'and' is read only where the left holds: a currency it tests is known there.
    let rt = typeOf(r, op == .and ? ctx.narrowing(currencyFacts(l)) : ctx)
    if lt == .error || rt == .error {
      return op.isComparison || op == .and || op == .or ? .bool : .error
    }
    let opSpan = Span(file: e.span.file, start: l.span.end, end: r.span.start)
    switch op {
    case .and, .or:
      // Each side on its own (an array of the two would be made for every 'and').
      func side(_ x: Expr, _ t: ValueType) {
        guard t != .bool else { return }
        report(.conditionNotBoolean, "'\(op.rawValue)' joins yes/no conditions, found \(t)", at: x.span, help: conversionHelp(x, t, .bool))
      }
      side(l, lt)
      side(r, rt)
      return .bool
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
      let u = unify(lt, rt, at: e.span, ctx, what: "the two sides of '\(op.rawValue)'", comparing: true)
      if op != .equal, op != .notEqual, !u.isOrdered, u != .error {
        report(.invalidOperands, "\(u) cannot be ordered with '\(op.rawValue)'", at: e.span)
      }
      if case .list = u { report(.invalidOperands, "lists cannot be compared; use 'in'", at: e.span) }
      if case .money(.perCurrency) = lt, case .money(.perCurrency) = rt {
        report(.invalidOperands, "two lists of amounts per currency cannot be compared; compare an amount with one of them", at: e.span)
      }
      return .bool
    case .add, .subtract:
      return additive(e, op, l, r, lt, rt, ctx)
    case .multiply, .of:
      return multiplicative(e, op, l, r, lt, rt, ctx, opSpan)
    case .divide:
      if let c = constValue(r), isZero(c) {
        report(.divisionByZero, "division by zero", at: r.span)
        return .error
      }
      switch (lt, rt) {
      case (.number, .number): return .number
      case (.money, .number): return lt
      case (.money(let a), .money(let b)):
        _ = unifyCurrency(a, b, at: e.span, ctx, what: "the two sides of '/'")
        return .number
      case (.percent, .number): return .percent
      case (.percent, .percent): return .number
      case (.days, .number), (.months, .number), (.businessDays, .number): return lt
      case (.days, .days), (.months, .months), (.businessDays, .businessDays): return .number
      default:
        report(.invalidOperands, "cannot divide \(lt) by \(rt)", at: e.span, help: operandHelp(lt, rt))
        return .error
      }
    }
  }

  func operandHelp(_ a: ValueType, _ b: ValueType) -> String? {
    switch (a, b) {
    case (.money, .number), (.number, .money): "give the number its currency, as in 10.00 USD"
    case (.days, .number), (.number, .days): "give the number its unit, as in 30 days"
    default: nil
    }
  }

  func additive(_ e: Expr, _ op: BinaryOp, _ l: Expr, _ r: Expr, _ lt: ValueType, _ rt: ValueType, _ ctx: Context)
    -> ValueType
  {
    let sym = op.rawValue
    switch (lt, rt) {
    case (.number, .number), (.percent, .percent), (.days, .days), (.months, .months), (.businessDays, .businessDays):
      return lt
    case (.money(let a), .money(let b)):
      return .money(unifyCurrency(a, b, at: e.span, ctx, what: "the two sides of '\(sym)'"))
    case (.date, .days), (.date, .businessDays): return .date
    case (.days, .date) where op == .add, (.businessDays, .date) where op == .add: return .date
    case (.date, .months):
      checkMonthArithmetic(e, date: l, months: r, negate: op == .subtract, ctx)
      return .date
    case (.months, .date) where op == .add:
      checkMonthArithmetic(e, date: r, months: l, negate: false, ctx)
      return .date
    case (.date, .date) where op == .subtract: return .days
    default:
      if (lt == .percent && rt == .number) || (lt == .number && rt == .percent) {
        report(
          .percentWithNumber, "cannot \(op == .add ? "add" : "subtract") a percent and a plain number", at: e.span,
          help: "write both as percents (0.05 is 5%)")
      } else if lt.isDuration, rt.isDuration {
        report(
          .mixedDurations, "cannot \(op == .add ? "add" : "subtract") \(lt) and \(rt)", at: e.span,
          help: "days, business days and months are different units; count both in the same one")
      } else if (lt.isMoney && rt == .number) || (lt == .number && rt.isMoney) {
        report(
          .typeMismatch, "cannot \(op == .add ? "add" : "subtract") money and a plain number", at: e.span,
          help: "give the number its currency, as in 10.00 USD")
      } else {
        report(
          .invalidOperands, "cannot \(op == .add ? "add" : "subtract") \(rt) \(op == .add ? "to" : "from") \(lt)",
          at: e.span, help: lt == .date && rt == .number ? "write a duration, as in 30 days" : operandHelp(lt, rt))
      }
      return .error
    }
  }

  func multiplicative(
    _ e: Expr, _ op: BinaryOp, _ l: Expr, _ r: Expr, _ lt: ValueType, _ rt: ValueType, _ ctx: Context, _ opSpan: Span
  ) -> ValueType {
    if op == .of {
      guard lt == .percent else {
        report(.invalidOperands, "'of' needs a percent on its left, as in 2% of invoice.balance", at: l.span)
        return .error
      }
      switch rt {
      case .money, .number: return rt
      default:
        report(.invalidOperands, "cannot take a percent of \(rt)", at: r.span)
        return .error
      }
    }
    switch (lt, rt) {
    case (.number, .number): return .number
    case (.money, .number), (.money, .percent): return lt
    case (.number, .money), (.percent, .money): return rt
    case (.percent, .number), (.number, .percent): return .percent
    case (.days, .number), (.months, .number), (.businessDays, .number): return lt
    case (.number, .days), (.number, .months), (.number, .businessDays): return rt
    case (.money, .money):
      report(
        .moneyTimesMoney, "cannot multiply money by money", at: e.span,
        help: "multiply an amount by a number or a percent, as in invoice.balance * 2%")
      return .error
    default:
      report(.invalidOperands, "cannot multiply \(lt) by \(rt)", at: e.span)
      return .error
    }
  }

  /// `date ± months` needs a month-end rule unless the date is a constant whose result exists.
  func checkMonthArithmetic(_ e: Expr, date: Expr, months: Expr, negate: Bool, _ ctx: Context) {
    guard ctx.settings.monthEnd == nil else { return }
    if case .date(let d)? = constValue(date), case .months(let m)? = constValue(months) {
      if !d.monthAdditionIsAmbiguous(Int(negate ? -m : m)) { return }
      let target = d.adding(months: Int(negate ? -m : m), .clamp).map { "\($0.year)-\($0.month < 10 ? "0" : "")\($0.month)" } ?? "?"
      report(
        .ambiguousMonthArithmetic, "\(d) \(negate ? "-" : "+") \(m) month\(m == 1 ? "" : "s") lands on a day that \(target) does not have",
        at: e.span, help: "state how month ends round: 'month end clamp' or 'month end roll over'")
      return
    }
    report(
      .ambiguousMonthArithmetic, "adding months to a date can land on a day that does not exist (January 31 + 1 month)",
      at: e.span,
      help: "state how month ends round, for the rule set or this block: 'month end clamp' (Feb 28) or 'month end roll over' (Mar 1)")
  }

  // MARK: - Constants

  func isZero(_ c: ConstValue) -> Bool {
    switch c {
    case .number(let v), .money(let v, _), .percent(let v): v.isZero
    case .days(let n), .businessDays(let n), .months(let n): n == 0
    default: false
    }
  }

  /// The value of an expression when it is known without data, else nil (also when it nests, through the lets
  /// it names, deeper than an expression may: typing it reports that).
  func constValue(_ e: Expr) -> ConstValue? {
    guard constNesting < Expansion.maxDepth else { return nil }
    constNesting += 1
    defer { constNesting -= 1 }
    switch e.kind {
    case .number(let v): return .number(v)
    case .money(let v, let c): return .money(v, c)
    case .percent(let v): return .percent(v)
    case .date(let d): return .date(d)
    case .string(let s): return .text(s)
    case .bool(let b): return .bool(b)
    case .duration(let n, let u):
      switch u {
      case .days: return .days(n)
      case .weeks: return .days(n * 7)
      case .businessDays: return .businessDays(n)
      case .months: return .months(n)
      case .years: return .months(n * 12)
      }
    case .name(let n):
      guard let l = lets[n.symbol], !folding.contains(n.symbol), l.state != 1 else { return nil }
      folding.insert(n.symbol)
      defer { folding.remove(n.symbol) }
      return constValue(l.decl.value)
    case .unary(.negate, let x):
      switch constValue(x) {
      case .number(let v)?: return v.negated.map { .number($0) }
      case .money(let v, let c)?: return v.negated.map { .money($0, c) }
      case .percent(let v)?: return v.negated.map { .percent($0) }
      case .days(let n)?: return .days(-n)
      case .months(let n)?: return .months(-n)
      default: return nil
      }
    case .unary(.not, let x):
      if case .bool(let b)? = constValue(x) { return .bool(!b) }
      return nil
    case .binary(let op, let l, let r):
      guard let a = constValue(l), let b = constValue(r) else { return nil }
      switch (op, a, b) {
      case (.add, .number(let x), .number(let y)): return x.adding(y).map { .number($0) }
      case (.subtract, .number(let x), .number(let y)): return x.subtracting(y).map { .number($0) }
      case (.multiply, .number(let x), .number(let y)): return x.multiplied(by: y).map { .number($0) }
      case (.add, .percent(let x), .percent(let y)): return x.adding(y).map { .percent($0) }
      case (.add, .money(let x, let c), .money(let y, let d)) where c == d: return x.adding(y).map { .money($0, c) }
      case (.subtract, .money(let x, let c), .money(let y, let d)) where c == d:
        return x.subtracting(y).map { .money($0, c) }
      case (.add, .days(let x), .days(let y)): return .days(x + y)
      case (.add, .months(let x), .months(let y)): return .months(x + y)
      case (.add, .date(let d), .days(let n)): return d.adding(days: Int(n)).map { .date($0) }
      case (.subtract, .date(let d), .days(let n)): return d.adding(days: Int(-n)).map { .date($0) }
      case (.equal, _, _): return .bool(a == b)
      case (.notEqual, _, _): return .bool(a != b)
      case (.and, .bool(let x), .bool(let y)): return .bool(x && y)
      case (.or, .bool(let x), .bool(let y)): return .bool(x || y)
      default: return nil
      }
    default:
      return nil
    }
  }
}

/// How deep and how large an expression is once the definitions it calls are written out in place.
struct Expansion {
  var depth: Int
  var size: Int
  /// The deepest an expression may nest, with the lets and definitions it uses (the parser's limit for one).
  static let maxDepth = 500
  /// The most operations a definition may expand to (a definition calling another twice doubles it).
  static let maxSize = 100_000
}

extension CheckerState {
  /// The expansion of `e`, its calls of definitions already checked counted with their own expansion.
  func expansion(of e: Expr) -> Expansion {
    var out = Expansion(depth: 1, size: 1)
    for c in e.kind.children {
      let x = expansion(of: c)
      out.depth = max(out.depth, x.depth + 1)
      out.size = min(out.size + x.size, Expansion.maxSize + 1)
    }
    if case .call(let f, _) = e.kind, let d = defines[f.symbol], d.state == 2 {
      out.depth = max(out.depth, d.expansion.depth + 1)
      out.size = min(out.size + d.expansion.size, Expansion.maxSize + 1)
    }
    return out
  }
}
