import AccrueCore
import AccrueModel
import Testing

@testable import AccrueRender

/// The invoices CSV written as bytes on two threads (`InvoiceRenderer.writeCSV`) is the text the cell-by-cell
/// definition gives (`csvField` on every cell, rows in order), on cells a spreadsheet would misread.
@Suite("Invoices CSV")
struct InvoiceCSVTests {
  static func day(_ s: String) -> CivilDate { CivilDate.parse(s)! }

  /// Cells that need a quote, a doubled quote, a leading `'`, or nothing.
  static let awkward = [
    "Seats", "a, b", "say \"hi\"", "=SUM(A1)", "-5.00", "-5.0.0", "+1", "@x", "line\nend", "\r", "-", "x\"", "Été, 2 €", "",
  ]

  static func invoice(_ k: Int) -> PlannedInvoice {
    let word = awkward[k % awkward.count]
    let rule = RuleRef(file: k % 5 == 0 ? "rules/a,b.accrue" : "rules/plans.accrue", line: k)
    let lines = (0..<(k % 4)).map { j in
      InvoiceLine(
        description: awkward[(k + j) % awkward.count], kind: .charge, charge: "c", quantity: j == 1 ? nil : Fixed(j - 1),
        unitPrice: j == 2 ? nil : Fixed("-1.5")!, amount: Fixed(k - 500), periodStart: day("2026-10-01"), periodEnd: day("2026-11-01"),
        rule: rule, explanation: [])
    }
    let taxes = k % 3 == 0 ? [InvoiceTax(label: word, rate: Fixed("0.19")!, inclusive: k % 2 == 0, amount: Fixed(k), rule: rule)] : []
    var i = PlannedInvoice(
      key: "\(word)/\(k)", contractID: word, customerID: "cust-\(k)", customerName: word, plan: word, currency: k % 2 == 0 ? .USD : .JPY,
      issueDate: day("2026-10-02"), periodStart: day("2026-10-02"), periodEnd: day("2026-11-02"), lines: lines, subtotal: Fixed(k),
      taxes: taxes, total: Fixed(-k), dueDate: day("2026-11-30"), terms: .dueOnReceipt, installments: [], sources: [])
    i.number = k % 7 == 0 ? nil : "N-\(word)"
    return i
  }

  /// The invoices CSV as defined: every cell through `csvField`, joined by commas, rows ended by CRLF.
  static func expected(_ invoices: [PlannedInvoice]) -> String {
    var out = InvoiceRenderer.csvHeader + "\r\n"
    for inv in invoices {
      let head = [
        inv.key, inv.number ?? "", inv.kind.rawValue, inv.customerID, inv.contractID, inv.plan, inv.currency.code, inv.issueDate.description,
        inv.dueDate.description,
      ]
      func row(_ cells: [String]) { out += (head + cells).map(InvoiceRenderer.csvField).joined(separator: ",") + "\r\n" }
      let c = inv.currency
      for l in inv.lines {
        row([
          "line", l.description, l.quantity?.description ?? "", l.unitPrice?.description ?? "", InvoiceRenderer.plain(l.amount, c),
          l.periodStart.description, InvoiceRenderer.lastDay(l.periodEnd).description, l.rule.description,
        ])
      }
      for t in inv.taxes {
        row([t.inclusive ? "tax included" : "tax", t.label, "", "", InvoiceRenderer.plain(t.amount, c), "", "", t.rule.description])
      }
      row([
        "total", "total", "", "", InvoiceRenderer.plain(inv.total, c), inv.periodStart.description,
        InvoiceRenderer.lastDay(inv.periodEnd).description, "",
      ])
    }
    return out
  }

  @Test("a run of 1 to 5,000 invoices (two threads from 2,000) is the CSV defined cell by cell", arguments: [1, 14, 1_999, 5_000])
  func sameAsDefinition(count: Int) {
    let invoices = (0..<count).map(Self.invoice)
    let r = BillingResult(asOf: Self.day("2026-11-01"), since: Self.day("2026-10-01"), invoices: invoices, alreadyIssued: 0, failures: [])
    #expect(InvoiceRenderer.csv(r) == Self.expected(invoices))
    var rows = ""
    InvoiceRenderer.csvRows(invoices, lead: "2026-11-01,", into: &rows)
    let lead = Self.expected(invoices).split(separator: "\r\n", omittingEmptySubsequences: false).dropFirst().dropLast()
    #expect(rows == lead.map { "2026-11-01," + $0 + "\r\n" }.joined())
  }

  /// An invoice's text as defined: one string per line, made by interpolation (what `writeText` writes as bytes).
  static func expectedText(_ inv: PlannedInvoice, explaining: Bool) -> String {
    typealias R = InvoiceRenderer
    var out = "\n+ \(inv.kind == .debitNote ? "debit note" : "invoice") \(inv.key)\(R.numberText(inv))\n"
    out += "    customer \(inv.customerID) \(inv.customerName), plan \(inv.plan), \(inv.currency.code)\n"
    if !inv.contracts.isEmpty { out += "    one invoice per customer: contracts \(inv.contracts.joined(separator: ", "))\n" }
    out += "    issued \(inv.issueDate), due \(inv.dueDate) (\(BillingText.terms(inv.terms)))\n"
    if explaining, let r = inv.termsRule { out += "        rule \(r): payment terms\n" }
    for l in inv.lines {
      let period = "\(l.periodStart)..\(R.lastDay(l.periodEnd))"
      out += "    " + R.pad(l.description, 52) + " " + R.pad(period, 22) + R.lpad(R.money(l.amount, inv.currency), 14) + "\n"
      if explaining { for step in l.explanation { out += "        \(BillingText.sentence(step))\n" } }
    }
    out += "    " + R.pad("subtotal", 75) + R.lpad(R.money(inv.subtotal, inv.currency), 14) + "\n"
    for t in inv.taxes {
      let pct = (t.rate.multiplied(by: Fixed(100)) ?? t.rate).description
      let label = (t.label.contains("%") ? t.label : "\(t.label) \(pct)%") + " (\(t.inclusive ? "included" : "exclusive"))"
      out += "    " + R.pad(label, 75) + R.lpad(R.money(t.amount, inv.currency), 14) + "\n"
      if explaining { out += "        rule \(t.rule)\n" }
    }
    out += "    " + R.pad("total", 75) + R.lpad(R.money(inv.total, inv.currency), 14) + " \(inv.currency.code)\n"
    if let e = inv.earlyDiscount {
      out += "    early payment discount: \(R.money(e.amount, inv.currency)) \(inv.currency.code) off if paid by \(e.until)\n"
      if explaining, let r = inv.earlyDiscountRule { out += "        rule \(r): early payment discount\n" }
    }
    for (i, p) in inv.installments.enumerated() {
      out += "    installment \(i + 1): \(R.money(p.amount, inv.currency)) \(inv.currency.code) due \(p.dueDate)\n"
    }
    if explaining { out += "    from data rows: " + inv.sources.map(\.description).joined(separator: ", ") + "\n" }
    return out
  }

  @Test("an invoice's text written as bytes is the text its line-by-line definition gives (awkward cells, early discount, installments, explained)")
  func textAsDefinition() {
    for k in 0..<120 {
      var inv = Self.invoice(k)
      if k % 4 == 1 { inv.earlyDiscount = (Fixed(k), Self.day("2026-10-12"), Fixed("0.02")!) }
      if k % 5 == 2 { inv.installments = [Installment(amount: Fixed(k), dueDate: Self.day("2026-11-01")), Installment(amount: Fixed(1), dueDate: Self.day("0099-12-01"))] }
      if k % 6 == 3 { inv.contracts = ["ctr-1", "ctr-\(k)"] }
      if k % 3 == 1 {
        inv.termsRule = RuleRef(file: "rules/terms.accrue", line: k)
        inv.earlyDiscountRule = RuleRef(file: "rules/terms.accrue", line: k + 1)
        inv.numberIsProvisional = true
        inv.sources = [RowRef(file: "data/contracts.csv", line: k)]
      }
      if k % 8 == 5, !inv.lines.isEmpty {
        inv.lines[0].explanation = [.charge(rule: RuleRef(file: "r", line: 1), name: "seats")]
        inv.lines[0].periodStart = CivilDate(dayNumber: -800_000)
      }
      for explaining in [false, true] {
        var t = TextBuffer()
        InvoiceRenderer.writeText(inv, explaining: explaining, into: &t)
        #expect(t.string == Self.expectedText(inv, explaining: explaining), "invoice \(k)")
        #expect(InvoiceRenderer.invoiceText(inv, explaining: explaining) == t.string)
      }
    }
  }
}
