import AccrueCore
import AccrueModel

/// What a run asks people or customers to be told, as messages for a delivery system (docs/data.md, "Outbox"):
/// one JSON Lines file per channel in the run folder, each line one message with a stable `id` (a delivery system
/// sends each id once). Accrue itself sends nothing over the network.
/// - `outbox-email.jsonl`, `outbox-letter.jsonl`, `outbox-sms.jsonl`: the reminders' messages to customers;
/// - `outbox-task.jsonl`: work for people: the reminders' tasks and escalations (and the proposals and hand-overs
///   they make), each approval the run asks for (to the first role of each chain), and each payment held for
///   review or left unapplied;
/// - `outbox-chat.jsonl`: the same work as chat webhook payloads (`payload` is posted as it is; `queue` says to
///   which channel, a mapping the delivery system keeps).
public enum Outbox {
  /// The channels, in the order their files are written.
  public static let channels = ["email", "letter", "sms", "task", "chat"]

  /// The file of a channel.
  public static func fileName(_ channel: String) -> String { "outbox-\(channel).jsonl" }

  /// The channels the run has messages for, in `channels` order (a scan: no message is made).
  public static func present(_ o: RunOutput) -> [String] {
    var found = Set<String>()
    for r in o.collections?.reminders ?? [] {
      for m in r.messages { found.insert(m.channel.rawValue) }
      if r.actions.contains(where: { kinds.contains($0.kind) }) { found.formUnion(["task", "chat"]) }
    }
    if (o.cash?.applications ?? []).contains(where: { $0.status == .exception || $0.status == .unapplied }) { found.formUnion(["task", "chat"]) }
    if !o.newApprovalRequests.isEmpty || !o.approvalNotices.isEmpty || !o.askedByDecisions.isEmpty { found.formUnion(["task", "chat"]) }
    return channels.filter(found.contains)
  }

  /// Writes the messages of one channel, a line each, in a stable order (reminders by key, then payments by key),
  /// passed on about a megabyte at a time.
  public static func write(_ channel: String, _ o: RunOutput, _ out: (String) -> Void) {
    var buffer = ""
    func emit(_ line: JSON) {
      buffer += line.serialized() + "\n"
      if buffer.utf8.count >= 1 << 20 {
        out(buffer)
        buffer = ""
      }
    }
    let keys = (o.collections?.reminders ?? []).map(\.key)
    let reminders = keys.indices.sorted { keys[$0].utf8.lexicographicallyPrecedes(keys[$1].utf8) }
    for i in reminders {
      let r = o.collections!.reminders[i]
      for (k, m) in r.messages.enumerated() where m.channel.rawValue == channel { emit(message(m, k, r)) }
      guard channel == "task" || channel == "chat" else { continue }
      for (k, a) in r.actions.enumerated() where kinds.contains(a.kind) {
        let task = task(a, k, r)
        emit(channel == "task" ? task.json : chat(id: task.id, queue: a.assignedTo, text: task.text))
      }
    }
    if channel == "task" || channel == "chat" {
      // Each approval this run asks for: a task for the first role of each chain (asked once: the request is
      // recorded by this run).
      // (And each a person asked for since the last apply: a credit note, a write-off, a payment plan.)
      for r in (o.newApprovalRequests + o.askedByDecisions).sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
        for route in r.routes where !route.chain.isEmpty {
          let ask = approval(r, route)
          emit(channel == "task" ? ask.json : chat(id: ask.id, queue: "role " + route.chain[0], text: ask.text))
        }
      }
      // Each next step and escalation due since the last apply: a task for the role asked now.
      for n in o.approvalNotices {
        let notice = notice(n)
        emit(channel == "task" ? notice.json : chat(id: n.id, queue: "role " + n.role, text: notice.text))
      }
      let held = (o.cash?.applications ?? []).filter { $0.status == .exception || $0.status == .unapplied }
      for a in held.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
        let review = review(a)
        emit(channel == "task" ? review.json : chat(id: review.id, queue: "queue " + (a.queue ?? "unapplied"), text: review.text))
      }
    }
    if !buffer.isEmpty { out(buffer) }
  }

  /// The actions that are work for a person (fees and interest are charged, not asked for).
  static let kinds: Set<CollectionAction.Kind> = [.task, .escalate, .suspendService, .writeOffProposal, .agency]

  static func invoices(_ r: Reminder) -> JSON {
    .array(
      r.invoices.map {
        .object([
          ("id", .string($0.id)), ("number", .string($0.number)), ("due_date", .string($0.dueDate.description)),
          ("days_overdue", .int($0.daysOverdue)), ("balance", .string(InvoiceRenderer.plain($0.balance, r.currency))),
        ])
      })
  }

  static func message(_ m: ReminderMessage, _ k: Int, _ r: Reminder) -> JSON {
    .object([
      ("id", .string("\(r.key)#\(m.channel.rawValue)-\(k + 1)")), ("channel", .string(m.channel.rawValue)), ("template", .string(m.template)),
      ("to", .array(m.to.map { .string($0) })), ("cc", .array(m.cc.map { .string($0) })), ("customer", .string(r.customerID)),
      ("customer_name", .string(r.customerName)), ("reminder", .string(r.key)), ("cadence", .string(r.cadence)), ("step", .string(r.step)),
      ("step_label", .string(r.stepLabel)), ("date", .string(r.date.description)), ("currency", .string(r.currency.code)),
      ("open_balance", .string(InvoiceRenderer.plain(r.total, r.currency))), ("invoices", invoices(r)), ("rule", .string(r.rule.description)),
    ])
  }

  static func task(_ a: CollectionAction, _ k: Int, _ r: Reminder) -> (id: String, json: JSON, text: String) {
    let id = "\(r.key)#action-\(k + 1)"
    let ids = r.invoices.map(\.id).joined(separator: ", ")
    let text = "\(r.customerName) (\(r.customerID)): \(a.detail), for \(ids) (\(InvoiceRenderer.plain(r.total, r.currency)) \(r.currency.code) open; "
      + "\(r.stepLabel), \(r.rule))"
    let json = JSON.object([
      ("id", .string(id)), ("kind", .string(a.kind.rawValue)), ("assigned_to", .string(a.assignedTo)), ("text", .string(a.detail)),
      ("customer", .string(r.customerID)), ("customer_name", .string(r.customerName)), ("subject", .string(r.key)),
      ("date", .string(r.date.description)), ("currency", .string(r.currency.code)),
      ("amount", a.amount.map { .string(InvoiceRenderer.plain($0, r.currency)) } ?? .null), ("invoices", invoices(r)),
      ("rule", .string(r.rule.description)),
    ])
    return (id, json, text)
  }

  static func review(_ a: CashApplication) -> (id: String, json: JSON, text: String) {
    let id = "\(a.key)#review"
    let amount = InvoiceRenderer.plain(a.amount, a.currency)
    let why = a.reason ?? (a.status == .unapplied ? "no match rule applied" : "held for review")
    let payer = a.payerName.isEmpty ? "" : " from \(a.payerName)"
    let text = "Payment \(a.paymentID)\(payer) (\(amount) \(a.currency.code), booked \(a.date)) waits in \(a.queue ?? "unapplied"): \(why)"
    let json = JSON.object([
      ("id", .string(id)), ("kind", .string("cash review")), ("assigned_to", .string("queue " + (a.queue ?? "unapplied"))), ("text", .string(why)),
      ("customer", .string(a.customer ?? "")), ("subject", .string(a.key)), ("date", .string(a.date.description)),
      ("currency", .string(a.currency.code)), ("amount", .string(amount)), ("payer_name", .string(a.payerName)),
      ("candidates", .array(a.suggestions.map { .string($0) })), ("source", .string(a.source)),
    ])
    return (id, json, text)
  }

  static func approval(_ r: ApprovalRequest, _ route: ApprovalRoute) -> (id: String, json: JSON, text: String) {
    let id = "\(r.key)#\(route.rule)"
    let total = InvoiceRenderer.plain(r.total, r.currency)
    let then = route.chain.dropFirst().map { "then \($0)" }.joined(separator: ", ")
    let escalation = route.escalatesOn.map { on in "; escalates to \(route.escalatesTo ?? "?") on \(on)" } ?? ""
    let what = "approve \(r.kind.words) \(r.document) (\(total) \(r.currency.code), customer \(r.customer))"
      + " as \(route.chain[0])\(then.isEmpty ? "" : " (\(then))")\(escalation)"
    let text = "Approval asked: \(what): \(route.label.isEmpty ? route.rule : route.label) (\(route.source))"
    let json = JSON.object([
      ("id", .string(id)), ("kind", .string("approval")), ("assigned_to", .string("role " + route.chain[0])), ("text", .string(what)),
      ("customer", .string(r.customer)), ("subject", .string(r.document)), ("request", .string(r.key)), ("date", .string(r.asOf.description)),
      ("currency", .string(r.currency.code)), ("amount", .string(total)), ("chain", .array(route.chain.map { .string($0) })),
      ("escalates_on", route.escalatesOn.map { .string($0.description) } ?? .null), ("escalates_to", route.escalatesTo.map { .string($0) } ?? .null),
      ("rule", .string(route.source)),
    ])
    return (id, json, text)
  }

  static func notice(_ n: ApprovalNotice) -> (json: JSON, text: String) {
    let r = n.request
    let total = InvoiceRenderer.plain(r.total, r.currency)
    let doc = "\(r.kind.words) \(r.document) (\(total) \(r.currency.code), customer \(r.customer))"
    let what =
      n.kind == .nextStep
      ? "approve \(doc) as \(n.role): step \(n.step) of \(n.route.chain.count), the step before approved on \(n.date)"
      : "approve \(doc) as \(n.role): step \(n.step) (\(n.route.chain[n.step - 1])) escalated on \(n.date)"
    let text = (n.kind == .nextStep ? "Approval asked: " : "Approval escalated: ") + what + ": \(n.route.label.isEmpty ? n.route.rule : n.route.label) (\(n.route.source))"
    let json = JSON.object([
      ("id", .string(n.id)), ("kind", .string(n.kind == .nextStep ? "approval" : "approval escalated")), ("assigned_to", .string("role " + n.role)),
      ("text", .string(what)), ("customer", .string(r.customer)), ("subject", .string(r.document)), ("request", .string(r.key)),
      ("date", .string(n.date.description)), ("currency", .string(r.currency.code)), ("amount", .string(total)), ("step", .int(n.step)),
      ("chain", .array(n.route.chain.map { .string($0) })), ("rule", .string(n.route.source)),
    ])
    return (json, text)
  }

  static func chat(id: String, queue: String, text: String) -> JSON {
    .object([("id", .string(id + "#chat")), ("queue", .string(queue)), ("payload", .object([("text", .string(text))]))])
  }
}
