import AccrueCompiler
import AccrueCore
import AccrueModel

extension Billing {
  /// A quantity priced: the amount (before proration and rounding), the unit price when one price applies to
  /// every unit, the steps for `--explain`, and the tiers reached (for `--coverage`).
  typealias Priced = (amount: Fixed, unit: Fixed?, steps: [BillingStep], tiers: [Int])

  /// Prices a quantity under a charge's pricing, after its free units. Nil when the charge has no such price
  /// (a percentage charge, priced per transaction) or a price cannot be read.
  static func price(
    _ ch: CompiledCharge, quantity q: Fixed, env: Env, currency: Currency, firstTierFee: Bool = true
  ) -> Priced? {
    let p = ChargePricing(ch: ch, env: env, currency: currency)
    var steps = BillingSteps(explaining: env.explaining)
    var qty = q
    if let f = ch.free, case .number(let free) = f.eval(env), free > .zero {
      let after = Swift.max(.zero, p.exact(qty.subtracting(free), "\(qty) - \(free)"))
      steps.add(.freeUnits(quantity: qty, free: free, left: after))
      qty = after
    }
    switch ch.pricing {
    case .flat(let e)?, .once(let e)?:
      guard let v = p.money(e) else { return nil }
      steps.add(.fixedPrice(once: ch.isOnce, price: v, currency: currency))
      return (v, nil, steps.list, [])
    case .perUnit(let e)?:
      guard let unit = p.money(e) else { return nil }
      let amt = p.exact(unit.multiplied(by: qty), "\(qty) x \(unit)")
      steps.add(.perUnit(quantity: qty, unitPrice: unit, currency: currency, amount: amt))
      return (amt, unit, steps.list, [])
    case .package(let size, let packPrice)?:
      guard case .number(let s) = size.eval(env), !s.isZero, let price = p.money(packPrice) else { return nil }
      let packs = qty.divided(by: s)?.ceilingInt() ?? 0
      let amt = p.exact(
        qty.divided(by: s)?.ceilingInt().flatMap { Fixed(Int($0)).multiplied(by: price) }, "\(qty) units in packages of \(s) at \(price)")
      steps.add(.packages(quantity: qty, size: s, packages: packs, price: price, amount: amt))
      return (amt, nil, steps.list, [])
    case .tiers(let mode, let tiers)?:
      return p.tiered(mode, tiers, qty, firstTierFee: firstTierFee, &steps)
    case .percentage?, .capacity?, nil:
      return nil
    }
  }

  /// A charge's `minimum`: its line is at least that much each period (before a partial period's proration).
  static func chargeMinimum(_ ch: CompiledCharge, _ amount: Fixed, env: Env, currency: Currency, _ steps: inout BillingSteps) -> Fixed {
    guard let m = ch.minimum, case .money(let floor, let c) = m.eval(env) else { return amount }
    guard c == currency else {
      env.fail("\(ch.name): the minimum is in \(c.code), the plan bills in \(currency.code)", m.span)
      return amount
    }
    guard amount < floor else { return amount }
    steps.add(.raisedToMinimum(amount: amount, minimum: floor))
    return floor
  }
}

/// One charge being priced in the plan's currency: its prices read as amounts, every product kept exact.
struct ChargePricing {
  /// The charge's name and rule (not the whole charge: a copy of it would retain all it holds).
  let name: String
  let source: RuleRef
  let env: Env
  let currency: Currency

  init(ch: CompiledCharge, env: Env, currency: Currency) {
    name = ch.name
    source = ch.source
    self.env = env
    self.currency = currency
  }

  /// A price of the rules; nil (and a failure) when it is in another currency than the plan's.
  func money(_ e: CExpr) -> Fixed? {
    switch e.eval(env) {
    case .money(let v, let c):
      if c != currency {
        env.fail("\(name): the price is in \(c.code), the plan bills in \(currency.code)", e.span)
        return nil
      }
      return v
    default: return nil
    }
  }

  /// `v`, or a failure of the charge's rule when it is too large to represent.
  func exact(_ v: Fixed?, _ what: @autoclosure () -> String) -> Fixed { env.exact(v, source, "charge \(name): " + what()) }

  /// Tiered pricing. No units: the first tier's flat fee alone, unless the rules say 'first tier fee when used'.
  func tiered(
    _ mode: TierMode, _ tiers: [CompiledTier], _ qty: Fixed, firstTierFee: Bool, _ steps: inout BillingSteps
  ) -> Billing.Priced? {
    if qty <= .zero, let first = tiers.first, let ff = first.flatFee {
      guard firstTierFee, let f = money(ff) else {
        steps.add(.noUnitsNoFlatFee)
        return (.zero, nil, steps.list, [])
      }
      steps.add(.noUnitsFirstTierFee(f))
      return (f, nil, steps.list, [0])
    }
    return mode == .graduated ? graduated(tiers, qty, &steps) : volume(tiers, qty, &steps)
  }

  /// Graduated tiers: the units within each tier at that tier's price, plus the flat fee of each tier reached.
  func graduated(_ tiers: [CompiledTier], _ qty: Fixed, _ steps: inout BillingSteps) -> Billing.Priced? {
    var total = Fixed.zero
    var reached: [Int] = []
    for (ti, t) in tiers.enumerated() {
      let upper = t.to.map { Swift.min(qty, $0) } ?? qty
      let units = Swift.max(.zero, upper.subtracting(Self.below(t)) ?? .zero)
      guard units > .zero else { continue }
      reached.append(ti)
      guard let p = money(t.unitPrice) else { return nil }
      var part = exact(units.multiplied(by: p), "\(units) x \(p)")
      var flat: Fixed?
      if let ff = t.flatFee, let f = money(ff) {
        part = exact(part.adding(f), "\(part) + \(f)")
        flat = f
      }
      total = exact(total.adding(part), "the tiers' total")
      steps.add(.graduatedTier(from: t.from, to: t.to, units: units, unitPrice: p, flatFee: flat, amount: part))
    }
    steps.add(.graduatedTotal(total))
    return (total, nil, steps.list, reached)
  }

  /// Volume tiers: every unit at the price of the tier the quantity reaches, plus that tier's flat fee.
  func volume(_ tiers: [CompiledTier], _ qty: Fixed, _ steps: inout BillingSteps) -> Billing.Priced? {
    guard qty > .zero else {
      steps.add(.noUnits)
      return (.zero, nil, steps.list, [])
    }
    let hit = tiers.firstIndex { t in qty > Self.below(t) && (t.to.map { qty <= $0 } ?? true) } ?? tiers.count - 1
    guard hit >= 0, let p = money(tiers[hit].unitPrice) else { return nil }
    var amt = exact(qty.multiplied(by: p), "\(qty) x \(p)")
    let t = tiers[hit]
    var flat: Fixed?
    if let ff = t.flatFee, let f = money(ff) {
      amt = exact(amt.adding(f), "\(amt) + \(f)")
      flat = f
    }
    steps.add(.volumeTier(from: t.from, to: t.to, quantity: qty, unitPrice: p, flatFee: flat, amount: amt))
    return (amt, p, steps.list, [hit])
  }

  /// The quantity below a tier: a tier `from N` holds the units above N - 1 (the first tier, from 0, all of them).
  static func below(_ t: CompiledTier) -> Fixed { t.from.isZero ? Fixed.zero : (t.from.subtracting(Fixed(1)) ?? .zero) }
}

extension CompiledCharge {
  /// Whether the charge is billed once, on the contract's first invoice.
  var isOnce: Bool {
    if case .once? = pricing { return true }
    return false
  }
}
