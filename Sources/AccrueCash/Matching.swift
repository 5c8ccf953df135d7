import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation

/// Applies incoming payments to open invoices with the match rules.
public enum CashApplicationRun {
  /// Payments to match from which they are decided in batches on two threads, and a batch's size.
  public static let batchesFrom = 20_000
  public static let batchSize = 4096

  /// Matches every payment booked on or before `asOf` that the journal (`history`) does not record yet.
  ///
  /// From `batchesFrom` payments to match, they are decided `batchSize` at a time on two threads
  /// (`Matcher.applyInBatches`), and their references found on two threads (from `Matcher.parallelAt` too);
  /// the results are the same either way.
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, history: [JournalItem] = [], explanations: Bool = true,
    batchesFrom: Int = CashApplicationRun.batchesFrom, batchSize: Int = CashApplicationRun.batchSize
  ) -> CashResult {
    let payments = data.cash.payments
    let done = Set(history.lazy.filter { $0.kind == .match }.map(\.key))
    var out = CashResult(asOf: asOf, applications: [], alreadyApplied: 0, ignored: 0, failures: [])
    // The reference table and the payer names are built on threads of their own (for many invoices) from the
    // start, while duplicates are found and the other tables made.
    // (Only when some payment may need them: not when the journal records them all, say.)
    let mayMatch = payments.contains { p in
      p.transaction.bookingDate <= asOf && p.transaction.amount > .zero && !p.transaction.reversal
        && (done.isEmpty || !done.contains("payment:" + p.id))
    }
    let tables = mayMatch ? MatchTables(plan: plan, invoices: data.invoices, customers: data.customers) : nil
    // Duplicates: payments by a hash of what makes them the same, confirmed field by field (a different payment
    // with the same hash takes the next key).
    var fingerprints: [UInt64: Int] = [:]
    // Each payment's place among the applications (payment order; -1: left out), and those held without trying
    // the rules (duplicates, reversals) with their queue and reason.
    var slots = [Int32](repeating: -1, count: payments.count)
    var count: Int32 = 0
    var held: [(payment: Int, queue: String, reason: String)] = []
    var toMatch: [Int] = []
    /// The earlier payment with the same content, else nil (and this one is registered).
    // Worked out for all payments at once (on two threads for many).
    let prints = TwoThreads.map(payments.count, from: Matcher.parallelAt) { i in
      payments.withUnsafeBufferPointer { PaymentIdentity.fingerprint($0, i) }
    }
    func firstSame(_ pi: Int) -> Int? {
      var fp = prints[pi]
      while let j = fingerprints[fp] {
        if PaymentIdentity.same(payments[j].transaction, payments[pi].transaction) { return j }
        fp &+= 1
      }
      fingerprints[fp] = pi
      return nil
    }
    // Payments the journal records come first: a copy of one of them is a duplicate whatever its id.
    var recorded = [Bool](repeating: false, count: payments.count)
    if !done.isEmpty {
      for (pi, p) in payments.enumerated() where done.contains("payment:" + p.id) {
        recorded[pi] = true
        _ = firstSame(pi)
      }
    }
    // Fields read in place (a copy of each payment would retain all its strings).
    for pi in payments.indices {
      if recorded[pi] {
        out.alreadyApplied += 1
        continue
      }
      let reversal = payments[pi].transaction.reversal
      guard payments[pi].transaction.bookingDate <= asOf, payments[pi].transaction.amount > .zero || reversal else {
        out.ignored += 1
        continue
      }
      slots[pi] = count
      count += 1
      if let first = firstSame(pi) {
        held.append((pi, "duplicates", "possible duplicate of payment \(payments[first].id): same date, amount, payer and text"))
        continue
      }
      if reversal {
        held.append((pi, "reversals", "the bank reversed an earlier entry; find the payment it undoes"))
        continue
      }
      toMatch.append(pi)
    }
    // The applications, each written once in its place (an array of optionals, then moved into one without
    // them, moved every application three times).
    var results = [CashApplication](repeating: .placeholder, count: Int(count))
    payments.withUnsafeBufferPointer { buf in
      for h in held { results[Int(slots[h.payment])] = Matcher.held(buf.baseAddress! + h.payment, queue: h.queue, reason: h.reason) }
    }
    // The matcher's tables are made only when some payment is left to match (tables begun on other threads are
    // waited for: no thread outlives the run).
    guard !toMatch.isEmpty else {
      _ = tables?.references
      out.applications = results
      out.tally()
      return out
    }
    PhaseLog.mark("matching: duplicates and reversals")
    // The references in the payments are looked for on another thread from when the reference table is ready,
    // while this one makes the matcher's tables; then on both.
    let made = tables ?? MatchTables(plan: plan, invoices: data.invoices, customers: data.customers)
    let finding = ReferenceFinding(
      toMatch, in: payments, plan: plan, invoices: data.invoices, tables: made, parallelAt: min(batchesFrom, Matcher.parallelAt))
    var m = Matcher(plan: plan, data: data, asOf: asOf, explaining: explanations, tables: made)
    PhaseLog.mark("matching: tables of open invoices")
    // Payments that name open invoices go first (each group in booking date, then id order), so a guess from the
    // amount alone never takes an invoice another payment names. The references found are kept for the rules.
    let (refs, names) = m.references(finding, of: toMatch, in: payments)
    var naming: [Int] = []
    var others: [Int] = []
    for (k, pi) in toMatch.enumerated() { if names[k] { naming.append(pi) } else { others.append(pi) } }
    PhaseLog.mark("matching: references found")
    let order = naming + others
    if order.count >= batchesFrom {
      m.applyInBatches(order, payments, refs, batchSize: batchSize, slots, &results)
    } else {
      // Payments passed from a buffer (an array element passed on is copied first, retaining all its strings).
      payments.withUnsafeBufferPointer { buf in
        for pi in order { results[Int(slots[pi])] = m.apply(buf.baseAddress! + pi, refs: refs[pi]) }
      }
    }
    PhaseLog.mark("matching: rules applied")
    out.applications = results
    out.failures = m.failures
    // What the run made for itself (the references found, a million-invoice matcher) is freed on another thread
    // while this one counts the results.
    TwoThreads.free((consume refs, consume m, consume made, consume tables, consume finding), while: { out.tally() })
    return out
  }
}

/// Finds what the rules' patterns name in payments' texts, and the invoices each reference names (patterns and
/// the reference table are only read).
struct ReferenceFinder: Sendable {
  let rules: [MatchRuleBox]
  let references: ReferenceIndex?
  let invoices: [OpenInvoice]

  /// The references the rule's patterns find: in each text as given, and with its line breaks removed (banks
  /// wrap remittance text at a fixed width, often inside a number).
  func extract(_ rule: MatchRuleBox, reference: String, remittance: String, _ scratch: [Pattern.Scratch]) -> [String] {
    var out: [String] = []
    for (k, (pattern, sources)) in rule.r.patterns.enumerated() {
      for s in sources {
        let text = s == .remittance ? remittance : reference
        if text.isEmpty { continue }
        // The text as given, then (when it has line breaks) without them: a reference the bank wrapped.
        let wrapped = text.utf8.contains(10) || text.utf8.contains(13)
        for v in 0..<(wrapped ? 2 : 1) {
          let variant = v == 0 ? text : String(text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" }.map(Character.init))
          for m in pattern.allMatches(in: variant, scratch[k]) {
            let ref = m.groups.isEmpty ? m.whole : m.groups.compactMap { $0 }.joined()
            if !ref.isEmpty, !out.contains(ref) { out.append(ref) }
          }
        }
      }
    }
    return out
  }

  /// The references each rule's patterns find in one payment (empty for rules without patterns). Its texts are
  /// read in place (a copy of the payment would retain all its strings).
  func references(of payments: [Payment], _ pi: Int, _ scratch: Scratch) -> [[Matcher.FoundRef]] {
    let (reference, remittance) = (payments[pi].transaction.reference, payments[pi].transaction.remittance)
    var out: [[Matcher.FoundRef]] = []
    out.reserveCapacity(rules.count)
    for (ri, rule) in rules.enumerated() {
      out.append(rule.r.patterns.isEmpty ? [] : found(extract(rule, reference: reference, remittance: remittance, scratch.patterns[ri]), scratch))
    }
    return out
  }

  func found(_ texts: [String], _ scratch: Scratch) -> [Matcher.FoundRef] {
    var out: [Matcher.FoundRef] = []
    for t in texts {
      out.append(Matcher.FoundRef(text: t, invoices: references?.find(keysOf: t, &scratch.keys, in: invoices) ?? []))
    }
    return out
  }

  /// One thread's memory for searching: each rule's patterns', and a text's keys.
  final class Scratch {
    let patterns: [[Pattern.Scratch]]
    var keys = ReferenceKeys.Buffers()
    init(_ rules: [MatchRuleBox]) { patterns = rules.map { $0.r.patterns.map { Pattern.Scratch($0.0) } } }
  }
}

/// The references in the payments to match, looked for from when the reference table is ready: for many
/// payments, on another thread while this one makes the matcher's tables, then on both (`finish`).
final class ReferenceFinding: Sendable {
  private let started: StartedChunks<[[[Matcher.FoundRef]]]>?
  private let serial: (@Sendable () -> [[[Matcher.FoundRef]]])?

  /// `list`: the payments to look in (indices into `payments`); from `parallelAt` of them, on two threads.
  init(_ list: [Int], in payments: [Payment], plan: ExecutablePlan, invoices: [OpenInvoice], tables: MatchTables, parallelAt: Int) {
    let rules = plan.matchRules.map(MatchRuleBox.init)
    guard rules.contains(where: { !$0.r.patterns.isEmpty }) else {
      (started, serial) = (nil, { [] })
      return
    }
    @Sendable func finder() -> ReferenceFinder { ReferenceFinder(rules: rules, references: tables.references, invoices: invoices) }
    @Sendable func scratch() -> ReferenceFinder.Scratch { ReferenceFinder.Scratch(rules) }
    let n = list.count
    guard n >= parallelAt, n >= 2 else {
      started = nil
      serial = {
        let (f, s) = (finder(), scratch())
        return list.map { f.references(of: payments, $0, s) }
      }
      return
    }
    let parts = min(64, n)
    serial = nil
    // Each chunk searches with its own scratch memory for the patterns.
    started = StartedChunks(parts, first: { _ = tables.references }) { _, k in
      let (f, s) = (finder(), scratch())
      return (n * k / parts..<n * (k + 1) / parts).map { f.references(of: payments, list[$0], s) }
    }
  }

  /// The references each rule's patterns find in each payment of the list, in list order (empty when no rule
  /// has patterns).
  func finish() -> [[[Matcher.FoundRef]]] {
    if let serial { return serial() }
    var found: [[[Matcher.FoundRef]]] = []
    started?.finish(inOrder: { found.moveAppend(&$0, placeholder: []) })
    return found
  }
}

/// A match rule behind a reference (the per-payment loop passes this, not a struct of arrays and strings), with
/// the payer methods it tries worked out once.
final class MatchRuleBox: Sendable {
  let r: CompiledMatchRule
  let methods: [PayerMethod]
  init(_ r: CompiledMatchRule) {
    self.r = r
    methods = r.payer.isEmpty && !r.anyCustomer ? [.reference, .account, .name] : r.payer
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

/// A batch's decisions, each written by the thread that made it (in places of their own) and taken in order.
///
/// A decision stays in its place after its commit (which reads it there): the next batch's decision put there
/// frees it, on the thread that made that one, not on the one thread all commits wait for.
final class DecidedBatch: @unchecked Sendable {
  let items: UnsafeMutableBufferPointer<Matcher.Decided>
  /// The batch each place was last decided for.
  let batchOf: UnsafeMutableBufferPointer<Int32>
  init(_ n: Int) {
    items = .allocate(capacity: n)
    items.initialize(repeating: Matcher.Decided(application: .placeholder, notes: [], failures: [], payers: [], paymentID: ""))
    batchOf = .allocate(capacity: n)
    batchOf.initialize(repeating: -1)
  }
  deinit {
    items.deinitialize()
    items.deallocate()
    batchOf.deallocate()
  }
}

/// Each thread's environment for conditions (by thread: 0 this one, 1 the other).
final class ThreadEnvs: @unchecked Sendable {
  let envs: [Env]
  init(_ envs: [Env]) { self.envs = envs }
}

/// The payments of a run (only read), and its results, written by the thread that decided each (each place by
/// one thread).
final class BatchMemory: @unchecked Sendable {
  let payments: UnsafeBufferPointer<Payment>
  let results: UnsafeMutableBufferPointer<CashApplication>
  init(_ payments: UnsafeBufferPointer<Payment>, _ results: UnsafeMutableBufferPointer<CashApplication>) {
    self.payments = payments
    self.results = results
  }
}

/// Hands a copy of the matcher to the second thread (only read there).
final class MatcherBox: @unchecked Sendable {
  let matcher: Matcher
  init(_ m: Matcher) { matcher = m }
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

  /// Sorts (hi, lo, index) triples by (hi, lo), keeping the input order of equal keys: a radix sort over the
  /// 16-bit digits that differ between keys (usually three or four of the eight), last digit first.
  static func radixSort(_ a: inout [(hi: UInt64, lo: UInt64, index: Int32)]) {
    guard a.count > 1 else { return }
    var (andHi, andLo, orHi, orLo) = (UInt64.max, UInt64.max, UInt64(0), UInt64(0))
    for x in a {
      andHi &= x.hi
      orHi |= x.hi
      andLo &= x.lo
      orLo |= x.lo
    }
    var other = a
    var counts = [Int](repeating: 0, count: 1 << 16 + 1)
    for (word, varying) in [(0, orLo ^ andLo), (1, orHi ^ andHi)] {
      for shift in stride(from: UInt64(0), to: 64, by: 16) where (varying >> shift) & 0xFFFF != 0 {
        @inline(__always) func digit(_ x: (hi: UInt64, lo: UInt64, index: Int32)) -> Int { Int(((word == 0 ? x.lo : x.hi) >> shift) & 0xFFFF) }
        for k in counts.indices { counts[k] = 0 }
        for x in a { counts[digit(x) + 1] += 1 }
        for k in 1..<counts.count { counts[k] += counts[k - 1] }
        other.withUnsafeMutableBufferPointer { out in
          for x in a {
            let d = digit(x)
            out[counts[d]] = x
            counts[d] += 1
          }
        }
        swap(&a, &other)
      }
    }
  }

  /// The largest amount matched, in minor units (2^56: sums of a few never overflow): 720 trillion dollars, or
  /// 7.2 trillion in a currency of 4 decimals. A larger payment is held; a larger invoice is no candidate.
  static let maxMinorUnits: Int64 = 1 << 56

  struct Limits {
    var money: [Currency: Int64] = [:]
    /// As fractions (0.5% is 0.005).
    var percents: [Fixed] = []
  }

  /// A side's limits as the rule states them, evaluated with the records in `env`: amounts by currency (the
  /// largest of each), percents.
  static func limits(_ exprs: [CExpr], _ env: Env) -> Limits {
    var l = Limits()
    for e in exprs {
      switch e.eval(env) {
      case .money(let v, let c):
        let minor = min(v.toMinorUnits(exponent: c.minorUnits, .halfEven) ?? Matcher.maxMinorUnits, Matcher.maxMinorUnits)
        l.money[c] = max(l.money[c] ?? 0, minor)
      case .percent(let p): l.percents.append(p)
      case .list(let xs):
        // Amounts per currency: each applies to payments in its currency.
        for case .money(let v, let c) in xs {
          let minor = min(v.toMinorUnits(exponent: c.minorUnits, .halfEven) ?? Matcher.maxMinorUnits, Matcher.maxMinorUnits)
          l.money[c] = max(l.money[c] ?? 0, minor)
        }
      default: break
      }
    }
    return l
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
    Matcher.radixSort(&keys)
    state = MatchState(open: open)
    self.open = state.open
    taken = state.taken
    byCustomer = lists
    // Currency and amount back from the key (not from the invoice: a cache miss each).
    byAmount = keys.map { k in (UInt32(truncatingIfNeeded: k.hi >> 40), Int64(bitPattern: (k.hi & 0xFF_FFFF_FFFF) << 24 | k.lo >> 32), k.index) }
    PhaseLog.mark("matching: open amounts and lists")
    references = tables.references
    names = tables.names
    PhaseLog.mark("matching: waiting for the reference table and payer names")
    let fields = plan.program.fields(of: .payment)
    let slotOf = Dictionary(fields.map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    paymentSlots = Matcher.paymentFields.map { slotOf[$0] ?? -1 }
    paymentFieldCount = fields.count
    needsPaymentRecord = plan.matchRules.contains { !$0.conditions.isEmpty || $0.tolerancePerPayment }
    paymentDefaults = PaymentFields(plan: plan).defaults
    var tol: [(Limits, Limits)] = []
    for r in plan.matchRules {
      // Tolerances that read the payment or the customer are evaluated for each payment (`limits(rule, env)`).
      tol.append(r.tolerancePerPayment ? (Limits(), Limits()) : (Matcher.limits(r.underpayment, env), Matcher.limits(r.overpayment, env)))
    }
    tolerances = tol
    rules = plan.matchRules.map(MatchRuleBox.init)
    discounts = EarlyDiscounts(plan: plan, data: data, env: env)
    customerRefs = plan.matchRules.contains { !$0.patterns.isEmpty && !$0.allocation.isEmpty } ? Matcher.customerKeys(data.customers) : [:]
  }

  // MARK: Money in minor units

  func fixed(_ minor: Int64, _ c: Currency) -> Fixed { Fixed(minorUnits: minor, exponent: c.minorUnits) }

  /// The larger of a side's limits for an open total, in minor units.
  func tolerance(_ l: Limits, total: Int64, _ c: Currency, _ rounding: RoundingMode) -> Int64 {
    var t = l.money[c] ?? 0
    for p in l.percents {
      let v = fixed(total, c).multiplied(by: p, rounding: rounding)  // a percent value is a fraction (0.5% = 0.005)
      if let v, let minor = v.toMinorUnits(exponent: c.minorUnits, rounding) { t = max(t, min(minor, Matcher.maxMinorUnits)) }
    }
    return t
  }

  /// " (the rule states amounts in USD only)" when a side's amounts leave out the payment's currency.
  func unstated(_ l: Limits, _ c: Currency) -> String {
    guard !l.money.isEmpty, l.money[c] == nil else { return "" }
    return " (the rule states amounts in \(l.money.keys.sorted().map(\.code).joined(separator: ", ")) only)"
  }

  func money(_ minor: Int64, _ c: Currency) -> String { Money(amount: fixed(minor, c), currency: c).formatted(grouping: true) }

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

  // MARK: One payment

  /// A payment held for review without trying the rules (a duplicate, a reversal).
  static func held(_ p: UnsafePointer<Payment>, queue: String, reason: String) -> CashApplication {
    var a = blank(p)
    a.status = .exception
    a.queue = queue
    a.reason = reason
    a.unapplied = p.pointee.transaction.amount
    return a
  }

  /// The transaction of a payment, in place.
  @inline(__always) static func transaction(_ p: UnsafePointer<Payment>) -> UnsafePointer<BankTransaction> {
    (UnsafeRawPointer(p) + MemoryLayout<Payment>.offset(of: \.transaction)!).assumingMemoryBound(to: BankTransaction.self)
  }

  // Payments are passed by pointer and their fields read in place: a payment passed on from an array or buffer
  // is copied first (retaining all its strings), `borrowing` or not, when the callee is not known to leave it be.
  static func blank(_ p: UnsafePointer<Payment>) -> CashApplication {
    let t = transaction(p)
    return CashApplication(
      paymentID: p.pointee.id, source: t.pointee.source, date: t.pointee.bookingDate,
      amount: t.pointee.amount, currency: t.pointee.currency, payerName: t.pointee.counterpartyName, customer: nil,
      payerBy: nil, status: .unapplied, rule: nil, ruleSource: nil, strategy: nil, allocations: [], writeOff: .zero, credit: .zero,
      unapplied: .zero, queue: nil, reason: nil, suggestions: [], explanation: [])
  }

  /// The built-in payment fields, in the order `loadPayment` gives their values.
  static let paymentFields = [
    "id", "booking_date", "value_date", "amount", "currency", "reference", "remittance", "payer_name", "payer_account",
  ]

  /// The payment as the rules' `payment` record.
  func loadPayment(_ p: UnsafePointer<Payment>, _ env: Env) {
    let t = Matcher.transaction(p)
    var rec = [RValue](repeating: .text(""), count: paymentFieldCount)
    let values: [RValue] = [
      .text(p.pointee.id), .date(t.pointee.bookingDate), .date(t.pointee.valueDate ?? t.pointee.bookingDate),
      .money(t.pointee.amount, t.pointee.currency), .currency(t.pointee.currency), .text(t.pointee.reference),
      .text(t.pointee.remittance), .text(t.pointee.counterpartyName), .text(t.pointee.counterpartyAccount),
    ]
    for (k, slot) in paymentSlots.enumerated() where slot >= 0 { rec[slot] = values[k] }
    // Custom fields: the payment's own values (payments.csv), else their defaults.
    let custom = p.pointee.custom
    for (k, (slot, v)) in paymentDefaults.enumerated() { rec[slot] = k < custom.count ? custom[k] : v }
    env.records[RecordKind.payment.index] = rec
  }

  /// Who paid, by the rule's methods in order: the customer index and the method that found it. Each method's
  /// answer is worked out once per payment (`known`), whichever rules ask.
  func payer(_ t: UnsafePointer<BankTransaction>, _ methods: [PayerMethod], _ known: inout KnownPayers) -> (Int32, String)? {
    for m in methods {
      let c: Int32
      if let k = known[m] {
        c = k
      } else {
        c = find(t, m) ?? -1
        known[m] = c
      }
      if c >= 0 { return (c, m.rawValue) }
    }
    return nil
  }

  /// Each payer method's answer for one payment, once worked out (-1: none found). Plain values: a dictionary
  /// would be made for every payment.
  struct KnownPayers {
    private var answers: (Int32, Int32, Int32) = (-2, -2, -2)
    subscript(_ m: PayerMethod) -> Int32? {
      get {
        let a = m == .reference ? answers.0 : m == .account ? answers.1 : answers.2
        return a == -2 ? nil : a
      }
      set {
        let v = newValue ?? -2
        switch m {
        case .reference: answers.0 = v
        case .account: answers.1 = v
        case .name: answers.2 = v
        }
      }
    }
  }

  func find(_ t: UnsafePointer<BankTransaction>, _ m: PayerMethod) -> Int32? {
    switch m {
    case .reference:
      guard !t.pointee.reference.isEmpty, let idx = references else { return nil }
      let found = idx.find(ReferenceKeys.keys(t.pointee.reference).prefix(1).map { $0 }, in: data.invoices)
      let customers = Set(found.map { customerOf[Int($0)] })
      if customers.count == 1, let c = customers.first, c >= 0 { return c }
      return nil
    case .account:
      let a = CashData.account(t.pointee.counterpartyAccount)
      return a.isEmpty ? nil : data.cash.accounts[a].map(Int32.init)
    case .name:
      return names.find(t.pointee.counterpartyName)
    }
  }

  /// The references found in the payments of `list` (by `finding`), by payment index, and whether they name an
  /// open invoice.
  func references(_ finding: ReferenceFinding, of list: [Int], in payments: [Payment]) -> (refs: [[[FoundRef]]], names: [Bool]) {
    var refs = [[[FoundRef]]](repeating: [], count: payments.count)
    let found = finding.finish()
    guard !found.isEmpty else { return (refs, Array(repeating: false, count: list.count)) }
    var names: [Bool] = []
    names.reserveCapacity(list.count)
    for k in found.indices {
      let any = found[k].contains { !$0.isEmpty }
      if any { refs[list[k]] = found[k] }
      names.append(any && found[k].contains { $0.contains { $0.invoices.contains { open[Int($0)] > 0 } } })
    }
    return (refs, names)
  }

  /// Payments from which many use two threads to find references.
  static let parallelAt = 20_000

  /// A reference a pattern found, and the invoices any of whose keys it matches (whatever their state).
  struct FoundRef {
    var text: String
    var invoices: [Int32]
  }

  /// Tries the rules in order (`refs`: the references each rule's patterns found, by rule; empty when none);
  /// the first that decides makes the application.
  mutating func apply(_ p: UnsafePointer<Payment>, refs: [[FoundRef]]) -> CashApplication {
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
    var notes: [String]
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
  func decide(_ p: UnsafePointer<Payment>, refs: [[FoundRef]], env: Env) -> Decided {
    var x = Decided(application: Matcher.blank(p), notes: [], failures: [], payers: [], paymentID: p.pointee.id)
    let t = Matcher.transaction(p)
    let currency = t.pointee.currency
    guard let amount = t.pointee.amount.toMinorUnits(exponent: currency.minorUnits, .halfEven), fixed(amount, currency) == t.pointee.amount,
      amount <= Matcher.maxMinorUnits
    else {
      x.application.status = .exception
      x.application.queue = "cash-apps"
      x.application.reason = t.pointee.amount.significantFractionDigits > t.pointee.currency.minorUnits
        ? "the amount has more decimals than \(t.pointee.currency.code) allows" : "the amount is too large to match automatically"
      x.application.unapplied = t.pointee.amount
      return x
    }
    x.minor = amount
    if needsPaymentRecord { loadPayment(p, env) }
    var known = KnownPayers()
    let customerIndex = RecordKind.customer.index
    for (ri, box) in rules.enumerated() {
      // What explanations start with (built only when explaining: this loop runs for every payment and rule).
      let head = explaining ? "rule \(box.r.name) (\(box.r.source))" : ""
      if let c = box.r.currency, c != t.pointee.currency {
        if explaining { x.notes.append("\(head): for \(c.code) payments only") }
        continue
      }
      let methods = box.methods
      let who = payer(t, methods, &known)
      if !box.r.conditions.isEmpty || box.r.tolerancePerPayment {
        env.records[customerIndex] = who.map { data.customers[Int($0.0)].record } ?? []
      }
      if box.r.conditions.contains(where: { c in c.fields.contains { $0.record == .customer } }) && who == nil {
        if explaining { x.notes.append("\(head): its conditions read the customer, and the payer is unknown") }
        continue
      }
      if let k = box.r.conditions.firstIndex(where: { !$0.holds(env, &x.failures, { plan.failure($0, "payment \(p.pointee.id)") }) }) {
        if explaining { x.notes.append("\(head): '\(box.r.conditions[k].text)' is false") }
        continue
      }
      // (A rule that neither chooses invoices nor has references only queues: it needs no payer. A rule with both
      // may find the payer by a customer its references name.)
      let findsPayer = !box.r.patterns.isEmpty && !box.r.allocation.isEmpty && !customerRefs.isEmpty
      if !box.r.anyCustomer && who == nil && !(box.r.allocation.isEmpty && box.r.patterns.isEmpty) && !findsPayer {
        if explaining { x.notes.append("\(head): payer not found (by \(methods.map(\.rawValue).joined(separator: ", ")))") }
        continue
      }
      var ctx = RuleContext(rule: box, index: ri, payment: amount, currency: currency, booking: t.pointee.bookingDate, payer: who?.0)
      if box.r.tolerancePerPayment {
        // Read from this payment (and its payer): `1% of payment.amount`, `min(5.00 USD, 1% of payment.amount)`.
        env.reset()
        ctx.under = Matcher.limits(box.r.underpayment, env)
        ctx.over = Matcher.limits(box.r.overpayment, env)
        if let f = env.failure { x.failures.append(plan.failure(f, "payment \(p.pointee.id)")) }
      } else {
        (ctx.under, ctx.over) = tolerances[ri]
      }
      var decided: Decision?
      if !box.r.patterns.isEmpty {
        // Found once for every payment before matching (none recorded: none found).
        let refs = ri < refs.count ? refs[ri] : []
        if refs.isEmpty {
          if explaining { x.notes.append("\(head): no reference found") }
          continue
        }
        // Without a payer, a rule for the payer's invoices looks only for a customer its references name.
        decided = box.r.anyCustomer || ctx.payer != nil ? named(refs, &ctx, &x.notes, head) : nil
        // References that name no invoice may name a customer: the rule's allocation chooses among its invoices.
        if decided == nil, !box.r.allocation.isEmpty, let c = customerNamed(refs, &ctx, &x.notes, head) {
          x.payers.append(c)
          decided = select(&ctx, &x.notes, head)
          decided?.payerFoundBy = "reference"
          x.watched += ctx.amountHits
        }
        if decided == nil, ctx.payer == nil, !box.r.anyCustomer {
          if explaining { x.notes.append("\(head): payer not found (by \(methods.map(\.rawValue).joined(separator: ", ")), or a customer its references name)") }
          continue
        }
      } else {
        // The payer's open invoices are read (and any customer's of exactly this amount that were found).
        if let c = ctx.payer { x.payers.append(c) }
        decided = select(&ctx, &x.notes, head)
        x.watched += ctx.amountHits
      }
      // (Without a match, the payer's open invoices may be read for suggestions.)
      if decided == nil, let c = ctx.payer { x.payers.append(c) }
      guard let d = decided ?? noMatch(ctx) else {
        if explaining { x.notes.append("\(head): no match") }
        continue
      }
      x.application.customer = (d.customer ?? who?.0).map { data.customers[Int($0)].id }
      x.application.payerBy = d.payerFoundBy ?? who?.1 ?? (d.customer != nil ? "invoice" : nil)
      x.application.rule = box.r.name
      x.application.ruleSource = box.r.source
      settle(&x, d, box)
      if explaining { x.notes.append("\(head): \(d.note)") }
      x.application.explanation = x.notes
      return x
    }
    x.application.status = .unapplied
    x.application.unapplied = t.pointee.amount
    x.application.reason = "no match rule applied"
    x.application.explanation = x.notes
    return x
  }

  /// Applies the payments in `order`, a batch at a time: the batch's payments are decided on two threads
  /// against the state the batch starts from, then committed one by one in order. A payment whose decision may
  /// have read invoices an earlier payment of its batch changed is decided again first, so every result is the
  /// one a single thread applying the payments in order gives.
  ///
  /// What a decision may read: the payer's open invoices (rules that choose among them, or suggest some when
  /// nothing matches), and invoices one by one: those its references name, and those of any customer open for
  /// exactly its amount that `exactAmount` gave; all other state it reads is fixed for the run. A commit
  /// changes invoices: they and their customers are marked, and a later decision of the batch that read a
  /// marked customer's invoices, or a marked invoice, is made again. (`exactAmount` gives the first two
  /// invoices of the amount still open and not taken; commits only close and take invoices, so its answer can
  /// change only when one it gave changes.)
  mutating func applyInBatches(
    _ order: [Int], _ payments: [Payment], _ refs: [[[FoundRef]]], batchSize: Int, _ slots: [Int32], _ results: inout [CashApplication]
  ) {
    let envs = ThreadEnvs([env, Matcher.env(plan, asOf)])
    // The batch that last changed a customer's invoices, and the invoices changed in this batch.
    var changed = [Int32](repeating: -1, count: data.customers.count)
    var changedInvoices = Set<Int32>()
    let batchSize = max(1, min(batchSize, order.count))
    let decided = DecidedBatch(batchSize)
    var batch: Int32 = 0
    var start = 0
    payments.withUnsafeBufferPointer { payments in
      results.withUnsafeMutableBufferPointer { results in
        let memory = BatchMemory(payments, results)
        while start < order.count {
          let slice = Array(order[start..<min(order.count, start + batchSize)])
          let box = MatcherBox(self)
          let parts = min(16, slice.count)
          let thisBatch = batch
          // Each thread decides whole chunks and moves each application into its place among the results (the
          // commit below replaces it if it must be decided again); the rest of the decision is kept for the commit.
          TwoThreads.chunks(
            parts,
            { thread, k in
              for j in slice.count * k / parts..<slice.count * (k + 1) / parts {
                let pi = slice[j]
                var x = box.matcher.decide(memory.payments.baseAddress! + pi, refs: refs[pi], env: envs.envs[thread])
                box.matcher.markNamed(&x, refs[pi])
                swap(&memory.results[Int(slots[pi])], &x.application)
                decided.items[j] = x
                decided.batchOf[j] = thisBatch
              }
            }, inOrder: { _ in })
          // Decisions are read in place (a copy would retain all their arrays).
          func commitMarking(_ x: UnsafePointer<Decided>) {
            // What the commit changes: the invoices it allocates to and those it holds for review.
            for change in x.pointee.changes {
              changed[Int(change.customer)] = batch
              changedInvoices.insert(change.invoice)
            }
            commit(x)
          }
          for (j, pi) in slice.enumerated() {
            let kept = UnsafePointer(decided.items.baseAddress! + j)
            // (Every place of the batch was decided; were one not, it is decided here, on the state as it is.)
            if decided.batchOf[j] == batch && !stale(kept, changed, changedInvoices, batch) {
              commitMarking(kept)
            } else {
              var x = decide(payments.baseAddress! + pi, refs: refs[pi], env: env)
              swap(&results[Int(slots[pi])], &x.application)
              withUnsafePointer(to: &x) { commitMarking($0) }
            }
          }
          changedInvoices.removeAll(keepingCapacity: true)
          batch += 1
          start += slice.count
        }
      }
    }
  }

  /// Whether a decision read the open invoices of a customer changed in this batch, or an invoice changed in it.
  func stale(_ x: UnsafePointer<Decided>, _ changed: [Int32], _ changedInvoices: Set<Int32>, _ batch: Int32) -> Bool {
    for c in x.pointee.payers where c >= 0 && changed[Int(c)] == batch { return true }
    return x.pointee.watched.contains { changedInvoices.contains($0) }
  }

  /// Adds the invoices the references name to those a decision read one by one (only they are read: whether
  /// open, taken or held, and for how much).
  func markNamed(_ x: inout Decided, _ refs: [[FoundRef]]) {
    for list in refs {
      for r in list { x.watched += r.invoices }
    }
  }

  /// An environment for the match rules' conditions (each thread has its own).
  static func env(_ plan: ExecutablePlan, _ asOf: CivilDate) -> Env {
    let env = Env(asOf: asOf)
    for l in plan.lets { env.lets.append(l.eval(env)) }
    return env
  }

  /// Commits a decided application: what it takes off open invoices or holds for review, and its failures.
  mutating func commit(_ x: UnsafePointer<Decided>) {
    if !x.pointee.failures.isEmpty { failures += x.pointee.failures }
    for change in x.pointee.changes {
      let i = Int(change.invoice)
      taken[i] = true
      if change.reserve { state.reservedBy[change.invoice] = x.pointee.paymentID }
      if change.open >= 0 { open[i] = change.open }
    }
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
    var under = Limits()
    var over = Limits()
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
    var strategy: String
    /// Payment money beyond the invoices: written off, credited, or left unapplied (also when held for an exception).
    var excess: CompiledOutcome?
    var queue: String?
    var reason: String?
    var suggestions: [Int32] = []
    /// Whether the suggested invoices are held for this payment (a short payment or a currency mismatch waiting
    /// for review): no other payment of the run may take them.
    var reserve = false
    var customer: Int32?
    var note: String
    /// Early-payment discounts taken, by place in `invoices` (empty: none).
    var discounts: [Int64] = []
    /// How the payer was found when the rule itself found it: "invoice" (an invoice its references name),
    /// "reference" (a customer its references name), "amount" (the one open invoice of exactly its amount).
    var payerFoundBy: String?
  }

  /// Whether an open invoice may be chosen by this rule (currency, look-back, not taken this run).
  func eligible(_ i: Int32, _ ctx: RuleContext) -> Bool {
    // Fields read one by one: copying the invoice would retain all its strings.
    guard open[Int(i)] > 0, !taken[Int(i)] else { return false }
    if data.invoices[Int(i)].currency != ctx.currency { return false }
    if let from = ctx.rule.r.lookBackStart(ctx.booking), data.invoices[Int(i)].issueDate < from {
      return false
    }
    return true
  }

  /// The invoices the references name.
  func named(_ refs: [FoundRef], _ ctx: inout RuleContext, _ notes: inout [String], _ head: String) -> Decision? {
    var found: [Int32] = []
    var paidAlready: [Int32] = []
    var otherCurrency: [Int32] = []
    var heldFor: (invoice: Int32, payment: String)?
    // The invoices, at hand (closures below capture them, not the whole matcher).
    let invoices = data.invoices
    for ref in refs {
      let r = ref.text
      var hits = ref.invoices
      // (Filtered only when some would be dropped: a filter makes a new array.)
      if let p = ctx.payer, !ctx.rule.r.anyCustomer, hits.contains(where: { customerOf[Int($0)] != p }) {
        hits = hits.filter { customerOf[Int($0)] == p }
      }
      if hits.contains(where: { invoices[Int($0)].isCreditNote }) { hits = hits.filter { !invoices[Int($0)].isCreditNote } }
      if hits.count > 1 {
        // The same reference for invoices of several customers: keep the payer's, else it names none for sure.
        if let p = ctx.payer { hits = hits.filter { customerOf[Int($0)] == p } }
        if Set(hits.map { customerOf[Int($0)] }).count > 1 {
          if explaining { notes.append("\(head): '\(r)' could be any of \(names(Array(hits.prefix(5))))") }
          continue
        }
        // One customer's invoices under one number (instalments): the one open for exactly the payment (the
        // earliest due), else all.
        hits.sort { Matcher.dueFirst(invoices, $0, $1) }
        for i in hits where open[Int(i)] == ctx.payment && eligible(i, ctx) {
          hits = [i]
          break
        }
      }
      for i in hits {
        if open[Int(i)] > 0, let holder = state.reservedBy[i] {
          if heldFor == nil { heldFor = (i, holder) }
        } else if open[Int(i)] == 0 || taken[Int(i)] {
          if !paidAlready.contains(i) { paidAlready.append(i) }
        } else if invoices[Int(i)].currency != ctx.currency {
          if !otherCurrency.contains(i) { otherCurrency.append(i) }
        } else if eligible(i, ctx), !found.contains(i) {
          found.append(i)
        }
      }
    }
    if found.isEmpty {
      if let i = otherCurrency.first, !ctx.rule.r.sameCurrency {
        let inv = data.invoices[Int(i)]
        return Decision(
          kind: .hold, invoices: [], strategy: "named in the reference", excess: nil, queue: exceptionQueue(ctx.rule),
          reason: "currency mismatch: a \(ctx.currency.code) payment names \(name(i)), a \(inv.currency.code) invoice",
          suggestions: otherCurrency, reserve: true, customer: inv.customer, note: "names \(name(i)) in \(inv.currency.code)")
      }
      if let (i, holder) = heldFor {
        // Held for another payment's review (a short payment): the two together may pay it; the analyst decides.
        return Decision(
          kind: .hold, invoices: [], strategy: "named in the reference", excess: nil, queue: exceptionQueue(ctx.rule),
          reason: "\(name(i)) is held for review with payment \(holder): together they may pay it", suggestions: [i],
          customer: customerOf[Int(i)], note: "names \(name(i)), held for payment \(holder)")
      }
      if let i = paidAlready.first {
        return Decision(
          kind: .hold, invoices: [], strategy: "named in the reference", excess: nil, queue: "duplicates",
          reason: open[Int(i)] > 0
            ? "possible duplicate payment: \(name(i)) is taken by an earlier payment of this run"
            : "possible duplicate payment: \(name(i)) is already paid" + (taken[Int(i)] ? " by an earlier payment of this run" : ""),
          suggestions: paidAlready, customer: customerOf[Int(i)], note: "names \(name(i)), already paid")
      }
      if explaining { notes.append("\(head): found \(refs.map { "'\($0.text)'" }.joined(separator: ", ")), no open invoice") }
      return nil
    }
    if found.count > Matcher.maxNamed {
      return Decision(
        kind: .hold, invoices: [], strategy: "named in the reference", excess: nil, queue: exceptionQueue(ctx.rule),
        reason: "the payment names \(found.count) open invoices; at most \(Matcher.maxNamed) are applied automatically",
        suggestions: Array(found.prefix(Matcher.maxNamed)), customer: customerOf[Int(found[0])], note: "names too many invoices")
    }
    if found.count > 1 { found.sort { Matcher.dueFirst(invoices, $0, $1) } }
    ctx.payer = ctx.payer ?? customerOf[Int(found[0])]
    return difference(found, strategy: found.count == 1 ? "named in the reference" : "named in the reference (\(found.count) invoices)", ctx)
  }

  /// The rule's allocation strategies, in order, over the payer's (or any customer's) open invoices.
  func select(_ ctx: inout RuleContext, _ notes: inout [String], _ head: String) -> Decision? {
    let rule = ctx.rule
    let (under, over) = (ctx.under, ctx.over)
    var list: [Int32] = []
    if let p = ctx.payer { for i in byCustomer[Int(p)] where eligible(i, ctx) { list.append(i) } }
    for s in rule.r.allocation {
      switch s {
      case .exactSingle:
        if rule.r.anyCustomer {
          // Any customer's invoices: only the exact amount, and only when one invoice has it.
          let hits = exactAmount(ctx)
          ctx.amountHits += hits
          if hits.count == 1 {
            ctx.payer = customerOf[Int(hits[0])]
            var d = difference(hits, strategy: "exact single", ctx)
            d.payerFoundBy = "amount"
            return d
          }
          if hits.count > 1, explaining { notes.append("\(head): several open invoices have this amount") }
          continue
        }
        // The smallest difference wins, an invoice of exactly the amount before one settled with its early-payment
        // discount; `list` is oldest first, so the first of equal ranks wins.
        var best: (rank: (Int64, Int), invoice: Int32)?
        for i in list {
          let o = open[Int(i)]
          var d = ctx.payment - o
          var within = d == 0 || (d < 0 ? -d <= tolerance(under, total: o, ctx.currency, rule.r.rounding) : d <= tolerance(over, total: o, ctx.currency, rule.r.rounding))
          var discounted = 0
          // Within an early-payment discount period, the discounted amount (or anything up to the full one) matches.
          if d < 0, let disc = earlyDiscounts([i], ctx.booking)?[0] {
            let short = max(0, o - disc - ctx.payment)
            if short == 0 || short <= tolerance(under, total: o - disc, ctx.currency, rule.r.rounding) {
              within = true
              d = -short
              discounted = 1
            }
          }
          if within, best.map({ (abs(d), discounted) < $0.rank }) ?? true { best = ((abs(d), discounted), i) }
        }
        if let (_, i) = best { return difference([i], strategy: "exact single", ctx) }
      case .exactSubset(let n):
        if let set = subset(list, upTo: n, ctx) { return difference(set, strategy: "exact subset", ctx) }
      case .oldestFirst:
        guard !list.isEmpty else { continue }
        var left = ctx.payment
        var chosen: [Int32] = []
        for i in list where left > 0 {
          chosen.append(i)
          left -= min(left, open[Int(i)])
        }
        return difference(chosen, strategy: "oldest first", ctx, partialLast: true)
      }
    }
    return nil
  }

  /// Open invoices of any customer with exactly the payment's amount (and currency), the first `limit` of them.
  func exactAmount(_ ctx: RuleContext, limit: Int = 2) -> [Int32] {
    let key = (ctx.currency.packed, ctx.payment)
    var lo = 0
    var hi = byAmount.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if (byAmount[mid].currency, byAmount[mid].amount) < key { lo = mid + 1 } else { hi = mid }
    }
    var out: [Int32] = []
    let from = ctx.rule.r.lookBackStart(ctx.booking)
    while lo < byAmount.count, (byAmount[lo].currency, byAmount[lo].amount) == key, out.count < limit {
      let i = byAmount[lo].index
      if let from, data.invoices[Int(i)].issueDate < from { break }
      if eligible(i, ctx) { out.append(i) }
      lo += 1
    }
    return out
  }

  /// Most invoices one payment's references may name and have applied (their total stays far from overflow).
  static let maxNamed = 50

  /// Most candidates an exact subset search looks at (the oldest), and most combinations it tries.
  static let subsetCandidates = 40
  static let subsetSteps = 200_000

  /// The combination of 2...n invoices whose open total is closest to the payment within tolerance; ties go
  /// to the combination with the oldest invoices (their places in age order compared in order).
  func subset(_ all: [Int32], upTo n: Int, _ ctx: RuleContext) -> [Int32]? {
    let list = Array(all.prefix(Matcher.subsetCandidates))
    guard list.count >= 2 else { return nil }
    let (under, over) = (ctx.under, ctx.over)
    let (c, rounding) = (ctx.currency, ctx.rule.r.rounding)
    // A sum above the payment is a short payment (under tolerance), below it an overpayment. Coarse bounds
    // from the limits on twice the payment (a sum outside them cannot be within tolerance) spare computing
    // each sum's own tolerance.
    let hi = ctx.payment + tolerance(under, total: ctx.payment * 2, c, rounding)
    let lo = ctx.payment - tolerance(over, total: ctx.payment * 2, c, rounding)
    // Searched in increasing amount, so a sum too large ends the loop; `chosen` holds places in age order.
    // (A closure reading `self.open` would copy the whole matcher: the pointer is taken first.)
    let open = self.open
    let order = list.indices.sorted { open[Int(list[$0])] != open[Int(list[$1])] ? open[Int(list[$0])] < open[Int(list[$1])] : $0 < $1 }
    let amounts = order.map { open[Int(list[$0])] }
    var best: (diff: Int64, set: [Int])?
    var steps = 0
    var chosen: [Int] = []
    func consider(_ sum: Int64) {
      guard sum >= lo, sum <= hi else { return }
      let d = ctx.payment - sum
      let within = d == 0 || (d < 0 ? -d <= tolerance(under, total: sum, c, rounding) : d <= tolerance(over, total: sum, c, rounding))
      guard within else { return }
      let set = chosen.sorted()
      if let b = best, abs(d) > b.diff || (abs(d) == b.diff && !set.lexicographicallyPrecedes(b.set)) { return }
      best = (abs(d), set)
    }
    func search(_ start: Int, _ sum: Int64) {
      if chosen.count >= 2 { consider(sum) }
      guard chosen.count < n else { return }
      var k = start
      while k < amounts.count {
        steps += 1
        if steps > Matcher.subsetSteps { return }
        let s = sum + amounts[k]
        if s > hi { return }
        chosen.append(order[k])
        search(k + 1, s)
        chosen.removeLast()
        k += 1
      }
    }
    search(0, 0)
    return best.map { $0.set.map { list[$0] } }
  }

  /// The exception queue a rule names first (for situations it has no outcome for), else `cash-apps`.
  func exceptionQueue(_ rule: MatchRuleBox) -> String {
    for c in [OutcomeCase.noMatch, .underpaymentBeyond, .overpaymentBeyond, .underpaymentWithin, .overpaymentWithin] {
      if case .exception(let q, _)? = rule.r.outcomes[c] { return q }
    }
    return "cash-apps"
  }

  /// Classifies the difference between the payment and the chosen invoices and applies the rule's outcome
  /// (`partialLast`: oldest first, whose last invoice may be paid in part).
  func difference(_ invoices: [Int32], strategy: String, _ ctx: RuleContext, partialLast: Bool = false) -> Decision {
    let rule = ctx.rule
    let total = invoices.reduce(Int64(0)) { $0 + open[Int($1)] }
    let d = ctx.payment - total
    var list: String { names(invoices) }
    var dec = Decision(
      kind: .allocate(writeOffShort: false), invoices: invoices, strategy: strategy, excess: nil, queue: nil, reason: nil,
      customer: ctx.payer, note: explaining ? "\(strategy): \(list), open \(money(total, ctx.currency))" : "")
    if d == 0 { return dec }
    // Early-payment discounts the invoices offer on the booking date: a payment of at least the discounted total
    // settles them (the difference is the discount taken); a smaller one is short of the discounted total.
    if d < 0, let offered = earlyDiscounts(invoices, ctx.booking) {
      let available = offered.reduce(0, +)
      if ctx.payment >= total - available {
        dec.discounts = spread(total - ctx.payment, over: offered)
        if explaining { dec.note += "; paid within the early-payment discount period: \(money(total - ctx.payment, ctx.currency)) discount taken" }
        return dec
      }
      if !partialLast { return shortOfDiscounted(dec, invoices, offered, total: total, ctx) }
    }
    if d > 0 {
      let limit = tolerance(ctx.over, total: total, ctx.currency, rule.r.rounding)
      let within = d <= limit
      let c: OutcomeCase = within ? .overpaymentWithin : .overpaymentBeyond
      if explaining {
        dec.note += "; overpaid by \(money(d, ctx.currency)), \(within ? "within" : "beyond") the tolerance of \(money(limit, ctx.currency))"
          + unstated(ctx.over, ctx.currency)
      }
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
    if explaining {
      dec.note += "; short by \(money(short, ctx.currency)), \(within ? "within" : "beyond") the tolerance of \(money(limit, ctx.currency))"
        + unstated(ctx.under, ctx.currency)
    }
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
    var dec = Decision(kind: .hold, invoices: [], strategy: "no match", excess: .leaveUnapplied, customer: ctx.payer, note: "no match")
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

  /// What committing a decision changes: an invoice's open amount (-1: unchanged), and whether it is taken by
  /// this payment, or held for its review (`reserve`).
  struct Change {
    var invoice: Int32
    var open: Int64
    var reserve: Bool
    /// The invoice's customer, which a batch's commit marks as changed (read here, on the deciding thread).
    var customer: Int32
  }

  func change(_ i: Int32, open: Int64, reserve: Bool) -> Change {
    Change(invoice: i, open: open, reserve: reserve, customer: customerOf[Int(i)])
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
    // Money is conserved: allocations + write-offs + credits + unapplied = the payment, to the minor unit.
    let a = x.application
    let allocated = a.allocations.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 }
    let sum = [a.writeOff, a.credit, a.unapplied].reduce(allocated) { $0.adding($1) ?? $0 }
    if sum != a.amount {
      x.failures.append(
        RunFailure(
          message: "money not conserved (\(sum) accounted for, \(a.amount) received)", rule: rule.r.source, subject: "payment \(a.paymentID)"))
    }
  }
}
