import AccrueCore
import AccrueModel

/// The deferred revenue waterfall (`accrue report waterfall`, grammar.md §13): per plan and currency, what the
/// deferred revenue left recognizes month by month, as text, JSON and CSV (docs/data.md, Waterfall).
public enum WaterfallRenderer {
  static func amount(_ v: Fixed, _ c: Currency, grouping: Bool = false) -> String { v.formatted(places: c.minorUnits, grouping: grouping) }

  /// Each plan and currency's total deferred revenue left.
  static func totals(_ rows: [WaterfallRow]) -> [(plan: String, currency: Currency, amount: Fixed)] {
    var out: [(plan: String, currency: Currency, amount: Fixed)] = []
    for r in rows {
      if let last = out.last, last.plan == r.plan, last.currency == r.currency {
        out[out.count - 1].amount = last.amount.adding(r.amount) ?? last.amount
      } else {
        out.append((r.plan, r.currency, r.amount))
      }
    }
    return out
  }

  public static func text(_ rows: [WaterfallRow], asOf: CivilDate) -> String {
    var out = "Deferred revenue waterfall as of \(asOf): what is left to recognize, per plan and month\n"
    if rows.isEmpty { return out + "\nNo deferred revenue left.\n" }
    for t in totals(rows) {
      out += "\n\(t.plan)  \(t.currency.code)  left to recognize \(amount(t.amount, t.currency, grouping: true))\n"
      for r in rows where r.plan == t.plan && r.currency == t.currency {
        let a = amount(r.amount, r.currency, grouping: true)
        out += "  \(r.month.padding(toLength: 7, withPad: " ", startingAt: 0))  \(String(repeating: " ", count: max(0, 14 - a.count)))\(a)  (\(r.obligations) line\(r.obligations == 1 ? "" : "s"))\n"
      }
    }
    return out
  }

  public static func json(_ rows: [WaterfallRow], asOf: CivilDate) -> String {
    JSON.object([
      ("as_of", .string(asOf.description)),
      (
        "totals",
        .array(totals(rows).map { t in .object([("plan", .string(t.plan)), ("currency", .string(t.currency.code)), ("amount", .number(amount(t.amount, t.currency)))]) })
      ),
      (
        "waterfall",
        .array(
          rows.map { r in
            .object([
              ("plan", .string(r.plan)), ("currency", .string(r.currency.code)), ("month", .string(r.month)),
              ("amount", .number(amount(r.amount, r.currency))), ("obligations", .number(String(r.obligations))),
            ])
          })
      ),
    ]).serialized(pretty: true) + "\n"
  }

  public static func csv(_ rows: [WaterfallRow]) -> String {
    var out = "plan,currency,month,amount,obligations\r\n"
    for r in rows {
      out += [r.plan, r.currency.code, r.month, amount(r.amount, r.currency), String(r.obligations)].map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
    }
    return out
  }
}
