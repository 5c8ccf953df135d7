import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Ties processors' payouts out to the bank: each payout (its lines summed: charges - refunds - fees + other
/// categories) is matched to ONE bank credit of the same currency and amount booked on its date or up to the
/// processor's window after (`payouts reach the bank within N [business] days` in the rules, default 5 days),
/// preferring a credit that names the payout id, then one that names the processor, then the
/// earliest (then by id). A matched credit is the processor's money, not a customer's: cash application leaves
/// it out (`PayoutResult.matchedCredits`). Bank credits that name a processor and no payout took are listed.
public enum PayoutMatching {
  /// `applied`: the keys (`payment:ID`) of the payments the ledger records as applied by earlier runs: such a
  /// credit is never taken for a payout (its money already went to invoices); a payout it would fit says so.
  /// The window is the plan's (`processor stripe { payouts reach the bank within ... }`).
  public static func run(plan: ExecutablePlan, data: Dataset, asOf: CivilDate, applied: Set<String> = []) -> PayoutResult {
    let window = Window(plan: plan, data: data)
    let lines = data.processors.lines
    var payouts = summarize(lines)
    let all = data.cash.payments.indices.filter { i in
      let t = data.cash.payments[i].transaction
      return !isProcessorCharge(data.cash.payments[i].id) && t.amount > .zero && !t.reversal && t.bookingDate <= asOf
    }
    let credits = all.filter { !applied.contains("payment:" + data.cash.payments[$0].id) }
    let earlierRuns = all.filter { applied.contains("payment:" + data.cash.payments[$0].id) }
    var used = Set<Int>()
    // Each basis in turn over every payout, so a credit that names one payout is never taken by another first.
    for basis in [PayoutCredit.Basis.payoutID, .processorName, .amountAndDate] {
      for k in payouts.indices where payouts[k].status == .noBankCredit && payouts[k].credit == nil && payouts[k].reason.isEmpty {
        let p = payouts[k]
        let found = credits.filter { i in
          !used.contains(i) && window.fits(data.cash.payments[i].transaction, p) && carries(data.cash.payments[i].transaction, basis, p)
        }
        guard let i = found.min(by: { earlier(data.cash.payments[$0], data.cash.payments[$1]) }) else { continue }
        used.insert(i)
        let pay = data.cash.payments[i]
        payouts[k].status = .reconciled
        payouts[k].credit = PayoutCredit(
          paymentID: pay.id, bookingDate: pay.transaction.bookingDate, amount: pay.transaction.amount, source: pay.transaction.source,
          basis: basis)
      }
    }
    explainUnmatched(&payouts, data: data, credits: credits, used: used, asOf: asOf, window: window)
    for k in payouts.indices where payouts[k].status == .noBankCredit {
      let p = payouts[k]
      guard let i = earlierRuns.first(where: { window.fits(data.cash.payments[$0].transaction, p) }) else { continue }
      payouts[k].reason =
        "bank payment \(data.cash.payments[i].id) (\(data.cash.payments[i].transaction.source)) is of its amount but an earlier run applied it to invoices or suggested it for them: reverse that (accrue resolve \(data.cash.payments[i].id.hasPrefix("payment:") ? "" : "payment:")\(data.cash.payments[i].id) --reverse), its charges pay them"
    }
    let deposits = credits.filter { !used.contains($0) }.compactMap { deposit(data.cash.payments[$0], window) }
      .sorted { ($0.bookingDate, $0.key) < ($1.bookingDate, $1.key) }
    return PayoutResult(asOf: asOf, payouts: payouts, deposits: deposits, unpaidLines: lines.filter { $0.payoutID.isEmpty }.count)
  }

  /// Payments made from processors' charges (`stripe:TXN`).
  static func isProcessorCharge(_ id: String) -> Bool { id.hasPrefix("stripe:") }

  static func earlier(_ a: Payment, _ b: Payment) -> Bool {
    (a.transaction.bookingDate, a.id) < (b.transaction.bookingDate, b.id)
  }

  /// When a payout may reach the bank: the processor's settings and the calendar its business days count on
  /// (the rules' calendar with its holidays, the data folder's holidays.csv included; else Monday to Friday).
  struct Window {
    let settings: ProcessorSettings
    let calendar: BusinessCalendar

    init(plan: ExecutablePlan, data: Dataset) {
      settings = plan.processor("stripe")
      var cal = BusinessCalendar.weekendsOnly
      if settings.businessDays, let name = settings.calendar, let ci = plan.calendars.firstIndex(where: { $0.name == name }) {
        let env = Env(asOf: CivilDate(dayNumber: 0))
        var days: [CivilDate] = []
        for h in plan.calendars[ci].holidays {
          if case .date(let d) = h.date.eval(env) { days.append(d) }
        }
        days += data.collections.holidays[ci] ?? []
        cal = BusinessCalendar(weekend: plan.calendars[ci].weekend, holidays: days) ?? .weekendsOnly
      }
      calendar = cal
    }

    /// The last day a payout dated `date` may be booked at the bank.
    func last(_ date: CivilDate) -> CivilDate { settings.lastDay(after: date, calendar: calendar) }

    /// Same currency and amount as the payout, booked on its date or within the window after.
    func fits(_ t: BankTransaction, _ p: PayoutReconciliation) -> Bool {
      t.currency == p.currency && t.amount == p.net && t.bookingDate >= p.date && t.bookingDate <= last(p.date)
    }

    /// "5 days", "3 business days", with where the rules state it.
    var text: String { settings.windowText + (settings.windowRule.map { ", \($0.file):\($0.line)" } ?? "") }
  }

  /// The bank's texts of a credit, lower case.
  static func texts(_ t: BankTransaction) -> [String] {
    [t.reference, t.remittance, t.endToEndID, t.bankReference, t.counterpartyName].map { $0.lowercased() }
  }

  static func carries(_ t: BankTransaction, _ basis: PayoutCredit.Basis, _ p: PayoutReconciliation) -> Bool {
    switch basis {
    case .payoutID: texts(t).contains { $0.contains(p.payoutID.lowercased()) }
    case .processorName: texts(t).contains { $0.contains(p.processor) }
    case .amountAndDate: true
    }
  }

  /// The payouts of the lines, by date then key, each summed by kind.
  static func summarize(_ lines: [ProcessorLine]) -> [PayoutReconciliation] {
    var groups: [String: [ProcessorLine]] = [:]
    for l in lines where !l.payoutID.isEmpty { groups[l.processor + ":" + l.payoutID, default: []].append(l) }
    // A refund's invoice is its own, else its charge's.
    var chargeInvoice: [String: String] = [:]
    for l in lines where l.isCharge && !l.chargeID.isEmpty && !l.invoice.isEmpty { chargeInvoice[l.chargeID] = l.invoice }
    var out = groups.values.map { summary(of: $0.sorted { $0.transactionID < $1.transactionID }, chargeInvoice) }
    out.sort { ($0.date, $0.key) < ($1.date, $1.key) }
    return out
  }

  /// One payout's sums (exact; a sum too large to represent makes it not add up).
  static func summary(of ls: [ProcessorLine], _ chargeInvoice: [String: String]) -> PayoutReconciliation {
    let first = ls[0]
    var (charges, refunds, fees, net) = (Fixed.zero, Fixed.zero, Fixed.zero, Fixed.zero)
    var other: [String: Fixed] = [:]
    var refundLines: [PayoutRefund] = []
    var overflow = false
    func add(_ a: inout Fixed, _ b: Fixed) { if let s = a.adding(b) { a = s } else { overflow = true } }
    for l in ls {
      add(&net, l.net)
      add(&fees, l.fee)
      switch l.category {
      case "charge", "payment": add(&charges, l.gross)
      case "refund":
        let amount = l.gross.negated ?? .zero
        add(&refunds, amount)
        refundLines.append(
          PayoutRefund(
            id: l.paymentID, amount: amount, invoice: l.invoice.isEmpty ? chargeInvoice[l.chargeID] ?? "" : l.invoice, chargeID: l.chargeID,
            source: l.source))
      case "fee": add(&fees, l.gross.negated ?? .zero)
      default: add(&other[l.category, default: .zero], l.gross)
      }
    }
    let currencies = Set(ls.map(\.currency))
    var p = PayoutReconciliation(
      processor: first.processor, payoutID: first.payoutID, date: ls.compactMap(\.payoutDate).min() ?? first.created,
      currency: first.currency, charges: charges, refunds: refunds, refundLines: refundLines, fees: fees,
      other: other.keys.sorted().map { ($0, other[$0]!) }, net: net, lineCount: ls.count,
      sources: Array(Set(ls.map(\.source))).sorted(), status: .noBankCredit)
    if currencies.count > 1 {
      p.status = .doesNotAddUp
      p.reason = "its lines are in several currencies (\(currencies.sorted().map(\.code).joined(separator: ", "))): one payout is paid in one"
    } else if overflow {
      p.status = .doesNotAddUp
      p.reason = "its lines add up to more than can be represented"
    } else if Set(ls.compactMap(\.payoutDate)).count > 1 {
      p.status = .doesNotAddUp
      p.reason = "its lines give different dates for it (automatic_payout_effective_at): export the report again"
    } else if net <= .zero {
      p.status = .doesNotAddUp
      p.reason = "its lines add up to \(net.formatted(places: p.currency.minorUnits)) \(p.currency.code): nothing to pay into the bank (the processor debits a negative payout)"
    }
    return p
  }

  /// Says why each payout left without a credit has none: a credit naming it of another amount (its lines do not
  /// add up to what the bank received), not due yet, or none in the window.
  static func explainUnmatched(
    _ payouts: inout [PayoutReconciliation], data: Dataset, credits: [Int], used: Set<Int>, asOf: CivilDate, window: Window
  ) {
    for k in payouts.indices where payouts[k].status == .noBankCredit {
      let p = payouts[k]
      let amount = "\(p.net.formatted(places: p.currency.minorUnits)) \(p.currency.code)"
      let naming = credits.filter { i in !used.contains(i) && carries(data.cash.payments[i].transaction, .payoutID, p) }
      if let i = naming.first {
        let t = data.cash.payments[i].transaction
        let got = t.amount.formatted(places: t.currency.minorUnits)
        let diff = t.amount.subtracting(p.net).map { $0.formatted(places: t.currency.minorUnits) } ?? "?"
        payouts[k].status = .doesNotAddUp
        payouts[k].reason =
          "bank payment \(data.cash.payments[i].id) (\(t.source)) names it but is \(got) \(t.currency.code), its lines add up to \(amount) (difference \(diff)): a line is missing from the export or the bank booked another amount"
      } else if p.date > asOf {
        payouts[k].reason = "expected at the bank on \(p.date), after \(asOf)"
      } else {
        payouts[k].reason = "no bank credit of \(amount) booked from \(p.date) to \(window.last(p.date)) (yet; payouts reach the bank within \(window.text))"
      }
    }
  }

  /// A credit no payout took that looks like a processor's deposit: it names a processor or a payout id (`po_`).
  static func deposit(_ pay: Payment, _ window: Window) -> ProcessorDeposit? {
    let t = pay.transaction
    let texts = texts(t)
    let names = texts.contains { $0.contains("stripe") }
    let payoutIDs = texts.contains { $0.contains("po_") }
    guard names || payoutIDs else { return nil }
    let amount = t.amount.formatted(places: t.currency.minorUnits)
    return ProcessorDeposit(
      processor: "stripe", paymentID: pay.id, bookingDate: t.bookingDate, amount: t.amount, currency: t.currency,
      payerName: t.counterpartyName, source: t.source,
      reason: "no payout of \(amount) \(t.currency.code) in processors/ that can reach the bank on \(t.bookingDate) (payouts reach the bank within \(window.text)): export Stripe's itemized payout reconciliation report for these dates")
  }
}
