import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Service credits (grammar.md §6.7): a plan charge's credit for a period whose measured service level fell short.
extension CheckerState {
  func checkServiceCredit(_ sc: ServiceCreditSpec, _ ctx: Context, charges: [Symbol: ChargeDecl]) {
    let what = "service credit on charge '\(name(sc.charge.symbol))'"
    if let ch = charges[sc.charge.symbol] {
      let metered = ch.items.contains {
        if case .usage = $0 { return true }
        if case .pricing(.percentage, _) = $0 { return true }
        if case .pricing(.capacity, _) = $0 { return true }
        return false
      }
      if metered {
        report(
          .conflictingStatement, "a \(what) needs a charge billed per period (flat, per unit, tiers or package with a quantity); '\(name(sc.charge.symbol))' is metered",
          at: sc.charge.span, help: "credit the plan's subscription charge, whose amount for a period is known when the period is billed")
      }
    } else {
      let s = suggestion(for: name(sc.charge.symbol), in: charges.keys.map(name))
      report(.unknownReference, "there is no charge '\(name(sc.charge.symbol))' in this plan", at: sc.charge.span, help: s.map { "did you mean '\($0)'?" })
    }
    if sc.levels.isEmpty {
      report(
        .missingStatement, "the \(what) has no service level", at: sc.span,
        help: "add one line per level, highest first, as in: below 99.9% credit 10%")
    }
    var previous: (Fixed, Span)?
    for l in sc.levels {
      expectPercent(l.below, ctx, "a service level")
      expectPercent(l.credit, ctx, "a service credit")
      guard case .percent(let v)? = constValue(l.below) else { continue }
      if let (p, s) = previous, v >= p {
        report(
          .conflictingStatement, "service levels go from the highest down: \(sources[l.below.span.file].text(l.below.span)) is not below the level before it",
          at: l.below.span, notes: [Note("the level before it", at: s)], help: "write the levels highest first, each lower than the one before")
      }
      previous = (v, l.below.span)
    }
    for s in sc.repeats {
      report(.duplicateSetting, "the \(what) states 'maximum' twice", at: s, notes: sc.maximumSpan.map { [Note("first stated here", at: $0)] } ?? [], help: "keep one 'maximum'")
    }
    if let m = sc.maximum {
      let t = typeOf(m, ctx)
      if t == .percent {
        expectPercent(m, ctx, "the service credit's maximum")
      } else {
        expectMoney(m, ctx, "the service credit's maximum", total: true)
      }
    }
  }
}
