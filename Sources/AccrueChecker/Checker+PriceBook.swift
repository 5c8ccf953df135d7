import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Price books (grammar.md §6.2): a plan priced in several currencies (`currency USD, EUR`), each amount of its
/// charges, tiers, discounts and fees given once per currency (`[15.00 USD, 14.00 EUR]`), the contract's
/// currency choosing. Nothing is ever converted.
extension CheckerState {
  /// A plan's settings and the context its statements are checked in: the block's currency, or its price book.
  func planContext(_ p: PlanDecl, _ settings: Settings, _ block: String) -> (Settings, Context) {
    var eff = settings
    let book = planPriceBook(p, block: block)
    if let first = book.first { eff.currency = first }
    var ctx = Context()
    ctx.records = [.contract, .customer]
    ctx.settings = eff
    ctx.blockCurrency = book.isEmpty ? eff.currency : nil
    ctx.priceBook = book
    ctx.what = block
    return (eff, ctx)
  }

  /// The currencies of a plan's `currency USD, EUR, ...` (empty when it states one currency or none); a second
  /// currency statement, or a currency listed twice, is reported.
  func planPriceBook(_ p: PlanDecl, block: String) -> [Currency] {
    var book: [Currency] = []
    var first: (span: Span, isList: Bool)?
    for item in p.items {
      // The currency statements in the order written: the later one is the repeat.
      let s: Span
      let list: [Currency]?
      switch item {
      case .currencies(let l, let span): (s, list) = (span, l)
      case .setting(let d): guard case .currency = d.setting else { continue }; (s, list) = (d.span, nil)
      default: continue
      }
      if let f = first {
        // Two plain `currency X` statements are the settings' repeat, reported with the other settings.
        if list != nil || f.isList {
          report(.duplicateSetting, "\(block) states 'currency' twice", at: s, notes: [Note("first stated here", at: f.span)], help: "keep one 'currency' statement")
        }
        continue
      }
      first = (s, list != nil)
      guard let list else { continue }
      var seen: Set<Currency> = []
      for c in list where !seen.insert(c).inserted {
        report(.duplicateSetting, "\(block) lists \(c.code) twice in its currencies", at: s, help: "list each currency once")
      }
      book = list.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
    return book
  }

  /// An amount of a plan priced in several currencies: amounts per currency naming every currency the plan
  /// offers and no other (or money of the contract, in its own currency).
  func checkPriceBookAmount(_ e: Expr, _ got: ValueType, _ ctx: Context, _ what: @autoclosure () -> String) {
    let book = ctx.priceBook
    let offered = book.map(\.code).joined(separator: ", ")
    switch got {
    case .money(.perCurrency(let cs)):
      let missing = book.filter { !cs.contains($0) }
      if !missing.isEmpty {
        let codes = missing.map(\.code).joined(separator: ", ")
        report(
          .currencyMismatch, "\(what()) has no amount in \(codes), and \(ctx.what) is priced in \(offered)", at: e.span,
          help: "add an amount in each currency the plan offers, as in: [\(cs.map { "... \($0.code)" }.joined(separator: ", ")), "
            + missing.map { "... \($0.code)" }.joined(separator: ", ") + "] (Accrue never converts currencies)")
      }
      for c in cs where !book.contains(c) {
        report(
          .currencyMismatch, "\(what()) gives an amount in \(c.code), a currency \(ctx.what) does not offer (it is priced in \(offered))",
          at: e.span, help: "add \(c.code) to the plan's 'currency \(offered)', or remove the amount in \(c.code)")
      }
    case .money(.known(let c)):
      let others = book.filter { $0 != c }.map { "... \($0.code)" }.joined(separator: ", ")
      report(
        .currencyMismatch, "\(what()) is only in \(c.code), and \(ctx.what) is priced in \(offered)", at: e.span,
        help: "give one amount per currency the plan offers: [\(sources[e.span.file].text(e.span)), \(others)]")
    case .money(.dynamic), .error:
      break
    default:
      expectType(e, got, .money(.dynamic), what())
    }
  }
}
