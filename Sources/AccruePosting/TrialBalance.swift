import AccrueCore
import AccrueModel

extension Posting {
  /// The trial balance of `entries`: per entity, period (`YYYY-MM` of the entry's date) and currency, each
  /// account's debits and credits, in entity, period, currency and account order. `period` keeps one period.
  public static func trialBalance(_ entries: [JournalEntry], chart: Chart, period: String? = nil) -> [TrialBalanceRow] {
    struct Key: Hashable, Comparable {
      var entity: String, period: String, currency: String, account: String
      static func < (a: Key, b: Key) -> Bool { (a.entity, a.period, a.currency, a.account) < (b.entity, b.period, b.currency, b.account) }
    }
    var sums: [Key: TrialBalanceRow] = [:]
    for e in entries {
      let p = periodOf(e.date)
      if let period, p != period { continue }
      for l in e.lines {
        let k = Key(entity: e.entity, period: p, currency: e.currency.code, account: l.account)
        var row = sums[k] ?? TrialBalanceRow(
          entity: e.entity, period: p, currency: e.currency, account: l.account, name: chart.accounts[l.account]?.name ?? "",
          kind: chart.accounts[l.account]?.kind, debit: .zero, credit: .zero)
        if l.isDebit { row.debit = row.debit.adding(l.amount) ?? row.debit } else { row.credit = row.credit.adding(l.amount) ?? row.credit }
        sums[k] = row
      }
    }
    return sums.keys.sorted().compactMap { sums[$0] }
  }

  /// `YYYY-MM`.
  public static func periodOf(_ d: CivilDate) -> String { String(d.description.prefix(7)) }
}
