import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

extension ExprKind {
  var isMoneyLiteral: Bool {
    if case .money = self { return true }
    return false
  }
}

/// A value known when checking (literals and constant `let`s).
enum ConstValue: Equatable {
  case number(Fixed), money(Fixed, Currency), percent(Fixed), date(CivilDate)
  case days(Int64), businessDays(Int64), months(Int64), text(String), bool(Bool)
}

extension CheckerState {
  // MARK: - Expectations

  /// Whether a value of kind `got` may be used where `want` is expected.
  func accepts(_ want: ValueType, _ got: ValueType) -> Bool {
    if want == got || got == .error || want == .error { return true }
    switch (want, got) {
    case (.money(.dynamic), .money), (.money, .money(.dynamic)): return true
    case (.list(let a), .list(let b)): return accepts(a, b)
    default: return false
    }
  }

  /// Reports E0401 (or a more specific code) unless `got` fits `want`.
  func expectType(_ e: Expr, _ got: ValueType, _ want: ValueType, _ what: @autoclosure () -> String) {
    if case .money(.known(let a)) = want, case .money(.known(let b)) = got, a != b {
      report(
        .currencyMismatch, "\(what()) must be in \(a.code), found \(b.code)", at: e.span,
        help: "write the amount in \(a.code); Accrue never converts currencies")
      return
    }
    if case .money(.known(let a)) = want, case .money(.perCurrency) = got {
      report(
        .currencyMismatch, "\(what()) must be in \(a.code), found \(got)", at: e.span,
        help: "this block is in \(a.code) only: write the one amount in \(a.code)")
      return
    }
    guard !accepts(want, got) else { return }
    report(.typeMismatch, "\(what()) must be \(want), found \(got)", at: e.span, help: conversionHelp(e, got, want))
  }

  /// Like `expectType` for several acceptable kinds.
  func expectOneOf(_ e: Expr, _ got: ValueType, _ wants: [ValueType], _ what: @autoclosure () -> String) {
    if case .money(.known(let g)) = got,
      let w = wants.first(where: { if case .money(.known(let c)) = $0 { return c != g } else { return false } })
    {
      expectType(e, got, w, what())
      return
    }
    if wants.contains(where: { accepts($0, got) }) {
      for w in wants { if case .money = w, case .money = got { expectType(e, got, w, what()) } }
      return
    }
    let list = wants.map(\.description)
    let joined = list.count <= 2 ? list.joined(separator: " or ") : list.dropLast().joined(separator: ", ") + " or " + list.last!
    // A hint for each kind that would do ("0.1" for a tolerance: an amount, or a percent); of durations, the
    // first kind only ("write a duration, as in '14 days'" says enough).
    var hints: [String] = []
    var duration = false
    for w in wants {
      let isDuration = [ValueType.days, .businessDays, .months].contains(w)
      if isDuration && duration { continue }
      duration = duration || isDuration
      if let h = conversionHelp(e, got, w), !hints.contains(h) { hints.append(h) }
    }
    report(.typeMismatch, "\(what()) must be \(joined), found \(got)", at: e.span, help: hints.isEmpty ? nil : hints.joined(separator: "; or "))
  }

  /// A teaching hint for common mix-ups (a bare number where an amount or duration belongs).
  func conversionHelp(_ e: Expr, _ got: ValueType, _ want: ValueType) -> String? {
    let text = sources[e.span.file].text(e.span)
    switch (got, want) {
    case (.number, .money(.known(let c))): return "write an amount with its currency, as in '\(text) \(c.code)'"
    case (.number, .money): return "write an amount with its currency, as in '\(text) USD'"
    case (.number, .days): return "write a duration, as in '\(text) days'"
    case (.number, .businessDays): return "write '\(text) business days'"
    case (.number, .months): return "write '\(text) months'"
    case (.number, .percent):
      // A number written as such becomes a percent with '%'; an expression cannot.
      return text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "_" }) ? "write a percent, as in '\(text)%'" : "write a percent, as in '50%'"
    case (.months, .days): return "count this duration in days"
    case (.days, .months): return "count this duration in months"
    case (.text, .date): return "write dates without quotes, as in 2026-01-31"
    case (_, .bool): return "a condition compares values, as in 'customer.segment = \"enterprise\"'"
    default: return nil
    }
  }

  /// Reports an amount literal with more decimals than its currency has (for totals, not unit prices).
  func checkMinorUnits(_ e: Expr, _ what: @autoclosure () -> String) {
    guard case .money(let v, let c)? = constValue(e), v.significantFractionDigits > c.minorUnits else { return }
    let places = c.minorUnits == 0 ? "no decimals" : c.minorUnits == 1 ? "1 decimal" : "\(c.minorUnits) decimals"
    let rounded = v.rounded(places: c.minorUnits, .halfEven).map { $0.formatted(places: c.minorUnits) } ?? ""
    report(
      .tooManyDecimals, "\(what()) has more decimals than \(c.code) allows (\(places))", at: e.span,
      help: "write '\(rounded) \(c.code)'",
      fix: e.kind.isMoneyLiteral ? FixIt("round to \(places)", edits: [Edit(e.span, "\(rounded) \(c.code)")]) : nil)
  }

  // MARK: - Typing

  @discardableResult
  func typeOf(_ e: Expr, _ ctx: Context) -> ValueType {
    // Typing a name or a call types the let or definition it names first, inside this expression: a chain of
    // them must not exhaust the stack.
    guard nesting < Expansion.maxDepth else {
      if !reportedNesting {
        reportedNesting = true
        report(
          .nestingTooDeep, "with the lets and definitions it uses, this expression nests more than \(Expansion.maxDepth) levels",
          at: e.span, help: "write each 'let' and 'define' before those that use it, or split long chains with 'let'")
      }
      return .error
    }
    nesting += 1
    defer {
      nesting -= 1
      if nesting == 0 { reportedNesting = false }
    }
    let t = computeType(e, ctx)
    if Int(e.id) < types.count { setType(e.id, t) }
    return t
  }

  /// Records an expression's type (and, on the second worker, that it was written).
  @inline(__always) func setType(_ id: Int32, _ t: ValueType) {
    types[Int(id)] = t
    if logsWrites { written.append(id) }
  }

  /// Records what a name resolved to (and, on the second worker, that it was written).
  @inline(__always) func resolve(_ id: Int32, _ r: Resolution) {
    resolutions[Int(id)] = r
    if logsWrites { written.append(id) }
  }

  func computeType(_ e: Expr, _ ctx: Context) -> ValueType {
    switch e.kind {
    case .number: return .number
    case .money(_, let c): return .money(.known(c))
    case .percent: return .percent
    case .duration(_, let u):
      switch u {
      case .days, .weeks: return .days
      case .businessDays: return .businessDays
      case .months, .years: return .months
      }
    case .date: return .date
    case .string: return .text
    case .bool: return .bool
    case .invalid: return .error
    case .roundingMode:
      report(.typeMismatch, "a rounding mode can only be the second argument of 'round'", at: e.span)
      return .error
    case .name(let n): return typeOfName(e, n, ctx)
    case .field(let base, let f): return typeOfField(e, base, f, ctx)
    case .call(let f, let args): return typeOfCall(e, f, args, ctx)
    case .unary(let op, let x):
      let t = typeOf(x, ctx)
      if t == .error { return .error }
      switch op {
      case .not:
        if t != .bool {
          report(.conditionNotBoolean, "'not' needs a yes/no condition, found \(t)", at: x.span)
          return .error
        }
        return .bool
      case .negate:
        switch t {
        case .number, .money, .percent, .days, .businessDays, .months: return t
        default:
          report(.invalidOperands, "cannot negate \(t)", at: e.span)
          return .error
        }
      }
    case .binary(let op, let l, let r):
      return typeOfBinary(e, op, l, r, ctx)
    case .conditional(let c, let a, let b):
      let ct = typeOf(c, ctx)
      if ct != .bool, ct != .error {
        report(.conditionNotBoolean, "the condition of 'if' must be yes/no, found \(ct)", at: c.span)
      }
      let at = typeOf(a, ctx.narrowing(currencyFacts(c)))
      let bt = typeOf(b, ctx)
      return unify(at, bt, at: e.span, ctx, what: "the two branches of 'if'")
    case .list(let items):
      guard !items.isEmpty else { return .list(.error) }
      let types = items.map { typeOf($0, ctx) }
      if let table = perCurrency(items, types) { return table }
      var t = types[0]
      for (it, u) in zip(items, types).dropFirst() {
        t = unify(t, u, at: it.span, ctx, what: "the items of a list")
      }
      return .list(t)
    case .between(let x, let lo, let hi):
      let xt = typeOf(x, ctx)
      let u = unify(xt, typeOf(lo, ctx), at: lo.span, ctx, what: "'between' and its lower bound", comparing: true)
      _ = unify(u, typeOf(hi, ctx), at: hi.span, ctx, what: "'between' and its upper bound", comparing: true)
      if !xt.isOrdered, xt != .error {
        report(.invalidOperands, "'between' needs values that can be ordered, found \(xt)", at: x.span)
      }
      return .bool
    case .membership(let x, let list, _):
      let xt = typeOf(x, ctx)
      let lt = typeOf(list, ctx)
      if case .money(.perCurrency) = lt {
        _ = unify(xt, lt, at: e.span, ctx, what: "the value and the list items", comparing: true)
        return .bool
      }
      guard case .list(let et) = lt else {
        if lt != .error {
          report(
            .typeMismatch, "'in' needs a list on its right, found \(lt)", at: list.span,
            help: "write a list in brackets, as in [\"enterprise\", \"mid-market\"]")
        }
        return .bool
      }
      _ = unify(xt, et, at: e.span, ctx, what: "the value and the list items", comparing: true)
      return .bool
    case .matches(let x, let p):
      let xt = typeOf(x, ctx)
      if xt != .text, xt != .error {
        report(.typeMismatch, "'matches' needs text on its left, found \(xt)", at: x.span)
      }
      checkPattern(p)
      return .bool
    }
  }

  func checkPattern(_ p: PatternLit) {
    // Rule sets repeat the same patterns; compile each distinct source once.
    let result: Result<Pattern, Pattern.Error>
    if let cached = patternCache[p.source] {
      result = cached
    } else {
      result = Pattern.compile(p.source)
      patternCache[p.source] = result
    }
    switch result {
    case .success: break
    case .failure(let err):
      // The pattern source starts one byte after the opening slash.
      let at = Int32(min(err.offset, p.source.utf8.count))
      let s = Span(file: p.span.file, start: p.span.start + 1 + at, end: p.span.start + 1 + at + 1)
      report(.invalidPattern, "invalid pattern: \(err.message)", at: s.end <= p.span.end ? s : p.span)
    }
  }

  /// The common kind of two values that must agree (if branches, list items, comparisons).
  func unify(
    _ a: ValueType, _ b: ValueType, at span: Span, _ ctx: Context, what: @autoclosure () -> String, comparing: Bool = false
  ) -> ValueType {
    if a == .error || b == .error { return a == .error ? b : a }
    if case .money(let x) = a, case .money(let y) = b {
      return .money(unifyCurrency(x, y, at: span, ctx, what: what()))
    }
    if a == b { return a }
    if case .list(let x) = a, case .list(let y) = b { return .list(unify(x, y, at: span, ctx, what: what())) }
    mismatch(a, b, at: span, what: what())
    return .error
  }

  /// Reports two kinds that cannot be combined, with the most specific code.
  func mismatch(_ a: ValueType, _ b: ValueType, at span: Span, what: String) {
    switch (a, b) {
    case (.percent, .number), (.number, .percent):
      report(
        .percentWithNumber, "\(what) mix a percent and a plain number", at: span,
        help: "write the number as a percent (0.1 is 10%)")
    case (.days, .months), (.months, .days), (.days, .businessDays), (.businessDays, .days), (.months, .businessDays),
      (.businessDays, .months):
      report(
        .mixedDurations, "\(what) mix \(a) and \(b)", at: span,
        help: "days, business days and months are different units; count both in the same one")
    case (.money, .number), (.number, .money):
      report(.typeMismatch, "\(what) mix money and a plain number", at: span, help: "give the number its currency, as in 100.00 USD")
    default:
      report(.typeMismatch, "\(what) mix \(a) and \(b)", at: span)
    }
  }

  // MARK: - Names and fields

  func typeOfName(_ e: Expr, _ n: Name, _ ctx: Context) -> ValueType {
    if let (i, t) = ctx.params[n.symbol] {
      resolve(e.id, .param(i))
      return t
    }
    if let l = lets[n.symbol] {
      usedLets.insert(l.decl.name.symbol)
      checkLet(l)
      if l.index >= 0 { resolve(e.id, .letValue(l.index)) }
      return l.type
    }
    if n.symbol == asOfSymbol {
      resolve(e.id, .asOf)
      return .date
    }
    let s = name(n.symbol)
    if let r = recordSymbols[n.symbol] {
      guard ctx.records.contains(r) else {
        let seen = ctx.records.members.map(\.rawValue).sorted()
        report(
          .recordNotAvailable, "'\(s)' is not available in \(ctx.what)", at: n.span,
          help: seen.isEmpty ? "only definitions and as_of are available here" : "available here: \(seen.joined(separator: ", ")), as_of")
        return .error
      }
      resolve(e.id, .record(r))
      return .record(r)
    }
    if s.utf8.count == 3, s.uppercased() == s {
      if let c = Currency.lookup(s) {
        resolve(e.id, .currency(c))
        return .currency
      }
    }
    if defines[n.symbol] != nil || Builtin(rawValue: s) != nil {
      report(.typeMismatch, "'\(s)' is a function; call it with arguments, as in \(s)(...)", at: n.span)
      return .error
    }
    let sug = suggestion(for: s, in: Array(ctx.params.keys.map(name)) + lets.keys.map(name) + ctx.records.members.map(\.rawValue) + ["as_of"])
    report(
      .unknownName, "unknown name '\(s)'", at: n.span,
      help: sug.map { "did you mean '\($0)'?" } ?? "define it with 'let \(s) = ...'",
      fix: sug.map { FixIt("replace '\(s)' with '\($0)'", edits: [Edit(n.span, $0)]) })
    return .error
  }

  func typeOfField(_ e: Expr, _ base: Expr, _ f: Name, _ ctx: Context) -> ValueType {
    let bt = typeOf(base, ctx)
    if bt == .error { return .error }
    guard case .record(let r) = bt else {
      report(.unknownField, "\(bt) has no fields", at: f.span)
      return .error
    }
    guard let info = fieldTable[r.index][f.symbol] else {
      let fname = name(f.symbol)
      let all = fieldsOf(r)
      let sug = suggestion(for: fname, in: all.map(\.name))
      report(
        .unknownField, "\(r.rawValue) has no field '\(fname)'", at: f.span,
        help: sug.map { "did you mean '\($0)'?" } ?? "declare your own with 'field \(r.rawValue).\(fname): text'",
        fix: sug.map { FixIt("replace '\(fname)' with '\($0)'", edits: [Edit(f.span, $0)]) })
      return .error
    }
    resolve(e.id, .field(r, info.index))
    if info.approvalOnly, !ctx.approvals {
      report(
        .recordNotAvailable, "\(r.rawValue).\(name(f.symbol)) is worked out for approval rules only: it is not available in \(ctx.what)", at: f.span,
        help: "read it in an approval rule's 'when' (grammar.md §11)")
      return .error
    }
    if info.customerTotal, !ctx.records.contains(.invoice) || ctx.approvals {
      report(
        .recordNotAvailable, "customer.\(name(f.symbol)) is worked out for dunning only: it is not available in \(ctx.what)", at: f.span,
        help: "read it in a cadence ('applies when', 'pause when', a step's 'when'), where it sums the customer's open invoices in the invoice's currency")
      return .error
    }
    if case .money(.dynamic) = info.type {
      // A customer's totals in a cadence are in the currency of the invoice being dunned.
      if let c = ctx.currency(of: r == .customer && ctx.records.contains(.invoice) ? .invoice : r) { return .money(.known(c)) }
    }
    return info.type
  }

  func fieldsOf(_ r: RecordKind) -> [FieldInfo] {
    let core = (Schema.core[r] ?? []).enumerated().map {
      FieldInfo(name: $0.element.0, type: $0.element.1, doc: $0.element.2, isCustom: false, index: $0.offset)
    }
    return core + (customFields[r] ?? [])
  }

  // MARK: - Calls

  func typeOfCall(_ e: Expr, _ f: Name, _ args: [Expr], _ ctx: Context) -> ValueType {
    let s = name(f.symbol)
    if let d = defines[f.symbol] {
      usedDefines.insert(d.decl.name.symbol)
      resolve(e.id, .define(d.index))
      if d.state == 1 {
        checkDefine(d)  // reports the recursion
        return .error
      }
      checkDefine(d)
      // The compiler writes the body out here: with it, the expression must stay within the nesting limit.
      if nesting + d.expansion.depth > Expansion.maxDepth && !reportedNesting {
        reportedNesting = true
        report(
          .nestingTooDeep,
          "with the definitions it calls written out, this expression nests more than \(Expansion.maxDepth) levels ('\(s)' alone nests \(d.expansion.depth))",
          at: e.span, help: "split long chains inside the definitions with 'let'")
        return .error
      }
      let params = d.decl.params
      if args.count != params.count {
        report(
          .wrongArgumentCount, "'\(s)' takes \(params.count) argument\(params.count == 1 ? "" : "s"), found \(args.count)",
          at: e.span, notes: [Note("'\(s)' is defined here", at: d.decl.name.span)])
      }
      // Parameters typed plain 'money' share one currency per call (like a generic currency).
      var shared: (Currency, Span)?
      for (a, p) in zip(args, params) {
        let at = typeOf(a, ctx)
        expectType(a, at, ValueType(p.type), "argument '\(name(p.name.symbol))' of '\(s)'")
        if p.type.kind == .money, p.type.currency == nil, case .money(.known(let c)) = at {
          if let (first, fs) = shared, first != c {
            report(
              .currencyMismatch, "the amounts passed to '\(s)' mix \(first.code) and \(c.code)", at: a.span,
              notes: [Note("\(first.code) is passed here", at: fs)],
              help: "money parameters of one call share a currency; Accrue never converts currencies")
          } else if shared == nil {
            shared = (c, a.span)
          }
        }
      }
      for a in args.dropFirst(params.count) { typeOf(a, ctx) }
      return d.type
    }
    guard let b = Builtin(rawValue: s) else {
      let names = Builtin.allCases.map(\.rawValue) + defines.keys.map(name)
      let sug = suggestion(for: s, in: names)
      report(
        .unknownFunction, "unknown function '\(s)'", at: f.span, help: sug.map { "did you mean '\($0)'?" },
        fix: sug.map { FixIt("replace '\(s)' with '\($0)'", edits: [Edit(f.span, $0)]) })
      for a in args { typeOf(a, ctx) }
      return .error
    }
    resolve(e.id, .builtin(b))
    func arity(_ n: ClosedRange<Int>) -> Bool {
      guard n.contains(args.count) else {
        let want = n.lowerBound == n.upperBound ? "\(n.lowerBound)" : n.upperBound > 100 ? "\(n.lowerBound) or more" : "\(n.lowerBound) or \(n.upperBound)"
        report(.wrongArgumentCount, "'\(s)' takes \(want) argument\(want == "1" ? "" : "s"), found \(args.count)", at: e.span)
        for a in args { typeOf(a, ctx) }
        return false
      }
      return true
    }
    switch b {
    case .min, .max:
      guard arity(2...1000) else { return .error }
      var t = typeOf(args[0], ctx)
      for a in args.dropFirst() { t = unify(t, typeOf(a, ctx), at: a.span, ctx, what: "the arguments of '\(s)'", comparing: true) }
      if !t.isOrdered, t != .error {
        report(.invalidOperands, "'\(s)' needs values that can be ordered, found \(t)", at: e.span)
        return .error
      }
      return t
    case .abs:
      guard arity(1...1) else { return .error }
      let t = typeOf(args[0], ctx)
      switch t {
      case .number, .money, .percent, .days, .businessDays, .months, .error: return t
      default:
        report(.invalidOperands, "'abs' needs a number, amount, percent or duration, found \(t)", at: args[0].span)
        return .error
      }
    case .round:
      guard arity(1...2) else { return .error }
      let t = typeOf(args[0], ctx)
      if args.count == 2 {
        if case .roundingMode = args[1].kind {
          setType(args[1].id, .roundingMode)
        } else {
          typeOf(args[1], ctx)
          report(
            .typeMismatch, "the second argument of 'round' is a rounding mode", at: args[1].span,
            help: "rounding modes: half even, half up, half down, up, down, ceiling, floor")
        }
      }
      switch t {
      case .number, .money, .percent, .error: return t
      default:
        report(.invalidOperands, "'round' needs a number, amount or percent, found \(t)", at: args[0].span)
        return .error
      }
    case .daysBetween:
      guard arity(2...2) else { return .error }
      for a in args { expectType(a, typeOf(a, ctx), .date, "each argument of 'days_between'") }
      return .days
    case .endOfMonth, .startOfMonth:
      guard arity(1...1) else { return .error }
      expectType(args[0], typeOf(args[0], ctx), .date, "the argument of '\(s)'")
      return .date
    case .year, .month, .day:
      guard arity(1...1) else { return .error }
      expectType(args[0], typeOf(args[0], ctx), .date, "the argument of '\(s)'")
      return .number
    case .contains, .startsWith:
      guard arity(2...2) else { return .error }
      for a in args { expectType(a, typeOf(a, ctx), .text, "each argument of '\(s)'") }
      return .bool
    case .lower, .upper:
      guard arity(1...1) else { return .error }
      expectType(args[0], typeOf(args[0], ctx), .text, "the argument of '\(s)'")
      return .text
    }
  }
}
