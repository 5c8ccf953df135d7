import AccrueCore
import AccrueModel

/// Journal entries and trial balances (grammar.md §12) as text, JSON and CSV, and the books as plain-text accounting
/// files other tools read: an hledger journal and a Beancount file (docs/data.md, Journal exports).
public enum JournalRenderer {
  static func amount(_ v: Fixed, _ c: Currency, grouping: Bool = false) -> String { v.formatted(places: c.minorUnits, grouping: grouping) }

  static func dims(_ l: GLLine) -> String { l.dimensions.filter { !$0.value.isEmpty }.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }

  /// `plan --journal`: each entry with its lines (side, account, name, amount, dimensions, rule).
  public static func text(_ entries: [JournalEntry], accounts: [String: GLAccount]) -> String {
    var out = "Journal entries: \(entries.count)\n"
    for e in entries {
      out += "\n\(e.id)  \(e.date)  entity \(e.entity.isEmpty ? "-" : e.entity)  \(e.currency.code)"
      out += (e.document.map { "  \($0)" } ?? "") + "\n"
      let width = e.lines.map { ($0.account + " " + (accounts[$0.account]?.name ?? "")).count }.max() ?? 0
      for l in e.lines {
        let name = (l.account + " " + (accounts[l.account]?.name ?? "")).padding(toLength: width, withPad: " ", startingAt: 0)
        let a = amount(l.amount, e.currency, grouping: true)
        let cols = l.isDebit ? pad(a, 14) + String(repeating: " ", count: 14) : String(repeating: " ", count: 14) + pad(a, 14)
        out += "  \(l.isDebit ? "Dr" : "Cr") \(name) \(cols)  \(dims(l))  \(l.rule.file):\(l.rule.line)  \(memo(l, e))"
        out += (l.obligation.map { "  [\($0)]" } ?? "") + "\n"
      }
    }
    let sums = totals(entries).map { "\($0.value) \($0.key)" }.sorted()
    out += "\nJournal: \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), each balanced; debits = credits: \(sums.joined(separator: ", "))\n"
    return out
  }

  /// A line's memo; a line that adds up several says the entry's document.
  static func memo(_ l: GLLine, _ e: JournalEntry) -> String { l.memo.isEmpty ? (e.document ?? e.event) : l.memo }

  static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

  /// Debits (= credits) per currency code.
  public static func totals(_ entries: [JournalEntry]) -> [String: String] {
    var sums: [String: (Fixed, Currency)] = [:]
    for e in entries {
      let prev = sums[e.currency.code]?.0 ?? .zero
      sums[e.currency.code] = (prev.adding(e.totals.debit) ?? prev, e.currency)
    }
    return sums.mapValues { amount($0.0, $0.1, grouping: true) }
  }

  /// The entries as JSON: an array of entries, each with its lines.
  public static func json(_ entries: [JournalEntry]) -> String {
    let items: [JSON] = entries.map { e in
      .object([
        ("id", .string(e.id)), ("event", .string(e.event)), ("date", .string(e.date.description)), ("entity", .string(e.entity)),
        ("currency", .string(e.currency.code)), ("document", e.document.map(JSON.string) ?? .null),
        ("customer", e.customer.map(JSON.string) ?? .null),
        (
          "lines",
          .array(
            e.lines.map { l in
              .object([
                ("account", .string(l.account)), ("debit", .number(amount(l.debit, e.currency))), ("credit", .number(amount(l.credit, e.currency))),
                ("dimensions", .object(l.dimensions.map { ($0.name, JSON.string($0.value)) })), ("memo", .string(memo(l, e))),
                ("rule", .string("\(l.rule.file):\(l.rule.line)")), ("obligation", l.obligation.map(JSON.string) ?? .null),
              ])
            })
        ),
      ])
    }
    return JSON.object([("journal_entries", .array(items))]).serialized(pretty: true) + "\n"
  }

  /// The generic journal CSV (table `journal_entries`): one row per line, dimensions in columns of their own
  /// (`dimensions`: `entity` first, then the declared ones). docs/data.md maps its columns to NetSuite's and Sage
  /// Intacct's journal imports.
  public static func csv(_ entries: [JournalEntry], accounts: [String: GLAccount], dimensions: [String]) -> String {
    let header = ["date", "entry_id", "line", "account", "account_name", "debit", "credit", "currency"] + dimensions + ["memo", "source_event", "document", "rule", "obligation"]
    var out = header.joined(separator: ",") + "\r\n"
    for e in entries {
      for (i, l) in e.lines.enumerated() {
        let dv = dimensions.map { d in l.dimensions.first { $0.name == d }?.value ?? "" }
        let cells =
          [
            e.date.description, e.id, String(i + 1), l.account, accounts[l.account]?.name ?? "", l.isDebit ? amount(l.amount, e.currency) : "",
            l.isDebit ? "" : amount(l.amount, e.currency), e.currency.code,
          ] + dv + [memo(l, e), e.event, e.document ?? "", "\(l.rule.file):\(l.rule.line)", l.obligation ?? ""]
        out += cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
      }
    }
    return out
  }
}
