import AccrueCore
import AccrueModel
import AccrueParser

/// Price books (grammar.md §6.2): a plan priced in several currencies is compiled once per currency, each copy
/// billing in its currency and taking that currency's amount of every amounts-per-currency price. Copies after
/// the first follow the declared plans in `ExecutablePlan.plans`; a contract's currency picks its copy
/// (`ExecutablePlan.plan(_:in:)`), so billing, collections and cash see a plan of one currency.
extension CompiledPlanSpec {
  /// This plan billing in `c`: its currency `c`, every price, fee, minimum and discount amount given per currency
  /// read in `c` (a record in a currency the list does not name stops the run there, as amounts per currency do).
  func pricedIn(_ c: Currency) -> CompiledPlanSpec {
    var s = self
    s.currency = c
    s.charges = charges.map { $0.pricedIn(c) }
    s.discounts = discounts.map { $0.pricedIn(c) }
    s.minimum = minimum.map { $0.pricedIn(c) }
    s.contractTerm?.commitment = contractTerm?.commitment.map { $0.pricedIn(c) }
    s.phases = phases.map { ph in
      var p = ph
      p.charges = ph.charges.mapValues { $0.pricedIn(c) }
      p.discounts = ph.discounts.map { $0.pricedIn(c) }
      p.minimum = ph.minimum.map { $0.pricedIn(c) }
      return p
    }
    if let (fixed, percent) = lateFee { s.lateFee = (fixed.map { $0.pricedIn(c) }, percent) }
    s.serviceCredits = serviceCredits.map { sc in
      var out = sc
      out.maximum = sc.maximum?.pricedIn(c)
      return out
    }
    return s
  }
}

extension CompiledPlanSpec {
  /// The copies of each price book (`books`: the plan's index and its spec as declared) in its second and later
  /// currencies, appended to `plans` after the declared plans; per plan name, the index of each currency's copy.
  static func priceBookCopies(_ books: [(index: Int, spec: CompiledPlanSpec)], appendingTo plans: inout [CompiledPlanSpec]) -> [String: [Currency: Int]] {
    var copies: [String: [Currency: Int]] = [:]
    for (index, spec) in books {
      copies[spec.name] = [spec.priceBook[0]: index]
      for c in spec.priceBook.dropFirst() {
        var copy = spec.pricedIn(c)
        copy.copyOf = index
        copies[spec.name]![c] = plans.count
        plans.append(copy)
      }
    }
    return copies
  }
}

extension CompiledCharge {
  func pricedIn(_ c: Currency) -> CompiledCharge {
    var ch = self
    switch pricing {
    case .flat(let e)?: ch.pricing = .flat(e.pricedIn(c))
    case .once(let e)?: ch.pricing = .once(e.pricedIn(c))
    case .perUnit(let e)?: ch.pricing = .perUnit(e.pricedIn(c))
    case .package(let size, let price)?: ch.pricing = .package(size: size, price: price.pricedIn(c))
    case .tiers(let mode, let tiers)?:
      ch.pricing = .tiers(mode, tiers.map { CompiledTier(from: $0.from, to: $0.to, unitPrice: $0.unitPrice.pricedIn(c), flatFee: $0.flatFee?.pricedIn(c)) })
    case .percentage(let rate, let fee, let minimum, let maximum)?:
      ch.pricing = .percentage(rate: rate, fixedFee: fee?.pricedIn(c), minimum: minimum?.pricedIn(c), maximum: maximum?.pricedIn(c))
    case .capacity(let tiers)?: ch.pricing = .capacity(tiers.map { $0.pricedIn(c) })
    case nil: break
    }
    ch.freeAmount = freeAmount?.pricedIn(c)
    ch.minimum = minimum?.pricedIn(c)
    ch.discounts = discounts.map { $0.pricedIn(c) }
    return ch
  }
}

extension CompiledDiscount {
  func pricedIn(_ c: Currency) -> CompiledDiscount {
    var d = self
    d.amount = amount.pricedIn(c)
    return d
  }
}

extension CExpr {
  /// This expression with amounts per currency read in `c`; any other value as it is.
  func pricedIn(_ c: Currency) -> CExpr {
    let inner = eval
    let span = span
    var t = type
    if case .money(.perCurrency) = type { t = .money(.known(c)) }
    return CExpr(
      eval: { env in
        let v = inner(env)
        if case .list(let xs) = v, Arith.isTable(v) { return Arith.select(xs, c, env, span) }
        return v
      }, resolved: resolved, span: span, type: t)
  }
}

extension ExecutablePlan {
  /// The plan a contract of plan `index` in `currency` bills on: the plan itself, or for a price book the copy in
  /// that currency (nil when the price book has no price in it; a plan of one currency is returned as it is,
  /// its currency compared by the caller).
  public func plan(_ index: Int, in currency: Currency?) -> Int? {
    let book = plans[index].priceBook
    guard !book.isEmpty else { return index }
    guard let c = currency else { return nil }
    return priceBookCopies[plans[index].name]?[c]
  }
}
