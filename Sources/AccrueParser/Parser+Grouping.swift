import AccrueDiagnostics
import AccrueLexer
import AccrueModel

extension Parser {
  /// `invoice per contract | customer | customer and currency` (top level; grammar.md §6.5).
  mutating func parseInvoiceGrouping() -> SettingDecl? {
    let start = advance()
    let help = "write 'invoice per contract' (the default: one invoice per contract and billing date), 'invoice per customer' "
      + "or 'invoice per customer and currency'"
    guard expectWord(.per, after: "'invoice'") != nil else { return nil }
    let word = cur.kind == .identifier ? text(cur) : ""
    guard word == "contract" || word == "customer" else {
      error(.expectedToken, "expected 'contract' or 'customer' after 'invoice per', found \(describe(cur))", cur, help: help)
      return nil
    }
    _ = advance()
    if word == "contract" { return SettingDecl(setting: .invoicePer(.contract), span: span(from: start)) }
    guard eatWord(.and) != nil else { return SettingDecl(setting: .invoicePer(.customer), span: span(from: start)) }
    guard expectWord(.currency, after: "'invoice per customer and'") != nil else { return nil }
    return SettingDecl(setting: .invoicePer(.customerAndCurrency), span: span(from: start))
  }
}
