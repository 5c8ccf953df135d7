import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel

extension Matcher {
  /// Tries the rules in order (`refs`: the references each rule's patterns found, by rule; empty when none);
  /// the first that decides makes the application.
  mutating func apply(_ p: PaymentView, refs: [[FoundRef]]) -> CashApplication {
    var x = decide(p, refs: refs, env: env)
    withUnsafePointer(to: &x) { commit($0) }
    // The application is moved out (returning `x.application` would copy it, retaining all its strings).
    var a = CashApplication.placeholder
    swap(&a, &x.application)
    return a
  }

  /// A payment's application as decided, before it changes what is open (`commit`).
  struct Decided {
    var application: CashApplication
    /// The explanation (also in the application once decided).
    var steps: [CashStep]
    /// Rules that could not be evaluated on the payment.
    var failures: [RunFailure]
    /// The customers whose open invoices the rules read (the payer's, for rules that choose among them or
    /// suggest some).
    var payers: [Int32]
    /// The payment in minor units.
    var minor: Int64 = 0
    /// Invoices read one by one: those of any customer open for exactly the payment's amount that rules found
    /// (`exactAmount`), and those the references name (`markNamed`).
    var watched: [Int32] = []
    /// What the commit changes.
    var changes: [Change] = []
    /// The payment's id (the application may have been moved out before the commit).
    var paymentID: String
  }

  /// The rules' decision for one payment. Reads what is open and taken, changes nothing: on two threads, the
  /// payments of a batch are decided at once against the same state (`env`: this thread's).
  func decide(_ p: PaymentView, refs: [[FoundRef]], env: Env) -> Decided {
    var x = Decided(application: Matcher.blank(p), steps: [], failures: [], payers: [], paymentID: p.id)
    let currency = p.currency
    guard let amount = p.amount.toMinorUnits(exponent: currency.minorUnits, .halfEven), fixed(amount, currency) == p.amount,
      amount <= Matcher.maxMinorUnits
    else {
      x.application.status = .exception
      x.application.queue = "cash-apps"
      x.application.reason = p.amount.significantFractionDigits > p.currency.minorUnits
        ? "the amount has more decimals than \(p.currency.code) allows" : "the amount is too large to match automatically"
      x.application.unapplied = p.amount
      return x
    }
    x.minor = amount
    if needsPaymentRecord { loadPayment(p, env) }
    var known = KnownPayers()
    for (ri, box) in rules.enumerated() {
      // (Bound by pattern: the context is moved out, not copied.)
      guard case (var ctx, let who)? = context(ri, p, amount: amount, &known, env: env, &x) else { continue }
      var decided: Decision?
      if !box.r.patterns.isEmpty {
        // Found once for every payment before matching (none recorded: none found).
        let refs = ri < refs.count ? refs[ri] : []
        if refs.isEmpty {
          note(&x.steps, box, .noReferenceFound)
          continue
        }
        // Without a payer, a rule for the payer's invoices looks only for a customer its references name.
        decided = box.r.anyCustomer || ctx.payer != nil ? named(refs, &ctx, &x.steps) : nil
        // References that name no invoice may name a customer: the rule's allocation chooses among its invoices.
        if decided == nil, !box.r.allocation.isEmpty, let c = customerNamed(refs, &ctx, &x.steps) {
          x.payers.append(c)
          decided = select(&ctx, &x.steps)
          decided?.payerFoundBy = .customerNamed
          x.watched += ctx.amountHits
        }
        if decided == nil, ctx.payer == nil, !box.r.anyCustomer {
          note(&x.steps, box, .payerNotFound(by: box.methods, orCustomerNamed: true))
          continue
        }
      } else {
        // The payer's open invoices are read (and any customer's of exactly this amount that were found).
        if let c = ctx.payer { x.payers.append(c) }
        decided = select(&ctx, &x.steps)
        x.watched += ctx.amountHits
      }
      // (Without a match, the payer's open invoices may be read for suggestions.)
      if decided == nil, let c = ctx.payer { x.payers.append(c) }
      guard let d = decided ?? noMatch(ctx) else {
        note(&x.steps, box, .noMatch)
        continue
      }
      x.application.customer = (d.customer ?? who?.0).map { data.customers[Int($0)].id }
      x.application.payerBy = d.payerFoundBy ?? who.map { .method($0.1) } ?? (d.customer != nil ? .invoiceNamed : nil)
      x.application.rule = box.r.name
      x.application.ruleSource = box.r.source
      settle(&x, d, box)
      note(&x.steps, box, .decided(explained(d, currency)))
      x.application.explanation = x.steps
      return x
    }
    x.application.status = .unapplied
    x.application.unapplied = p.amount
    x.application.reason = "no match rule applied"
    x.application.explanation = x.steps
    return x
  }

  /// What rule `ri` sees of the payment, and the payer its methods found; nil when the rule does not apply to it
  /// (a rule for another currency, a condition false, no payer for a rule that needs one), and the step says why.
  func context(
    _ ri: Int, _ p: PaymentView, amount: Int64, _ known: inout KnownPayers, env: Env, _ x: inout Decided
  ) -> (ctx: RuleContext, who: (Int32, PayerMethod)?)? {
    let box = rules[ri]
    if let c = box.r.currency, c != p.currency {
      note(&x.steps, box, .forCurrencyOnly(c))
      return nil
    }
    let who = payer(p, box.methods, &known)
    if box.readsCustomer {
      env.records[RecordKind.customer.index] = who.map { data.customers[Int($0.0)].record } ?? []
    }
    if box.conditionsReadCustomer && who == nil {
      note(&x.steps, box, .conditionsNeedPayer)
      return nil
    }
    if let k = box.r.conditions.firstIndex(where: { !$0.holds(env, &x.failures, { plan.failure($0, "payment \(p.id)") }) }) {
      note(&x.steps, box, .conditionFalse(box.r.conditions[k].text))
      return nil
    }
    // (A rule that neither chooses invoices nor has references only queues: it needs no payer. A rule with both
    // may find the payer by a customer its references name.)
    let findsPayer = !box.r.patterns.isEmpty && !box.r.allocation.isEmpty && !customerRefs.isEmpty
    if !box.r.anyCustomer && who == nil && !(box.r.allocation.isEmpty && box.r.patterns.isEmpty) && !findsPayer {
      note(&x.steps, box, .payerNotFound(by: box.methods, orCustomerNamed: false))
      return nil
    }
    var ctx = RuleContext(rule: box, index: ri, payment: amount, currency: p.currency, booking: p.bookingDate, payer: who?.0)
    if box.r.tolerancePerPayment {
      // Read from this payment (and its payer): `1% of payment.amount`, `min(5.00 USD, 1% of payment.amount)`.
      env.reset()
      ctx.under = Matcher.limits(box.r.underpayment, env)
      ctx.over = Matcher.limits(box.r.overpayment, env)
      if let f = env.failure { x.failures.append(plan.failure(f, "payment \(p.id)")) }
    } else {
      (ctx.under, ctx.over) = tolerances[ri]
    }
    return (ctx, who)
  }

  /// What one rule sees of a payment.
  struct RuleContext {
    var rule: MatchRuleBox
    var index: Int
    var payment: Int64
    var currency: Currency
    var booking: CivilDate
    var payer: Int32?
    /// The invoices `exactAmount` found.
    var amountHits: [Int32] = []
    /// The rule's tolerances for this payment.
    var under = Limits.none
    var over = Limits.none
  }

  /// A rule's decision, before it is turned into allocations.
  struct Decision {
    enum Kind {
      /// Apply `payment` over the invoices in order, each up to its open amount; `writeOffShort` closes them.
      case allocate(writeOffShort: Bool)
      /// Nothing is applied.
      case hold
    }
    var kind: Kind
    var invoices: [Int32]
    var strategy: MatchStrategy
    /// Payment money beyond the invoices: written off, credited, or left unapplied (also when held for an exception).
    var excess: CompiledOutcome?
    var queue: String?
    var reason: String?
    var suggestions: [Int32] = []
    /// Whether the suggested invoices are held for this payment (a short payment or a currency mismatch waiting
    /// for review): no other payment of the run may take them.
    var reserve = false
    var customer: Int32?
    /// What the explanation says was decided (see `explained`).
    var said: Said
    /// How the payment differs from the open total of the invoices chosen (recorded only when explaining).
    var difference: CashDifference?
    /// Early-payment discounts taken, by place in `invoices` (empty: none).
    var discounts: [Int64] = []
    /// How the payer was found when the rule itself found it: a customer its references name, or the one open
    /// invoice of exactly its amount.
    var payerFoundBy: PayerFoundBy?
  }

  /// What a decision says it did, before its invoices are named: the invoices chosen and their open total, or
  /// why the payment was held without choosing.
  enum Said {
    case chose([Int32], total: Int64)
    case otherCurrency(Int32)
    case heldFor(Int32, payment: String)
    case paid(Int32)
    case tooMany
    case noMatch
  }

  /// Adds a step to a payment's explanation. The step is made only when explaining (this runs for every payment
  /// and rule).
  @inline(__always) func note(_ steps: inout [CashStep], _ rule: MatchRuleBox, _ finding: @autoclosure () -> CashStep.Finding) {
    if explaining { steps.append(CashStep(rule: rule.named, finding: finding())) }
  }

  /// Records how a decision's payment differs from its invoices, only when explaining.
  @inline(__always) func note(_ dec: inout Decision, _ difference: @autoclosure () -> CashDifference) {
    if explaining { dec.difference = difference() }
  }

  /// A decision as its explanation states it (invoices by name).
  func explained(_ d: Decision, _ c: Currency) -> CashDecision {
    switch d.said {
    case .chose(let list, let total):
      var invoices: [String] = []
      for i in list { invoices.append(name(i)) }
      return .chose(d.strategy, invoices: invoices, open: amount(total, c), difference: d.difference)
    case .otherCurrency(let i): return .namesOtherCurrency(invoice: name(i), data.invoices[Int(i)].currency)
    case .heldFor(let i, let payment): return .namesHeld(invoice: name(i), payment: payment)
    case .paid(let i): return .namesPaid(invoice: name(i))
    case .tooMany: return .namesTooMany
    case .noMatch: return .noMatch
    }
  }
}
