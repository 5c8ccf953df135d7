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
    // The step dates, read in place from the cache of this cadence (no copy per invoice).
    let base = fillStepDates(ck, due: invoices[i].dueDate)
    guard let sk = latestStepDue(i, ck, base) else { return nil }
    let dates = stepDates[ck].dates
    let last = stepSent.isEmpty ? nil : stepSent[SentStepKey(invoice: invoices[i].id, cadence: ck)]
    if let last, last.step >= sk {
      note(
        i,
        .alreadySent(
          step: box.c.steps[last.step].name, cadence: box.c.name, sentOn: last.date, key: last.key,
          next: box.c.steps.indices.first { $0 > last.step && dates[base + $0] > asOf }.map { .init(step: box.c.steps[$0].name, fallsOn: dates[base + $0]) }))
      return nil
    }
    return Candidate(
      invoice: i, cadence: ck, step: sk, stepDate: dates[base + sk], firstUnsent: (last?.step ?? -1) + 1, brokenPromises: broken, balance: open,
      disputed: box.c.pauseOnDispute ? invoices[i].disputed : .zero)
  }

  /// Makes sure the dates cadence ck's steps fall on for a due date are in its cache, and returns where they start
  /// in `stepDates[ck].dates`.
  mutating func fillStepDates(_ ck: Int, due: CivilDate) -> Int {
    if stepDates.isEmpty { stepDates = boxes.map { StepDateCache(steps: $0.offsets.count) } }
    if let base = stepDates[ck].find(due) { return base }
    let box = boxes[ck]
    let cal = box.c.calendar.map { calendars[$0] } ?? .weekendsOnly
    dateBuffer.removeAll(keepingCapacity: true)
    for j in box.offsets.indices { dateBuffer.append(stepDate(offset: box.offsets[j], business: box.business[j], due: due, cal, move: box.c.sendOnBusinessDays)) }
    stepDates[ck].store(due, dateBuffer)
    return stepDates[ck].find(due)!
  }

  /// The latest step of cadence ck whose date passed and whose condition holds (why not noted, when none); its
  /// step dates start at `base` in the cadence's cache.
  mutating func latestStepDue(_ i: Int, _ ck: Int, _ base: Int) -> Int? {
    let box = boxes[ck]
    let n = box.offsets.count
    for k in (0..<n).reversed() where stepDates[ck].dates[base + k] <= asOf {
      if box.conditionless[k] { return k }
      guard let f = stepFailing(ck, k) else { return k }
      note(i, .stepConditionFails(step: box.c.steps[k].name, fellOn: stepDates[ck].dates[base + k], failing: seen(box.c.steps[k].conditions[f], false)))
    }
    if let next = (0..<n).first(where: { stepDates[ck].dates[base + $0] > asOf }) {
      note(i, .notYetDue(cadence: box.c.name, step: box.c.steps[next].name, timing: box.timings[next], fallsOn: stepDates[ck].dates[base + next]))
    } else {
      note(i, .noStepApplies(cadence: box.c.name))
    }
    return nil
  }

  /// The first condition of step k of cadence ck that does not hold (nil: all hold). Conditions that read only the
  /// customer give the same answer for all its invoices: evaluated once per customer (and currency of its totals).
  mutating func stepFailing(_ ck: Int, _ k: Int) -> Int? {
    let box = boxes[ck]
    guard box.stepsPerCustomer[k] else { return firstFailing(box.c.steps[k].conditions) }
    let slot = box.firstStepSlot + k
    if stepCache[slot] != -2 { return stepCache[slot] < 0 ? nil : stepCache[slot] }
    let failing = firstFailing(box.c.steps[k].conditions)
    stepCache[slot] = failing ?? -1
    return failing
  }

  /// Steps a catch-up skips for a candidate: those after the last sent, before the one sent now, whose dates passed.
  func skipped(_ c: Candidate, _ due: CivilDate) -> [String] {
    if c.firstUnsent >= c.step { return [] }
    let box = boxes[c.cadence]
    var out: [String] = []
    // The step dates `consider` worked out for this due date, when still cached.
    if c.cadence < stepDates.count, let base = stepDates[c.cadence].find(due) {
      for k in c.firstUnsent..<c.step where stepDates[c.cadence].dates[base + k] <= asOf { out.append(box.c.steps[k].name) }
      return out
    }
    let cal = calendar(box.c)
    for k in c.firstUnsent..<c.step where stepDate(box.c.steps[k], due: due, cal, move: box.c.sendOnBusinessDays) <= asOf {
      out.append(box.c.steps[k].name)
    }
    return out
  }
}
