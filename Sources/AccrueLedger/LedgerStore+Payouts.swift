import AccrueCore
import AccrueModel
import AccrueSQLite

/// Processors' payouts reconciled to their bank credit (`processor_payouts`, schema version 2; `credit` since 3).
extension LedgerStore {
  func writePayouts(_ r: LedgerRecord) throws {
    let insert = try db.prepare(
      """
      INSERT INTO processor_payouts (key, payout, run, processor, date, currency, net, charges, refunds, fees, source, credit)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
      """)
    for case .payout(let p) in r.items {
      let c = p.net.currency
      func m(_ f: Fixed) throws -> SQLValue { .integer(try Self.minor(f, c, "payout \(p.payout)")) }
      try insert.run([
        .text(p.key), .text(p.payout), .integer(Int64(r.run)), .text(p.processor), .text(p.date.description), .text(c.code),
        try m(p.net.amount), try m(p.charges), try m(p.refunds), try m(p.fees), .text(p.source), .text(p.credit),
      ])
    }
  }

  /// The payouts recorded, by their item's key (none in a ledger of schema version 1).
  func recordedPayouts() throws -> [String: RecordedPayout] {
    guard try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'processor_payouts'").isEmpty else { return [:] }
    var out: [String: RecordedPayout] = [:]
    // Version 2 keyed a payout by its bank credit, and had no `credit` column.
    let credit = try db.query("SELECT 1 FROM pragma_table_info('processor_payouts') WHERE name = 'credit'").isEmpty ? "key" : "credit"
    for r in try db.query("SELECT key, payout, processor, date, currency, net, charges, refunds, fees, source, \(credit) FROM processor_payouts") {
      let key = r[0].text ?? ""
      guard let c = Currency.lookup(r[4].text ?? "") else {
        throw JournalError(message: "\(path): payout \(r[1].text ?? key) has a currency this Accrue does not know")
      }
      func f(_ v: SQLValue) -> Fixed { Fixed(minorUnits: v.integer ?? 0, exponent: c.minorUnits) }
      guard let day = CivilDate.parse(r[3].text ?? "") else { throw JournalError(message: "\(path): payout \(r[1].text ?? key) has no valid date") }
      out[key] = RecordedPayout(
        key: key, payout: r[1].text ?? "", credit: r[10].text ?? key, processor: r[2].text ?? "", date: day, net: Money(amount: f(r[5]), currency: c), charges: f(r[6]),
        refunds: f(r[7]), fees: f(r[8]), source: r[9].text ?? "")
    }
    return out
  }
}
