import AccrueCore
import AccrueImport
import AccrueModel

/// Renders `accrue import`: the normalized records of a statement file, for a preview.
public enum BankRenderer {
  /// `{"statements": [...]}`: each statement with its account, balances, reconciliation and transactions.
  public static func json(_ statements: [BankStatement]) -> JSON {
    .object([("statements", .array(statements.map(statement)))])
  }

  static func statement(_ st: BankStatement) -> JSON {
    var fields: [(String, JSON)] = [
      ("format", .string(st.format)), ("account", .string(st.account)), ("currency", st.currency.map { .string($0.code) } ?? .null),
      ("statement_id", .string(st.statementID)), ("sequence", .string(st.sequence)), ("copy", .string(st.copy)),
      ("opening_balance", balance(st.opening)), ("closing_balance", balance(st.closing)), ("available_balance", balance(st.available)),
    ]
    if let r = st.reconciliation {
      let c = r.closing.currency
      fields.append(
        ("reconciliation", .object([
          ("entries", .string(amount(r.entries, c))), ("expected_closing", .string(amount(r.expected, c))),
          ("difference", .string(amount(r.difference, c))), ("reconciles", .bool(r.reconciles)),
        ])))
    } else {
      fields.append(("reconciliation", .null))
    }
    fields.append(
      ("control_totals", .array(st.controlTotals.map { t in
        .object([
          ("scope", .string(t.scope)), ("stated", .string(t.currency.map { amount(t.stated, $0) } ?? "\(t.stated)")),
          ("computed", .string(t.currency.map { amount(t.computed, $0) } ?? "\(t.computed)")), ("agrees", .bool(t.stated == t.computed)),
          ("source", .string(t.source)),
        ])
      })))
    fields.append(("source", .string(st.source)))
    fields.append(("transactions", transactions(st.transactions)))
    return .object(fields)
  }

  static func amount(_ v: Fixed, _ c: Currency) -> String { v.formatted(places: max(c.minorUnits, v.significantFractionDigits)) }

  static func balance(_ b: StatementBalance?) -> JSON {
    guard let b else { return .null }
    return .object([
      ("amount", .string(amount(b.amount, b.currency))), ("currency", .string(b.currency.code)),
      ("date", b.date.map { .string($0.description) } ?? .null), ("source", .string(b.source)),
    ])
  }

  public static func transactions(_ list: [BankTransaction]) -> JSON {
    .array(
      list.map { t in
        .object([
          ("booking_date", .string(t.bookingDate.description)), ("value_date", t.valueDate.map { .string($0.description) } ?? .null),
          ("amount", .string(amount(t.amount, t.currency))),
          ("currency", .string(t.currency.code)), ("reference", .string(t.reference)), ("end_to_end_id", .string(t.endToEndID)),
          ("bank_reference", .string(t.bankReference)), ("remittance", .string(t.remittance)),
          ("counterparty_name", .string(t.counterpartyName)), ("counterparty_account", .string(t.counterpartyAccount)),
          ("mandate_id", .string(t.mandateID)), ("account", .string(t.account)),
          ("reversal", .bool(t.reversal)), ("return", .bool(t.isReturn)), ("return_reason", .string(t.returnReason)),
          ("source", .string(t.source)), ("notes", .array(t.notes.map { .string($0) })),
        ])
      })
  }

  public static func text(_ statements: [BankStatement]) -> String {
    var out = ""
    for st in statements {
      var head = "\(st.format) statement"
      if !st.statementID.isEmpty { head += " \(st.statementID)" }
      if !st.sequence.isEmpty { head += " (\(st.sequence))" }
      if !st.account.isEmpty { head += ", account \(st.account)" }
      if let c = st.currency { head += ", \(c.code)" }
      if !st.copy.isEmpty { head += ", marked \(st.copy) (a copy or duplicate)" }
      out += head + "\n"
      let balances = [("opening", st.opening), ("closing", st.closing), ("available", st.available)].compactMap { name, b in
        b.map { "\(name) \(InvoiceRenderer.money($0.amount, $0.currency)) \($0.currency.code)\($0.date.map { " on \($0)" } ?? "")" }
      }
      if !balances.isEmpty { out += "  " + balances.joined(separator: ", ") + "\n" }
      if let r = st.reconciliation {
        let c = r.closing.currency
        out += r.reconciles
          ? "  reconciles: opening + entries = closing\n"
          : "  does not reconcile: opening + entries = \(InvoiceRenderer.money(r.expected, c)) \(c.code), the closing balance is "
            + "\(InvoiceRenderer.money(r.closing.amount, c)) \(c.code) (a difference of \(InvoiceRenderer.money(r.difference, c)) \(c.code))\n"
      }
      out += "\n" + entries(st.transactions) + "\n"
    }
    let all = statements.flatMap(\.transactions)
    var sums = CurrencyTotals()
    for t in all { sums.add(t.amount, t.currency) }
    let totals = sums.inOrder.map { t in "\(t.sum.map { InvoiceRenderer.money($0, t.currency) } ?? CurrencyTotals.tooLargeText) \(t.currency.code)" }
      .joined(separator: ", ")
    // No transactions, no net: "0 transactions", not "0 transactions, net ".
    let count = "\(statements.count) statement\(statements.count == 1 ? "" : "s"), \(all.count) transaction\(all.count == 1 ? "" : "s")"
    return out + count + (totals.isEmpty ? "" : ", net \(totals)") + "\n"
  }

  static func entries(_ list: [BankTransaction]) -> String {
    var out = ""
    for t in list {
      let amount = InvoiceRenderer.lpad(t.amount.formatted(places: max(t.currency.minorUnits, t.amount.significantFractionDigits), grouping: true), 14)
      out += "\(t.bookingDate) \(amount) \(t.currency.code)  \(t.counterpartyName.isEmpty ? "-" : t.counterpartyName)"
      if t.reversal { out += "  (reversal)" }
      if t.isReturn { out += "  (return\(t.returnReason.isEmpty ? "" : " \(t.returnReason)"))" }
      out += "\n"
      let refs = [("ref", t.reference), ("e2e", t.endToEndID), ("bank", t.bankReference), ("mandate", t.mandateID)].filter { !$0.1.isEmpty }
      if !refs.isEmpty { out += "    " + refs.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n" }
      if !t.remittance.isEmpty { out += "    \(t.remittance)\n" }
      for n in t.notes { out += "    note: \(n)\n" }
      out += "    from \(t.source)\n"
    }
    return out
  }
}
