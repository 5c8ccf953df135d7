import AccrueCore
import AccrueModel

/// Returns and reversals that take money back (a SEPA return or reject, a reversed credit: negative amounts),
/// each linked to the payment it returns (docs/data.md, "Returns linked to their original"): among this run's
/// payments and those the ledger records, a credit of the same currency and the same absolute amount booked on
/// or before it, found by (in order) the same end-to-end id, the same mandate id, the same bank reference quoted
/// in the return's text, the same payer account: the first test any candidate passes decides. Several candidates
/// passing it, or none passing any: held in the `returns` queue with a reason naming them, never guessed.
struct ReturnLinks {
  enum Outcome: Equatable {
    /// The original (a payment index) and what linked it ("its end-to-end id E2E-1").
    case linked(original: Int, by: String)
    /// Not linked: why, in words.
    case held(String)
  }

  /// Each return's outcome, by payment index.
  var outcomes: [Int: Outcome] = [:]
  /// Originals the ledger does not record yet (this run's) that a return takes back: original → return.
  var returnedInRun: [Int: Int] = [:]
  /// Returns an earlier run recorded as held (no original found then) that this run links (by payment index):
  /// their event is keyed `return:ID` (the ledger has their `payment:ID`).
  var late = Set<Int>()

  /// Whether a statement entry takes money back as a return or a reversal of a payment received.
  static func takesMoneyBack(_ t: BankTransaction) -> Bool { (t.isReturn || t.reversal) && t.amount < .zero }

  /// No returns.
  init() {}

  /// `done`: the keys the ledger records; `returnedBefore`: the originals the ledger's returns already link;
  /// `retry`: the returns the ledger records as held (tried again: linked now, or left alone as recorded).
  init(_ payments: [Payment], asOf: CivilDate, done: Set<String>, returnedBefore: Set<String>, retry: Set<String> = []) {
    var returns: [Int] = []
    for (pi, p) in payments.enumerated() where Self.takesMoneyBack(p.transaction) {
      let key = "payment:" + p.id
      if p.transaction.bookingDate <= asOf, !done.contains(key) || retry.contains(key) { returns.append(pi) }
    }
    guard !returns.isEmpty else { return }
    // The candidates by amount, only of the amounts returned (most runs have no return, or a few).
    var wanted = Set<String>()
    for ri in returns {
      let r = payments[ri].transaction
      wanted.insert(Self.amountKey(Fixed.zero.subtracting(r.amount) ?? .zero, r.currency))
    }
    var byAmount: [String: [Int]] = [:]
    for (pi, p) in payments.enumerated() where p.transaction.amount > .zero && !Self.takesMoneyBack(p.transaction) {
      let key = Self.amountKey(p.transaction.amount, p.transaction.currency)
      if wanted.contains(key), !returnedBefore.contains("payment:" + p.id) { byAmount[key, default: []].append(pi) }
    }
    // Earlier returns first (then by id): each original is returned once, whatever the order of the rows.
    returns.sort {
      let (a, b) = (payments[$0], payments[$1])
      if a.transaction.bookingDate != b.transaction.bookingDate { return a.transaction.bookingDate < b.transaction.bookingDate }
      return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
    }
    var claimed = Set<Int>()
    for ri in returns {
      let r = payments[ri].transaction
      let back = Fixed.zero.subtracting(r.amount) ?? .zero
      let pool = (byAmount[Self.amountKey(back, r.currency)] ?? []).filter {
        !claimed.contains($0) && payments[$0].transaction.bookingDate <= r.bookingDate
      }
      let outcome = Self.link(ri, pool: pool, payments)
      // A return held before and still without its original stays as the ledger records it.
      if done.contains("payment:" + payments[ri].id) {
        guard case .linked = outcome else { continue }
        late.insert(ri)
      }
      outcomes[ri] = outcome
      if case .linked(let o, _) = outcome {
        claimed.insert(o)
        if !done.contains("payment:" + payments[o].id) { returnedInRun[o] = ri }
      }
    }
  }

  /// What the ledger's history says about returns: each payment's posting in force by the payment's key
  /// (`payment:ID`; a person's resolution is a later revision `payment:ID@N` of it), the payments its returns
  /// link (by the same key), and the returns an earlier run held (no original found then) to try again: payments
  /// taking money back that no return event links yet.
  static func read(_ history: [JournalItem]) -> (posted: [String: PostedPayment], returnedBefore: Set<String>, retry: Set<String>) {
    var posted: [String: PostedPayment] = [:]
    var returnedBefore = Set<String>()
    var takenBack: [String] = []
    var linked = Set<String>()
    for item in history {
      switch item {
      case .cashApplication(let p):
        posted[PostedPayment.baseKey(p.key)] = p
        if let m = p.amount, m.amount < .zero { takenBack.append(p.key) }
      case .paymentReturn(let r):
        returnedBefore.insert(PostedPayment.baseKey(r.original))
        linked.insert(PaymentReturn.paymentKey(r.key))
      default: break
      }
    }
    return (posted, returnedBefore, Set(takenBack.filter { !linked.contains($0) }))
  }

  static func amountKey(_ amount: Fixed, _ currency: Currency) -> String { currency.code + " " + amount.description }

  /// The payments a return may return: this run's, then (only when this run has a return) the ledger's payments
  /// that are not among them, made from what the ledger kept of each (date, amount, trace at the bank).
  static func candidates(_ payments: [Payment], posted: [String: PostedPayment], asOf: CivilDate) -> [Payment] {
    guard payments.contains(where: { takesMoneyBack($0.transaction) && $0.transaction.bookingDate <= asOf }) else { return payments }
    let here = Set(payments.lazy.map { "payment:" + $0.id })
    var more: [Payment] = []
    for (key, p) in posted where !here.contains(key) {
      guard let amount = p.amount, amount.amount > .zero else { continue }
      var t = BankTransaction(
        bookingDate: p.date, valueDate: nil, amount: amount.amount, currency: amount.currency, source: "the ledger (\(key))")
      if let trace = p.trace {
        (t.endToEndID, t.mandateID, t.bankReference, t.counterpartyAccount) = (trace.endToEndID, trace.mandateID, trace.bankReference, trace.payerAccount)
      }
      more.append(Payment(id: String(key.dropFirst("payment:".count)), transaction: t))
    }
    more.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    return payments + more
  }

  /// The ways a return names its original, in order: each a description and a test of a candidate.
  static func tests(_ r: BankTransaction) -> [(String, (BankTransaction) -> Bool)] {
    let text = r.remittance + " " + r.reference
    let account = normalized(r.counterpartyAccount)
    return [
      ("its end-to-end id \(r.endToEndID)", { !r.endToEndID.isEmpty && $0.endToEndID == r.endToEndID }),
      ("its mandate id \(r.mandateID)", { !r.mandateID.isEmpty && $0.mandateID == r.mandateID }),
      ("its bank reference, quoted in the return's text", { $0.bankReference.count >= 4 && text.contains($0.bankReference) }),
      ("its payer account \(r.counterpartyAccount)", { !account.isEmpty && normalized($0.counterpartyAccount) == account }),
    ]
  }

  /// An account number without spaces, in capitals (IBANs are written in groups of four).
  static func normalized(_ s: String) -> String { String(s.filter { $0 != " " }).uppercased() }

  /// The one best candidate of the first test any candidate passes, or why there is none.
  static func link(_ ri: Int, pool: [Int], _ payments: [Payment]) -> Outcome {
    let r = payments[ri].transaction
    let back = Money(amount: Fixed.zero.subtracting(r.amount) ?? .zero, currency: r.currency).formatted(grouping: true)
    func names(_ list: [Int]) -> String {
      list.map { "\(payments[$0].id) (\(payments[$0].transaction.bookingDate))" }.sorted().joined(separator: ", ")
    }
    for (what, test) in tests(r) {
      let found = pool.filter { test(payments[$0].transaction) }
      if found.isEmpty { continue }
      if found.count == 1 { return .linked(original: found[0], by: what) }
      // A monthly direct debit under one mandate, from one account, of one amount: any of them may be the one
      // returned (a refund can come weeks later), so none is taken for it.
      return .held(
        "returns \(back), but \(found.count) payments of that amount have the same \(what.dropFirst(4)): \(names(found)); "
          + "Accrue does not guess: find the one it returns and reverse it by hand")
    }
    if pool.isEmpty {
      return .held(
        "returns \(back), but no payment of \(back) booked on or before \(r.bookingDate) is among this run's payments or those the "
          + "ledger records; find the payment it returns and reverse it by hand")
    }
    return .held(
      "returns \(back); payments of that amount booked on or before \(r.bookingDate): \(names(pool)), but none has the same "
        + "end-to-end id, mandate id, bank reference or payer account: find the one it returns and reverse it by hand")
  }
}

extension ReturnLinks {
  /// Whether a return of `p` (as the ledger records it) reverses its application: it posted allocations, and
  /// settled invoices or left credit on account.
  static func reverses(_ p: PostedPayment) -> Bool { p.status?.postsAllocations == true && (!p.settlements.isEmpty || p.credit > .zero) }

  /// The ledger's payments whose application a return of this run reverses, in the order of the returns.
  func reversed(_ payments: [Payment], posted: [String: PostedPayment]) -> [PostedPayment] {
    var out: [PostedPayment] = []
    for (_, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
      guard case .linked(let o, _) = outcome, let p = posted["payment:" + payments[o].id], Self.reverses(p) else { continue }
      out.append(p)
    }
    return out
  }

  /// A held return's or returned original's application made what the link says: the return's reason names its
  /// original and what was reversed, and carries the event the ledger records (`returnOf`); an original of this
  /// run says it is not applied. `posted`: the payments the ledger records, by key.
  func complete(_ a: inout CashApplication, payment pi: Int, _ payments: [Payment], posted: [String: PostedPayment]) {
    if let ri = returnedInRun[pi] {
      let r = payments[ri].transaction
      a.reason = "returned on \(r.bookingDate) by payment \(payments[ri].id) (\(ReturnReason.describe(r.returnReason))): not applied"
      return
    }
    guard let outcome = outcomes[pi] else { return }
    guard case .linked(let o, let by) = outcome else {
      if case .held(let why) = outcome { a.reason = why }
      return
    }
    let r = payments[pi].transaction
    let original = payments[o]
    let key = "payment:" + original.id
    // The event names the posting in force (a person's resolution may have replaced the first one).
    let reversedKey = posted[key]?.key ?? key
    let amount = Money(amount: original.transaction.amount, currency: original.transaction.currency)
    let head = "payment \(original.id) of \(amount.formatted(grouping: true))"
    let why = ReturnReason.describe(r.returnReason)
    var reversed = false
    var customer = ""
    if let p = posted[key] {
      customer = p.customer
      let invoices = p.settlements.map(\.invoice)
      if Self.reverses(p) {
        reversed = true
        var what: [String] = []
        if !invoices.isEmpty {
          let list = invoices.joined(separator: ", ")
          what.append("its application to \(list) reversed, \(list) open again")
        }
        if p.credit > .zero { what.append("the credit of \(Money(amount: p.credit, currency: amount.currency).formatted(grouping: true)) it left on account taken back") }
        a.reason = "\(head) returned on \(r.bookingDate) (\(why)): " + what.joined(separator: "; ")
        a.suggestions = invoices
      } else {
        a.reason = "\(head) returned on \(r.bookingDate) (\(why)): it was not applied (\(p.status?.rawValue ?? "unknown status")), nothing to reverse"
      }
    } else {
      a.reason = "returns \(head) booked on \(original.transaction.bookingDate) (\(why)), which this run does not apply"
    }
    a.reason = (a.reason ?? "") + "; linked by \(by)"
    a.customer = customer.isEmpty ? nil : customer
    // Accounted for by the event: nothing of it waits as unapplied cash.
    a.unapplied = .zero
    if late.contains(pi) { a.reason = (a.reason ?? "") + " (an earlier run held it; linked now)" }
    a.returnOf = PaymentReturn(
      key: (late.contains(pi) ? "return:" : "payment:") + payments[pi].id, original: reversedKey, date: r.bookingDate, customer: customer,
      amount: Money(amount: Fixed.zero.subtracting(r.amount) ?? .zero, currency: r.currency), reason: r.returnReason, source: r.source,
      reversed: reversed)
  }
}
