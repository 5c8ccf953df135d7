import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel

extension Matcher {
  // MARK: One payment

  /// A payment held for review without trying the rules (a duplicate, a reversal).
  static func held(_ p: UnsafePointer<Payment>, queue: String, reason: String) -> CashApplication {
    var a = blank(p)
    a.status = .exception
    a.queue = queue
    a.reason = reason
    a.unapplied = p.pointee.transaction.amount
    return a
  }

  /// The transaction of a payment, in place.
  @inline(__always) static func transaction(_ p: UnsafePointer<Payment>) -> UnsafePointer<BankTransaction> {
    (UnsafeRawPointer(p) + MemoryLayout<Payment>.offset(of: \.transaction)!).assumingMemoryBound(to: BankTransaction.self)
  }

  // Payments are passed by pointer and their fields read in place: a payment passed on from an array or buffer
  // is copied first (retaining all its strings), `borrowing` or not, when the callee is not known to leave it be.
  static func blank(_ p: UnsafePointer<Payment>) -> CashApplication {
    let t = transaction(p)
    return CashApplication(
      paymentID: p.pointee.id, source: t.pointee.source, date: t.pointee.bookingDate,
      amount: t.pointee.amount, currency: t.pointee.currency, payerName: t.pointee.counterpartyName, customer: nil,
      payerBy: nil, status: .unapplied, rule: nil, ruleSource: nil, strategy: nil, allocations: [], writeOff: .zero, credit: .zero,
      unapplied: .zero, queue: nil, reason: nil, suggestions: [], explanation: [])
  }

  /// The built-in payment fields, in the order `loadPayment` gives their values.
  static let paymentFields = [
    "id", "booking_date", "value_date", "amount", "currency", "reference", "remittance", "payer_name", "payer_account",
  ]

  /// The payment as the rules' `payment` record.
  func loadPayment(_ p: UnsafePointer<Payment>, _ env: Env) {
    let t = Matcher.transaction(p)
    var rec = [RValue](repeating: .text(""), count: paymentFieldCount)
    let values: [RValue] = [
      .text(p.pointee.id), .date(t.pointee.bookingDate), .date(t.pointee.valueDate ?? t.pointee.bookingDate),
      .money(t.pointee.amount, t.pointee.currency), .currency(t.pointee.currency), .text(t.pointee.reference),
      .text(t.pointee.remittance), .text(t.pointee.counterpartyName), .text(t.pointee.counterpartyAccount),
    ]
    for (k, slot) in paymentSlots.enumerated() where slot >= 0 { rec[slot] = values[k] }
    // Custom fields: the payment's own values (payments.csv), else their defaults.
    let custom = p.pointee.custom
    for (k, (slot, v)) in paymentDefaults.enumerated() { rec[slot] = k < custom.count ? custom[k] : v }
    env.records[RecordKind.payment.index] = rec
  }

  /// Who paid, by the rule's methods in order: the customer index and the method that found it. Each method's
  /// answer is worked out once per payment (`known`), whichever rules ask.
  func payer(_ t: UnsafePointer<BankTransaction>, _ methods: [PayerMethod], _ known: inout KnownPayers) -> (Int32, PayerMethod)? {
    for m in methods {
      let c: Int32
      if let k = known[m] {
        c = k
      } else {
        c = find(t, m) ?? -1
        known[m] = c
      }
      if c >= 0 { return (c, m) }
    }
    return nil
  }

  /// Each payer method's answer for one payment, once worked out (-1: none found). Plain values: a dictionary
  /// would be made for every payment.
  struct KnownPayers {
    private var answers: (Int32, Int32, Int32) = (-2, -2, -2)
    subscript(_ m: PayerMethod) -> Int32? {
      get {
        let a = m == .reference ? answers.0 : m == .account ? answers.1 : answers.2
        return a == -2 ? nil : a
      }
      set {
        let v = newValue ?? -2
        switch m {
        case .reference: answers.0 = v
        case .account: answers.1 = v
        case .name: answers.2 = v
        }
      }
    }
  }

  func find(_ t: UnsafePointer<BankTransaction>, _ m: PayerMethod) -> Int32? {
    switch m {
    case .reference:
      guard !t.pointee.reference.isEmpty, let idx = references else { return nil }
      let found = idx.find(ReferenceKeys.keys(t.pointee.reference).prefix(1).map { $0 }, in: data.invoices)
      let customers = Set(found.map { customerOf[Int($0)] })
      if customers.count == 1, let c = customers.first, c >= 0 { return c }
      return nil
    case .account:
      let a = CashData.account(t.pointee.counterpartyAccount)
      return a.isEmpty ? nil : data.cash.accounts[a].map(Int32.init)
    case .name:
      return names.find(t.pointee.counterpartyName)
    }
  }

  /// The references found in the payments of `list` (by `finding`), by payment index, and whether they name an
  /// open invoice.
  func references(_ finding: ReferenceFinding, of list: [Int], in payments: [Payment]) -> (refs: [[[FoundRef]]], names: [Bool]) {
    var refs = [[[FoundRef]]](repeating: [], count: payments.count)
    let found = finding.finish()
    guard !found.isEmpty else { return (refs, Array(repeating: false, count: list.count)) }
    var names: [Bool] = []
    names.reserveCapacity(list.count)
    for k in found.indices {
      let any = found[k].contains { !$0.isEmpty }
      if any { refs[list[k]] = found[k] }
      names.append(any && found[k].contains { $0.contains { $0.invoices.contains { open[Int($0)] > 0 } } })
    }
    return (refs, names)
  }

  /// Payments from which many use two threads to find references.
  static let parallelAt = 20_000

  /// A reference a pattern found, and the invoices any of whose keys it matches (whatever their state).
  struct FoundRef {
    var text: String
    var invoices: [Int32]
  }

}
