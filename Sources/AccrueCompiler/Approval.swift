import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// A role that approves (grammar.md §11).
public struct CompiledRole: Sendable, Hashable {
  public var name: String
  public var label: String
  public var source: RuleRef
}

/// `escalate after N [business] days to ROLE`: a step of the chain not decided N days after it was requested is
/// also put to `role`.
public struct CompiledEscalation: Sendable {
  public var days: Int
  /// Whether `days` counts business days (on `calendar`).
  public var business: Bool
  public var role: String
  /// Index into `ExecutablePlan.calendars` (nil: Saturday and Sunday off, no holidays from the rules).
  public var calendar: Int?
  public var source: RuleRef
}

/// An approval rule: the items of its subject where every condition holds need its chain's approvals, in order.
public struct CompiledApproval: Sendable {
  public var name: String
  public var label: String
  public var subject: ApprovalSubject
  /// `when` conditions (all must hold; none: every item of the subject).
  public var conditions: [CCondition]
  /// The currencies the conditions' amounts name in common (nil: no amount); an item in another currency never
  /// matches (grammar.md §11).
  public var currencies: Set<Currency>?
  /// The roles, in the order they approve.
  public var chain: [String]
  public var escalation: CompiledEscalation?
  public var source: RuleRef
}

extension PlanCompiler {
  /// Compiles the roles and approval rules (in rule order); `calendars` are the compiled calendars, `lets` the
  /// values of the rule set's lets (a duration may name one).
  static func compileApprovals(
    _ program: CheckedProgram, _ ec: inout ExprCompiler, _ ref: (Span) -> RuleRef, _ sources: SourceMap, calendars: [CompiledCalendar],
    lets: [RValue]
  ) -> (roles: [CompiledRole], approvals: [CompiledApproval]) {
    let roles = program.roles.map { CompiledRole(name: $0.name, label: $0.label, source: ref($0.span)) }
    var out: [CompiledApproval] = []
    ec.settings = program.settings
    for ca in program.approvals {
      let a = ca.decl
      let calendar = ca.calendar.flatMap { c in calendars.firstIndex { $0.name == c } }
      ec.calendar = calendar.flatMap { BusinessCalendar(weekend: calendars[$0].weekend) } ?? .weekendsOnly
      var rule = CompiledApproval(
        name: program.name(a.name.symbol), label: a.label?.value ?? program.name(a.name.symbol), subject: a.subject, conditions: [],
        currencies: nil, chain: [], escalation: nil, source: ref(a.span))
      for item in a.items {
        switch item {
        case .when(let e, _):
          rule.conditions.append(condition(e, ec, sources))
          if let cs = program.amountCurrencies(e) { rule.currencies = (rule.currencies ?? cs).intersection(cs) }
        case .approveBy(let names, _): rule.chain = names.map { program.name($0.symbol) }
        case .escalate(let after, let to, let s):
          guard let after, let to else { continue }
          let env = Env(asOf: CivilDate(dayNumber: 0))
          env.lets = lets
          var (days, business) = (0, false)
          switch ec.compile(after).eval(env) {
          case .days(let n): days = Int(n)
          case .businessDays(let n): (days, business) = (Int(n), true)
          default: break
          }
          rule.escalation = CompiledEscalation(
            days: days, business: business, role: program.name(to.symbol), calendar: business ? calendar : nil, source: ref(s))
        case .calendar: break
        }
      }
      out.append(rule)
    }
    ec.calendar = .weekendsOnly
    return (roles, out)
  }
}
