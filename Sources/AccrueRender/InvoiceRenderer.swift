import AccrueCore
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation

/// Renders billing results: text in the style of a Terraform plan, JSON and CSV. Pure functions.
public enum InvoiceRenderer {
  /// Renders items `0..<count` to text (`render(k, &buffer)` writes item k) and emits them in order, a run of
  /// items at a time as one string; 2,000 or more are rendered in chunks by this thread and a second one at the
  /// same time, so a large run's output takes about half as long.
  static func renderInOrder(_ count: Int, _ render: @escaping @Sendable (Int, inout TextBuffer) -> Void, _ emit: (String) -> Void) {
    guard count >= 2_000 else {
      for k in 0..<count {
        var t = TextBuffer()
        render(k, &t)
        emit(t.string)
      }
      return
    }
    let parts = min(256, count / 250)
    let n = count
    // Items are rendered by index, read in place by `render` (iterating them, or reading them in generic code,
    // would copy each one, retaining all its strings), into one buffer per chunk: one string to emit per chunk,
    // not one per item.
    TwoThreads.chunks(
      parts,
      { _, k in
        let items = n * k / parts..<n * (k + 1) / parts
        var t = TextBuffer(capacity: 1024 * items.count)
        for j in items { render(j, &t) }
        return t.string
      }, inOrder: { emit($0) })
  }

  static func money(_ v: Fixed, _ c: Currency) -> String { v.formatted(places: c.minorUnits, grouping: true) }
  static func plain(_ v: Fixed, _ c: Currency) -> String { v.formatted(places: c.minorUnits) }
  static func lastDay(_ end: CivilDate) -> CivilDate { CivilDate(dayNumber: end.dayNumber - 1) }
  /// Runs of 0 to 128 spaces, made once (`String(repeating:count:)` per cell was a tenth of the text output's time).
  static let blanks: [String] = (0...128).map { String(repeating: " ", count: $0) }
  static func spaces(_ k: Int) -> String { k <= 128 ? blanks[k] : String(repeating: " ", count: k) }
  static func pad(_ s: String, _ n: Int) -> String {
    let c = s.count
    return c >= n ? s : s + spaces(n - c)
  }
  static func lpad(_ s: String, _ n: Int) -> String {
    let c = s.count
    return c >= n ? s : spaces(n - c) + s
  }

  /// Totals per currency, in currency order: "123,456.78 USD, 9,870.00 EUR".
  public static func totals(_ r: BillingResult) -> String {
    var sums = CurrencyTotals()
    // (Each invoice read in place: `for i in r.invoices` copied each, retaining every string it holds.)
    r.invoices.withUnsafeBufferPointer { inv in for k in inv.indices { sums.add(inv[k].total, inv[k].currency) } }
    return sums.inOrder.map { t in "\(t.sum.map { money($0, t.currency) } ?? CurrencyTotals.tooLargeText) \(t.currency.code)" }
      .joined(separator: ", ")
  }

  /// Totals per currency as JSON: each an exact decimal string, null when too large to represent.
  static func totalsJSON(_ sums: CurrencyTotals) -> JSON {
    .object(sums.inOrder.map { t in (t.currency.code, t.sum.map { .string(plain($0, t.currency)) } ?? .null) })
  }

  /// The one-line summary: `Plan: 42 invoices, 123,456.78 USD, 9,870.00 EUR` (`42 invoices and 3 debit notes`
  /// when fees were billed on debit notes).
  public static func summary(_ r: BillingResult) -> String {
    let notes = r.invoices.withUnsafeBufferPointer { inv in inv.indices.count { inv[$0].kind == .debitNote } }  // (in place, as `totals`)
    let n = r.invoices.count - notes
    var s = "Plan: \(n) invoice\(n == 1 ? "" : "s")"
    if notes > 0 { s += " and \(notes) debit note\(notes == 1 ? "" : "s")" }
    let t = totals(r)
    if !t.isEmpty { s += ", " + t }
    if r.alreadyIssued > 0 { s += " (\(r.alreadyIssued) already issued, not repeated)" }
    if r.zeroSkipped > 0 { s += " (\(r.zeroSkipped) of a zero total not issued: 'zero invoices skipped')" }
    if !r.creditNotes.isEmpty {
      var sums = CurrencyTotals()
      for n in r.creditNotes { sums.add(n.note.total, n.note.currency) }
      let t = sums.inOrder.map { t in "\(t.sum.map { money($0, t.currency) } ?? CurrencyTotals.tooLargeText) \(t.currency.code)" }
      s += "; \(r.creditNotes.count) credit note\(r.creditNotes.count == 1 ? "" : "s") for cancellations, " + t.joined(separator: ", ")
    }
    return s
  }

  /// Text for people.
  public static func text(_ r: BillingResult, explain: String? = nil) -> String {
    var all = ""
    writeText(r, explain: explain) { all += $0 }
    return all
  }

  /// Writes the text one invoice at a time (a large run never holds its whole output).
  public static func writeText(
    _ r: BillingResult, explain: String? = nil, collections: CollectionsResult? = nil, cash: CashResult? = nil, billing: Bool = true,
    _ emit: (String) -> Void
  ) {
    let shown = explain.map { k in r.invoices.filter { $0.key == k } } ?? r.invoices
    let credited = r.creditNotes.contains { $0.note.key == explain }
    if billing && (explain == nil || !shown.isEmpty || credited) {
      emit("Billing as of \(r.asOf): invoices with billing dates after \(r.since) up to \(r.asOf)\n")
    }
    let explaining = explain != nil
    renderInOrder(shown.count, { writeText(shown[$0], explaining: explaining, into: &$1) }, emit)
    for n in r.creditNotes where explain == nil || explain == n.note.key { emit(CreditNoteRenderer.text(n, explaining: explaining)) }
    if let m = cash { CashRenderer.writeText(m, explain: explain, emit) }
    if let c = collections { ReminderRenderer.writeText(c, explain: explain, emit) }
    if let k = explain, shown.isEmpty, !credited, !(collections?.reminders.contains { $0.key == k } ?? false),
      !(cash?.applications.contains { $0.key == k } ?? false)
    {
      emit("\nno invoice, reminder or match with key '\(k)' in this run\n")
    }
    var parts: [String] = billing ? [String(summary(r).dropFirst(6))] : []
    if let c = collections { parts.append(ReminderRenderer.summary(c)) }
    if let m = cash { parts.append(CashRenderer.summary(m)) }
    emit("\nPlan: " + (parts.isEmpty ? "nothing to produce" : parts.joined(separator: "; ")) + "\n")
  }

  /// Writes the same document as `json(r).serialized(pretty: true)`, one invoice at a time, so a run
  /// of many invoices never holds its whole output in memory.
  public static func writeJSON(
    _ r: BillingResult, collections: CollectionsResult? = nil, cash: CashResult? = nil, payouts: PayoutResult? = nil,
    held: [HeldDocument] = [], heldRequests: [HeldForApproval] = [], _ out: (String) -> Void,
    bytes: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil
  ) {
    guard case .object(var fields) = json(r, invoices: []) else { return }
    if !held.isEmpty || !heldRequests.isEmpty {
      // Documents held for approval (not issued, not numbered) go after the invoices.
      let summary = fields.removeLast()
      fields.append(("waiting_for_approval", ApprovalRenderer.heldJSON(held, requests: heldRequests)))
      fields.append(summary)
    }
    if let p = payouts {
      // Payouts and processor deposits go before the summary.
      let summary = fields.removeLast()
      fields += PayoutRenderer.json(p)
      fields.append(summary)
    }
    if let m = cash {
      let summary = fields.removeLast()
      fields.append(("matches", .array([])))  // written a chunk at a time, below
      if case .object(let s) = summary.1 {
        fields.append((summary.0, .object(s + CashRenderer.summaryJSON(m))))
      } else {
        fields.append(summary)
      }
    }
    if let c = collections {
      // Reminders go before the summary, which gains their counts.
      let summary = fields.removeLast()
      fields.append(("reminders", .array([])))  // written one reminder at a time, below
      if case .object(var s) = summary.1 {
        s.append(("reminders", .int(c.reminders.count)))
        s.append(("actions", .int(c.reminders.reduce(0) { $0 + $1.actions.count })))
        s.append(("open_invoices", .int(c.openInvoices)))
        s.append(("waiting_for_review", .array(c.waitingForReview.map { .string($0) })))
        fields.append((summary.0, .object(s)))
      } else {
        fields.append(summary)
      }
    }
    out("{\n")
    for (i, (k, v)) in fields.enumerated() {
      var line = "  "
      var key: [UInt8] = []
      JSON.escape(k, into: &key)
      line += String(decoding: key, as: UTF8.self) + ": "
      if k == "invoices" {
        // A chunk of invoices at a time, on two threads for many (`JSON.writeArray(count:)`).
        out(line)
        let list = r.invoices
        JSON.writeArray(
          count: list.count, indent: 1,
          { range, w in
            for j in range {
              w.item()
              w.value(invoiceJSON(list[j]))
            }
          }, out)
      } else if k == "matches", let m = cash {
        out(line)
        CashRenderer.writeJSONArray(m.applications, out, bytes: bytes)
      } else if k == "reminders", let c = collections {
        out(line)
        ReminderRenderer.writeJSONArray(c.reminders, out, bytes: bytes)
      } else {
        out(line + v.serialized(pretty: true, indent: 1))
      }
      out(i < fields.count - 1 ? ",\n" : "\n")
    }
    out("}\n")
  }


  /// One invoice's block of text.
  static func invoiceText(_ inv: PlannedInvoice, explaining: Bool) -> String {
    var t = TextBuffer()
    writeText(inv, explaining: explaining, into: &t)
    return t.string
  }

  /// One invoice's block of text written into `t` piece by piece (no string made per line or cell).
  static func writeText(_ inv: borrowing PlannedInvoice, explaining: Bool, into t: inout TextBuffer) {
    let c = inv.currency
    t.put(inv.kind == .debitNote ? "\n+ debit note " : "\n+ invoice ")
    t.put(inv.key)
    if let n = inv.number {
      t.put(ascii: ", number ")
      t.put(n)
      if inv.numberIsProvisional { t.put(ascii: " (provisional: apply gives the number)") }
    }
    t.put(ascii: "\n    customer ")
    t.put(inv.customerID)
    t.put(ascii: " ")
    t.put(inv.customerName)
    t.put(ascii: ", plan ")
    t.put(inv.plan)
    t.put(ascii: ", ")
    t.put(c.code)
    t.put(ascii: "\n")
    if !inv.contracts.isEmpty {
      t.put(ascii: "    one invoice per customer: contracts ")
      t.put(inv.contracts.joined(separator: ", "))
      t.put(ascii: "\n")
    }
    t.put(ascii: "    issued ")
    t.put(inv.issueDate)
    t.put(ascii: ", due ")
    t.put(inv.dueDate)
    t.put(ascii: " (")
    t.terms(inv.terms)
    t.put(ascii: ")\n")
    if explaining, let r = inv.termsRule { t.put("        rule \(r): payment terms\n") }
    // (Each line read in place: `for l in inv.lines` copied each, retaining every string it holds.)
    inv.lines.withUnsafeBufferPointer { lines in
      for l in lines.indices {
        t.put(ascii: "    ")
        t.pad(lines[l].description, 52)
        t.put(ascii: " ")
        // The period "start..last day", padded to 22 columns (its bytes are ASCII).
        let before = t.count
        t.put(lines[l].periodStart)
        t.put(ascii: "..")
        t.put(lastDay(lines[l].periodEnd))
        t.spaces(22 - (t.count - before))
        t.money(lines[l].amount, c, width: 14)
        t.put(ascii: "\n")
        if explaining {
          for step in lines[l].explanation {
            t.put(ascii: "        ")
            t.put(BillingText.sentence(step))
            t.put(ascii: "\n")
          }
        }
      }
    }
    t.put(ascii: "    ")
    t.pad("subtotal", 75)
    t.money(inv.subtotal, c, width: 14)
    t.put(ascii: "\n")
    for tax in inv.taxes {
      let pct = (tax.rate.multiplied(by: Fixed(100)) ?? tax.rate).description
      let label = (tax.label.contains("%") ? tax.label : "\(tax.label) \(pct)%") + " (\(tax.inclusive ? "included" : "exclusive"))"
      t.put(ascii: "    ")
      t.pad(label, 75)
      t.money(tax.amount, c, width: 14)
      t.put(ascii: "\n")
      if explaining { t.put("        rule \(tax.rule)\n") }
    }
    t.put(ascii: "    ")
    t.pad("total", 75)
    t.money(inv.total, c, width: 14)
    t.put(ascii: " ")
    t.put(c.code)
    t.put(ascii: "\n")
    if let e = inv.earlyDiscount {
      t.put(ascii: "    early payment discount: ")
      t.money(e.amount, c)
      t.put(ascii: " ")
      t.put(c.code)
      t.put(ascii: " off if paid by ")
      t.put(e.until)
      t.put(ascii: "\n")
      if explaining, let r = inv.earlyDiscountRule { t.put("        rule \(r): early payment discount\n") }
    }
    for (i, p) in inv.installments.enumerated() {
      t.put("    installment \(i + 1): ")
      t.money(p.amount, c)
      t.put(ascii: " ")
      t.put(c.code)
      t.put(ascii: " due ")
      t.put(p.dueDate)
      t.put(ascii: "\n")
    }
    if explaining {
      t.put("    from data rows: " + inv.sources.map(\.description).joined(separator: ", ") + "\n")
    }
  }

  /// ", number NW-2026-00042" (", number NW-2026-00042 (provisional: apply gives the number)" in a dry run).
  static func numberText(_ inv: PlannedInvoice) -> String {
    guard let n = inv.number else { return "" }
    return ", number \(n)" + (inv.numberIsProvisional ? " (provisional: apply gives the number)" : "")
  }

  /// JSON for machines (ordered keys, exact decimals as strings).
  public static func json(_ r: BillingResult) -> JSON { json(r, invoices: r.invoices) }

  static func json(_ r: BillingResult, invoices list: [PlannedInvoice]) -> JSON {
    let invoices = list.map(invoiceJSON)
    var sums = CurrencyTotals()
    for i in r.invoices { sums.add(i.total, i.currency) }
    var fields: [(String, JSON)] = [("as_of", .string(r.asOf.description)), ("since", .string(r.since.description)), ("invoices", .array(invoices))]
    // Credit notes of cancellations (grammar.md §6.6): only when the run has some.
    if !r.creditNotes.isEmpty { fields.append(("credit_notes", .array(r.creditNotes.map(CreditNoteRenderer.json)))) }
    return .object(fields + [
      (
        "summary",
        .object([
          ("invoices", .int(r.invoices.count)), ("already_issued", .int(r.alreadyIssued)), ("zero_skipped", .int(r.zeroSkipped)),
          ("debit_notes", .int(r.invoices.count { $0.kind == .debitNote })),
          ("totals", totalsJSON(sums)),
        ] + (r.creditNotes.isEmpty ? [] : [("credit_notes", JSON.int(r.creditNotes.count))]))
      ),
    ])
  }

  static func invoiceJSON(_ inv: PlannedInvoice) -> JSON {
    func period(_ a: CivilDate, _ b: CivilDate) -> JSON {
      .object([("start", .string(a.description)), ("end", .string(lastDay(b).description))])
    }
      let c = inv.currency
      var fields: [(String, JSON)] = [
        ("key", .string(inv.key)), ("kind", .string(inv.kind.rawValue)), ("number", inv.number.map(JSON.string) ?? .null),
        ("number_is_provisional", .bool(inv.numberIsProvisional)), ("contract", .string(inv.contractID)), ("customer", .string(inv.customerID)),
        ("customer_name", .string(inv.customerName)), ("plan", .string(inv.plan)), ("currency", .string(c.code)),
        ("issue_date", .string(inv.issueDate.description)), ("period", period(inv.periodStart, inv.periodEnd)),
        (
          "lines",
          .array(
            inv.lines.map { l in
              var lf: [(String, JSON)] = [("description", .string(l.description)), ("charge", .string(BillingText.chargeColumn(l)))]
              if let k = l.contract { lf.append(("contract", .string(k))) }  // an invoice of several contracts
              if let q = l.quantity { lf.append(("quantity", .string(q.description))) }
              if let u = l.unitPrice { lf.append(("unit_price", .string(u.description))) }
              lf += [
                ("amount", .string(plain(l.amount, c))), ("period", period(l.periodStart, l.periodEnd)),
                ("rule", .string(l.rule.description)),
              ]
              return .object(lf)
            })
        ),
        ("subtotal", .string(plain(inv.subtotal, c))),
        (
          "taxes",
          .array(
            inv.taxes.map {
              .object([
                ("label", .string($0.label)), ("rate", .string($0.rate.description)), ("inclusive", .bool($0.inclusive)),
                ("amount", .string(plain($0.amount, c))), ("rule", .string($0.rule.description)),
              ])
            })
        ),
        ("total", .string(plain(inv.total, c))), ("due_date", .string(inv.dueDate.description)), ("terms", .string(BillingText.terms(inv.terms))),
      ]
      if let e = inv.earlyDiscount {
        fields.append(
          ("early_payment_discount", .object([("amount", .string(plain(e.amount, c))), ("until", .string(e.until.description))])))
      }
      if !inv.installments.isEmpty {
        fields.append(
          (
            "installments",
            .array(inv.installments.map { .object([("amount", .string(plain($0.amount, c))), ("due_date", .string($0.dueDate.description))]) })
          ))
      }
      if !inv.contracts.isEmpty { fields.append(("contracts", .array(inv.contracts.map(JSON.string)))) }
      fields.append(("sources", .array(inv.sources.map { .string($0.description) })))
      return .object(fields)
  }

  static func csvField(_ text: String) -> String {
    let s = neutralized(text)
    // Bytes, not characters: a line end written \r\n is one character, and must be quoted too.
    return s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
      ? "\"" + s.replacingQuotes() + "\"" : s
  }

  /// A cell a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return:
  /// a payer name from a bank statement is the payer's to choose) gets a leading `'`, as OWASP recommends for
  /// CSV injection; a plain number (`-5.00`) is left as it is.
  static func neutralized(_ s: String) -> String {
    guard let first = s.utf8.first, first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D
    else { return s }
    var digits = 0
    var dots = 0
    for (k, b) in s.utf8.enumerated() {
      if b >= 0x30 && b <= 0x39 {
        digits += 1
      } else if b == 0x2E {
        dots += 1
      } else if !(k == 0 && b == 0x2D) {
        return "'" + s
      }
    }
    return digits > 0 && dots <= 1 ? s : "'" + s
  }

  /// The header of the invoices CSV (no line end).
  public static let csvHeader =
    "invoice,number,document,customer,contract,plan,currency,issue_date,due_date,kind,description,quantity,unit_price,amount,period_start,period_end,rule"

  /// CSV for spreadsheets: one row per line, tax and total.
  public static func csv(_ r: BillingResult) -> String {
    var out = ""
    writeCSV(r) { out += $0 }
    return out
  }

  /// The invoices' CSV rows, each starting with `lead` (cells already written as CSV, with their comma).
  public static func csvRows(_ invoices: [PlannedInvoice], lead: String = "", into out: inout String) {
    var t = TextBuffer(capacity: 1024 * invoices.count)
    for k in invoices.indices { writeCSVRows(invoices, k, lead: lead, into: &t) }
    out += t.string
  }

  /// Data problems, located like compiler errors.
  public static func issues(_ list: [DataIssue]) -> String {
    list.map { i in
      var s = "\(i.file):\(i.line):\(i.column): error[\(i.code)]: \(i.message)\n"
      if !i.record.isEmpty { s += "  | \(i.record)\n" }
      return s
    }.joined() + explainHint(list.map(\.code))
  }

  /// One line after a list of data issues (never one per row): the command that explains their codes, the first
  /// code named and at most two more, in the order they came. Empty for an empty list.
  public static func explainHint(_ codes: [String]) -> String {
    var seen: [String] = []
    for c in codes where !seen.contains(c) { seen.append(c) }
    guard let first = seen.first else { return "" }
    let more = seen.dropFirst().prefix(2).joined(separator: ", ") + (seen.count > 3 ? ", ..." : "")
    return "  = help: 'accrue explain \(first)' says what a code means and what to write instead"
      + (more.isEmpty ? "" : " (also \(more))") + "\n"
  }
}

extension String {
  fileprivate func replacingQuotes() -> String {
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count + 8)
    for b in utf8 {
      out.append(b)
      if b == 0x22 { out.append(0x22) }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
