import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import AccrueParser

// The ledger events beyond a run's invoices and fresh cash (grammar.md §12): a payment returned (what its original
// posted, reversed), a processor's payout (its fees and refunds), a person's decision that replaces a payment's
// posting (the old entry reversed, the new posting posted, netted per account), a refund of credit on account, a
// credit note. Each entry names its event; each line its rule (a reversal's lines the rules of what they reverse).

extension Posting {
  /// The entries of `items` (a run's or a decision's), and of the credit notes among them (a person's, or a
  /// cancellation's: each posted by its posting key). `recorded` holds the
  /// entries already in the ledger (and the run's own), by event: what a return or a decision reverses.
  public static func events(
    _ items: [JournalItem], creditNotes: [CreditNote], recorded: [String: JournalEntry], receivables: [LedgerInvoice], asOf: CivilDate,
    plan: ExecutablePlan, data: Dataset, chart: Chart
  ) -> PostingResult {
    var b = JournalBuilder(plan: plan, data: data, chart: chart, asOf: asOf)
    let book = DeferredBook(Array(recorded.values))
    var chains: [String: [JournalEntry]]?
    for item in items {
      switch item {
      case .paymentReturn(let r): b.paymentReturn(r, original: recorded[r.original])
      case .payout(let p): b.payout(p)
      case .cashApplication(let p):
        if let n = creditNotes.first(where: { $0.postingKey == p.key }) {
          b.creditNote(n, receivables: receivables, invoiceEntry: receivables.first { $0.number == n.invoice || $0.key == n.invoice }.flatMap {
            recorded[($0.kind == .debitNote ? "debit-note:" : "invoice:") + $0.key]
          }, book: book)
        } else if p.supersedes != nil || PostedPayment.isCreditKey(p.key) {
          // What the payment's postings so far post together (each entry of its chain nets the one before: their
          // sum is what the posting in force posts), reversed.
          if p.supersedes != nil, chains == nil {
            var by: [String: [JournalEntry]] = [:]
            for e in recorded.values where e.event.hasPrefix("payment:") { by[PostedPayment.baseKey(e.event), default: []].append(e) }
            chains = by
          }
          let chain = p.supersedes == nil ? [] : (chains?[PostedPayment.baseKey(p.key)] ?? []).filter { $0.event != p.key }
          b.posted(p, replacing: chain.sorted { $0.event.utf8.lexicographicallyPrecedes($1.event.utf8) }, date: asOf)
        }
      case .invoice, .reminder: break
      }
    }
    var r = b.result
    r.entries.sort { ($0.date, $0.event) < ($1.date, $1.event) }
    return r
  }
}

extension PostedPayment {
  /// Whether the key is a use (or refund) of credit on account: `payment:credit:CUSTOMER/CURRENCY/DATE...`.
  static func isCreditKey(_ key: String) -> Bool { key.hasPrefix("payment:credit:") }
}

extension JournalBuilder {
  /// A returned payment: what its original posted, reversed on the return's day (nothing when the original posted
  /// nothing the ledger recorded).
  mutating func paymentReturn(_ r: PaymentReturn, original: JournalEntry?) {
    guard let original else { return }
    var entry = JournalEntry(
      event: r.key, document: nil, date: r.date, entity: original.entity, currency: original.currency, customer: original.customer)
    entry.reverse(original)
    result.entries.append(entry)
  }

  /// A processor's payout tied out to its bank credit: the fees it kept and the refunds it paid out of the charges.
  mutating func payout(_ p: RecordedPayout) {
    let currency = p.net.currency
    fill(customer: nil, contract: nil, currency: currency)
    guard let entity = entity(p.key) else { return }
    var entry = JournalEntry(event: p.key, document: nil, date: p.date, entity: entity, currency: currency, customer: nil)
    var ok = true
    for (kind, amount, memo) in [
      (PostingEvent.processorFee, p.fees, "Fees \(p.processor) kept from payout \(p.payout)"),
      (.processorRefund, p.refunds, "Refunds \(p.processor) paid out of payout \(p.payout)"),
    ] where !amount.isZero {
      guard let (d, c) = lines(kind, entity: entity, plan: nil, charge: nil, memo: memo, event: p.key) else {
        ok = false
        continue
      }
      entry.post(amount, debit: d, credit: c)
    }
    if ok, !entry.lines.isEmpty { result.entries.append(entry) }
  }

  /// A posting a person's decision recorded (or a refund of credit on account): the posting it replaces reversed,
  /// then what it posts, netted per account.
  mutating func posted(_ p: PostedPayment, replacing old: [JournalEntry], date: CivilDate) {
    guard let currency = p.amount?.currency ?? old.first?.currency else { return }
    fill(customer: p.customer.isEmpty ? nil : p.customer, contract: nil, currency: currency)
    guard let entity = entity(p.key) else { return }
    var entry = JournalEntry(event: p.key, document: nil, date: date, entity: entity, currency: currency, customer: p.customer)
    for o in old { entry.reverse(o) }
    var ok = true
    for (kind, amount, memo) in parts(p) where !amount.isZero {
      guard let (d, c) = lines(kind, entity: entity, plan: nil, charge: nil, memo: memo, event: p.key) else {
        ok = false
        continue
      }
      entry.post(amount, debit: d, credit: c)
    }
    entry.net()
    if ok, !entry.lines.isEmpty { result.entries.append(entry) }
  }

  /// What a payment's posting posts, as `cash` posts a run's application: a refunded part posts nothing (the cash
  /// came and went back) but for credit on account refunded (`refund`).
  func parts(_ p: PostedPayment) -> [(PostingEvent, Fixed, String)] {
    let id = String(PostedPayment.baseKey(p.key).dropFirst("payment:".count))
    var out: [(PostingEvent, Fixed, String)] = []
    if PostedPayment.isCreditKey(p.key) {
      for s in p.settlements { out.append((.creditUsed, s.settled, "Credit on account used for \(s.invoice)")) }
      out.append((.refund, p.refunded, "Credit on account refunded to \(p.customer)"))
      return out
    }
    let amount = p.amount?.amount ?? .zero
    if p.status?.postsAllocations == true {
      for s in p.settlements {
        let applied = s.settled.subtracting(s.writtenOff).flatMap { $0.subtracting(s.discount) } ?? s.settled
        out.append((.cashApplied, applied, "Payment \(id) applied to \(s.invoice)"))
        out.append((.writeOff, s.writtenOff, "Short payment of \(s.invoice) written off"))
        out.append((.earlyPaymentDiscount, s.discount, "Early-payment discount on \(s.invoice)"))
      }
      out.append((.creditOnAccount, p.credit, "Overpayment of \(id) credited on account"))
      out.append((.overpaymentWrittenOff, p.overpaymentWrittenOff, "Overpayment of \(id) written off"))
      out.append((.unappliedCash, p.unapplied, "Payment \(id) not applied"))
    } else if p.status != .notOurs {
      out.append((.unappliedCash, amount.subtracting(p.refunded) ?? amount, "Payment \(id) waiting (\(p.status?.rawValue ?? "unknown"))"))
    }
    return out
  }

  /// A credit note: its net off revenue (`credit note`), its tax off the tax payable (the `tax` row reversed), the
  /// part it leaves on account moved from receivables to the customer's credit (the `credit used` row reversed).
  mutating func creditNote(_ n: CreditNote, receivables: [LedgerInvoice], invoiceEntry: JournalEntry?, book: DeferredBook) {
    let event = n.key
    let invoice = receivables.first { $0.number == n.invoice || $0.key == n.invoice }
    let contract = invoice.flatMap { data.contractIndex[$0.contract] }.map { data.contracts[$0] }
    let planName = contract.map { plan.plans[$0.plan].name }
    fill(customer: n.customer, contract: contract?.id, currency: n.currency)
    guard let entity = entity(event) else { return }
    var entry = JournalEntry(event: event, document: n.number, date: n.issueDate, entity: entity, currency: n.currency, customer: n.customer)
    let memo = "Credit note \(n.number) on \(n.invoice): \(n.reason)"
    guard let (d, c) = lines(.creditNote, entity: entity, plan: planName, charge: nil, memo: memo, event: event) else { return }
    // The unrecognized revenue of the invoice's deferred lines is reversed first (grammar.md §13).
    var net = n.net
    for (line, amount) in deferredReversals(n, invoiceEntry, book: book) {
      var deferred = line
      deferred.memo = memo + " (unrecognized revenue reversed)"
      entry.post(amount, debit: deferred, credit: c)
      net = net.subtracting(amount) ?? net
    }
    entry.post(net, debit: d, credit: c)
    if !n.tax.isZero {
      guard let (td, tc) = lines(.tax, entity: entity, plan: planName, charge: nil, memo: memo, event: event) else { return }
      entry.post(n.tax, debit: tc, credit: td)
    }
    if !n.credit.isZero {
      guard let (ud, uc) = lines(.creditUsed, entity: entity, plan: nil, charge: nil, memo: memo, event: event) else { return }
      entry.post(n.credit, debit: uc, credit: ud)
    }
    entry.net()
    result.entries.append(entry)
  }
}

extension JournalBuilder {
  /// What a credit note reverses of deferred revenue: its net spread over the invoice's revenue lines (their
  /// obligations) in proportion to their amounts, or all on its line's when it credits one line; on a line still deferred (credited to a liability account), up to
  /// what is not recognized yet, as a debit of that account naming the obligation.
  func deferredReversals(_ n: CreditNote, _ invoiceEntry: JournalEntry?, book: DeferredBook) -> [(GLLine, Fixed)] {
    guard let e = invoiceEntry, let net = n.net.toMinorUnits(exponent: n.currency.minorUnits, .down), net > 0 else { return [] }
    var lines: [GLLine] = []
    var amounts: [Int64] = []
    // A credit note of one line (`credit-note --line N`) credits that line's obligation alone.
    let only = n.line.map { String(e.event.drop { $0 != ":" }.dropFirst()) + "#" + String($0) }
    for l in e.lines where !l.isDebit && l.obligation != nil && (only == nil || l.obligation == only) {
      guard let m = l.amount.toMinorUnits(exponent: e.currency.minorUnits, .down), m > 0 else { continue }
      lines.append(l)
      amounts.append(m)
    }
    guard !lines.isEmpty, let shares = allocate(net, ratios: amounts) else { return [] }
    var out: [(GLLine, Fixed)] = []
    for (l, share) in zip(lines, shares) where chart.accounts[l.account]?.kind == .liability {
      let open = book.balance(l.obligation ?? "", l.account)
      let amount = min(share, open)
      guard amount > 0 else { continue }
      var line = l
      line.isDebit = true
      out.append((line, Fixed(minorUnits: amount, exponent: n.currency.minorUnits)))
    }
    return out
  }
}
