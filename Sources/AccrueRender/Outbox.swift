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
  /// passed on about a megabyte at a time. Each line is written field by field (`JSONWriter`, compact: what
  /// `JSON.serialized()` gives for the same object), reminders read in place.
  public static func write(_ channel: String, _ o: RunOutput, _ out: (String) -> Void) {
    var w = JSONWriter(compactCapacity: (1 << 20) + (1 << 16))
    // (A function of the writer it is given: a local function may not capture a writer, which cannot be copied.)
    func flush(_ w: inout JSONWriter, _ force: Bool = false) {
      guard force ? w.count > 0 : w.count >= 1 << 20 else { return }
      out(w.string)
      w.clear()
    }
    let work = channel == "task" || channel == "chat"
    let list = o.collections?.reminders ?? []
    list.withUnsafeBufferPointer { p in
      for i in UTF8Order.sortedIndices(count: p.count, key: { p[$0].key }) {
        reminderLines(p[i], channel: channel, work: work, into: &w)
        flush(&w)
      }
    }
    if work {
      // Each approval this run asks for: a task for the first role of each chain (asked once: the request is
      // recorded by this run).
      // (And each a person asked for since the last apply: a credit note, a write-off, a payment plan.)
      for r in (o.newApprovalRequests + o.askedByDecisions).sorted(by: { $0.key.utf8Precedes($1.key) }) {
        for route in r.routes where !route.chain.isEmpty {
          let ask = approval(r, route)
          if channel == "task" { w.value(ask.json) } else { chat(id: ask.id, queue: "role " + route.chain[0], text: ask.text, into: &w) }
          w.raw(10)
          flush(&w)
        }
      }
      // Each next step and escalation due since the last apply: a task for the role asked now.
      for n in o.approvalNotices {
        let notice = notice(n)
        if channel == "task" { w.value(notice.json) } else { chat(id: n.id, queue: "role " + n.role, text: notice.text, into: &w) }
        w.raw(10)
        flush(&w)
      }
      // (Sorted by index, the applications read in place: a comparison of `apps[i].key` copies the application.)
      (o.cash?.applications ?? []).withUnsafeBufferPointer { apps in
        let held = apps.indices.filter { apps[$0].status == .exception || apps[$0].status == .unapplied }
        for k in UTF8Order.sortedIndices(count: held.count, key: { apps[held[$0]].key }) {
          let review = review(apps[held[k]])
          if channel == "task" {
            reviewTask(apps[held[k]], review, into: &w)
          } else {
            chat(id: review.id, queue: "queue " + (apps[held[k]].queue ?? "unapplied"), text: review.text, into: &w)
          }
          w.raw(10)
          flush(&w)
        }
      }
    }
    flush(&w, true)
  }

  /// A reminder's lines of the channel: its messages sent by it, and for the task and chat channels (`work`) its
  /// actions that are work for a person.
  static func reminderLines(_ r: Reminder, channel: String, work: Bool, into w: inout JSONWriter) {
    for (k, m) in r.messages.enumerated() where m.channel.rawValue == channel {
      message(m, k, r, into: &w)
      w.raw(10)
    }
    guard work else { return }
    for (k, a) in r.actions.enumerated() where kinds.contains(a.kind) {
      let id = "\(r.key)#action-\(k + 1)"
      if channel == "task" { task(a, id: id, r, into: &w) } else { chat(id: id, queue: a.assignedTo, text: taskText(a, r), into: &w) }
      w.raw(10)
    }
  }

  /// The actions that are work for a person (fees and interest are charged, not asked for).
  static let kinds: Set<CollectionAction.Kind> = [.task, .escalate, .suspendService, .writeOffProposal, .agency]

  static func message(_ m: ReminderMessage, _ k: Int, _ r: Reminder, into w: inout JSONWriter) {
    w.open("{")
    w.field("id", "\(r.key)#\(m.channel.rawValue)-\(k + 1)")
    w.field("channel", m.channel.rawValue)
    w.field("template", m.template)
    w.strings("to", m.to)
    w.strings("cc", m.cc)
    w.field("customer", r.customerID)
    w.field("customer_name", r.customerName)
    w.field("reminder", r.key)
    w.field("cadence", r.cadence)
    w.field("step", r.step)
    w.field("step_label", r.stepLabel)
    w.field("date", r.date.description)
    w.field("currency", r.currency.code)
    w.field("open_balance", InvoiceRenderer.plain(r.total, r.currency))
    ReminderRenderer.writeInvoices(r, disputed: false, into: &w)
    w.field("rule", r.rule.description)
    w.close("}")
  }

  /// The chat line's text of an action that is work for a person.
  static func taskText(_ a: CollectionAction, _ r: Reminder) -> String {
    let ids = r.invoices.map(\.id).joined(separator: ", ")
    return "\(r.customerName) (\(r.customerID)): \(a.detail), for \(ids) (\(InvoiceRenderer.plain(r.total, r.currency)) \(r.currency.code) open; "
      + "\(r.stepLabel), \(r.rule))"
  }

  static func task(_ a: CollectionAction, id: String, _ r: Reminder, into w: inout JSONWriter) {
    w.open("{")
    w.field("id", id)
    w.field("kind", a.kind.rawValue)
    w.field("assigned_to", a.assignedTo)
    w.field("text", a.detail)
    w.field("customer", r.customerID)
    w.field("customer_name", r.customerName)
    w.field("subject", r.key)
    w.field("date", r.date.description)
    w.field("currency", r.currency.code)
    w.field("amount", a.amount.map { InvoiceRenderer.plain($0, r.currency) })
    ReminderRenderer.writeInvoices(r, disputed: false, into: &w)
    w.field("rule", r.rule.description)
    w.close("}")
  }

  static func review(_ a: CashApplication) -> (id: String, amount: String, why: String, text: String) {
    let id = "\(a.key)#review"
    let amount = InvoiceRenderer.plain(a.amount, a.currency)
    let why = a.reason ?? (a.status == .unapplied ? "no match rule applied" : "held for review")
    let payer = a.payerName.isEmpty ? "" : " from \(a.payerName)"
    let text = "Payment \(a.paymentID)\(payer) (\(amount) \(a.currency.code), booked \(a.date)) waits in \(a.queue ?? "unapplied"): \(why)"
    return (id, amount, why, text)
  }

  static func reviewTask(_ a: CashApplication, _ r: (id: String, amount: String, why: String, text: String), into w: inout JSONWriter) {
    w.open("{")
    w.field("id", r.id)
    w.field("kind", "cash review")
    w.field("assigned_to", "queue " + (a.queue ?? "unapplied"))
    w.field("text", r.why)
    w.field("customer", a.customer ?? "")
    w.field("subject", a.key)
    w.field("date", a.date.description)
    w.field("currency", a.currency.code)
    w.field("amount", r.amount)
    w.field("payer_name", a.payerName)
    w.strings("candidates", a.suggestions)
    w.field("source", a.source)
    w.close("}")
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

  static func chat(id: String, queue: String, text: String, into w: inout JSONWriter) {
    w.open("{")
    w.field("id", id + "#chat")
    w.field("queue", queue)
    w.key("payload")
    w.open("{")
    w.field("text", text)
    w.close("}")
    w.close("}")
  }
}
