import AccrueCompiler
import AccrueCore
import AccrueParser

/// The executable plan as JSON: every expression in its resolved form (slots, not names).
public enum PlanJSON {
  static func expr(_ e: CExpr?) -> JSON { e.map { .string($0.resolved) } ?? .null }

  static func pricing(_ p: CompiledPricing?) -> JSON {
    guard let p else { return .null }
    switch p {
    case .flat(let e): return .object([("kind", .string("flat")), ("amount", expr(e))])
    case .once(let e): return .object([("kind", .string("once")), ("amount", expr(e))])
    case .perUnit(let e): return .object([("kind", .string("per unit")), ("unit_price", expr(e))])
    case .package(let s, let pr): return .object([("kind", .string("package")), ("size", expr(s)), ("price", expr(pr))])
    case .percentage(let r, let f, let mn, let mx):
      return .object([("kind", .string("percentage")), ("rate", expr(r)), ("fee", expr(f)), ("minimum", expr(mn)), ("maximum", expr(mx))])
    case .capacity(let tiers):
      return .object([
        ("kind", .string("capacity tiers")),
        (
          "tiers",
          .array(
            tiers.map { t in
              .object([
                ("name", .string(t.name)), ("label", .string(t.label)),
                (
                  "limits",
                  .array(
                    t.limits.map {
                      .object([("metric", .string("metric#\($0.metric)")), ("at_most", expr($0.bound)), ("strict", .bool($0.strict))])
                    })
                ),
                ("price", expr(t.price)), ("rule", .string(t.source.description)),
              ])
            })
        ),
      ])
    case .tiers(let m, let tiers):
      return .object([
        ("kind", .string("tiers \(m.rawValue)")),
        (
          "tiers",
          .array(
            tiers.map {
              .object([
                ("from", .string($0.from.description)), ("to", $0.to.map { .string($0.description) } ?? .null),
                ("unit_price", expr($0.unitPrice)), ("flat_fee", expr($0.flatFee)),
              ])
            })
        ),
      ])
    }
  }

  static func charge(_ c: CompiledCharge, _ plan: ExecutablePlan) -> JSON {
    let q: JSON
    switch c.quantity {
    case .none: q = .null
    case .usage(let m): q = .string("(metric#\(m) \(plan.metrics[m].name))")
    case .expr(let e): q = expr(e)
    }
    var fields: [(String, JSON)] = [
      ("name", .string(c.name)), ("label", .string(c.label)), ("pricing", pricing(c.pricing)), ("quantity", q),
      ("free_units", expr(c.free)), ("timing", .string(c.timing.rawValue)), ("prorate", .bool(c.prorate)),
      ("discounts", .array(c.discounts.map(discount))), ("rule", .string(c.source.description)),
    ]
    // A charge's own period and alignment (grammar.md §6.2), only when it states them.
    if let p = c.period { fields.append(("period", .string(p.text))) }
    if let a = c.alignment { fields.append(("alignment", .string(a.rawValue))) }
    return .object(fields)
  }

  static func discount(_ d: CompiledDiscount) -> JSON {
    let dur: JSON
    switch d.duration {
    case .forever: dur = .string("forever")
    case .periods(let n): dur = .object([("periods", expr(n))])
    case .until(let e): dur = .object([("until", expr(e))])
    }
    return .object([
      ("label", d.label.map { .string($0) } ?? .null), ("amount", expr(d.amount)), ("charge", d.charge.map { .string($0) } ?? .null),
      ("duration", dur), ("when", expr(d.condition)), ("rule", .string(d.source.description)),
    ])
  }

  /// Renders the plan (its roles and approval rules only when it has some).
  public static func render(_ plan: ExecutablePlan) -> JSON {
    guard case .object(let fields) = renderTerms(plan), !plan.approvals.isEmpty || !plan.roles.isEmpty else { return renderTerms(plan) }
    return .object(fields + approvals(plan))
  }

  /// The roles and approval rules (grammar.md §11): each rule's subject, conditions in resolved form, the
  /// currencies its amounts name, its chain, its escalation and where it is written.
  static func approvals(_ plan: ExecutablePlan) -> [(String, JSON)] {
    let roles = JSON.array(
      plan.roles.map { .object([("name", .string($0.name)), ("label", .string($0.label)), ("rule", .string($0.source.description))]) })
    let rules = JSON.array(
      plan.approvals.map { a in
        let escalation: JSON =
          a.escalation.map { e in
            .object([
              ("days", .int(e.days)), ("business", .bool(e.business)), ("to", .string(e.role)),
              ("calendar", e.calendar.map { .string(plan.calendars[$0].name) } ?? .null), ("rule", .string(e.source.description)),
            ])
          } ?? .null
        return .object([
          ("name", .string(a.name)), ("label", .string(a.label)), ("subject", .string(a.subject.rawValue)),
          ("when", .array(a.conditions.map { .string($0.expr.resolved) })),
          ("currencies", a.currencies.map { .array($0.map(\.code).sorted().map { .string($0) }) } ?? .null),
          ("approve_by", .array(a.chain.map { .string($0) })), ("escalate", escalation), ("rule", .string(a.source.description)),
        ])
      })
    return [("roles", roles), ("approvals", rules)]
  }

  static func renderTerms(_ plan: ExecutablePlan) -> JSON {
    .object([
      ("lets", .array(plan.lets.enumerated().map { .object([("slot", .int($0.offset)), ("value", .string($0.element.resolved))]) })),
      (
        "metrics",
        .array(
          plan.metrics.enumerated().map { i, m in
            .object([
              ("slot", .int(i)), ("name", .string(m.name)), ("event", m.eventName.map { .string($0) } ?? .null),
              ("aggregation", .string(m.aggregation.rawValue)), ("value", expr(m.value)), ("where", .array(m.filters.map { expr($0) })),
              ("rule", .string(m.source.description)),
            ])
          })
      ),
      (
        "plans",
        .array(
          plan.plans.filter { $0.copyOf == nil }.map { p in
            .object([
              ("name", .string(p.name)), ("label", .string(p.label)), ("currency", .string(p.currency.code)),
              ("period", .string(p.period.text)), ("timing", .string(p.timing.rawValue)), ("alignment", .string(p.alignment.rawValue)),
              ("rounding", .string(p.rounding.rawValue)), ("month_end", .string(p.monthEnd.rawValue)), ("trial", expr(p.trial)),
              ("charges", .array(p.charges.map { charge($0, plan) })), ("discounts", .array(p.discounts.map(discount))),
              ("minimum_commitment", expr(p.minimum)),
              (
                "taxes",
                .array(
                  p.taxes.map {
                    .object([
                      ("label", .string($0.label)), ("rate", expr($0.rate)), ("mode", .string($0.mode.rawValue)), ("when", expr($0.condition)),
                    ])
                  })
              ),
              ("rule", .string(p.source.description)),
            ] + (p.cancellation.map { [("cancellation", JSON.object([("policy", .string($0.policy.rawValue)), ("rule", .string($0.source.description))]))] } ?? [])
              + (p.priceBook.isEmpty ? [] : [("currencies", JSON.array(p.priceBook.map { .string($0.code) }))])
              + (p.contractTerm.map { [("term", contractTerm($0))] } ?? []) + changePolicies(p) + paymentTerms(p))
          })
      ),
    ])
  }
}

extension PlanJSON {
  /// `upgrade` / `downgrade` (grammar.md §6.11), when the plan states it: its policy and rule.
  static func changePolicies(_ p: CompiledPlanSpec) -> [(String, JSON)] {
    var out: [(String, JSON)] = []
    for (key, policy) in [("upgrade", p.upgrade), ("downgrade", p.downgrade)] {
      guard let (timing, source) = policy else { continue }
      out.append((key, .object([("policy", .string(timing.rawValue)), ("rule", .string(source.description))])))
    }
    return out
  }
}

extension PlanJSON {
  /// The plan's payment terms and early payment discounts as stated, in the order they are tried (those with `when`
  /// first, then the one without; grammar.md §6.4); nothing for a plan that states none.
  static func paymentTerms(_ p: CompiledPlanSpec) -> [(String, JSON)] {
    func terms(_ t: CompiledTerms) -> JSON {
      switch t {
      case .dueOnReceipt: .object([("kind", .string("due on receipt"))])
      case .net(let e): .object([("kind", .string("net")), ("days", expr(e))])
      case .netEndOfMonth(let e): .object([("kind", .string("net end of month")), ("days", expr(e))])
      case .endOfMonth: .object([("kind", .string("end of month"))])
      case .dayOfNextMonth(let e): .object([("kind", .string("day of next month")), ("day", expr(e))])
      case .installments(let parts):
        .object([
          ("kind", .string("installments")),
          ("installments", .array(parts.map { .object([("share", expr($0.share)), ("net", expr($0.after))]) })),
        ])
      }
    }
    var stated: [JSON] = p.conditionalTerms.map {
      .object([("terms", terms($0.terms)), ("when", expr($0.condition)), ("rule", .string($0.source.description))])
    }
    if let s = p.termsSource { stated.append(.object([("terms", terms(p.terms)), ("when", .null), ("rule", .string(s.description))])) }
    var discounts: [JSON] = p.conditionalEarlyDiscounts.map {
      .object([("rate", expr($0.rate)), ("within", expr($0.within)), ("when", expr($0.condition)), ("rule", .string($0.source.description))])
    }
    if let (rate, within) = p.earlyDiscount, let s = p.earlyDiscountSource {
      discounts.append(.object([("rate", expr(rate)), ("within", expr(within)), ("when", .null), ("rule", .string(s.description))]))
    }
    return (stated.isEmpty ? [] : [("payment_terms", .array(stated))])
      + (discounts.isEmpty ? [] : [("early_payment_discount", .array(discounts))])
  }
}

extension InvoiceRenderer {
  /// One CSV cell (quoted when needed).
  public static func csvCell(_ s: String) -> String { csvField(s) }
}
