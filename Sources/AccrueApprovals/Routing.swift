import AccrueCompiler
import AccrueCore
import AccrueModel
import AccrueParser

/// One step of a chain as routed: the role asked, and when it escalates.
public struct ApprovalStep: Sendable, Hashable {
  public var role: String
  public var roleLabel: String
  /// The latest day this step escalates for a request first made on the routing date: each step has the rule's
  /// window from the day it is requested, and a step is requested when the one before it is approved, so this
  /// is the date when every step before it took its whole window (`Approvals.escalationDate` gives a step's date
  /// from the day it was actually requested). Nil without `escalate`.
  public var escalatesOn: CivilDate?
  /// The role the step is also put to from that day.
  public var escalatesTo: String?
}

/// An approval an item needs: the rule that asks for it and its chain, in order.
public struct RoutedApproval: Sendable, Hashable {
  public var rule: String
  public var label: String
  /// Where the rule is written (file:line).
  public var source: RuleRef
  public var steps: [ApprovalStep]
}

/// A rule that could not be evaluated on the item: where (the expression's file:line:column, or the rule's), what
/// went wrong, and the item. The item is not released: the engine reports it and stops, as a run does.
public struct ApprovalFailure: Sendable, Hashable, CustomStringConvertible {
  public var rule: String
  public var source: RuleRef
  public var message: String
  public var item: String

  public var description: String { "\(source.file):\(source.line):\(source.column): approval rule '\(rule)' on \(item): \(message)" }
}

/// The approvals one item needs (every rule whose conditions hold, in rule order), or the failures that stopped
/// the routing. An item with failures is never "approved by default".
public struct ApprovalRouting: Sendable {
  public var approvals: [RoutedApproval] = []
  public var failures: [ApprovalFailure] = []
  /// Whether the item may go out without anybody's approval (no rule applies, nothing failed).
  public var needsNone: Bool { approvals.isEmpty && failures.isEmpty }
}

/// The routing the engine calls (grammar.md §11).
public enum Approvals {
  /// The approvals `item` needs when it is first put up for approval on `requestedOn` (the run's as-of date):
  /// each rule of the item's subject whose conditions all hold, with its chain and each step's escalation date.
  /// `holidays` are the data's (holidays.csv), added to the calendar's.
  public static func route(
    _ item: ApprovalRequestItem, records: ApprovalRecords, plan: ExecutablePlan, requestedOn: CivilDate, holidays: [CivilDate] = []
  ) -> ApprovalRouting {
    var out = ApprovalRouting()
    let rules = plan.approvals.filter { $0.subject == item.subject }
    guard !rules.isEmpty else { return out }
    let env = Env(asOf: requestedOn)
    env.lets = letValues(plan, env)
    let filled = ApprovalRecordFiller(plan: plan, item: item, records: records, asOf: requestedOn)
    filled.fill(env)
    for rule in rules {
      if let cs = rule.currencies, !cs.contains(item.currency) { continue }
      var holds = true
      for c in rule.conditions {
        if let missing = filled.missing(c) {
          out.failures.append(ApprovalFailure(rule: rule.name, source: plan.ref(c.expr.span), message: missing, item: item.key))
          holds = false
          break
        }
        env.reset()
        let v = c.expr.eval(env)
        if let f = env.failure {
          let at = f.rule ?? plan.ref(f.span)
          out.failures.append(ApprovalFailure(rule: rule.name, source: at, message: f.message, item: item.key))
          holds = false
          break
        }
        if !v.isTrue {
          holds = false
          break
        }
      }
      guard holds else { continue }
      out.approvals.append(routed(rule, plan: plan, requestedOn: requestedOn, holidays: holidays, failures: &out.failures, item: item.key))
    }
    return out
  }

  /// The day a step requested on `requestedOn` escalates: N days later, or N business days later on the
  /// escalation's calendar (its weekends and holidays, with `holidays`); nil past 9999-12-31.
  public static func escalationDate(
    _ e: CompiledEscalation, requestedOn: CivilDate, plan: ExecutablePlan, holidays: [CivilDate] = []
  ) -> CivilDate? {
    if !e.business {
      let d = CivilDate(dayNumber: Int32(clamping: Int(requestedOn.dayNumber) + e.days))
      return d.isInSupportedRange && d <= .maximum ? d : nil
    }
    return calendar(e.calendar, plan: plan, holidays: holidays).adding(businessDays: e.days, to: requestedOn)
  }

  /// The business calendar at `index` of the plan's calendars (nil: Saturday and Sunday off), with `holidays`.
  public static func calendar(_ index: Int?, plan: ExecutablePlan, holidays: [CivilDate]) -> BusinessCalendar {
    let env = Env(asOf: CivilDate(dayNumber: 0))
    env.lets = letValues(plan, env)
    var weekend: Set<Weekday> = [.saturday, .sunday]
    var days = holidays
    if let i = index, plan.calendars.indices.contains(i) {
      weekend = plan.calendars[i].weekend
      for h in plan.calendars[i].holidays {
        if case .date(let d) = h.date.eval(env) { days.append(d) }
      }
    }
    return BusinessCalendar(weekend: weekend, holidays: days) ?? .weekendsOnly
  }

  static func routed(
    _ rule: CompiledApproval, plan: ExecutablePlan, requestedOn: CivilDate, holidays: [CivilDate], failures: inout [ApprovalFailure],
    item: String
  ) -> RoutedApproval {
    let labels = Dictionary(plan.roles.map { ($0.name, $0.label) }, uniquingKeysWith: { a, _ in a })
    var steps: [ApprovalStep] = []
    var from = requestedOn
    for role in rule.chain {
      var step = ApprovalStep(role: role, roleLabel: labels[role] ?? role, escalatesOn: nil, escalatesTo: nil)
      if let e = rule.escalation {
        if let d = escalationDate(e, requestedOn: from, plan: plan, holidays: holidays) {
          step.escalatesOn = d
          step.escalatesTo = e.role
          from = d
        } else {
          failures.append(ApprovalFailure(rule: rule.name, source: e.source, message: "the escalation date is after 9999-12-31", item: item))
        }
      }
      steps.append(step)
    }
    return RoutedApproval(rule: rule.name, label: rule.label, source: rule.source, steps: steps)
  }

  /// The rule set's lets, evaluated in order (each may use the ones before it).
  static func letValues(_ plan: ExecutablePlan, _ env: Env) -> [RValue] {
    env.lets = []
    for l in plan.lets { env.lets.append(l.eval(env)) }
    return env.lets
  }
}
