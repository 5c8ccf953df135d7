import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

extension CheckerState {
  // MARK: - Cadences

  func checkCadence(_ lc: inout Located<CadenceDecl>) {
    let c = lc.decl
    let block = "cadence '\(name(c.name.symbol))'"
    var once = Once()
    let own = blockSettings(c.items.compactMap { if case .setting(let s) = $0 { return s } else { return nil } }, block: block, once: &once)
    let eff = topSettings.overridden(by: own)
    lc.settings = eff
    var ctx = Context()
    ctx.records = [.invoice, .customer]
    ctx.settings = eff
    ctx.blockCurrency = own.currency
    ctx.what = block
    // Everything in a cadence runs where all its 'applies when' hold: a currency they test is known throughout
    // (the conditions themselves are read in order: each sees what the ones before it tested).
    let before = ctx
    var tested: [(record: RecordKind, currency: Currency)] = []
    ctx.narrowed = c.items.flatMap { if case .applies(let e, _) = $0 { return currencyFacts(e) } else { return [] } }
    var steps: [StepDecl] = []
    var stepNames: [Symbol: Span] = [:]
    for item in c.items {
      switch item {
      case .setting: break
      case .applies(let e, _):
        expectCondition(e, before.narrowing(tested), "'applies when'")
        tested += currencyFacts(e)
      case .calendar(let n, let s):
        if once.check("calendar", s, self, in: block) {
          if let i = calendarIndex[n.symbol] {
            calendarUsed.insert(i)
          } else {
            let sug = suggestion(for: name(n.symbol), in: calendarIndex.keys.map(name))
            report(
              .unknownReference, "there is no calendar '\(name(n.symbol))'", at: n.span,
              help: sug.map { "did you mean '\($0)'?" } ?? "declare it: calendar \(name(n.symbol)) { holiday 2026-12-25 }")
          }
        }
      case .onePerCustomer(let s): _ = once.check("one reminder per customer", s, self, in: block)
      case .sendOn(_, let s): _ = once.check("send on", s, self, in: block)
      case .minimumGap(let e, let s):
        if once.check("minimum gap", s, self, in: block) {
          expectOneOf(e, typeOf(e, ctx), [.days, .businessDays], "the minimum gap")
          checkNotNegative(e, "the minimum gap")
        }
      case .pause(let k, _):
        if case .when(let e) = k { expectCondition(e, ctx, "'pause when'") }
      case .step(let st):
        if let first = stepNames[st.name.symbol] {
          report(.duplicateDeclaration, "step '\(name(st.name.symbol))' is declared twice in \(block)", at: st.name.span, notes: [Note("first declared here", at: first)])
        }
        stepNames[st.name.symbol] = st.name.span
        checkStep(st, ctx)
        steps.append(st)
      }
    }
    if steps.isEmpty {
      reportMissing(in: c.span, "\(block) has no steps", at: c.name.span, help: "add a step, as in: step first 7 days after due { send email \"overdue\" }")
    }
    checkStepOrder(steps)
  }

  func checkStep(_ st: StepDecl, _ cadence: Context) {
    let what = "step '\(name(st.name.symbol))'"
    // The step's actions run where its 'when' holds.
    let ctx = cadence.narrowing(st.items.flatMap { if case .when(let e, _) = $0 { return currencyFacts(e) } else { return [] } })
    if let off = st.timing.offset {
      let t = typeOf(off, ctx)
      expectOneOf(off, t, [.days, .businessDays], "a step's timing")
      if let c = constValue(off) {
        switch c {
        case .days(let n), .businessDays(let n):
          if n < 0 { report(.valueOutOfRange, "write a step before the due date with 'before', not a negative number", at: off.span) }
        default: break
        }
      }
    }
    var whenSpan: Span?
    var actions = 0
    var once = Once()
    for item in st.items {
      switch item {
      case .when(let e, let s):
        if let first = whenSpan {
          report(
            .conflictingStatement, "\(what) has two 'when' conditions", at: s, notes: [Note("the first is here", at: first)],
            help: "join them with 'and'")
        }
        whenSpan = s
        expectCondition(e, ctx, "a step's 'when'")
        if case .bool(false)? = constValue(e) {
          report(.unreachableStep, "\(what) never fires: its condition is always false", at: e.span)
        }
      case .send(_, let template, let to, let cc, _):
        actions += 1
        if template.value.isEmpty { report(.valueOutOfRange, "a template name cannot be empty", at: template.span) }
        for r in to + cc { expectType(r, typeOf(r, ctx), .text, "a recipient") }
      case .task, .escalate, .suspend, .writeOff, .agency:
        actions += 1
      case .lateFee(let l):
        actions += 1
        if once.check("late fee", l.span, self, in: what) { checkLateFee(l, ctx, requireAmount: false) }
      case .interest(let i):
        actions += 1
        if once.check("interest", i.span, self, in: what) { checkInterest(i, ctx, requireRate: false) }
      }
    }
    if actions == 0 {
      reportMissing(in: st.span, "\(what) does nothing", at: st.name.span, help: "add an action, as in: send email \"overdue-1\" to customer.billing_email")
    }
  }

  /// Calendar-day bounds of a step's offset from the due date (business days span weekends).
  func stepBounds(_ st: StepDecl) -> (lo: Int64, hi: Int64, business: Bool)? {
    var n: Int64 = 0
    var business = false
    if let off = st.timing.offset {
      switch constValue(off) {
      case .days(let d)?: n = d
      case .businessDays(let d)?:
        n = d
        business = true
      default: return nil
      }
    }
    let sign: Int64 = st.timing.relation == .before ? -1 : 1
    if !business { return (sign * n, sign * n, false) }
    // k business days cover at least k calendar days and at most k + 2 per started week, plus holidays.
    let extra = 2 * ((n + 4) / 5) + 14
    return sign > 0 ? (n, n + extra, true) : (-(n + extra), -n, true)
  }

  func checkStepOrder(_ steps: [StepDecl]) {
    for i in steps.indices.dropFirst() {
      let a = steps[i - 1]
      let b = steps[i]
      guard let x = stepBounds(a), let y = stepBounds(b) else { continue }
      if x.business == y.business {
        if y.lo < x.lo {
          report(
            .stepsOutOfOrder, "step '\(name(b.name.symbol))' comes before step '\(name(a.name.symbol))' in time but after it in the cadence",
            at: b.timing.span, notes: [Note("'\(name(a.name.symbol))' is here", at: a.timing.span)],
            help: "list steps in the order they happen")
        } else if y.lo == x.lo {
          report(
            .unreachableStep, "step '\(name(b.name.symbol))' falls on the same day as step '\(name(a.name.symbol))', so it is never reached",
            at: b.timing.span, notes: [Note("'\(name(a.name.symbol))' is here", at: a.timing.span)],
            help: "give each step its own day, or merge their actions into one step")
        }
      } else if y.hi < x.lo {
        report(
          .stepsOutOfOrder, "step '\(name(b.name.symbol))' always comes before step '\(name(a.name.symbol))'", at: b.timing.span,
          notes: [Note("'\(name(a.name.symbol))' is here", at: a.timing.span)])
      } else if y.lo <= x.hi {
        report(
          .mayBeOutOfOrder, "whether step '\(name(b.name.symbol))' comes after step '\(name(a.name.symbol))' depends on weekends and holidays",
          at: b.timing.span, notes: [Note("'\(name(a.name.symbol))' is here", at: a.timing.span)],
          help: "count both steps in days, or both in business days")
      }
    }
  }

  func checkCadenceOrder() {
    var catchAll: Located<CadenceDecl>?
    for c in cadences {
      if let all = catchAll {
        report(
          .unreachableRule, "cadence '\(name(c.decl.name.symbol))' is never used: cadence '\(name(all.decl.name.symbol))' before it applies to every invoice",
          at: c.decl.name.span, notes: [Note("the catch-all cadence is here", at: all.decl.name.span)],
          help: "move the catch-all cadence last, or give it an 'applies when'")
        continue
      }
      let conditions = c.decl.items.compactMap { if case .applies(let e, _) = $0 { return e } else { return nil } }
      // A cadence for one currency leaves the others to the cadences after it.
      let oneCurrency = c.decl.items.contains { if case .setting(let s) = $0, case .currency = s.setting { return true } else { return false } }
      if !oneCurrency, conditions.allSatisfy({ if case .bool(true)? = constValue($0) { return true } else { return false } }) {
        catchAll = c
      }
    }
  }
}
