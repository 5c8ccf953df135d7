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
}
