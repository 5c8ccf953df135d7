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

  /// Cash applications as a JSON array written pretty at `indent` (plan's `matches` at 1, apply's file at 0), a
  /// chunk at a time (`JSON.writeArray(count:)`), each application written field by field (`write(_:into:keys:)`,
  /// its keys copied from text made once a chunk), read in place.
  public static func writeJSONArray(
    _ list: [CashApplication], indent: Int = 1, _ out: (String) -> Void, bytes: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil
  ) {
    JSON.writeArray(
      count: list.count, indent: indent,
      { range, w in
        let keys = w.isPretty ? Keys(applicationsAt: w.memberDepth) : nil
        list.withUnsafeBufferPointer { buf in
          for j in range {
            w.item()
            write(buf.baseAddress! + j, into: &w, keys: keys)
          }
        }
      }, out, bytes: bytes)
  }

  /// The keys of an application and of its allocations as a pretty writer writes them (`FixedKeys`), for
  /// applications that are members of an array at `depth`.
  final class Keys {
    let application: FixedKeys
    let allocation: FixedKeys
    init(applicationsAt depth: Int) {
      application = FixedKeys(
        [
          "key", "payment", "date", "currency", "amount", "payer_name", "customer", "payer_found_by", "status", "rule", "rule_source",
          "strategy", "allocations", "overpayment_written_off", "credit_on_account", "unapplied", "queue", "reason", "candidates",
          "source", "explanation", "returns",
        ], depth: depth + 1)
      // (An allocation is a member of the application's `allocations` array.)
      allocation = FixedKeys(
        ["invoice", "number", "open_before", "applied", "written_off", "discount", "closes", "source"], depth: depth + 3)
    }
  }

  /// One cash application as a JSON object (see `docs/data.md`): amounts, dates and the explanation's sentences
  /// written in place (`SentenceSink`), none made as a string first; the keys copied from `keys` (made for the
  /// writer's depth) when given, else written one by one.
  static func write(_ p: UnsafePointer<CashApplication>, into w: inout JSONWriter, keys: Keys? = nil) {
    let c = p.pointee.currency
    let places = c.minorUnits
    var k = ObjectKeys(keys?.application)
    w.open("{")
    k.key("key", &w)
    if p.pointee.returnOf == nil {
      // "payment:ID" (`CashApplication.key`) without making the string.
      w.openString()
      w.words("payment:")
      w.put(p.pointee.paymentID)
      w.closeString()
    } else {
      w.string(p.pointee.key)
    }
    k.key("payment", &w)
    w.string(p.pointee.paymentID)
    k.key("date", &w)
    w.openString()
    w.date(p.pointee.date)
    w.closeString()
    k.key("currency", &w)
    w.string(c.code)
    k.key("amount", &w)
    amount(p.pointee.amount, places, into: &w)
    k.key("payer_name", &w)
    w.string(p.pointee.payerName)
    k.key("customer", &w)
    w.string(p.pointee.customer)
    k.key("payer_found_by", &w)
    w.string(p.pointee.payerBy.map(CashText.payerFoundBy))
    k.key("status", &w)
    w.string(p.pointee.status.rawValue)
    k.key("rule", &w)
    w.string(p.pointee.rule)
    k.key("rule_source", &w)
    w.place(p.pointee.ruleSource)
    k.key("strategy", &w)
    w.string(p.pointee.strategy.map(CashText.strategy))
    k.key("allocations", &w)
    w.open("[")
    for n in p.pointee.allocations.indices {
      w.item()
      w.open("{")
      var a = ObjectKeys(keys?.allocation)
      a.key("invoice", &w)
      w.id(of: p.pointee.allocations[n].ref)
      a.key("number", &w)
      w.number(of: p.pointee.allocations[n].ref)
      a.key("open_before", &w)
      amount(p.pointee.allocations[n].openBefore, places, into: &w)
      a.key("applied", &w)
      amount(p.pointee.allocations[n].amount, places, into: &w)
      a.key("written_off", &w)
      amount(p.pointee.allocations[n].writtenOff, places, into: &w)
      a.key("discount", &w)
      amount(p.pointee.allocations[n].discount, places, into: &w)
      a.key("closes", &w)
      w.bool(p.pointee.allocations[n].closes)
      a.key("source", &w)
      w.place(p.pointee.allocations[n].source)
      w.close("}")
    }
    w.close("]")
    k.key("overpayment_written_off", &w)
    amount(p.pointee.writeOff, places, into: &w)
    k.key("credit_on_account", &w)
    amount(p.pointee.credit, places, into: &w)
    k.key("unapplied", &w)
    amount(p.pointee.unapplied, places, into: &w)
    k.key("queue", &w)
    w.string(p.pointee.queue)
    k.key("reason", &w)
    w.string(p.pointee.reason)
    k.key("candidates", &w)
    w.open("[")
    for s in p.pointee.suggestions {
      w.item()
      w.string(s)
    }
    w.close("]")
    k.key("source", &w)
    w.string(p.pointee.source)
    k.key("explanation", &w)
    w.open("[")
    for n in p.pointee.explanation.indices {
      w.item()
      w.openString()
      CashText.write(p.pointee.explanation[n], into: &w)
      w.closeString()
    }
    w.close("]")
    k.key("returns", &w)
    if let r = p.pointee.returnOf { w.value(returnJSON(r)) } else { w.null() }
    w.close("}")
  }

  /// An amount as `JSONWriter.field(_:amount:places:)` writes its value (`"0.00"`), a zero amount (most of an
  /// application's eight are) copied as its digits rather than worked out.
  static func amount(_ v: Fixed, _ places: Int, into w: inout JSONWriter) {
    w.openString()
    if v.raw == 0, let digits = zero(places) { w.literal(digits) } else { w.amount(v, places: places, grouping: false) }
    w.closeString()
  }

  /// Zero with `places` decimals (as `Fixed.formatted(places:)` writes it), for the places currencies have.
  static func zero(_ places: Int) -> StaticString? {
    switch places {
    case 0: "0"
    case 1: "0.0"
    case 2: "0.00"
    case 3: "0.000"
    case 4: "0.0000"
    default: nil
    }
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
