import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Match rules: payer, candidates, patterns, allocation, tolerances, outcomes; their order.
extension CheckerState {
  // MARK: - Match rules

  func checkMatch(_ lm: inout Located<MatchDecl>) {
    let m = lm.decl
    let block = "match rule '\(name(m.name.symbol))'"
    var once = Once()
    let own = blockSettings(m.items.compactMap { if case .setting(let s) = $0 { return s } else { return nil } }, block: block, once: &once)
    let eff = topSettings.overridden(by: own)
    lm.settings = eff
    var ctx = Context()
    ctx.records = [.payment, .customer]
    ctx.settings = eff
    ctx.blockCurrency = own.currency
    ctx.what = block
    // The rule decides only where all its 'when' hold: a currency they test is known throughout (the conditions
    // themselves are read in order: each sees what the ones before it tested).
    let before = ctx
    var tested: [(record: RecordKind, currency: Currency)] = []
    ctx.narrowed = m.items.flatMap { if case .when(let e, _) = $0 { return currencyFacts(e) } else { return [] } }
    var hasAllocate = false
    var exactSingle = false
    var pattern = false
    var anyCustomer: Span?
    var auto = true
    var tolerances = false
    var outcomes: [String: Span] = [:]
    for item in m.items {
      switch item {
      case .setting: break
      case .when(let e, _):
        expectCondition(e, before.narrowing(tested), "a match rule's 'when'")
        tested += currencyFacts(e)
      case .payer(let methods, let s):
        if once.check("payer", s, self, in: block) {
          var seen: Set<String> = []
          for (pm, ps) in methods where !seen.insert(pm.rawValue).inserted {
            report(.conflictingStatement, "'\(pm.rawValue)' is listed twice", at: ps)
          }
        }
      case .candidates(let opts, let s):
        if once.check("candidates", s, self, in: block) {
          var scope: Span?
          for (o, os) in opts {
            switch o {
            case .ofPayer, .anyCustomer:
              if case .anyCustomer = o { anyCustomer = os }
              if let first = scope {
                report(
                  .conflictingStatement, "the candidates' customer is stated twice ('open invoices' alone means the payer's)",
                  at: os, notes: [Note("first stated here", at: first)],
                  help: "keep one of 'open invoices of payer' and 'open invoices of any customer'")
              }
              scope = os
            case .sameCurrency: break
            case .lookBack(let e): expectDateOffset(e, ctx, "the look-back window")
            }
          }
        }
      case .reference(let p, _, let s):
        pattern = true
        if once.check("reference pattern", s, self, in: block) { checkPattern(p) }
      case .allocate(let strategies, let s):
        if once.check("allocate", s, self, in: block) {
          hasAllocate = true
          exactSingle = strategies.contains { $0.0 == .exactSingle }
          var seen: Set<AllocationStrategy> = []
          for (st, ss) in strategies {
            if !seen.insert(st).inserted { report(.conflictingStatement, "this strategy is listed twice", at: ss) }
            if case .exactSubset(let n) = st, n > 5 || n < 2 {
              report(
                .valueOutOfRange, "an exact subset may combine 2 to 5 invoices, found \(n)", at: ss,
                help: "larger subsets cannot be searched in bounded time; use 'oldest first' after it")
            }
          }
        }
      case .tolerance(let side, let amounts, let s):
        tolerances = true
        if once.check("tolerance \(side.rawValue)", s, self, in: block) {
          for a in amounts {
            let t = typeOf(a, ctx)
            expectOneOf(a, t, [.money(ctx.blockCurrency.map { .known($0) } ?? .dynamic), .percent], "a tolerance")
            if t == .percent {
              expectPercent(a, ctx, "a tolerance")
            } else if t.isMoney {
              checkMinorUnits(a, "a tolerance")
              checkNotNegative(a, "a tolerance")
            }
          }
        }
      case .outcome(let c, _, let s):
        if let first = outcomes[c.rawValue] {
          report(
            .conflictingStatement, "\(block) says twice what to do on \(c.rawValue)", at: s,
            notes: [Note("first stated here", at: first)])
        }
        outcomes[c.rawValue] = s
      case .confidence(let a, let s):
        auto = a
        _ = once.check("confidence", s, self, in: block)
      }
    }
    checkAllocation(m, block, pattern: pattern, allocate: hasAllocate, tolerances: tolerances, outcomes: Set(outcomes.keys))
    if let any = anyCustomer, !pattern, exactSingle, auto {
      report(
        .amountOnlyAcrossCustomers,
        "\(block) applies a payment to any customer's invoice of exactly its amount, with no reference and without review",
        at: any, help: "add 'confidence suggest' so an analyst confirms, or take only the payer's invoices ('open invoices of payer')")
    }
  }

  /// What a match rule needs to choose invoices: references that name them (a pattern; its allocation is used
  /// when they name a customer instead), or an allocation; a rule with neither only decides what `on no match`
  /// says (a rule that sends everything to a queue).
  func checkAllocation(_ m: MatchDecl, _ block: String, pattern: Bool, allocate: Bool, tolerances: Bool, outcomes: Set<String>) {
    guard !pattern, !allocate else { return }
    let differences = outcomes.filter { $0 != OutcomeCase.noMatch.rawValue }
    if tolerances || !differences.isEmpty {
      reportMissing(
        in: m.span, "\(block) does not say how to choose invoices, so its tolerances and outcomes never apply", at: m.name.span,
        help: "add 'allocate exact single' (or oldest first, exact subset up to 3 invoices), or a 'reference pattern'")
    } else if !outcomes.contains(OutcomeCase.noMatch.rawValue) {
      reportMissing(
        in: m.span, "\(block) never decides a payment: it neither chooses invoices nor says what happens on no match", at: m.name.span,
        help: "add 'allocate exact single' to apply payments, or 'on no match: exception to queue \"review\"' to send them to a queue")
    }
  }

  func checkMatchOrder() {
    var catchAll: Located<MatchDecl>?
    for m in matches {
      if let all = catchAll {
        report(
          .unreachableRule, "match rule '\(name(m.decl.name.symbol))' is never used: match rule '\(name(all.decl.name.symbol))' before it decides every payment",
          at: m.decl.name.span, notes: [Note("it has no condition and says what to do on 'no match'", at: all.decl.name.span)],
          help: "move that rule last")
        continue
      }
      let items = m.decl.items
      let conditional = items.contains {
        switch $0 {
        case .when, .reference: true
        default: false
        }
      }
      let decidesNoMatch = items.contains { if case .outcome(.noMatch, _, _) = $0 { return true } else { return false } }
      if !conditional, decidesNoMatch { catchAll = m }
    }
  }
}
