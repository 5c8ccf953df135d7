import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// A plan's contract term (grammar.md §6.8): `term`, `renew`, `notice` and `minimum commitment ... per term`.
extension CheckerState {
  /// One statement of the term: its value's type, once per plan.
  func checkContractTermItem(_ t: ContractTermItem, _ s: Span, _ ctx: Context, _ block: String, _ once: inout Once) {
    switch t {
    case .length(let e):
      if once.check("term", s, self, in: block) { _ = termMonths(e, ctx, "the term") }
    case .renew(let e):
      if once.check("renew", s, self, in: block), let e { _ = termMonths(e, ctx, "the renewal") }
    case .notice(let e):
      guard once.check("notice", s, self, in: block) else { return }
      expectDateOffset(e, ctx, "the notice")
      if constValue(e) == nil {
        report(.typeMismatch, "the notice must be written as a number of days or months", at: e.span, help: "write it as in 'notice 30 days'")
      }
    case .commitment(let e, _):
      if once.check("minimum commitment", s, self, in: block) { expectMoney(e, ctx, "the minimum commitment", total: true) }
    }
  }

  /// A term's or renewal's length in months: a constant of at least 1 month; nil (reported) otherwise.
  func termMonths(_ e: Expr, _ ctx: Context, _ what: @autoclosure () -> String) -> Int? {
    expectType(e, typeOf(e, ctx), .months, what())
    guard case .months(let n)? = constValue(e) else {
      report(.typeMismatch, "\(what()) must be written as a number of months", at: e.span, help: "write it as in 'term 12 months' (a year is 12 months)")
      return nil
    }
    guard n >= 1, n <= 1200 else {
      report(.valueOutOfRange, "\(what()) must be from 1 to 1200 months, found \(n)", at: e.span, help: "write it as in 'term 12 months'")
      return nil
    }
    return Int(n)
  }

  /// What the term's statements need of each other and of the plan's period: a term to count from, whole billing
  /// periods in it, a notice shorter than the term it is given in.
  func checkContractTerms(_ p: PlanDecl, period: PeriodSpec?, _ block: String) {
    var length: (Int?, Span)?
    var renew: (Int?, Bool, Span)?  // months, renews, span
    var others: [(ContractTermItem, Span)] = []
    var notice: (ConstValue, Span)?
    for item in p.items {
      guard case .contractTerm(let t, let s) = item else { continue }
      switch t {
      case .length(let e): if length == nil { length = (monthsValue(e), s) }
      case .renew(let e): if renew == nil { renew = (e.flatMap(monthsValue), e != nil, s) }
      case .notice(let e):
        if notice == nil, let v = constValue(e) { notice = (v, e.span) }
        others.append((t, s))
      case .commitment: others.append((t, s))
      }
    }
    guard let (months, termSpan) = length else {
      for (t, s) in others + (renew.map { [(ContractTermItem.renew(nil), $0.2)] } ?? []) {
        report(
          .missingStatement, "\(block) states '\(t.words)' but no term to count it from", at: s,
          help: "add the contract's length to the plan, as in 'term 12 months'")
      }
      return
    }
    if p.items.contains(where: { if case .trial(_, true, _) = $0 { return true } else { return false } }) {
      report(
        .conflictingStatement, "\(block) starts billing over at the trial's end ('then new cycle'), and a term counts from the contract's start",
        at: termSpan, help: "write the trial as 'trial 30 days' (its days free inside the term), or leave the term out")
    }
    if case .weeks? = period {
      report(
        .conflictingStatement, "\(block) bills by weeks, and a term in months holds no whole number of weeks", at: termSpan,
        help: "bill by months ('period monthly', 'quarterly', 'annual') with a term, or leave the term out")
    }
    for (m, s) in [(months, termSpan), (renew?.0, renew?.2 ?? termSpan)] {
      if let m, case .months(let per)? = period, m % per != 0 {
        report(
          .conflictingStatement, "\(block) bills \(PeriodSpec.months(per).text), and \(m) months is not a whole number of its periods",
          at: s, help: "make the term a multiple of the period, as in 'term \((m + per - 1) / per * per) months'")
      }
    }
    if let (v, s) = notice {
      if renew?.1 == false {
        report(
          .conflictingStatement, "\(block) never renews, so a notice period changes nothing", at: s,
          help: "leave 'notice' out, or write 'renew automatically for 12 months' if the contract renews unless notice is given")
      }
      let shortest = [months, renew?.0 ?? months].compactMap { $0 }.min()
      if let shortest, let limit = Self.fewestDays(inMonths: shortest), tooLong(v, limit: limit, months: shortest) {
        report(
          .valueOutOfRange, "the notice is as long as the term (\(shortest) months) or longer: it could never be given in time", at: s,
          help: "give a notice shorter than the term, as in 'notice 30 days'")
      }
    }
  }

  private func monthsValue(_ e: Expr) -> Int? {
    if case .months(let n)? = constValue(e), n >= 1, n <= 1200 { return Int(n) }
    return nil
  }

  private func tooLong(_ v: ConstValue, limit: Int, months: Int) -> Bool {
    switch v {
    case .days(let d): d >= Int64(limit)
    case .months(let m): m >= Int64(months)
    default: false
    }
  }

  /// The fewest days any `n` consecutive calendar months hold (over a 400-year cycle's starting months, it is
  /// reached within any four years).
  static func fewestDays(inMonths n: Int) -> Int? {
    var best: Int?
    for k in 0..<48 {
      guard let a = CivilDate(year: 2001, month: 1, day: 1)?.adding(months: k, .clamp), let b = a.adding(months: n, .clamp) else { continue }
      best = min(best ?? Int.max, a.days(until: b))
    }
    return best
  }
}
