import AccrueCompiler
import AccrueCore
import AccrueModel

/// A compiled cadence behind one reference, with what the per-invoice path reads most.
final class CadenceBox: Sendable {
  /// The cadence.
  let c: CompiledCadence
  /// Each step's days from the due date, and whether they are business days.
  let offsets: [Int]
  let business: [Bool]
  /// Steps without a `when`.
  let conditionless: [Bool]
  /// When each step falls relative to the due date.
  let timings: [ReminderTiming]
  /// Steps whose `when` conditions read only the customer (their answer is kept per customer), and where this
  /// cadence's steps start in the run's `stepCache`.
  let stepsPerCustomer: [Bool]
  let firstStepSlot: Int
  /// Where the cadence's tasks go, as an action's assignee: `queue` and the queue its first task names, else
  /// `queue collections` (made once, not per reminder).
  let queue: String
  init(_ c: CompiledCadence, firstStepSlot: Int) {
    self.c = c
    queue = "queue \(CadenceBox.taskQueue(c))"
    self.firstStepSlot = firstStepSlot
    stepsPerCustomer = c.steps.map { s in !s.conditions.isEmpty && !s.conditions.contains { $0.readsInvoice } }
    offsets = c.steps.map(\.offset)
    business = c.steps.map(\.business)
    conditionless = c.steps.map { $0.conditions.isEmpty }
    timings = c.steps.map { ReminderTiming(offset: $0.offset, business: $0.business) }
  }

  /// Where a cadence's tasks go: the queue its first task names, else `collections`.
  static func taskQueue(_ c: CompiledCadence) -> String {
    for s in c.steps {
      for a in s.actions { if case .task(_, "queue", let q) = a { return q } }
    }
    return "collections"
  }
}

extension CollectionsRun {
  /// The first cadence, in rule order, that applies to invoice i: each sees the balance its own 'pause on dispute'
  /// defines, and its calendar. Why the others do not is noted.
  mutating func chooseCadence(_ i: Int) -> Int? {
    let currency = invoices[i].currency
    var disputedOut = true
    for k in boxes.indices {
      let cad = boxes[k]
      if cad.c.pauseOnDispute != disputedOut, let balance = invoiceFields[.balance] {
        disputedOut = cad.c.pauseOnDispute
        env.records[RecordKind.invoice.index][balance] = .money(openAmount(i, disputedExcluded: disputedOut), currency)
      }
      if let cur = cad.c.currency, cur != currency {
        note(i, .cadenceTakesOtherCurrency(cadence: cad.c.name, rule: cad.c.source, takes: cur, invoice: currency))
        continue
      }
      let failing: Int?
      if appliesPerCustomer[k], appliesCache[k] != -2 {
        failing = appliesCache[k] < 0 ? nil : appliesCache[k]
      } else if cad.c.applies.isEmpty {
        failing = nil
      } else {
        // The cadence's calendar, for business-day arithmetic in its conditions (set only to evaluate them).
        useCalendar(cad.c.calendar)
        failing = firstFailing(cad.c.applies)
        if appliesPerCustomer[k] { appliesCache[k] = failing ?? -1 }
      }
      guard let a = failing else { return k }
      note(i, .cadenceDoesNotApply(cadence: cad.c.name, rule: cad.c.source, failing: seen(cad.c.applies[a], false)))
    }
    note(i, .noCadenceApplies(invoice: invoices[i].id))
    return nil
  }

  /// Whether the chosen cadence pauses invoice i: nil when it does (the reason noted); else the invoice's open
  /// amount as the cadence counts it, and the promises to pay it that were broken.
  mutating func unpaused(_ i: Int, _ ck: Int) -> (open: Fixed, broken: [PromiseToPay])? {
    // The cadence read through its box (a copy of the struct would retain all it holds, for every invoice).
    let box = boxes[ck]
    let (currency, customer) = (invoices[i].currency, invoices[i].customer)
    let open = openAmount(i, disputedExcluded: box.c.pauseOnDispute)
    if let balance = invoiceFields[.balance] {
      env.records[RecordKind.invoice.index][balance] = .money(open, currency)
    }
    if open <= .zero {
      note(i, .pausedOnDispute(cadence: box.c.name, open: openAmount(i, disputedExcluded: false), currency: currency))
      return nil
    }
    if box.c.pauseOnCreditHold, let s = creditHoldSlot, case .bool(true) = env.records[RecordKind.customer.index][s] {
      note(i, .pausedOnCreditHold(cadence: box.c.name))
      return nil
    }
    var broken: [PromiseToPay] = []
    if box.c.pauseOnPromise {
      for pk in promisesOf[customer] ?? [] where covers(data.collections.promises[pk].invoice, i) {
        let p = data.collections.promises[pk]
        if asOf <= p.promisedDate {
          note(i, .pausedOnPromise(cadence: box.c.name, promisedBy: p.promisedDate, source: p.source))
          return nil
        }
        broken.append(p)
      }
    }
    if box.c.pauseOnPaymentPlan {
      for pk in plansOf[customer] ?? [] where covers(data.collections.paymentPlans[pk].invoice, i) {
        let p = data.collections.paymentPlans[pk]
        if p.active && p.start <= asOf && (p.end.map { asOf <= $0 } ?? true) {
          note(i, .pausedOnPaymentPlan(cadence: box.c.name, plan: p.id, start: p.start, end: p.end, source: p.source))
          return nil
        }
      }
    }
    if let holding = pauseHolding(ck) {
      note(i, .pausedWhen(cadence: box.c.name, holding: seen(box.c.pauseWhen[holding], true)))
      return nil
    }
    return (open, broken)
  }

  /// The first of the cadence's `pause when` conditions that holds, if any. Conditions that read only the customer
  /// hold for all its invoices: evaluated once per customer.
  mutating func pauseHolding(_ ck: Int) -> Int? {
    let conditions = boxes[ck].c.pauseWhen
    if conditions.isEmpty { return nil }
    var holding = -1
    if pausePerCustomer[ck], pauseCache[ck] != -2 {
      holding = pauseCache[ck]
    } else {
      for k in conditions.indices where holds(conditions, k) {
        holding = k
        break
      }
      if pausePerCustomer[ck] { pauseCache[ck] = holding }
    }
    return holding >= 0 ? holding : nil
  }
}
