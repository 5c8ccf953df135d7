import AccrueChecker
import AccrueCore
import AccrueModel
import Foundation
import AccrueDiagnostics
import AccrueLexer
import AccrueParser

/// A holiday calendar as the rules state it; holidays from data files are added at run time.
public struct CompiledCalendar: Sendable {
  public var name: String
  public var label: String
  public var weekend: Set<Weekday>
  /// Holiday dates (constant expressions) with their labels.
  public var holidays: [(date: CExpr, label: String?)]
  public var source: RuleRef
}

/// A condition with its source text, for explanations ("customer.segment = \"smb\"").
public struct CCondition: Sendable {
  public var expr: CExpr
  public var text: String
  /// The record fields it reads (record kind index, slot, name), to show their values in explanations.
  public var fields: [(record: RecordKind, slot: Int, name: String)]
  /// Whether it reads the invoice (else its value is the same for all of a customer's invoices).
  public var readsInvoice: Bool { fields.contains { $0.record == .invoice } }
}

/// What a step does.
public enum CompiledAction: Sendable {
  case send(channel: Channel, template: String, to: [CExpr], cc: [CExpr])
  case task(title: String, assigneeKind: String, assignee: String)
  case escalate(String)
  case suspend
  /// `late fee [FIXED] [plus PERCENT]`; both nil: the plan's terms.
  case lateFee(fixed: CExpr?, percent: CExpr?)
  /// `interest [RATE per year|month [DAY COUNT]]`; rate nil: the plan's terms.
  case interest(rate: CExpr?, per: InterestPeriod, dayCount: DayCount?)
  case writeOff
  case agency(String)
}

/// A step of a cadence.
public struct CompiledStep: Sendable {
  public var name: String
  public var label: String
  /// Days from the due date (negative: before), in business days when `business`.
  public var offset: Int
  public var business: Bool
  /// `when` conditions (all must hold).
  public var conditions: [CCondition]
  public var actions: [CompiledAction]
  public var source: RuleRef

  /// "5 business days after due", "on due", "3 days before due".
  public var timing: String {
    if offset == 0 { return "on due" }
    let n = abs(offset)
    return "\(n) \(business ? "business " : "")day\(n == 1 ? "" : "s") \(offset < 0 ? "before" : "after") due"
  }
}

/// A compiled dunning cadence.
public struct CompiledCadence: Sendable {
  public var name: String
  public var label: String
  /// Only invoices in this currency (the cadence's `currency` setting).
  public var currency: Currency?
  public var rounding: RoundingMode
  /// `applies when` conditions (all must hold).
  public var applies: [CCondition]
  /// Index into `ExecutablePlan.calendars` (nil: Saturday and Sunday off, no holidays).
  public var calendar: Int?
  public var grouped: Bool
  /// Minimum gap between two reminders to a customer, in business days when `business`.
  public var minimumGap: (days: Int, business: Bool)?
  public var pauseOnDispute: Bool
  public var pauseOnPromise: Bool
  public var pauseOnPaymentPlan: Bool
  public var pauseOnCreditHold: Bool
  public var pauseWhen: [CCondition]
  public var steps: [CompiledStep]
  public var source: RuleRef
  /// `send on business days` (the default: a step date on a weekend or holiday moves to the next business day)
  /// or `send on any day` (false: dates stay as counted).
  public var sendOnBusinessDays = true
}

extension PlanCompiler {
  /// A condition compiled with its source text and the record fields it reads (for explanations).
  static func condition(_ e: Expr, _ ec: ExprCompiler, _ sources: SourceMap) -> CCondition {
    let text = sources[e.span.file].text(e.span).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    let compiled = ec.compile(e)
    // Field reads appear in the resolved form as "(field invoice#9 balance)".
    var fields: [(record: RecordKind, slot: Int, name: String)] = []
    var rest = Substring(compiled.resolved)
    while let r = rest.range(of: "(field ") {
      rest = rest[r.upperBound...]
      guard let close = rest.firstIndex(of: ")") else { break }
      let inner = rest[..<close].split(separator: " ")
      rest = rest[close...]
      guard inner.count == 2, let hash = inner[0].firstIndex(of: "#"), let slot = Int(inner[0][inner[0].index(after: hash)...]),
        let record = RecordKind(rawValue: String(inner[0][..<hash]))
      else { continue }
      if !fields.contains(where: { $0.record == record && $0.slot == slot }) { fields.append((record, slot, String(inner[1]))) }
    }
    return CCondition(expr: compiled, text: text.joined(separator: " "), fields: fields)
  }

  /// Compiles the rule set's calendars and cadences (in rule order).
  static func compileCadences(
    _ program: CheckedProgram, _ ec: inout ExprCompiler, _ ref: (Span) -> RuleRef, _ sources: SourceMap, lets: [RValue]
  ) -> (calendars: [CompiledCalendar], cadences: [CompiledCadence]) {
    func condition(_ e: Expr) -> CCondition { PlanCompiler.condition(e, ec, sources) }
    var calendarIndex: [String: Int] = [:]
    var calendars: [CompiledCalendar] = []
    for lc in program.calendars {
      let d = lc.decl
      let name = program.name(d.name.symbol)
      calendarIndex[name] = calendars.count
      ec.settings = lc.settings
      calendars.append(
        CompiledCalendar(
          name: name, label: d.label?.value ?? name, weekend: Set((d.weekend ?? [(.saturday, d.span), (.sunday, d.span)]).map(\.0)),
          holidays: d.holidays.map { (ec.compile($0.date), $0.label?.value) }, source: ref(d.span)))
    }
    // Constant durations (checked constant by the checker): days, and whether they are business days.
    func duration(_ e: Expr) -> (Int, Bool) {
      switch e.kind {
      case .duration(let n, .days): return (Int(n), false)
      case .duration(let n, .weeks): return (Int(n) * 7, false)
      case .duration(let n, .businessDays): return (Int(n), true)
      default:
        // A constant (the checker requires one), which may name a let (`grace after due`).
        let env = Env(asOf: CivilDate(dayNumber: 0))
        env.lets = lets
        switch ec.compile(e).eval(env) {
        case .days(let n): return (Int(n), false)
        case .businessDays(let n): return (Int(n), true)
        default: return (0, false)
        }
      }
    }
    var cadences: [CompiledCadence] = []
    for lc in program.cadences {
      let c = lc.decl
      ec.settings = lc.settings
      var out = CompiledCadence(
        name: program.name(c.name.symbol), label: c.label?.value ?? program.name(c.name.symbol), currency: nil,
        rounding: lc.settings.rounding ?? .halfEven, applies: [], calendar: nil, grouped: false, minimumGap: nil,
        pauseOnDispute: false, pauseOnPromise: false, pauseOnPaymentPlan: false, pauseOnCreditHold: false, pauseWhen: [],
        steps: [], source: ref(c.span))
      for item in c.items {
        if case .setting(let s) = item, case .currency(let cur) = s.setting { out.currency = cur }
        if case .calendar(let n, _) = item { out.calendar = calendarIndex[program.name(n.symbol)] }
      }
      if let ci = out.calendar, let cal = BusinessCalendar(weekend: calendars[ci].weekend) {
        ec.calendar = cal
      } else {
        ec.calendar = .weekendsOnly
      }
      for item in c.items {
        switch item {
        case .setting, .calendar: break
        case .applies(let e, _): out.applies.append(condition(e))
        case .onePerCustomer: out.grouped = true
        case .sendOn(let business, _): out.sendOnBusinessDays = business
        case .minimumGap(let e, _):
          let (n, business) = duration(e)
          out.minimumGap = (n, business)
        case .pause(let k, _):
          switch k {
          case .dispute: out.pauseOnDispute = true
          case .promiseToPay: out.pauseOnPromise = true
          case .paymentPlan: out.pauseOnPaymentPlan = true
          case .creditHold: out.pauseOnCreditHold = true
          case .when(let e): out.pauseWhen.append(condition(e))
          }
        case .step(let st):
          var offset = 0
          var business = false
          if let o = st.timing.offset { (offset, business) = duration(o) }
          if st.timing.relation == .before { offset = -offset }
          if st.timing.relation == .on { offset = 0 }
          var step = CompiledStep(
            name: program.name(st.name.symbol), label: st.label?.value ?? program.name(st.name.symbol), offset: offset,
            business: business, conditions: [], actions: [], source: ref(st.span))
          for si in st.items {
            switch si {
            case .when(let e, _): step.conditions.append(condition(e))
            case .send(let ch, let t, let to, let cc, _):
              step.actions.append(.send(channel: ch, template: t.value, to: to.map { ec.compile($0) }, cc: cc.map { ec.compile($0) }))
            case .task(let title, let kind, let who, _):
              step.actions.append(.task(title: title.value, assigneeKind: kind == .role ? "role" : "queue", assignee: who.value))
            case .escalate(let who, _): step.actions.append(.escalate(who.value))
            case .suspend: step.actions.append(.suspend)
            case .lateFee(let l): step.actions.append(.lateFee(fixed: l.fixed.map { ec.compile($0) }, percent: l.percent.map { ec.compile($0) }))
            case .interest(let i): step.actions.append(.interest(rate: i.rate.map { ec.compile($0) }, per: i.per, dayCount: i.dayCount))
            case .writeOff: step.actions.append(.writeOff)
            case .agency(let a, _): step.actions.append(.agency(a.value))
            }
          }
          out.steps.append(step)
        }
      }
      cadences.append(out)
    }
    ec.calendar = .weekendsOnly
    return (calendars, cadences)
  }
}

extension CCondition {
  /// Evaluates the condition with the records set in `env`; a failure is reported (`failed` makes it, with
  /// where the rule is and the record it ran on) and stops the run.
  public func holds(_ env: Env, _ failures: inout [RunFailure], _ failed: (EvalFailure) -> RunFailure) -> Bool {
    env.reset()
    let v = expr.eval(env)
    if let f = env.failure {
      failures.append(failed(f))
      return false
    }
    return v.isTrue
  }
}
