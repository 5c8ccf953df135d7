import AccrueDiagnostics
import AccrueLexer

// A CSV statement format (grammar.md §8.1), at the top of a rule file:
//   statement format NAME [STRING] {
//     files STRING { , STRING }            delimiter STRING              skip NUMBER ( line | lines )
//     date STRING [ as STRING ]            value date STRING [ as STRING ]
//     amount STRING [ separators ]         credit STRING , debit STRING [ separators ]   (or debit first)
//     currency ( STRING | CURRENCY )       reference | remittance | end to end id | bank reference
//                                          | counterparty [ account ]  STRING
//   }                                      separators = [ decimal STRING ] [ thousands STRING ]
extension Parser {
  /// The words that start a statement of a statement format.
  static let statementFormatWords: KeywordList = [
    .files, .delimiter, .skip, .date, .value, .amount, .credit, .debit, .currency, .reference, .remittance, .end, .bank,
    .counterparty,
  ]

  /// `statement format NAME ["label"] { ... }`.
  mutating func parseStatementFormat() -> StatementFormatDecl? {
    let start = advance()
    guard expectWord(.format, after: "'statement'") != nil else { return nil }
    guard let name = parseName("the statement format's name, as in: statement format nordbank { ... }") else { return nil }
    let label = optionalLabel()
    let items = block("statement format", words: Self.statementFormatWords, opener: start) { $0.parseStatementFormatItem() }
    return StatementFormatDecl(name: name, label: label, items: items, span: span(from: start))
  }

  mutating func parseStatementFormatItem() -> StatementFormatItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    switch k {
    case .files:
      _ = advance()
      var globs: [StringLit] = []
      repeat {
        guard let g = columnName("a file name pattern in quotes after 'files', as in: files \"nordbank-*.csv\"") else { return nil }
        globs.append(g)
      } while eat(.comma) != nil
      return .files(globs, span(from: s))
    case .delimiter:
      _ = advance()
      guard let d = columnName("the delimiter in quotes after 'delimiter', as in: delimiter \";\" (a tab: \"\\t\")") else { return nil }
      return .delimiter(d, span(from: s))
    case .skip:
      _ = advance()
      guard let n = expect(.number, "the number of lines before the header after 'skip', as in: skip 2 lines") else { return nil }
      let count = text(n)
      guard expectOneOf([.lines, .line], after: "'skip \(count)'") != nil else { return nil }
      return .skip(count, span(n), span(from: s))
    case .date, .value:
      _ = advance()
      if k == .value { guard expectWord(.date, after: "'value'") != nil else { return nil } }
      let kind: StatementDateKind = k == .date ? .booking : .value
      guard let column = columnName("the date's column in quotes after '\(kind.rawValue)', as in: \(kind.rawValue) \"Buchungstag\" as \"DD.MM.YYYY\"")
      else { return nil }
      var pattern: StringLit?
      if eatWord(.as) != nil {
        guard let p = columnName("the date's format in quotes after 'as', as in: as \"DD.MM.YYYY\"") else { return nil }
        pattern = p
      }
      return .date(kind, column: column, pattern: pattern, span(from: s))
    case .amount:
      _ = advance()
      guard let column = columnName("the amount's column in quotes after 'amount', as in: amount \"Betrag\" decimal \",\"") else { return nil }
      guard let seps = parseSeparators() else { return nil }
      return .amount(column: column, seps, span(from: s))
    case .credit, .debit:
      return parseCreditDebit()
    case .currency:
      _ = advance()
      if at(.string) {
        let t = advance()
        return .currencyColumn(StringLit(value: decodeString(t), span: span(t)), span(from: s))
      }
      guard cur.kind == .identifier else {
        error(
          .expectedToken, "expected the currency's column in quotes or a currency code after 'currency', found \(describe(cur))", cur,
          help: "write currency \"Währung\" (a column) or currency EUR (every row)")
        return nil
      }
      guard let c = parseCurrencyCode() else { return nil }
      return .fixedCurrency(c, span(from: s))
    default:
      return parseStatementTextItem(k)
    }
  }

  /// `reference "COL"`, `remittance "COL"`, `end to end id "COL"`, `bank reference "COL"`, `counterparty [account] "COL"`.
  mutating func parseStatementTextItem(_ k: Keyword) -> StatementFormatItem? {
    let s = advance()
    let field: StatementTextField
    switch k {
    case .reference: field = .reference
    case .remittance: field = .remittance
    case .end:
      guard expectWord(.to, after: "'end'") != nil, expectWord(.end, after: "'end to'") != nil, expectWord(.id, after: "'end to end'") != nil
      else { return nil }
      field = .endToEndID
    case .bank:
      guard expectWord(.reference, after: "'bank'") != nil else { return nil }
      field = .bankReference
    default:
      field = eatWord(.account) != nil ? .counterpartyAccount : .counterparty
    }
    guard let column = columnName("the column in quotes after '\(field.rawValue)', as in: \(field.rawValue) \"Verwendungszweck\"") else { return nil }
    return .text(field, column, span(from: s))
  }

  /// `credit "COL", debit "COL" [separators]` or `debit "COL", credit "COL" [separators]`.
  mutating func parseCreditDebit() -> StatementFormatItem? {
    let s = cur
    var credit: StringLit?
    var debit: StringLit?
    for n in 0..<2 {
      if n == 1 {
        guard eat(.comma) != nil else {
          let missing = credit == nil ? "credit" : "debit"
          error(
            .expectedToken, "expected ', \(missing) \"COLUMN\"' after the \(missing == "credit" ? "debit" : "credit") column, found \(describe(cur))", cur,
            help: "money in and money out are read together: credit \"Haben\", debit \"Soll\"")
          return nil
        }
      }
      let want: [Keyword] = n == 0 ? [.credit, .debit] : [credit == nil ? .credit : .debit]
      guard let w = expectOneOf(want, after: n == 0 ? "the statement's start" : "','") else { return nil }
      guard let column = columnName("the \(w.spelling) column in quotes after '\(w.spelling)', as in: \(w.spelling) \"Soll\"") else { return nil }
      if w == .credit { credit = column } else { debit = column }
    }
    guard let seps = parseSeparators(), let c = credit, let d = debit else { return nil }
    return .creditDebit(credit: c, debit: d, seps, span(from: s))
  }

  /// `[decimal STRING] [thousands STRING]`, in this order.
  mutating func parseSeparators() -> NumberSeparatorsLit? {
    var out = NumberSeparatorsLit()
    if eatWord(.decimal) != nil {
      guard let d = columnName("the decimal separator in quotes after 'decimal', as in: decimal \",\"") else { return nil }
      out.decimal = d
    }
    if eatWord(.thousands) != nil {
      guard let t = columnName("the thousands separator in quotes after 'thousands', as in: thousands \".\"") else { return nil }
      out.thousands = t
    }
    return out
  }

  /// A quoted string: a column's header, a pattern or a separator.
  mutating func columnName(_ what: String) -> StringLit? {
    guard at(.string) else {
      var help: String?
      if cur.kind == .identifier || cur.kind == .number { help = "write it in double quotes: \"\(text(cur))\"" }
      error(.expectedToken, "expected \(what), found \(describe(cur))", cur, help: help)
      return nil
    }
    let t = advance()
    return StringLit(value: decodeString(t), span: span(t))
  }
}
