import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import AccrueParallel
import Foundation

/// The built-in invoice fields, in the order of `CollectionsRun.invoiceFieldSlots`.
enum InvoiceField: String, CaseIterable {
  case id, number, customer, issueDate = "issue_date", dueDate = "due_date", currency, amount, amountPaid = "amount_paid"
  case disputedAmount = "disputed_amount", balance, daysOverdue = "days_overdue", status, reference
}

/// A compiled cadence behind one reference, with what the per-invoice path reads most.
final class CadenceBox: Sendable {
  let c: CompiledCadence
  let offsets: [Int]
  let business: [Bool]
  /// Steps without a `when`.
  let conditionless: [Bool]
  /// Each step's `timing` (made once, not per reminder).
  let timings: [String]
  init(_ c: CompiledCadence) {
    self.c = c
    offsets = c.steps.map(\.offset)
    business = c.steps.map(\.business)
    conditionless = c.steps.map { $0.conditions.isEmpty }
    timings = c.steps.map(\.timing)
  }
}

extension CollectionsRun {
  /// Where a cadence's tasks go: the queue its first task names, else `collections`.
  func taskQueue(_ c: CompiledCadence) -> String {
    for s in c.steps {
      for a in s.actions { if case .task(_, "queue", let q) = a { return q } }
    }
    return "collections"
  }
}

/// A customer's open invoices in one currency, summed: `customer.balance` and the other totals the rules read.
struct CustomerTotals {
  var currency: Currency
  var balance = Fixed.zero
  var overdue = Fixed.zero
  var count = 0
  var oldest = 0
}

/// Lines explaining one invoice's outcome.
final class WhyLog {
  var lines: [String] = []
}

/// One cadence's step dates for recent due dates, direct-mapped on the due day (a due date evicts the one
/// `size` days apart).
struct StepDateCache {
  static let size = 2048
  let steps: Int
  var due: [Int32]
  var dates: [CivilDate]

  init(steps: Int) {
    self.steps = steps
    due = Array(repeating: .min, count: StepDateCache.size)
    dates = Array(repeating: CivilDate(dayNumber: 0), count: StepDateCache.size * steps)
  }

  /// Where the dates for `d` start in `dates`, when known.
  @inline(__always) func find(_ d: CivilDate) -> Int? {
    let slot = Int(d.dayNumber) & (StepDateCache.size - 1)
    return due[slot] == d.dayNumber ? slot * steps : nil
  }

  mutating func store(_ d: CivilDate, _ values: [CivilDate]) {
    let slot = Int(d.dayNumber) & (StepDateCache.size - 1)
    due[slot] = d.dayNumber
    for k in 0..<steps { dates[slot * steps + k] = values[k] }
  }
}

/// Runs the dunning cadences against open invoices as of a date.
public enum Collections {
  /// Produces the reminders due as of `asOf`. `history` holds what was produced before (the journal),
  /// in addition to the data folder's reminders.csv; nothing in it is produced again. Without `explanations`,
  /// reminders leave out why they fired (cheaper for large text runs).
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, history: [SentReminder] = [], whyNot: String? = nil,
    extraInvoices: [OpenInvoice] = [], explanations: Bool = true, parallelAt: Int = Collections.parallelThreshold
  ) -> CollectionsResult {
    let all = data.collections.sent + history
    var run = CollectionsRun(plan: plan, data: data, asOf: asOf, history: all, whyNot: whyNot, explaining: explanations)
    let (byCustomer, open) = run.prepare(extraInvoices)
    PhaseLog.mark("dunning: open invoices by customer")
    let n = byCustomer.customers
    guard open >= parallelAt, n >= 2 else {
      let (reminders, failures) = run.process(0..<n, byCustomer)
      var r = CollectionsResult(asOf: asOf, reminders: reminders, openInvoices: open, whyNot: run.why?.lines, failures: failures)
      r.waitingForReview = run.held.sorted()
      return r
    }
    // Customers are independent: they are cut into chunks of about the same number of open invoices, which this
    // thread and a second one take in turn, each with its own run state (environment, caches); results are joined
    // in customer order, as one pass gives them.
    var other = CollectionsRun(plan: plan, data: data, asOf: asOf, history: all, whyNot: whyNot, explaining: explanations, why: run.why)
    other.invoices = run.invoices
    let parts = min(n, 64)
    let bounds = (0...parts).map { k in k == 0 ? 0 : k == parts ? n : byCustomer.customer(at: open * k / parts) }
    let boxes = [CollectionsBox(run, byCustomer), CollectionsBox(other, byCustomer)]
    var reminders: [Reminder] = []
    var failures: [RunFailure] = []
    TwoThreads.chunks(
      parts, { thread, k in boxes[thread].run.process(bounds[k]..<max(bounds[k], bounds[k + 1]), boxes[thread].byCustomer) },
      inOrder: { r in
        reminders.moveAppend(&r.0, placeholder: .placeholder)
        failures += r.1
      })
    PhaseLog.mark("dunning: reminders")
    var r = CollectionsResult(asOf: asOf, reminders: reminders, openInvoices: open, whyNot: run.why?.lines, failures: failures)
    r.waitingForReview = (boxes[0].run.held + boxes[1].run.held).sorted()
    return r
  }

  /// Runs of at least this many open invoices use two threads.
  public static let parallelThreshold = 50_000
}

/// One thread's run state (the thread owns it while the chunks run).
final class CollectionsBox: @unchecked Sendable {
  var run: CollectionsRun
  let byCustomer: CustomerLists
  init(_ run: CollectionsRun, _ byCustomer: CustomerLists) {
    self.run = run
    self.byCustomer = byCustomer
  }
}

/// One run's state: prepared tables, then a pass over customers.
struct CollectionsRun {
  let plan: ExecutablePlan
  let data: Dataset
  let asOf: CivilDate
  let env: Env
  let whyNot: String?
  /// Whether reminders carry their explanations (for --explain, JSON and apply; text output skips them).
  let explaining: Bool
  var calendars: [BusinessCalendar] = []
  /// Keys already produced.
  var sentKeys: Set<String> = []
  /// Latest step index sent per invoice id and cadence index.
  var stepSent: [String: [Int: (step: Int, key: String, date: CivilDate)]] = [:]
  /// Date of the latest reminder to each customer (by id), on or before the as-of date.
  var lastContact: [String: CivilDate] = [:]
  var failures: [RunFailure] = []
  /// The invoice being considered (the record a failure is reported on).
  var current = -1
  /// Invoices whose due step is held because a payment for them waits for review.
  var held: [String] = []
  /// The customer's totals per currency, and the currency whose totals its record holds.
  var totals: [CustomerTotals] = []
  var totalsCurrency: Currency?
  /// The calendar index set in `env.calendar` (-1: none, -2: not set yet).
  var calendarInUse = -2
  /// Step dates of the invoice being considered (reused: one allocation per run, not per invoice).
  var dateBuffer: [CivilDate] = []
  /// Step dates by due date, per cadence: invoices share few due dates, and business-day arithmetic is not free.
  var stepDates: [StepDateCache] = []
  /// The lines `--why-not` shows (a reference, so noting does not need exclusive access to the run).
  let why: WhyLog?
  /// Promises and payment plans by customer index.
  var promisesOf: [Int32: [Int]] = [:]
  var plansOf: [Int32: [Int]] = [:]
  /// The cadences behind references, with their step offsets at hand: the per-invoice path copies a reference,
  /// not a struct of arrays and strings.
  let boxes: [CadenceBox]
  /// The invoices looked at (the data's, plus a forecast's).
  var invoices: [OpenInvoice] = []
  /// A sum of the words read ahead of their use (kept only so those reads happen).
  var touches: UInt64 = 0
  /// The invoices file, as every covered invoice's source names it: this run's own copy of the string, so two
  /// runs on two threads do not count references on one string (its count would move between the cores).
  let invoicesFile: String?
  /// Slot of each built-in invoice field (`InvoiceField` order), -1 when the rules never read it.
  let invoiceFieldSlots: [Int]
  /// Custom invoice fields the rules read: (index in `OpenInvoice.custom`, slot), and their values when missing.
  let customInvoiceSlots: [(Int, Int)]
  let customInvoiceDefaults: [RValue]
  /// Per cadence: whether its `applies when` conditions read only the customer (then they are evaluated once
  /// per customer), and the results for the current customer.
  let appliesPerCustomer: [Bool]
  /// -2: not evaluated yet for this customer; -1: all hold; else the index of the first that does not.
  var appliesCache: [Int] = []
  /// The same for `pause when`: whether a cadence's read only the customer, and per customer -2 (not yet),
  /// -1 (none holds) or the index of the first that holds.
  let pausePerCustomer: [Bool]
  var pauseCache: [Int] = []
  /// Slot of `customer.credit_hold`.
  let creditHoldSlot: Int?
  /// Slots of the customer fields a run fills in or reads per customer (resolved once, not by name per customer).
  let totalSlots: (balance: Int?, overdue: Int?, count: Int?, oldest: Int?)
  let emailSlots: [Int]
  let phoneSlots: [Int]
  // Field slots.
  let invoiceSlots: [String: Int]
  let customerSlots: [String: Int]
  let invoiceFieldCount: Int
  let firstCustomInvoiceSlot: Int

  init(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, history: [SentReminder], whyNot: String?, explaining: Bool, why: WhyLog? = nil
  ) {
    self.explaining = explaining
    invoicesFile = data.invoicesFile.map { String(decoding: Array($0.utf8), as: UTF8.self) }
    self.plan = plan
    self.data = data
    self.asOf = asOf
    self.whyNot = whyNot
    env = Env(asOf: asOf)
    for l in plan.lets { env.lets.append(l.eval(env)) }
    let p = plan.program
    let inv = p.fields(of: .invoice)
    invoiceSlots = Dictionary(inv.map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    var read = Set<Int>()
    for r in p.resolutions { if case .field(.invoice, let slot)? = r { read.insert(slot) } }
    let slots = invoiceSlots
    invoiceFieldSlots = InvoiceField.allCases.map { f in slots[f.rawValue].flatMap { read.contains($0) ? $0 : nil } ?? -1 }
    let firstCustom = inv.first { $0.isCustom }?.index ?? inv.count
    customInvoiceSlots = inv.filter { $0.isCustom && read.contains($0.index) }.map { ($0.index - firstCustom, $0.index) }
    customInvoiceDefaults = customInvoiceSlots.map {
      plan.fieldDefault(.invoice, $0.1) ?? Schemas.value(.missing, inv[$0.1].type, currency: nil)
    }
    appliesPerCustomer = plan.cadences.map { !$0.applies.contains { $0.readsInvoice } }
    boxes = plan.cadences.map(CadenceBox.init)
    pausePerCustomer = plan.cadences.map { !$0.pauseWhen.contains { $0.readsInvoice } }
    invoiceFieldCount = inv.count
    firstCustomInvoiceSlot = inv.first { $0.isCustom }?.index ?? inv.count
    customerSlots = Dictionary(p.fields(of: .customer).map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    creditHoldSlot = customerSlots["credit_hold"]
    totalSlots = (
      customerSlots["balance"], customerSlots["overdue_balance"], customerSlots["overdue_count"], customerSlots["oldest_overdue_days"]
    )
    let fields = customerSlots
    emailSlots = ["billing_email", "email"].compactMap { fields[$0] }
    phoneSlots = ["phone"].compactMap { fields[$0] }
    for (ci, c) in plan.calendars.enumerated() {
      var days: [CivilDate] = []
      for h in c.holidays {
        if case .date(let d) = h.date.eval(env) { days.append(d) }
      }
      days += data.collections.holidays[ci] ?? []
      calendars.append(BusinessCalendar(weekend: c.weekend, holidays: days) ?? .weekendsOnly)
    }
    let cadenceIndex = Dictionary(plan.cadences.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
    for h in history {
      sentKeys.insert(h.key)
      if h.contacted, h.date <= asOf, (lastContact[h.customer].map { $0 < h.date } ?? true) { lastContact[h.customer] = h.date }
      guard let ci = cadenceIndex[h.cadence], let si = plan.cadences[ci].steps.firstIndex(where: { $0.name == h.step }) else { continue }
      for id in h.invoices {
        if let prev = stepSent[id]?[ci], prev.step >= si { continue }
        stepSent[id, default: [:]][ci] = (si, h.key, h.date)
      }
    }
    self.why = whyNot == nil ? nil : (why ?? WhyLog())
    for (k, p) in data.collections.promises.enumerated() { promisesOf[p.customer, default: []].append(k) }
    for (k, p) in data.collections.paymentPlans.enumerated() { plansOf[p.customer, default: []].append(k) }
  }

  /// Whether a promise or plan row (invoice index or -1 for all) covers the invoice.
  func covers(_ target: Int32, _ i: Int) -> Bool { target < 0 || Int(target) == i }

  func calendar(_ c: CompiledCadence) -> BusinessCalendar { c.calendar.map { calendars[$0] } ?? .weekendsOnly }

  /// The day a step falls for a due date: business days counted on the cadence's calendar; a step on a
  /// non-business day moves to the next business day (unless the cadence says `send on any day`).
  func stepDate(_ s: CompiledStep, due: CivilDate, _ cal: BusinessCalendar, move: Bool) -> CivilDate {
    stepDate(offset: s.offset, business: s.business, due: due, cal, move: move)
  }

  @inline(__always) func stepDate(offset: Int, business: Bool, due: CivilDate, _ cal: BusinessCalendar, move: Bool) -> CivilDate {
    if business && offset != 0 { return cal.adding(businessDays: offset, to: due) ?? due }
    let d = due.adding(days: offset) ?? due
    return move ? cal.nextBusinessDay(onOrAfter: d) ?? d : d
  }

  /// Invoice i's open amount, disputed amounts left out or not (fields read in place: see `OpenInvoice.open`).
  @inline(__always) func openAmount(_ i: Int, disputedExcluded: Bool) -> Fixed {
    OpenInvoice.open(invoices[i].amount, paid: invoices[i].paid, disputed: disputedExcluded ? invoices[i].disputed : .zero)
  }

  func note(_ invoiceID: String, _ line: @autoclosure () -> String) {
    if invoiceID == whyNot { why?.lines.append(line()) }
  }

  /// The same for the invoice at index `i`: its id is read only when `--why-not` asks about an invoice (reading
  /// a million ids, each its own string somewhere in memory, is a cache miss each).
  func note(_ i: Int, _ line: @autoclosure () -> String) {
    if let whyNot, invoices[i].id == whyNot { why?.lines.append(line()) }
  }

  /// Whether condition k holds, read in place: a copy of a condition retains its closure and texts, which both
  /// threads share (their reference counts would move between the cores).
  mutating func holds(_ conditions: [CCondition], _ k: Int) -> Bool {
    env.reset()
    let v = conditions[k].expr.eval(env)
    if let f = env.failure {
      fail(f)
      return false
    }
    return v.isTrue
  }

  /// The first condition that does not hold, or nil when all do.
  mutating func firstFailing(_ conditions: [CCondition]) -> Int? {
    for k in conditions.indices where !holds(conditions, k) { return k }
    return nil
  }

  /// A rule that could not be evaluated on the invoice being considered (the run stops).
  mutating func fail(_ f: EvalFailure) {
    failures.append(plan.failure(f, current >= 0 ? "invoice \(invoices[current].id)" : "the rule set's definitions"))
  }

  /// A computation that failed on an invoice (the run stops).
  mutating func fail(_ message: String, _ rule: RuleRef, _ inv: OpenInvoice) {
    failures.append(RunFailure(message: message, rule: rule, subject: "invoice \(inv.id)"))
  }

  /// The fields a condition reads, with their current values: " (invoice.balance = 120.00 USD)".
  func seen(_ c: CCondition) -> String {
    var parts: [String] = []
    for f in c.fields {
      let rec = env.records[f.record.index]
      guard f.slot < rec.count else { continue }
      let value: String
      if case .money(let m, let cur) = rec[f.slot] { value = money(m, cur) } else { value = rec[f.slot].description }
      parts.append("\(f.record.rawValue).\(f.name) = \(value)")
    }
    return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
  }

  /// A condition as the explanation shows it.
  func show(_ c: CCondition, _ result: Bool) -> String { "'\(c.text)' is \(result)\(seen(c))" }

  // MARK: The pass

  struct Candidate {
    var invoice: Int
    var cadence: Int
    var step: Int
    var stepDate: CivilDate
    /// The first step not sent yet (steps from it up to `step` whose dates passed are skipped).
    var firstUnsent: Int
    var brokenPromises: [PromiseToPay]
    var balance: Fixed
    var disputed: Fixed
  }

  /// Gathers the open invoices (the data's and `extra`) by customer, in file order within each.
  mutating func prepare(_ extra: [OpenInvoice]) -> (byCustomer: CustomerLists, open: Int) {
    invoices = extra.isEmpty ? data.invoices : data.invoices + extra
    if let whyNot, let i = invoices.firstIndex(where: { $0.id == whyNot }) {
      let inv = invoices[i]
      if inv.status != .open { why?.lines.append("invoice \(inv.id) is \(inv.status.rawValue): only open invoices are dunned") }
      if inv.isCreditNote { why?.lines.append("\(inv.id) is a credit note: credit notes are not dunned") }
      if inv.status == .open && !inv.isCreditNote && inv.unpaid <= .zero { why?.lines.append("invoice \(inv.id) has nothing left to pay") }
    }
    // Fields read one by one (copying an invoice would retain its strings).
    let lists = CustomerLists(customers: data.customers.count, invoices.count) { i in
      invoices[i].status == .open && !invoices[i].isCreditNote && OpenInvoice.open(invoices[i].amount, paid: invoices[i].paid) > .zero
        ? invoices[i].customer : -1
    }
    return (lists, lists.items.count)
  }

  /// The reminders of the customers in `range` (oldest due date first within each), and the failures met on them.
  /// Reads a word of each cache line of the listed invoices (where their fields are), so they are in the cache.
  @inline(__always) static func touch<C: Collection<Int32>>(_ invoices: [OpenInvoice], _ list: C) -> UInt64 {
    invoices.withUnsafeBufferPointer { b in
      let base = UnsafeRawPointer(b.baseAddress!)
      var sum: UInt64 = 0
      for i in list where Int(i) < b.count {
        let p = base + Int(i) * MemoryLayout<OpenInvoice>.stride
        var at = 0
        while at + 8 <= MemoryLayout<OpenInvoice>.size {
          sum &+= p.load(fromByteOffset: at, as: UInt64.self)
          at += 64
        }
      }
      return sum
    }
  }

  mutating func process(_ range: Range<Int>, _ byCustomer: CustomerLists) -> ([Reminder], [RunFailure]) {
    var reminders: [Reminder] = []
    failures.removeAll()
    let cust = RecordKind.customer.index
    let invRec = RecordKind.invoice.index
    env.records[invRec] = Array(repeating: .text(""), count: invoiceFieldCount)
    var list: [Int32] = []
    var byDue: [(due: Int32, invoice: Int32)] = []
    var candidates: [Candidate] = []
    appliesCache = Array(repeating: -2, count: plan.cadences.count)
    pauseCache = appliesCache
    var touched: UInt64 = 0
    var ahead = range.lowerBound
    for c in range where !byCustomer.isEmpty(c) {
      // The next customer's invoices are read ahead, all at once, so their cache misses overlap one another
      // and this customer's work (read one by one as the work needs them, each would wait for memory alone).
      if ahead <= c {
        ahead = c + 1
        while ahead < range.upperBound && byCustomer.isEmpty(ahead) { ahead += 1 }
        if ahead < range.upperBound { touched &+= CollectionsRun.touch(invoices, byCustomer[ahead]) }
      }
      list.removeAll(keepingCapacity: true)
      list.append(contentsOf: byCustomer[c])
      if list.count > 1 {
        // Oldest due date first; the id breaks ties (compared only then: strings are the slow part). Each due
        // date is read once (a comparison reading it from the invoice would cost a cache miss).
        byDue.removeAll(keepingCapacity: true)
        for i in list { byDue.append((invoices[Int(i)].dueDate.dayNumber, i)) }
        byDue.sort { a, b in a.due != b.due ? a.due < b.due : OpenInvoice.idPrecedes(invoices, Int(a.invoice), Int(b.invoice)) }
        for k in byDue.indices { list[k] = byDue[k].invoice }
      }
      // The customer's totals per currency of its open invoices: an invoice sees those of its own currency.
      totals.removeAll(keepingCapacity: true)
      for i in list {
        let cur = invoices[Int(i)].currency
        let k = totals.firstIndex { $0.currency == cur } ?? {
          totals.append(CustomerTotals(currency: cur))
          return totals.count - 1
        }()
        let open = openAmount(Int(i), disputedExcluded: true)
        let due = invoices[Int(i)].dueDate
        totals[k].balance = exactSum(totals[k].balance, open, i)
        if due < asOf {
          totals[k].overdue = exactSum(totals[k].overdue, open, i)
          totals[k].count += 1
          totals[k].oldest = max(totals[k].oldest, Int(asOf.dayNumber - due.dayNumber))
        }
      }
      env.records[cust] = data.customers[c].record
      totalsCurrency = nil
      candidates.removeAll(keepingCapacity: true)
      for i in list {
        if let cand = consider(Int(i), c) { candidates.append(cand) }
      }
      if candidates.isEmpty { continue }
      produce(candidates, invoices, c, into: &reminders)
    }
    touches &+= touched
    return (reminders, failures)
  }

  /// The calendar business-day arithmetic in conditions uses (set only when it changes: it is a struct of arrays).
  mutating func useCalendar(_ index: Int?) {
    let k = index ?? -1
    if k == calendarInUse { return }
    calendarInUse = k
    env.calendar = index.map { calendars[$0] }
  }

  /// Fills the invoice record for the rules (only the fields they read).
  mutating func load(_ i: Int, disputedExcluded: Bool) {
    let r = RecordKind.invoice.index
    let s = invoiceFieldSlots
    // Fields read one by one, and only those the rules read: copying the invoice would retain its strings.
    let cur = invoices[i].currency
    if s[0] >= 0 { env.records[r][s[0]] = .text(invoices[i].id) }
    if s[1] >= 0 { env.records[r][s[1]] = .text(invoices[i].number) }
    if s[2] >= 0 { env.records[r][s[2]] = .record(.customer) }
    if s[3] >= 0 { env.records[r][s[3]] = .date(invoices[i].issueDate) }
    if s[4] >= 0 { env.records[r][s[4]] = .date(invoices[i].dueDate) }
    if s[5] >= 0 { env.records[r][s[5]] = .currency(cur) }
    if s[6] >= 0 { env.records[r][s[6]] = .money(invoices[i].amount, cur) }
    if s[7] >= 0 { env.records[r][s[7]] = .money(invoices[i].paid, cur) }
    if s[8] >= 0 { env.records[r][s[8]] = .money(invoices[i].disputed, cur) }
    if s[9] >= 0 { env.records[r][s[9]] = .money(openAmount(i, disputedExcluded: disputedExcluded), cur) }
    if s[10] >= 0 { env.records[r][s[10]] = .days(Int64(max(0, asOf.dayNumber - invoices[i].dueDate.dayNumber))) }
    if s[11] >= 0 { env.records[r][s[11]] = .text(invoices[i].status.rawValue) }
    if s[12] >= 0 { env.records[r][s[12]] = .text(invoices[i].reference) }
    if customInvoiceSlots.isEmpty { return }
    let custom = invoices[i].custom
    for (n, (k, slot)) in customInvoiceSlots.enumerated() {
      // Invoices without values (a forecast's) get the field's default, never the previous invoice's value.
      env.records[r][slot] = k < custom.count ? custom[k] : customInvoiceDefaults[n]
    }
  }

  /// Puts the customer's totals in `currency` into its record (a change of currency also forgets the answers of
  /// conditions that read only the customer: they may read the totals).
  mutating func useTotals(_ currency: Currency) {
    guard totalsCurrency != currency, let t = totals.first(where: { $0.currency == currency }) else { return }
    totalsCurrency = currency
    let cust = RecordKind.customer.index
    func set(_ slot: Int?, _ v: RValue) { if let s = slot, s < env.records[cust].count { env.records[cust][s] = v } }
    set(totalSlots.balance, .money(t.balance, currency))
    set(totalSlots.overdue, .money(t.overdue, currency))
    set(totalSlots.count, .number(Fixed(t.count)))
    set(totalSlots.oldest, .days(Int64(t.oldest)))
    for k in appliesCache.indices {
      appliesCache[k] = -2
      pauseCache[k] = -2
    }
  }

  /// A total of open amounts (a sum too large to represent stops the run).
  mutating func exactSum(_ a: Fixed, _ b: Fixed, _ i: Int32) -> Fixed {
    if let s = a.adding(b) { return s }
    fail("the customer's open balance is too large to add up", RuleRef(file: invoicesFile ?? "invoices", line: Int(invoices[Int(i)].line), column: 1), invoices[Int(i)])
    return a
  }

  /// Decides what one open invoice calls for: a step to send, or nothing (with the reason noted).
  mutating func consider(_ i: Int, _ c: Int) -> Candidate? {
    guard let candidate = considerSteps(i, c) else { return nil }
    // A payment for it waits for review: the step is held (the result lists it; --why-not says which payment).
    if !data.awaitingReview.isEmpty, let w = data.awaitingReview[Int32(i)] {
      note(i, "step \(boxes[candidate.cadence].c.steps[candidate.step].name) is due, but held: \(w)")
      held.append(invoices[i].id)
      return nil
    }
    return candidate
  }

  mutating func considerSteps(_ i: Int, _ c: Int) -> Candidate? {
    current = i
    useTotals(invoices[i].currency)
    // Fields read one by one: copying the whole invoice would retain all its strings.
    let currency = invoices[i].currency
    let customer = invoices[i].customer
    let due = invoices[i].dueDate
    load(i, disputedExcluded: true)
    // 1. The first cadence that applies.
    var chosen: Int?
    var disputedOut = true
    for k in boxes.indices {
      let cad = boxes[k]
      // Each cadence sees the balance its own 'pause on dispute' defines; and its calendar.
      if cad.c.pauseOnDispute != disputedOut, invoiceFieldSlots[9] >= 0 {
        disputedOut = cad.c.pauseOnDispute
        env.records[RecordKind.invoice.index][invoiceFieldSlots[9]] = .money(openAmount(i, disputedExcluded: disputedOut), currency)
      }
      useCalendar(cad.c.calendar)
      if let cur = cad.c.currency, cur != currency {
        note(i, "cadence \(cad.c.name) (\(cad.c.source)) takes only \(cur.code) invoices; this one is in \(currency.code)")
        continue
      }
      let failing: Int?
      if appliesPerCustomer[k], appliesCache[k] != -2 {
        failing = appliesCache[k] < 0 ? nil : appliesCache[k]
      } else {
        failing = cad.c.applies.isEmpty ? nil : firstFailing(cad.c.applies)
        if appliesPerCustomer[k] { appliesCache[k] = failing ?? -1 }
      }
      if let a = failing {
        note(i, "cadence \(cad.c.name) (\(cad.c.source)) does not apply: \(show(cad.c.applies[a], false))")
      } else {
        chosen = k
        break
      }
    }
    guard let ck = chosen else {
      note(i, "no cadence applies to invoice \(invoices[i].id)")
      return nil
    }
    let box = boxes[ck]
    useCalendar(box.c.calendar)
    var broken: [PromiseToPay] = []
    // 2. Pauses.
    disputedOut = box.c.pauseOnDispute
    if invoiceFieldSlots[9] >= 0 {
      env.records[RecordKind.invoice.index][invoiceFieldSlots[9]] = .money(openAmount(i, disputedExcluded: disputedOut), currency)
    }
    let open = openAmount(i, disputedExcluded: disputedOut)
    if open <= .zero {
      note(i, "paused by cadence \(box.c.name): the whole open amount (\(openAmount(i, disputedExcluded: false)) \(currency.code)) is disputed ('pause on dispute')")
      return nil
    }
    if box.c.pauseOnCreditHold, let s = creditHoldSlot, case .bool(true) = env.records[RecordKind.customer.index][s] {
      note(i, "paused by cadence \(box.c.name): the customer is on credit hold ('pause on credit hold')")
      return nil
    }
    if box.c.pauseOnPromise {
      for pk in promisesOf[customer] ?? [] where covers(data.collections.promises[pk].invoice, i) {
        let p = data.collections.promises[pk]
        if asOf <= p.promisedDate {
          note(i, "paused by cadence \(box.c.name): promise to pay by \(p.promisedDate) (\(p.source))")
          return nil
        }
        broken.append(p)
      }
    }
    if box.c.pauseOnPaymentPlan {
      for pk in plansOf[customer] ?? [] where covers(data.collections.paymentPlans[pk].invoice, i) {
        let p = data.collections.paymentPlans[pk]
        if p.active && p.start <= asOf && (p.end.map { asOf <= $0 } ?? true) {
          note(i, "paused by cadence \(box.c.name): payment plan \(p.id) from \(p.start)\(p.end.map { " to \($0)" } ?? "") (\(p.source))")
          return nil
        }
      }
    }
    if !box.c.pauseWhen.isEmpty {
      // Conditions that read only the customer hold for all its invoices: evaluated once per customer.
      var holding = -1
      if pausePerCustomer[ck], pauseCache[ck] != -2 {
        holding = pauseCache[ck]
      } else {
        for k in box.c.pauseWhen.indices where holds(box.c.pauseWhen, k) {
          holding = k
          break
        }
        if pausePerCustomer[ck] { pauseCache[ck] = holding }
      }
      if holding >= 0 {
        note(i, "paused by cadence \(box.c.name): pause when \(show(box.c.pauseWhen[holding], true))")
        return nil
      }
    }
    // 3. The latest step due whose condition holds.
    var chosenStep: Int?
    dateBuffer.removeAll(keepingCapacity: true)
    if stepDates.isEmpty { stepDates = boxes.map { StepDateCache(steps: $0.offsets.count) } }
    if let base = stepDates[ck].find(due) {
      dateBuffer.append(contentsOf: stepDates[ck].dates[base..<base + box.offsets.count])
    } else {
      let cal = box.c.calendar.map { calendars[$0] } ?? .weekendsOnly
      for j in box.offsets.indices { dateBuffer.append(stepDate(offset: box.offsets[j], business: box.business[j], due: due, cal, move: box.c.sendOnBusinessDays)) }
      stepDates[ck].store(due, dateBuffer)
    }
    let dates = dateBuffer
    for k in box.c.steps.indices.reversed() where dates[k] <= asOf {
      if box.conditionless[k] {
        chosenStep = k
        break
      }
      if let f = firstFailing(box.c.steps[k].conditions) {
        note(i, "step \(box.c.steps[k].name) fell on \(dates[k]) but its condition does not hold: \(show(box.c.steps[k].conditions[f], false))")
      } else {
        chosenStep = k
        break
      }
    }
    guard let sk = chosenStep else {
      if let next = box.c.steps.indices.first(where: { dates[$0] > asOf }) {
        note(i, "not yet due: the next step of cadence \(box.c.name), \(box.c.steps[next].name) (\(box.c.steps[next].timing)), falls on \(dates[next])")
      } else {
        note(i, "no step of cadence \(box.c.name) applies")
      }
      return nil
    }
    let last = stepSent.isEmpty ? nil : stepSent[invoices[i].id]?[ck]
    if let last, last.step >= sk {
      let sentName = box.c.steps[last.step].name
      var text = "already sent: step \(sentName) of cadence \(box.c.name) on \(last.date) (\(last.key))"
      if let next = box.c.steps.indices.first(where: { $0 > last.step && dates[$0] > asOf }) {
        text += "; the next step, \(box.c.steps[next].name), falls on \(dates[next])"
      }
      note(i, text)
      return nil
    }
    let from = (last?.step ?? -1) + 1
    return Candidate(
      invoice: i, cadence: ck, step: sk, stepDate: dates[sk], firstUnsent: from, brokenPromises: broken, balance: open,
      disputed: disputedOut ? invoices[i].disputed : .zero)
  }

  /// Turns a customer's candidates into reminders: grouped per cadence and currency when the cadence says
  /// so (the oldest invoice drives the step), subject to the minimum gap.
  mutating func produce(_ candidates: [Candidate], _ invoices: [OpenInvoice], _ c: Int, into out: inout [Reminder]) {
    // The customer's and (below) the driving invoice's fields read in place: a copy of either would retain all
    // its strings, for every reminder.
    let (customerID, customerSource) = (data.customers[c].id, data.customers[c].source)
    var contactedNow = false
    var groups: [[Candidate]] = []
    // Group keys (cadence and currency) with their group: a customer has few, so a list searched in order.
    var groupOf: [(key: Int, group: Int)] = []
    for cand in candidates {
      if boxes[cand.cadence].c.grouped {
        let g = cand.cadence << 32 | Int(invoices[cand.invoice].currency.packed)
        if let k = groupOf.first(where: { $0.key == g })?.group {
          groups[k].append(cand)
          continue
        }
        groupOf.append((g, groups.count))
      }
      groups.append([cand])
    }
    for group in groups {
      let driver = group[0]
      let (driverID, currency) = (invoices[driver.invoice].id, invoices[driver.invoice].currency)
      let cad = boxes[driver.cadence].c
      let step = cad.steps[driver.step]
      let key = "\(driverID)/\(cad.name)/\(step.name)"
      if !sentKeys.isEmpty, sentKeys.contains(key) {
        for g in group { note(g.invoice, "already produced: \(key)") }
        continue
      }
      let sends = step.actions.contains { if case .send = $0 { return true } else { return false } }
      if sends, let gap = cad.minimumGap, let last = contactedNow ? asOf : lastContact[customerID] {
        let cal = calendar(cad)
        let after = gap.business ? (cal.adding(businessDays: gap.days, to: last) ?? last) : (last.adding(days: gap.days) ?? last)
        // Like a step, a reminder held back by the gap goes out on a business day.
        let next = cad.sendOnBusinessDays ? cal.nextBusinessDay(onOrAfter: after) ?? after : after
        if asOf < next {
          for g in group {
            note(
              g.invoice,
              "minimum gap of \(gap.days) \(gap.business ? "business " : "")days (\(cad.source)): the customer was last reminded on \(last); next reminder on \(next) at the earliest")
          }
          continue
        }
      }
      load(driver.invoice, disputedExcluded: cad.pauseOnDispute)
      current = driver.invoice
      useTotals(currency)
      var covered: [CoveredInvoice] = []
      var total = Fixed.zero
      var sources = [customerSource]
      covered.reserveCapacity(group.count)
      sources.reserveCapacity(group.count + 1)
      for g in group {
        // Fields read one by one (a copy of the invoice would retain all its strings).
        let k = g.invoice
        let due = invoices[k].dueDate
        covered.append(
          CoveredInvoice(
            ref: InvoiceRef(invoices, k), dueDate: due, daysOverdue: max(0, Int(asOf.dayNumber - due.dayNumber)), balance: g.balance,
            disputed: g.disputed))
        total = exactSum(total, g.balance, Int32(k))
        if let f = invoicesFile { sources.append(RowRef(file: f, line: Int(invoices[k].line))) }
        if k != driver.invoice { note(k, "covered by reminder \(key), driven by the oldest invoice \(driverID)") }
      }
      note(driverID, "fires: reminder \(key)")
      var explanation = explaining ? explain(driver, invoices[driver.invoice]) : []
      if explaining && group.count > 1 {
        explanation.append("one reminder per customer: covers \(group.count) invoices; the oldest, \(driverID), drives the step")
      }
      var messages: [ReminderMessage] = []
      var actions: [CollectionAction] = []
      for a in step.actions {
        switch a {
        case .send(let ch, let template, let to, let cc):
          var recipients = texts(to, step.source)
          if recipients.isEmpty && to.isEmpty {
            // The customer's own: its billing e-mail (else e-mail) for e-mails, its phone for texts.
            let slots = ch == .sms ? phoneSlots : emailSlots
            recipients = slots.compactMap { s in
              if case .text(let t) = env.records[RecordKind.customer.index][s], !t.isEmpty { return t }
              return nil
            }.prefix(1).map { $0 }
          }
          // A message nobody can receive is not sent: a person is asked to find the address (a letter goes by post).
          if recipients.isEmpty && ch != .letter {
            let queue = taskQueue(cad)
            actions.append(
              CollectionAction(
                kind: "task", detail: "no \(ch.rawValue) recipient on file for '\(template)': find one and send it (queue \(queue))", amount: nil,
                explanation: ["the step's \(ch.rawValue) '\(template)' has no recipient on file (\(step.source))"], noRecipient: true))
            continue
          }
          messages.append(ReminderMessage(channel: ch.rawValue, template: template, to: recipients, cc: texts(cc, step.source)))
        case .task(let title, let kind, let who):
          actions.append(CollectionAction(kind: "task", detail: "\(title) (\(kind) \(who))", amount: nil, explanation: []))
        case .escalate(let who):
          actions.append(CollectionAction(kind: "escalate", detail: "escalate to \(who)", amount: nil, explanation: []))
        case .suspend:
          actions.append(CollectionAction(kind: "suspend service", detail: "suspend service", amount: nil, explanation: []))
        case .writeOff:
          actions.append(
            CollectionAction(
              kind: "write-off proposal", detail: "propose writing off \(money(total, currency))", amount: total,
              explanation: ["the open balance of the covered invoices"]))
        case .agency(let name):
          actions.append(
            CollectionAction(
              kind: "agency", detail: "hand over \(money(total, currency)) to agency \(name)", amount: total,
              explanation: ["the open balance of the covered invoices"]))
        case .lateFee(let fixed, let percent):
          actions.append(lateFee(fixed, percent, total, invoices[driver.invoice], cad, step))
        case .interest(let rate, let dayCount):
          actions.append(interest(rate, dayCount, group, invoices, invoices[driver.invoice], cad, step))
        }
      }
      let reminder = Reminder(
        key: key, date: asOf, customerID: customerID, customerName: data.customers[c].name, cadence: cad.name, cadenceLabel: cad.label,
        step: step.name, stepLabel: step.label, stepDate: driver.stepDate, timing: boxes[driver.cadence].timings[driver.step], invoices: covered,
        currency: currency, total: total, messages: messages, actions: actions, skipped: skipped(driver, invoices[driver.invoice].dueDate), rule: step.source,
        explanation: explanation, sources: sources)
      // (Read by this customer's later groups: each customer is seen once a run.)
      if reminder.contactsCustomer { contactedNow = true }
      out.append(reminder)
    }
  }

  /// Steps a catch-up skips for a candidate: those after the last sent, before the one sent now, whose dates passed.
  func skipped(_ c: Candidate, _ due: CivilDate) -> [String] {
    if c.firstUnsent >= c.step { return [] }
    let box = boxes[c.cadence]
    // The step dates `consider` worked out for this due date, when still cached.
    if c.cadence < stepDates.count, let base = stepDates[c.cadence].find(due) {
      return (c.firstUnsent..<c.step).filter { stepDates[c.cadence].dates[base + $0] <= asOf }.map { box.c.steps[$0].name }
    }
    let cal = calendar(box.c)
    return (c.firstUnsent..<c.step).filter { stepDate(box.c.steps[$0], due: due, cal, move: box.c.sendOnBusinessDays) <= asOf }.map { box.c.steps[$0].name }
  }

  /// Why a candidate fired (built only for reminders, with the driving invoice loaded): the cadence and
  /// the conditions it saw, broken promises, the step and how its date fell, catch-up.
  func explain(_ c: Candidate, _ inv: OpenInvoice) -> [String] {
    let cad = plan.cadences[c.cadence]
    let step = cad.steps[c.step]
    var out = ["cadence \(cad.name) \"\(cad.label)\" (\(cad.source)): the first in rule order that applies"]
    for a in cad.applies { out.append("  applies when \(show(a, true))") }
    for p in c.brokenPromises { out.append("promise to pay by \(p.promisedDate) (\(p.source)) was not kept: dunning resumed") }
    let calendarName = cad.calendar.map { " on calendar \(plan.calendars[$0].name)" } ?? ""
    out.append("step \(step.name) \"\(step.label)\" (\(step.source)): \(step.timing), due \(inv.dueDate) -> \(c.stepDate)\(calendarName)")
    for cond in step.conditions { out.append("  when \(show(cond, true))") }
    let skip = skipped(c, inv.dueDate)
    if !skip.isEmpty { out.append("catch-up: only the latest step due is sent; skipped \(skip.joined(separator: ", "))") }
    return out
  }

  mutating func texts(_ exprs: [CExpr], _ rule: RuleRef) -> [String] {
    var out: [String] = []
    for e in exprs {
      env.reset()
      let v = e.eval(env)
      if let f = env.failure { fail(f) }
      if case .text(let t) = v, !t.isEmpty { out.append(t) }
    }
    return out
  }

  /// The plan of the invoice's contract (nil: the invoice has no contract).
  func invoicePlan(_ inv: OpenInvoice) -> CompiledPlanSpec? {
    inv.contract >= 0 ? plan.plans[data.contracts[Int(inv.contract)].plan] : nil
  }

  /// A fee or interest step without amounts, on an invoice whose plan states no such terms.
  func noTerms(_ kind: String, _ what: String, _ inv: OpenInvoice) -> CollectionAction {
    CollectionAction(
      kind: kind, detail: "no \(kind): the invoice's plan states no \(kind) terms", amount: nil,
      explanation: ["'\(kind)' without \(what) uses the plan's terms; invoice \(inv.id) has \(inv.contract >= 0 ? "a plan without them" : "no contract")"])
  }

  /// An amount too large to compute: reported as a failure, the action carries no amount.
  mutating func overflow(_ kind: String, _ step: CompiledStep, _ inv: OpenInvoice) -> CollectionAction {
    fail("the \(kind) is too large to compute", step.source, inv)
    return CollectionAction(kind: kind, detail: "\(kind) not computed: the amount is too large", amount: nil, explanation: [])
  }

  func money(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }

  mutating func lateFee(
    _ fixed: CExpr?, _ percent: CExpr?, _ total: Fixed, _ inv: OpenInvoice, _ cad: CompiledCadence, _ step: CompiledStep
  ) -> CollectionAction {
    var fixedE = fixed
    var percentE = percent
    var from = "step \(step.name) (\(step.source))"
    if fixed == nil && percent == nil {
      guard let spec = invoicePlan(inv), let terms = spec.lateFee else { return noTerms("late fee", "amounts", inv) }
      fixedE = terms.fixed
      percentE = terms.percent
      from = "the terms of plan \(spec.name)"
    }
    var fee = Fixed.zero
    var lines: [String] = []
    if explaining { lines.append("late fee from \(from)") }
    env.reset()
    if let f = fixedE {
      var v = f.eval(env)
      // Amounts per currency: the invoice's.
      if case .list(let xs) = v, Arith.isTable(v) { v = Arith.select(xs, inv.currency, env, f.span) }
      switch v {
      case .money(let m, let cur) where cur == inv.currency:
        fee = m
        if explaining { lines.append("fixed part \(money(m, cur))") }
      case .money(_, let cur):
        fail("the late fee is in \(cur.code) but the invoice is in \(inv.currency.code)", fixedE.map { plan.ref($0.span) } ?? step.source, inv)
        return CollectionAction(kind: "late fee", detail: "late fee not computed: currency mismatch", amount: nil, explanation: lines)
      default: break
      }
    }
    if let f = env.failure {
      fail(f)
      return CollectionAction(kind: "late fee", detail: "late fee not computed", amount: nil, explanation: lines)
    }
    if let p = percentE, case .percent(let r) = p.eval(env) {
      guard let part = total.multiplied(by: r), let sum = fee.adding(part) else { return overflow("late fee", step, inv) }
      fee = sum
      if explaining { lines.append("\(r.multiplied(by: Fixed(100))?.description ?? "?")% of \(money(total, inv.currency)) = \(part)") }
    }
    if let f = env.failure {
      fail(f)
      return CollectionAction(kind: "late fee", detail: "late fee not computed", amount: nil, explanation: lines)
    }
    guard let rounded = Money(amount: fee, currency: inv.currency).rounded(cad.rounding)?.amount else { return overflow("late fee", step, inv) }
    if explaining { lines.append("rounded \(cad.rounding.rawValue) to \(money(rounded, inv.currency))") }
    return CollectionAction(kind: "late fee", detail: "late fee \(money(rounded, inv.currency))", amount: rounded, explanation: lines)
  }

  mutating func interest(
    _ rate: CExpr?, _ dayCount: DayCount?, _ group: [Candidate], _ invoices: [OpenInvoice], _ inv: OpenInvoice, _ cad: CompiledCadence,
    _ step: CompiledStep
  ) -> CollectionAction {
    var rateE = rate
    var dc = dayCount ?? .actual365
    var from = "step \(step.name) (\(step.source))"
    if rate == nil {
      guard let spec = invoicePlan(inv), let terms = spec.interest else { return noTerms("interest", "a rate", inv) }
      rateE = terms.rate
      dc = terms.dayCount
      from = "the terms of plan \(spec.name)"
    }
    env.reset()
    guard let re = rateE, case .percent(let r) = re.eval(env) else {
      if let f = env.failure { fail(f) } else { fail("the interest rate is not a percent", step.source, inv) }
      return CollectionAction(kind: "interest", detail: "no interest: the rate did not evaluate", amount: nil, explanation: [])
    }
    var lines: [String] = []
    if explaining { lines.append("interest at \(r.multiplied(by: Fixed(100))?.description ?? "?")% a year, \(dc.rawValue), from \(from)") }
    var total = Fixed.zero
    for g in group {
      // Fields read one by one (a copy of the invoice would retain all its strings).
      let due = invoices[g.invoice].dueDate
      guard due < asOf else { continue }
      guard let part = simpleInterest(principal: g.balance, annualRate: r, dayCount: dc, from: due, to: asOf) else {
        return overflow("interest", step, inv)
      }
      if explaining {
        let x = invoices[g.invoice]
        lines.append("\(x.id): \(money(g.balance, x.currency)) x \(asOf.dayNumber - due.dayNumber) days since \(due) = \(part)")
      }
      guard let sum = total.adding(part) else { return overflow("interest", step, inv) }
      total = sum
    }
    guard let rounded = Money(amount: total, currency: inv.currency).rounded(cad.rounding)?.amount else { return overflow("interest", step, inv) }
    if explaining { lines.append("rounded \(cad.rounding.rawValue) to \(money(rounded, inv.currency))") }
    return CollectionAction(kind: "interest", detail: "interest \(money(rounded, inv.currency))", amount: rounded, explanation: lines)
  }
}
