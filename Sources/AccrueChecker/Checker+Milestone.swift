import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Milestone billing (grammar.md §6.3): a charge billed once when the data's milestones reach its name.
extension CheckerState {
  func checkMilestone(_ c: ChargeDecl, _ what: String) {
    for case .pricing(let p, let s) in c.items {
      if case .once = p { continue }
      report(
        .conflictingStatement, "\(what) is billed at a milestone, once: its price must be 'once'", at: s,
        help: "write the milestone's amount, as in: once 5_000.00 USD, or once 30% of contract.project_value")
    }
    for item in c.items {
      switch item {
      case .usage(_, let s), .quantity(_, let s), .billTiming(_, let s), .prorate(_, let s), .free(_, let s),
        .period(_, let s), .align(_, let s):
        report(
          .conflictingStatement, "\(what) is billed once at a milestone: it has no quantity, period or proration", at: s,
          help: "remove this statement, or bill the charge per period without 'milestone'")
      default: continue
      }
    }
  }
}
