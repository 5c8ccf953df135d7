import AccrueCore
import AccrueEngine

/// Renders `accrue report aging`.
public enum AgingRenderer {
  static func cell(_ v: Fixed, _ c: Currency, _ width: Int) -> String { InvoiceRenderer.lpad(InvoiceRenderer.money(v, c), width) }

  public static func text(_ r: AgingReport) -> String {
    var out = "Aging as of \(r.asOf): open amounts by days past due (disputed amounts included)\n\n"
    let header = InvoiceRenderer.pad("customer", 14) + InvoiceRenderer.pad("name", 30) + "cur"
      + AgingReport.buckets.map { InvoiceRenderer.lpad($0, 14) }.joined() + InvoiceRenderer.lpad("total", 15) + "\n"
    out += header
    for row in r.rows {
      out += InvoiceRenderer.pad(row.customerID, 14) + InvoiceRenderer.pad(String(row.customerName.prefix(29)), 30) + row.currency.code
      out += row.amounts.map { cell($0, row.currency, 14) }.joined() + cell(row.total, row.currency, 15) + "\n"
    }
    out += "\n"
    for t in r.totals {
      out += InvoiceRenderer.pad("total", 44) + t.currency.code + t.amounts.map { cell($0, t.currency, 14) }.joined()
      out += cell(t.total, t.currency, 15) + "\n"
    }
    out += "\nOver the \(AgingReport.windowDays) days to \(r.asOf):\n"
    for t in r.totals {
      func f(_ v: Fixed?, _ unit: String) -> String { v.map { $0.formatted(places: 1) + unit } ?? "n/a (no credit sales)" }
      out += "  \(t.currency.code): credit sales \(InvoiceRenderer.money(t.sales, t.currency)), DSO \(f(t.dso, " days")), "
      out += "best possible DSO \(f(t.bestPossibleDSO, " days")), average days delinquent \(f(t.averageDaysDelinquent, " days")), "
      out += "CEI \(t.cei.map { $0.formatted(places: 1) + "%" } ?? "n/a")\n"
    }
    if r.paidWithoutDate > 0 {
      out += "  (\(r.paidWithoutDate) paid invoice\(r.paidWithoutDate == 1 ? "" : "s") without paid_date taken as paid before the window)\n"
    }
    return out
  }

  public static func json(_ r: AgingReport) -> JSON {
    func amounts(_ a: [Fixed], _ c: Currency) -> JSON {
      .object(zip(AgingReport.buckets, a).map { ($0.0, .string(InvoiceRenderer.plain($0.1, c))) })
    }
    func num(_ v: Fixed?) -> JSON { v.map { .number($0.formatted(places: 1)) } ?? .null }
    return .object([
      ("as_of", .string(r.asOf.description)), ("window_days", .int(AgingReport.windowDays)),
      (
        "customers",
        .array(
          r.rows.map {
            .object([
              ("customer", .string($0.customerID)), ("name", .string($0.customerName)), ("currency", .string($0.currency.code)),
              ("buckets", amounts($0.amounts, $0.currency)), ("total", .string(InvoiceRenderer.plain($0.total, $0.currency))),
              ("invoices", .int($0.invoices)),
            ])
          })
      ),
      (
        "totals",
        .array(
          r.totals.map {
            .object([
              ("currency", .string($0.currency.code)), ("buckets", amounts($0.amounts, $0.currency)),
              ("total", .string(InvoiceRenderer.plain($0.total, $0.currency))), ("credit_sales", .string(InvoiceRenderer.plain($0.sales, $0.currency))),
              ("beginning_receivables", .string(InvoiceRenderer.plain($0.beginning, $0.currency))), ("dso", num($0.dso)),
              ("best_possible_dso", num($0.bestPossibleDSO)), ("average_days_delinquent", num($0.averageDaysDelinquent)), ("cei", num($0.cei)),
            ])
          })
      ),
      ("paid_without_date", .int(r.paidWithoutDate)),
    ])
  }
}
