import AccrueCore
import AccrueModel

/// `accrue exceptions`: what waits for a person, and the command that decides each.
public enum WaitingRenderer {
  static func what(_ p: PostedPayment) -> String {
    guard let m = p.amount else { return "" }
    let c = m.currency
    let why = p.reason.isEmpty ? "" : ": " + p.reason
    let candidates = p.candidates.isEmpty ? "" : "; candidates " + p.candidates.joined(separator: ", ")
    switch p.status {
    case .suggested?: return "suggested for " + p.settlements.map(\.invoice).joined(separator: ", ") + ", waits for review" + why
    case .exception?:
      return "held in \(p.queue.isEmpty ? "an exceptions queue" : p.queue)\(why)"
        + (p.settlements.isEmpty ? "" : " (it paid " + p.settlements.map(\.invoice).joined(separator: ", ") + ")")
        + (p.unapplied > .zero ? ", \(Money(amount: p.unapplied, currency: c).formatted(grouping: true)) unapplied" : "") + candidates
    default: return "\(Money(amount: p.unapplied, currency: c).formatted(grouping: true)) unapplied" + why + candidates
    }
  }

  public static func text(_ w: WaitingPayments, ledger: String) -> String {
    var out = "Waiting for a decision in \(ledger): \(w.payments.count) payment\(w.payments.count == 1 ? "" : "s")\n"
    for p in w.payments {
      let m = p.amount.map { $0.formatted(grouping: true) } ?? ""
      out += "\n\(PostedPayment.baseKey(p.key))  \(p.date)  \(m)  \(p.customer.isEmpty ? "payer not found" : "customer " + p.customer)\n"
      out += "    \(what(p))" + (p.rule.isEmpty || p.rule == "decision" ? "" : " (rule \(p.rule))") + "\n"
      let confirm = p.status == .suggested ? " | --confirm" : ""
      out += "    accrue resolve \(PostedPayment.baseKey(p.key)) INVOICE=AMOUNT...\(confirm) | --not-ours | --refund\n"
    }
    if !w.heldReturns.isEmpty {
      out += "\n\(w.heldReturns.count) return\(w.heldReturns.count == 1 ? "" : "s") held without the payment \(w.heldReturns.count == 1 ? "it returns" : "they return") ("
        + w.heldReturns.map(\.key).joined(separator: ", ") + "): linked by a later apply once the original is in the data\n"
    }
    return out
  }

  public static func json(_ w: WaitingPayments) -> JSON {
    .object([
      ("payments", .array(w.payments.map { p in
        .object([
          ("payment", .string(PostedPayment.baseKey(p.key))), ("posting", .string(p.key)), ("date", .string(p.date.description)),
          ("currency", .string(p.amount?.currency.code ?? "")), ("amount", .number(p.amount.map { $0.amount.formatted(places: $0.currency.minorUnits) } ?? "0")),
          ("status", .string(p.status?.rawValue ?? "")), ("rule", .string(p.rule)), ("customer", .string(p.customer)),
          ("unapplied", .number(p.amount.map { p.unapplied.formatted(places: $0.currency.minorUnits) } ?? "0")),
          ("invoices", .array(p.settlements.map { .string($0.invoice) })), ("queue", .string(p.queue)), ("reason", .string(p.reason)),
          ("candidates", .array(p.candidates.map { .string($0) })), ("what", .string(what(p))),
        ])
      })),
      ("held_returns", .array(w.heldReturns.map { .string($0.key) })),
    ])
  }
}
