import AccrueCompiler
import AccrueCore
import AccrueModel

extension CollectionsRun {
  /// What a step does for a reminder: the messages it sends and its other actions (tasks, escalations, fees,
  /// proposals). A message nobody can receive becomes a task to find the address.
  mutating func perform(
    _ step: CompiledStep, of box: CadenceBox, _ group: [Candidate], _ invoices: [OpenInvoice], total: Fixed, _ currency: Currency
  ) -> (messages: [ReminderMessage], actions: [CollectionAction]) {
    let cad = box.c
    var messages: [ReminderMessage] = []
    var actions: [CollectionAction] = []
    for a in step.actions {
      switch a {
      case .send(let ch, let template, let to, let cc):
        let recipients = self.recipients(ch, to, step)
        // A message nobody can receive is not sent: a person is asked to find the address (a letter goes by post).
        if recipients.isEmpty && ch != .letter {
          actions.append(
            CollectionAction(
              kind: .task, detail: "no \(ch.rawValue) recipient on file for '\(template)': find one and send it (\(box.queue))",
              amount: nil, explanation: [.noRecipient(channel: ch, template: template, rule: step.source)], noRecipient: true))
          actions[actions.count - 1].assignedTo = box.queue
          continue
        }
        messages.append(ReminderMessage(channel: ch, template: template, to: recipients, cc: texts(cc, step.source)))
      case .task(let title, let kind, let who):
        actions.append(CollectionAction(kind: .task, detail: "\(title) (\(kind) \(who))", amount: nil, explanation: []))
        actions[actions.count - 1].assignedTo = "\(kind) \(who)"
      case .escalate(let who):
        actions.append(CollectionAction(kind: .escalate, detail: "escalate to \(who)", amount: nil, explanation: []))
        actions[actions.count - 1].assignedTo = "escalation \(who)"
      case .suspend:
        actions.append(CollectionAction(kind: .suspendService, detail: "suspend service", amount: nil, explanation: []))
      case .writeOff:
        actions.append(
          CollectionAction(
            kind: .writeOffProposal, detail: "propose writing off \(money(total, currency))", amount: total, explanation: [.openBalanceOfCovered]))
      case .agency(let name):
        actions.append(
          CollectionAction(
            kind: .agency, detail: "hand over \(money(total, currency)) to agency \(name)", amount: total, explanation: [.openBalanceOfCovered]))
      case .lateFee(let fixed, let percent):
        // Fees bear no fees: a debit note's balance is left out of the fee's base.
        guard let (fine, base) = withoutDebitNotes(group, invoices, total) else {
          actions.append(CollectionAction(kind: .lateFee, detail: "no late fee: a debit note bills fees and fees bear none", explanation: []))
          continue
        }
        actions.append(lateFee(fixed, percent, base, invoices[fine[0].invoice], cad, step))
      case .interest(let rate, let per, let dayCount):
        guard let (fine, _) = withoutDebitNotes(group, invoices, total) else {
          actions.append(CollectionAction(kind: .interest, detail: "no interest: a debit note bills fees and fees bear none", explanation: []))
          continue
        }
        actions.append(interest(rate, per, dayCount, fine, invoices, invoices[fine[0].invoice], cad, step))
      }
    }
    // A suspension, a write-off proposal and a hand-over are work for the cadence's queue.
    for k in actions.indices where actions[k].assignedTo.isEmpty {
      switch actions[k].kind {
      case .suspendService, .writeOffProposal, .agency: actions[k].assignedTo = box.queue
      default: break
      }
    }
    return (messages, actions)
  }

  /// The group without its debit notes and their open total (the group as it is when it has none); nil when it
  /// is debit notes only.
  func withoutDebitNotes(_ group: [Candidate], _ invoices: [OpenInvoice], _ total: Fixed) -> ([Candidate], Fixed)? {
    guard group.contains(where: { invoices[$0.invoice].isDebitNote }) else { return (group, total) }
    let fine = group.filter { !invoices[$0.invoice].isDebitNote }
    guard !fine.isEmpty else { return nil }
    return (fine, fine.reduce(Fixed.zero) { $0.adding($1.balance) ?? $0 })
  }

  /// A message's recipients: those the step names, else the customer's own (its billing e-mail, else e-mail, for
  /// e-mails; its phone for texts).
  mutating func recipients(_ ch: Channel, _ to: [CExpr], _ step: CompiledStep) -> [String] {
    let named = texts(to, step.source)
    if !named.isEmpty || !to.isEmpty { return named }
    let slots = ch == .sms ? phoneSlots : emailSlots
    return slots.compactMap { s in
      if case .text(let t) = env.records[RecordKind.customer.index][s], !t.isEmpty { return t }
      return nil
    }.prefix(1).map { $0 }
  }
}
