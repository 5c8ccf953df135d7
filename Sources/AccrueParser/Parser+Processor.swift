import AccrueDiagnostics
import AccrueLexer

// A payment processor's settings (grammar.md §8.2), at the top of a rule file:
//   processor NAME [STRING] {
//     invoice number from metadata STRING
//     payouts reach the bank within NUMBER [ business ] ( day | days )
//     calendar IDENT
//   }
extension Parser {
  /// The words that start a statement of a processor block.
  static let processorWords: KeywordList = [.invoice, .payouts, .calendar]

  /// `processor NAME ["label"] { ... }`.
  mutating func parseProcessor() -> ProcessorDecl? {
    let start = advance()
    guard let name = parseName("the processor's name, as in: processor stripe { ... }") else { return nil }
    let label = optionalLabel()
    let items = block("processor block", words: Self.processorWords, opener: start) { $0.parseProcessorItem() }
    return ProcessorDecl(name: name, label: label, items: items, span: span(from: start))
  }

  mutating func parseProcessorItem() -> ProcessorItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    switch k {
    case .invoice:
      _ = advance()
      guard expectWord(.number, after: "'invoice'") != nil, expectWord(.from, after: "'invoice number'") != nil,
        expectWord(.metadata, after: "'invoice number from'") != nil
      else { return nil }
      guard at(.string) else {
        var help = "write the key of the charge's metadata in quotes, as in: invoice number from metadata \"accrue_invoice\""
        if cur.kind == .identifier || cur.kind == .number { help = "write it in double quotes: \"\(text(cur))\"" }
        error(.expectedToken, "expected the metadata key in quotes after 'metadata', found \(describe(cur))", cur, help: help)
        return nil
      }
      let t = advance()
      return .invoiceMetadata(StringLit(value: decodeString(t), span: span(t)), span(from: s))
    case .payouts:
      _ = advance()
      guard expectWord(.reach, after: "'payouts'") != nil, expectWord(.the, after: "'payouts reach'") != nil,
        expectWord(.bank, after: "'payouts reach the'") != nil
      else { return nil }
      guard eatWord(.within) != nil else {
        error(
          .expectedToken, "expected 'within' after 'payouts reach the bank', found \(describe(cur))", cur,
          help: "the statement says how many days a payout may take: payouts reach the bank within 3 business days")
        return nil
      }
      let negative = eat(.minus)
      guard let n = expect(.number, "the number of days after 'within', as in: payouts reach the bank within 3 business days") else { return nil }
      let count = (negative == nil ? "" : "-") + text(n)
      let countSpan = negative.map { span(from: $0) } ?? span(n)
      let business = eatWord(.business) != nil
      guard expectOneOf([.days, .day], after: "'within \(count)\(business ? " business" : "")'") != nil else { return nil }
      return .payoutWindow(count, countSpan, business: business, span(from: s))
    default:
      _ = advance()
      guard let name = parseName("the calendar's name after 'calendar', as in: calendar us_holidays") else { return nil }
      return .calendar(name, span(from: s))
    }
  }
}
