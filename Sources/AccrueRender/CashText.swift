import AccrueCore
import AccrueModel

/// The words for cash application's typed values: how invoices were chosen, how the payer was found.
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
}
