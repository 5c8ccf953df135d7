import AccrueCore
import AccrueModel

/// What a statement says about itself that does not hold: opening + entries ≠ closing, a control total that
/// disagrees with the amounts. Warnings (D0320, D0321): the statement's entries are still read; `--strict` makes
/// them errors. A statement's own warnings (what reading it assumed or left out: D0322, D0323) come first.
public enum StatementChecks {
  /// The warnings for the statements of one file, in statement order.
  public static func warnings(_ statements: [BankStatement], file: String) -> [DataIssue] {
    var out: [DataIssue] = []
    for st in statements {
      out += st.warnings
      let name = describe(st)
      if let r = st.reconciliation, !r.reconciles {
        let c = r.closing.currency
        let more = r.difference.isNegative ? "less" : "more"
        let gap = r.difference.negated.map { r.difference.isNegative ? $0 : r.difference } ?? r.difference
        var message =
          "\(name) does not reconcile: opening \(money(r.opening.amount, c)) + entries \(money(r.entries, c)) = \(money(r.expected, c)), "
          + "but the closing balance is \(money(r.closing.amount, c)) (\(money(gap, c)) \(more)): an entry is missing from the file or a "
          + "balance is wrong; ask the bank for the complete statement"
        if r.otherCurrencyEntries > 0 {
          message += " (\(r.otherCurrencyEntries) entr\(r.otherCurrencyEntries == 1 ? "y" : "ies") in other currencies than \(c.code) not counted)"
        }
        out.append(DataIssue(code: "D0320", file: file, line: line(r.closing.source, file), column: 1, message: message))
      }
      if let o = st.opening, let c = st.closing, o.currency != c.currency {
        out.append(
          DataIssue(
            code: "D0320", file: file, line: line(c.source, file), column: 1,
            message: "\(name) cannot be reconciled: its opening balance is in \(o.currency.code) (\(money(o.amount, o.currency))), its closing "
              + "balance in \(c.currency.code) (\(money(c.amount, c.currency))); a statement's balances are in the account's one currency: ask the bank"))
      }
      for t in st.controlTotals where t.stated != t.computed {
        let c = t.currency
        out.append(
          DataIssue(
            code: "D0321", file: file, line: line(t.source, file), column: 1,
            message: "the \(t.scope) control total is \(c.map { money(t.stated, $0) } ?? "\(t.stated)"), the records add up to "
              + "\(c.map { money(t.computed, $0) } ?? "\(t.computed)"): the file is incomplete or altered; ask the bank for the file again"))
      }
    }
    return out
  }

  /// "statement 12 (00012/001) of account DE89…" or as much of it as the statement gives.
  public static func describe(_ st: BankStatement) -> String {
    var s = "the statement"
    if !st.statementID.isEmpty { s += " \(st.statementID)" }
    if !st.sequence.isEmpty { s += " (\(st.sequence))" }
    if !st.account.isEmpty { s += " of account \(st.account)" }
    return s
  }

  static func money(_ v: Fixed, _ c: Currency) -> String {
    "\(v.formatted(places: max(c.minorUnits, v.significantFractionDigits), grouping: true)) \(c.code)"
  }

  /// The line in a `file:line …` source (0 when it has none).
  public static func line(_ source: String, _ file: String) -> Int {
    guard source.hasPrefix(file + ":") else { return 0 }
    return Int(source.dropFirst(file.count + 1).prefix { $0.isNumber }) ?? 0
  }
}
