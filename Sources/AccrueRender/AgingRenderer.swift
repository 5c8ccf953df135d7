import AccrueCore
import AccrueModel

/// Renders `accrue report aging`: one table per currency (columns as wide as their widest cell), then its ratios
/// with their formulas; JSON with every figure (docs/data.md, "The aging report").
public enum AgingRenderer {
  static func money(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.money(v, c) }
  static func plain(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.plain(v, c) }

  /// The formulas, as the README and the JSON output state them.
  public static let formulas: [(String, String)] = [
    ("dso", "E / S x 90"), ("best_possible_dso", "E_current / S x 90"), ("average_days_delinquent", "(E - E_current) / S x 90"),
    ("cei", "(B + S - E) / (B + S - E_current) x 100"),
  ]

  static func kindLabel(_ i: AgingReport.Item) -> String {
    switch i.kind {
    case .invoice: return ""
    case .creditNote: return "credit note"
    case .creditOnAccount: return "credit on account"
    case .unapplied: return i.status == "unapplied" || i.status == nil ? "unapplied" : "unapplied (\(i.status!))"
    }
  }

  /// One line of a currency's table: the left part, then the cells (empty: blank).
  struct Line {
    var left: String
    var cells: [String]
  }

  public static func text(_ r: AgingReport) -> String {
    let names = r.bucketNames
    let detail = r.options.detail
    var out = "Aging as of \(r.asOf): open amounts by days past due (disputed amounts included), credits and net balances\n"
    if r.totals.isEmpty { out += "\nNothing open.\n" }
    for t in r.totals {
      let c = t.currency
      let rows = r.rows.filter { $0.currency == c }
      let header = names + ["total", "disputed", "credits", "net balance"]
      let idWidth = max(8, rows.map(\.customerID.count).max() ?? 0)
      let itemWidth = max(7, rows.flatMap { $0.items.map(\.id.count) }.max() ?? 0, t.unidentifiedItems.map(\.id.count).max() ?? 0)
      func itemLine(_ i: AgingReport.Item) -> Line {
        var cells = Array(repeating: "", count: header.count)
        var left = "  " + InvoiceRenderer.pad(i.id, itemWidth) + "  " + i.date.description + "  "
        if i.kind == .invoice, let due = i.dueDate, let days = i.daysPastDue, let b = i.bucket {
          left += due.description + InvoiceRenderer.lpad(String(days), 10)
          cells[b] = money(i.amount, c)
          cells[names.count + 1] = money(i.disputed, c)
        } else {
          left += kindLabel(i)
          cells[names.count + 2] = money(i.amount, c)
        }
        return Line(left: left, cells: cells)
      }
      var lines: [Line] = []
      for row in rows {
        let name = String(row.customerName.prefix(28))
        lines.append(
          Line(
            left: InvoiceRenderer.pad(row.customerID, idWidth) + "  " + name,
            cells: row.amounts.map { money($0, c) } + [row.total, row.disputed, row.credits, row.netBalance].map { money($0, c) }))
        if detail { lines += row.items.map(itemLine) }
      }
      if !t.unidentified.isZero {
        var cells = Array(repeating: "", count: header.count)
        cells[names.count + 2] = money(t.unidentified, c)
        cells[names.count + 3] = money(t.unidentified.negated ?? .zero, c)
        lines.append(Line(left: InvoiceRenderer.pad("-", idWidth) + "  " + "(payer not identified)", cells: cells))
        if detail { lines += t.unidentifiedItems.map(itemLine) }
      }
      let totalLine = Line(
        left: "total", cells: t.amounts.map { money($0, c) } + [t.total, t.disputed, t.credits, t.netBalance].map { money($0, c) })
      var leftWidth = max(idWidth + 2 + 4, (lines + [totalLine]).map(\.left.count).max() ?? 0)
      let detailHeader =
        "  " + InvoiceRenderer.pad("invoice", itemWidth) + "  " + InvoiceRenderer.pad("issued", 10) + "  " + InvoiceRenderer.pad("due", 10)
        + InvoiceRenderer.lpad("past due", 10)
      if detail { leftWidth = max(leftWidth, detailHeader.count) }
      var widths = header.map(\.count)
      for l in lines + [totalLine] {
        for (k, s) in l.cells.enumerated() { widths[k] = max(widths[k], s.count) }
      }
      func render(_ l: Line) -> String {
        var s = InvoiceRenderer.pad(l.left, leftWidth)
        for (k, cell) in l.cells.enumerated() { s += "  " + InvoiceRenderer.lpad(cell, widths[k]) }
        while s.last == " " { s.removeLast() }
        return s + "\n"
      }
      out += "\n\(c.code)\n"
      out += render(Line(left: InvoiceRenderer.pad("customer", idWidth) + "  name", cells: header))
      if detail { out += detailHeader + "\n" }
      for l in lines { out += render(l) }
      out += render(totalLine)
      out += ratios(r, t)
    }
    out += notes(r)
    return out
  }

  /// A currency's window figures and ratios, each with its formula.
  static func ratios(_ r: AgingReport, _ t: AgingReport.Totals) -> String {
    let c = t.currency
    let start = r.windowStart
    let first = CivilDate(dayNumber: start.dayNumber + 1)
    var out = "\n  E (receivables) \(money(t.total, c)), of which current E_current \(money(t.amounts[0], c))\n"
    out += "  S (credit sales, invoices issued \(first) to \(r.asOf)) \(money(t.sales, c))\n"
    out += "  B (beginning receivables, open at the end of \(start)) \(money(t.beginning, c))\n"
    func f(_ v: Fixed?, _ unit: String, _ why: String) -> String { v.map { $0.formatted(places: AgingReport.ratioPlaces) + unit } ?? why }
    let noSales = "n/a (no credit sales)"
    let rows: [(String, String, String)] = [
      ("DSO", formulas[0].1, f(t.dso, " days", noSales)),
      ("best possible DSO", formulas[1].1, f(t.bestPossibleDSO, " days", noSales)),
      ("average days delinquent", formulas[2].1, f(t.averageDaysDelinquent, " days", noSales)),
      ("CEI", formulas[3].1, f(t.cei, "%", "n/a (nothing to collect)")),
    ]
    for (name, formula, value) in rows {
      out += "  " + InvoiceRenderer.pad(name, 25) + InvoiceRenderer.pad(formula, 41) + "= " + value + "\n"
    }
    return out
  }

  /// How ratios are rounded and what was assumed or left out.
  static func notes(_ r: AgingReport) -> String {
    var out = "\nRatios: exact, rounded once to one decimal, \(AgingOptions.name(r.options.rounding)).\n"
    func plural(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
    if r.paidWithoutDate > 0 {
      out += "paid_date missing on \(plural(r.paidWithoutDate, "paid or written-off invoice or credit note", "paid or written-off invoices or credit notes")): "
        + "taken as settled on the issue date, never open.\n"
    }
    if r.partPaidWithoutDate > 0 {
      out += "Amount paid without a date on \(plural(r.partPaidWithoutDate, "open invoice", "open invoices")): taken as paid on the issue date.\n"
    }
    if let j = r.journal {
      out += "Ledger: \(plural(j.runs, "run", "runs")) dated on or before \(r.asOf), \(plural(j.payments, "payment", "payments"))"
      out += "; \(plural(j.settlementsCounted, "invoice settlement", "invoice settlements")) counted as paid"
      out += ", \(j.settlementsInInvoices) already in the invoices file"
      if j.settlementsUnknown > 0 { out += ", \(j.settlementsUnknown) of invoices not in it" }
      if j.runsAfter > 0 { out += "; \(plural(j.runsAfter, "run", "runs")) dated after \(r.asOf) left out" }
      out += ".\n"
      if !j.paymentsNotInData.isEmpty {
        out += "  \(plural(j.paymentsNotInData.count, "payment", "payments")) of the journal not in the data folder (what they left on account is not known): "
        let shown = j.paymentsNotInData.prefix(10).joined(separator: ", ")
        out += shown + (j.paymentsNotInData.count > 10 ? " and \(j.paymentsNotInData.count - 10) more (all in --format json)" : "") + "\n"
      }
    }
    return out
  }

  public static func json(_ r: AgingReport) -> JSON {
    let start = r.windowStart
    var top: [(String, JSON)] = [
      ("as_of", .string(r.asOf.description)), ("window_days", .int(AgingReport.windowDays)),
      (
        "window",
        .object([
          ("beginning_receivables_at_end_of", .string(start.description)),
          ("credit_sales_from", .string(CivilDate(dayNumber: start.dayNumber + 1).description)), ("credit_sales_to", .string(r.asOf.description)),
        ])
      ),
      ("buckets", .array(bucketLimits(r))),
      ("rounding", .object([("mode", .string(AgingOptions.name(r.options.rounding))), ("places", .int(AgingReport.ratioPlaces))])),
      ("formulas", .object(formulas.map { ($0.0, .string($0.1)) })),
    ]
    let names = r.bucketNames
    top.append(("customers", .array(r.rows.map { json($0, names, detail: r.options.detail) })))
    top.append(("totals", .array(r.totals.map { json($0, names, detail: r.options.detail) })))
    top.append(("paid_without_date", .int(r.paidWithoutDate)))
    top.append(("part_paid_without_date", .int(r.partPaidWithoutDate)))
    if let j = r.journal {
      top.append(
        (
          "journal",
          .object([
            ("runs", .int(j.runs)), ("runs_after_as_of", .int(j.runsAfter)), ("payments", .int(j.payments)),
            ("settlements_counted", .int(j.settlementsCounted)), ("settlements_in_invoices", .int(j.settlementsInInvoices)),
            ("settlements_unknown_invoice", .int(j.settlementsUnknown)),
            ("payments_not_in_data", .array(j.paymentsNotInData.map { .string($0) })),
          ])
        ))
    } else {
      top.append(("journal", .null))
    }
    return .object(top)
  }

  /// Each bucket with the days past due it holds (the first: not yet due; the last: open-ended).
  static func bucketLimits(_ r: AgingReport) -> [JSON] {
    let names = r.bucketNames
    var limits: [JSON] = [.object([("name", .string(names[0])), ("days_past_due_from", .null), ("days_past_due_to", .int(0))])]
    var from = 1
    for (k, l) in r.options.limits.enumerated() {
      limits.append(.object([("name", .string(names[k + 1])), ("days_past_due_from", .int(from)), ("days_past_due_to", .int(l))]))
      from = l + 1
    }
    limits.append(.object([("name", .string(names[names.count - 1])), ("days_past_due_from", .int(from)), ("days_past_due_to", .null)]))
    return limits
  }

  static func amounts(_ a: [Fixed], _ c: Currency, _ names: [String]) -> JSON {
    .object(zip(names, a).map { ($0.0, .string(plain($0.1, c))) })
  }

  /// One customer's row (in one currency).
  static func json(_ row: AgingReport.Row, _ names: [String], detail: Bool) -> JSON {
    let c = row.currency
    var f: [(String, JSON)] = [
      ("customer", .string(row.customerID)), ("name", .string(row.customerName)), ("currency", .string(c.code)),
      ("buckets", amounts(row.amounts, c, names)), ("total", .string(plain(row.total, c))), ("overdue", .string(plain(row.overdue, c))),
      ("disputed", .string(plain(row.disputed, c))), ("credit_notes", .string(plain(row.creditNotes, c))),
      ("credit_on_account", .string(plain(row.creditOnAccount, c))), ("unapplied", .string(plain(row.unapplied, c))),
      ("credits", .string(plain(row.credits, c))), ("net_balance", .string(plain(row.netBalance, c))), ("invoices", .int(row.invoices)),
    ]
    if detail { f.append(("items", .array(row.items.map { json($0, c, names) }))) }
    return .object(f)
  }

  /// One currency's totals and ratios.
  static func json(_ t: AgingReport.Totals, _ names: [String], detail: Bool) -> JSON {
    func num(_ v: Fixed?) -> JSON { v.map { .number($0.formatted(places: AgingReport.ratioPlaces)) } ?? .null }
    let c = t.currency
    var f: [(String, JSON)] = [
      ("currency", .string(c.code)), ("buckets", amounts(t.amounts, c, names)), ("total", .string(plain(t.total, c))),
      ("overdue", .string(plain(t.overdue, c))), ("disputed", .string(plain(t.disputed, c))),
      ("credit_notes", .string(plain(t.creditNotes, c))), ("credit_on_account", .string(plain(t.creditOnAccount, c))),
      ("unapplied", .string(plain(t.unapplied, c))), ("unidentified", .string(plain(t.unidentified, c))),
      ("credits", .string(plain(t.credits, c))), ("net_balance", .string(plain(t.netBalance, c))), ("invoices", .int(t.invoices)),
      ("credit_sales", .string(plain(t.sales, c))), ("beginning_receivables", .string(plain(t.beginning, c))),
      ("dso", num(t.dso)), ("best_possible_dso", num(t.bestPossibleDSO)), ("average_days_delinquent", num(t.averageDaysDelinquent)),
      ("cei", num(t.cei)),
    ]
    if detail { f.append(("unidentified_items", .array(t.unidentifiedItems.map { json($0, c, names) }))) }
    return .object(f)
  }

  /// One item of a row's detail: an invoice, a credit note, or cash on account or unapplied.
  static func json(_ i: AgingReport.Item, _ c: Currency, _ names: [String]) -> JSON {
    var f: [(String, JSON)] = [("kind", .string(i.kind.rawValue)), ("id", .string(i.id))]
    if i.kind == .invoice {
      f += [
        ("issue_date", .string(i.date.description)), ("due_date", .string(i.dueDate?.description ?? "")),
        ("days_past_due", .int(i.daysPastDue ?? 0)), ("bucket", .string(i.bucket.map { names[$0] } ?? "")),
        ("amount", .string(plain(i.amount, c))), ("disputed", .string(plain(i.disputed, c))),
      ]
      if let o = i.origin { f.append(("origin", .string(o))) }
    } else {
      f += [(i.kind == .creditNote ? "issue_date" : "date", .string(i.date.description)), ("amount", .string(plain(i.amount, c)))]
      if let s = i.status { f.append(("status", .string(s))) }
    }
    return .object(f)
  }
}
