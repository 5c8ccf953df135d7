import AccrueCompiler
import AccrueCore
import AccrueModel

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
  /// An open invoice due for a step: what a reminder is made from.
  struct Candidate {
    /// The invoice (index in `invoices`), the cadence that applies (index in the plan) and the step due.
    var invoice: Int
    var cadence: Int
    var step: Int
    /// The day the step fell.
    var stepDate: CivilDate
    /// The first step not sent yet (steps from it up to `step` whose dates passed are skipped).
    var firstUnsent: Int
    /// Promises to pay the invoice whose date passed unpaid (dunning resumed).
    var brokenPromises: [PromiseToPay]
    /// The invoice's open balance as the cadence counts it, and the disputed amount it leaves out.
    var balance: Fixed
    var disputed: Fixed
  }

  /// Decides what one open invoice calls for: a step to send, or nothing (with the reason noted).
  mutating func consider(_ i: Int, _ c: Int) -> Candidate? {
    guard let candidate = considerSteps(i, c) else { return nil }
    // A payment for it waits for review: the step is held (the result lists it; --why-not says which payment).
    if !data.awaitingReview.isEmpty, let w = data.awaitingReview[Int32(i)] {
      note(i, .heldForReview(step: boxes[candidate.cadence].c.steps[candidate.step].name, reason: w))
      held.append(invoices[i].id)
      return nil
    }
    return candidate
  }

  /// The step invoice i is due for: the first cadence that applies, unless it pauses the invoice; then the latest
  /// step due whose condition holds, unless it was already sent.
  mutating func considerSteps(_ i: Int, _ c: Int) -> Candidate? {
    current = i
    useTotals(invoices[i].currency)
    load(i, disputedExcluded: true)
    guard let ck = chooseCadence(i) else { return nil }
    let box = boxes[ck]
    useCalendar(box.c.calendar)
    guard let (open, broken) = unpaused(i, ck) else { return nil }
    fillStepDates(ck, due: invoices[i].dueDate)
    let dates = dateBuffer
    guard let sk = latestStepDue(i, ck, dates) else { return nil }
    let last = stepSent.isEmpty ? nil : stepSent[SentStepKey(invoice: invoices[i].id, cadence: ck)]
    if let last, last.step >= sk {
      note(
        i,
        .alreadySent(
          step: box.c.steps[last.step].name, cadence: box.c.name, sentOn: last.date, key: last.key,
          next: box.c.steps.indices.first { $0 > last.step && dates[$0] > asOf }.map { .init(step: box.c.steps[$0].name, fallsOn: dates[$0]) }))
      return nil
    }
    return Candidate(
      invoice: i, cadence: ck, step: sk, stepDate: dates[sk], firstUnsent: (last?.step ?? -1) + 1, brokenPromises: broken, balance: open,
      disputed: box.c.pauseOnDispute ? invoices[i].disputed : .zero)
  }

  /// Puts the dates cadence ck's steps fall on for a due date into `dateBuffer`.
  mutating func fillStepDates(_ ck: Int, due: CivilDate) {
    let box = boxes[ck]
    dateBuffer.removeAll(keepingCapacity: true)
    if stepDates.isEmpty { stepDates = boxes.map { StepDateCache(steps: $0.offsets.count) } }
    if let base = stepDates[ck].find(due) {
      dateBuffer.append(contentsOf: stepDates[ck].dates[base..<base + box.offsets.count])
    } else {
      let cal = box.c.calendar.map { calendars[$0] } ?? .weekendsOnly
      for j in box.offsets.indices { dateBuffer.append(stepDate(offset: box.offsets[j], business: box.business[j], due: due, cal, move: box.c.sendOnBusinessDays)) }
      stepDates[ck].store(due, dateBuffer)
    }
  }

  /// The latest step of cadence ck whose date passed and whose condition holds (why not noted, when none).
  mutating func latestStepDue(_ i: Int, _ ck: Int, _ dates: [CivilDate]) -> Int? {
    let box = boxes[ck]
    for k in box.c.steps.indices.reversed() where dates[k] <= asOf {
      if box.conditionless[k] { return k }
      guard let f = firstFailing(box.c.steps[k].conditions) else { return k }
      note(i, .stepConditionFails(step: box.c.steps[k].name, fellOn: dates[k], failing: seen(box.c.steps[k].conditions[f], false)))
    }
    if let next = box.c.steps.indices.first(where: { dates[$0] > asOf }) {
      note(i, .notYetDue(cadence: box.c.name, step: box.c.steps[next].name, timing: box.timings[next], fallsOn: dates[next]))
    } else {
      note(i, .noStepApplies(cadence: box.c.name))
    }
    return nil
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
