import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel

extension Matcher {
  /// The exception queue a rule names first (for situations it has no outcome for), else `cash-apps`.
  func exceptionQueue(_ rule: MatchRuleBox) -> String {
    for c in [OutcomeCase.noMatch, .underpaymentBeyond, .overpaymentBeyond, .underpaymentWithin, .overpaymentWithin] {
      if case .exception(let q, _)? = rule.r.outcomes[c] { return q }
    }
    return "cash-apps"
  }

  /// Classifies the difference between the payment and the chosen invoices and applies the rule's outcome
  /// (`partialLast`: oldest first, whose last invoice may be paid in part).
  func difference(_ invoices: [Int32], strategy: MatchStrategy, _ ctx: RuleContext, partialLast: Bool = false) -> Decision {
    let rule = ctx.rule
    let total = invoices.reduce(Int64(0)) { $0 + open[Int($1)] }
    let d = ctx.payment - total
    var list: String { names(invoices) }
    var dec = Decision(
      kind: .allocate(writeOffShort: false), invoices: invoices, strategy: strategy, excess: nil, queue: nil, reason: nil,
      customer: ctx.payer, said: .chose(invoices, total: total))
    if d == 0 { return dec }
    // Early-payment discounts the invoices offer on the booking date: a payment of at least the discounted total
    // settles them (the difference is the discount taken); a smaller one is short of the discounted total.
    if d < 0, let offered = earlyDiscounts(invoices, ctx.booking) {
      let available = offered.reduce(0, +)
      if ctx.payment >= total - available {
        dec.discounts = spread(total - ctx.payment, over: offered)
        note(&dec, .discountTaken(amount(total - ctx.payment, ctx.currency)))
        return dec
      }
      if !partialLast { return shortOfDiscounted(dec, invoices, offered, total: total, ctx) }
    }
    if d > 0 {
      let limit = tolerance(ctx.over, total: total, ctx.currency, rule.r.rounding)
      let within = d <= limit
      let c: OutcomeCase = within ? .overpaymentWithin : .overpaymentBeyond
      let cur = ctx.currency
      note(&dec, .overpaid(by: amount(d, cur), within: within, tolerance: amount(limit, cur), statedIn: statedIn(ctx.over, cur)))
      switch rule.r.outcomes[c] {
      case .exception(let q, let r)?:
        dec.excess = .leaveUnapplied
        dec.queue = q
        dec.reason = (r ?? c.rawValue) + " (\(money(d, ctx.currency)) over \(list))"
      case let o?: dec.excess = o
      case nil: dec.excess = .leaveUnapplied
      }
      return dec
    }
    let short = -d
    let limit = tolerance(ctx.under, total: total, ctx.currency, rule.r.rounding)
    let within = short <= limit
    let cur = ctx.currency
    note(&dec, .short(by: amount(short, cur), within: within, tolerance: amount(limit, cur), statedIn: statedIn(ctx.under, cur)))
    // Oldest first pays what it can; its last invoice staying partly open is not a short payment, unless the
    // rest is small enough to write off. The invoices it pays in full take their early-payment discounts.
    if partialLast {
      if within, case .writeOff? = rule.r.outcomes[.underpaymentWithin] { dec.kind = .allocate(writeOffShort: true) }
      if let offered = earlyDiscounts(invoices, ctx.booking) {
        var left = ctx.payment
        dec.discounts = offered.indices.map { k in
          let need = open[Int(invoices[k])] - offered[k]
          guard left >= need else { return 0 }
          left -= need
          return offered[k]
        }
      }
      return dec
    }
    shortOutcome(&dec, within: within, rule, " (\(money(short, ctx.currency)) short of \(list))")
    return dec
  }

  /// What a short payment's outcome makes of a decision: written off (closes the invoices), held for review with
  /// `detail` in the reason, left unapplied, credited, or (no outcome) a partial payment.
  func shortOutcome(_ dec: inout Decision, within: Bool, _ rule: MatchRuleBox, _ detail: String) {
    let c: OutcomeCase = within ? .underpaymentWithin : .underpaymentBeyond
    let invoices = dec.invoices
    switch rule.r.outcomes[c] {
    case .writeOff?: dec.kind = .allocate(writeOffShort: true)
    case .exception(let q, let r)?:
      dec.kind = .hold
      dec.queue = q
      dec.reason = (r ?? c.rawValue) + detail
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
    case nil: break  // a partial payment: the invoices stay partly open
    }
    // Discounts are taken only by invoices the payment settles.
    if case .hold = dec.kind { dec.discounts = [] }
  }

  /// The rule's `on no match` outcome, when it has one.
  func noMatch(_ ctx: RuleContext) -> Decision? {
    guard let o = ctx.rule.r.outcomes[.noMatch] else { return nil }
    var dec = Decision(kind: .hold, invoices: [], strategy: .noMatch, excess: .leaveUnapplied, customer: ctx.payer, said: .noMatch)
    switch o {
    case .exception(let q, let r):
      dec.queue = q
      dec.reason = r ?? "no match"
      // The payer's open invoices closest in amount, for the analyst.
      if let p = ctx.payer {
        var list: [Int32] = []
        for i in byCustomer[Int(p)] where eligible(i, ctx) { list.append(i) }
        let (open, payment) = (self.open, ctx.payment)
        dec.suggestions = Array(list.sorted { abs(open[Int($0)] - payment) < abs(open[Int($1)] - payment) }.prefix(3))
      }
    case .creditOnAccount: dec.excess = ctx.payer == nil ? .leaveUnapplied : .creditOnAccount
    case .writeOff, .leaveUnapplied: break
    }
    return dec
  }

  /// Turns a decision into allocations (as the invoices stand, which the commit then changes); checks that the
  /// payment's money is all accounted for.
  func settle(_ x: inout Decided, _ d: Decision, _ rule: MatchRuleBox) {
    let c = x.application.currency
    x.application.strategy = d.strategy
    x.application.queue = d.queue
    x.application.reason = d.reason
    x.application.suggestions = d.suggestions.map { data.invoices[Int($0)].id }
    if d.reserve {
      for i in d.suggestions { x.changes.append(change(i, open: -1, reserve: true)) }
    }
    var left = x.minor
    if case .allocate(let writeOffShort) = d.kind {
      for (n, i) in d.invoices.enumerated() {
        let o = open[Int(i)]
        let discount = n < d.discounts.count ? d.discounts[n] : 0
        let applied = min(left, o - discount)
        left -= applied
        let short = writeOffShort ? o - discount - applied : 0
        // Fields read one by one (a copy of the invoice would retain all its strings).
        let k = Int(i)
        var a = Allocation(
          ref: InvoiceRef(data.invoices, k), openBefore: fixed(o, c), amount: fixed(applied, c),
          writtenOff: fixed(short, c), closes: applied + short + discount == o, paidBefore: data.invoices[k].paid,
          source: RowRef(file: data.invoicesFile ?? "invoices.csv", line: Int(data.invoices[k].line)))
        a.discount = fixed(discount, c)
        x.application.allocations.append(a)
        x.changes.append(change(i, open: o - applied - short - discount, reserve: false))
      }
    }
    var writeOff: Int64 = 0
    var credit: Int64 = 0
    switch d.excess {
    case .writeOff?: writeOff = left
    case .creditOnAccount? where x.application.customer != nil: credit = left
    default: break
    }
    let unapplied = left - writeOff - credit
    x.application.writeOff = fixed(writeOff, c)
    x.application.credit = fixed(credit, c)
    x.application.unapplied = fixed(unapplied, c)
    if d.queue != nil {
      x.application.status = .exception
    } else if x.application.allocations.isEmpty && credit == 0 && writeOff == 0 {
      x.application.status = .unapplied
      x.application.reason = x.application.reason ?? "left unapplied by the rule"
    } else {
      x.application.status = rule.r.confidenceAuto ? .applied : .suggested
    }
    // Money is conserved: allocations + write-offs + credits + unapplied = the payment, to the minor unit. (The
    // application's fields read in place: a copy of it would retain all its strings.)
    var sum = Fixed.zero
    for k in x.application.allocations.indices { sum = sum.adding(x.application.allocations[k].amount) ?? sum }
    sum = sum.adding(x.application.writeOff) ?? sum
    sum = sum.adding(x.application.credit) ?? sum
    sum = sum.adding(x.application.unapplied) ?? sum
    if sum != x.application.amount {
      x.failures.append(
        RunFailure(
          message: "money not conserved (\(sum) accounted for, \(x.application.amount) received)", rule: rule.r.source,
          subject: "payment \(x.application.paymentID)"))
    }
  }
}
