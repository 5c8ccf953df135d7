import AccrueCore

// The words of the business that the rules, the domains and the outputs share. The parser reads them from
// rule text; the compiler carries them into the plan; the domains act on them; the renderers print them.

/// How a metric aggregates events over a billing period.
public enum AggregationKind: String, Sendable {
  case sum, count, uniqueCount = "unique count", max, latest
  /// Each event's value changes a running total held from its timestamp on; the period's quantity is that total
  /// weighted by the time it was held, over the time in the period (grammar.md §6.1).
  case weightedSum = "weighted sum"
}

/// Billing period lengths.
public enum PeriodSpec: Sendable, Hashable {
  case weeks(Int)
  case months(Int)

  /// How the period reads in rules.
  public var text: String {
    switch self {
    case .weeks(1): "weekly"
    case .weeks(let n): "every \(n) weeks"
    case .months(1): "monthly"
    case .months(3): "quarterly"
    case .months(6): "semiannual"
    case .months(12): "annual"
    case .months(let n): "every \(n) months"
    }
  }
}

/// In advance or in arrears.
public enum BillTiming: String, Sendable { case advance = "in advance", arrears = "in arrears" }

/// Calendar or anniversary alignment of periods.
public enum Alignment: String, Sendable { case calendar, anniversary }

/// Which lines share an invoice (grammar.md §6.5, `invoice per ...`): a contract's (the default), a customer's, or a
/// customer's in one currency; in each case those of one billing date.
public enum InvoiceGrouping: String, Sendable, Hashable {
  case contract
  case customer
  case customerAndCurrency = "customer and currency"
}

/// What a plan does when a contract is cancelled inside a period (grammar.md §6.6, contracts' `cancelled_on`):
/// serve and bill to the end of that period, or stop on the day, with a prorated credit note for the unused days
/// of what was billed in advance, or without one.
public enum CancellationPolicy: String, Sendable {
  case endOfPeriod = "at end of period"
  case immediateProratedCredit = "immediately with prorated credit"
  case immediateNoCredit = "immediately without credit"
}

/// Tax inclusive or exclusive.
public enum TaxMode: String, Sendable { case exclusive, inclusive }

/// Graduated or volume tiers.
public enum TierMode: String, Sendable { case graduated, volume }

/// Reminder channels.
public enum Channel: String, Sendable { case email, letter, sms }

/// How the payer is found.
public enum PayerMethod: String, Sendable { case reference, account, name }

/// Allocation strategies, tried in order.
public enum AllocationStrategy: Sendable, Hashable {
  case exactSingle
  case oldestFirst
  case exactSubset(Int)
}

/// The situations a match rule says what to do about.
public enum OutcomeCase: String, Sendable {
  case underpaymentWithin = "underpayment within tolerance"
  case underpaymentBeyond = "underpayment beyond tolerance"
  case overpaymentWithin = "overpayment within tolerance"
  case overpaymentBeyond = "overpayment beyond tolerance"
  case noMatch = "no match"
}

/// Where a reference pattern looks.
public enum ReferenceSource: String, Sendable { case remittance, reference }

/// Where a step falls relative to the due date.
public enum StepRelation: String, Sendable { case before, on, after }

/// Over- or under-payment.
public enum ToleranceSide: String, Sendable { case underpayment, overpayment }
