/// A statement of a plan about the contract's term (grammar.md §6.8).
public enum ContractTermItem: Sendable {
  /// `term 12 months`: the length of the first term, counted from the contract's start.
  case length(Expr)
  /// `renew automatically for 12 months` (the renewal's length), or `renew never` (nil): the contract ends at the
  /// end of its first term.
  case renew(Expr?)
  /// `notice 30 days`: a notice of non-renewal must arrive this long before a term's end to stop the renewal.
  case notice(Expr)
  /// `minimum commitment 12000.00 USD per term [pro rata]`: a commitment over each term, trued up on the invoice
  /// that closes the term, or (`pro rata`) shared among the term's periods and trued up each period.
  case commitment(Expr, proRata: Bool)

  /// The statement's words, as a diagnostic names it.
  public var words: String {
    switch self {
    case .length: "term"
    case .renew: "renew"
    case .notice: "notice"
    case .commitment: "minimum commitment ... per term"
    }
  }
}
