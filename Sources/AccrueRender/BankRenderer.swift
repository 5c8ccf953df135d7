import AccrueCore
import AccrueImport
import AccrueModel

/// Renders `accrue import`: the normalized records of a statement file, for a preview.
public enum BankRenderer {
  public static func json(_ list: [BankTransaction]) -> JSON {
    .array(
      list.map { t in
        .object([
          ("booking_date", .string(t.bookingDate.description)), ("value_date", t.valueDate.map { .string($0.description) } ?? .null),
          ("amount", .string(t.amount.formatted(places: max(t.currency.minorUnits, t.amount.significantFractionDigits)))),
          ("currency", .string(t.currency.code)), ("reference", .string(t.reference)), ("end_to_end_id", .string(t.endToEndID)),
          ("bank_reference", .string(t.bankReference)), ("remittance", .string(t.remittance)),
          ("counterparty_name", .string(t.counterpartyName)), ("counterparty_account", .string(t.counterpartyAccount)),
          ("reversal", .bool(t.reversal)), ("source", .string(t.source)), ("notes", .array(t.notes.map { .string($0) })),
        ])
      })
  }

  public static func text(_ list: [BankTransaction]) -> String {
    var out = ""
    for t in list {
      let amount = InvoiceRenderer.lpad(t.amount.formatted(places: max(t.currency.minorUnits, t.amount.significantFractionDigits), grouping: true), 14)
      out += "\(t.bookingDate) \(amount) \(t.currency.code)  \(t.counterpartyName.isEmpty ? "-" : t.counterpartyName)"
      out += t.reversal ? "  (reversal)\n" : "\n"
      let refs = [("ref", t.reference), ("e2e", t.endToEndID), ("bank", t.bankReference)].filter { !$0.1.isEmpty }
      if !refs.isEmpty { out += "    " + refs.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n" }
      if !t.remittance.isEmpty { out += "    \(t.remittance)\n" }
      for n in t.notes { out += "    note: \(n)\n" }
      out += "    from \(t.source)\n"
    }
    var sums: [Currency: Fixed] = [:]
    for t in list { sums[t.currency] = (sums[t.currency] ?? .zero).adding(t.amount) ?? .zero }
    let totals = sums.keys.sorted().map { "\(InvoiceRenderer.money(sums[$0] ?? .zero, $0)) \($0.code)" }.joined(separator: ", ")
    return out + "\n\(list.count) transaction\(list.count == 1 ? "" : "s"), net \(totals)\n"
  }
}
