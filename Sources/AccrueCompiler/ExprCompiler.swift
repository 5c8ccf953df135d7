import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// Lowers checked expressions to closures. Names, fields and functions are resolved here, once;
/// evaluation never looks anything up by name.
public struct ExprCompiler: Sendable {
  let program: CheckedProgram
  /// Month-end rule and rounding in force for the expressions being compiled.
  public var settings: Settings
  /// Business-day calendar for `date + N business days` (weekends only unless a cadence names one).
  public var calendar: BusinessCalendar

  /// Prepares a compiler for a program.
  public init(program: CheckedProgram) {
    self.program = program
    self.settings = program.settings
    self.calendar = .weekendsOnly
  }

  func name(_ n: Name) -> String { program.name(n.symbol) }

  /// Compiles an expression.
  ///
  /// A chain of operators nests one level per operator, up to the parser's cap of 500 (`Parser.maxTreeDepth`):
  /// the operands of operators and of the postfix forms are compiled here, in a small frame, and each node by
  /// `compileNode`, whose frame is large in a debug build (about 17 KB: a chain of 470 operators overflowed the
  /// 8 MB stack of `accrue compile` and `plan`) and now is on the stack once per level of the forms the parser
  /// nests at most 100 deep (calls, conditionals, lists).
  public func compile(_ e: Expr) -> CExpr {
    switch e.kind {
    case .binary(_, let l, let r): return compileNode(e, [compile(l), compile(r)])
    case .unary(_, let x): return compileNode(e, [compile(x)])
    case .field(let base, _): return compileNode(e, [compile(base)])
    case .between(let x, let lo, let hi): return compileNode(e, [compile(x), compile(lo), compile(hi)])
    case .membership(let x, let list, _): return compileNode(e, [compile(x), compile(list)])
    case .matches(let x, _): return compileNode(e, [compile(x)])
    default: return compileNode(e, [])
    }
  }

  /// Compiles one node; `operands` are its operands, compiled, for the kinds `compile` lists.
  func compileNode(_ e: Expr, _ operands: [CExpr]) -> CExpr {
    let type = Int(e.id) < program.types.count ? program.types[Int(e.id)] : .error
    let span = e.span
    func make(_ resolved: String, _ f: @escaping @Sendable (Env) -> RValue) -> CExpr {
      CExpr(eval: f, resolved: resolved, span: span, type: type)
    }
    func constant(_ v: RValue) -> CExpr { make(v.description) { _ in v } }
    let resolution = Int(e.id) < program.resolutions.count ? program.resolutions[Int(e.id)] : nil
    switch e.kind {
    case .number(let v): return constant(.number(v))
    case .money(let v, let c): return constant(.money(v, c))
    case .percent(let v): return constant(.percent(v))
    case .date(let d): return constant(.date(d))
    case .string(let s): return constant(.text(s))
    case .bool(let b): return constant(.bool(b))
    case .duration(let n, let u):
      switch u {
      case .days: return constant(.days(n))
      case .weeks: return constant(.days(n * 7))
      case .businessDays: return constant(.businessDays(n))
      case .months: return constant(.months(n))
      case .years: return constant(.months(n * 12))
      }
    case .invalid, .roundingMode:
      return make("(invalid)") { env in env.fail("this expression did not check", span) }
    case .name(let n):
      switch resolution {
      case .letValue(let i)?: return make("(let#\(i) \(name(n)))") { $0.lets[i] }
      case .param(let i)?: return make("(param#\(i) \(name(n)))") { $0.params[i] }
      case .asOf?: return make("(as_of)") { .date($0.asOf) }
      case .currency(let c)?: return constant(.currency(c))
      case .record(let r)?: return make("(record \(r.rawValue))") { _ in .record(r) }
      default: return make("(unresolved \(name(n)))") { env in env.fail("'\(program.name(n.symbol))' is not resolved", span) }
      }
    case .field(_, let f):
      guard case .field(let r, let slot)? = resolution else {
        return make("(unresolved field)") { env in env.fail("field '\(program.name(f.symbol))' is not resolved", span) }
      }
      let b = operands[0]
      let ri = r.index
      // Direct record roots read their slot; a record reached through a field (invoice.customer) is
      // the current record of that kind.
      return make("(field \(r.rawValue)#\(slot) \(name(f)))") { env in
        guard case .record = b.eval(env) else { return .error }
        let rec = env.records[ri]
        return slot < rec.count ? rec[slot] : env.fail("the \(r.rawValue) record has no value for '\(program.name(f.symbol))'", span)
      }
    case .call(let f, let args):
      let cargs = args.map { compile($0) }
      switch resolution {
      case .define(let i)?:
        // Definitions are acyclic (the checker rejects recursion), so their bodies compile inline.
        let body = compile(program.defines[i].decl.body)
        return make("(define#\(i) \(name(f)) \(cargs.map(\.resolved).joined(separator: " ")))") { env in
          var values: [RValue] = []
          values.reserveCapacity(cargs.count)
          for a in cargs {
            let v = a.eval(env)
            if case .error = v { return .error }
            values.append(v)
          }
          let saved = env.params
          env.params = values
          defer { env.params = saved }
          return body.eval(env)
        }
      case .builtin(let b)?:
        let mode = args.count == 2 ? roundingMode(args[1]) : nil
        return compileBuiltin(b, cargs, mode: mode, span: span, make: make)
      default:
        return make("(unresolved call)") { env in env.fail("function '\(program.name(f.symbol))' is not resolved", span) }
      }
    case .unary(let op, _):
      let cx = operands[0]
      switch op {
      case .not:
        return make("(not \(cx.resolved))") { env in
          switch cx.eval(env) {
          case .bool(let b): return .bool(!b)
          default: return .error
          }
        }
      case .negate:
        return make("(neg \(cx.resolved))") { env in Arith.negate(cx.eval(env), env, span) }
      }
    case .binary(let op, _, _):
      let cl = operands[0]
      let cr = operands[1]
      let desc = "(\(op.rawValue) \(cl.resolved) \(cr.resolved))"
      switch op {
      case .and:
        return make(desc) { env in
          let a = cl.eval(env)
          guard case .bool(let x) = a else { return .error }
          if !x { return .bool(false) }
          guard case .bool(let y) = cr.eval(env) else { return .error }
          return .bool(y)
        }
      case .or:
        return make(desc) { env in
          let a = cl.eval(env)
          guard case .bool(let x) = a else { return .error }
          if x { return .bool(true) }
          guard case .bool(let y) = cr.eval(env) else { return .error }
          return .bool(y)
        }
      case .add, .subtract:
        let rule = settings.monthEnd ?? .reject
        let cal = calendar
        let negate = op == .subtract
        return make(desc) { env in Arith.add(cl.eval(env), cr.eval(env), negate: negate, rule, env.calendar ?? cal, env, span) }
      case .multiply, .of:
        return make(desc) { env in Arith.multiply(cl.eval(env), cr.eval(env), env, span) }
      case .divide:
        return make(desc) { env in Arith.divide(cl.eval(env), cr.eval(env), env, span) }
      case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
        return make(desc) { env in Arith.compare(op, cl.eval(env), cr.eval(env), env, span) }
      }
    case .conditional(let c, let a, let b):
      let cc = compile(c)
      let ca = compile(a)
      let cb = compile(b)
      return make("(if \(cc.resolved) \(ca.resolved) \(cb.resolved))") { env in
        switch cc.eval(env) {
        case .bool(true): return ca.eval(env)
        case .bool(false): return cb.eval(env)
        default: return .error
        }
      }
    case .list(let items):
      let cs = items.map { compile($0) }
      return make("(list \(cs.map(\.resolved).joined(separator: " ")))") { env in .list(cs.map { $0.eval(env) }) }
    case .between:
      let cx = operands[0]
      let cl = operands[1]
      let ch = operands[2]
      return make("(between \(cx.resolved) \(cl.resolved) \(ch.resolved))") { env in
        let v = cx.eval(env)
        let a = Arith.compare(.greaterEqual, v, cl.eval(env), env, span)
        let b = Arith.compare(.lessEqual, v, ch.eval(env), env, span)
        guard case .bool(let x) = a, case .bool(let y) = b else { return .error }
        return .bool(x && y)
      }
    case .membership(_, _, let negated):
      let cx = operands[0]
      let cl = operands[1]
      return make("(\(negated ? "not-in" : "in") \(cx.resolved) \(cl.resolved))") { env in
        let v = cx.eval(env)
        guard case .list(let items) = cl.eval(env) else { return .error }
        if case .error = v { return .error }
        // Amounts of another currency are not the value (never compared: Accrue does not convert).
        let found = items.contains { item in
          if case .money(_, let c) = v, case .money(_, let d) = item, c != d { return false }
          return Arith.compare(.equal, v, item, env, span).isTrue
        }
        return .bool(found != negated)
      }
    case .matches(_, let p):
      let cx = operands[0]
      guard case .success(let pattern) = Pattern.compile(p.source) else {
        return make("(invalid pattern)") { env in env.fail("invalid pattern", span) }
      }
      return make("(matches \(cx.resolved) /\(p.source)/)") { env in
        guard case .text(let s) = cx.eval(env) else { return .error }
        return .bool(pattern.matches(s))
      }
    }
  }

  func roundingMode(_ e: Expr) -> RoundingMode? {
    if case .roundingMode(let m) = e.kind { return m }
    return nil
  }

  func compileBuiltin(
    _ b: Builtin, _ args: [CExpr], mode: RoundingMode?, span: Span,
    make: (String, @escaping @Sendable (Env) -> RValue) -> CExpr
  ) -> CExpr {
    let desc = "(\(b.rawValue) \(args.map(\.resolved).joined(separator: " ")))"
    let defaultMode = settings.rounding ?? .halfEven
    switch b {
    case .min, .max:
      let wantLess = b == .min
      return make(desc) { env in
        let values = Arith.resolveTables(args.map { $0.eval(env) }, env, span)
        var best = values[0]
        for v in values.dropFirst() {
          switch Arith.compare(.less, v, best, env, span) {
          case .bool(let less): if less == wantLess && v != best { best = v }
          default: return .error
          }
        }
        return best
      }
    case .abs:
      return make(desc) { env in
        let v = args[0].eval(env)
        if case .bool(true) = Arith.compare(.less, v, Arith.zero(like: v), env, span) { return Arith.negate(v, env, span) }
        return v
      }
    case .round:
      let m = mode ?? defaultMode
      return make(desc) { env in
        switch args[0].eval(env) {
        case .money(let v, let c):
          guard let r = v.rounded(places: c.minorUnits, m) else { return env.fail("amount too large", span) }
          return .money(r, c)
        case .number(let v):
          guard let r = v.rounded(places: 0, m) else { return env.fail("number too large", span) }
          return .number(r)
        case .percent(let v):
          guard let r = v.rounded(places: 2, m) else { return env.fail("percent too large", span) }
          return .percent(r)
        default: return .error
        }
      }
    case .daysBetween:
      return make(desc) { env in
        guard case .date(let a) = args[0].eval(env), case .date(let c) = args[1].eval(env) else { return .error }
        return .days(Int64(a.days(until: c)))
      }
    case .endOfMonth, .startOfMonth:
      let end = b == .endOfMonth
      return make(desc) { env in
        guard case .date(let d) = args[0].eval(env) else { return .error }
        return .date(end ? d.endOfMonth : d.startOfMonth)
      }
    case .year, .month, .day:
      return make(desc) { env in
        guard case .date(let d) = args[0].eval(env) else { return .error }
        let v = b == .year ? d.year : b == .month ? d.month : d.day
        return .number(Fixed(v))
      }
    case .contains, .startsWith:
      let prefix = b == .startsWith
      return make(desc) { env in
        guard case .text(let a) = args[0].eval(env), case .text(let c) = args[1].eval(env) else { return .error }
        return .bool(prefix ? a.hasPrefix(c) : a.contains(c))
      }
    case .lower, .upper:
      let up = b == .upper
      return make(desc) { env in
        guard case .text(let a) = args[0].eval(env) else { return .error }
        return .text(up ? a.uppercased() : a.lowercased())
      }
    }
  }
}
