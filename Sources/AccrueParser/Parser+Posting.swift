import AccrueDiagnostics
import AccrueLexer

// Posting to the general ledger (grammar.md §12), at the top of a rule file:
//   dimension IDENT [STRING]
//   posting [ entity STRING | plan IDENT [ charge IDENT ] ] {
//     entity expr
//     dimension IDENT expr
//     EVENT [ debit expr ] [ credit expr ] [ with IDENT expr { "," IDENT expr } ]
//   }
extension Parser {
  /// The words that start a statement of a posting block.
  static let postingWords: KeywordList = [
    .entity, .dimension, .invoice, .discount, .tax, .fee, .cash, .write, .overpayment, .early, .credit, .unapplied, .refund, .processor,
    .revenue, .recognize,
  ]

  /// `dimension NAME ["label"]`.
  mutating func parseDimension() -> DimensionDecl? {
    let start = advance()
    guard let name = parseName("the dimension's name, as in: dimension department \"Department\"") else { return nil }
    let label = optionalLabel()
    return DimensionDecl(name: name, label: label, span: span(from: start))
  }

  /// `posting [entity "E" | plan NAME [charge NAME]] { ... }`.
  mutating func parsePosting() -> PostingDecl? {
    let start = advance()
    let s = cur
    let before = pos
    var scope = PostingScope.all
    if eatWord(.entity) != nil {
      guard let e = parseStringLit("the entity in quotes, as in: posting entity \"NWDE\" { ... }") else { return nil }
      scope = .entity(e)
    } else if eatWord(.plan) != nil {
      guard let p = parseName("the plan's name, as in: posting plan enterprise { ... }") else { return nil }
      var charge: Name?
      if eatWord(.charge) != nil {
        guard let c = parseName("the charge's name, as in: posting plan enterprise charge platform { ... }") else { return nil }
        charge = c
      }
      scope = .plan(p, charge: charge)
    }
    let scopeSpan = pos == before ? span(start) : span(from: s)
    let items = block("posting block", words: Self.postingWords, opener: start) { $0.parsePostingItem() }
    return PostingDecl(scope: scope, scopeSpan: scopeSpan, items: items, span: span(from: start))
  }

  mutating func parsePostingItem() -> PostingItem? {
    let s = cur
    if eatWord(.entity) != nil {
      let e = parseExpr()
      return .entity(e, span(from: s))
    }
    if eatWord(.dimension) != nil {
      guard let d = parseDimensionValue("the dimension's name and value, as in: dimension department \"SALES\"") else { return nil }
      return .dimension(d, span(from: s))
    }
    if eatWord(.recognize) != nil {
      guard let m = parseRecognitionMethod() else { return nil }
      return .recognize(m, span(from: s))
    }
    guard let event = parsePostingEvent() else { return nil }
    let eventSpan = span(from: s)
    var row = PostingRow(event: event, eventSpan: eventSpan, debit: nil, credit: nil, dimensions: [], span: eventSpan)
    if eatWord(.debit) != nil { row.debit = parseExpr() }
    if eatWord(.credit) != nil { row.credit = parseExpr() }
    if eatWord(.with) != nil {
      repeat {
        guard let d = parseDimensionValue("a dimension and its value after 'with', as in: with department \"SALES\"") else { return nil }
        row.dimensions.append(d)
      } while eat(.comma) != nil
    }
    if !at(.newline), !at(.rbrace), !at(.eof) {
      error(
        .expectedToken, "expected 'debit', 'credit' or 'with' in a posting row, found \(describe(cur))", cur,
        help: "a row reads: \(event.rawValue) debit \"1200\" credit \"4000\" with department \"SALES\"")
      return nil
    }
    row.span = span(from: s)
    return .row(row)
  }

  mutating func parseDimensionValue(_ what: @autoclosure () -> String) -> DimensionValue? {
    guard let name = parseName(what()) else { return nil }
    return DimensionValue(name: name, value: parseExpr())
  }

  /// `ratably daily`, `ratably monthly`, `at point in time`, `on milestone` (grammar.md §13).
  mutating func parseRecognitionMethod() -> RecognitionMethod? {
    let help = "recognize ratably daily, recognize ratably monthly, recognize at point in time, or recognize on milestone"
    if eatWord(.ratably) != nil {
      if eatWord(.daily) != nil { return .ratably(monthly: false) }
      if eatWord(.monthly) != nil { return .ratably(monthly: true) }
      error(.expectedToken, "expected 'daily' or 'monthly' after 'ratably', found \(describe(cur))", cur, help: help)
      return nil
    }
    if eatWord(.at) != nil {
      guard expectWord(.point, after: "'recognize at'") != nil, expectWord(.in, after: "'recognize at point'") != nil,
        expectWord(.time, after: "'recognize at point in'") != nil
      else { return nil }
      return .pointInTime
    }
    if eatWord(.on) != nil {
      return expectWord(.milestone, after: "'recognize on'") != nil ? .milestone : nil
    }
    error(.expectedToken, "expected how revenue is recognized after 'recognize', found \(describe(cur))", cur, help: help)
    return nil
  }

  /// The event a row posts: `invoice line`, `tax included`, `credit on account`, ... (grammar.md §12).
  mutating func parsePostingEvent() -> PostingEvent? {
    guard let k = cur.symbol.keyword else { return nil }
    _ = advance()
    switch k {
    case .invoice: return expectWord(.line, after: "'invoice' (the event is 'invoice line')") != nil ? .invoiceLine : nil
    case .discount: return .discount
    case .tax: return eatWord(.included) != nil ? .taxIncluded : .tax
    case .fee: return .fee
    case .cash: return expectWord(.applied, after: "'cash' (the event is 'cash applied')") != nil ? .cashApplied : nil
    case .write: return expectWord(.off, after: "'write' (the event is 'write off')") != nil ? .writeOff : nil
    case .overpayment:
      guard expectWord(.written, after: "'overpayment'") != nil, expectWord(.off, after: "'overpayment written'") != nil else { return nil }
      return .overpaymentWrittenOff
    case .early:
      guard expectWord(.payment, after: "'early'") != nil, expectWord(.discount, after: "'early payment'") != nil else { return nil }
      return .earlyPaymentDiscount
    case .refund: return .refund
    case .revenue: return expectWord(.recognized, after: "'revenue' (the event is 'revenue recognized')") != nil ? .revenueRecognized : nil
    case .processor:
      if eatWord(.refund) != nil { return .processorRefund }
      return expectWord(.fee, after: "'processor' (the events are 'processor fee' and 'processor refund')") != nil ? .processorFee : nil
    case .credit:
      if eatWord(.used) != nil { return .creditUsed }
      if eatWord(.note) != nil { return .creditNote }
      guard expectWord(.on, after: "'credit' (the events are 'credit on account', 'credit used' and 'credit note')") != nil,
        expectWord(.account, after: "'credit on'") != nil
      else { return nil }
      return .creditOnAccount
    default:
      return expectWord(.cash, after: "'unapplied' (the event is 'unapplied cash')") != nil ? .unappliedCash : nil
    }
  }

  /// A posting block's statement that is no event: the closest event (as written, two or three words), or the list.
  mutating func unknownPostingEvent(_ t: Token) {
    let w = text(t)
    let kinds = PostingEvent.allCases.map(\.rawValue)
    let firstWords = kinds.map { String($0.split(separator: " ")[0]) } + ["entity", "dimension"]
    if let s = Suggest.closest(to: w, in: firstWords), let kind = kinds.first(where: { $0.hasPrefix(s + " ") || $0 == s }) ?? Optional(s) {
      error(
        .unknownStatement, "unknown event '\(w)' in a posting block", t, help: "did you mean '\(kind)'?",
        fix: FixIt("replace '\(w)' with '\(s)'", edits: [Edit(span(t), s)]))
    } else {
      error(
        .unknownStatement, "unknown event '\(w)' in a posting block", t,
        help: "the events are: \(kinds.joined(separator: ", "))")
    }
  }
}
