import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel

extension Parser {
  // MARK: - Plans

  static let planWords: KeywordList = [
    .currency, .rounding, .month, .first, .zero, .period, .bill, .align, .trial, .phase, .charge, .discount, .minimum, .tax,
    .payment, .early, .late, .interest, .cancellation, .service, .term, .renew, .notice,
    .upgrade, .downgrade,
  ]
  static let phaseWords: KeywordList = [.charge, .discount, .free, .minimum]
  static let chargeWords: KeywordList = [
    .flat, .once, .per, .tiers, .package, .percentage, .quantity, .usage, .free, .bill, .prorate, .discount, .minimum,
    .milestone, .period, .align, .capacity,
  ]

  /// `plan name ["label"] { ... }`.
  mutating func parsePlan() -> PlanDecl? {
    let start = advance()
    guard let name = parseName("a plan name") else { return nil }
    let label = optionalLabel()
    let items = block("plan", words: Self.planWords, opener: start) { $0.parsePlanItem() }
    return PlanDecl(name: name, label: label, items: items, span: span(from: start))
  }

  /// `currency USD` (a setting) or, in a plan, `currency USD, EUR, ...`: the currencies its price book offers.
  mutating func parsePlanCurrency() -> PlanItem? {
    let start = advance()
    guard let first = parseCurrencyCode() else { return nil }
    guard eat(.comma) != nil else { return .setting(SettingDecl(setting: .currency(first), span: span(from: start))) }
    var list = [first]
    repeat {
      guard let c = parseCurrencyCode() else { return nil }
      list.append(c)
    } while eat(.comma) != nil
    return .currencies(list, span(from: start))
  }

  mutating func parsePlanItem() -> PlanItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    switch k {
    case .currency:
      return parsePlanCurrency()
    case .rounding, .month, .first, .zero:
      return parseSetting().map { .setting($0) }
    case .period:
      _ = advance()
      return parsePeriod().map { .period($0, span(from: s)) }
    case .bill:
      _ = advance()
      if atWord(.early) { return parseThreshold(from: s) }  // Parser+Threshold
      return parseBillTiming().map { .billTiming($0, span(from: s)) }
    case .align:
      _ = advance()
      guard expectWord(.to, after: "'align'") != nil,
        let a = expectOneOf([.calendar, .anniversary], after: "'align to'")
      else { return nil }
      return .align(a == .calendar ? .calendar : .anniversary, span(from: s))
    case .trial:
      _ = advance()
      let e = parseExpr()
      // How the trial meets the billing cycle: `prorated` (the default) or `then new cycle`.
      if eatWord(.prorated) != nil { return .trial(e, newCycle: false, span(from: s)) }
      if eatWord(.then) != nil {
        guard expectWord(.new, after: "'then'") != nil, expectWord(.cycle, after: "'then new'") != nil else { return nil }
        return .trial(e, newCycle: true, span(from: s))
      }
      return .trial(e, newCycle: false, span(from: s))
    case .phase:
      return parsePhase().map { .phase($0) }
    case .charge:
      return parseCharge().map { .charge($0) }
    case .discount:
      return parseDiscount(allowCharge: true).map { .discount($0) }
    case .minimum:
      _ = advance()
      guard expectWord(.commitment, after: "'minimum'") != nil else { return nil }
      let e = parseExpr()
      if eatWord(.per) != nil { return parseCommitmentPer(e, from: s) }
      return .minimum(e, span(from: s))
    case .tax:
      return parseTax().map { .tax($0) }
    case .payment:
      _ = advance()
      guard expectWord(.terms, after: "'payment'") != nil else { return nil }
      guard let terms = parseTerms() else { return nil }
      return .terms(terms, when: eatWord(.when) != nil ? parseExpr() : nil, span(from: s))
    case .early:
      _ = advance()
      guard expectWord(.payment, after: "'early'") != nil, expectWord(.discount, after: "'early payment'") != nil else {
        return nil
      }
      let rate = parseExpr()
      guard expectWord(.within, after: "the early-payment discount rate") != nil else { return nil }
      let within = parseExpr()
      return .earlyDiscount(rate: rate, within: within, when: eatWord(.when) != nil ? parseExpr() : nil, span(from: s))
    case .late:
      return parseLateFee().map { .lateFee($0) }
    case .interest:
      return parseInterest().map { .interest($0) }
    case .cancellation:
      _ = advance()
      return parseCancellation().map { .cancellation($0, span(from: s)) }
    case .service:
      return parseServiceCredit().map { .serviceCredit($0) }
    case .term, .renew, .notice:
      return parseContractTerm()
    case .upgrade, .downgrade:
      return parsePlanChange()  // Parser+PlanChange
    default:
      return nil
    }
  }

  /// After `cancellation`: `at end of period`, `immediately with prorated credit` or `immediately without credit`.
  mutating func parseCancellation() -> CancellationPolicy? {
    // Neither form started: name all three, the way a policy document would read.
    guard atWord(.at) || atWord(.immediately) || cur.kind == .identifier else {
      error(
        .expectedToken, "expected a cancellation policy after 'cancellation', found \(describe(cur))", cur,
        help: "write 'cancellation at end of period', 'cancellation immediately with prorated credit' or 'cancellation immediately without credit'")
      return nil
    }
    guard let k = expectOneOf([.at, .immediately], after: "'cancellation'") else { return nil }
    if k == .at {
      guard expectWord(.end, after: "'cancellation at'") != nil, expectWord(.of, after: "'cancellation at end'") != nil,
        expectWord(.period, after: "'cancellation at end of'") != nil
      else { return nil }
      return .endOfPeriod
    }
    guard atWord(.with) || atWord(.without) || cur.kind == .identifier else {
      error(
        .expectedToken, "expected 'with' or 'without' after 'cancellation immediately', found \(describe(cur))", cur,
        help: "say whether the unused days come back: 'cancellation immediately with prorated credit' or 'cancellation immediately without credit'")
      return nil
    }
    guard let w = expectOneOf([.with, .without], after: "'cancellation immediately'") else { return nil }
    if w == .with {
      // The one credit Accrue gives is prorated by days: say so, and show the words.
      guard atWord(.prorated) else {
        error(
          .expectedToken, "expected 'prorated' after 'cancellation immediately with', found \(describe(cur))", cur,
          help: "the credit is for the unused days: write 'cancellation immediately with prorated credit'",
          fix: FixIt("write 'prorated credit'", edits: [Edit(span(cur), atWord(.credit) ? "prorated credit" : "prorated")]))
        return nil
      }
      _ = advance()
      guard expectWord(.credit, after: "'immediately with prorated'") != nil else { return nil }
      return .immediateProratedCredit
    }
    guard expectWord(.credit, after: "'immediately without'") != nil else { return nil }
    return .immediateNoCredit
  }

  /// `weekly | monthly | quarterly | semiannual | annual | every N weeks | every N months`.
  mutating func parsePeriod() -> PeriodSpec? {
    if let k = expectOneOf([.weekly, .monthly, .quarterly, .semiannual, .annual, .every], after: "'period'") {
      switch k {
      case .weekly: return .weeks(1)
      case .monthly: return .months(1)
      case .quarterly: return .months(3)
      case .semiannual: return .months(6)
      case .annual: return .months(12)
      default:
        guard let n = parseWholeNumber("how many weeks or months, as in 'every 2 months'") else { return nil }
        guard let unit = expectOneOf([.weeks, .months], after: "'every \(n)'") else { return nil }
        return unit == .weeks ? .weeks(n) : .months(n)
      }
    }
    return nil
  }

  /// A whole number literal between 1 and 10,000.
  mutating func parseWholeNumber(_ what: String) -> Int? {
    guard at(.number) else {
      // A number written as a word ("three"): the digits, with the fix.
      if let n = Parser.numberWords[text(cur).lowercased()] {
        error(
          .expectedToken, "expected \(what), found \(describe(cur))", cur, help: "write the number in digits: '\(n)'",
          fix: FixIt("replace '\(text(cur))' with '\(n)'", edits: [Edit(span(cur), "\(n)")]))
      } else {
        error(.expectedToken, "expected \(what), found \(describe(cur))", cur, help: "write a whole number in digits, such as 3")
      }
      return nil
    }
    let t = advance()
    guard let v = Fixed(text(t)), v.isInteger, let i = v.toInt64(), i >= 1, i <= 10_000 else {
      error(.valueOutOfRange, "expected a whole number from 1 to 10000, found '\(text(t))'", t)
      return nil
    }
    return Int(i)
  }

  /// Numbers people write as words, for the help of a number written so.
  static let numberWords: [String: Int] = [
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90, "hundred": 100,
  ]

  /// `in advance` / `in arrears`.
  mutating func parseBillTiming() -> BillTiming? {
    // "bill monthly in advance", as one says it: the period is a statement of its own.
    for k in [Keyword.weekly, .monthly, .quarterly, .semiannual, .annual] where atWord(k) {
      let word = text(cur)
      error(
        .expectedToken, "expected 'in' after 'bill', found '\(word)'", cur,
        help: "the billing period is a statement of its own: write 'period \(word)' on one line and 'bill in advance' (or 'bill in arrears') on the next")
      return nil
    }
    guard expectWord(.in, after: "'bill'") != nil else { return nil }
    guard let k = expectOneOf([.advance, .arrears], after: "'bill in'") else { return nil }
    return k == .advance ? .advance : .arrears
  }

  /// `phase name ["label"] for DURATION { ... }`.
  mutating func parsePhase() -> PhaseDecl? {
    let start = advance()
    guard let name = parseName("a phase name") else { return nil }
    let label = optionalLabel()
    guard expectWord(.for, after: "the phase name") != nil else { return nil }
    let duration = parseExpr()
    let items = block("phase", words: Self.phaseWords, opener: start) { p -> PlanItem? in
      let s = p.cur
      switch p.cur.symbol.keyword {
      case .charge: return p.parseCharge().map { .charge($0) }
      case .discount: return p.parseDiscount(allowCharge: true).map { .discount($0) }
      case .free:
        _ = p.advance()
        return .free(p.span(from: s))
      default:
        _ = p.advance()
        guard p.expectWord(.commitment, after: "'minimum'") != nil else { return nil }
        let e = p.parseExpr()
        if p.eatWord(.per) != nil { return p.parseCommitmentPer(e, from: s) }
        return .minimum(e, p.span(from: s))
      }
    }
    return PhaseDecl(name: name, label: label, duration: duration, items: items, span: span(from: start))
  }

  /// `charge name ["label"] { ... }`.
  mutating func parseCharge() -> ChargeDecl? {
    let start = advance()
    guard let name = parseName("a charge name") else { return nil }
    let label = optionalLabel()
    let items = block("charge", words: Self.chargeWords, opener: start) { $0.parseChargeItem() }
    return ChargeDecl(name: name, label: label, items: items, span: span(from: start))
  }

  mutating func parseChargeItem() -> ChargeItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    switch k {
    case .flat:
      _ = advance()
      return .pricing(.flat(parseExpr()), span(from: s))
    case .once:
      _ = advance()
      return .pricing(.once(parseExpr()), span(from: s))
    case .per:
      _ = advance()
      guard expectWord(.unit, after: "'per'") != nil else { return nil }
      return .pricing(.perUnit(parseExpr()), span(from: s))
    case .tiers:
      _ = advance()
      guard let m = expectOneOf([.graduated, .volume], after: "'tiers'") else { return nil }
      let tiers: [Tier] = block("tier list", words: [], opener: s) { $0.parseTier() }
      return .pricing(.tiers(m == .graduated ? .graduated : .volume, tiers), span(from: s))
    case .capacity:
      return parseCapacityTiers()  // Parser+Capacity
    case .package:
      _ = advance()
      let size = parseExpr()
      guard expectWord(.at, after: "the package size") != nil else { return nil }
      let price = parseExpr()
      return .pricing(.package(size: size, price: price), span(from: s))
    case .percentage:
      _ = advance()
      let rate = parseExpr()
      var spec = PercentageSpec(rate: rate, fixedFee: nil, minimum: nil, maximum: nil, span: span(s))
      if eatWord(.plus) != nil {
        spec.fixedFee = parseExpr()
        guard expectWord(.per, after: "the per-transaction fee") != nil,
          expectWord(.transaction, after: "'per'") != nil
        else { return nil }
      }
      if eatWord(.minimum) != nil { spec.minimum = parseExpr() }
      if eatWord(.maximum) != nil { spec.maximum = parseExpr() }
      spec.span = span(from: s)
      return .pricing(.percentage(spec), spec.span)
    case .quantity:
      _ = advance()
      return .quantity(parseExpr(), span(from: s))
    case .usage:
      _ = advance()
      guard let m = parseName("the metric name after 'usage'") else { return nil }
      return .usage(m, span(from: s))
    case .free:
      _ = advance()
      return .free(parseExpr(), span(from: s))
    case .bill:
      _ = advance()
      return parseBillTiming().map { .billTiming($0, span(from: s)) }
    case .prorate:
      _ = advance()
      guard let k = expectOneOf([.by, .none], after: "'prorate'") else { return nil }
      if k == .by { guard expectWord(.days, after: "'prorate by'") != nil else { return nil } }
      return .prorate(k == .by, span(from: s))
    case .discount:
      return parseDiscount(allowCharge: false).map { .discount($0) }
    case .minimum:
      _ = advance()
      return .minimum(parseExpr(), span(from: s))
    case .milestone:
      _ = advance()
      return parseStringLit("the milestone's name in quotes, as in: milestone \"go-live\"").map { .milestone($0, span(from: s)) }
    case .period:
      _ = advance()
      return parsePeriod().map { .period($0, span(from: s)) }
    case .align:
      _ = advance()
      guard expectWord(.to, after: "'align'") != nil,
        let a = expectOneOf([.calendar, .anniversary], after: "'align to'")
      else { return nil }
      return .align(a == .calendar ? .calendar : .anniversary, span(from: s))
    default:
      return nil
    }
  }

  /// `FROM to TO at PRICE [plus flat FEE]` or `FROM and above at PRICE [plus flat FEE]`.
  mutating func parseTier() -> Tier? {
    let s = cur
    guard let from = parseTierBound() else { return nil }
    var to: (Fixed, Span)?
    if eatWord(.to) != nil {
      guard let b = parseTierBound() else { return nil }
      to = b
    } else if eatWord(.and) != nil {
      guard expectWord(.above, after: "'and'") != nil else { return nil }
    } else {
      error(.expectedToken, "expected 'to' or 'and above' after the tier's first quantity, found \(describe(cur))", cur)
      return nil
    }
    guard expectWord(.at, after: "the tier's quantities") != nil else { return nil }
    let price = parseExpr()
    var flat: Expr?
    if eatWord(.plus) != nil {
      guard expectWord(.flat, after: "'plus'") != nil else { return nil }
      flat = parseExpr()
    }
    return Tier(from: from.0, fromSpan: from.1, to: to?.0, toSpan: to?.1, unitPrice: price, flatFee: flat, span: span(from: s))
  }

  mutating func parseTierBound() -> (Fixed, Span)? {
    guard at(.number) else {
      error(.expectedToken, "expected a quantity, found \(describe(cur))", cur)
      return nil
    }
    let t = advance()
    guard let v = numberValue(t) else { return nil }
    _ = eatWord(.units) ?? eatWord(.unit)
    return (v, span(t))
  }

  /// `discount ["label"] AMOUNT [on charge NAME] [for N periods | until DATE | forever] [when COND]`.
  mutating func parseDiscount(allowCharge: Bool) -> DiscountSpec? {
    let s = advance()
    let label = optionalLabel()
    let amount = parseExpr()
    var charge: Name?
    if allowCharge, eatWord(.on) != nil {
      guard expectWord(.charge, after: "'on'") != nil, let n = parseName("a charge name") else { return nil }
      charge = n
    }
    var duration = DiscountDuration.forever
    if eatWord(.for) != nil {
      let n = parseExpr()
      guard expectOneOf([.periods, .period], after: "the number of periods") != nil else { return nil }
      duration = .periods(n)
    } else if eatWord(.until) != nil {
      duration = .until(parseExpr())
    } else {
      _ = eatWord(.forever)
    }
    var cond: Expr?
    if eatWord(.when) != nil { cond = parseExpr() }
    return DiscountSpec(label: label, amount: amount, charge: charge, duration: duration, condition: cond, span: span(from: s))
  }

  /// `tax ["label"] RATE exclusive|inclusive [when COND]`.
  mutating func parseTax() -> TaxSpec? {
    let s = advance()
    let label = optionalLabel()
    let rate = parseExpr()
    guard let m = expectOneOf([.exclusive, .inclusive], after: "the tax rate") else { return nil }
    var cond: Expr?
    if eatWord(.when) != nil { cond = parseExpr() }
    return TaxSpec(label: label, rate: rate, mode: m == .exclusive ? .exclusive : .inclusive, condition: cond, span: span(from: s))
  }

  /// Payment terms after `payment terms`.
  mutating func parseTerms() -> PaymentTerms? {
    guard let k = expectOneOf([.due, .net, .end, .day, .installments], after: "'payment terms'") else { return nil }
    switch k {
    case .due:
      guard expectWord(.on, after: "'due'") != nil, expectWord(.receipt, after: "'due on'") != nil else { return nil }
      return .dueOnReceipt
    case .net:
      let n = parseExpr()
      if eatWord(.end) != nil {
        guard expectWord(.of, after: "'end'") != nil, expectWord(.month, after: "'end of'") != nil else { return nil }
        return .netEndOfMonth(n)
      }
      return .net(n)
    case .end:
      guard expectWord(.of, after: "'end'") != nil, expectWord(.month, after: "'end of'") != nil else { return nil }
      return .endOfMonth
    case .day:
      let d = parseUnary()  // one value: 'of' here is part of the statement, not percent-of
      guard expectWord(.of, after: "the day of the month") != nil, expectWord(.next, after: "'of'") != nil,
        expectWord(.month, after: "'of next'") != nil
      else { return nil }
      return .dayOfNextMonth(d)
    default:
      let open = cur
      let parts: [Installment] = block("installment list", words: [], opener: open) { p -> Installment? in
        let s = p.cur
        let share = p.parseExpr()
        guard p.expectWord(.net, after: "the installment's share") != nil else { return nil }
        let after = p.parseExpr()
        return Installment(share: share, after: after, span: p.span(from: s))
      }
      return .installments(parts)
    }
  }

  /// `late fee [AMOUNT] [plus PERCENT]`.
  mutating func parseLateFee() -> LateFeeSpec? {
    let s = advance()
    guard expectWord(.fee, after: "'late'") != nil else { return nil }
    var spec = LateFeeSpec(fixed: nil, percent: nil, span: span(s))
    if !at(.newline), !at(.rbrace), !at(.eof) {
      let first = parseExpr()
      if eatWord(.plus) != nil {
        spec.fixed = first
        spec.percent = parseExpr()
      } else if case .percent = first.kind {
        spec.percent = first
      } else {
        spec.fixed = first
      }
    }
    spec.span = span(from: s)
    return spec
  }

  /// `interest [RATE per year|month [DAYCOUNT]]`.
  mutating func parseInterest() -> InterestSpec? {
    let s = advance()
    var spec = InterestSpec(rate: nil, dayCount: nil, span: span(s))
    if !at(.newline), !at(.rbrace), !at(.eof) {
      spec.rate = parseExpr()
      guard expectWord(.per, after: "the interest rate") != nil, let per = expectOneOf([.year, .month], after: "'per'") else { return nil }
      spec.per = per == .month ? .month : .year
      if !at(.newline), !at(.rbrace), !at(.eof) {
        guard let dc = parseDayCount() else { return nil }
        spec.dayCount = dc
      }
    }
    spec.span = span(from: s)
    return spec
  }

  /// `actual/365`, `actual/360`, `30/360`, `actual/actual`.
  mutating func parseDayCount() -> DayCount? {
    let s = cur
    var parts: [String] = []
    for i in 0..<3 {
      let t = peek(i)
      parts.append(text(t))
    }
    let joined = parts.joined()
    if let dc = DayCount(rawValue: joined), peek(1).kind == .slash {
      _ = advance()
      _ = advance()
      _ = advance()
      return dc
    }
    error(.expectedToken, "expected a day count (actual/365, actual/360, 30/360 or actual/actual), found \(describe(s))", s)
    return nil
  }
}
