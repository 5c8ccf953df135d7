import AccrueCore
import AccrueEngine

/// Renders dunning reminders and their actions as text, JSON and CSV.
public enum ReminderRenderer {
  static func money(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.money(v, c) }

  /// "12 reminders (9 actions)", or "no reminders".
  public static func summary(_ r: CollectionsResult) -> String {
    let n = r.reminders.count
    if n == 0 { return "no reminders" }
    let a = r.reminders.reduce(0) { $0 + $1.actions.count }
    return "\(n) reminder\(n == 1 ? "" : "s") (\(a) action\(a == 1 ? "" : "s"))"
  }

  /// One reminder's block of text.
  public static func text(_ m: Reminder, explaining: Bool) -> String {
    var out = "\n+ reminder \(m.key)\n"
    out += "    customer \(m.customerID) \(m.customerName), cadence \(m.cadence), step \(m.step) \"\(m.stepLabel)\"\n"
    out += "    \(m.timing): fell on \(m.stepDate)\(m.skipped.isEmpty ? "" : "; skipped (catch-up): " + m.skipped.joined(separator: ", "))\n"
    for inv in m.invoices {
      let overdue = inv.daysOverdue == 0 ? "not yet overdue" : "\(inv.daysOverdue) day\(inv.daysOverdue == 1 ? "" : "s") overdue"
      var line = "    invoice " + InvoiceRenderer.pad(inv.number == inv.id ? inv.id : "\(inv.id) (\(inv.number))", 30)
      line += " due \(inv.dueDate) " + InvoiceRenderer.pad("(\(overdue))", 22) + InvoiceRenderer.lpad(money(inv.balance, m.currency), 14)
      if inv.disputed > .zero { line += "  (\(money(inv.disputed, m.currency)) disputed, left out)" }
      out += line + "\n"
    }
    out += "    " + InvoiceRenderer.pad("open balance", 75) + InvoiceRenderer.lpad(money(m.total, m.currency), 14) + " \(m.currency.code)\n"
    for msg in m.messages {
      var line = "    \(msg.channel) \"\(msg.template)\""
      line += msg.to.isEmpty ? (msg.channel == "letter" ? " by post" : " (no recipient on file)") : " to " + msg.to.joined(separator: ", ")
      if !msg.cc.isEmpty { line += " cc " + msg.cc.joined(separator: ", ") }
      out += line + "\n"
    }
    for a in m.actions {
      out += "    " + (a.detail == a.kind ? a.kind : "\(a.kind): \(a.detail)") + "\n"
      if explaining { for e in a.explanation { out += "        \(e)\n" } }
    }
    out += "    rule \(m.rule)\n"
    if explaining {
      for e in m.explanation { out += "    why: \(e)\n" }
      out += "    from data rows: " + m.sources.map(\.description).joined(separator: ", ") + "\n"
    }
    return out
  }

  /// The reminders section of `accrue plan`'s text.
  public static func writeText(_ r: CollectionsResult, explain: String?, _ emit: (String) -> Void) {
    let shown = explain.map { k in r.reminders.filter { $0.key == k } } ?? r.reminders
    if explain == nil || !shown.isEmpty {
      emit("\nCollections as of \(r.asOf): \(r.openInvoices) open invoice\(r.openInvoices == 1 ? "" : "s") looked at\n")
    }
    let explaining = explain != nil
    InvoiceRenderer.renderInOrder(shown, { text($0, explaining: explaining) }, emit)
    for f in r.failures { emit("\n! \(f)\n") }
  }

  /// `--why-not INVOICE`: the reasons, one per line.
  public static func whyNot(_ id: String, _ lines: [String]) -> String {
    if lines.isEmpty { return "invoice \(id): not found among the invoices\n" }
    return "why not \(id):\n" + lines.map { "  - \($0)\n" }.joined()
  }

  public static func json(_ m: Reminder) -> JSON {
    let c = m.currency
    func amount(_ v: Fixed) -> JSON { .string(InvoiceRenderer.plain(v, c)) }
    return .object([
      ("key", .string(m.key)), ("date", .string(m.date.description)), ("customer", .string(m.customerID)),
      ("customer_name", .string(m.customerName)), ("cadence", .string(m.cadence)), ("step", .string(m.step)),
      ("step_label", .string(m.stepLabel)), ("timing", .string(m.timing)), ("step_date", .string(m.stepDate.description)),
      ("currency", .string(c.code)), ("open_balance", amount(m.total)),
      (
        "invoices",
        .array(
          m.invoices.map {
            .object([
              ("id", .string($0.id)), ("number", .string($0.number)), ("due_date", .string($0.dueDate.description)),
              ("days_overdue", .int($0.daysOverdue)), ("balance", amount($0.balance)), ("disputed_left_out", amount($0.disputed)),
            ])
          })
      ),
      (
        "messages",
        .array(
          m.messages.map {
            .object([
              ("channel", .string($0.channel)), ("template", .string($0.template)), ("to", .array($0.to.map { .string($0) })),
              ("cc", .array($0.cc.map { .string($0) })),
            ])
          })
      ),
      (
        "actions",
        .array(
          m.actions.map {
            .object([
              ("kind", .string($0.kind)), ("detail", .string($0.detail)), ("amount", $0.amount.map(amount) ?? .null),
              ("explanation", .array($0.explanation.map { .string($0) })),
            ])
          })
      ),
      ("skipped_steps", .array(m.skipped.map { .string($0) })), ("rule", .string(m.rule.description)),
      ("explanation", .array(m.explanation.map { .string($0) })), ("sources", .array(m.sources.map { .string($0.description) })),
    ])
  }

  /// Reminders as CSV: one row per reminder.
  public static func remindersCSV(_ list: [Reminder]) -> String {
    var out = "key,date,customer,cadence,step,step_date,invoices,currency,open_balance,channels,recipients,rule\r\n"
    for m in list {
      let cells = [
        m.key, m.date.description, m.customerID, m.cadence, m.step, m.stepDate.description, m.invoices.map(\.id).joined(separator: ";"),
        m.currency.code, InvoiceRenderer.plain(m.total, m.currency),
        m.messages.map { "\($0.channel):\($0.template)" }.joined(separator: ";"),
        m.messages.flatMap { $0.to + $0.cc }.joined(separator: ";"), m.rule.description,
      ]
      out += cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
    }
    return out
  }

  /// Actions as CSV: one row per action, keyed by its reminder and position.
  public static func actionsCSV(_ list: [Reminder]) -> String {
    var out = "key,reminder,customer,kind,detail,currency,amount,rule\r\n"
    for m in list {
      for (i, a) in m.actions.enumerated() {
        let cells = [
          "\(m.key)#\(i + 1)", m.key, m.customerID, a.kind, a.detail, m.currency.code,
          a.amount.map { InvoiceRenderer.plain($0, m.currency) } ?? "", m.rule.description,
        ]
        out += cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
      }
    }
    return out
  }
}
