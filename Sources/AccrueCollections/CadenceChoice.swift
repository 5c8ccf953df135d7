import AccrueCompiler
import AccrueCore
import AccrueModel

/// A compiled cadence behind one reference, with what the per-invoice path reads most.
final class CadenceBox: Sendable {
  let c: CompiledCadence
  let offsets: [Int]
  let business: [Bool]
  /// Steps without a `when`.
  let conditionless: [Bool]
  /// When each step falls relative to the due date.
  let timings: [ReminderTiming]
  init(_ c: CompiledCadence) {
    self.c = c
    offsets = c.steps.map(\.offset)
    business = c.steps.map(\.business)
    conditionless = c.steps.map { $0.conditions.isEmpty }
    timings = c.steps.map { ReminderTiming(offset: $0.offset, business: $0.business) }
  }
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

extension CollectionsRun {
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
      if cad.c.pauseOnDispute != disputedOut, let balance = invoiceFields[.balance] {
        disputedOut = cad.c.pauseOnDispute
        env.records[RecordKind.invoice.index][balance] = .money(openAmount(i, disputedExcluded: disputedOut), currency)
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
    if let balance = invoiceFields[.balance] {
      env.records[RecordKind.invoice.index][balance] = .money(openAmount(i, disputedExcluded: disputedOut), currency)
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

}
