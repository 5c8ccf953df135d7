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

  /// "rule NAME (FILE:LINE): " and what the rule found.
  public static func sentence(_ s: CashStep) -> String {
    var t = SentenceText()
    write(s, into: &t)
    return t.text
  }

  /// The step's sentence, written piece by piece into `o` (a string, or the JSON string literal being written).
  static func write<S: SentenceSink & ~Copyable>(_ s: CashStep, into o: inout S) {
    o.words("rule ")
    o.put(s.rule.name)
    o.words(" (")
    o.put(s.rule.source)
    o.words("): ")
    finding(s.finding, into: &o)
  }

  static func finding<S: SentenceSink & ~Copyable>(_ f: CashStep.Finding, into o: inout S) {
    switch f {
    case .forCurrencyOnly(let c):
      o.words("for ")
      o.put(c.code)
      o.words(" payments only")
    case .conditionsNeedPayer: o.words("its conditions read the customer, and the payer is unknown")
    case .conditionFalse(let text):
      o.words("'")
      o.put(text)
      o.words("' is false")
    case .payerNotFound(let methods, let orCustomer):
      o.words("payer not found (by ")
      o.put(methods.map(\.rawValue), separator: ", ")
      if orCustomer { o.words(", or a customer its references name") }
      o.words(")")
    case .noReferenceFound: o.words("no reference found")
    case .ambiguousReference(let r, let invoices):
      o.words("'")
      o.put(r)
      o.words("' could be any of ")
      o.put(invoices, separator: ", ")
    case .noOpenInvoiceNamed(let refs):
      o.words("found ")
      for k in refs.indices {
        if k > 0 { o.words(", ") }
        o.words("'")
        o.put(refs[k])
        o.words("'")
      }
      o.words(", no open invoice")
    case .customerNamed(let r, let c):
      o.words("'")
      o.put(r)
      o.words("' names customer ")
      o.put(c)
    case .customerNamedNotPayer(let r, let c, let p):
      o.words("'")
      o.put(r)
      o.words("' names customer ")
      o.put(c)
      o.words(", but the payer is ")
      o.put(p)
    case .severalOfAmount: o.words("several open invoices have this amount")
    case .noMatch: o.words("no match")
    case .decided(let d): decision(d, into: &o)
    }
  }

  static func decision<S: SentenceSink & ~Copyable>(_ d: CashDecision, into o: inout S) {
    switch d {
    case .chose(let s, let invoices, let open, let difference):
      o.put(strategy(s))
      o.words(": ")
      o.put(invoices, separator: ", ")
      o.words(", open ")
      o.put(money: open)
      if let difference {
        o.words("; ")
        self.difference(difference, into: &o)
      }
    case .namesOtherCurrency(let i, let c):
      o.words("names ")
      o.put(i)
      o.words(" in ")
      o.put(c.code)
    case .namesHeld(let i, let payment):
      o.words("names ")
      o.put(i)
      o.words(", held for payment ")
      o.put(payment)
    case .namesPaid(let i):
      o.words("names ")
      o.put(i)
      o.words(", already paid")
    case .namesTooMany: o.words("names too many invoices")
    case .noMatch: o.words("no match")
    }
  }

  static func difference<S: SentenceSink & ~Copyable>(_ d: CashDifference, into o: inout S) {
    switch d {
    case .discountTaken(let m):
      o.words("paid within the early-payment discount period: ")
      o.put(money: m)
      o.words(" discount taken")
    case .overpaid(let by, let within, let tolerance, let stated):
      o.words("overpaid by ")
      o.put(money: by)
      tolerated(within, tolerance, stated, into: &o)
    case .short(let by, let within, let tolerance, let stated):
      o.words("short by ")
      o.put(money: by)
      tolerated(within, tolerance, stated, into: &o)
    case .shortOfDiscounted(let by, let discounted, let discount, let within, let tolerance, let stated):
      o.words("short by ")
      o.put(money: by)
      o.words(" of the discounted ")
      o.put(money: discounted)
      o.words(" (early-payment discount ")
      o.put(money: discount)
      o.words(")")
      tolerated(within, tolerance, stated, into: &o)
    }
  }

  /// ", within the tolerance of 10.00 USD" and, when the rule's amounts leave out the payment's currency,
  /// " (the rule states amounts in EUR, GBP only)".
  static func tolerated<S: SentenceSink & ~Copyable>(_ within: Bool, _ tolerance: Money, _ stated: [Currency], into o: inout S) {
    o.words(within ? ", within the tolerance of " : ", beyond the tolerance of ")
    o.put(money: tolerance)
    guard !stated.isEmpty else { return }
    o.words(" (the rule states amounts in ")
    o.put(stated.map(\.code), separator: ", ")
    o.words(" only)")
  }

  /// "1,200.00 USD".
  static func money(_ m: Money) -> String { m.formatted(grouping: true) }
}
