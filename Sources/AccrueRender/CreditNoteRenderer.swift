import AccrueCore
import AccrueModel

/// The credit notes a billing run issues for cancellations (grammar.md §6.6), in text, JSON and the invoices CSV
/// (rows of `document` `credit_note`, amounts negative: money given back).
enum CreditNoteRenderer {
  static func money(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.money(v, c) }

  /// One credit note's block of text.
  static func text(_ n: PlannedCreditNote, explaining: Bool) -> String {
    let c = n.note.currency
    var out = "\n- credit note \(n.note.key)"
    if n.note.number != n.note.key {
      out += ", number \(n.note.number)" + (n.numberIsProvisional ? " (provisional: apply gives the number)" : "")
    }
    out += "\n    customer \(n.note.customer) \(n.customerName), plan \(n.plan), \(c.code), on invoice \(n.note.invoice)\n"
    out += "    issued \(n.note.issueDate): contract \(n.contractID) cancelled on \(n.cancelledOn) (rule \(n.rule))\n"
    for l in n.lines {
      let period = "\(l.periodStart)..\(InvoiceRenderer.lastDay(l.periodEnd))"
      out += "    " + InvoiceRenderer.pad(l.description, 52) + " " + InvoiceRenderer.pad(period, 22) + InvoiceRenderer.lpad(money(l.amount, c), 14) + "\n"
      if explaining { for step in l.explanation { out += "        \(BillingText.sentence(step))\n" } }
    }
    for t in n.taxes {
      let pct = (t.rate.multiplied(by: Fixed(100)) ?? t.rate).description
      let label = (t.label.contains("%") ? t.label : "\(t.label) \(pct)%") + " (\(t.inclusive ? "included" : "exclusive"))"
      out += "    " + InvoiceRenderer.pad(label, 75) + InvoiceRenderer.lpad(money(t.amount, c), 14) + "\n"
    }
    out += "    " + InvoiceRenderer.pad("credited", 75) + InvoiceRenderer.lpad(money(n.note.total, c), 14) + " \(c.code)\n"
    var effect = "    \(money(n.note.settled, c)) off what \(n.note.invoice) has open"
    if n.note.credit > .zero { effect += ", \(money(n.note.credit, c)) on the customer's account (the invoice was paid)" }
    out += effect + "\n"
    if explaining { out += "    from data rows: " + n.sources.map(\.description).joined(separator: ", ") + "\n" }
    return out
  }

  static func json(_ n: PlannedCreditNote) -> JSON {
    let c = n.note.currency
    func amount(_ v: Fixed) -> JSON { .string(InvoiceRenderer.plain(v, c)) }
    return .object([
      ("key", .string(n.note.key)), ("number", .string(n.note.number)), ("number_is_provisional", .bool(n.numberIsProvisional)),
      ("invoice", .string(n.note.invoice)), ("invoice_key", .string(n.invoiceKey)), ("contract", .string(n.contractID)),
      ("customer", .string(n.note.customer)), ("customer_name", .string(n.customerName)), ("plan", .string(n.plan)),
      ("currency", .string(c.code)), ("issue_date", .string(n.note.issueDate.description)), ("cancelled_on", .string(n.cancelledOn.description)),
      (
        "lines",
        .array(
          n.lines.map { l in
            .object([
              ("description", .string(l.description)), ("charge", l.charge.map(JSON.string) ?? .null), ("amount", amount(l.amount)),
              (
                "period",
                .object([("start", .string(l.periodStart.description)), ("end", .string(InvoiceRenderer.lastDay(l.periodEnd).description))])
              ),
              ("rule", .string(l.rule.description)),
            ])
          })
      ),
      ("net", amount(n.note.net)), ("tax", amount(n.note.tax)), ("total", amount(n.note.total)),
      ("settled", amount(n.note.settled)), ("credit_on_account", amount(n.note.credit)), ("reason", .string(n.note.reason)),
      ("rule", .string(n.rule.description)), ("sources", .array(n.sources.map { .string($0.description) })),
    ])
  }

  /// The credit notes' rows of the invoices CSV: each line, tax and total negated (a credit).
  static func csvRows(_ notes: [PlannedCreditNote], into out: inout String) {
    for n in notes {
      let c = n.note.currency
      let head = [
        n.note.key, n.note.number, "credit_note", n.note.customer, n.contractID, n.plan, c.code, n.note.issueDate.description, n.note.issueDate.description,
      ]
      func row(_ kind: String, _ desc: String, _ amt: Fixed, _ ps: String, _ pe: String, _ rule: String) {
        out += (head + [kind, desc, "", "", InvoiceRenderer.plain(amt.negated ?? amt, c), ps, pe, rule]).map(InvoiceRenderer.csvField).joined(separator: ",") + "\r\n"
      }
      for l in n.lines {
        row("line", l.description, l.amount, l.periodStart.description, InvoiceRenderer.lastDay(l.periodEnd).description, l.rule.description)
      }
      for t in n.taxes { row(t.inclusive ? "tax included" : "tax", t.label, t.amount, "", "", t.rule.description) }
      row("total", "total", n.note.total, n.periodStart.description, InvoiceRenderer.lastDay(n.periodEnd).description, n.rule.description)
    }
  }
}
