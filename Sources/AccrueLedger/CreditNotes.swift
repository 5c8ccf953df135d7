import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueSQLite

/// What a person asks `accrue credit-note` to issue: a credit note against an invoice, for all it has not been
/// credited yet or a part (tax included), with a reason (docs/decisions.md).
public struct CreditNoteIssue: Sendable {
  public var invoice: String
  /// Nil: all the invoice (or its line) has not been credited yet.
  public var amount: Fixed?
  public var reason: String
  /// The invoice's line credited (1 for the first); nil: the invoice as a whole.
  public var line: Int?

  public init(invoice: String, amount: Fixed?, reason: String, line: Int? = nil) {
    self.invoice = invoice
    self.amount = amount
    self.reason = reason
    self.line = line
  }

  /// A line of an invoice the ledger issued: its number, description and amount (net of tax), with the invoice's
  /// subtotal (`LedgerStore.lines(of:)`).
  public typealias Lines = (lines: [(line: Int, description: String, amount: Fixed)], subtotal: Fixed)

  /// What the invoice's total holds in tax, when the ledger issued it (every tax of `document_taxes`, inclusive
  /// or not: both are in its total); nil for an invoice of the invoices file, whose taxes Accrue does not know.
  public typealias Taxes = (tax: Fixed, total: Fixed)

  /// The credit note, its posting and the decision that records them, checked against the books as they stand
  /// (`data`: the data with the ledger replayed to the end of `asOf`). `run`: the decision's number.
  public func decide(
    plan: ExecutablePlan, journal: Journal, data: Dataset, taxes: Taxes?, lines: Lines? = nil, run: Int, asOf: CivilDate, by: String, note: String
  ) -> Result<(CreditNote, PostedPayment, Decision), ResolutionError> {
    guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
      return .failure(ResolutionError("say why the invoice is credited with --reason TEXT (a returned item, a price error, an upheld dispute): it is printed on the credit note"))
    }
    guard let i = data.invoiceIDs.find(invoice, in: data.invoices) else {
      let hint = Suggest.closest(to: invoice, among: data.invoices.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
      return .failure(ResolutionError("no invoice '\(invoice)' in the invoices file or the ledger.\(hint)"))
    }
    let inv = data.invoices[i]
    guard !inv.isCreditNote, inv.status != .void else {
      return .failure(ResolutionError("\(inv.id) is \(inv.isCreditNote ? "a credit note" : "void"): credit an invoice or a debit note"))
    }
    guard inv.issueDate <= asOf else {
      return .failure(ResolutionError("\(inv.id) is issued on \(inv.issueDate), after \(asOf): credit it on or after its issue date (--as-of)"))
    }
    guard data.customers.indices.contains(Int(inv.customer)) else {
      return .failure(ResolutionError("\(inv.id)'s customer is not in the customers file: add it before crediting the invoice"))
    }
    let c = inv.currency
    let earlier = journal.creditNotes.filter { $0.invoice == inv.id }
    let credited = earlier.reduce(Fixed.zero) { $0.adding($1.total) ?? $0 }
    let creditable = inv.amount.subtracting(credited) ?? .zero
    guard creditable > .zero else {
      return .failure(ResolutionError("\(inv.id) is credited in full already (\(earlier.map(\.number).joined(separator: ", "))): nothing is left to credit"))
    }
    var credited_line: (line: Int, description: String, left: Fixed)?
    if let n = line {
      switch Self.lineLeft(n, of: inv, lines: lines, earlier: earlier) {
      case .failure(let e): return .failure(e)
      case .success(let l): credited_line = l
      }
    }
    let limit = credited_line.map { min($0.left, creditable) } ?? creditable
    let total = amount ?? limit
    guard total > .zero, Fixed(minorUnits: total.toMinorUnits(exponent: c.minorUnits, .down) ?? 0, exponent: c.minorUnits) == total else {
      return .failure(ResolutionError("\(total) is not an amount of \(c.code): give an amount above zero with at most \(c.minorUnits) decimals"))
    }
    if let l = credited_line, total > limit {
      return .failure(
        ResolutionError("line \(l.line) of \(inv.id) (\(l.description)) has \(Self.money(limit, c)) left to credit, tax included: credit at most that, or leave --amount out to credit all of it"))
    }
    guard total <= creditable else {
      return .failure(
        ResolutionError("\(inv.id) has \(Self.money(creditable, c)) left to credit (total \(Self.money(inv.amount, c)), credited \(Self.money(credited, c))): "
          + "credit at most that, or leave --amount out to credit all of it"))
    }
    let customer = data.customers[Int(inv.customer)]
    let (scope, sequence, number): (String?, Int?, String)
    let key = "credit-note:\(inv.id):\(earlier.count + 1)"
    switch Self.number(plan: plan, journal: journal, data: data, invoice: inv, asOf: asOf) {
    case .failure(let e): return .failure(e)
    case .success(let n): (scope, sequence, number) = (n?.scope, n?.sequence, n?.number ?? key)
    }
    let (net, tax) = Self.split(total, taxes: taxes, credited: earlier, last: total == creditable, currency: c)
    let open = OpenInvoice.open(inv.amount, paid: inv.paid)
    let settled = min(open, total)
    let onAccount = total.subtracting(settled) ?? .zero
    var document = CreditNote(
      key: key, number: number, invoice: inv.id, customer: customer.id, issueDate: asOf, currency: c, net: net, tax: tax, total: total,
      settled: settled, credit: onAccount, reason: reason, scope: scope, sequence: sequence)
    document.line = credited_line?.line
    let posting = document.posting(paidBefore: inv.paid)
    var words = "credit note \(number) for \(Self.money(total, c)) on \(inv.id)" + (credited_line.map { " line \($0.line) (\($0.description))" } ?? "")
    if tax > .zero { words += " (net \(Self.money(net, c)), tax \(Self.money(tax, c)))" }
    words += settled > .zero ? ": \(Self.money(settled, c)) off what it had open" : ": it had nothing open"
    if onAccount > .zero { words += "; \(Self.money(onAccount, c)) on the customer's account (the invoice was paid)" }
    let decision = Decision(
      kind: .creditNote, subject: inv.id, by: by, note: reason + (note.isEmpty ? "" : "; " + note), summary: words,
      customer: customer.id, askedBy: "")
    return .success((document, posting, decision))
  }

  /// What a line of an invoice has left to credit, tax included: its amount times the invoice's total over the sum
  /// of the lines that charge (its share of the discounts and the taxes), rounded half up, less the credit notes already on that line. Refused for an
  /// invoice whose lines Accrue does not know (one of the invoices file), a line it does not have, and a line that
  /// takes something off (a discount, a credit).
  static func lineLeft(_ n: Int, of inv: OpenInvoice, lines: Lines?, earlier: [CreditNote]) -> Result<(line: Int, description: String, left: Fixed), ResolutionError> {
    guard let lines else {
      return .failure(ResolutionError("\(inv.id) comes from the invoices file, whose lines Accrue does not know: credit an amount of the invoice (leave --line out)"))
    }
    guard let l = lines.lines.first(where: { $0.line == n }) else {
      let list = lines.lines.map { "\($0.line) \($0.description)" }.joined(separator: "; ")
      return .failure(ResolutionError("\(inv.id) has no line \(n); its lines: \(list)"))
    }
    guard l.amount > .zero else {
      return .failure(ResolutionError("line \(n) of \(inv.id) (\(l.description)) takes \(money(l.amount.negated ?? l.amount, inv.currency)) off the invoice: credit a line that charges something"))
    }
    let places = inv.currency.minorUnits
    // Its share of the invoice's total: discounts and taxes spread over the lines that charge, in proportion.
    let charged = lines.lines.filter { $0.amount > .zero }.reduce(Fixed.zero) { $0.adding($1.amount) ?? $0 }
    var gross = l.amount
    if charged > .zero, let share = l.amount.multiplied(by: inv.amount, dividedBy: charged, rounding: .halfUp) {
      gross = share.rounded(places: places, .halfUp) ?? share
    }
    let before = earlier.filter { $0.line == n }.reduce(Fixed.zero) { $0.adding($1.total) ?? $0 }
    let left = gross.subtracting(before) ?? .zero
    guard left > .zero else { return .failure(ResolutionError("line \(n) of \(inv.id) (\(l.description)) is credited in full already")) }
    return .success((n, l.description, left))
  }

  /// Net and tax of a credit note for `total`: the invoice's tax pro rata (rounded half up to the currency's
  /// minor units, the net what is left, so the two sum to the total); the credit note that credits all the invoice
  /// has left takes the invoice's tax less what earlier credit notes took, so the invoice's tax is credited exactly.
  static func split(_ total: Fixed, taxes: Taxes?, credited: [CreditNote], last: Bool, currency c: Currency) -> (net: Fixed, tax: Fixed) {
    guard let taxes, taxes.tax > .zero, taxes.total > .zero,
      let t = total.toMinorUnits(exponent: c.minorUnits, .down), let x = taxes.tax.toMinorUnits(exponent: c.minorUnits, .down),
      let all = taxes.total.toMinorUnits(exponent: c.minorUnits, .down)
    else { return (total, .zero) }
    var minor: Int64
    if last {
      let before = credited.reduce(Int64(0)) { $0 + ($1.tax.toMinorUnits(exponent: c.minorUnits, .down) ?? 0) }
      minor = x - before
    } else {
      let product = Int128(t) * Int128(x)
      minor = Int64((2 * product + Int128(all)) / (2 * Int128(all)))
    }
    minor = max(0, min(minor, t))
    let tax = Fixed(minorUnits: minor, exponent: c.minorUnits)
    return (total.subtracting(tax) ?? total, tax)
  }

  /// The credit note's number (`number credit notes`): the next of its sequence; nil without the statement.
  static func number(plan: ExecutablePlan, journal: Journal, data: Dataset, invoice inv: OpenInvoice, asOf: CivilDate)
    -> Result<(scope: String, sequence: Int, number: String)?, ResolutionError>
  {
    guard let rule = plan.creditNoteNumbering else { return .success(nil) }
    var entity = ""
    if let field = rule.entity {
      guard let t = Numbering.entityValue(field, customer: Int(inv.customer), contract: Int(inv.contract), data), !t.isEmpty else {
        return .failure(
          ResolutionError("\(field.name) is empty for \(inv.id), so 'per \(field.name)' gives its credit note no sequence: fill it in the data, or give the field a default"))
      }
      entity = t
    }
    let scope = Numbering.scope("credit_note", rule, issued: asOf, entity: entity)
    let n = (journal.sequences[scope] ?? 0) + 1
    return .success((scope, n, rule.format(year: asOf.year, month: asOf.month, entity: entity, sequence: n)))
  }

  static func money(_ a: Fixed, _ c: Currency) -> String { Money(amount: a, currency: c).formatted(grouping: true) }
}

extension LedgerStore {
  /// The lines of an invoice of the ledger and its subtotal, by its number or key; nil when the ledger did not issue it.
  public func lines(of invoice: String) throws(JournalError) -> CreditNoteIssue.Lines? {
    do {
      guard let d = try db.query("SELECT key, currency, subtotal FROM documents WHERE coalesce(number, key) = ?1", [.text(invoice)]).first,
        let key = d[0].text, let c = Currency.lookup(d[1].text ?? "")
      else { return nil }
      let rows = try db.query("SELECT line, description, amount FROM document_lines WHERE document = ?1 ORDER BY line", [.text(key)])
      return (
        rows.map { (Int($0[0].integer ?? 0), $0[1].text ?? "", Fixed(minorUnits: $0[2].integer ?? 0, exponent: c.minorUnits)) },
        Fixed(minorUnits: d[2].integer ?? 0, exponent: c.minorUnits)
      )
    } catch { throw JournalError(message: "cannot read the ledger \(path): \(error)") }
  }

  /// The tax an invoice of the ledger holds in its total (`CreditNoteIssue.Taxes`), by its number or key; nil
  /// when the ledger did not issue it.
  public func taxes(of invoice: String) throws(JournalError) -> CreditNoteIssue.Taxes? {
    do {
      let q = """
        SELECT d.currency, d.total, coalesce((SELECT sum(t.amount) FROM document_taxes t WHERE t.document = d.key), 0)
        FROM documents d WHERE coalesce(d.number, d.key) = ?1
        """
      guard let r = try db.query(q, [.text(invoice)]).first, let c = Currency.lookup(r[0].text ?? "") else { return nil }
      return (Fixed(minorUnits: r[2].integer ?? 0, exponent: c.minorUnits), Fixed(minorUnits: r[1].integer ?? 0, exponent: c.minorUnits))
    } catch { throw JournalError(message: "cannot read the ledger \(path): \(error)") }
  }
}

/// What a person asks `accrue refund-credit` to record: credit on a customer's account paid back to the customer.
public struct CreditRefundRequest: Sendable {
  public var customer: String
  public var amount: Fixed
  public var currency: String

  public init(customer: String, amount: Fixed, currency: String) {
    self.customer = customer
    self.amount = amount
    self.currency = currency
  }

  /// The credit on the customer's account in each currency (what postings in force left, less the uses and
  /// refunds made of it): what `CreditBook` gives the next apply.
  public static func balances(_ journal: Journal) -> [CreditBook.Account: Fixed] {
    var gone = journal.supersededPostings
    for r in journal.paymentReturns where r.reversed { gone.insert(r.original) }
    return CreditBook.balances(history: journal.postedPayments.filter { !gone.contains($0.key) }, run: [])
  }

  /// The refund's posting (a use of credit that settles nothing: `refunded` its amount) and the decision, refused
  /// beyond the credit the customer has in that currency.
  public func decide(journal: Journal, data: Dataset, run: Int, asOf: CivilDate, by: String, note: String) -> Result<(PostedPayment, Decision), ResolutionError> {
    guard data.customerIndex[customer] != nil || journal.postedPayments.contains(where: { $0.customer == customer }) else {
      let hint = Suggest.closest(to: customer, among: data.customers.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
      return .failure(ResolutionError("no customer '\(customer)' in the customers file or the ledger.\(hint)"))
    }
    guard let c = Currency.lookup(currency.uppercased()) else {
      return .failure(ResolutionError("'\(currency)' is not a currency code: write it as ISO 4217 (EUR, USD)"))
    }
    guard amount > .zero, Fixed(minorUnits: amount.toMinorUnits(exponent: c.minorUnits, .down) ?? 0, exponent: c.minorUnits) == amount else {
      return .failure(ResolutionError("\(amount) is not an amount of \(c.code): give an amount above zero with at most \(c.minorUnits) decimals"))
    }
    let available = Self.balances(journal)[CreditBook.Account(customer: customer, currency: c)] ?? .zero
    guard amount <= available else {
      let m = CreditNoteIssue.money
      return .failure(
        ResolutionError(
          available > .zero
            ? "\(customer) has \(m(available, c)) of credit on account: refund at most that"
            : "\(customer) has no credit on account in \(c.code): nothing to refund (a payment's rest is refunded with accrue resolve PAYMENT --rest refund)"))
    }
    var posting = PostedPayment(
      key: CreditNote.refundKey(customer: customer, currency: c, date: asOf, run: run), date: asOf, customer: customer, rule: "credit refund",
      status: .applied, settlements: [])
    posting.amount = Money(amount: amount, currency: c)
    posting.refunded = amount
    let left = available.subtracting(amount) ?? .zero
    let words = "\(CreditNoteIssue.money(amount, c)) of credit on account refunded to \(customer); \(CreditNoteIssue.money(left, c)) left on account"
    return .success((posting, Decision(kind: .creditRefund, subject: "customer:" + customer, by: by, note: note, summary: words, customer: customer, askedBy: "")))
  }
}
