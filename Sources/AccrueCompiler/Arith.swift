import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// Run-time arithmetic on values. The checker has already ruled out mixed kinds; what remains to
/// check here is what only data can show: currencies of data fields, overflow, division by zero.
public enum Arith {
  static func zero(like v: RValue) -> RValue {
    switch v {
    case .money(_, let c): .money(.zero, c)
    case .percent: .percent(.zero)
    case .days: .days(0)
    case .businessDays: .businessDays(0)
    case .months: .months(0)
    default: .number(.zero)
    }
  }

  static func negate(_ v: RValue, _ env: Env, _ span: Span) -> RValue {
    switch v {
    case .number(let x): return x.negated.map { .number($0) } ?? env.fail("number too large", span)
    case .money(let x, let c): return x.negated.map { .money($0, c) } ?? env.fail("amount too large", span)
    case .percent(let x): return x.negated.map { .percent($0) } ?? env.fail("percent too large", span)
    case .days(let n): return .days(-n)
    case .businessDays(let n): return .businessDays(-n)
    case .months(let n): return .months(-n)
    default: return .error
    }
  }

  // MARK: Amounts per currency

  /// Whether a value is amounts per currency (`[10.00 USD, 8.00 GBP]`).
  public static func isTable(_ v: RValue) -> Bool {
    if case .list(let xs) = v, case .money? = xs.first { return true }
    return false
  }

  /// The amount in currency `c` of amounts per currency; none listed: a failure (the run stops).
  public static func select(_ table: [RValue], _ c: Currency, _ env: Env, _ span: Span) -> RValue {
    for x in table { if case .money(_, let d) = x, d == c { return x } }
    let listed = table.compactMap { x -> String? in if case .money(_, let d) = x { return d.code } else { return nil } }
    return env.fail("there is no amount in \(c.code) among the amounts per currency (\(listed.joined(separator: ", ")))", span)
  }

  /// `op` on two values where one or both are amounts per currency: the amount in the other's currency is
  /// taken; two tables combine currency by currency (those both list); a table with a number or percent, each.
  static func perCurrency(_ a: RValue, _ b: RValue, _ env: Env, _ span: Span, _ op: (RValue, RValue) -> RValue) -> RValue? {
    switch (a, b) {
    case (.list(let xs), .money(_, let c)) where isTable(a): return op(select(xs, c, env, span), b)
    case (.money(_, let c), .list(let ys)) where isTable(b): return op(a, select(ys, c, env, span))
    case (.list(let xs), .list(let ys)) where isTable(a) && isTable(b):
      var out: [RValue] = []
      for x in xs {
        guard case .money(_, let c) = x, ys.contains(where: { if case .money(_, let d) = $0 { return d == c } else { return false } }) else {
          continue
        }
        let r = op(x, select(ys, c, env, span))
        if case .error = r { return .error }
        out.append(r)
      }
      return .list(out)
    case (.list(let xs), _) where isTable(a):
      let out = xs.map { op($0, b) }
      return out.contains(.error) ? .error : .list(out)
    case (_, .list(let ys)) where isTable(b):
      let out = ys.map { op(a, $0) }
      return out.contains(.error) ? .error : .list(out)
    default: return nil
    }
  }

  /// Amounts per currency among `values` resolved to the currency of the plain amounts among them (min, max).
  static func resolveTables(_ values: [RValue], _ env: Env, _ span: Span) -> [RValue] {
    guard values.contains(where: isTable),
      let c = values.lazy.compactMap({ v -> Currency? in if case .money(_, let c) = v { return c } else { return nil } }).first
    else { return values }
    return values.map { if case .list(let xs) = $0, isTable($0) { return select(xs, c, env, span) } else { return $0 } }
  }

  static func sameCurrency(_ a: Currency, _ b: Currency, _ env: Env, _ span: Span) -> Bool {
    if a == b { return true }
    env.fail("amounts in \(a.code) and \(b.code) cannot be combined", span)
    return false
  }

  static func add(
    _ a: RValue, _ b: RValue, negate: Bool, _ rule: MonthEndRule, _ cal: BusinessCalendar, _ env: Env, _ span: Span
  ) -> RValue {
    func f(_ x: Fixed, _ y: Fixed) -> Fixed? { negate ? x.subtracting(y) : x.adding(y) }
    let sign: Int64 = negate ? -1 : 1
    if let r = perCurrency(a, b, env, span, { add($0, $1, negate: negate, rule, cal, env, span) }) { return r }
    switch (a, b) {
    case (.number(let x), .number(let y)): return f(x, y).map { .number($0) } ?? env.fail("number too large", span)
    case (.percent(let x), .percent(let y)): return f(x, y).map { .percent($0) } ?? env.fail("percent too large", span)
    case (.money(let x, let c), .money(let y, let d)):
      guard sameCurrency(c, d, env, span) else { return .error }
      return f(x, y).map { .money($0, c) } ?? env.fail("amount too large", span)
    case (.days(let x), .days(let y)): return .days(x + sign * y)
    case (.months(let x), .months(let y)): return .months(x + sign * y)
    case (.businessDays(let x), .businessDays(let y)): return .businessDays(x + sign * y)
    case (.date(let d), .days(let n)), (.days(let n), .date(let d)):
      return d.adding(days: Int(sign * n)).map { .date($0) } ?? env.fail("date out of range", span)
    case (.date(let d), .businessDays(let n)), (.businessDays(let n), .date(let d)):
      return cal.adding(businessDays: Int(sign * n), to: d).map { .date($0) } ?? env.fail("date out of range", span)
    case (.date(let d), .months(let n)), (.months(let n), .date(let d)):
      guard let r = d.adding(months: Int(sign * n), rule) else {
        return env.fail("\(d) \(negate ? "-" : "+") \(n) months lands on a day that does not exist", span)
      }
      return .date(r)
    case (.date(let x), .date(let y)) where negate: return .days(Int64(y.days(until: x)))
    default: return .error
    }
  }

  static func multiply(_ a: RValue, _ b: RValue, _ env: Env, _ span: Span) -> RValue {
    func m(_ x: Fixed, _ y: Fixed) -> Fixed? { x.multiplied(by: y) }
    if let r = perCurrency(a, b, env, span, { multiply($0, $1, env, span) }) { return r }
    switch (a, b) {
    case (.number(let x), .number(let y)): return m(x, y).map { .number($0) } ?? env.fail("number too large", span)
    case (.money(let x, let c), .number(let y)), (.number(let y), .money(let x, let c)),
      (.money(let x, let c), .percent(let y)), (.percent(let y), .money(let x, let c)):
      return m(x, y).map { .money($0, c) } ?? env.fail("amount too large", span)
    case (.percent(let x), .number(let y)), (.number(let y), .percent(let x)):
      return m(x, y).map { .percent($0) } ?? env.fail("percent too large", span)
    case (.days(let n), .number(let y)), (.number(let y), .days(let n)):
      return wholeTimes(n, y).map { .days($0) } ?? env.fail("a number of days must be whole", span)
    case (.months(let n), .number(let y)), (.number(let y), .months(let n)):
      return wholeTimes(n, y).map { .months($0) } ?? env.fail("a number of months must be whole", span)
    case (.businessDays(let n), .number(let y)), (.number(let y), .businessDays(let n)):
      return wholeTimes(n, y).map { .businessDays($0) } ?? env.fail("a number of business days must be whole", span)
    default: return .error
    }
  }

  static func wholeTimes(_ n: Int64, _ y: Fixed) -> Int64? {
    guard let p = Fixed(Int(n)).multiplied(by: y), p.isInteger else { return nil }
    return p.toInt64()
  }

  static func divide(_ a: RValue, _ b: RValue, _ env: Env, _ span: Span) -> RValue {
    func d(_ x: Fixed, _ y: Fixed) -> Fixed? {
      if y.isZero { return nil }
      return x.divided(by: y)
    }
    func fail(_ y: Fixed) -> RValue { env.fail(y.isZero ? "division by zero" : "number too large", span) }
    if let r = perCurrency(a, b, env, span, { divide($0, $1, env, span) }) { return r }
    switch (a, b) {
    case (.number(let x), .number(let y)): return d(x, y).map { .number($0) } ?? fail(y)
    case (.money(let x, let c), .number(let y)): return d(x, y).map { .money($0, c) } ?? fail(y)
    case (.money(let x, let c), .money(let y, let e)):
      guard sameCurrency(c, e, env, span) else { return .error }
      return d(x, y).map { .number($0) } ?? fail(y)
    case (.percent(let x), .number(let y)): return d(x, y).map { .percent($0) } ?? fail(y)
    case (.percent(let x), .percent(let y)): return d(x, y).map { .number($0) } ?? fail(y)
    case (.days(let x), .days(let y)), (.months(let x), .months(let y)), (.businessDays(let x), .businessDays(let y)):
      return d(Fixed(Int(x)), Fixed(Int(y))).map { .number($0) } ?? fail(Fixed(Int(y)))
    case (.days(let x), .number(let y)):
      guard let q = d(Fixed(Int(x)), y) else { return fail(y) }
      return q.isInteger ? .days(q.toInt64() ?? 0) : env.fail("a number of days must be whole", span)
    default: return .error
    }
  }

  /// Compares two values of one kind; money of two currencies fails (never converted).
  static func compare(_ op: BinaryOp, _ a: RValue, _ b: RValue, _ env: Env, _ span: Span) -> RValue {
    let order: Int
    if isTable(a) || isTable(b) {
      // A comparison with amounts per currency takes the amount in the other side's currency.
      switch (a, b) {
      case (.list(let xs), .money(_, let c)): return compare(op, select(xs, c, env, span), b, env, span)
      case (.money(_, let c), .list(let ys)): return compare(op, a, select(ys, c, env, span), env, span)
      default: return env.fail("amounts per currency can only be compared with one amount", span)
      }
    }
    switch (a, b) {
    case (.error, _), (_, .error): return .error
    case (.number(let x), .number(let y)), (.percent(let x), .percent(let y)): order = x < y ? -1 : x == y ? 0 : 1
    case (.money(let x, let c), .money(let y, let d)):
      guard sameCurrency(c, d, env, span) else { return .error }
      order = x < y ? -1 : x == y ? 0 : 1
    case (.date(let x), .date(let y)): order = x < y ? -1 : x == y ? 0 : 1
    case (.days(let x), .days(let y)), (.months(let x), .months(let y)), (.businessDays(let x), .businessDays(let y)):
      order = x < y ? -1 : x == y ? 0 : 1
    case (.text(let x), .text(let y)): order = x < y ? -1 : x == y ? 0 : 1
    case (.bool(let x), .bool(let y)): order = x == y ? 0 : (x ? 1 : -1)
    case (.currency(let x), .currency(let y)): order = x == y ? 0 : (x < y ? -1 : 1)
    default: return .error
    }
    switch op {
    case .equal: return .bool(order == 0)
    case .notEqual: return .bool(order != 0)
    case .less: return .bool(order < 0)
    case .lessEqual: return .bool(order <= 0)
    case .greater: return .bool(order > 0)
    case .greaterEqual: return .bool(order >= 0)
    default: return .error
    }
  }
}
