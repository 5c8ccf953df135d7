import AccrueCore
import AccrueModel

/// One expectation of a rule test (`expect ...`).
public enum RuleExpectation: Sendable, Equatable {
  case invoiceCount(Int)
  case reminderCount(Int)
  case invoiceTotal(key: String, amount: Fixed, currency: Currency)
  case invoiceLine(key: String, description: String, amount: Fixed)
  /// Another figure of one invoice: subtotal, tax, due date, issue date, lines, early-payment discount, installment.
  case invoice(key: String, InvoiceFigure)
  case noInvoice(key: String)
  /// Credit notes of cancellations (grammar.md §6.6).
  case creditNoteCount(Int)
  case creditNoteTotal(key: String, amount: Fixed, currency: Currency)
  case noCreditNote(key: String)
  case reminder(key: String)
  /// An action of a reminder, with its amount when one is given.
  case reminderAction(key: String, kind: String, amount: Fixed?)
  case reminderCovers(key: String, invoice: String)
  case noReminder(key: String)
  case total(currency: Currency, amount: Fixed)
  /// Cash application: how many payments were matched or held; what became of one (and its queue); what it applied to an invoice.
  case matchCount(Int)
  case matchStatus(payment: String, status: String, queue: String?)
  case matchApplied(payment: String, invoice: String, amount: Fixed)
  /// What a payment wrote off, credited, left unapplied, or gave as an early-payment discount.
  case matchAmount(payment: String, MatchFigure, amount: Fixed)

  /// An invoice's figure other than its total and lines.
  public enum InvoiceFigure: Sendable, Equatable {
    case subtotal(Fixed)
    /// All taxes together, or the one with this label.
    case tax(label: String?, Fixed)
    case due(CivilDate)
    case issued(CivilDate)
    case lines(Int)
    /// The number `apply` would give it (`number invoices`), with an empty ledger.
    case number(String)
    case earlyPaymentDiscount(Fixed, until: CivilDate)
    /// The n-th installment (from 1): amount and due date.
    case installment(Int, Fixed, due: CivilDate)
  }

  /// The money of a payment that did not go to an invoice, or the discount it was given.
  public enum MatchFigure: String, Sendable, Equatable, CaseIterable {
    /// Written off: an overpayment's excess, plus short payments' remainders.
    case writeOff = "write off"
    case credit
    case unapplied
    /// Early-payment discounts taken.
    case discount
  }

  /// A key as written: quoted when it holds spaces or quotes.
  static func key(_ k: String) -> String { k.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" }) ? RuleTestSpec.quote(k) : k }

  static func amount(_ a: Fixed) -> String { a.formatted(places: max(2, a.significantFractionDigits)) }

  /// The expectation as written in a test file.
  public var text: String {
    let key = RuleExpectation.key
    let amount = RuleExpectation.amount
    return switch self {
    case .invoiceCount(let n): "expect invoices \(n)"
    case .reminderCount(let n): "expect reminders \(n)"
    case .invoiceTotal(let k, let a, let c): "expect invoice \(key(k)) total \(a.formatted(places: c.minorUnits)) \(c.code)"
    case .invoiceLine(let k, let d, let a): "expect invoice \(key(k)) line \(RuleTestSpec.quote(d)) \(amount(a))"
    case .invoice(let k, let f): "expect invoice \(key(k)) " + f.text
    case .noInvoice(let k): "expect no invoice \(key(k))"
    case .creditNoteCount(let n): "expect credit notes \(n)"
    case .creditNoteTotal(let k, let a, let c): "expect credit note \(key(k)) total \(a.formatted(places: c.minorUnits)) \(c.code)"
    case .noCreditNote(let k): "expect no credit note \(key(k))"
    case .reminder(let k): "expect reminder \(key(k))"
    case .reminderAction(let k, let kind, let a):
      "expect reminder \(key(k)) action \(RuleTestSpec.quote(kind))" + (a.map { " " + amount($0) } ?? "")
    case .reminderCovers(let k, let i): "expect reminder \(key(k)) covers \(key(i))"
    case .noReminder(let k): "expect no reminder \(key(k))"
    case .total(let c, let a): "expect total \(a.formatted(places: c.minorUnits)) \(c.code)"
    case .matchCount(let n): "expect matches \(n)"
    case .matchStatus(let p, let st, let q): "expect match \(key(p)) \(st)" + (q.map { " queue \(RuleTestSpec.quote($0))" } ?? "")
    case .matchApplied(let p, let i, let a): "expect match \(key(p)) invoice \(key(i)) applied \(amount(a))"
    case .matchAmount(let p, let f, let a): "expect match \(key(p)) \(f.rawValue) \(amount(a))"
    }
  }
}

extension RuleExpectation.InvoiceFigure {
  var text: String {
    let amount = RuleExpectation.amount
    return switch self {
    case .subtotal(let a): "subtotal \(amount(a))"
    case .tax(let label, let a): "tax " + (label.map { RuleTestSpec.quote($0) + " " } ?? "") + amount(a)
    case .due(let d): "due \(d)"
    case .issued(let d): "issued \(d)"
    case .lines(let n): "lines \(n)"
    case .number(let n): "number \(n)"
    case .earlyPaymentDiscount(let a, let d): "early payment discount \(amount(a)) until \(d)"
    case .installment(let n, let a, let d): "installment \(n) \(amount(a)) due \(d)"
    }
  }

  /// Nil when the invoice has this figure, else what it has instead.
  func failure(_ inv: PlannedInvoice) -> String? {
    func money(_ v: Fixed) -> String { Money(amount: v, currency: inv.currency).formatted(grouping: false) }
    switch self {
    case .subtotal(let a): return inv.subtotal == a ? nil : "subtotal \(money(inv.subtotal))"
    case .tax(let label, let a):
      let taxes = label.map { l in inv.taxes.filter { $0.label == l } } ?? inv.taxes
      if let l = label, taxes.isEmpty {
        return "no tax \(RuleTestSpec.quote(l)); its taxes: " + (inv.taxes.isEmpty ? "none" : inv.taxes.map { RuleTestSpec.quote($0.label) }.joined(separator: ", "))
      }
      let sum = taxes.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 }
      return sum == a ? nil : "tax \(money(sum))"
    case .due(let d): return inv.dueDate == d ? nil : "due \(inv.dueDate)"
    case .issued(let d): return inv.issueDate == d ? nil : "issued \(inv.issueDate)"
    case .number(let n): return inv.number == n ? nil : inv.number.map { "number \($0)" } ?? "no number (the rules do not number invoices)"
    case .lines(let n):
      return inv.lines.count == n ? nil : "\(inv.lines.count) lines: " + inv.lines.map { RuleTestSpec.quote($0.description) }.joined(separator: ", ")
    case .earlyPaymentDiscount(let a, let d):
      guard let e = inv.earlyDiscount else { return "no early payment discount" }
      return e.amount == a && e.until == d ? nil : "early payment discount \(money(e.amount)) until \(e.until)"
    case .installment(let n, let a, let d):
      guard n >= 1, n <= inv.installments.count else { return "\(inv.installments.count) installments" }
      let i = inv.installments[n - 1]
      return i.amount == a && i.dueDate == d ? nil : "installment \(n) \(money(i.amount)) due \(i.dueDate)"
    }
  }
}

extension CashApplication {
  /// One of the figures a test may expect.
  func figure(_ f: RuleExpectation.MatchFigure) -> Fixed {
    switch f {
    case .writeOff: allocations.reduce(writeOff) { $0.adding($1.writtenOff) ?? $0 }
    case .credit: credit
    case .unapplied: unapplied
    case .discount: allocations.reduce(Fixed.zero) { $0.adding($1.discount) ?? $0 }
    }
  }
}

extension RuleExpectation {
  /// Nil when the run meets it, else what it produced instead.
  public func failure(_ b: BillingResult, _ c: CollectionsResult?, _ m: CashResult? = nil) -> String? {
    let reminders = c?.reminders ?? []
    let matches = m?.applications ?? []
    func money(_ v: Fixed, _ cur: Currency) -> String { Money(amount: v, currency: cur).formatted(grouping: false) }
    func invoice(_ k: String) -> PlannedInvoice? { b.invoices.first { $0.key == k } }
    func match(_ p: String) -> CashApplication? { matches.first { $0.paymentID == p } }
    switch self {
    case .invoiceCount(let n):
      return b.invoices.count == n ? nil : "\(b.invoices.count) invoices: \(b.invoices.prefix(10).map(\.key).joined(separator: ", "))"
    case .reminderCount(let n):
      return reminders.count == n ? nil : "\(reminders.count) reminders: \(reminders.prefix(10).map(\.key).joined(separator: ", "))"
    case .invoiceTotal(let k, let a, let cur):
      guard let inv = invoice(k) else { return "no invoice \(k)" }
      return inv.total == a && inv.currency == cur ? nil : "total \(money(inv.total, inv.currency))"
    case .invoiceLine(let k, let d, let a):
      guard let inv = invoice(k) else { return "no invoice \(k)" }
      // Several lines may share a description (two unlabeled discounts): one of them must have the amount.
      let same = inv.lines.filter { $0.description == d }
      guard !same.isEmpty else {
        return "no such line; its lines: " + inv.lines.map { "\(RuleTestSpec.quote($0.description)) \(money($0.amount, inv.currency))" }.joined(separator: ", ")
      }
      return same.contains { $0.amount == a } ? nil : "line amount \(same.map { money($0.amount, inv.currency) }.joined(separator: " or "))"
    case .invoice(let k, let f):
      guard let inv = invoice(k) else { return "no invoice \(k)" }
      return f.failure(inv)
    case .noInvoice(let k):
      return invoice(k) != nil ? "invoice \(k) was produced" : nil
    case .creditNoteCount(let n):
      return b.creditNotes.count == n ? nil : "\(b.creditNotes.count) credit notes: \(b.creditNotes.prefix(10).map(\.note.key).joined(separator: ", "))"
    case .creditNoteTotal(let k, let a, let cur):
      guard let n = b.creditNotes.first(where: { $0.note.key == k }) else {
        return "no credit note \(k); credit notes: " + (b.creditNotes.isEmpty ? "none" : b.creditNotes.prefix(10).map(\.note.key).joined(separator: ", "))
      }
      return n.note.total == a && n.note.currency == cur ? nil : "total \(money(n.note.total, n.note.currency))"
    case .noCreditNote(let k):
      return b.creditNotes.contains { $0.note.key == k } ? "credit note \(k) was produced" : nil
    case .reminder(let k):
      return reminders.contains { $0.key == k } ? nil : "no reminder \(k); reminders: \(reminders.prefix(10).map(\.key).joined(separator: ", "))"
    case .reminderAction(let k, let kind, let a):
      guard let r = reminders.first(where: { $0.key == k }) else { return "no reminder \(k)" }
      guard let act = r.actions.first(where: { $0.kind.rawValue == kind }) else {
        return "no \(kind) action; its actions: " + (r.actions.isEmpty ? "none" : r.actions.map(\.kind.rawValue).joined(separator: ", "))
      }
      guard let a else { return nil }
      return act.amount == a ? nil : "\(kind) \(act.amount.map { $0.description } ?? "without an amount")"
    case .reminderCovers(let k, let i):
      guard let r = reminders.first(where: { $0.key == k }) else { return "no reminder \(k)" }
      return r.invoices.contains { $0.id == i || $0.ref.number == i } ? nil : "it covers " + r.invoices.map(\.id).joined(separator: ", ")
    case .noReminder(let k):
      return reminders.contains { $0.key == k } ? "reminder \(k) was produced" : nil
    case .total(let cur, let a):
      let sum = b.invoices.filter { $0.currency == cur }.reduce(Fixed.zero) { $0.adding($1.total) ?? $0 }
      return sum == a ? nil : "total \(money(sum, cur))"
    case .matchCount(let n):
      return matches.count == n ? nil : "\(matches.count) matches: \(matches.prefix(10).map(\.paymentID).joined(separator: ", "))"
    case .matchStatus(let p, let st, let q):
      guard let a = match(p) else { return "no match of payment \(p)" }
      if a.status.rawValue != st || (q != nil && a.queue != q) {
        return a.status.rawValue + (a.queue.map { " queue \(RuleTestSpec.quote($0))" } ?? "") + (a.reason.map { ": \($0)" } ?? "")
      }
      return nil
    case .matchApplied(let p, let i, let amount):
      guard let a = match(p) else { return "no match of payment \(p)" }
      guard let al = a.allocations.first(where: { $0.invoice == i || $0.number == i }) else {
        return "nothing applied to \(i); applied: " + a.allocations.map { "\($0.invoice) \($0.amount)" }.joined(separator: ", ")
      }
      return al.amount == amount ? nil : "applied \(al.amount)"
    case .matchAmount(let p, let f, let amount):
      guard let a = match(p) else { return "no match of payment \(p)" }
      let v = a.figure(f)
      return v == amount ? nil : "\(f.rawValue) \(money(v, a.currency))"
    }
  }
}

extension RuleTestSpec {
  /// Every expectation the run meets in full: counts, totals, lines, taxes and due dates of every invoice, every
  /// reminder and its actions with amounts, every match with what it applied, wrote off, credited or left
  /// (what `accrue test --update` writes; trim it to what matters).
  public static func snapshot(_ b: BillingResult, _ c: CollectionsResult?, _ m: CashResult? = nil) -> [RuleExpectation] {
    var out: [RuleExpectation] = [.invoiceCount(b.invoices.count)]
    for inv in b.invoices {
      out.append(.invoiceTotal(key: inv.key, amount: inv.total, currency: inv.currency))
      for l in inv.lines { out.append(.invoiceLine(key: inv.key, description: l.description, amount: l.amount)) }
      for t in inv.taxes { out.append(.invoice(key: inv.key, .tax(label: t.label, t.amount))) }
      out.append(.invoice(key: inv.key, .due(inv.dueDate)))
      if let n = inv.number { out.append(.invoice(key: inv.key, .number(n))) }
    }
    if !b.creditNotes.isEmpty {
      out.append(.creditNoteCount(b.creditNotes.count))
      for n in b.creditNotes { out.append(.creditNoteTotal(key: n.note.key, amount: n.note.total, currency: n.note.currency)) }
    }
    let reminders = c?.reminders ?? []
    out.append(.reminderCount(reminders.count))
    for r in reminders {
      out.append(.reminder(key: r.key))
      for a in r.actions { out.append(.reminderAction(key: r.key, kind: a.kind.rawValue, amount: a.amount)) }
    }
    if let m {
      out.append(.matchCount(m.applications.count))
      for a in m.applications {
        out.append(.matchStatus(payment: a.paymentID, status: a.status.rawValue, queue: a.queue))
        for al in a.allocations { out.append(.matchApplied(payment: a.paymentID, invoice: al.invoice, amount: al.amount)) }
        for f in RuleExpectation.MatchFigure.allCases where !a.figure(f).isZero {
          out.append(.matchAmount(payment: a.paymentID, f, amount: a.figure(f)))
        }
      }
    }
    return out
  }

  /// Every form an expectation may take: the message of a line that is none of them.
  static let forms = ExpectationSyntax(
    message: "expected one of: expect invoices N | expect invoice KEY total AMOUNT CUR | expect invoice KEY line \"TEXT\" AMOUNT | "
      + "expect invoice KEY (subtotal AMOUNT | tax [\"LABEL\"] AMOUNT | due DATE | issued DATE | lines N | number NUMBER | "
      + "early payment discount AMOUNT until DATE | installment N AMOUNT due DATE) | expect no invoice KEY | "
      + "expect credit notes N | expect credit note KEY total AMOUNT CUR | expect no credit note KEY | "
      + "expect reminders N | expect reminder KEY [action \"KIND\" [AMOUNT] | covers INVOICE] | expect no reminder KEY | "
      + "expect total AMOUNT CUR | expect matches N | expect match PAYMENT STATUS [queue \"NAME\"] | "
      + "expect match PAYMENT invoice INVOICE applied AMOUNT | expect match PAYMENT (write off | credit | unapplied | discount) AMOUNT")

  static func amount(_ s: String?) -> Fixed? { s.flatMap { Fixed.parse(Array($0.utf8)) } }

  /// An amount with more decimals than its currency has: it could never be met (nor echoed as written).
  static func tooPrecise(_ a: Fixed, _ c: Currency) -> ExpectationSyntax? {
    guard a.rounded(places: c.minorUnits, .down) != a else { return nil }
    return ExpectationSyntax(message: "\(a) has more decimals than \(c.code) has (\(c.minorUnits)): write the amount as the invoice shows it")
  }
  static func date(_ s: String?) -> CivilDate? { s.flatMap(CivilDate.parse) }

  /// The words after `expect`.
  static func parseExpectation(_ w: inout Words) -> Result<RuleExpectation, ExpectationSyntax> {
    switch w.next() {
    case "invoices":
      guard let n = w.next().flatMap(Int.init) else { return .failure(forms) }
      return .success(.invoiceCount(n))
    case "reminders":
      guard let n = w.next().flatMap(Int.init) else { return .failure(forms) }
      return .success(.reminderCount(n))
    case "no":
      var kind = w.next()
      if kind == "credit" {
        guard w.next() == "note" else { return .failure(forms) }
        kind = "credit note"
      }
      guard let key = w.key() else { return .failure(forms) }
      if kind == "invoice" { return .success(.noInvoice(key: key)) }
      if kind == "credit note" { return .success(.noCreditNote(key: key)) }
      if kind == "reminder" { return .success(.noReminder(key: key)) }
      return .failure(forms)
    case "invoice": return parseInvoice(&w)
    case "credit":
      switch w.next() {
      case "notes":
        guard let n = w.next().flatMap(Int.init) else { return .failure(forms) }
        return .success(.creditNoteCount(n))
      case "note":
        guard let key = w.key(), w.next() == "total", let a = amount(w.next()), let c = w.next().flatMap(Currency.lookup) else { return .failure(forms) }
        if let bad = tooPrecise(a, c) { return .failure(bad) }
        return .success(.creditNoteTotal(key: key, amount: a, currency: c))
      default: return .failure(forms)
      }
    case "reminder": return parseReminder(&w)
    case "total":
      guard let a = amount(w.next()), let c = w.next().flatMap(Currency.lookup) else { return .failure(forms) }
      if let bad = tooPrecise(a, c) { return .failure(bad) }
      return .success(.total(currency: c, amount: a))
    case "matches":
      guard let n = w.next().flatMap(Int.init) else { return .failure(forms) }
      return .success(.matchCount(n))
    case "match": return parseMatch(&w)
    default:
      return .failure(forms)
    }
  }

  /// `expect invoice KEY ...`: its total, a line, or one of its figures.
  static func parseInvoice(_ w: inout Words) -> Result<RuleExpectation, ExpectationSyntax> {
    guard let key = w.key() else { return .failure(forms) }
    func figure(_ f: RuleExpectation.InvoiceFigure?) -> Result<RuleExpectation, ExpectationSyntax> {
      f.map { .success(.invoice(key: key, $0)) } ?? .failure(forms)
    }
    switch w.next() {
    case "total":
      guard let a = amount(w.next()), let c = w.next().flatMap(Currency.lookup) else { return .failure(forms) }
      if let bad = tooPrecise(a, c) { return .failure(bad) }
      return .success(.invoiceTotal(key: key, amount: a, currency: c))
    case "line":
      guard let d = w.quoted(), let a = amount(w.next()) else { return .failure(forms) }
      return .success(.invoiceLine(key: key, description: d, amount: a))
    case "subtotal": return figure(amount(w.next()).map { .subtotal($0) })
    case "tax":
      let label = w.peekQuoted() ? w.quoted() : nil
      return figure(amount(w.next()).map { .tax(label: label, $0) })
    case "due": return figure(date(w.next()).map { .due($0) })
    case "issued": return figure(date(w.next()).map { .issued($0) })
    case "lines": return figure(w.next().flatMap(Int.init).map { .lines($0) })
    case "number": return figure(w.next().map { .number($0) })
    case "early":
      guard w.next() == "payment", w.next() == "discount", let a = amount(w.next()), w.next() == "until", let d = date(w.next()) else {
        return .failure(forms)
      }
      return figure(.earlyPaymentDiscount(a, until: d))
    case "installment":
      guard let n = w.next().flatMap(Int.init), let a = amount(w.next()), w.next() == "due", let d = date(w.next()) else { return .failure(forms) }
      return figure(.installment(n, a, due: d))
    default: return .failure(forms)
    }
  }

  /// `expect reminder KEY [action "KIND" [AMOUNT] | covers INVOICE]`.
  static func parseReminder(_ w: inout Words) -> Result<RuleExpectation, ExpectationSyntax> {
    guard let key = w.key() else { return .failure(forms) }
    switch w.next() {
    case nil: return .success(.reminder(key: key))
    case "action":
      guard let kind = w.quoted() else { return .failure(forms) }
      if w.peek() == nil { return .success(.reminderAction(key: key, kind: kind, amount: nil)) }
      guard let a = amount(w.next()) else { return .failure(forms) }
      return .success(.reminderAction(key: key, kind: kind, amount: a))
    case "covers":
      guard let i = w.key() else { return .failure(forms) }
      return .success(.reminderCovers(key: key, invoice: i))
    default: return .failure(forms)
    }
  }

  /// `expect match PAYMENT ...`: an amount applied to an invoice, a figure, or its status.
  static func parseMatch(_ w: inout Words) -> Result<RuleExpectation, ExpectationSyntax> {
    guard let p = w.key(), let what = w.next() else { return .failure(forms) }
    switch what {
    case "invoice":
      guard let i = w.key(), w.next() == "applied", let a = amount(w.next()) else { return .failure(forms) }
      return .success(.matchApplied(payment: p, invoice: i, amount: a))
    case "write", "credit", "unapplied", "discount":
      if what == "write" && w.next() != "off" { return .failure(forms) }
      let f: RuleExpectation.MatchFigure = what == "write" ? .writeOff : RuleExpectation.MatchFigure(rawValue: what)!
      // `unapplied` alone is a status.
      if f == .unapplied && (w.peek() == nil || w.peek() == "queue") { break }
      guard let a = amount(w.next()) else { return .failure(forms) }
      return .success(.matchAmount(payment: p, f, amount: a))
    default: break
    }
    guard ["applied", "suggested", "exception", "unapplied"].contains(what) else { return .failure(forms) }
    if w.peek() == nil { return .success(.matchStatus(payment: p, status: what, queue: nil)) }
    guard w.next() == "queue", let q = w.quoted() else { return .failure(forms) }
    return .success(.matchStatus(payment: p, status: what, queue: q))
  }
}
