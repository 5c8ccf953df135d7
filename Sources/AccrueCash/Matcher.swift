import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel

/// A match rule behind a reference (the per-payment loop passes this, not a struct of arrays and strings), with
/// the payer methods it tries worked out once.
final class MatchRuleBox: Sendable {
  let r: CompiledMatchRule
  let methods: [PayerMethod]
  /// The rule as explanations name it.
  let named: MatchRuleName
  /// Whether a condition reads the customer record (the payer must be known), and whether the conditions or the
  /// tolerances read it: worked out once, not for every payment.
  let conditionsReadCustomer: Bool
  let readsCustomer: Bool
  init(_ r: CompiledMatchRule) {
    self.r = r
    named = MatchRuleName(name: r.name, source: r.source)
    methods = r.payer.isEmpty && !r.anyCustomer ? [.reference, .account, .name] : r.payer
    conditionsReadCustomer = r.conditions.contains { c in c.fields.contains { $0.record == .customer } }
    readsCustomer = !r.conditions.isEmpty || r.tolerancePerPayment
  }
}

/// What payments change as a run goes: open amounts and taken invoices (in memory of their own, so copies of the
/// matcher share them), and invoices held for a payment's review (a short payment, a currency mismatch), by
/// payment id.
final class MatchState: @unchecked Sendable {
  let open: UnsafeMutableBufferPointer<Int64>
  let taken: UnsafeMutableBufferPointer<Bool>
  var reservedBy: [Int32: String] = [:]

  init(open start: [Int64]) {
    open = .allocate(capacity: start.count)
    _ = open.initialize(from: start)
    taken = .allocate(capacity: start.count)
    taken.initialize(repeating: false)
  }

  deinit {
    open.deallocate()
    taken.deallocate()
  }
}

/// Cash application state for one run: invoices still open (in minor units) and which are taken.
struct Matcher {
  let plan: ExecutablePlan
  let data: Dataset
  let asOf: CivilDate
  let explaining: Bool
  let env: Env
  var failures: [RunFailure] = []
  /// Open amount in minor units of each of `data.invoices` (0: not open), and whether a payment of this run took it:
  /// owned by `state` and reached through pointers, so a copy of the matcher (a second thread's) shares them.
  let open: UnsafeMutableBufferPointer<Int64>
  let taken: UnsafeMutableBufferPointer<Bool>
  let state: MatchState
  /// Each invoice's customer, at hand (a batch's commit checks the customers of the invoices every decision
  /// read: reading them from the invoices would cost a cache miss each, on the one thread that commits).
  let customerOf: [Int32]
  /// Open invoices per customer, oldest due date first, then id.
  let byCustomer: CustomerLists
  /// Open invoices by currency and amount (minor units), newest first within an amount, sorted.
  let byAmount: [(currency: UInt32, amount: Int64, index: Int32)]
  let references: ReferenceIndex?
  let names: PayerNames
  /// Slots of the payment fields `loadPayment` fills (`Matcher.paymentFields` order), resolved once.
  let paymentSlots: [Int]
  let paymentFieldCount: Int
  /// Custom payment fields (`field payment.x`): their slots and values when a payment carries none of its own.
  let paymentDefaults: [(slot: Int, value: RValue)]
  /// Whether any rule has conditions (else the payment record is never read).
  let needsPaymentRecord: Bool
  /// The rules, boxed (see `MatchRuleBox`).
  let rules: [MatchRuleBox]
  /// Tolerances per rule, evaluated once: money limits by currency, percent limits.
  let tolerances: [(under: Limits, over: Limits)]
  /// Customers by the key of their id (letters and digits, upper case), for references that name a customer
  /// (`CUST-000123`) in rules that then allocate among its invoices; empty when no rule does.
  let customerRefs: [String: Int32]
  /// Each invoice's early-payment discount terms (empty when no plan has any).
  let discounts: EarlyDiscounts

  /// Due date first, then id: the order invoices are paid in.
  static func dueFirst(_ invoices: [OpenInvoice], _ a: Int32, _ b: Int32) -> Bool {
    // Fields read one by one: copying an invoice would retain all its strings.
    let (x, y) = (invoices[Int(a)].dueDate, invoices[Int(b)].dueDate)
    return x != y ? x < y : OpenInvoice.idPrecedes(invoices, Int(a), Int(b))
  }

  /// The largest amount matched, in minor units (2^56: sums of a few never overflow): 720 trillion dollars, or
  /// 7.2 trillion in a currency of 4 decimals. A larger payment is held; a larger invoice is no candidate.
  static let maxMinorUnits: Int64 = 1 << 56

  /// A side's tolerance limits. A class: every rule a payment tries carries its rule's two (`RuleContext`), and
  /// a reference is one retain where a dictionary and an array were two each.
  final class Limits: Sendable {
    let money: [Currency: Int64]
    /// As fractions (0.5% is 0.005).
    let percents: [Fixed]
    init(money: [Currency: Int64] = [:], percents: [Fixed] = []) {
      self.money = money
      self.percents = percents
    }
    /// No limits (shared).
    static let none = Limits()
  }

  /// A side's limits as the rule states them, evaluated with the records in `env`: amounts by currency (the
  /// largest of each), percents.
  static func limits(_ exprs: [CExpr], _ env: Env) -> Limits {
    var money: [Currency: Int64] = [:]
    var percents: [Fixed] = []
    for e in exprs {
      switch e.eval(env) {
      case .money(let v, let c):
        let minor = min(v.toMinorUnits(exponent: c.minorUnits, .halfEven) ?? Matcher.maxMinorUnits, Matcher.maxMinorUnits)
        money[c] = max(money[c] ?? 0, minor)
      case .percent(let p): percents.append(p)
      case .list(let xs):
        // Amounts per currency: each applies to payments in its currency.
        for case .money(let v, let c) in xs {
          let minor = min(v.toMinorUnits(exponent: c.minorUnits, .halfEven) ?? Matcher.maxMinorUnits, Matcher.maxMinorUnits)
          money[c] = max(money[c] ?? 0, minor)
        }
      default: break
      }
    }
    return Limits(money: money, percents: percents)
  }

  init(plan: ExecutablePlan, data: Dataset, asOf: CivilDate, explaining: Bool, tables: MatchTables? = nil) {
    self.plan = plan
    self.data = data
    self.asOf = asOf
    self.explaining = explaining
    let env = Matcher.env(plan, asOf)
    self.env = env
    let invoices = data.invoices
    let tables = tables ?? MatchTables(plan: plan, invoices: invoices, customers: data.customers)
    var open = [Int64](repeating: 0, count: invoices.count)
    // Sort keys as plain integers (currency, amount; then the issue date, latest first; then the index), so the
    // sort compares numbers, not invoices.
    var keys: [(hi: UInt64, lo: UInt64, index: Int32)] = []
    keys.reserveCapacity(invoices.count)
    // Fields read one by one: copying an invoice would retain all its strings.
    var due = [Int32](repeating: 0, count: invoices.count)
    for i in invoices.indices where invoices[i].status == .open && !invoices[i].isCreditNote {
      due[i] = invoices[i].dueDate.dayNumber
      let currency = invoices[i].currency
      let o = OpenInvoice.open(invoices[i].amount, paid: invoices[i].paid).toMinorUnits(exponent: currency.minorUnits, .halfEven) ?? 0
      guard o > 0, o <= Matcher.maxMinorUnits else { continue }
      open[i] = o
      let latestFirst = ~(UInt64(UInt32(bitPattern: invoices[i].issueDate.dayNumber) ^ 0x8000_0000))
      keys.append((UInt64(currency.packed) << 40 | UInt64(o) >> 24, (UInt64(o) & 0xFF_FFFF) << 32 | (latestFirst & 0xFFFF_FFFF), Int32(i)))
    }
    var owners = [Int32](repeating: -1, count: invoices.count)
    for i in invoices.indices { owners[i] = invoices[i].customer }
    customerOf = owners
    var lists = CustomerLists(customers: data.customers.count, invoices.count) { i in open[i] > 0 ? owners[i] : -1 }
    // Due dates at hand (reading them from the invoices would cost a cache miss a comparison); ids on a tie.
    lists.sortEach { a, b in due[Int(a)] != due[Int(b)] ? due[Int(a)] < due[Int(b)] : OpenInvoice.idPrecedes(invoices, Int(a), Int(b)) }
    // Within an amount, the latest issued first: a look-back window ends the scan at the first too old. (Keys
    // were made in index order, so a stable sort by key is the order by key, then index.)
    RadixSort.sort(&keys)
    state = MatchState(open: open)
    self.open = state.open
    taken = state.taken
    byCustomer = lists
    // Currency and amount back from the key (not from the invoice: a cache miss each).
    byAmount = keys.map { k in (UInt32(truncatingIfNeeded: k.hi >> 40), Int64(bitPattern: (k.hi & 0xFF_FFFF_FFFF) << 24 | k.lo >> 32), k.index) }
    PhaseLog.mark("open amounts and lists")
    references = tables.references
    names = tables.names
    PhaseLog.mark("waiting for the reference table, payer names and customer keys")
    let fields = plan.program.fields(of: .payment)
    let slotOf = Dictionary(fields.map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    paymentSlots = Matcher.paymentFields.map { slotOf[$0] ?? -1 }
    paymentFieldCount = fields.count
    needsPaymentRecord = plan.matchRules.contains { !$0.conditions.isEmpty || $0.tolerancePerPayment }
    paymentDefaults = PaymentFields(plan: plan).defaults
    var tol: [(Limits, Limits)] = []
    for r in plan.matchRules {
      // Tolerances that read the payment or the customer are evaluated for each payment (`limits(rule, env)`).
      tol.append(r.tolerancePerPayment ? (Limits.none, Limits.none) : (Matcher.limits(r.underpayment, env), Matcher.limits(r.overpayment, env)))
    }
    tolerances = tol
    rules = plan.matchRules.map(MatchRuleBox.init)
    discounts = EarlyDiscounts(plan: plan, data: data, env: env)
    failures += discounts.failures
    customerRefs = tables.customerKeys
  }

  // MARK: Money in minor units

  func fixed(_ minor: Int64, _ c: Currency) -> Fixed { Fixed(minorUnits: minor, exponent: c.minorUnits) }

  /// The larger of a side's limits for an open total, in minor units.
  func tolerance(_ l: Limits, total: Int64, _ c: Currency, _ rounding: RoundingMode) -> Int64 {
    tolerance(l.percents, from: l.money[c] ?? 0, total: total, c, rounding)
  }

  /// The same, the side's money limit in the currency (`l.money[c] ?? 0`) looked up once by the caller (a search
  /// over many sums would hash the currency for each).
  func tolerance(_ percents: [Fixed], from money: Int64, total: Int64, _ c: Currency, _ rounding: RoundingMode) -> Int64 {
    var t = money
    for p in percents {
      let v = fixed(total, c).multiplied(by: p, rounding: rounding)  // a percent value is a fraction (0.5% = 0.005)
      if let v, let minor = v.toMinorUnits(exponent: c.minorUnits, rounding) { t = max(t, min(minor, Matcher.maxMinorUnits)) }
    }
    return t
  }

  /// The currencies a side's amounts are stated in when they leave out the payment's (else none).
  func statedIn(_ l: Limits, _ c: Currency) -> [Currency] {
    l.money.isEmpty || l.money[c] != nil ? [] : l.money.keys.sorted()
  }

  func amount(_ minor: Int64, _ c: Currency) -> Money { Money(amount: fixed(minor, c), currency: c) }

  /// "1,200.00 USD", for a reason.
  func money(_ minor: Int64, _ c: Currency) -> String { amount(minor, c).formatted(grouping: true) }

  func name(_ i: Int32) -> String {
    data.invoices[Int(i)].number.isEmpty ? data.invoices[Int(i)].id : data.invoices[Int(i)].number
  }

  /// Invoices' names, comma-separated (a loop: `map(name)` would copy the whole matcher into a closure).
  func names(_ list: [Int32]) -> String {
    var out = ""
    for i in list {
      if !out.isEmpty { out += ", " }
      out += name(i)
    }
    return out
  }

  /// An environment for the match rules' conditions (each thread has its own).
  static func env(_ plan: ExecutablePlan, _ asOf: CivilDate) -> Env {
    let env = Env(asOf: asOf)
    for l in plan.lets { env.lets.append(l.eval(env)) }
    return env
  }
}
