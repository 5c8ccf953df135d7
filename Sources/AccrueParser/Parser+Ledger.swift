import AccrueDiagnostics
import AccrueLexer

// The receivables ledger's statements (grammar.md §9), at the top of a rule file:
//   number ( invoices | debit notes | credit notes ) STRING [ per scope { , scope } ]     scope = year | month | record.field
//   fees billed ( as debit notes | on next invoice )
//   account credit ( applied oldest first | held )
extension Parser {
  /// The words that start the ledger's statements: stated once for the rule set, never inside a block.
  static let ledgerWords: KeywordList = [.number, .fees, .account]

  /// `number invoices|debit notes "FORMAT" [per SCOPE, ...]`.
  mutating func parseNumbering() -> NumberingDecl? {
    let start = advance()
    guard let k = expectOneOf([.invoices, .debit, .credit], after: "'number'") else { return nil }
    if k == .debit { guard expectWord(.notes, after: "'number debit'") != nil else { return nil } }
    if k == .credit { guard expectWord(.notes, after: "'number credit'") != nil else { return nil } }
    let document: NumberedDocument = k == .invoices ? .invoices : k == .debit ? .debitNotes : .creditNotes
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
    let help = "write 'fees billed as debit notes' (a debit note per fee) or 'fees billed on next invoice'"
    if eatWord(.billed) != nil {
      if eatWord(.as) != nil {
        if eatWord(.debit) != nil, eatWord(.notes) != nil { return FeeBillingDecl(onNextInvoice: false, span: span(from: start)) }
      } else if eatWord(.on) != nil, eatWord(.next) != nil, eatWord(.invoice) != nil {
        return FeeBillingDecl(onNextInvoice: true, span: span(from: start))
      }
    }
    error(.expectedToken, "this is not a way fees are billed: found \(describe(cur))", cur, help: help)
    return nil
  }

  /// `account credit applied oldest first | held`.
  mutating func parseCreditUse() -> CreditUseDecl? {
    let start = advance()
    let help = "write 'account credit applied oldest first' (credit pays the customer's oldest open invoices) or 'account credit held'"
    if eatWord(.credit) != nil {
      if eatWord(.held) != nil { return CreditUseDecl(oldestFirst: false, span: span(from: start)) }
      if eatWord(.applied) != nil, eatWord(.oldest) != nil, eatWord(.first) != nil {
        return CreditUseDecl(oldestFirst: true, span: span(from: start))
      }
    }
    error(.expectedToken, "this is not a way account credit is used: found \(describe(cur))", cur, help: help)
    return nil
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
