import AccrueDiagnostics
import AccrueLexer

// The receivables ledger's statements (grammar.md §9), at the top of a rule file:
//   number ( invoices | debit notes ) STRING [ per scope { , scope } ]     scope = year | month | record.field
//   fees billed ( as debit notes | on next invoice )
//   account credit ( applied oldest first | held )
extension Parser {
  /// The words that start the ledger's statements: stated once for the rule set, never inside a block.
  static let ledgerWords: [Keyword] = [.number, .fees, .account]

  /// `number invoices|debit notes "FORMAT" [per SCOPE, ...]`.
  mutating func parseNumbering() -> NumberingDecl? {
    let start = advance()
    guard let k = expectOneOf([.invoices, .debit], after: "'number'") else { return nil }
    if k == .debit { guard expectWord(.notes, after: "'number debit'") != nil else { return nil } }
    let document: NumberedDocument = k == .invoices ? .invoices : .debitNotes
    guard at(.string) else {
      error(
        .expectedToken, "expected the number's format in quotes after 'number \(document.rawValue)', found \(describe(cur))", cur,
        help: "write the format with its placeholders, as in: number \(document.rawValue) \"INV-{year}-{seq:5}\" per year")
      return nil
    }
    let t = advance()
    let format = StringLit(value: decodeString(t), span: span(t))
    var scopes: [NumberingScope] = []
    if eatWord(.per) != nil {
      repeat {
        guard let s = parseNumberingScope() else { return nil }
        scopes.append(s)
      } while eat(.comma) != nil
    }
    return NumberingDecl(document: document, format: format, scopes: scopes, span: span(from: start))
  }

  /// `year`, `month` or a record's field (`customer.entity`; the checker decides which records and fields may be).
  mutating func parseNumberingScope() -> NumberingScope? {
    let s = cur
    if cur.kind == .identifier, peek().kind != .dot {
      if eatWord(.year) != nil { return .year(span(s)) }
      if eatWord(.month) != nil { return .month(span(s)) }
    }
    guard cur.kind == .identifier, peek().kind == .dot else {
      var help = "numbers start again at 1 per year, per month, or per a text field of the customer or contract: per year, customer.entity"
      if cur.kind == .identifier {
        let w = text(cur)
        if let sug = Suggest.closest(to: w, in: ["year", "month", "customer", "contract"]) {
          help = "did you mean '\(sug)'? " + help
        }
      }
      error(.expectedToken, "expected 'year', 'month' or a field such as customer.entity after 'per', found \(describe(cur))", cur, help: help)
      return nil
    }
    guard let record = parseName("a record name") else { return nil }
    _ = advance()  // the dot
    let recordText = text(s)
    guard let field = parseName("a field name after '\(recordText).'") else { return nil }
    return .field(record: record, field: field, span(from: s))
  }

  /// `fees billed as debit notes | on next invoice`.
  mutating func parseFeeBilling() -> FeeBillingDecl? {
    let start = advance()
    guard expectWord(.billed, after: "'fees'") != nil, let k = expectOneOf([.as, .on], after: "'fees billed'") else { return nil }
    if k == .as {
      guard expectWord(.debit, after: "'fees billed as'") != nil, expectWord(.notes, after: "'fees billed as debit'") != nil else {
        return nil
      }
      return FeeBillingDecl(onNextInvoice: false, span: span(from: start))
    }
    guard expectWord(.next, after: "'fees billed on'") != nil, expectWord(.invoice, after: "'fees billed on next'") != nil else {
      return nil
    }
    return FeeBillingDecl(onNextInvoice: true, span: span(from: start))
  }

  /// `account credit applied oldest first | held`.
  mutating func parseCreditUse() -> CreditUseDecl? {
    let start = advance()
    guard expectWord(.credit, after: "'account'") != nil, let k = expectOneOf([.applied, .held], after: "'account credit'") else {
      return nil
    }
    if k == .held { return CreditUseDecl(oldestFirst: false, span: span(from: start)) }
    guard expectWord(.oldest, after: "'account credit applied'") != nil, expectWord(.first, after: "'account credit applied oldest'") != nil
    else { return nil }
    return CreditUseDecl(oldestFirst: true, span: span(from: start))
  }

  /// The help for a ledger statement written inside a block (`t` and the word after it): it belongs at the top of
  /// the rule set. Nil for other words.
  func ledgerStatementHelp(_ t: Token, next: Token) -> String? {
    let statement: String
    if t.is(.number), next.is(.invoices) {
      statement = "number invoices"
    } else if t.is(.number), next.is(.debit) {
      statement = "number debit notes"
    } else if t.is(.fees), next.is(.billed) {
      statement = "fees billed"
    } else if t.is(.account), next.is(.credit) {
      statement = "account credit"
    } else {
      return nil
    }
    return "'\(statement)' is stated once for the whole rule set: write it at the top of a rule file, outside any block"
  }
}
