import AccrueCore
import AccrueModel
import AccrueParser

// What the routing function reads: one item to approve (grammar.md §11), with the records its rules may read.

/// A write-off proposed for (part of) an invoice.
public struct WriteOffRequest: Sendable, Hashable {
  public var id: String
  public var customerID: String
  /// The invoice written off: its number, or its key.
  public var invoice: String
  /// The day it is proposed.
  public var date: CivilDate
  public var amount: Fixed
  public var currency: Currency
  public var reason: String

  public init(id: String, customerID: String, invoice: String, date: CivilDate, amount: Fixed, currency: Currency, reason: String = "") {
    self.id = id
    self.customerID = customerID
    self.invoice = invoice
    self.date = date
    self.amount = amount
    self.currency = currency
    self.reason = reason
  }
}

/// A credit note proposed against an invoice.
public struct CreditNoteRequest: Sendable, Hashable {
  public var id: String
  public var customerID: String
  /// The invoice credited: its number, or its key.
  public var invoice: String
  public var date: CivilDate
  /// The amount credited, tax included.
  public var amount: Fixed
  public var currency: Currency
  public var reason: String

  public init(id: String, customerID: String, invoice: String, date: CivilDate, amount: Fixed, currency: Currency, reason: String = "") {
    self.id = id
    self.customerID = customerID
    self.invoice = invoice
    self.date = date
    self.amount = amount
    self.currency = currency
    self.reason = reason
  }
}

/// A payment plan proposed to a customer.
public struct PaymentPlanRequest: Sendable, Hashable {
  public var id: String
  public var customerID: String
  /// The amount the plan spreads.
  public var amount: Fixed
  public var currency: Currency
  public var installments: Int
  public var startDate: CivilDate
  public var endDate: CivilDate

  public init(
    id: String, customerID: String, amount: Fixed, currency: Currency, installments: Int, startDate: CivilDate, endDate: CivilDate
  ) {
    self.id = id
    self.customerID = customerID
    self.amount = amount
    self.currency = currency
    self.installments = installments
    self.startDate = startDate
    self.endDate = endDate
  }
}

/// One item to route to the approval rules of its subject.
public enum ApprovalRequestItem: Sendable {
  /// An invoice or a debit note about to be issued (its `kind` says which: rules `for invoices` or `for debit notes`).
  case invoice(PlannedInvoice)
  case creditNote(CreditNoteRequest)
  case writeOff(WriteOffRequest)
  case paymentPlan(PaymentPlanRequest)

  /// The approval rules' subject this item is.
  public var subject: ApprovalSubject {
    switch self {
    case .invoice(let i): i.kind == .debitNote ? .debitNotes : .invoices
    case .creditNote: .creditNotes
    case .writeOff: .writeOffs
    case .paymentPlan: .paymentPlans
    }
  }

  /// The item's key in messages: the invoice's number (else key), or the request's id.
  public var key: String {
    switch self {
    case .invoice(let i): i.number ?? i.key
    case .creditNote(let c): c.id
    case .writeOff(let w): w.id
    case .paymentPlan(let p): p.id
    }
  }

  /// The currency of the item's money.
  public var currency: Currency {
    switch self {
    case .invoice(let i): i.currency
    case .creditNote(let c): c.currency
    case .writeOff(let w): w.currency
    case .paymentPlan(let p): p.currency
    }
  }
}

/// The records around the item, as the data holds them (slot order of the plan's program: `Dataset`'s
/// `CustomerData.record`, `ContractData.record`). Nil when the item has none, or the engine has not looked it up:
/// a rule that reads it is then an evaluation error (never a silent "no approval needed").
public struct ApprovalRecords: Sendable {
  public var customer: [RValue]?
  public var contract: [RValue]?
  /// Whether the ledger and the invoices file hold no earlier invoice of the customer (`customer.first_invoice`).
  public var firstInvoice: Bool?

  public init(customer: [RValue]? = nil, contract: [RValue]? = nil, firstInvoice: Bool? = nil) {
    self.customer = customer
    self.contract = contract
    self.firstInvoice = firstInvoice
  }
}
