import AccrueCore

/// One step of a payment's explanation: a match rule tried, and what it found or decided.
///
/// The cash application records steps only when explaining; the renderers turn each into a sentence
/// (`CashText.sentence`): "rule NAME (FILE:LINE): " and the finding's words.
public struct CashStep: Sendable, Hashable {
  /// The match rule tried.
  public var rule: MatchRuleName
  /// What the rule found.
  public var finding: Finding

  public init(rule: MatchRuleName, finding: Finding) {
    self.rule = rule
    self.finding = finding
  }

  /// What a match rule found for a payment. (Cases with large values are `indirect`, held apart: an explained
  /// run keeps every payment's steps, and a step stays as small as the sentence it replaces.)
  public enum Finding: Sendable, Hashable {
    /// "for EUR payments only": the rule is for payments in another currency.
    case forCurrencyOnly(Currency)
    /// "its conditions read the customer, and the payer is unknown".
    case conditionsNeedPayer
    /// "'payment.amount > 100.00 USD' is false": a condition of the rule (its text) does not hold.
    case conditionFalse(String)
    /// "payer not found (by reference, account, name)", with ", or a customer its references name" when the
    /// rule also looked for a customer its references name.
    case payerNotFound(by: [PayerMethod], orCustomerNamed: Bool)
    /// "no reference found": the rule's patterns found nothing in the payment's texts.
    case noReferenceFound
    /// "'INV-1' could be any of INV-1, INV-1": a reference names invoices of several customers (up to five shown).
    indirect case ambiguousReference(String, invoices: [String])
    /// "found 'INV-9', 'X', no open invoice": the references found name no open invoice.
    case noOpenInvoiceNamed(references: [String])
    /// "'CUST-7' names customer C-7": a reference names a customer, who becomes the payer.
    indirect case customerNamed(reference: String, customer: String)
    /// "'CUST-7' names customer C-7, but the payer is C-2": the payer found otherwise wins.
    indirect case customerNamedNotPayer(reference: String, customer: String, payer: String)
    /// "several open invoices have this amount": a rule for any customer finds no single invoice of the amount.
    case severalOfAmount
    /// "no match": the rule found nothing and has no `on no match` outcome; the next rule is tried.
    case noMatch
    /// The rule decided (the last step): see `CashDecision`.
    indirect case decided(CashDecision)
  }
}

/// A match rule as explanations name it: its name and where it is written. One for each rule of a run, shared
/// by every step the rule records (an explained run records hundreds of thousands of steps).
public final class MatchRuleName: Sendable, Hashable {
  /// The rule's name.
  public let name: String
  /// Where the rule is written.
  public let source: RuleRef

  public init(name: String, source: RuleRef) {
    self.name = name
    self.source = source
  }

  public static func == (a: MatchRuleName, b: MatchRuleName) -> Bool { a === b || (a.name == b.name && a.source == b.source) }
  public func hash(into h: inout Hasher) {
    h.combine(name)
    h.combine(source)
  }
}

/// What the deciding match rule made of a payment, as its explanation states it.
public enum CashDecision: Sendable, Hashable {
  /// "exact single: INV-1, INV-2, open 1,200.00 USD" and the difference, if any: the invoices chosen (by number,
  /// else id), how, and their open total.
  case chose(MatchStrategy, invoices: [String], open: Money, difference: CashDifference?)
  /// "names INV-1 in EUR": the only invoice named is in another currency (held for review).
  case namesOtherCurrency(invoice: String, Currency)
  /// "names INV-1, held for payment P-2": the invoice named is held for another payment's review.
  case namesHeld(invoice: String, payment: String)
  /// "names INV-1, already paid": a possible duplicate payment.
  case namesPaid(invoice: String)
  /// "names too many invoices": more than are applied automatically.
  case namesTooMany
  /// "no match": the rule's `on no match` outcome decided.
  case noMatch
}

/// How a payment differs from the open total of the invoices chosen (each sentence follows "; "). Held apart
/// (`indirect`): most payments have none, and a decision without one stays small.
public indirect enum CashDifference: Sendable, Hashable {
  /// "paid within the early-payment discount period: 20.00 USD discount taken".
  case discountTaken(Money)
  /// "overpaid by 5.00 USD, within the tolerance of 10.00 USD", and " (the rule states amounts in EUR only)"
  /// when the rule's amounts leave out the payment's currency (`statedIn`: those it states; empty otherwise).
  case overpaid(by: Money, within: Bool, tolerance: Money, statedIn: [Currency])
  /// "short by 100.00 USD, beyond the tolerance of 10.00 USD", and the currencies as for `overpaid`.
  case short(by: Money, within: Bool, tolerance: Money, statedIn: [Currency])
  /// "short by 5.00 USD of the discounted 980.00 USD (early-payment discount 20.00 USD), within the tolerance
  /// of 9.80 USD", and the currencies as for `overpaid`.
  case shortOfDiscounted(by: Money, discounted: Money, discount: Money, within: Bool, tolerance: Money, statedIn: [Currency])
}
