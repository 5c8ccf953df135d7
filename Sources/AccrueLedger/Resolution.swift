import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel

/// What a person asks `accrue resolve` to do with a payment the ledger records (docs/decisions.md).
public struct ResolutionRequest: Sendable {
  /// What happens to what is left of the payment once it paid the invoices named.
  public enum Rest: String, Sendable, CaseIterable {
    case onAccount = "on-account"
    case unapplied
    case writeOff = "write-off"
    case refund
  }

  public enum Action: Sendable {
    /// Post a suggested match as it was suggested.
    case confirm
    /// Pay the invoices named, each the amount given (nil: all it has open, or what is left of the payment when that
    /// is less); `writeOffShort`: write off what each
    /// invoice still has open after it; `rest`: what happens to what is left of the payment (nil: nothing may be).
    case apply([(invoice: String, amount: Fixed?)], writeOffShort: Bool, rest: Rest?)
    /// Not a customer's payment.
    case notOurs
    /// Undo its application: the invoices it paid are open again, the payment unapplied.
    case reverse
    /// Refund it to the payer: all of it (nil), or an amount; what it paid on invoices is open again (a refund
    /// reopens a balance).
    case refund(Fixed?)
  }

  /// `payment:ID` (or the bare id).
  public var payment: String
  public var action: Action
  public var by: String
  public var note: String

  public init(payment: String, action: Action, by: String, note: String) {
    self.payment = payment
    self.action = action
    self.by = by
    self.note = note
  }
}

/// Why a resolution cannot be recorded, in words (what to do instead included).
public struct ResolutionError: Error, Sendable, Equatable {
  public var message: String
  public init(_ message: String) { self.message = message }
}

/// Works out a person's resolution of one payment: the payment's new posting, which supersedes the one in force
/// (its settlements taken off, its credit and rests gone), and the decision that records who, what and why.
/// Every amount is checked against the books as they stand (`data`: the data with the ledger's events replayed):
/// nothing is settled beyond what an invoice has open, no payment is spent beyond its amount, and credit a
/// customer already used is never taken back.
public enum Resolution {
  public static func decide(_ request: ResolutionRequest, journal: Journal, data: Dataset) -> Result<(PostedPayment, Decision), ResolutionError> {
    let key = request.payment.hasPrefix("payment:") ? request.payment : "payment:" + request.payment
    let current: PostedPayment
    switch inForce(key, journal: journal) {
    case .failure(let e): return .failure(e)
    case .success(let p): current = p
    }
    if current.status == .notOurs, case .notOurs = request.action {
      return .failure(ResolutionError("payment \(key) is already marked as not ours (\(current.key))"))
    }
    guard let whole = current.amount else {
      return .failure(ResolutionError("\(key) was recorded before the ledger kept payments' amounts (a journal file): it cannot be resolved here"))
    }
    // What is left of the payment to decide on: a part already refunded stays refunded.
    let money = Money(amount: whole.amount.subtracting(current.refunded) ?? whole.amount, currency: whole.currency)
    var next = PostedPayment(
      key: PostedPayment.nextRevision(of: current.key), date: current.date, customer: current.customer, rule: "decision", status: .applied,
      settlements: [])
    next.amount = whole
    next.refunded = current.refunded
    next.trace = current.trace
    next.supersedes = current.key
    let kind: Decision.Kind
    var summary: String
    switch request.action {
    case .confirm:
      guard current.status == .suggested else {
        return .failure(ResolutionError("payment \(key) is not a suggested match (it is \(current.status?.rawValue ?? "of an unknown status")): name the invoices it pays instead, INVOICE=AMOUNT"))
      }
      let wanted = current.settlements.map { (invoice: $0.invoice, amount: Optional($0.settled)) }
      switch settle(wanted, of: current, money: money, data: data, writeOffShort: false) {
      case .failure(let e): return .failure(ResolutionError(e.message + " (the suggestion no longer fits: name the invoices it pays instead)"))
      case .success(let s): next.settlements = s
      }
      (next.credit, next.unapplied) = (current.credit, current.unapplied)
      kind = .confirm
      summary = "confirmed the suggested match: " + describe(next.settlements, money.currency)
    case .apply(let wanted, let writeOffShort, let rest):
      guard !wanted.isEmpty else { return .failure(ResolutionError("name the invoices the payment pays: INVOICE=AMOUNT (or INVOICE for all it has open)")) }
      switch settle(wanted, of: current, money: money, data: data, writeOffShort: writeOffShort) {
      case .failure(let e): return .failure(e)
      case .success(let s): next.settlements = s
      }
      if let c = customerOf(next.settlements, data: data) { next.customer = c } else {
        return .failure(ResolutionError("the invoices named belong to different customers: a payment is applied to one customer's invoices at a time"))
      }
      switch left(of: &next, rest: rest, key: key) {
      case .failure(let e): return .failure(e)
      case .success(let words): summary = describe(next.settlements, money.currency) + words
      }
      kind = .resolve
    case .notOurs:
      next.status = .notOurs
      next.customer = ""
      kind = .notOurs
      summary = "not a customer's payment: \(money.formatted(grouping: true)) no longer waits to be applied"
    case .reverse:
      guard current.settledSomething else {
        return .failure(ResolutionError("payment \(key) paid nothing and left no credit (it is \(current.status?.rawValue ?? "of an unknown status")): there is no application to reverse"))
      }
      next.status = .unapplied
      next.unapplied = money.amount
      kind = .reverse
      summary = "reversed its application (" + describe(current.settlements, money.currency) + "): \(money.formatted(grouping: true)) unapplied again"
    case .refund(let amount):
      switch refund(amount, current: current, money: money, next: &next) {
      case .failure(let e): return .failure(e)
      case .success(let words): summary = words
      }
      kind = .refund
    }
    if current.key != PostedPayment.baseKey(current.key) || current.status != nil {
      summary += "; replaces its posting \(current.key) (\(current.status?.rawValue ?? "unknown")\(current.rule.isEmpty ? "" : ", rule \(current.rule)"))"
    }
    var asked = current.rule.isEmpty || current.rule == "decision" ? "status \(current.status?.rawValue ?? "unknown")" : "rule \(current.rule)"
    if !current.queue.isEmpty { asked += ", queue \(current.queue)" + (current.reason.isEmpty ? "" : ": \(current.reason)") }
    let customer = next.customer.isEmpty ? current.customer : next.customer
    return .success(
      (next, Decision(kind: kind, subject: PostedPayment.baseKey(key), by: request.by, note: request.note, summary: summary, customer: customer, askedBy: asked)))
  }

  /// The payment's posting in force, if a person may still decide on it.
  static func inForce(_ key: String, journal: Journal) -> Result<PostedPayment, ResolutionError> {
    let postings = journal.currentPostings
    guard let current = postings[PostedPayment.baseKey(key)] else {
      let known = postings.keys.filter { !CreditBook.isUse($0) }.sorted()
      let hint = Suggest.closest(to: key, among: known).map { " Did you mean '\($0)'?" } ?? ""
      return .failure(ResolutionError("the ledger records no payment '\(key)': `accrue exceptions` lists the payments waiting for a decision.\(hint)"))
    }
    if CreditBook.isUse(current.key) {
      return .failure(ResolutionError("\(key) is a use of credit on account, not a payment received: resolve the payment that left the credit"))
    }
    if let back = journal.paymentReturns.first(where: { $0.original == current.key || $0.original == PostedPayment.baseKey(key) }) {
      return .failure(ResolutionError("payment \(key) was returned by the bank on \(back.date) (\(ReturnReason.describe(back.reason))): there is nothing left of it to resolve"))
    }
    if journal.recordedPayouts.contains(where: { $0.credit == PostedPayment.baseKey(key) }) {
      return .failure(ResolutionError("\(key) is the bank credit of a processor's payout (its charges paid the invoices): it is not a customer's payment to resolve"))
    }
    if let m = current.amount, m.amount < .zero {
      return .failure(ResolutionError("\(key) takes money back (a return or reversal): a later apply links it to the payment it returns once that is in the data; it is not resolved here"))
    }
    if let why = creditUsed(current, journal: journal) { return .failure(ResolutionError(why)) }
    if let m = current.amount, current.refunded >= m.amount, current.refunded > .zero {
      return .failure(ResolutionError("payment \(key) was refunded to the payer (\(current.key)): the money is gone, there is nothing left to resolve"))
    }
    return .success(current)
  }

  /// Why the posting's credit on account cannot be taken back (some of it was used since), or nil.
  static func creditUsed(_ p: PostedPayment, journal: Journal) -> String? {
    guard p.credit > .zero, p.status?.postsAllocations == true, let m = p.amount else { return nil }
    var gone = journal.supersededPostings
    for r in journal.paymentReturns where r.reversed { gone.insert(r.original) }
    let balances = CreditBook.balances(history: journal.postedPayments.filter { !gone.contains($0.key) }, run: [])
    let left = balances[CreditBook.Account(customer: p.customer, currency: m.currency)] ?? .zero
    guard left < p.credit else { return nil }
    let used = p.credit.subtracting(left) ?? p.credit
    return "payment \(p.key) left \(Money(amount: p.credit, currency: m.currency).formatted(grouping: true)) on \(p.customer)'s account and "
      + "\(Money(amount: used, currency: m.currency).formatted(grouping: true)) of it was used since: Accrue cannot take back credit that paid invoices"
  }

  /// The settlements of the invoices named, each checked against what it has open once the posting in force no
  /// longer counts.
  static func settle(
    _ wanted: [(invoice: String, amount: Fixed?)], of current: PostedPayment, money: Money, data: Dataset, writeOffShort: Bool
  ) -> Result<[PostedPayment.Settlement], ResolutionError> {
    var out: [PostedPayment.Settlement] = []
    var total = Fixed.zero
    let places = money.currency.minorUnits
    for (id, amount) in wanted {
      guard let i = data.invoiceIDs.find(id, in: data.invoices) else {
        let hint = Suggest.closest(to: id, among: data.invoices.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
        return .failure(ResolutionError("no invoice '\(id)' in the invoices file or the ledger.\(hint)"))
      }
      let inv = data.invoices[i]
      if out.contains(where: { $0.invoice == inv.id }) { return .failure(ResolutionError("invoice \(inv.id) is named twice: name each invoice once")) }
      guard !inv.isCreditNote, inv.status != .void else { return .failure(ResolutionError("\(inv.id) is \(inv.isCreditNote ? "a credit note" : "void"): a payment pays open invoices")) }
      guard inv.currency == money.currency else {
        return .failure(ResolutionError("\(inv.id) is in \(inv.currency.code), the payment in \(money.currency.code): Accrue never converts"))
      }
      // What the posting in force settled on it comes back first.
      let mine = current.status?.postsAllocations == true ? current.settlements.filter { $0.invoice == inv.id }.reduce(Fixed.zero) { $0.adding($1.settled) ?? $0 } : .zero
      let paidBefore = max(inv.paid.subtracting(mine) ?? inv.paid, .zero)
      let open = OpenInvoice.open(inv.amount, paid: paidBefore)
      // Without an amount: all it has open, or what is left of the payment when that is less (a short payment).
      let left = money.amount.subtracting(total) ?? .zero
      let pay = amount ?? min(open, left)
      guard pay > .zero, Fixed(minorUnits: pay.toMinorUnits(exponent: places, .down) ?? 0, exponent: places) == pay else {
        return .failure(ResolutionError("\(inv.id)=\(pay): an amount above zero with at most \(places) decimals"))
      }
      guard pay <= open else {
        return .failure(ResolutionError("\(inv.id) has \(Money(amount: open, currency: inv.currency).formatted(grouping: true)) open, less than the \(Money(amount: pay, currency: inv.currency).formatted(grouping: true)) named"))
      }
      var s = PostedPayment.Settlement(invoice: inv.id, settled: pay, paidBefore: paidBefore, places: places)
      if writeOffShort, pay < open, let short = open.subtracting(pay) {
        s.writtenOff = short
        s.settled = open
      }
      total = total.adding(pay) ?? total
      out.append(s)
    }
    guard total <= money.amount else {
      return .failure(ResolutionError("the amounts named add up to \(Money(amount: total, currency: money.currency).formatted(grouping: true)), more than the payment's \(money.formatted(grouping: true))"))
    }
    return .success(out)
  }

  /// The one customer of the invoices settled, or nil when they are several.
  static func customerOf(_ s: [PostedPayment.Settlement], data: Dataset) -> String? {
    let ids = Set(s.compactMap { data.invoiceIDs.find($0.invoice, in: data.invoices) }.map { Int(data.invoices[$0].customer) })
    guard ids.count == 1, let c = ids.first, data.customers.indices.contains(c) else { return nil }
    return data.customers[c].id
  }

  /// What happens to what is left of the payment, in words; an error when something is left and nothing says.
  static func left(of p: inout PostedPayment, rest: ResolutionRequest.Rest?, key: String) -> Result<String, ResolutionError> {
    guard let m = p.amount else { return .success("") }
    let applied = p.settlements.reduce(Fixed.zero) { $0.adding($1.applied) ?? $0 }
    let leftover = m.amount.subtracting(applied).flatMap { $0.subtracting(p.refunded) } ?? .zero
    guard leftover > .zero else { return .success("") }
    let words = Money(amount: leftover, currency: m.currency).formatted(grouping: true)
    switch rest {
    case nil:
      return .failure(ResolutionError("\(words) of payment \(key) is left once the invoices are paid: say what happens to it with --rest on-account, unapplied, write-off or refund"))
    case .onAccount?:
      p.credit = leftover
      return .success("; \(words) left on the customer's account")
    case .unapplied?:
      p.unapplied = leftover
      return .success("; \(words) left unapplied")
    case .writeOff?:
      p.overpaymentWrittenOff = leftover
      return .success("; \(words) written off")
    case .refund?:
      p.refunded = p.refunded.adding(leftover) ?? leftover
      return .success("; \(words) refunded to the payer")
    }
  }

  /// "80.00 EUR to INV-1, 20.00 EUR to INV-2 (5.00 EUR written off)".
  static func describe(_ s: [PostedPayment.Settlement], _ c: Currency) -> String {
    guard !s.isEmpty else { return "nothing applied" }
    return "applied " + s.map { x in
      var t = "\(Money(amount: x.applied, currency: c).formatted(grouping: true)) to \(x.invoice)"
      if x.writtenOff > .zero { t += " (\(Money(amount: x.writtenOff, currency: c).formatted(grouping: true)) written off)" }
      return t
    }.joined(separator: ", ")
  }
}
