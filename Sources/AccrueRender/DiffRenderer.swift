import AccrueCore
import AccrueModel

/// Renders `accrue diff` like a Terraform plan: `+` new, `-` removed, `~` changed, then a summary line.
public enum DiffRenderer {
  static func money(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.money(v, c) + " " + c.code }

  static func signed(_ v: Fixed, _ c: Currency) -> String { (v > .zero ? "+" : v < .zero ? "-" : "±") + money(abs(v), c) }

  static func abs(_ v: Fixed) -> Fixed { v < .zero ? (Fixed.zero.subtracting(v) ?? v) : v }

  /// The one-line summary: counts per kind and change, and the net change of invoice totals per currency.
  public static func summary(_ d: BusinessDiff) -> String {
    if d.isEmpty { return "Diff: no changes" }
    func count(_ kind: String, _ c: BusinessDiff.Change) -> Int { d.entries.filter { $0.kind == kind && $0.change == c }.count }
    var parts: [String] = []
    for kind in ["invoice", "credit note", "reminder", "match"] {
      let (a, r, c) = (count(kind, .added), count(kind, .removed), count(kind, .changed))
      if a + r + c == 0 { continue }
      parts.append("\(kind == "match" ? "matches" : kind + "s"): \(a) added, \(r) removed, \(c) changed")
    }
    let net = d.invoiceDelta.filter { $0.1 != .zero }.map { t in t.1.map { signed($0, t.0) } ?? CurrencyTotals.tooLargeText + " " + t.0.code }
    return "Diff: " + parts.joined(separator: "; ") + (net.isEmpty ? "" : "; invoiced " + net.joined(separator: ", "))
  }

  public static func text(_ d: BusinessDiff, header: String) -> String {
    var out = header + "\n"
    for e in d.entries {
      var line = "\n\(e.change.rawValue) \(e.kind) \(e.key)  \(e.customer)"
      // Invoices show their totals; reminders the fees and interest they charge, when they charge any;
      // matches the amount applied to invoices.
      let label = e.kind == "invoice" ? "" : e.kind == "match" ? "applied " : e.kind == "credit note" ? "credited " : "fees "
      let shows = e.kind == "invoice" || e.kind == "credit note" || (e.before ?? .zero) != .zero || (e.after ?? .zero) != .zero
      switch e.change {
      case .added where shows: line += "  " + label + money(e.after ?? .zero, e.currency)
      case .removed where shows: line += "  " + label + money(e.before ?? .zero, e.currency)
      case .changed where e.before != e.after:
        line += "  \(label)\(money(e.before ?? .zero, e.currency)) -> \(money(e.after ?? .zero, e.currency)) (\(e.delta.map { signed($0, e.currency) } ?? CurrencyTotals.tooLargeText))"
      default: break
      }
      out += line + "\n"
      for detail in e.details { out += "    \(detail)\n" }
    }
    return out + "\n" + summary(d) + "\n"
  }

  public static func json(_ d: BusinessDiff) -> JSON {
    func amount(_ v: Fixed?, _ c: Currency) -> JSON { v.map { .string(InvoiceRenderer.plain($0, c)) } ?? .null }
    return .object([
      (
        "changes",
        .array(
          d.entries.map { e in
            .object([
              ("change", .string(e.change == .added ? "added" : e.change == .removed ? "removed" : "changed")), ("kind", .string(e.kind)),
              ("key", .string(e.key)), ("customer", .string(e.customer)), ("currency", .string(e.currency.code)),
              ("before", amount(e.before, e.currency)), ("after", amount(e.after, e.currency)), ("delta", amount(e.delta, e.currency)),
              ("details", .array(e.details.map { .string($0) })),
            ])
          })
      ),
      ("invoiced_delta", .object(d.invoiceDelta.map { t in (t.0.code, t.1.map { .string(InvoiceRenderer.plain($0, t.0)) } ?? .null) })),
      ("summary", .string(summary(d))),
    ])
  }
}
