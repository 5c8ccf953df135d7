import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel

/// Cadences, their steps and match rules (grammar.md §7, §8).
extension Parser {
  // MARK: - Cadences

  static let cadenceWords: KeywordList = [
    .currency, .rounding, .month, .applies, .calendar, .one, .minimum, .pause, .send, .step,
  ]
  static let stepWords: KeywordList = [.when, .send, .create, .escalate, .suspend, .late, .interest, .propose, .hand]

  /// `cadence name ["label"] { ... }`.
  mutating func parseCadence() -> CadenceDecl? {
    let start = advance()
    guard let name = parseName("a cadence name") else { return nil }
    let label = optionalLabel()
    let items = block("cadence", words: Self.cadenceWords, opener: start) { $0.parseCadenceItem() }
    return CadenceDecl(name: name, label: label, items: items, span: span(from: start))
  }

  mutating func parseCadenceItem() -> CadenceItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    switch k {
    case .currency, .rounding, .month:
      return parseSetting().map { .setting($0) }
    case .applies:
      _ = advance()
      guard expectWord(.when, after: "'applies'") != nil else { return nil }
      return .applies(parseExpr(), span(from: s))
    case .calendar:
      _ = advance()
      guard let n = parseName("a calendar name") else { return nil }
      return .calendar(n, span(from: s))
    case .one:
      _ = advance()
      guard expectWord(.reminder, after: "'one'") != nil, expectWord(.per, after: "'one reminder'") != nil,
        expectWord(.customer, after: "'one reminder per'") != nil
      else { return nil }
      return .onePerCustomer(span(from: s))
    case .minimum:
      _ = advance()
      guard expectWord(.gap, after: "'minimum'") != nil else { return nil }
      return .minimumGap(parseExpr(), span(from: s))
    case .send:
      _ = advance()
      guard expectWord(.on, after: "'send'") != nil, let k = expectOneOf([.business, .any], after: "'send on'") else { return nil }
      if k == .business {
        guard expectWord(.days, after: "'business'") != nil else { return nil }
      } else {
        guard expectWord(.day, after: "'any'") != nil else { return nil }
      }
      return .sendOn(businessDays: k == .business, span(from: s))
    case .pause:
      _ = advance()
      if eatWord(.when) != nil { return .pause(.when(parseExpr()), span(from: s)) }
      guard expectWord(.on, after: "'pause'") != nil else { return nil }
      guard let r = expectOneOf([.dispute, .promise, .payment, .credit], after: "'pause on'") else { return nil }
      switch r {
      case .dispute: return .pause(.dispute, span(from: s))
      case .promise:
        guard expectWord(.to, after: "'promise'") != nil, expectWord(.pay, after: "'promise to'") != nil else { return nil }
        return .pause(.promiseToPay, span(from: s))
      case .payment:
        guard expectWord(.plan, after: "'payment'") != nil else { return nil }
        return .pause(.paymentPlan, span(from: s))
      default:
        guard expectWord(.hold, after: "'credit'") != nil else { return nil }
        return .pause(.creditHold, span(from: s))
      }
    case .step:
      return parseStep().map { .step($0) }
    default:
      return nil
    }
  }

  /// `step name ["label"] TIMING { ... }`.
  mutating func parseStep() -> StepDecl? {
    let start = advance()
    guard let name = parseName("a step name") else { return nil }
    let label = optionalLabel()
    let ts = cur
    var timing: StepTiming
    if eatWord(.on) != nil {
      guard expectWord(.due, after: "'on'") != nil else { return nil }
      _ = eatWord(.date)
      timing = StepTiming(offset: nil, relation: .on, span: span(from: ts))
    } else {
      if at(.lbrace) || at(.newline) {
        error(
          .expectedToken, "expected when the step falls, such as '7 days after due', found \(describe(cur))", cur,
          help: "write 'N days before due', 'on due' or 'N days after due' after the step name")
        return nil
      }
      if atWord(.before) || atWord(.after) {
        // Written the way one says it ("after 3 weeks"): the offset comes first in the rule.
        let word = advance()
        let offsetStart = cur
        var help = "the offset comes first: write 'N days \(text(word)) due'"
        var fix: FixIt?
        if !(at(.lbrace) || at(.newline) || at(.eof)) {
          _ = parseExpr()
          let offset = span(from: offsetStart)
          let written = file.text(offset)
          help = "the offset comes first: write '\(written) \(text(word)) due'"
          let whole = Span(file: file.id, start: word.start, end: offset.end)
          fix = FixIt("write '\(written) \(text(word)) due'", edits: [Edit(whole, "\(written) \(text(word)) due")])
        }
        error(.expectedToken, "expected when the step falls, such as '7 days after due', found '\(text(word))'", word, help: help, fix: fix)
        return nil
      }
      let off = parseExpr()
      guard let r = expectOneOf([.before, .after], after: "the step's offset") else { return nil }
      guard expectWord(.due, after: "'\(r.spelling)'") != nil else { return nil }
      _ = eatWord(.date)
      timing = StepTiming(offset: off, relation: r == .before ? .before : .after, span: span(from: ts))
    }
    let items = block("step", words: Self.stepWords, opener: start) { $0.parseStepItem() }
    return StepDecl(name: name, label: label, timing: timing, items: items, span: span(from: start))
  }

  mutating func parseStepItem() -> StepItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    switch k {
    case .when:
      _ = advance()
      return .when(parseExpr(), span(from: s))
    case .send:
      _ = advance()
      guard let c = expectOneOf([.email, .letter, .sms], after: "'send'") else { return nil }
      let channel: Channel = c == .email ? .email : c == .letter ? .letter : .sms
      guard let template = parseStringLit("the template name in quotes") else { return nil }
      var to: [Expr] = []
      var cc: [Expr] = []
      if eatWord(.to) != nil { to = parseExprList() }
      if eatWord(.cc) != nil { cc = parseExprList() }
      return .send(channel: channel, template: template, to: to, cc: cc, span(from: s))
    case .create:
      _ = advance()
      guard expectWord(.task, after: "'create'") != nil else { return nil }
      guard let title = parseStringLit("the task's title in quotes") else { return nil }
      guard expectWord(.for, after: "the task's title") != nil else { return nil }
      guard let kind = expectOneOf([.queue, .role], after: "'for'") else { return nil }
      guard let who = parseStringLit("the \(kind.spelling) name in quotes") else { return nil }
      return .task(title: title, assigneeKind: kind, assignee: who, span(from: s))
    case .escalate:
      _ = advance()
      guard expectWord(.to, after: "'escalate'") != nil, let who = parseStringLit("who to escalate to, in quotes") else {
        return nil
      }
      return .escalate(who, span(from: s))
    case .suspend:
      _ = advance()
      guard expectWord(.service, after: "'suspend'") != nil else { return nil }
      return .suspend(span(from: s))
    case .late:
      return parseLateFee().map { .lateFee($0) }
    case .interest:
      return parseInterest().map { .interest($0) }
    case .propose:
      _ = advance()
      guard expectWord(.write, after: "'propose'") != nil, expectWord(.off, after: "'propose write'") != nil else {
        return nil
      }
      return .writeOff(span(from: s))
    case .hand:
      _ = advance()
      guard expectWord(.over, after: "'hand'") != nil, expectWord(.to, after: "'hand over'") != nil,
        expectWord(.agency, after: "'hand over to'") != nil, let n = parseStringLit("the agency's name in quotes")
      else { return nil }
      return .agency(n, span(from: s))
    default:
      return nil
    }
  }

  mutating func parseExprList() -> [Expr] {
    var out = [parseExpr()]
    while eat(.comma) != nil { out.append(parseExpr()) }
    return out
  }

  // MARK: - Match rules

  static let matchWords: KeywordList = [
    .currency, .rounding, .month, .when, .payer, .candidates, .reference, .allocate, .tolerance, .on, .confidence,
  ]

  /// `match name ["label"] { ... }`.
  mutating func parseMatch() -> MatchDecl? {
    let start = advance()
    guard let name = parseName("a match rule name") else { return nil }
    let label = optionalLabel()
    let items = block("match rule", words: Self.matchWords, opener: start) { $0.parseMatchItem() }
    return MatchDecl(name: name, label: label, items: items, span: span(from: start))
  }

  mutating func parseMatchItem() -> MatchItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    switch k {
    case .currency, .rounding, .month:
      return parseSetting().map { .setting($0) }
    case .when:
      _ = advance()
      return .when(parseExpr(), span(from: s))
    case .payer:
      _ = advance()
      guard expectWord(.by, after: "'payer'") != nil else { return nil }
      var methods: [(PayerMethod, Span)] = []
      repeat {
        let t = cur
        guard let m = expectOneOf([.reference, .account, .name], after: "'payer by'") else { return nil }
        methods.append((m == .reference ? .reference : m == .account ? .account : .name, span(t)))
      } while eat(.comma) != nil
      return .payer(methods, span(from: s))
    case .candidates:
      _ = advance()
      var opts: [(CandidateOption, Span)] = []
      repeat {
        let t = cur
        guard let o = expectOneOf([.open, .same, .look, .any], after: "'candidates'") else { return nil }
        switch o {
        case .open:
          guard expectWord(.invoices, after: "'open'") != nil else { return nil }
          if eatWord(.of) != nil {
            if eatWord(.payer) != nil {
              opts.append((.ofPayer, span(from: t)))
            } else {
              guard expectWord(.any, after: "'of'") != nil, expectWord(.customer, after: "'any'") != nil else { return nil }
              opts.append((.anyCustomer, span(from: t)))
            }
          } else {
            opts.append((.ofPayer, span(from: t)))
          }
        case .same:
          guard expectWord(.currency, after: "'same'") != nil else { return nil }
          opts.append((.sameCurrency, span(from: t)))
        case .any:
          guard expectWord(.customer, after: "'any'") != nil else { return nil }
          opts.append((.anyCustomer, span(from: t)))
        default:
          guard expectWord(.back, after: "'look'") != nil else { return nil }
          opts.append((.lookBack(parseExpr()), span(from: t)))
        }
      } while eat(.comma) != nil
      return .candidates(opts, span(from: s))
    case .reference:
      _ = advance()
      guard expectWord(.pattern, after: "'reference'") != nil else { return nil }
      guard let pt = expect(.pattern, "a pattern between slashes, as in /INV-([0-9]+)/") else { return nil }
      let src = file.text(span(pt))
      let inner = src.count >= 2 && src.hasSuffix("/") ? String(src.dropFirst().dropLast()) : String(src.dropFirst())
      let lit = PatternLit(source: inner, span: span(pt))
      var sources: [ReferenceSource] = []
      if eatWord(.in) != nil {
        repeat {
          guard let w = expectOneOf([.remittance, .reference], after: "'in'") else { return nil }
          sources.append(w == .remittance ? .remittance : .reference)
        } while eat(.comma) != nil
      }
      return .reference(lit, sources, span(from: s))
    case .allocate:
      _ = advance()
      var strategies: [(AllocationStrategy, Span)] = []
      var first = true
      repeat {
        if !first { _ = eatWord(.then) }
        first = false
        let t = cur
        guard let w = expectOneOf([.exact, .oldest], after: "'allocate'") else { return nil }
        if w == .oldest {
          guard expectWord(.first, after: "'oldest'") != nil else { return nil }
          strategies.append((.oldestFirst, span(from: t)))
        } else {
          guard let w2 = expectOneOf([.single, .subset], after: "'exact'") else { return nil }
          if w2 == .single {
            strategies.append((.exactSingle, span(from: t)))
          } else {
            guard expectWord(.up, after: "'exact subset'") != nil, expectWord(.to, after: "'up'") != nil,
              let n = parseWholeNumber("the most invoices in one subset")
            else { return nil }
            _ = eatWord(.invoices)
            strategies.append((.exactSubset(n), span(from: t)))
          }
        }
      } while eat(.comma) != nil
      return .allocate(strategies, span(from: s))
    case .tolerance:
      _ = advance()
      guard let side = expectOneOf([.underpayment, .overpayment], after: "'tolerance'") else { return nil }
      var amounts = [parseExpr(minPrecedence: 3)]
      while eatWord(.or) != nil { amounts.append(parseExpr(minPrecedence: 3)) }
      return .tolerance(side == .underpayment ? .underpayment : .overpayment, amounts, span(from: s))
    case .on:
      _ = advance()
      let c: OutcomeCase
      if eatWord(.no) != nil {
        guard expectWord(.match, after: "'no'") != nil else { return nil }
        c = .noMatch
      } else {
        guard let side = expectOneOf([.underpayment, .overpayment], after: "'on'") else { return nil }
        guard let w = expectOneOf([.within, .beyond], after: "'\(side.spelling)'") else { return nil }
        guard expectWord(.tolerance, after: "'\(w.spelling)'") != nil else { return nil }
        switch (side, w) {
        case (.underpayment, .within): c = .underpaymentWithin
        case (.underpayment, _): c = .underpaymentBeyond
        case (_, .within): c = .overpaymentWithin
        default: c = .overpaymentBeyond
        }
      }
      guard expect(.colon, "':' before what to do") != nil else { return nil }
      guard let a = expectOneOf([.write, .credit, .exception, .leave], after: "'\(c.rawValue):'") else { return nil }
      let action: OutcomeAction
      switch a {
      case .write:
        guard expectWord(.off, after: "'write'") != nil else { return nil }
        action = .writeOff
      case .credit:
        guard expectWord(.on, after: "'credit'") != nil, expectWord(.account, after: "'credit on'") != nil else { return nil }
        action = .creditOnAccount
      case .leave:
        guard expectWord(.unapplied, after: "'leave'") != nil else { return nil }
        action = .leaveUnapplied
      default:
        guard expectWord(.to, after: "'exception'") != nil, expectWord(.queue, after: "'exception to'") != nil,
          let q = parseStringLit("the queue name in quotes")
        else { return nil }
        var reason: StringLit?
        if eatWord(.reason) != nil {
          guard let r = parseStringLit("the reason in quotes") else { return nil }
          reason = r
        }
        action = .exception(queue: q, reason: reason)
      }
      return .outcome(c, action, span(from: s))
    case .confidence:
      _ = advance()
      guard let w = expectOneOf([.auto, .suggest], after: "'confidence'") else { return nil }
      return .confidence(auto: w == .auto, span(from: s))
    default:
      return nil
    }
  }
}
