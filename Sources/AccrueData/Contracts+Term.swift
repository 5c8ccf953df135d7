import AccrueCompiler
import AccrueCore

/// A contract's dates held against its plan's term (grammar.md §6.8): an end date that is not the last day of a
/// term, or that a notice contradicts; a notice without a term, or before the start.
extension ContractRows {
  /// Why the row is wrong (code, column, message), or nil. `columns`: the end date's and the notice's.
  static func termIssue(
    _ spec: CompiledPlanSpec, id: String, start: CivilDate, end: CivilDate?, notice: CivilDate?, cancelled: CivilDate?,
    columns: (end: Int, notice: Int, cancelled: Int)
  ) -> (String, Int, String)? {
    guard let term = spec.contractTerm else {
      guard let n = notice else { return nil }
      return (
        "D0315", columns.notice,
        "contract \(id) gives notice on \(n), and plan '\(spec.name)' has no term for a notice to end: leave notice_given_on empty, "
          + "or state the term in the plan, as in 'term 12 months' with 'notice 30 days'"
      )
    }
    let rule = spec.monthEnd
    if let n = notice, n < start {
      return ("D0305", columns.notice, "the notice is given on \(n), before the contract starts (\(start)): correct notice_given_on")
    }
    let derived = term.end(start: start, notice: notice, rule)
    if let d = cancelled, let (endX, _, _) = derived, d > endX {
      let last = CivilDate(dayNumber: endX.dayNumber - 1)
      return (
        "D0305", columns.cancelled,
        "the contract is cancelled on \(d), after its term ends (\(last)): a cancellation after the last day of service changes nothing; leave cancelled_on empty"
      )
    }
    guard let e = end, let endX = e.adding(days: 1) else { return nil }
    if let d = derived, d.end != endX {
      let last = CivilDate(dayNumber: d.end.dayNumber - 1)
      let why = notice.map { "the notice given on \($0)" } ?? "its term, which does not renew"
      return (
        "D0305", columns.end,
        "the contract ends on \(e) by end_date, and on \(last) by \(why) (the last day of term \(d.k + 1)): leave end_date empty to let the term decide, or write \(last)"
      )
    }
    guard let t = term.term(containing: e, start: start, rule), t.end != endX else { return nil }
    let last = CivilDate(dayNumber: t.end.dayNumber - 1)
    return (
      "D0305", columns.end,
      "the contract ends on \(e), inside term \(t.k + 1) (\(t.start) to \(last)): a contract with a term ends on a term's last day; "
        + "write end_date \(last), or leave it empty and give notice (notice_given_on) to end it at a term's end"
    )
  }
}
