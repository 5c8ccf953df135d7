import AccrueCore
import AccrueModel

/// The words for cash application's typed values: how invoices were chosen, how the payer was found, and each step
/// of a payment's explanation (the sentences `--explain` prints and JSON holds).
public enum CashText {
  /// "named in the reference", "named in the reference (3 invoices)", "exact single", "exact subset",
  /// "oldest first", "no match".
  public static func strategy(_ s: MatchStrategy) -> String {
    switch s {
    case .namedInReference(let n): n > 1 ? "named in the reference (\(n) invoices)" : "named in the reference"
    case .allocation(.exactSingle): "exact single"
    case .allocation(.exactSubset): "exact subset"
    case .allocation(.oldestFirst): "oldest first"
    case .noMatch: "no match"
    }
  }

  /// "reference", "account", "name" (the payer methods), "invoice" (the invoice its references name),
  /// "reference" (a customer its references name), "amount" (the one open invoice of its amount).
  public static func payerFoundBy(_ by: PayerFoundBy) -> String {
    switch by {
    case .method(let m): m.rawValue
    case .invoiceNamed: "invoice"
    case .customerNamed: "reference"
    case .amount: "amount"
    }
  }

  /// A payment's explanation, one sentence a step.
  public static func sentences(_ steps: [CashStep]) -> [String] { steps.map(sentence) }

  /// Sentences made once for each step that names nothing of its payment (a rule for another currency, a
  /// condition false, no reference found, no match...) and shared by every equal step: an explained run of many
  /// payments repeats a few of them hundreds of thousands of times.
  public struct Sentences {
    private var made: [CashStep: String] = [:]
    public init() {}

    /// The step's sentence (`CashText.sentence`).
    public mutating func sentence(_ s: CashStep) -> String {
      guard CashText.general(s.finding) else { return CashText.sentence(s) }
      if let t = made[s] { return t }
      let t = CashText.sentence(s)
      made[s] = t
      return t
    }
  }

  /// Whether a finding names nothing of the payment it was made for.
  static func general(_ f: CashStep.Finding) -> Bool {
    switch f {
    case .forCurrencyOnly, .conditionsNeedPayer, .conditionFalse, .payerNotFound, .noReferenceFound, .severalOfAmount, .noMatch: true
    case .ambiguousReference, .noOpenInvoiceNamed, .customerNamed, .customerNamedNotPayer, .decided: false
    }
  }

  /// "rule NAME (FILE:LINE): " and what the rule found.
  public static func sentence(_ s: CashStep) -> String { "rule \(s.rule.name) (\(s.rule.source)): " + finding(s.finding) }

  static func finding(_ f: CashStep.Finding) -> String {
    switch f {
    case .forCurrencyOnly(let c): "for \(c.code) payments only"
    case .conditionsNeedPayer: "its conditions read the customer, and the payer is unknown"
    case .conditionFalse(let text): "'\(text)' is false"
    case .payerNotFound(let methods, let orCustomer):
      "payer not found (by \(methods.map(\.rawValue).joined(separator: ", "))\(orCustomer ? ", or a customer its references name" : ""))"
    case .noReferenceFound: "no reference found"
    case .ambiguousReference(let r, let invoices): "'\(r)' could be any of \(invoices.joined(separator: ", "))"
    case .noOpenInvoiceNamed(let refs): "found \(refs.map { "'\($0)'" }.joined(separator: ", ")), no open invoice"
    case .customerNamed(let r, let c): "'\(r)' names customer \(c)"
    case .customerNamedNotPayer(let r, let c, let p): "'\(r)' names customer \(c), but the payer is \(p)"
    case .severalOfAmount: "several open invoices have this amount"
    case .noMatch: "no match"
    case .decided(let d): decision(d)
    }
  }

  static func decision(_ d: CashDecision) -> String {
    switch d {
    case .chose(let s, let invoices, let open, let difference):
      "\(strategy(s)): \(invoices.joined(separator: ", ")), open \(money(open))" + (difference.map { "; " + self.difference($0) } ?? "")
    case .namesOtherCurrency(let i, let c): "names \(i) in \(c.code)"
    case .namesHeld(let i, let payment): "names \(i), held for payment \(payment)"
    case .namesPaid(let i): "names \(i), already paid"
    case .namesTooMany: "names too many invoices"
    case .noMatch: "no match"
    }
  }

  static func difference(_ d: CashDifference) -> String {
    switch d {
    case .discountTaken(let m): "paid within the early-payment discount period: \(money(m)) discount taken"
    case .overpaid(let by, let within, let tolerance, let stated):
      "overpaid by \(money(by)), \(within ? "within" : "beyond") the tolerance of \(money(tolerance))" + statedOnly(stated)
    case .short(let by, let within, let tolerance, let stated):
      "short by \(money(by)), \(within ? "within" : "beyond") the tolerance of \(money(tolerance))" + statedOnly(stated)
    case .shortOfDiscounted(let by, let discounted, let discount, let within, let tolerance, let stated):
      "short by \(money(by)) of the discounted \(money(discounted)) (early-payment discount \(money(discount))), "
        + "\(within ? "within" : "beyond") the tolerance of \(money(tolerance))" + statedOnly(stated)
    }
  }

  /// " (the rule states amounts in EUR, GBP only)" when the rule's amounts leave out the payment's currency.
  static func statedOnly(_ currencies: [Currency]) -> String {
    currencies.isEmpty ? "" : " (the rule states amounts in \(currencies.map(\.code).joined(separator: ", ")) only)"
  }

  /// "1,200.00 USD".
  static func money(_ m: Money) -> String { m.formatted(grouping: true) }
}
