import AccrueCore
import AccrueEngine

/// Renders cash applications (matches, exceptions, unapplied cash) as text, JSON and CSV.
public enum CashRenderer {
  static func money(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.money(v, c) }

  static func percent(_ n: Int, of total: Int) -> String {
    guard total > 0 else { return "0%" }
    let tenths = (n * 1000 + total / 2) / total
    return "\(tenths / 10).\(tenths % 10)%"
  }

  /// "200 payments: 150 applied automatically in full (75.0%), 20 suggested, 25 exceptions, 5 unapplied;
  /// 170 invoices closed automatically (85.0% of the 200 matched)".
  public static func summary(_ r: CashResult) -> String {
    let n = r.applications.count
    if n == 0 { return r.alreadyApplied > 0 ? "no new payments (\(r.alreadyApplied) already applied)" : "no payments" }
    let count = r.count
    let full = r.fullyAutomatic
    var s = "\(n) payment\(n == 1 ? "" : "s"): \(full) applied automatically in full (\(percent(full, of: n)))"
    if count(.applied) > full { s += ", \(count(.applied) - full) in part" }
    s += ", \(count(.suggested)) suggested, \(count(.exception)) exception\(count(.exception) == 1 ? "" : "s"), \(count(.unapplied)) unapplied"
    let closed = r.invoicesClosedAutomatically
    s += "; \(closed) invoice\(closed == 1 ? "" : "s") closed automatically (\(percent(closed, of: r.invoicesMatched)) of the \(r.invoicesMatched) matched)"
    if r.alreadyApplied > 0 { s += " (\(r.alreadyApplied) payments already applied, not repeated)" }
    return s
  }

  static func statusLine(_ a: CashApplication) -> String {
    switch a.status {
    case .applied: "applied automatically"
    case .suggested: "suggested for review"
    case .exception: "exception"
    case .unapplied: "unapplied"
    }
  }

  /// One payment's block of text.
  public static func text(_ a: CashApplication, explaining: Bool) -> String {
    let c = a.currency
    var t = TextBuffer()
    t.put("\n+ match ")
    t.put(a.key)
    t.put("\n    ")
    t.put(a.date.description)
    t.put("  ")
    t.put(money(a.amount, c))
    t.put(" ")
    t.put(c.code)
    if !a.payerName.isEmpty {
      t.put(" from \"")
      t.put(a.payerName)
      t.put("\"")
    }
    if let cust = a.customer {
      t.put(": customer ")
      t.put(cust)
      if let by = a.payerBy {
        t.put(by == "invoice" ? " (found by the invoice it names)" : " (found by \(by))")
      }
    }
    t.put("\n    ")
    t.put(statusLine(a))
    if let rule = a.rule, let src = a.ruleSource {
      t.put(" by rule ")
      t.put(rule)
      t.put(" (")
      t.put(src.description)
      t.put(")")
    }
    if let s = a.strategy {
      t.put(", ")
      t.put(s)
    }
    t.put("\n")
    for al in a.allocations {
      t.put("    invoice ")
      t.pad(al.number == al.invoice || al.number.isEmpty ? al.invoice : "\(al.invoice) (\(al.number))", 30)
      t.put(" open ")
      t.lpad(money(al.openBefore, c), 14)
      t.put("  applied ")
      t.lpad(money(al.amount, c), 14)
      if al.writtenOff > .zero {
        t.put("  written off ")
        t.put(money(al.writtenOff, c))
      }
      t.put(al.closes ? "  (closed)" : "  (stays open)")
      t.put("\n")
    }
    if a.writeOff > .zero { t.put("    overpayment written off " + money(a.writeOff, c) + "\n") }
    if a.credit > .zero { t.put("    credit on account " + money(a.credit, c) + "\n") }
    if a.unapplied > .zero { t.put("    unapplied " + money(a.unapplied, c) + "\n") }
    if let q = a.queue {
      t.put("    queue \"")
      t.put(q)
      t.put("\": ")
      t.put(a.reason ?? "")
      t.put("\n")
    } else if let r = a.reason {
      t.put("    " + r + "\n")
    }
    if !a.suggestions.isEmpty { t.put("    candidates: " + a.suggestions.joined(separator: ", ") + "\n") }
    if explaining {
      t.put("    from " + a.source + "\n")
      for e in a.explanation { t.put("    - " + e + "\n") }
    }
    return t.string
  }

  /// The cash application section of `accrue plan`'s text.
  public static func writeText(_ r: CashResult, explain: String?, _ emit: (String) -> Void) {
    let shown = explain.map { k in r.applications.filter { $0.key == k } } ?? r.applications
    if explain == nil || !shown.isEmpty {
      emit("\nCash application as of \(r.asOf): payments booked up to \(r.asOf)\n")
    }
    let explaining = explain != nil
    InvoiceRenderer.renderInOrder(shown, { text($0, explaining: explaining) }, emit)
    for f in r.failures { emit("\n! \(f)\n") }
  }

  public static func json(_ a: CashApplication) -> JSON {
    let c = a.currency
    func amount(_ v: Fixed) -> JSON { .string(InvoiceRenderer.plain(v, c)) }
    func opt(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }
    return .object([
      ("key", .string(a.key)), ("payment", .string(a.paymentID)), ("date", .string(a.date.description)), ("currency", .string(c.code)),
      ("amount", amount(a.amount)), ("payer_name", .string(a.payerName)), ("customer", opt(a.customer)), ("payer_found_by", opt(a.payerBy)),
      ("status", .string(a.status.rawValue)), ("rule", opt(a.rule)), ("rule_source", opt(a.ruleSource?.description)),
      ("strategy", opt(a.strategy)),
      (
        "allocations",
        .array(
          a.allocations.map {
            .object([
              ("invoice", .string($0.invoice)), ("number", .string($0.number)), ("open_before", amount($0.openBefore)),
              ("applied", amount($0.amount)), ("written_off", amount($0.writtenOff)), ("closes", .bool($0.closes)),
              ("source", .string($0.source.description)),
            ])
          })
      ),
      ("overpayment_written_off", amount(a.writeOff)), ("credit_on_account", amount(a.credit)), ("unapplied", amount(a.unapplied)),
      ("queue", opt(a.queue)), ("reason", opt(a.reason)), ("candidates", .array(a.suggestions.map { .string($0) })),
      ("source", .string(a.source)), ("explanation", .array(a.explanation.map { .string($0) })),
    ])
  }

  /// The summary figures for JSON.
  public static func summaryJSON(_ r: CashResult) -> [(String, JSON)] {
    let count = r.count
    return [
      ("payments", .int(r.applications.count)), ("payments_applied", .int(count(.applied))),
      ("payments_fully_automatic", .int(r.fullyAutomatic)), ("payments_suggested", .int(count(.suggested))),
      ("payments_exceptions", .int(count(.exception))), ("payments_unapplied", .int(count(.unapplied))),
      ("payments_already_applied", .int(r.alreadyApplied)), ("invoices_matched", .int(r.invoicesMatched)),
      ("invoices_closed_automatically", .int(r.invoicesClosedAutomatically)),
      ("cash_failures", .array(r.failures.map { .string($0) })),
    ]
  }

  /// Cash applications as CSV: one row per allocation, and one for the money not allocated (write-off,
  /// credit, unapplied) of each payment, so the amounts of a payment's rows sum to the payment.
  public static func applicationsCSV(_ list: [CashApplication]) -> String {
    var out = "key,payment,date,customer,status,rule,kind,invoice,currency,amount,written_off,queue,reason\r\n"
    for a in list {
      let c = a.currency
      func row(_ kind: String, _ invoice: String, _ amount: Fixed, _ written: Fixed) {
        let cells = [
          a.key, a.paymentID, a.date.description, a.customer ?? "", a.status.rawValue, a.ruleSource.map { "\(a.rule ?? "") (\($0))" } ?? "",
          kind, invoice, c.code, InvoiceRenderer.plain(amount, c), InvoiceRenderer.plain(written, c), a.queue ?? "", a.reason ?? "",
        ]
        out += cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
      }
      for al in a.allocations { row("invoice", al.invoice, al.amount, al.writtenOff) }
      if a.writeOff > .zero { row("overpayment written off", "", a.writeOff, .zero) }
      if a.credit > .zero { row("credit on account", "", a.credit, .zero) }
      if a.unapplied > .zero { row("unapplied", "", a.unapplied, .zero) }
    }
    return out
  }

  /// The exceptions queue as CSV: one row per payment held for review.
  public static func exceptionsCSV(_ list: [CashApplication]) -> String {
    var out = "key,payment,date,queue,reason,currency,amount,unapplied,payer_name,customer,candidates,source\r\n"
    for a in list where a.status == .exception || a.status == .unapplied {
      let cells = [
        a.key, a.paymentID, a.date.description, a.queue ?? "unapplied", a.reason ?? "", a.currency.code, InvoiceRenderer.plain(a.amount, a.currency),
        InvoiceRenderer.plain(a.unapplied, a.currency), a.payerName, a.customer ?? "", a.suggestions.joined(separator: ";"), a.source,
      ]
      out += cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
    }
    return out
  }
}
