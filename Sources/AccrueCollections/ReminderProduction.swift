import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

extension CollectionsRun {
  /// Turns a customer's candidates into reminders: grouped per cadence and currency when the cadence says
  /// so (the oldest invoice drives the step), subject to the minimum gap.
  mutating func produce(_ candidates: [Candidate], _ invoices: [OpenInvoice], _ c: Int, into out: inout [Reminder]) {
    // The customer's and (below) the driving invoice's fields read in place: a copy of either would retain all
    // its strings, for every reminder.
    let (customerID, customerSource) = (data.customers[c].id, data.customers[c].source)
    var contactedNow = false
    for group in groups(candidates, invoices) {
      let driver = group[0]
      let (driverID, currency) = (invoices[driver.invoice].id, invoices[driver.invoice].currency)
      // The cadence and step read through their box (copies would retain all they hold, for every reminder); what
      // the calls below read of the run is read first, into locals (an argument read from the run while a method
      // of it is called made a copy of the whole run, for every reminder).
      let box = boxes[driver.cadence]
      let step = box.c.steps[driver.step]
      let key = "\(driverID)/\(box.c.name)/\(step.name)"
      if !sentKeys.isEmpty, sentKeys.contains(key) {
        for g in group { note(g.invoice, .alreadyProduced(key: key)) }
        continue
      }
      let last = contactedNow ? asOf : lastContact[customerID]
      if heldByGap(group, box.c, step, lastContact: last) { continue }
      load(driver.invoice, disputedExcluded: box.c.pauseOnDispute)
      current = driver.invoice
      useTotals(currency)
      useCalendar(box.c.calendar)
      let (covered, total, sources) = cover(group, invoices, key: key, customerSource)
      note(driverID, .fires(key: key))
      let due = invoices[driver.invoice].dueDate
      let skip = skipped(driver, due)
      var explanation = explaining ? explain(driver, due: due, skipped: skip) : []
      if group.count > 1 { record(.grouped(invoices: group.count, driver: driverID), in: &explanation) }
      let (messages, actions) = perform(step, of: box, group, invoices, total: total, currency)
      let timing = box.timings[driver.step]
      let reminder = Reminder(
        key: key, date: asOf, customerID: customerID, customerName: data.customers[c].name, cadence: box.c.name, cadenceLabel: box.c.label,
        step: step.name, stepLabel: step.label, stepDate: driver.stepDate, timing: timing, invoices: covered,
        currency: currency, total: total, messages: messages, actions: actions, skipped: skip, rule: step.source,
        explanation: explanation, sources: sources)
      // (Read by this customer's later groups: each customer is seen once a run.)
      if reminder.contactsCustomer { contactedNow = true }
      out.append(reminder)
    }
  }

  /// A customer's candidates as reminders to be: one per candidate, or one per cadence and currency for the
  /// cadences that group (`one reminder per customer`), in the order of their first candidate.
  func groups(_ candidates: [Candidate], _ invoices: [OpenInvoice]) -> [[Candidate]] {
    // Most customers make one group: one candidate, or all of them in one grouping cadence and one currency.
    if candidates.count == 1 || candidates.allSatisfy({ sameGroup($0, candidates[0], invoices) }) { return [candidates] }
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
    return groups
  }

  /// Whether two candidates go in one group: both of one cadence that groups, in one currency.
  func sameGroup(_ a: Candidate, _ b: Candidate, _ invoices: [OpenInvoice]) -> Bool {
    a.cadence == b.cadence && boxes[a.cadence].c.grouped && invoices[a.invoice].currency.packed == invoices[b.invoice].currency.packed
  }

  /// Whether the cadence's minimum gap since the customer was last reminded holds a step that sends messages back
  /// (noted for each invoice of the group).
  func heldByGap(_ group: [Candidate], _ cad: CompiledCadence, _ step: CompiledStep, lastContact: CivilDate?) -> Bool {
    let sends = step.actions.contains { if case .send = $0 { return true } else { return false } }
    guard sends, let gap = cad.minimumGap, let last = lastContact else { return false }
    let cal = calendar(cad)
    let after = gap.business ? (cal.adding(businessDays: gap.days, to: last) ?? last) : (last.adding(days: gap.days) ?? last)
    // Like a step, a reminder held back by the gap goes out on a business day.
    let next = cad.sendOnBusinessDays ? cal.nextBusinessDay(onOrAfter: after) ?? after : after
    if asOf >= next { return false }
    for g in group {
      note(g.invoice, .minimumGap(days: gap.days, business: gap.business, rule: cad.source, lastReminded: last, next: next))
    }
    return true
  }

  /// The invoices a reminder covers, their open total, and the data rows it rests on (the customer's, then the
  /// invoices').
  mutating func cover(
    _ group: [Candidate], _ invoices: [OpenInvoice], key: String, _ customerSource: RowRef
  ) -> (covered: [CoveredInvoice], total: Fixed, sources: [RowRef]) {
    let driver = group[0].invoice
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
      if k != driver { note(k, .coveredBy(key: key, driver: invoices[driver].id)) }
    }
    return (covered, total, sources)
  }

  /// Why a candidate fired (built only for reminders, with the driving invoice loaded): the cadence and
  /// the conditions it saw, broken promises, the step and how its date fell, catch-up.
  func explain(_ c: Candidate, due: CivilDate, skipped skip: [String]) -> [CollectionsStep] {
    let box = boxes[c.cadence]
    let step = box.c.steps[c.step]
    var out: [CollectionsStep] = []
    // Room for every step and the `grouped` one `produce` adds (grown one by one, the array was copied three times).
    out.reserveCapacity(box.c.applies.count + c.brokenPromises.count + step.conditions.count + 4)
    out.append(.cadenceChosen(cadence: box.c.name, label: box.c.label, rule: box.c.source))
    for a in box.c.applies { out.append(.appliesWhen(seen(a, true))) }
    for p in c.brokenPromises { out.append(.promiseBroken(promisedBy: p.promisedDate, source: p.source)) }
    out.append(
      .stepFell(
        step: step.name, label: step.label, rule: step.source, timing: box.timings[c.step], due: due, fellOn: c.stepDate,
        calendar: box.c.calendar.map { plan.calendars[$0].name }))
    for cond in step.conditions { out.append(.stepWhen(seen(cond, true))) }
    if !skip.isEmpty { out.append(.catchUp(skipped: skip)) }
    return out
  }
}
