import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel

/// What a person asks `accrue dispute`, `accrue promise` or `accrue payment-plan` to record (docs/decisions.md).
public enum HoldRequest: Sendable {
  /// Dispute `amount` of the invoice (nil: all it has open), or change the amount disputed.
  case dispute(invoice: String, amount: Fixed?)
  /// Close the invoice's dispute.
  case closeDispute(invoice: String, outcome: String)
  /// A promise to pay the invoice (or, with `customer`, all the customer's invoices) by a date.
  case promise(invoice: String?, customer: String?, payBy: CivilDate, amount: Fixed?)
  /// A payment plan for the invoice (or all the customer's invoices) from a date, to a date or open-ended.
  case plan(invoice: String?, customer: String?, from: CivilDate?, to: CivilDate?, id: String?)
  /// The end of a plan: `completed` or `broken`.
  case endPlan(id: String, outcome: String)

  /// The hold and the decision that records it, checked against the books as they stand (`data`); `run`: the
  /// number the decision will have; `asOf`: its date.
  public func decide(data: Dataset, run: Int, asOf: CivilDate, by: String, note: String) -> Result<(CollectionHold, Decision), ResolutionError> {
    func decision(_ kind: Decision.Kind, _ subject: String, _ customer: String, _ summary: String) -> Decision {
      Decision(kind: kind, subject: subject, by: by, note: note, summary: summary, customer: customer, askedBy: "")
    }
    switch self {
    case .dispute(let id, let amount):
      return Self.invoice(id, data).flatMap { i in
        let inv = data.invoices[i]
        let open = OpenInvoice.open(inv.amount, paid: inv.paid)
        let disputed = amount ?? open
        guard disputed > .zero, disputed <= open else {
          return .failure(ResolutionError("\(inv.id) has \(Self.money(open, inv.currency)) open: dispute an amount above zero and at most that"))
        }
        let customer = data.customers[Int(inv.customer)].id
        let words = "\(Self.money(disputed, inv.currency)) of \(inv.id) disputed" + (inv.disputed > .zero ? " (was \(Self.money(inv.disputed, inv.currency)))" : "")
          + ": left out of dunning where the cadence pauses on dispute"
        return .success(
          (CollectionHold(kind: .dispute, customer: customer, invoice: inv.id, amount: Money(amount: disputed, currency: inv.currency), state: "open"),
           decision(.dispute, inv.id, customer, words)))
      }
    case .closeDispute(let id, let outcome):
      return Self.invoice(id, data).flatMap { i in
        let inv = data.invoices[i]
        guard inv.disputed > .zero else { return .failure(ResolutionError("\(inv.id) has no dispute open: nothing to close")) }
        let customer = data.customers[Int(inv.customer)].id
        return .success(
          (CollectionHold(kind: .dispute, customer: customer, invoice: inv.id, amount: Money(amount: .zero, currency: inv.currency), state: "closed \(outcome)"),
           decision(.disputeClosed, inv.id, customer, "dispute of \(Self.money(inv.disputed, inv.currency)) on \(inv.id) closed (\(outcome)): dunned again in full")))
      }
    case .promise(let id, let customerID, let payBy, let amount):
      guard payBy >= asOf else { return .failure(ResolutionError("the date promised, \(payBy), is before the decision's date \(asOf): a promise is to pay by a later date")) }
      return Self.target(id, customerID, data).flatMap { customer, invoice in
        let what = invoice.map { "\($0)" } ?? "all of \(customer)'s invoices"
        let currency = invoice.flatMap { data.invoiceIDs.find($0, in: data.invoices) }.map { data.invoices[$0].currency }
        if amount != nil && currency == nil {
          return .failure(ResolutionError("an amount promised goes with an invoice; for all of a customer's invoices leave --amount out"))
        }
        let money = amount.flatMap { a in currency.map { Money(amount: a, currency: $0) } }
        if let a = amount, a <= .zero { return .failure(ResolutionError("the amount promised must be above zero")) }
        return .success(
          (CollectionHold(kind: .promise, customer: customer, invoice: invoice ?? "", amount: money, end: payBy, state: "made"),
           decision(.promise, invoice ?? "customer:" + customer, customer, "promise to pay \(what) by \(payBy)" + (money.map { " (\($0.formatted(grouping: true)))" } ?? "")
             + ": dunning waits for it where the cadence pauses on promises; broken if unpaid after that day")))
      }
    case .plan(let id, let customerID, let from, let to, let planID):
      let start = from ?? asOf
      if let to, to < start { return .failure(ResolutionError("the plan ends (\(to)) before it starts (\(start))")) }
      return Self.target(id, customerID, data).flatMap { customer, invoice in
        let name = planID ?? "plan-\(run)"
        if data.collections.paymentPlans.contains(where: { $0.id == name }) {
          return .failure(ResolutionError("a payment plan '\(name)' exists already: give another --id"))
        }
        let what = invoice.map { "\($0)" } ?? "all of \(customer)'s invoices"
        return .success(
          (CollectionHold(kind: .paymentPlan, customer: customer, invoice: invoice ?? "", amount: nil, start: start, end: to, state: "active", planID: name),
           decision(.paymentPlan, invoice ?? "customer:" + customer, customer, "payment plan \(name) for \(what) from \(start)" + (to.map { " to \($0)" } ?? "")
             + ": dunning pauses while it is active where the cadence pauses on payment plans")))
      }
    case .endPlan(let name, let outcome):
      guard let p = data.collections.paymentPlans.first(where: { $0.id == name }) else {
        let hint = Suggest.closest(to: name, among: data.collections.paymentPlans.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
        return .failure(ResolutionError("no payment plan '\(name)'.\(hint)"))
      }
      guard p.active else { return .failure(ResolutionError("payment plan \(name) has ended already")) }
      let customer = data.customers[Int(p.customer)].id
      let invoice = p.invoice >= 0 ? data.invoices[Int(p.invoice)].id : ""
      return .success(
        (CollectionHold(kind: .paymentPlan, customer: customer, invoice: invoice, amount: nil, start: p.start, end: asOf, state: outcome, planID: name),
         decision(.paymentPlanEnded, invoice.isEmpty ? "customer:" + customer : invoice, customer, "payment plan \(name) \(outcome) on \(asOf): dunning resumes")))
    }
  }

  static func money(_ a: Fixed, _ c: Currency) -> String { Money(amount: a, currency: c).formatted(grouping: true) }

  /// The invoice named (of the file or of the ledger), open.
  static func invoice(_ id: String, _ data: Dataset) -> Result<Int, ResolutionError> {
    guard let i = data.invoiceIDs.find(id, in: data.invoices) else {
      let hint = Suggest.closest(to: id, among: data.invoices.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
      return .failure(ResolutionError("no invoice '\(id)' in the invoices file or the ledger.\(hint)"))
    }
    guard data.invoices[i].status == .open, !data.invoices[i].isCreditNote, OpenInvoice.open(data.invoices[i].amount, paid: data.invoices[i].paid) > .zero else {
      return .failure(ResolutionError("\(id) is not open (\(data.invoices[i].status.rawValue)): nothing to hold"))
    }
    return .success(i)
  }

  /// The customer and invoice of a promise or plan: an open invoice, or (with `customer`) all of a customer's.
  static func target(_ id: String?, _ customer: String?, _ data: Dataset) -> Result<(String, String?), ResolutionError> {
    if let id {
      return invoice(id, data).map { (data.customers[Int(data.invoices[$0].customer)].id, data.invoices[$0].id) }
    }
    guard let customer else { return .failure(ResolutionError("name an invoice, or a customer with --customer")) }
    guard data.customerIndex[customer] != nil else {
      let hint = Suggest.closest(to: customer, among: data.customers.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
      return .failure(ResolutionError("no customer '\(customer)' in the customers file.\(hint)"))
    }
    return .success((customer, nil))
  }
}
