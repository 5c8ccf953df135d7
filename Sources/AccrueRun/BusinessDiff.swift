import AccrueCore
import AccrueModel

extension BusinessDiff {
  /// Compares what the old and the new rules produce (by key; output in key order, invoices first).
  public static func compare(
    old: (BillingResult, CollectionsResult?), new: (BillingResult, CollectionsResult?), oldCash: CashResult? = nil,
    newCash: CashResult? = nil
  ) -> BusinessDiff {
    var entries: [Entry] = []
    // Invoices.
    let before = Dictionary(old.0.invoices.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let after = Dictionary(new.0.invoices.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    for key in Set(before.keys).union(after.keys).sorted() {
      switch (before[key], after[key]) {
      case (nil, let b?):
        entries.append(Entry(change: .added, kind: "invoice", key: key, customer: b.customerID, currency: b.currency, before: nil, after: b.total, details: lines(b)))
      case (let a?, nil):
        entries.append(Entry(change: .removed, kind: "invoice", key: key, customer: a.customerID, currency: a.currency, before: a.total, after: nil, details: lines(a)))
      case (let a?, let b?):
        let d = invoiceDetails(a, b)
        if !d.isEmpty {
          entries.append(Entry(change: .changed, kind: "invoice", key: key, customer: b.customerID, currency: b.currency, before: a.total, after: b.total, details: d))
        }
      default: break
      }
    }
    // Credit notes of cancellations (grammar.md §6.6), by key: their totals and lines.
    let cb = Dictionary(old.0.creditNotes.map { ($0.note.key, $0) }, uniquingKeysWith: { a, _ in a })
    let ca = Dictionary(new.0.creditNotes.map { ($0.note.key, $0) }, uniquingKeysWith: { a, _ in a })
    for key in Set(cb.keys).union(ca.keys).sorted() {
      let (a, b) = (cb[key], ca[key])
      guard let any = b ?? a else { continue }
      let details = (b ?? a).map { n in n.lines.map { "\($0.description): \(money($0.amount, n.note.currency))" } } ?? []
      if let a, let b, a.note.total == b.note.total, details == (a.lines.map { "\($0.description): \(money($0.amount, a.note.currency))" }) { continue }
      entries.append(
        Entry(
          change: a == nil ? .added : b == nil ? .removed : .changed, kind: "credit note", key: key, customer: any.note.customer,
          currency: any.note.currency, before: a?.note.total, after: b?.note.total, details: details))
    }
    // Reminders.
    let rb = Dictionary((old.1?.reminders ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let ra = Dictionary((new.1?.reminders ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    for key in Set(rb.keys).union(ra.keys).sorted() {
      switch (rb[key], ra[key]) {
      case (nil, let b?):
        entries.append(Entry(change: .added, kind: "reminder", key: key, customer: b.customerID, currency: b.currency, before: nil, after: fees(b), details: summary(b)))
      case (let a?, nil):
        entries.append(Entry(change: .removed, kind: "reminder", key: key, customer: a.customerID, currency: a.currency, before: fees(a), after: nil, details: summary(a)))
      case (let a?, let b?):
        let d = reminderDetails(a, b)
        if !d.isEmpty {
          entries.append(Entry(change: .changed, kind: "reminder", key: key, customer: b.customerID, currency: b.currency, before: fees(a), after: fees(b), details: d))
        }
      default: break
      }
    }
    // Matches (cash applications), by payment.
    let mb = Dictionary((oldCash?.applications ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let ma = Dictionary((newCash?.applications ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    for key in Set(mb.keys).union(ma.keys).sorted() {
      switch (mb[key], ma[key]) {
      case (nil, let b?):
        entries.append(Entry(change: .added, kind: "match", key: key, customer: b.customer ?? "", currency: b.currency, before: nil, after: applied(b), details: summary(b)))
      case (let a?, nil):
        entries.append(Entry(change: .removed, kind: "match", key: key, customer: a.customer ?? "", currency: a.currency, before: applied(a), after: nil, details: summary(a)))
      case (let a?, let b?):
        let d = matchDetails(a, b)
        if !d.isEmpty {
          entries.append(Entry(change: .changed, kind: "match", key: key, customer: b.customer ?? a.customer ?? "", currency: b.currency, before: applied(a), after: applied(b), details: d))
        }
      default: break
      }
    }
    return BusinessDiff(entries: entries)
  }

  /// A match's money: the amount applied to invoices.
  static func applied(_ m: CashApplication) -> Fixed { m.allocations.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 } }

  /// What became of the payment, one fact a line.
  static func facts(_ m: CashApplication) -> [String] {
    let c = m.currency
    // The rule by name: the two rule versions live in different folders.
    var out = ["\(m.status.rawValue)" + (m.rule.map { " by rule \($0)" } ?? "")]
    for al in m.allocations {
      out.append(
        "\(al.invoice) applied \(money(al.amount, c))" + (al.writtenOff > .zero ? ", written off \(money(al.writtenOff, c))" : "")
          + (al.discount > .zero ? ", early-payment discount \(money(al.discount, c))" : ""))
    }
    if m.writeOff > .zero { out.append("overpayment written off \(money(m.writeOff, c))") }
    if m.credit > .zero { out.append("credit on account \(money(m.credit, c))") }
    if m.unapplied > .zero { out.append("unapplied \(money(m.unapplied, c))") }
    if let q = m.queue { out.append("queue \"\(q)\": \(m.reason ?? "")") }
    return out
  }

  static func summary(_ m: CashApplication) -> [String] { ["payment \(m.paymentID): \(money(m.amount, m.currency))"] + facts(m) }

  static func matchDetails(_ a: CashApplication, _ b: CashApplication) -> [String] {
    let fa = facts(a)
    let fb = facts(b)
    return fa.filter { !fb.contains($0) }.map { "- " + $0 } + fb.filter { !fa.contains($0) }.map { "+ " + $0 }
  }

  static func money(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }

  static func lines(_ i: PlannedInvoice) -> [String] {
    i.lines.map { "\($0.description): \(money($0.amount, i.currency))" } + i.taxes.map { "\($0.label): \(money($0.amount, i.currency))" }
  }

  /// A line's charge as outputs print it (`discount:LABEL`, `minimum` for the true-up; as `BillingText.chargeColumn`),
  /// so lines group and sort as printed.
  static func chargeKey(_ l: InvoiceLine) -> String {
    switch l.kind {
    case .charge, .usage, .credit: l.charge ?? ""
    case .discount: "discount:" + (l.charge ?? "discount")
    case .minimumTrueUp: "minimum"
    case .fee: l.charge ?? "fee"
    }
  }

  static func invoiceDetails(_ a: PlannedInvoice, _ b: PlannedInvoice) -> [String] {
    var out: [String] = []
    if a.currency != b.currency { out.append("~ currency: \(a.currency.code) -> \(b.currency.code)") }
    // Lines are matched by charge and service period (their descriptions carry prices and quantities).
    func group(_ i: PlannedInvoice) -> [String: (amount: Fixed, text: String)] {
      var g: [String: (amount: Fixed, text: String)] = [:]
      for l in i.lines {
        let k = "\(chargeKey(l)) \(l.periodStart)"
        if let have = g[k] {
          g[k] = (have.amount.adding(l.amount) ?? have.amount, have.text + "; " + l.description)
        } else {
          g[k] = (l.amount, l.description)
        }
      }
      return g
    }
    let la = group(a)
    let lb = group(b)
    for k in Set(la.keys).union(lb.keys).sorted() {
      switch (la[k], lb[k]) {
      case (nil, let y?): out.append("+ line '\(y.text)': \(money(y.amount, b.currency))")
      case (let x?, nil): out.append("- line '\(x.text)': \(money(x.amount, a.currency))")
      case (let x?, let y?) where x.amount != y.amount || x.text != y.text:
        let text = x.text == y.text ? "'\(x.text)'" : "'\(x.text)' -> '\(y.text)'"
        out.append("~ line \(text): \(money(x.amount, a.currency)) -> \(money(y.amount, b.currency))")
      default: break
      }
    }
    let ta = a.taxes.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 }
    let tb = b.taxes.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 }
    if ta != tb { out.append("~ tax: \(money(ta, a.currency)) -> \(money(tb, b.currency))") }
    if a.dueDate != b.dueDate { out.append("~ due date: \(a.dueDate) -> \(b.dueDate)") }
    if a.total != b.total && out.isEmpty { out.append("~ total: \(money(a.total, a.currency)) -> \(money(b.total, b.currency))") }
    return out
  }

  /// A reminder's money: its open balance plus the fees and interest it charges.
  static func fees(_ r: Reminder) -> Fixed {
    r.actions.filter { $0.kind == .lateFee || $0.kind == .interest }.reduce(Fixed.zero) { $0.adding($1.amount ?? .zero) ?? $0 }
  }

  static func summary(_ r: Reminder) -> [String] {
    ["step \(r.step) of \(r.cadence) (\(r.rule)), \(r.invoices.count) invoice\(r.invoices.count == 1 ? "" : "s"), open \(money(r.total, r.currency))"]
      + r.messages.map { "\($0.channel.rawValue) \"\($0.template)\"" } + r.actions.map { "\($0.kind.rawValue): \($0.detail)" }
  }

  static func reminderDetails(_ a: Reminder, _ b: Reminder) -> [String] {
    var out: [String] = []
    if a.invoices.map(\.id) != b.invoices.map(\.id) {
      out.append("~ invoices: \(a.invoices.map(\.id).joined(separator: ", ")) -> \(b.invoices.map(\.id).joined(separator: ", "))")
    }
    if a.currency != b.currency { out.append("~ currency: \(a.currency.code) -> \(b.currency.code)") }
    if a.total != b.total { out.append("~ open balance: \(money(a.total, a.currency)) -> \(money(b.total, b.currency))") }
    let ma = a.messages.map { "\($0.channel.rawValue) \"\($0.template)\" to \($0.to.joined(separator: ", "))" }
    let mb = b.messages.map { "\($0.channel.rawValue) \"\($0.template)\" to \($0.to.joined(separator: ", "))" }
    for m in ma where !mb.contains(m) { out.append("- \(m)") }
    for m in mb where !ma.contains(m) { out.append("+ \(m)") }
    let aa = a.actions.map { "\($0.kind.rawValue): \($0.detail)" }
    let ab = b.actions.map { "\($0.kind.rawValue): \($0.detail)" }
    for x in aa where !ab.contains(x) { out.append("- \(x)") }
    for x in ab where !aa.contains(x) { out.append("+ \(x)") }
    return out
  }
}
