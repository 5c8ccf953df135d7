import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// What to do with a difference (compiled `on ...:` outcome).
public enum CompiledOutcome: Sendable, Equatable {
  case writeOff
  case creditOnAccount
  case leaveUnapplied
  case exception(queue: String, reason: String?)
}

/// A compiled match rule (cash application), in rule order.
public struct CompiledMatchRule: Sendable {
  public var name: String
  public var label: String
  /// Only payments in this currency (the rule's `currency` setting).
  public var currency: Currency?
  public var rounding: RoundingMode
  /// `when` conditions (all must hold), over the payment.
  public var conditions: [CCondition]
  /// Payer resolution, in order (empty: the payer is not looked for).
  public var payer: [PayerMethod]
  /// Candidates: the payer's open invoices unless `anyCustomer`; of the payment's currency; no older than this many days.
  public var anyCustomer: Bool
  public var sameCurrency: Bool
  public var lookBackDays: Int?
  /// `look back N months`: from the booking date less N calendar months (the rule's month-end rule).
  public var lookBackMonths: Int?
  public var monthEnd: MonthEndRule = .reject

  /// The earliest issue date a candidate may have for a payment booked on `booking` (nil: no limit).
  public func lookBackStart(_ booking: CivilDate) -> CivilDate? {
    if let d = lookBackDays { return booking.adding(days: -d) ?? CivilDate(dayNumber: Int32.min) }
    if let m = lookBackMonths { return booking.adding(months: -m, monthEnd == .reject ? .clamp : monthEnd) ?? CivilDate(dayNumber: Int32.min) }
    return nil
  }
  /// Reference patterns and where they look (group 1 is the reference, else the whole match).
  public var patterns: [(pattern: Pattern, sources: [ReferenceSource])]
  public var allocation: [AllocationStrategy]
  /// Tolerance limits per side: amounts (money) or percents of the invoices' open amount; the larger applies.
  public var underpayment: [CExpr]
  public var overpayment: [CExpr]
  /// Whether a tolerance reads the payment or the customer (`1% of payment.amount`): evaluated for each payment,
  /// not once per run.
  public var tolerancePerPayment = false
  public var outcomes: [OutcomeCase: CompiledOutcome]
  /// Auto-apply (true) or suggest for review.
  public var confidenceAuto: Bool
  public var source: RuleRef
}

extension PlanCompiler {
  static func compileMatchRules(
    _ program: CheckedProgram, _ ec: inout ExprCompiler, _ ref: (Span) -> RuleRef, _ sources: SourceMap, lets: [RValue]
  )
    -> [CompiledMatchRule]
  {
    func condition(_ e: Expr) -> CCondition { PlanCompiler.condition(e, ec, sources) }
    var out: [CompiledMatchRule] = []
    for lm in program.matches {
      let m = lm.decl
      ec.settings = lm.settings
      var rule = CompiledMatchRule(
        name: program.name(m.name.symbol), label: m.label?.value ?? program.name(m.name.symbol), currency: nil,
        rounding: lm.settings.rounding ?? .halfEven, conditions: [], payer: [], anyCustomer: false, sameCurrency: false,
        lookBackDays: nil, patterns: [], allocation: [], underpayment: [], overpayment: [], outcomes: [:], confidenceAuto: true,
        source: ref(m.span))
      for item in m.items {
        switch item {
        case .setting(let s): if case .currency(let c) = s.setting { rule.currency = c }
        case .when(let e, _): rule.conditions.append(condition(e))
        case .payer(let methods, _): rule.payer = methods.map(\.0)
        case .candidates(let options, _):
          for (o, _) in options {
            switch o {
            case .ofPayer: rule.anyCustomer = false
            case .anyCustomer: rule.anyCustomer = true
            case .sameCurrency: rule.sameCurrency = true
            case .lookBack(let e):
              // A constant (the checker requires one), which may name a let.
              let env = Env(asOf: CivilDate(dayNumber: 0))
              env.lets = lets
              switch ec.compile(e).eval(env) {
              case .days(let n): rule.lookBackDays = Int(n)
              case .months(let n):
                rule.lookBackMonths = Int(n)
                rule.monthEnd = lm.settings.monthEnd ?? .reject
              default: break
              }
            }
          }
        case .reference(let p, let where_, _):
          // The checker reported a pattern that does not compile; such a rule set never gets here.
          if case .success(let compiled) = Pattern.compile(p.source) {
            rule.patterns.append((compiled, where_.isEmpty ? [.remittance, .reference] : where_))
          }
        case .allocate(let strategies, _): rule.allocation = strategies.map(\.0)
        case .tolerance(let side, let limits, _):
          let compiled = limits.map { ec.compile($0) }
          if side == .underpayment { rule.underpayment = compiled } else { rule.overpayment = compiled }
          if limits.contains(where: { !PlanCompiler.condition($0, ec, sources).fields.isEmpty }) { rule.tolerancePerPayment = true }
        case .outcome(let c, let action, _):
          switch action {
          case .writeOff: rule.outcomes[c] = .writeOff
          case .creditOnAccount: rule.outcomes[c] = .creditOnAccount
          case .leaveUnapplied: rule.outcomes[c] = .leaveUnapplied
          case .exception(let q, let r): rule.outcomes[c] = .exception(queue: q.value, reason: r?.value)
          }
        case .confidence(let auto, _): rule.confidenceAuto = auto
        }
      }
      out.append(rule)
    }
    return out
  }
}
