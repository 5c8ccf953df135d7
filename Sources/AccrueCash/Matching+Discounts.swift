import AccrueCompiler
import AccrueData
import AccrueModel
import AccrueCore

/// Early-payment discounts in cash application: an invoice whose plan states `early payment discount 2% within
/// 10 days` is settled by a payment of the discounted amount booked within the window; the discount is recorded
/// on the allocation and closes the invoice with it. After the window the same payment is a short payment.
struct EarlyDiscounts: Sendable {
  /// Per plan, its terms when they read no record (rate, days), worked out once; nil: none, or read per invoice.
  var perPlan: [(rate: Fixed, days: Int)?] = []
  /// The terms of invoices whose plan's terms read a record (`contract.x`), by invoice: worked out up front (an
  /// amount of 0: none; empty when no plan's terms read a record).
  var perInvoice: [(amount: Int64, until: Int32)] = []
  var isEmpty = true
  /// Terms that could not be evaluated on an invoice's records (a division by zero in a `when`): each stops the
  /// run, as in billing, rather than leaving the invoice without the discount it may offer.
  var failures: [RunFailure] = []

  /// The terms of each plan, from the invoice's contract's plan in effect on its issue date: the rate of the
  /// invoice's amount (rounded with the plan's rounding), until its issue date plus the window.
  init(plan: ExecutablePlan, data: Dataset, env: Env) {
    guard plan.plans.contains(where: { $0.earlyDiscount != nil || !$0.conditionalEarlyDiscounts.isEmpty }) else { return }
    isEmpty = false
    var readsRecords = Set<Int>()
    perPlan = plan.plans.indices.map { k in
      guard plan.plans[k].earlyDiscount != nil || !plan.plans[k].conditionalEarlyDiscounts.isEmpty else { return nil }
      // Evaluated without records: terms (or their conditions) that read one fail here, and are worked out per
      // invoice below.
      let saved = env.records
      env.records = Array(repeating: [], count: saved.count)
      env.reset()
      defer {
        env.records = saved
        env.reset()
      }
      let terms = plan.plans[k].earlyDiscount(env)
      guard env.failure == nil else {
        readsRecords.insert(k)
        return nil
      }
      guard let (rateE, withinE) = terms, case .percent(let r) = rateE.eval(env), case .days(let n) = withinE.eval(env),
        env.failure == nil
      else {
        if env.failure != nil { readsRecords.insert(k) }
        return nil
      }
      return (r, Int(n))
    }
    guard !readsRecords.isEmpty else { return }
    // The terms read the contract's and its customer's records only: worked out once per contract and plan (most
    // contracts have one plan: its terms kept in a flat array by contract, others in a table), then offered on
    // each of its invoices. Contracts and invoices are read in place through their buffers: a contract read from
    // the array to call its method was copied first, retaining all it holds, once per invoice.
    let invoices = data.invoices
    perInvoice = Array(repeating: (0, 0), count: invoices.count)
    var firstPlan = [Int](repeating: -1, count: data.contracts.count)
    var firstTerms = [Terms](repeating: .none, count: data.contracts.count)
    var more: [Int32: [(plan: Int, terms: Terms)]] = [:]
    data.contracts.withUnsafeBufferPointer { contracts in
      invoices.withUnsafeBufferPointer { inv in
        for i in inv.indices where inv[i].contract >= 0 && !inv[i].isCreditNote {
          let ci = inv[i].contract
          let k = (contracts.baseAddress! + Int(ci)).pointee.terms(on: inv[i].issueDate).plan
          guard readsRecords.contains(k) else { continue }
          let terms: Terms
          if firstPlan[Int(ci)] == k {
            terms = firstTerms[Int(ci)]
          } else if firstPlan[Int(ci)] < 0 {
            terms = Self.terms(plan.plans[k], contract: Int(ci), data, env)
            (firstPlan[Int(ci)], firstTerms[Int(ci)]) = (k, terms)
          } else if let known = more[ci]?.first(where: { $0.plan == k }) {
            terms = known.terms
          } else {
            terms = Self.terms(plan.plans[k], contract: Int(ci), data, env)
            more[ci, default: []].append((k, terms))
          }
          switch terms {
          case .failed(let f):
            failures.append(plan.failure(f, "invoice \(inv[i].number.isEmpty ? inv[i].id : inv[i].number), its early payment discount"))
          case .none: break
          case .offered(let r, let n):
            if let offered = Self.offer(inv[i].amount, inv[i].currency, issued: inv[i].issueDate, r, n, plan.plans[k].rounding) {
              perInvoice[i] = offered
            }
          }
        }
      }
    }
    env.reset()
  }

  /// A plan's early payment discount for a contract (its records and its customer's set in `env`).
  enum Terms {
    case none
    case offered(rate: Fixed, days: Int)
    case failed(EvalFailure)
  }

  static func terms(_ spec: CompiledPlanSpec, contract: Int, _ data: Dataset, _ env: Env) -> Terms {
    data.contracts[contract].setRecords(env, data)
    env.reset()
    let terms = spec.earlyDiscount(env)
    var out = Terms.none
    if let (rateE, withinE) = terms, case .percent(let r) = rateE.eval(env), case .days(let n) = withinE.eval(env) {
      out = .offered(rate: r, days: Int(n))
    }
    if let f = env.failure { out = .failed(f) }
    return out
  }

  /// An invoice's discount (minor units) and its last day, for a rate and window.
  /// (The invoice's fields passed one by one: an invoice passed whole would be copied, retaining its strings.)
  static func offer(
    _ amount: Fixed, _ currency: Currency, issued: CivilDate, _ rate: Fixed, _ days: Int, _ rounding: RoundingMode
  ) -> (amount: Int64, until: Int32)? {
    guard let last = issued.adding(days: days),
      let d = amount.multiplied(by: rate)?.toMinorUnits(exponent: currency.minorUnits, rounding), d > 0
    else { return nil }
    return (d, last.dayNumber)
  }

  /// Invoice `i`'s terms: its contract's plan's, worked out when asked (a pure function of the invoice).
  func offer(_ i: Int, _ data: Dataset, _ plan: ExecutablePlan) -> (amount: Int64, until: Int32)? {
    if !perInvoice.isEmpty, perInvoice[i].amount > 0 { return perInvoice[i] }
    // Fields read one by one (a copy of the invoice would retain all its strings).
    let contract = data.invoices[i].contract
    guard contract >= 0, !data.invoices[i].isCreditNote else { return nil }
    let k = data.contracts[Int(contract)].terms(on: data.invoices[i].issueDate).plan
    guard let (r, n) = perPlan[k] else { return nil }
    return Self.offer(data.invoices[i].amount, data.invoices[i].currency, issued: data.invoices[i].issueDate, r, n, plan.plans[k].rounding)
  }
}

extension Matcher {
  /// The discounts the invoices offer to a payment booked on `booking` (each no more than the invoice's open
  /// amount, less a cent), or nil when none does.
  func earlyDiscounts(_ invoices: [Int32], _ booking: CivilDate) -> [Int64]? {
    guard !discounts.isEmpty else { return nil }
    var any = false
    let offered = invoices.map { i -> Int64 in
      let k = Int(i)
      guard let o = discounts.offer(k, data, plan), booking.dayNumber <= o.until, o.amount < open[k] else { return 0 }
      any = true
      return o.amount
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
    let c = ctx.currency
    let discount = money(total - discounted, c)
    note(&dec, .shortOfDiscounted(
      by: amount(short, c), discounted: amount(discounted, c), discount: amount(total - discounted, c), within: within,
      tolerance: amount(limit, c), statedIn: statedIn(ctx.under, c)))
    dec.discounts = offered
    shortOutcome(&dec, within: within, rule, " (\(money(short, ctx.currency)) short of \(names(invoices)) after the early-payment discount of \(discount))")
    // Without an outcome the payment is a partial one: no discount.
    if rule.r.outcomes[within ? .underpaymentWithin : .underpaymentBeyond] == nil { dec.discounts = [] }
    return dec
  }
}
