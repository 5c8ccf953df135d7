import AccrueCompiler
import AccrueData
import AccrueModel
import AccrueCore

/// Early-payment discounts in cash application: an invoice whose plan states `early payment discount 2% within
/// 10 days` is settled by a payment of the discounted amount booked within the window; the discount is recorded
/// on the allocation and closes the invoice with it. After the window the same payment is a short payment.
struct EarlyDiscounts: Sendable {
  /// Per plan, its terms when they read no record (rate, days), worked out once; nil: none, or read per contract.
  var perPlan: [(rate: Fixed, days: Int)?] = []
  /// Per plan, whether its terms read a record (`contract.x`): then they are worked out once per contract and
  /// plan (`byContract`); empty when no plan's do.
  var readsRecords: [Bool] = []
  /// Per contract, its terms under the first of its plans (its own, then those of its changes) whose terms read
  /// a record (`firstPlan` -1: none), and under its other such plans (`more`). Nil terms: none offered.
  var firstPlan: [Int32] = []
  var firstTerms: [(rate: Fixed, days: Int)?] = []
  var more: [Int32: [(plan: Int, terms: (rate: Fixed, days: Int)?)]] = [:]
  var isEmpty = true
  /// Terms that could not be evaluated on an invoice's records (a division by zero in a `when`): each stops the
  /// run, as in billing, rather than leaving the invoice without the discount it may offer.
  var failures: [RunFailure] = []

  /// The terms of each plan, from the invoice's contract's plan in effect on its issue date: the rate of the
  /// invoice's amount (rounded with the plan's rounding), until its issue date plus the window.
  ///
  /// Only the terms are worked out here (per plan, or per contract and plan when they read a record); an
  /// invoice's offer is worked out when a payment's rules ask for it (`offer`): of a million invoices, a run's
  /// rules read the offers of the few each payment's candidates are.
  init(plan: ExecutablePlan, data: Dataset, env: Env) {
    guard plan.plans.contains(where: { $0.earlyDiscount != nil || !$0.conditionalEarlyDiscounts.isEmpty }) else { return }
    isEmpty = false
    var reads = [Bool](repeating: false, count: plan.plans.count)
    perPlan = plan.plans.indices.map { k in
      guard plan.plans[k].earlyDiscount != nil || !plan.plans[k].conditionalEarlyDiscounts.isEmpty else { return nil }
      // Evaluated without records: terms (or their conditions) that read one fail here, and are worked out per
      // contract below.
      let saved = env.records
      env.records = Array(repeating: [], count: saved.count)
      env.reset()
      defer {
        env.records = saved
        env.reset()
      }
      let terms = plan.plans[k].earlyDiscount(env)
      guard env.failure == nil else {
        reads[k] = true
        return nil
      }
      guard let (rateE, withinE) = terms, case .percent(let r) = rateE.eval(env), case .days(let n) = withinE.eval(env),
        env.failure == nil
      else {
        if env.failure != nil { reads[k] = true }
        return nil
      }
      return (r, Int(n))
    }
    guard reads.contains(true) else { return }
    readsRecords = reads
    // The terms read the contract's and its customer's records only: worked out once per contract and plan (most
    // contracts have one plan: its terms kept in a flat array by contract, others in a table). Contracts are read
    // in place through their buffer (a contract read from the array was copied first, retaining all it holds).
    firstPlan = Array(repeating: -1, count: data.contracts.count)
    firstTerms = Array(repeating: nil, count: data.contracts.count)
    var failed: [Int32: [(plan: Int, failure: EvalFailure)]] = [:]
    data.contracts.withUnsafeBufferPointer { contracts in
      for ci in contracts.indices {
        // Its own plan, then those its changes move it to (each once).
        let c = contracts.baseAddress! + ci
        func add(_ k: Int) {
          guard reads[k], firstPlan[ci] != k, !(more[Int32(ci)]?.contains { $0.plan == k } ?? false) else { return }
          var terms: (rate: Fixed, days: Int)?
          switch Self.terms(plan.plans[k], contract: ci, data, env) {
          case .failed(let f): failed[Int32(ci), default: []].append((k, f))
          case .none: break
          case .offered(let r, let n): terms = (r, n)
          }
          if firstPlan[ci] < 0 {
            (firstPlan[ci], firstTerms[ci]) = (Int32(k), terms)
          } else {
            more[Int32(ci), default: []].append((k, terms))
          }
        }
        add(c.pointee.plan)
        for change in c.pointee.changes { if let p = change.plan { add(p) } }
      }
    }
    env.reset()
    guard !failed.isEmpty else { return }
    // A failure is reported on each invoice under those terms, in invoice order.
    data.contracts.withUnsafeBufferPointer { contracts in
      data.invoices.withUnsafeBufferPointer { inv in
        for i in inv.indices where inv[i].contract >= 0 && !inv[i].isCreditNote {
          let ci = inv[i].contract
          guard let list = failed[ci] else { continue }
          let k = Self.plan(contracts.baseAddress! + Int(ci), on: inv[i].issueDate)
          if let f = list.first(where: { $0.plan == k })?.failure {
            failures.append(plan.failure(f, "invoice \(inv[i].number.isEmpty ? inv[i].id : inv[i].number), its early payment discount"))
          }
        }
      }
    }
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

  /// The contract's plan on a day (`terms(on:).plan`), its fields read in place: calling a method of the contract
  /// through a pointer copied it first, retaining all it holds.
  static func plan(_ c: UnsafePointer<ContractData>, on d: CivilDate) -> Int {
    var k = c.pointee.plan
    if c.pointee.changes.isEmpty { return k }
    for change in c.pointee.changes where change.date <= d { if let p = change.plan { k = p } }
    return k
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

  /// Invoice `i`'s offer: its contract's plan's terms (a pure function of the invoice). Fields read one by one
  /// and the contract in place (a copy of either would retain all its strings).
  func offer(_ i: Int, _ data: Dataset, _ plan: ExecutablePlan) -> (amount: Int64, until: Int32)? {
    let contract = data.invoices[i].contract
    guard !isEmpty, contract >= 0, !data.invoices[i].isCreditNote else { return nil }
    let issued = data.invoices[i].issueDate
    let k = data.contracts.withUnsafeBufferPointer { Self.plan($0.baseAddress! + Int(contract), on: issued) }
    let terms: (rate: Fixed, days: Int)?
    if !readsRecords.isEmpty && readsRecords[k] {
      let ci = Int(contract)
      terms = firstPlan[ci] == k ? firstTerms[ci] : more[contract]?.first(where: { $0.plan == k })?.terms ?? nil
    } else {
      terms = perPlan[k]
    }
    guard let (r, n) = terms else { return nil }
    return Self.offer(data.invoices[i].amount, data.invoices[i].currency, issued: issued, r, n, plan.plans[k].rounding)
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
