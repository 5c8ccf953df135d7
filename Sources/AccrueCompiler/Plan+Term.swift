import AccrueCore
import AccrueModel
import AccrueDiagnostics
import AccrueParser

/// A plan's contract term (grammar.md §6.8): its length, its renewals, the notice that stops a renewal and a
/// commitment over each term. Term k runs from `start + k` terms (inclusive) to `start + (k+1)` terms
/// (exclusive), every boundary counted from the start, never by stepping: the first term is `months` long, each
/// renewal `renewalMonths`.
public struct CompiledContractTerm: Sendable {
  /// The first term's length in months, and where `term` is written.
  public var months = 0
  public var source: RuleRef
  /// Each renewal's length in months; nil with `renew never`. Without a `renew` statement, the term's own length.
  public var renewalMonths: Int?
  public var renewalSource: RuleRef?
  /// `notice N days` or `notice N months` (both 0 without `notice`: notice on any day before a term's end is in time).
  public var noticeDays = 0
  public var noticeMonths = 0
  public var noticeSource: RuleRef?
  /// `minimum commitment X per term [pro rata]`.
  public var commitment: CExpr?
  public var proRata = false
  public var commitmentSource: RuleRef?

  /// The first day of term `k` of a contract starting on `start` (term `k`'s end is `boundary(k + 1)`).
  public func boundary(_ k: Int, start: CivilDate, _ rule: MonthEndRule) -> CivilDate? {
    guard k > 0 else { return start }
    guard let renewal = renewalMonths else { return k == 1 ? start.adding(months: months, rule) : nil }
    return start.adding(months: months + (k - 1) * renewal, rule)
  }

  /// The term containing `d` (on or after `start`): its index, first day and the day after its last; nil past the
  /// end of a contract that never renews.
  public func term(containing d: CivilDate, start: CivilDate, _ rule: MonthEndRule) -> (k: Int, start: CivilDate, end: CivilDate)? {
    // An estimate from the months between, then the exact term found from it (at most a few steps either way).
    let elapsed = (d.year - start.year) * 12 + (d.month - start.month)
    var k = elapsed < months ? 0 : 1 + (elapsed - months) / max(renewalMonths ?? 1, 1)
    k = max(0, k - 1)
    while let b = boundary(k + 1, start: start, rule), b <= d { k += 1 }
    while k > 0, let a = boundary(k, start: start, rule), a > d { k -= 1 }
    guard let a = boundary(k, start: start, rule), let b = boundary(k + 1, start: start, rule), a <= d, d < b else { return nil }
    return (k, a, b)
  }

  /// The last day a notice of non-renewal stops the renewal at a term ending (exclusive) on `end`.
  public func noticeDeadline(termEnd end: CivilDate, _ rule: MonthEndRule) -> CivilDate? {
    guard let e = end.adding(months: -noticeMonths, rule) else { return nil }
    return e.adding(days: -noticeDays - 1)
  }

  /// Why a contract's term ends where it does.
  public enum Ending: Sendable, Equatable {
    /// `renew never`: the first term's end.
    case noRenewal
    /// A notice given on the day, in time for the term's end.
    case noticeInTime(given: CivilDate, deadline: CivilDate)
    /// A notice given on the day, too late for the term it fell in (its deadline the day shown): the contract renewed once more.
    case noticeLate(given: CivilDate, missed: CivilDate, deadline: CivilDate)
  }

  /// The day after a contract's last day under its term, the term it ends with and why; nil when it renews on
  /// (no notice given).
  public func end(start: CivilDate, notice: CivilDate?, _ rule: MonthEndRule) -> (end: CivilDate, k: Int, why: Ending)? {
    guard renewalMonths != nil else { return boundary(1, start: start, rule).map { ($0, 0, .noRenewal) } }
    guard let n = notice, let t = term(containing: max(n, start), start: start, rule),
      let deadline = noticeDeadline(termEnd: t.end, rule)
    else { return nil }
    if n <= deadline { return (t.end, t.k, .noticeInTime(given: n, deadline: deadline)) }
    guard let next = boundary(t.k + 2, start: start, rule), let nextDeadline = noticeDeadline(termEnd: next, rule) else { return nil }
    return (next, t.k + 1, .noticeLate(given: n, missed: deadline, deadline: nextDeadline))
  }
}

extension CompiledContractTerm {
  /// The plan's term statements gathered (their values evaluated as the constants the checker requires them to
  /// be); nil without `term`.
  static func compile(_ items: [(ContractTermItem, Span)], _ ec: inout ExprCompiler, _ ref: (Span) -> RuleRef, lets: [RValue]) -> CompiledContractTerm? {
    let env = Env(asOf: CivilDate(dayNumber: 0))
    env.lets = lets
    func months(_ e: Expr, _ ec: inout ExprCompiler) -> Int? {
      if case .months(let n) = ec.compile(e).eval(env) { return Int(n) }
      return nil
    }
    guard let (e, s) = items.lazy.compactMap({ if case .length(let e) = $0.0 { return (e, $0.1) } else { return nil } }).first,
      let m = months(e, &ec)
    else { return nil }
    var out = CompiledContractTerm(months: m, source: ref(s), renewalMonths: m)
    for (item, span) in items {
      switch item {
      case .length: break
      case .renew(let e):
        out.renewalMonths = e.flatMap { months($0, &ec) }
        out.renewalSource = ref(span)
      case .notice(let e):
        switch ec.compile(e).eval(env) {
        case .days(let n): out.noticeDays = Int(n)
        case .months(let n): out.noticeMonths = Int(n)
        default: break
        }
        out.noticeSource = ref(span)
      case .commitment(let e, let proRata):
        out.commitment = ec.compile(e)
        out.proRata = proRata
        out.commitmentSource = ref(span)
      }
    }
    return out
  }
}
