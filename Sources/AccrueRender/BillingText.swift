import AccrueCore
import AccrueModel

/// Billing in words: what an invoice line's charge column says.
public enum BillingText {
  /// The `charge` an output prints for a line: the charge's name; `discount:` and the label for a discount;
  /// `minimum` for the minimum commitment's true-up.
  public static func chargeColumn(_ l: InvoiceLine) -> String {
    switch l.kind {
    case .charge, .usage, .credit: l.charge ?? ""
    case .discount(let label): "discount:" + (label ?? "discount")
    case .minimumTrueUp: "minimum"
    }
  }
}
