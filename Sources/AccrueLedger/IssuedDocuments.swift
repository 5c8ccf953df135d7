import AccrueCore
import AccrueModel
import AccrueSQLite

/// An invoice as the ledger recorded it when it was issued: what a credit note of it reverses (never what the rules
/// or the contract say now).
public struct IssuedDocument: Sendable {
  public struct Line: Sendable {
    public var kind: String
    public var description: String
    public var charge: String?
    public var amount: Fixed
    /// [start, end): the service the line billed.
    public var periodStart: CivilDate
    public var periodEnd: CivilDate
    public var rule: String
  }

  public struct Tax: Sendable {
    public var label: String
    public var rate: Fixed
    public var inclusive: Bool
    public var amount: Fixed
    public var rule: String
  }

  public var key: String
  public var plan: String
  public var currency: Currency
  public var subtotal: Fixed
  public var total: Fixed
  public var lines: [Line]
  public var taxes: [Tax]
}

extension LedgerStore {
  /// The documents of the ledger at `path` whose keys are given, with their lines and taxes, by key (read-only).
  public static func issuedDocuments(ledgerPath path: String, keys: [String]) throws(JournalError) -> [String: IssuedDocument] {
    guard !keys.isEmpty else { return [:] }
    do {
      let db = try openForReading(path)
      var out: [String: IssuedDocument] = [:]
      for key in keys {
        guard let d = try db.query("SELECT plan, currency, subtotal, total FROM documents WHERE key = ?1", [.text(key)]).first,
          let c = Currency.lookup(d[1].text ?? "")
        else { continue }
        func f(_ v: SQLValue) -> Fixed { Fixed(minorUnits: v.integer ?? 0, exponent: c.minorUnits) }
        func day(_ v: SQLValue) -> CivilDate { CivilDate.parse(v.text ?? "") ?? CivilDate(dayNumber: 0) }
        let lines = try db.query(
          "SELECT kind, description, charge, amount, period_start, period_end, rule FROM document_lines WHERE document = ?1 ORDER BY line", [.text(key)]
        ).map { r in
          IssuedDocument.Line(
            kind: r[0].text ?? "", description: r[1].text ?? "", charge: r[2].text, amount: f(r[3]), periodStart: day(r[4]), periodEnd: day(r[5]),
            rule: r[6].text ?? "")
        }
        let taxes = try db.query("SELECT label, rate, inclusive, amount, rule FROM document_taxes WHERE document = ?1 ORDER BY line", [.text(key)]).map { r in
          IssuedDocument.Tax(
            label: r[0].text ?? "", rate: Fixed(r[1].text ?? "0") ?? .zero, inclusive: r[2].integer == 1, amount: f(r[3]), rule: r[4].text ?? "")
        }
        out[key] = IssuedDocument(key: key, plan: d[0].text ?? "", currency: c, subtotal: f(d[2]), total: f(d[3]), lines: lines, taxes: taxes)
      }
      return out
    } catch { throw JournalError(message: "cannot read the ledger \(path): \(error.message)") }
  }
}
