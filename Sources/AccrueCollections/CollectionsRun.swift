import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import Foundation

/// The steps explaining one invoice's outcome (`--why-not`).
final class WhyLog {
  var steps: [CollectionsStep] = []
}

/// One run's state: prepared tables, then a pass over customers.
struct CollectionsRun {
  /// The rules, the data folder, and the day the run is as of.
  let plan: ExecutablePlan
  let data: Dataset
  let asOf: CivilDate
  /// Where the rules' conditions are evaluated: the invoice and customer records, the lets, the calendar.
  let env: Env
  /// The invoice `--why-not` asks about.
  let whyNot: String?
  /// Whether reminders carry their explanations (for --explain, JSON and apply; text output skips them).
  let explaining: Bool
  /// The plan's business calendars (their holidays, and those of holidays.csv), by index.
  var calendars: [BusinessCalendar] = []
  /// Keys already produced.
  var sentKeys: Set<String> = []
  /// Latest step index sent per invoice id and cadence index (one table: a table per invoice cost an allocation
  /// each, a million of them when the ledger's history is read back).
  var stepSent: [SentStepKey: (step: Int, key: String, date: CivilDate)] = [:]
  /// Date of the latest reminder to each customer (by id), on or before the as-of date.
  var lastContact: [String: CivilDate] = [:]
  /// Rules that could not be evaluated (the run stops).
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
  /// The steps `--why-not` shows (a reference, so noting does not need exclusive access to the run).
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
  /// Slot of each built-in invoice field the rules read.
  let invoiceFields: InvoiceFieldSlots
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
  /// The same for each step's `when` (by `CadenceBox.firstStepSlot` + step): -2 (not yet), -1 (all hold) or the
  /// index of the first that does not.
  var stepCache: [Int] = []
  /// Slot of `customer.credit_hold`.
  let creditHoldSlot: Int?
  /// Slots of the customer fields a run fills in or reads per customer (resolved once, not by name per customer).
  let totalSlots: (balance: Int?, overdue: Int?, count: Int?, oldest: Int?)
  /// Slot of `customer.broken_promises`, and the count for the customer being worked on.
  let brokenPromisesSlot: Int?
  var brokenPromises = 0
  /// Whether any rule reads one of the totals (or `broken_promises`): when none does, they are not put into the
  /// customer's record (the first write copied the data's record, all its strings retained, once per customer).
  let totalsRead: Bool
  /// Slots of the customer's own addresses: billing e-mail then e-mail, and phone.
  let emailSlots: [Int]
  let phoneSlots: [Int]
  /// Slots of the invoice and customer fields by name, how many invoice fields there are, and where the custom
  /// ones start.
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
    invoiceFields = InvoiceFieldSlots(named: invoiceSlots, read: read)
    let firstCustom = inv.first { $0.isCustom }?.index ?? inv.count
    customInvoiceSlots = inv.filter { $0.isCustom && read.contains($0.index) }.map { ($0.index - firstCustom, $0.index) }
    customInvoiceDefaults = customInvoiceSlots.map {
      plan.fieldDefault(.invoice, $0.1) ?? Schemas.value(.missing, inv[$0.1].type, currency: nil)
    }
    appliesPerCustomer = plan.cadences.map { !$0.applies.contains { $0.readsInvoice } }
    var slot = 0
    boxes = plan.cadences.map { c in
      defer { slot += c.steps.count }
      return CadenceBox(c, firstStepSlot: slot)
    }
    pausePerCustomer = plan.cadences.map { !$0.pauseWhen.contains { $0.readsInvoice } }
    invoiceFieldCount = inv.count
    firstCustomInvoiceSlot = inv.first { $0.isCustom }?.index ?? inv.count
    customerSlots = Dictionary(p.fields(of: .customer).map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    creditHoldSlot = customerSlots["credit_hold"]
    totalSlots = (
      customerSlots["balance"], customerSlots["overdue_balance"], customerSlots["overdue_count"], customerSlots["oldest_overdue_days"]
    )
    brokenPromisesSlot = customerSlots["broken_promises"]
    var customerRead = Set<Int>()
    for r in p.resolutions { if case .field(.customer, let slot)? = r { customerRead.insert(slot) } }
    totalsRead = [totalSlots.0, totalSlots.1, totalSlots.2, totalSlots.3, brokenPromisesSlot].contains { s in s.map { customerRead.contains($0) } ?? false }
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
    sentKeys.reserveCapacity(history.count)
    stepSent.reserveCapacity(min(history.reduce(0) { $0 + $1.invoices.count }, data.invoices.count))
    for h in history {
      sentKeys.insert(h.key)
      if h.contacted, h.date <= asOf, (lastContact[h.customer].map { $0 < h.date } ?? true) { lastContact[h.customer] = h.date }
      guard let ci = cadenceIndex[h.cadence], let si = plan.cadences[ci].steps.firstIndex(where: { $0.name == h.step }) else { continue }
      for id in h.invoices {
        let k = SentStepKey(invoice: id, cadence: ci)
        if let prev = stepSent[k], prev.step >= si { continue }
        stepSent[k] = (si, h.key, h.date)
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

  /// Records a step of `--why-not` for the invoice, when it is the one asked about (built only then).
  func note(_ invoiceID: String, _ step: @autoclosure () -> CollectionsStep) {
    if invoiceID == whyNot { why?.steps.append(step()) }
  }

  /// The same for the invoice at index `i`: its id is read only when `--why-not` asks about an invoice (reading
  /// a million ids, each its own string somewhere in memory, is a cache miss each).
  func note(_ i: Int, _ step: @autoclosure () -> CollectionsStep) {
    if let whyNot, invoices[i].id == whyNot { why?.steps.append(step()) }
  }

  /// Records a step of an explanation, when reminders carry theirs (built only then).
  func record(_ step: @autoclosure () -> CollectionsStep, in steps: inout [CollectionsStep]) {
    if explaining { steps.append(step()) }
  }
}

extension CollectionsRun {
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

  /// A condition as evaluated: its text, its result, and the fields it reads with their current values.
  func seen(_ c: CCondition, _ result: Bool) -> CollectionsStep.ConditionSeen {
    var fields: [CollectionsStep.FieldSeen] = []
    for f in c.fields {
      let rec = env.records[f.record.index]
      guard f.slot < rec.count else { continue }
      fields.append(CollectionsStep.FieldSeen(record: f.record, name: f.name, value: rec[f.slot]))
    }
    return CollectionsStep.ConditionSeen(text: c.text, result: result, fields: fields)
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

  func money(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }
}

/// An invoice (by id) and a cadence (by index): what `stepSent` is keyed by.
struct SentStepKey: Hashable {
  var invoice: String
  var cadence: Int
}
