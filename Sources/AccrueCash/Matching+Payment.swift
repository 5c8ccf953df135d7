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
  static func held(_ p: PaymentView, queue: String, reason: String) -> CashApplication {
    var a = blank(p)
    a.status = .exception
    a.queue = queue
    a.reason = reason
    a.unapplied = p.amount
    return a
  }

  /// A payment's application before any rule decides: nothing applied.
  static func blank(_ p: PaymentView) -> CashApplication {
    CashApplication(
      paymentID: p.id, source: p.source, date: p.bookingDate,
      amount: p.amount, currency: p.currency, payerName: p.payerName, customer: nil,
      payerBy: nil, status: .unapplied, rule: nil, ruleSource: nil, strategy: nil, allocations: [], writeOff: .zero, credit: .zero,
      unapplied: .zero, queue: nil, reason: nil, suggestions: [], explanation: [])
  }

  /// The built-in payment fields, in the order `loadPayment` gives their values.
  static let paymentFields = [
    "id", "booking_date", "value_date", "amount", "currency", "reference", "remittance", "payer_name", "payer_account",
  ]

  /// The payment as the rules' `payment` record.
  func loadPayment(_ p: PaymentView, _ env: Env) {
    var rec = [RValue](repeating: .text(""), count: paymentFieldCount)
    let values: [RValue] = [
      .text(p.id), .date(p.bookingDate), .date(p.valueDate ?? p.bookingDate),
      .money(p.amount, p.currency), .currency(p.currency), .text(p.reference),
      .text(p.remittance), .text(p.payerName), .text(p.payerAccount),
    ]
    for (k, slot) in paymentSlots.enumerated() where slot >= 0 { rec[slot] = values[k] }
    // Custom fields: the payment's own values (payments.csv), else their defaults (a statement's payment).
    let custom = p.custom
    for (k, (slot, _)) in paymentFields.defaults.enumerated() {
      rec[slot] = k < custom.count ? custom[k] : paymentFields.missing(k, currency: p.currency)
    }
    env.records[RecordKind.payment.index] = rec
  }

  /// Who paid, by the rule's methods in order: the customer index and the method that found it. Each method's
  /// answer is worked out once per payment (`known`), whichever rules ask.
  func payer(_ p: PaymentView, _ methods: [PayerMethod], _ known: inout KnownPayers) -> (Int32, PayerMethod)? {
    for m in methods {
      let c: Int32
      if let k = known[m] {
        c = k
      } else {
        c = find(p, m) ?? -1
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

  func find(_ p: PaymentView, _ m: PayerMethod) -> Int32? {
    switch m {
    case .reference:
      guard !p.reference.isEmpty, let idx = references else { return nil }
      let found = idx.find(ReferenceKeys.firstKey(p.reference).map { [$0] } ?? [], in: data.invoices)
      let customers = Set(found.map { customerOf[Int($0)] })
      if customers.count == 1, let c = customers.first, c >= 0 { return c }
      return nil
    case .account:
      let a = CashData.account(p.payerAccount)
      return a.isEmpty ? nil : data.cash.accounts[a].map(Int32.init)
    case .name:
      return names.find(p.payerName)
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
