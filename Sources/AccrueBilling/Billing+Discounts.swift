import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

extension Billing {
  /// Which discounts `discountLines` takes: percentages of lines, or amounts off.
  enum DiscountKind { case percent, amount }

  /// The discount lines of an invoice: first every percentage discount, a share of the charge lines it covers;
  /// then every amount discount, at most what is left of the lines it covers (charges, less the discounts
  /// already taken on them), so an invoice never goes below zero. Each line is rounded signed, as it is printed
  /// (with `ceiling`, -0.121 is -0.12).
  static func discountLines(
    _ spec: CompiledPlanSpec, _ c: ContractData, _ t: BillTask, _ lines: [InvoiceLine], _ env: Env, only: DiscountKind? = nil
  ) -> [InvoiceLine] {
    // A plan without discounts (of its own, its phases' or its charges'): none to work out (its trial, which
    // the phase in effect reads, evaluated all the same).
    if spec.discounts.isEmpty && spec.phases.isEmpty && spec.charges.allSatisfy({ $0.discounts.isEmpty }) {
      _ = trialEnd(spec, c, env)
      return []
    }
    let currency = spec.currency
    // The plan's discounts, then those of the phase in effect on the billing date, then the charges' (each naming
    // its charge): those whose condition and duration hold, with their values (no list of them all made first).
    var applying: [(CompiledDiscount, RValue)] = []
    func consider(_ d: CompiledDiscount) {
      if let cond = d.condition, !cond.eval(env).isTrue { return }
      switch d.duration {
      case .forever: break
      case .periods(let n):
        guard case .number(let k) = n.eval(env), Fixed(t.periodNumber) < k else { return }
      case .until(let e):
        guard case .date(let until) = e.eval(env), t.date <= until else { return }
      }
      applying.append((d, d.amount.eval(env)))
    }
    let phase = phaseWindows(spec, c, env).first { t.date >= $0.0 && t.date < $0.1 }?.2
    for d in spec.discounts { consider(d) }
    for d in phase?.discounts ?? [] { consider(d) }
    for ch in spec.charges where !ch.discounts.isEmpty {
      for d in ch.discounts {
        var x = d
        x.charge = ch.name
        consider(x)
      }
    }
    if applying.isEmpty { return [] }
    // Percentages first, then amounts (grammar.md: order of operations), each kind in rule order.
    applying = applying.filter { if case .percent = $0.1 { return only != .amount } else { return false } }
      + applying.filter { if case .percent = $0.1 { return false } else { return only != .percent } }
    var out: [InvoiceLine] = []
    /// The discount lines taken so far, with the charge each covers (nil: the whole invoice).
    var taken: [(charge: String?, amount: Fixed)] = []
    for (d, value) in applying {
      func exact(_ v: Fixed?, _ what: @autoclosure () -> String) -> Fixed { env.exact(v, d.source, what()) }
      func round(_ v: Fixed) -> Fixed { exact(v.rounded(places: currency.minorUnits, spec.rounding), "\(v) rounded") }
      // (Lines read in place: `filter` and `reduce` copied each, retaining all it holds.)
      var base = Fixed.zero
      for i in lines.indices where d.charge == nil || lines[i].charge == d.charge {
        base = exact(base.adding(lines[i].amount), "the lines the discount covers")
      }
      guard base > .zero else { continue }
      var line: Fixed
      var step: BillingStep
      switch value {
      case .percent(let r):
        line = round(exact(exact(base.multiplied(by: r), "\(base) x \(RValue.percent(r))").negated, "the discount"))
        step = .percentDiscount(rule: d.source, rate: r, base: base, amount: line, rounding: spec.rounding)
      case .money(let v, _):
        // What is left of the covered lines after the discounts already taken on them, and never more than what
        // is left of the whole invoice.
        var all = Fixed.zero
        for i in lines.indices { all = exact(all.adding(lines[i].amount), "the invoice's lines") }
        let invoiceLeft = taken.reduce(all) { exact($0.adding($1.amount), "the invoice's lines") }
        let chargeLeft = taken.filter { $0.charge != nil && $0.charge == d.charge }.reduce(base) { exact($0.adding($1.amount), "the charge's lines") }
        let left = Swift.max(.zero, d.charge == nil ? invoiceLeft : Swift.min(chargeLeft, invoiceLeft))
        line = round(exact(Swift.min(v, left).negated, "the discount"))
        step = .amountDiscount(rule: d.source, value: v, currency: currency, left: left, amount: line, rounding: spec.rounding)
      default: continue
      }
      guard !line.isZero else { continue }
      taken.append((d.charge, line))
      out.append(
        InvoiceLine(
          description: (d.label ?? "Discount") + (d.charge.map { " on \($0)" } ?? ""), kind: .discount, charge: d.label,
          quantity: nil, unitPrice: nil, amount: line, periodStart: lines[0].periodStart, periodEnd: lines[0].periodEnd, rule: d.source,
          explanation: env.explaining ? [step] : []))
    }
    return out
  }
}
