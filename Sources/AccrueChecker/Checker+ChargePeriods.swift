import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Charges on periods of their own (grammar.md §6.2, "Charges on their own period"): `period` and `align to` inside
/// a charge.
extension CheckerState {
  /// A plan's charges' own periods: each stated once, not on a one-time fee, with a month-end rule when they count
  /// months from each contract's start; a service credit's charge on the plan's period.
  func checkChargePeriods(
    _ p: PlanDecl, planPeriod: PeriodSpec?, planAlignment: Alignment, monthEnd: Bool, _ block: String
  ) {
    var own: [Symbol: Span] = [:]
    for case .charge(let c) in p.items {
      let what = "charge '\(name(c.name.symbol))'"
      var once = Once()
      var period: (PeriodSpec, Span)?
      var alignment: (Alignment, Span)?
      for item in c.items {
        switch item {
        case .period(let ps, let s): if once.check("period", s, self, in: what) { period = (ps, s) }
        case .align(let a, let s): if once.check("align", s, self, in: what) { alignment = (a, s) }
        default: continue
        }
      }
      guard let first = period?.1 ?? alignment?.1 else { continue }
      let isOnce = c.items.contains { if case .pricing(.once, _) = $0 { return true } else { return false } }
      if isOnce {
        report(
          .conflictingStatement, "\(what) is a one-time fee, billed on the first invoice: it has no period of its own", at: first,
          help: "remove this statement, or price the charge per period (flat, per unit, tiers, package)")
        continue
      }
      let ps = period?.0 ?? planPeriod
      let align = alignment?.0 ?? planAlignment
      if ps != planPeriod || align != planAlignment { own[c.name.symbol] = first }
      let planAsks = planPeriod.map { if case .months = $0 { planAlignment == .anniversary } else { false } } ?? false
      if let ps, case .months = ps, align == .anniversary, !monthEnd, !planAsks {
        report(
          .ambiguousMonthArithmetic,
          "\(what) bills \(ps.text) from each contract's start, and a contract starting on the 29th, 30th or 31st has no such day in some months",
          at: first,
          help: "state how month ends round in the plan ('month end clamp' or 'month end roll over'), or write 'align to calendar' in the charge")
      }
    }
    for case .serviceCredit(let sc) in p.items {
      guard let s = own[sc.charge.symbol] else { continue }
      report(
        .conflictingStatement, "\(block)'s service credit is measured per plan period, but charge '\(name(sc.charge.symbol))' is billed on a period of its own",
        at: sc.charge.span, notes: [Note("its period is stated here", at: s)],
        help: "credit a charge billed on the plan's period, or remove the charge's own 'period' and 'align to'")
    }
  }

  /// A phase re-prices a plan's charge; it cannot move the charge to another period.
  func checkPhaseChargePeriod(_ c: ChargeDecl) {
    for item in c.items {
      switch item {
      case .period(_, let s), .align(_, let s):
        report(
          .conflictingStatement, "a phase changes a charge's price, not its billing period", at: s,
          help: "state 'period' and 'align to' on the plan's charge, outside the phase")
      default: continue
      }
    }
  }
}
