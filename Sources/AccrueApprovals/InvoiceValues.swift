import AccrueCompiler
import AccrueCore
import AccrueModel

extension ApprovalRecordFiller {
  /// The invoice record of an invoice about to be issued (grammar.md §11 lists each field's meaning).
  func invoiceValues(_ i: PlannedInvoice) -> [String: RValue] {
    let cur = i.currency
    var discount = Fixed.zero
    for l in i.lines where l.kind == .discount { discount = discount.subtracting(l.amount) ?? discount }
    var tax = Fixed.zero
    for t in i.taxes where !t.inclusive { tax = tax.adding(t.amount) ?? tax }
    let gross = i.subtotal.adding(discount) ?? i.subtotal
    let share = gross > .zero ? (discount.divided(by: gross) ?? .zero) : .zero
    return [
      "id": .text(i.number ?? i.key), "number": .text(i.number ?? ""), "customer": .record(.customer),
      "issue_date": .date(i.issueDate), "due_date": .date(i.dueDate), "currency": .currency(cur),
      "amount": .money(i.total, cur), "amount_paid": .money(.zero, cur), "disputed_amount": .money(.zero, cur),
      "balance": .money(i.total, cur), "days_overdue": .days(Int64(max(0, asOf.dayNumber - i.dueDate.dayNumber))),
      "status": .text("open"), "reference": .text(i.number ?? ""),
      "subtotal": .money(i.subtotal, cur), "tax": .money(tax, cur), "total": .money(i.total, cur),
      "discount": .money(discount, cur), "discount_percent": .percent(share), "payment_terms": .text(i.terms.description),
      "payment_days": .days(Int64(i.dueDate.dayNumber - i.issueDate.dayNumber)),
      "kind": .text(i.kind == .debitNote ? "debit note" : "invoice"), "line_count": .number(Fixed(i.lines.count)),
    ]
  }

  /// The plan record: its name, label and standard terms as an invoice prints them: those the plan gives the
  /// invoice's contract and customer (`env`'s records), `payment terms ... when` included (grammar.md §6.4).
  func planValues(_ p: CompiledPlanSpec, _ env: Env) -> [String: RValue] {
    ["name": .text(p.name), "label": .text(p.label), "payment_terms": .text(Self.terms(p.terms(env), env).description)]
  }

  static func terms(_ t: CompiledTerms, _ env: Env) -> InvoiceTerms {
    switch t {
    case .dueOnReceipt: .dueOnReceipt
    case .net(let e): .net(TermsPeriod(e.eval(env)))
    case .netEndOfMonth(let e): .netEndOfMonth(TermsPeriod(e.eval(env)))
    case .endOfMonth: .endOfMonth
    case .dayOfNextMonth(let e):
      if case .number(let n) = e.eval(env), let d = n.toInt64() { .dayOfNextMonth(d) } else { .dueOnReceipt }
    case .installments: .installments
    }
  }
}
