import AccrueCompiler
import AccrueParser
import AccrueCore

/// Early-payment discounts in cash application: an invoice whose plan states `early payment discount 2% within
/// 10 days` is settled by a payment of the discounted amount booked within the window; the discount is recorded
/// on the allocation and closes the invoice with it. After the window the same payment is a short payment.
struct EarlyDiscounts: Sendable {
  /// Per invoice: the discount in minor units (0: none) and the last day it applies.
  var amount: [Int64] = []
  var until: [Int32] = []

  /// The terms of each invoice that names a contract, from the plan in effect on its issue date: the rate of the
  /// invoice's amount (rounded with the plan's rounding), until its issue date plus the window.
  init(plan: ExecutablePlan, data: Dataset, env: Env) {
    guard plan.plans.contains(where: { $0.earlyDiscount != nil }) else { return }
    let invoices = data.invoices
    amount = Array(repeating: 0, count: invoices.count)
    until = Array(repeating: 0, count: invoices.count)
    for i in invoices.indices where invoices[i].contract >= 0 && !invoices[i].isCreditNote {
      let c = data.contracts[Int(invoices[i].contract)]
      let spec = plan.plans[c.terms(on: invoices[i].issueDate).plan]
      guard let (rateE, withinE) = spec.earlyDiscount else { continue }
      Billing.setRecords(env, data, c)
      env.reset()
      guard case .percent(let r) = rateE.eval(env), case .days(let n) = withinE.eval(env),
        let last = invoices[i].issueDate.adding(days: Int(n)),
        let d = invoices[i].amount.multiplied(by: r)?.toMinorUnits(exponent: invoices[i].currency.minorUnits, spec.rounding)
      else { continue }
      amount[i] = d
      until[i] = last.dayNumber
    }
    env.reset()
  }

  var isEmpty: Bool { amount.isEmpty }
}

extension Matcher {
  /// The discounts the invoices offer to a payment booked on `booking` (each no more than the invoice's open
  /// amount, less a cent), or nil when none does.
  func earlyDiscounts(_ invoices: [Int32], _ booking: CivilDate) -> [Int64]? {
    guard !discounts.isEmpty else { return nil }
    var any = false
    let offered = invoices.map { i -> Int64 in
      let k = Int(i)
      guard discounts.amount[k] > 0, booking.dayNumber <= discounts.until[k], discounts.amount[k] < open[k] else { return 0 }
      any = true
      return discounts.amount[k]
    }
    return any ? offered : nil
  }

  /// `amount` taken from the discounts offered, in order, each up to its own.
  func spread(_ amount: Int64, over offered: [Int64]) -> [Int64] {
    var need = amount
    return offered.map { o in
      let t = min(o, need)
      need -= t
      return t
    }
  }

  /// A payment short even of the discounted total: the shortfall against it decides, as for any short payment;
  /// the discounts are taken when the invoices are settled (written off within tolerance), not otherwise.
  func shortOfDiscounted(_ decision: Decision, _ invoices: [Int32], _ offered: [Int64], total: Int64, _ ctx: RuleContext) -> Decision {
    var dec = decision
    let rule = ctx.rule
    let discounted = total - offered.reduce(0, +)
    let short = discounted - ctx.payment
    let limit = tolerance(ctx.under, total: discounted, ctx.currency, rule.r.rounding)
    let within = short <= limit
    let discount = money(total - discounted, ctx.currency)
    if explaining {
      dec.note += "; short by \(money(short, ctx.currency)) of the discounted \(money(discounted, ctx.currency)) (early-payment discount \(discount)), "
        + "\(within ? "within" : "beyond") the tolerance of \(money(limit, ctx.currency))" + unstated(ctx.under, ctx.currency)
    }
    let list = names(invoices)
    let c: OutcomeCase = within ? .underpaymentWithin : .underpaymentBeyond
    switch rule.r.outcomes[c] {
    case .writeOff?:
      dec.kind = .allocate(writeOffShort: true)
      dec.discounts = offered
    case .exception(let q, let r)?:
      dec.kind = .hold
      dec.queue = q
      dec.reason = (r ?? c.rawValue) + " (\(money(short, ctx.currency)) short of \(list) after the early-payment discount of \(discount))"
      dec.suggestions = invoices
      dec.reserve = true
      dec.invoices = []
    case .leaveUnapplied?:
      dec.kind = .hold
      dec.invoices = []
      dec.suggestions = invoices
      dec.reserve = true
    case .creditOnAccount?:
      dec.kind = .hold
      dec.excess = .creditOnAccount
      dec.invoices = []
    case nil: break  // a partial payment: no discount, the invoices stay partly open
    }
    return dec
  }
}
