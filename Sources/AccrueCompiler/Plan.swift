import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// How a charge is priced, with amounts compiled.
public enum CompiledPricing: Sendable {
  case flat(CExpr)
  case once(CExpr)
  case perUnit(CExpr)
  case tiers(TierMode, [CompiledTier])
  case package(size: CExpr, price: CExpr)
  case percentage(rate: CExpr, fixedFee: CExpr?, minimum: CExpr?, maximum: CExpr?)
  /// Several metrics pick one tier together, the first whose every limit holds (Capacity.swift).
  case capacity([CompiledCapacityTier])

  /// The pricing's name in plan output.
  public var kind: String {
    switch self {
    case .flat: "flat"
    case .once: "once"
    case .perUnit: "per unit"
    case .tiers(let m, _): "tiers \(m.rawValue)"
    case .package: "package"
    case .percentage: "percentage"
    case .capacity: "capacity tiers"
    }
  }
}

/// One tier: quantities in (from-1, to] (to nil: and above).
public struct CompiledTier: Sendable {
  public var from: Fixed
  public var to: Fixed?
  public var unitPrice: CExpr
  public var flatFee: CExpr?
}

/// Where a charge's quantity comes from.
public enum QuantitySource: Sendable {
  case none
  case usage(metric: Int)
  case expr(CExpr)
}

/// How long a discount lasts.
public enum CompiledDuration: Sendable {
  case forever
  case periods(CExpr)
  case until(CExpr)
}

/// A compiled discount.
public struct CompiledDiscount: Sendable {
  public var label: String?
  public var amount: CExpr
  public var charge: String?
  public var duration: CompiledDuration
  public var condition: CExpr?
  public var source: RuleRef
}

/// A compiled charge's fields (`CompiledCharge` holds them in a box its copies share: PlanSpec.swift).
public struct ChargeFields: Sendable {
  public var name: String
  public var label: String
  public var pricing: CompiledPricing?
  public var quantity: QuantitySource
  /// `free N`: units free before pricing; on a percentage charge, the period's first N transactions.
  public var free: CExpr?
  /// `free AMOUNT` on a percentage charge: the period's first AMOUNT of transaction volume is free.
  public var freeAmount: CExpr?
  public var timing: BillTiming
  public var prorate: Bool
  public var discounts: [CompiledDiscount]
  public var minimum: CExpr?
  public var source: RuleRef
  /// `milestone "NAME"`: billed once, on the day the data's milestones say NAME was reached; never per period.
  public var milestone: String? = nil
  /// `period P` on the charge: its own billing period (nil: the plan's), from the same anchor (grammar.md §6.2).
  public var period: PeriodSpec? = nil
  /// `align to ...` on the charge: its own periods' alignment (nil: the plan's).
  public var alignment: Alignment? = nil
}

/// A compiled tax.
public struct CompiledTax: Sendable {
  public var label: String
  public var rate: CExpr
  public var mode: TaxMode
  public var condition: CExpr?
  public var source: RuleRef
}

/// Compiled payment terms.
public enum CompiledTerms: Sendable {
  case dueOnReceipt
  case net(CExpr)
  case netEndOfMonth(CExpr)
  case endOfMonth
  case dayOfNextMonth(CExpr)
  case installments([(share: CExpr, after: CExpr)])
}

/// A phase following the trial.
public struct CompiledPhase: Sendable {
  public var name: String
  public var duration: CExpr
  /// Re-priced charges by name.
  public var charges: [String: CompiledCharge]
  public var discounts: [CompiledDiscount]
  public var free: Bool
  public var minimum: CExpr?
  public var source: RuleRef
  /// Where the phase's `minimum commitment` is written.
  public var minimumSource: RuleRef? = nil
}

/// An executable plan's fields (one `plan` block; `CompiledPlanSpec` holds them in a box its copies share: PlanSpec.swift).
public struct PlanSpecFields: Sendable {
  public var name: String
  public var label: String
  public var currency: Currency
  public var period: PeriodSpec
  public var timing: BillTiming
  public var alignment: Alignment
  public var trial: CExpr?
  /// `trial ... then new cycle`: billing periods start over at the trial's end (the billing anchor moves there);
  /// else (`prorated`, the default) the trial's days are free inside the periods counted from the anchor.
  public var trialStartsCycle = false
  /// `cancellation ...`: what a contract cancelled inside a period is billed and credited, and where it is written;
  /// nil when the plan states none (a cancelled contract of the plan is then a data error, D0215).
  public var cancellation: (policy: CancellationPolicy, source: RuleRef)? = nil
  /// `upgrade ...` / `downgrade ...`: when a change from this plan to a dearer / cheaper one takes effect, and
  /// where it is written; nil when the plan states none (the change then takes effect as written). §6.11.
  public var upgrade: (timing: PlanChangeTiming, source: RuleRef)? = nil
  public var downgrade: (timing: PlanChangeTiming, source: RuleRef)? = nil
  public var phases: [CompiledPhase]
  public var charges: [CompiledCharge]
  public var discounts: [CompiledDiscount]
  public var minimum: CExpr?
  /// Where the plan's `minimum commitment` is written.
  public var minimumSource: RuleRef? = nil
  public var taxes: [CompiledTax]
  /// The payment terms without `when` (due on receipt when the plan states none): an invoice's when no
  /// `conditionalTerms` holds (`terms(_:)`).
  public var terms: CompiledTerms
  /// The early payment discount without `when`: offered when no `conditionalEarlyDiscounts` holds.
  public var earlyDiscount: (rate: CExpr, within: CExpr)?
  /// `payment terms ... when COND` and `early payment discount ... when COND`, in the order written (§6.4).
  public var conditionalTerms: [(condition: CExpr, terms: CompiledTerms, source: RuleRef)] = []
  public var conditionalEarlyDiscounts: [(condition: CExpr, rate: CExpr, within: CExpr, source: RuleRef)] = []
  /// Where the statements without `when` are written (nil: none).
  public var termsSource: RuleRef? = nil
  public var earlyDiscountSource: RuleRef? = nil
  public var lateFee: (fixed: CExpr?, percent: CExpr?)?
  /// `interest RATE per year|month [DAY COUNT]`: the rate as stated, what it is per, the day count.
  public var interest: (rate: CExpr, per: InterestPeriod, dayCount: DayCount)?
  public var rounding: RoundingMode
  public var monthEnd: MonthEndRule
  public var source: RuleRef
  /// `first tier fee always` (the default) or `when used`: whether a period without usage bills the first
  /// tier's flat fee.
  public var firstTierFeeAlways = true
  /// `zero invoices issued` (the default) or `skipped`: whether an invoice whose total is zero is issued.
  public var zeroInvoicesIssued = true
  /// `currency USD, EUR, ...`: every currency the plan is priced in (empty for a plan of one currency); each has
  /// a copy of the plan billing in it (`ExecutablePlan.priceBookCopies`).
  public var priceBook: [Currency] = []
  /// For a price book's copy in its second or later currency: the index of the plan as declared.
  public var copyOf: Int? = nil
  /// `service credit ... on charge NAME { ... }`: credits for periods whose service level fell short (§6.7).
  public var serviceCredits: [CompiledServiceCredit] = []
  /// `term`, `renew`, `notice`, `minimum commitment ... per term` (§6.8); nil without `term`.
  public var contractTerm: CompiledContractTerm? = nil
  /// `bill early when usage reaches ...` (§6.10), as written (billing orders them by value); empty without progressive billing.
  public var thresholds: [CompiledThreshold] = []
}

/// A compiled metric.
public struct CompiledMetric: Sendable {
  public var name: String
  public var label: String
  public var eventName: String?
  public var aggregation: AggregationKind
  public var value: CExpr?
  public var filters: [CExpr]
  public var source: RuleRef
}

/// The executable plan of a rule set: everything resolved, ready to run against data.
public struct ExecutablePlan: Sendable {
  /// The checked program it came from (names, custom field schemas).
  public var program: CheckedProgram
  /// `let` values in dependency order (index = let index).
  public var lets: [CExpr]
  public var metrics: [CompiledMetric]
  public var plans: [CompiledPlanSpec]
  /// Plans by name.
  public var planIndex: [String: Int]
  /// For each plan priced in several currencies, its copy per currency (the first currency's is the plan itself).
  public var priceBookCopies: [String: [Currency: Int]] = [:]
  /// Holiday calendars, in declaration order.
  public var calendars: [CompiledCalendar] = []
  /// Dunning cadences, in rule order (the first that applies wins).
  public var cadences: [CompiledCadence] = []
  /// Match rules (cash application), in rule order (the first that decides wins).
  public var matchRules: [CompiledMatchRule] = []
  /// Declared defaults of custom fields, by record and slot: the value a field takes when data omits it.
  public var fieldDefaults: [RecordKind: [Int: RValue]] = [:]
  /// The rule files, to say where an expression that failed at run time is written.
  public var sources = SourceMap()
  /// `number invoices "..."` (nil: an invoice's id is its key).
  public var invoiceNumbering: NumberingRule? = nil
  /// `number debit notes "..."` (nil: debit notes take numbers from the invoice numbering).
  public var debitNoteNumbering: NumberingRule? = nil
  /// `number credit notes`: the credit notes people issue; nil: a credit note's number is its key.
  public var creditNoteNumbering: NumberingRule? = nil
  /// `fees billed as debit notes` (the default) or `on next invoice`, and where it is stated (nil: not stated).
  public var feeBilling: FeeBilling = .debitNotes
  public var feeBillingRule: RuleRef? = nil
  /// `account credit held` (the default) or `applied oldest first`, and where it is stated (nil: not stated).
  public var creditUse: CreditUse = .held
  public var creditUseRule: RuleRef? = nil
  /// The CSV statement formats (`statement format NAME { ... }`), in rule order, each with where it is stated.
  public var statementFormats: [StatementFormat] = []
  /// The payment processors' settings (`processor NAME { ... }`), in rule order, each with where it is stated.
  public var processors: [ProcessorSettings] = []
  /// The roles that approve and the approval rules (`role`, `approval NAME for SUBJECT { ... }`), in rule order.
  public var roles: [CompiledRole] = []
  public var approvals: [CompiledApproval] = []

  /// A processor's settings: its block's, else the defaults (the `invoice_number` column, 5 days).
  public func processor(_ name: String) -> ProcessorSettings {
    processors.first { $0.processor == name } ?? .defaults(for: name)
  }

  /// Where a span of the rules is: file, line and column.
  public func ref(_ span: Span) -> RuleRef {
    guard Int(span.file.index) < sources.files.count else { return RuleRef(file: "(rules)", line: 0, column: 0) }
    let (f, l, _) = sources.resolve(span)
    return RuleRef(file: f.path, line: l.line, column: l.column)
  }

  /// A failure met while evaluating the rules on a record, located in the rules.
  public func failure(_ f: EvalFailure, _ subject: @autoclosure () -> String) -> RunFailure {
    RunFailure(message: f.message, rule: f.rule ?? ref(f.span), subject: subject())
  }

  /// The value of a record field that data omits: its declared default, else `fallback`.
  public func fieldDefault(_ r: RecordKind, _ slot: Int) -> RValue? { fieldDefaults[r]?[slot] }
}

/// Compiles a checked rule set to an executable plan.
public enum PlanCompiler {
  public static func compile(_ program: CheckedProgram, sources: SourceMap) -> ExecutablePlan {
    func ref(_ s: Span) -> RuleRef {
      let (f, l, _) = sources.resolve(s)
      return RuleRef(file: f.path, line: l.line, column: l.column)
    }
    var ec = ExprCompiler(program: program)
    let lets = program.lets.map { ec.compile($0.decl.value) }
    let letValues = lets.reduce(into: Env(asOf: CivilDate(dayNumber: 0))) { env, l in env.lets.append(l.eval(env)) }.lets
    var metricIndex: [String: Int] = [:]
    let metrics: [CompiledMetric] = program.metrics.enumerated().map { i, m in
      let d = m.decl
      metricIndex[program.name(d.name.symbol)] = i
      return CompiledMetric(
        name: program.name(d.name.symbol), label: d.label?.value ?? program.name(d.name.symbol),
        eventName: d.eventName?.value, aggregation: d.aggregation?.kind ?? .count,
        value: d.aggregation?.value.map { ec.compile($0) }, filters: d.filters.map { ec.compile($0) }, source: ref(d.span))
    }
    func discount(_ d: DiscountSpec) -> CompiledDiscount {
      let duration: CompiledDuration
      switch d.duration {
      case .forever: duration = .forever
      case .periods(let n): duration = .periods(ec.compile(n))
      case .until(let e): duration = .until(ec.compile(e))
      }
      return CompiledDiscount(
        label: d.label?.value, amount: ec.compile(d.amount), charge: d.charge.map { program.name($0.symbol) },
        duration: duration, condition: d.condition.map { ec.compile($0) }, source: ref(d.span))
    }
    func charge(_ c: ChargeDecl, defaultTiming: BillTiming) -> CompiledCharge {
      var out = ChargeFields(
        name: program.name(c.name.symbol), label: c.label?.value ?? program.name(c.name.symbol), pricing: nil,
        quantity: .none, free: nil, freeAmount: nil, timing: defaultTiming, prorate: true, discounts: [], minimum: nil, source: ref(c.span))
      for item in c.items {
        switch item {
        case .pricing(let p, _):
          switch p {
          case .flat(let e): out.pricing = .flat(ec.compile(e))
          case .once(let e): out.pricing = .once(ec.compile(e))
          case .perUnit(let e): out.pricing = .perUnit(ec.compile(e))
          case .package(let size, let price): out.pricing = .package(size: ec.compile(size), price: ec.compile(price))
          case .percentage(let s):
            out.pricing = .percentage(
              rate: ec.compile(s.rate), fixedFee: s.fixedFee.map { ec.compile($0) }, minimum: s.minimum.map { ec.compile($0) },
              maximum: s.maximum.map { ec.compile($0) })
          case .tiers(let mode, let tiers):
            out.pricing = .tiers(
              mode,
              tiers.map {
                CompiledTier(from: $0.from, to: $0.to, unitPrice: ec.compile($0.unitPrice), flatFee: $0.flatFee.map { ec.compile($0) })
              })
          case .capacity(let tiers):
            let compiled = capacity(tiers, program, metricIndex, &ec, ref)
            out.pricing = .capacity(compiled)
            // Billed as usage (in arrears, from the period's events) through the first metric its limits name.
            if let m = CompiledCapacityTier.metrics(compiled).first { out.quantity = .usage(metric: m) }
          }
        case .quantity(let e, _): out.quantity = .expr(ec.compile(e))
        case .usage(let m, _): out.quantity = metricIndex[program.name(m.symbol)].map { .usage(metric: $0) } ?? .none
        case .free(let e, _):
          if case .money? = Int(e.id) < program.types.count ? program.types[Int(e.id)] : nil {
            out.freeAmount = ec.compile(e)
          } else {
            out.free = ec.compile(e)
          }
        case .billTiming(let t, _): out.timing = t
        case .prorate(let p, _): out.prorate = p
        case .milestone(let name, _): out.milestone = name.value
        case .period(let p, _): out.period = p
        case .align(let a, _): out.alignment = a
        case .discount(let d): out.discounts.append(discount(d))
        case .minimum(let e, _): out.minimum = ec.compile(e)
        }
      }
      return CompiledCharge(out)
    }
    var plans: [CompiledPlanSpec] = []
    var planIndex: [String: Int] = [:]
    var books: [(index: Int, spec: CompiledPlanSpec)] = []
    for lp in program.plans {
      let p = lp.decl
      ec.settings = lp.settings
      var spec = CompiledPlanSpec(PlanSpecFields(
        name: program.name(p.name.symbol), label: p.label?.value ?? program.name(p.name.symbol),
        currency: lp.settings.currency ?? .USD, period: .months(1), timing: .advance, alignment: .anniversary, trial: nil,
        phases: [], charges: [], discounts: [], minimum: nil, taxes: [], terms: .dueOnReceipt, earlyDiscount: nil,
        lateFee: nil, interest: nil, rounding: lp.settings.rounding ?? .halfEven, monthEnd: lp.settings.monthEnd ?? .clamp,
        source: ref(p.span)))
      spec.firstTierFeeAlways = lp.settings.firstTierFeeAlways ?? true
      spec.zeroInvoicesIssued = lp.settings.zeroInvoicesIssued ?? true
      for item in p.items {
        switch item {
        case .period(let ps, _): spec.period = ps
        case .billTiming(let t, _): spec.timing = t
        case .align(let a, _): spec.alignment = a
        default: break
        }
      }
      for item in p.items {
        switch item {
        case .setting, .period, .billTiming, .align, .free, .contractTerm: break
        case .currencies(let list, _): spec.priceBook = list.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        case .cancellation(let policy, let span): spec.cancellation = (policy, ref(span))
        case .threshold(let t):  // Threshold.swift
          if let n = t.units, let m = t.metric.flatMap({ metricIndex[program.name($0.symbol)] }) {
            spec.thresholds.append(CompiledThreshold(measure: .units(n, metric: m), source: ref(t.span)))
          } else if let e = t.amount {
            spec.thresholds.append(CompiledThreshold(measure: .amount(ec.compile(e)), source: ref(t.span)))
          }
        case .planChange(.upgrade, let timing, let span): spec.upgrade = (timing, ref(span))
        case .planChange(.downgrade, let timing, let span): spec.downgrade = (timing, ref(span))
        case .serviceCredit(let sc):
          spec.serviceCredits.append(
            CompiledServiceCredit(
              label: sc.label?.value ?? "Service credit", charge: program.name(sc.charge.symbol),
              levels: sc.levels.map { (ec.compile($0.below), ec.compile($0.credit)) }, maximum: sc.maximum.map { ec.compile($0) },
              source: ref(sc.span)))
        case .trial(let e, let newCycle, _):
          spec.trial = ec.compile(e)
          spec.trialStartsCycle = newCycle
        case .charge(let c): spec.charges.append(charge(c, defaultTiming: spec.timing))
        case .discount(let d): spec.discounts.append(discount(d))
        case .minimum(let e, let span):
          spec.minimum = ec.compile(e)
          spec.minimumSource = ref(span)
        case .tax(let t):
          spec.taxes.append(
            CompiledTax(
              label: t.label?.value ?? "Tax", rate: ec.compile(t.rate), mode: t.mode, condition: t.condition.map { ec.compile($0) },
              source: ref(t.span)))
        case .terms(let terms, let condition, let span):
          let compiled = ec.compileTerms(terms)
          if let c = condition {
            spec.conditionalTerms.append((ec.compile(c), compiled, ref(span)))
          } else {
            spec.terms = compiled
            spec.termsSource = ref(span)
          }
        case .earlyDiscount(let rate, let within, let condition, let span):
          if let c = condition {
            spec.conditionalEarlyDiscounts.append((ec.compile(c), ec.compile(rate), ec.compile(within), ref(span)))
          } else {
            spec.earlyDiscount = (ec.compile(rate), ec.compile(within))
            spec.earlyDiscountSource = ref(span)
          }
        case .lateFee(let l): spec.lateFee = (l.fixed.map { ec.compile($0) }, l.percent.map { ec.compile($0) })
        case .interest(let i):
          if let r = i.rate { spec.interest = (ec.compile(r), i.per, i.dayCount ?? .actual365) }
        case .phase(let ph):
          var phase = CompiledPhase(
            name: program.name(ph.name.symbol), duration: ec.compile(ph.duration), charges: [:], discounts: [], free: false,
            minimum: nil, source: ref(ph.span))
          for pi in ph.items {
            switch pi {
            case .charge(let c): phase.charges[program.name(c.name.symbol)] = charge(c, defaultTiming: spec.timing)
            case .discount(let d): phase.discounts.append(discount(d))
            case .free: phase.free = true
            case .minimum(let e, let span):
              phase.minimum = ec.compile(e)
              phase.minimumSource = ref(span)
            default: break
            }
          }
          spec.phases.append(phase)
        }
      }
      let termItems = p.items.compactMap { if case .contractTerm(let t, let s) = $0 { return (t, s) } else { return nil } }
      spec.contractTerm = CompiledContractTerm.compile(termItems, &ec, ref, lets: letValues)  // Plan+Term
      if let first = spec.priceBook.first {
        books.append((plans.count, spec))
        spec = spec.pricedIn(first)
      }
      planIndex[spec.name] = plans.count
      plans.append(spec)
    }
    let copies = CompiledPlanSpec.priceBookCopies(books, appendingTo: &plans)
    let (calendars, cadences) = compileCadences(program, &ec, ref, sources, lets: letValues)
    var out = ExecutablePlan(program: program, lets: lets, metrics: metrics, plans: plans, planIndex: planIndex)
    out.priceBookCopies = copies
    out.sources = sources
    out.calendars = calendars
    out.cadences = cadences
    out.matchRules = compileMatchRules(program, &ec, ref, sources, lets: letValues)
    compileLedger(program.ledger, into: &out, ref)
    out.statementFormats = program.statementFormats.map {
      var f = $0.format
      f.rule = ref($0.span)
      return f
    }
    out.processors = program.processors.map {
      var p = $0.settings
      p.rule = ref($0.span)
      p.invoiceRule = $0.invoiceSpan.map(ref)
      p.windowRule = $0.windowSpan.map(ref)
      return p
    }
    // Field defaults are constants (they may use lets): evaluated once, here.
    let env = Env(asOf: CivilDate(dayNumber: 0))
    for l in lets { env.lets.append(l.eval(env)) }
    (out.roles, out.approvals) = compileApprovals(program, &ec, ref, sources, calendars: calendars, lets: env.lets)
    for (r, fields) in program.customFields {
      for f in fields {
        guard let d = f.defaultValue else { continue }
        env.reset()
        let v = ec.compile(d).eval(env)
        if env.failure == nil, v != .error { out.fieldDefaults[r, default: [:]][f.index] = v }
      }
    }
    return out
  }
}
