import AccrueCore
import AccrueModel

/// Fees collections charged (a step's `late fee` or `interest`), as the ledger books and bills them: each fee is
/// money the customer owes only once a document bills it, as a debit note of its own issued in the run that
/// charged it (`fees billed as debit notes`), or as a line on the customer's next invoice in that currency issued
/// by a later run (`fees billed on next invoice`). Fees are not taxed.
public enum FeeBook {
  /// The fees a run's reminders charge: each late fee or interest action with an amount above zero, keyed like
  /// its action (`REMINDER_KEY#N`), with the reminder's index.
  public static func charged(by reminders: [Reminder], asOf: CivilDate) -> [(fee: LedgerFee, reminder: Int)] {
    var out: [(LedgerFee, Int)] = []
    // Reminders and actions read in place: a copy of each reminder would retain all it holds, for every reminder.
    for r in reminders.indices {
      for i in reminders[r].actions.indices {
        guard let amount = reminders[r].actions[i].amount, amount > .zero else { continue }
        let kind: LedgerFee.Kind
        switch reminders[r].actions[i].kind {
        case .lateFee: kind = .lateFee
        case .interest: kind = .interest
        default: continue
        }
        let m = reminders[r]
        let fee = LedgerFee(
          key: "\(m.key)#\(i + 1)", kind: kind, date: asOf, customer: m.customerID, invoice: m.invoices.first?.id ?? "", reminder: m.key,
          rule: m.rule.description, amount: amount, currency: m.currency, billedOn: nil, run: 0)
        out.append((fee, r))
      }
    }
    return out
  }

  /// The line that bills a fee: "Late fee on invoice NW-2026-00001, charged 2026-12-01", with the dunning step's
  /// rule.
  public static func line(_ f: LedgerFee) -> InvoiceLine {
    let what = f.kind == .lateFee ? "Late fee" : "Interest"
    return InvoiceLine(
      description: "\(what) on invoice \(f.invoice), charged \(f.date)", kind: .fee, charge: f.kind == .lateFee ? "late fee" : "interest",
      amount: f.amount, periodStart: f.date, periodEnd: f.date.adding(days: 1) ?? f.date, rule: RuleRef(parsing: f.rule),
      explanation: [])
  }

  /// A debit note billing one fee a reminder charged, issued on the run's date and due on receipt. Its key is the
  /// fee's with `/debit-note`.
  public static func debitNote(_ f: LedgerFee, reminder m: Reminder) -> PlannedInvoice {
    var note = debitNote(f, customerName: m.customerName, issued: f.date)
    note.sources = m.sources
    return note
  }

  /// A debit note for a fee, issued (and due) on `issued`: the run's date (a fee an earlier run charged but did
  /// not bill, with `--only reminders`, is billed by the next run that issues documents).
  public static func debitNote(_ f: LedgerFee, customerName: String, issued: CivilDate) -> PlannedInvoice {
    let line = line(f)
    var note = PlannedInvoice(
      key: f.key + "/debit-note", contractID: "", customerID: f.customer, customerName: customerName, plan: "", currency: f.currency,
      issueDate: issued, periodStart: f.date, periodEnd: line.periodEnd, lines: [line], subtotal: f.amount, taxes: [], total: f.amount,
      dueDate: issued, terms: .dueOnReceipt, installments: [], sources: [])
    note.kind = .debitNote
    return note
  }

  /// Bills fees not yet billed on this run's invoices: each fee goes on the first invoice (in output order) of its
  /// customer in its currency, as a line after the invoice's own, added to its total and to its last installment
  /// (an early-payment discount stays as computed on the invoice's own total). Returns what billed each fee.
  /// Fees whose customer gets no invoice in their currency wait for a later run.
  public static func bill(_ unbilled: [LedgerFee], on invoices: inout [PlannedInvoice]) -> (billed: [(fee: String, document: String)], failures: [RunFailure]) {
    var first: [String: Int] = [:]
    for (k, inv) in invoices.enumerated() where inv.kind == .invoice {
      let key = inv.customerID + "\u{1F}" + inv.currency.code
      if first[key] == nil { first[key] = k }
    }
    var billed: [(String, String)] = []
    var failures: [RunFailure] = []
    for f in unbilled {
      guard let k = first[f.customer + "\u{1F}" + f.currency.code] else { continue }
      let rule = RuleRef(parsing: f.rule)
      guard let subtotal = invoices[k].subtotal.adding(f.amount), let total = invoices[k].total.adding(f.amount) else {
        failures.append(
          RunFailure(message: "the invoice's total with fee \(f.key) is too large to represent", rule: rule, subject: "invoice \(invoices[k].key)"))
        continue
      }
      if let last = invoices[k].installments.indices.last {
        guard let a = invoices[k].installments[last].amount.adding(f.amount) else { continue }
        invoices[k].installments[last].amount = a
      }
      invoices[k].lines.append(line(f))
      invoices[k].subtotal = subtotal
      invoices[k].total = total
      billed.append((f.key, invoices[k].key))
    }
    return (billed, failures)
  }
}
