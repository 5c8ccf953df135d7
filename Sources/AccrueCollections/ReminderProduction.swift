import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

extension CollectionsRun {
  /// Where a cadence's tasks go: the queue its first task names, else `collections`.
  func taskQueue(_ c: CompiledCadence) -> String {
    for s in c.steps {
      for a in s.actions { if case .task(_, "queue", let q) = a { return q } }
    }
    return "collections"
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
                kind: .task, detail: "no \(ch.rawValue) recipient on file for '\(template)': find one and send it (queue \(queue))", amount: nil,
                explanation: ["the step's \(ch.rawValue) '\(template)' has no recipient on file (\(step.source))"], noRecipient: true))
            continue
          }
          messages.append(ReminderMessage(channel: ch, template: template, to: recipients, cc: texts(cc, step.source)))
        case .task(let title, let kind, let who):
          actions.append(CollectionAction(kind: .task, detail: "\(title) (\(kind) \(who))", amount: nil, explanation: []))
        case .escalate(let who):
          actions.append(CollectionAction(kind: .escalate, detail: "escalate to \(who)", amount: nil, explanation: []))
        case .suspend:
          actions.append(CollectionAction(kind: .suspendService, detail: "suspend service", amount: nil, explanation: []))
        case .writeOff:
          actions.append(
            CollectionAction(
              kind: .writeOffProposal, detail: "propose writing off \(money(total, currency))", amount: total,
              explanation: ["the open balance of the covered invoices"]))
        case .agency(let name):
          actions.append(
            CollectionAction(
              kind: .agency, detail: "hand over \(money(total, currency)) to agency \(name)", amount: total,
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
}
