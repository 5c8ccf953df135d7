import AccrueCore
import AccrueModel

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
  public static func summary(_ all: CashResult) -> String {
    // Uses of credit on account are told apart: they are not payments received.
    var r = all
    let uses = all.applications.filter(\.isCreditUse)
    if !uses.isEmpty { r.applications.removeAll(where: \.isCreditUse) }
    return received(r) + creditUsed(uses)
  }

  /// "; 40.00 USD of credit on account used on 1 invoice".
  static func creditUsed(_ uses: [CashApplication]) -> String {
    guard !uses.isEmpty else { return "" }
    var sums = CurrencyTotals()
    for u in uses { sums.add(u.amount, u.currency) }
    let amounts = sums.inOrder.map { t in "\(t.sum.map { InvoiceRenderer.money($0, t.currency) } ?? CurrencyTotals.tooLargeText) \(t.currency.code)" }
    let invoices = uses.reduce(0) { $0 + $1.allocations.count }
    return "; \(amounts.joined(separator: ", ")) of credit on account used on \(invoices) invoice\(invoices == 1 ? "" : "s")"
  }

  static func received(_ r: CashResult) -> String {
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

  static func statusLine(_ status: CashStatus) -> String {
    switch status {
    case .applied: "applied automatically"
    case .suggested: "suggested for review"
    case .exception: "exception"
    case .unapplied: "unapplied"
    case .notOurs: "not ours"
    }
  }

  /// One payment's block of text.
  public static func text(_ a: CashApplication, explaining: Bool) -> String {
    var t = TextBuffer()
    withUnsafePointer(to: a) { write($0, explaining: explaining, into: &t) }
    return t.string
  }

  /// Writes one payment's block of text into `t`, its fields read in place (a copy of the application would
  /// retain all its strings, some shared by every application: on two threads, each retain would move the count
  /// between cores).
  static func write(_ p: UnsafePointer<CashApplication>, explaining: Bool, into t: inout TextBuffer) {
    let c = p.pointee.currency
    // (A return linked by a later run than the one that recorded it is an event of its own, keyed return:ID.)
    if let back = p.pointee.returnOf, !back.key.hasPrefix("payment:") {
      t.put("\n+ match ")
      t.put(back.key)
    } else {
      t.put("\n+ match payment:")
      t.put(p.pointee.paymentID)
    }
    t.put("\n    ")
    t.put(p.pointee.date.description)
    t.put("  ")
    t.put(money(p.pointee.amount, c))
    t.put(" ")
    t.put(c.code)
    if !p.pointee.payerName.isEmpty {
      t.put(" from \"")
      t.put(p.pointee.payerName)
      t.put("\"")
    }
    if let cust = p.pointee.customer {
      t.put(": customer ")
      t.put(cust)
      if let by = p.pointee.payerBy {
        t.put(by == .invoiceNamed ? " (found by the invoice it names)" : " (found by \(CashText.payerFoundBy(by)))")
      }
    }
    t.put("\n    ")
    t.put(statusLine(p.pointee.status))
    if let rule = p.pointee.rule, let src = p.pointee.ruleSource {
      t.put(" by rule ")
      t.put(rule)
      t.put(" (")
      t.put(src.description)
      t.put(")")
    }
    if let s = p.pointee.strategy {
      t.put(", ")
      t.put(CashText.strategy(s))
    }
    t.put("\n")
    // Allocations read field by field (a copy of each would retain its strings).
    for k in p.pointee.allocations.indices {
      t.put("    invoice ")
      t.pad(p.pointee.allocations[k].ref, 30, emptyNumberLeftOut: true)
      t.put(" open ")
      t.lpad(money(p.pointee.allocations[k].openBefore, c), 14)
      t.put("  applied ")
      t.lpad(money(p.pointee.allocations[k].amount, c), 14)
      if p.pointee.allocations[k].writtenOff > .zero {
        t.put("  written off ")
        t.put(money(p.pointee.allocations[k].writtenOff, c))
      }
      if p.pointee.allocations[k].discount > .zero {
        t.put("  early-payment discount ")
        t.put(money(p.pointee.allocations[k].discount, c))
      }
      t.put(p.pointee.allocations[k].closes ? "  (closed)" : "  (stays open)")
      t.put("\n")
    }
    if p.pointee.writeOff > .zero { t.put("    overpayment written off " + money(p.pointee.writeOff, c) + "\n") }
    if p.pointee.credit > .zero { t.put("    credit on account " + money(p.pointee.credit, c) + "\n") }
    if p.pointee.unapplied > .zero { t.put("    unapplied " + money(p.pointee.unapplied, c) + "\n") }
    if let q = p.pointee.queue {
      t.put("    queue \"")
      t.put(q)
      t.put("\": ")
      t.put(p.pointee.reason ?? "")
      t.put("\n")
    } else if let r = p.pointee.reason {
      t.put("    " + r + "\n")
    }
    if let back = p.pointee.returnOf {
      t.put("    returns " + back.original + " (" + ReturnReason.describe(back.reason) + ")")
      t.put(back.reversed ? ": its application reversed\n" : ": it was not applied\n")
    }
    if !p.pointee.suggestions.isEmpty {
      t.put((p.pointee.returnOf?.reversed == true ? "    open again: " : "    candidates: ") + p.pointee.suggestions.joined(separator: ", ") + "\n")
    }
    if explaining {
      t.put("    from " + p.pointee.source + "\n")
      for e in p.pointee.explanation { t.put("    - " + CashText.sentence(e) + "\n") }
    }
  }

  /// The cash application section of `accrue plan`'s text.
  public static func writeText(_ r: CashResult, explain: String?, _ emit: (String) -> Void) {
    let shown = explain.map { k in r.applications.filter { $0.key == k } } ?? r.applications
    if explain == nil || !shown.isEmpty {
      emit("\nCash application as of \(r.asOf): payments booked up to \(r.asOf)\n")
    }
    let explaining = explain != nil
    InvoiceRenderer.renderInOrder(shown.count, { k, t in shown.withUnsafeBufferPointer { write($0.baseAddress! + k, explaining: explaining, into: &t) } }, emit)
  }

  public static func json(_ a: CashApplication) -> JSON {
    var sentences = CashText.Sentences()
    return json(a, &sentences)
  }

  /// Cash applications as JSON, their equal sentences shared (see `CashText.Sentences`).
  public static func json(_ list: [CashApplication]) -> [JSON] {
    var sentences = CashText.Sentences()
    return list.map { json($0, &sentences) }
  }

  static func json(_ a: CashApplication, _ sentences: inout CashText.Sentences) -> JSON {
    let c = a.currency
    func amount(_ v: Fixed) -> JSON { .string(InvoiceRenderer.plain(v, c)) }
    func opt(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }
    return .object([
      ("key", .string(a.key)), ("payment", .string(a.paymentID)), ("date", .string(a.date.description)), ("currency", .string(c.code)),
      ("amount", amount(a.amount)), ("payer_name", .string(a.payerName)), ("customer", opt(a.customer)), ("payer_found_by", opt(a.payerBy.map(CashText.payerFoundBy))),
      ("status", .string(a.status.rawValue)), ("rule", opt(a.rule)), ("rule_source", opt(a.ruleSource?.description)),
      ("strategy", opt(a.strategy.map(CashText.strategy))),
      (
        "allocations",
        .array(
          a.allocations.map {
            .object([
              ("invoice", .string($0.invoice)), ("number", .string($0.number)), ("open_before", amount($0.openBefore)),
              ("applied", amount($0.amount)), ("written_off", amount($0.writtenOff)), ("discount", amount($0.discount)), ("closes", .bool($0.closes)),
              ("source", .string($0.source.description)),
            ])
          })
      ),
      ("overpayment_written_off", amount(a.writeOff)), ("credit_on_account", amount(a.credit)), ("unapplied", amount(a.unapplied)),
      ("queue", opt(a.queue)), ("reason", opt(a.reason)), ("candidates", .array(a.suggestions.map { .string($0) })),
      ("source", .string(a.source)), ("explanation", .array(a.explanation.map { .string(sentences.sentence($0)) })),
      ("returns", a.returnOf.map(returnJSON) ?? .null),
    ])
  }

  /// A return's link to its original, as JSON.
  static func returnJSON(_ r: PaymentReturn) -> JSON {
    .object([
      ("original", .string(r.original)), ("reason", .string(r.reason)), ("reason_text", .string(ReturnReason.describe(r.reason))),
      ("amount", .string(InvoiceRenderer.plain(r.amount.amount, r.amount.currency))), ("reversed", .bool(r.reversed)),
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
    ]
  }

  /// Cash applications as CSV: one row per allocation, and one for the money not allocated (write-off,
  /// credit, unapplied) of each payment, so the amounts of a payment's rows sum to the payment.
  public static func applicationsCSV(_ list: [CashApplication]) -> String {
    var out = "key,payment,date,customer,status,rule,kind,invoice,currency,amount,written_off,discount,queue,reason\r\n"
    for a in list {
      let c = a.currency
      func row(_ kind: String, _ invoice: String, _ amount: Fixed, _ written: Fixed, _ discount: Fixed = .zero) {
        let cells = [
          a.key, a.paymentID, a.date.description, a.customer ?? "", a.status.rawValue, a.ruleSource.map { "\(a.rule ?? "") (\($0))" } ?? "",
          kind, invoice, c.code, InvoiceRenderer.plain(amount, c), InvoiceRenderer.plain(written, c), InvoiceRenderer.plain(discount, c),
          a.queue ?? "", a.reason ?? "",
        ]
        out += cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
      }
      for al in a.allocations { row("invoice", al.invoice, al.amount, al.writtenOff, al.discount) }
      if a.writeOff > .zero { row("overpayment written off", "", a.writeOff, .zero) }
      if a.credit > .zero { row("credit on account", "", a.credit, .zero) }
      if a.unapplied > .zero { row("unapplied", "", a.unapplied, .zero) }
      if let back = a.returnOf { row(back.reversed ? "return, application reversed" : "return, not applied", a.suggestions.joined(separator: ";"), a.amount, .zero) }
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
