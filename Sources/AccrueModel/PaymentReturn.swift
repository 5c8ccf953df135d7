import AccrueCore
import Foundation

/// A returned or reversed payment linked to the payment it returns, as the ledger records it (table
/// `payment_returns`): an event of its own, replayed in run order before the applications of its own run (which
/// were matched after it). When the original was applied by an earlier run, its application is reversed: the
/// invoices it settled reopen by what it settled, and the credit it left on account is taken back.
public struct PaymentReturn: Sendable, Hashable {
  /// The exactly-once key: `payment:ID` of the return (the debit on the statement); `return:ID` when an earlier
  /// run recorded the return as a payment held in the `returns` queue (no original found then) and a later run
  /// linked it.
  public var key: String
  /// `payment:ID` of the payment it returns.
  public var original: String
  /// The return's booking date.
  public var date: CivilDate
  /// The original's customer (empty when none was found).
  public var customer: String
  /// The amount returned (positive) and its currency.
  public var amount: Money
  /// The reason: an ISO 20022 code (AC04, MD06...) or the bank's text, empty when none was given.
  public var reason: String
  /// Where the return came from (file:line of the statement entry).
  public var source: String
  /// Whether the original's application was reversed (it was applied by an earlier run); false when the
  /// original was in the same run and was not applied.
  public var reversed: Bool

  /// `payment:ID` of the return itself, from either form of its key.
  public static func paymentKey(_ key: String) -> String { key.hasPrefix("return:") ? "payment:" + key.dropFirst("return:".count) : key }

  public init(
    key: String, original: String, date: CivilDate, customer: String, amount: Money, reason: String, source: String, reversed: Bool
  ) {
    self.key = key
    self.original = original
    self.date = date
    self.customer = customer
    self.amount = amount
    self.reason = reason
    self.source = source
    self.reversed = reversed
  }
}

/// Human-readable texts for the ISO 20022 return reason codes banks use most (ExternalReturnReason1Code), in
/// one place: messages say "AC04 account closed", never the bare code.
public enum ReturnReason {
  public static let texts: [String: String] = [
    "AC01": "account number incorrect",
    "AC04": "account closed",
    "AC06": "account blocked",
    "AG01": "transaction forbidden on this account",
    "AM04": "insufficient funds",
    "MD01": "no mandate",
    "MD06": "refund requested by the debtor",
    "MD07": "debtor deceased",
    "MS02": "refused by the debtor",
    "MS03": "reason not specified",
    "RR01": "debtor's account or identification missing (regulatory)",
    "RR02": "debtor's name or address missing (regulatory)",
    "RR03": "creditor's name or address missing (regulatory)",
    "RR04": "regulatory reason",
    "SL01": "specific service offered by the debtor's bank",
    "FOCR": "returned after a cancellation request",
    "DUPL": "duplicate payment",
    "FRAD": "fraudulent origin",
    "TECH": "technical problem",
    "CUST": "requested by the customer",
  ]

  /// "AC04 account closed" for a known code, the code or bank text as given otherwise, "no reason given" when empty.
  public static func describe(_ reason: String) -> String {
    let r = reason.trimmingCharacters(in: .whitespaces)
    if r.isEmpty { return "no reason given" }
    if let t = texts[r.uppercased()] { return "\(r.uppercased()) \(t)" }
    return r
  }
}
