import AccrueCore
import AccrueModel

extension JournalRenderer {
  /// The account's name in plain-text accounting: its type's top account, then its number.
  static func ledgerAccount(_ number: String, _ accounts: [String: GLAccount], beancount: Bool) -> String {
    let kind = accounts[number]?.kind ?? .asset
    let top: String
    switch kind {
    case .asset: top = beancount ? "Assets" : "assets"
    case .liability: top = beancount ? "Liabilities" : "liabilities"
    case .equity: top = beancount ? "Equity" : "equity"
    case .revenue: top = beancount ? "Income" : "revenue"
    case .expense: top = beancount ? "Expenses" : "expenses"
    }
    let safe = String(number.unicodeScalars.map { c in (c.properties.isAlphabetic || ("0"..."9").contains(c)) ? Character(c) : "-" })
    return top + ":" + (beancount && !(safe.first?.isNumber ?? false) && !(safe.first?.isUppercase ?? false) ? "A" + safe : safe)
  }

  static func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

  /// An hledger journal (hledger.org, journal format): account declarations, then one transaction per entry,
  /// dimensions as tags of each posting.
  public static func hledger(_ entries: [JournalEntry], accounts: [String: GLAccount]) -> String {
    var out = "; Accrue journal entries (hledger journal format)\n\n"
    let used = Set(entries.flatMap { $0.lines.map(\.account) }).sorted()
    for a in used {
      let typeCode: String
      switch accounts[a]?.kind ?? .asset {
      case .asset: typeCode = "A"
      case .liability: typeCode = "L"
      case .equity: typeCode = "E"
      case .revenue: typeCode = "R"
      case .expense: typeCode = "X"
      }
      out += "account \(ledgerAccount(a, accounts, beancount: false))  ; type: \(typeCode), name: \((accounts[a]?.name ?? "").replacingOccurrences(of: ",", with: " "))\n"
    }
    for e in entries {
      out += "\n\(e.date) \(e.id)\(e.document.map { " | \($0)" } ?? "")  ; event: \(e.event)\n"
      for l in e.lines {
        let v = (l.isDebit ? "" : "-") + amount(l.amount, e.currency)
        let tags = l.dimensions.filter { !$0.value.isEmpty }.map { "\($0.name): \($0.value.replacingOccurrences(of: ",", with: " "))" }
        out += "    \(ledgerAccount(l.account, accounts, beancount: false))  \(v) \(e.currency.code)"
        out += (tags.isEmpty ? "" : "  ; " + tags.joined(separator: ", ")) + "\n"
      }
    }
    return out
  }

  /// A Beancount file (beancount.github.io): an `open` for every account on the first entry's date, then one
  /// transaction per entry, dimensions as metadata of each posting.
  public static func beancount(_ entries: [JournalEntry], accounts: [String: GLAccount]) -> String {
    var out = "; Accrue journal entries (Beancount)\noption \"title\" \"Accrue journal\"\n\n"
    let used = Set(entries.flatMap { $0.lines.map(\.account) }).sorted()
    if let first = entries.map(\.date).min() {
      for a in used {
        out += "\(first) open \(ledgerAccount(a, accounts, beancount: true))\n  name: \(quoted(accounts[a]?.name ?? ""))\n"
      }
    }
    for e in entries {
      out += "\n\(e.date) * \(quoted(e.document ?? e.event)) \(quoted(e.id))\n  event: \(quoted(e.event))\n"
      for l in e.lines {
        let v = (l.isDebit ? "" : "-") + amount(l.amount, e.currency)
        out += "  \(ledgerAccount(l.account, accounts, beancount: true))  \(v) \(e.currency.code)\n"
        for d in l.dimensions where !d.value.isEmpty {
          let key = d.name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
          out += "    \(key): \(quoted(d.value))\n"
        }
      }
    }
    return out
  }

  /// The trial balance as text: per entity, period and currency, each account's debits, credits and balance,
  /// with totals (debits always equal credits).
  public static func trialBalance(_ rows: [TrialBalanceRow]) -> String {
    var out = ""
    var i = 0
    while i < rows.count {
      let g = rows[i]
      var j = i
      while j < rows.count, rows[j].entity == g.entity, rows[j].period == g.period, rows[j].currency == g.currency { j += 1 }
      let group = rows[i..<j]
      out += "Trial balance: entity \(g.entity.isEmpty ? "-" : g.entity), \(g.period), \(g.currency.code)\n"
      let width = max(28, group.map { $0.account.count + 1 + $0.name.count }.max() ?? 0)
      out += "  " + "account".padding(toLength: width, withPad: " ", startingAt: 0) + pad("debit", 16) + pad("credit", 16) + pad("balance", 16) + "\n"
      var (d, c) = (Fixed.zero, Fixed.zero)
      for r in group {
        d = d.adding(r.debit) ?? d
        c = c.adding(r.credit) ?? c
        out += "  " + (r.account + " " + r.name).padding(toLength: width, withPad: " ", startingAt: 0)
        out += pad(amount(r.debit, g.currency, grouping: true), 16) + pad(amount(r.credit, g.currency, grouping: true), 16)
        out += pad(amount(r.balance, g.currency, grouping: true), 16) + "\n"
      }
      out += "  " + "total".padding(toLength: width, withPad: " ", startingAt: 0) + pad(amount(d, g.currency, grouping: true), 16)
      out += pad(amount(c, g.currency, grouping: true), 16) + pad(amount(d.subtracting(c) ?? .zero, g.currency, grouping: true), 16) + "\n\n"
      i = j
    }
    return out.isEmpty ? "Trial balance: no entries\n" : out
  }

  /// The trial balance as JSON rows.
  public static func trialBalanceJSON(_ rows: [TrialBalanceRow]) -> String {
    JSON.object([
      (
        "trial_balance",
        .array(
          rows.map { r in
            .object([
              ("entity", .string(r.entity)), ("period", .string(r.period)), ("currency", .string(r.currency.code)), ("account", .string(r.account)),
              ("name", .string(r.name)), ("type", r.kind.map { JSON.string($0.rawValue) } ?? .null),
              ("debit", .number(amount(r.debit, r.currency))), ("credit", .number(amount(r.credit, r.currency))),
              ("balance", .number(amount(r.balance, r.currency))),
            ])
          })
      )
    ]).serialized(pretty: true) + "\n"
  }
}
