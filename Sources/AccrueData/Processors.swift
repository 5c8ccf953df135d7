import AccrueCore
import AccrueImport
import AccrueModel
import Foundation

/// What the data folder's `processors/` holds: the lines of payment processors' payout reconciliation exports.
public struct ProcessorData: Sendable {
  /// In file name, then row order (payout reconciliation puts them in an order of its own).
  public var lines: [ProcessorLine] = []

  public init(lines: [ProcessorLine] = []) { self.lines = lines }

  /// The charges as payments to apply: id `stripe:TXN`, booked on the day the customer paid, of the charge's
  /// gross (the fee is the processor's expense, never less paid by the customer), the invoice the processor
  /// carries as the reference and at the start of the text (cash application's patterns read either).
  public func payments() -> [Payment] {
    lines.filter(\.isCharge).map { l in
      let text = [l.invoice, "\(l.processor) \(l.category) \(l.chargeID)", l.description].filter { !$0.isEmpty }.joined(separator: " ")
      let t = BankTransaction(
        bookingDate: l.created, valueDate: l.availableOn, amount: l.gross, currency: l.currency, reference: l.invoice,
        endToEndID: l.chargeID, bankReference: l.transactionID, remittance: text,
        counterpartyName: l.customerEmail.isEmpty ? l.customerID : l.customerEmail, source: l.source)
      return Payment(id: l.paymentID, transaction: t)
    }
  }
}

/// Stripe's itemized payout reconciliation report (`payout_reconciliation.itemized.5` and its earlier versions;
/// columns as https://docs.stripe.com/reports/report-types/payout-reconciliation lists them). Columns are found
/// by name; others are ignored.
package enum StripeExport {
  package static let required = ["balance_transaction_id", "created", "currency", "gross", "fee", "net", "reporting_category"]
  package static let optional = [
    "automatic_payout_id", "automatic_payout_effective_at", "available_on", "source_id", "charge_id", "invoice_number",
    "description", "customer_id", "customer_email",
  ]

  /// The header's column names (first record; quotes removed, a byte order mark dropped).
  static func header(_ bytes: [UInt8]) -> [String] {
    var b = bytes[...]
    if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
    let line = b.prefix { $0 != 10 && $0 != 13 }
    var names: [String] = []
    var cur: [UInt8] = []
    var quoted = false
    for c in line {
      if c == 34 { quoted.toggle() } else if c == 44 && !quoted { names.append(String(decoding: cur, as: UTF8.self)); cur = [] } else { cur.append(c) }
    }
    names.append(String(decoding: cur, as: UTF8.self))
    return names.map { $0.trimmingCharacters(in: .whitespaces) }
  }

  /// A date, or the date part of a date and time (`2026-11-05 00:00:00`, `2026-11-05T08:12:00Z`): Stripe writes
  /// times in the report's time zone, and the day as written is the day taken.
  static func date(_ s: String) -> CivilDate? {
    let t = s.trimmingCharacters(in: .whitespaces)
    guard t.utf8.count >= 10 else { return nil }
    let day = String(t.prefix(10))
    if t.utf8.count > 10 { let sep = t[t.index(t.startIndex, offsetBy: 10)]; if sep != " " && sep != "T" { return nil } }
    return CivilDate.parse(day)
  }
}

/// Reads one Stripe export into lines (and located issues).
struct StripeFile {
  let path: String
  /// The rules' settings: `invoiceMetadataKey` names the `payment_metadata[KEY]` column holding Accrue's invoice
  /// number, when the charges carry it there.
  let settings: ProcessorSettings
  var lines: [ProcessorLine] = []
  var issues: [DataIssue] = []

  init(path: String, settings: ProcessorSettings) {
    self.path = path
    self.settings = settings
  }

  mutating func read() {
    guard let data = FileManager.default.contents(atPath: path) else {
      issues.append(DataFolder.unreadable(path, "cannot read \((path as NSString).lastPathComponent)"))
      return
    }
    let header = StripeExport.header([UInt8](data))
    let meta = settings.invoiceMetadataKey.map { "payment_metadata[\($0)]" }
    let known = StripeExport.required + StripeExport.optional + (meta.map { [$0] } ?? [])
    var missing = false
    for name in StripeExport.required where !header.contains(name) {
      var message = "missing column '\(name)' in Stripe's itemized payout reconciliation export"
      let others = header.filter { !known.contains($0) }
      if let s = Suggest.closest(to: name, among: others) { message += "; did you mean '\(s)'? (rename that column to '\(name)')" }
      issues.append(DataIssue(code: "D0201", file: path, line: 1, column: 1, message: message))
      missing = true
    }
    if let meta, !header.contains(meta) {
      let rule = settings.invoiceRule.map { " (\($0.file):\($0.line))" } ?? ""
      var message = "missing column '\(meta)': the rules\(rule) read the invoice number from it"
      if let s = Suggest.closest(to: meta, among: header.filter { $0.hasPrefix("payment_metadata[") }) {
        message += "; did you mean '\(s)'? (write its key in the rules' 'invoice number from metadata')"
      } else {
        message += "; export the report with the charges' metadata column '\(meta)', or remove 'invoice number from metadata' from the rules to read invoice_number"
      }
      issues.append(DataIssue(code: "D0201", file: path, line: 1, column: 1, message: message))
      missing = true
    }
    if missing { return }
    // Every column the header has that Accrue reads, as text; the others are the export's and are ignored.
    let columns = known.filter { header.contains($0) }.map { ColumnSpec(name: $0, type: .text) }
    let schema = TableSchema(name: "the Stripe export", columns: columns)
    let (rows, found) = TableReader.readAll(TableFile(path: path, format: .csv), schema: schema)
    issues += found.filter { $0.code != "D0202" }
    for row in rows { take(row, columns: columns.map(\.name), meta: meta) }
  }

  /// One row: its values checked (dates, currency, amounts with the currency's decimals, net = gross - fee).
  mutating func take(_ row: Row, columns: [String], meta: String?) {
    func text(_ name: String) -> String { columns.firstIndex(of: name).flatMap { row.values[$0].text } ?? "" }
    func column(_ name: String) -> Int { columns.firstIndex(of: name).map { row.columns[$0] } ?? 1 }
    func bad(_ code: String, _ name: String, _ message: String) {
      issues.append(DataIssue(code: code, file: path, line: row.line, column: column(name), message: message, record: row.raw))
    }
    for name in ["balance_transaction_id", "created", "currency", "gross", "fee", "net", "reporting_category"] where text(name).isEmpty {
      return bad("D0203", name, "missing value for '\(name)': every line of the export has one; export the report again")
    }
    guard let currency = Currency.lookup(text("currency").uppercased()) else {
      return bad("D0206", "currency", "unknown currency '\(text("currency"))': write an ISO 4217 code such as usd or eur")
    }
    var amounts: [Fixed] = []
    for name in ["gross", "fee", "net"] {
      let s = text(name)
      guard let v = Fixed(s) else {
        return bad("D0205", name, "'\(s)' in \(name) is not an amount: write a decimal in major units with a point, such as 12.34 or -5.00")
      }
      guard v.significantFractionDigits <= currency.minorUnits else {
        return bad("D0208", name, "\(name) \(s) has more decimals than \(currency.code) allows (\(currency.minorUnits))")
      }
      amounts.append(v)
    }
    guard let expected = amounts[0].subtracting(amounts[1]), expected == amounts[2] else {
      let e = amounts[0].subtracting(amounts[1]).map { $0.formatted(places: currency.minorUnits) } ?? "too large"
      return bad(
        "D0314", "net",
        "net \(text("net")) is not gross \(text("gross")) minus fee \(text("fee")) (\(e)): the line does not add up; correct the export or ask Stripe")
    }
    guard let created = StripeExport.date(text("created")) else {
      return bad("D0204", "created", "'\(text("created"))' in created is not a date: write YYYY-MM-DD, optionally with a time")
    }
    var dates: [CivilDate?] = []
    for name in ["automatic_payout_effective_at", "available_on"] {
      let s = text(name)
      if s.isEmpty { dates.append(nil); continue }
      guard let d = StripeExport.date(s) else { return bad("D0204", name, "'\(s)' in \(name) is not a date: write YYYY-MM-DD, optionally with a time") }
      dates.append(d)
    }
    let payout = text("automatic_payout_id")
    if !payout.isEmpty, dates[0] == nil {
      return bad("D0203", "automatic_payout_effective_at", "payout \(payout) has no automatic_payout_effective_at: the date it reaches the bank is needed to find its credit")
    }
    let invoice = meta.map(text).flatMap { $0.isEmpty ? nil : $0 } ?? text("invoice_number")
    let category = text("reporting_category")
    let charge = text("charge_id").isEmpty && (category == "charge" || category == "payment") ? text("source_id") : text("charge_id")
    lines.append(
      ProcessorLine(
        processor: "stripe", payoutID: payout, payoutDate: dates[0], transactionID: text("balance_transaction_id"), created: created,
        availableOn: dates[1], currency: currency, gross: amounts[0], fee: amounts[1], net: amounts[2], category: category,
        chargeID: charge, invoice: invoice, description: text("description"), customerID: text("customer_id"),
        customerEmail: text("customer_email"), source: path + ":" + String(row.line)))
  }
}

extension Dataset {
  /// Reads the exports in the data folder's `processors/` (none when there is no such folder): `stripe-*.csv`,
  /// in name order. Another file there is an error naming what it should be called; a transaction id seen twice
  /// is D0304 (one export delivered twice would count its money twice).
  package static func loadProcessors(folder: String, stripe: ProcessorSettings, _ issues: inout [DataIssue]) -> ProcessorData {
    let dir = DataFolder.join(folder, "processors")
    switch DataFolder.probe(dir, folder: true) {
    case .absent: return ProcessorData()
    case .unreadable(let why):
      issues.append(DataFolder.unreadable(dir, why))
      return ProcessorData()
    case .present: break
    }
    var names: [String] = []
    switch DataFolder.list(dir) {
    case .failure(let e):
      issues.append(DataFolder.unreadable(dir, "cannot list processors/: error \(e.code)"))
    case .success(let n): names = n.filter { !$0.hasPrefix(".") }.sorted()
    }
    var out = ProcessorData()
    var seen: [String: String] = [:]
    for name in names {
      let path = DataFolder.join(dir, name)
      guard name.hasPrefix("stripe-"), name.hasSuffix(".csv") else {
        issues.append(
          DataFolder.unreadable(
            path, "\(name) is not a processor export Accrue reads: name Stripe's itemized payout reconciliation export stripe-NAME.csv, or move the file out of processors/"))
        continue
      }
      var f = StripeFile(path: path, settings: stripe)
      f.read()
      issues += f.issues
      for l in f.lines {
        if let first = seen[l.transactionID] {
          let line = CashData.location(l.source).1
          issues.append(
            DataIssue(
              code: "D0304", file: path, line: line, column: 1,
              message: "balance transaction \(l.transactionID) is already at \(first): remove the second copy (its money would count twice)"))
          continue
        }
        seen[l.transactionID] = l.source
        out.lines.append(l)
      }
    }
    return out
  }
}

extension CashData {
  /// Adds the processors' charges to the payments (a charge whose id a payment already has is D0304), keeping
  /// booking date, then id order.
  package mutating func addProcessorCharges(_ p: ProcessorData, _ issues: inout [DataIssue]) {
    let charges = p.payments()
    if charges.isEmpty { return }
    let ids = Set(payments.map(\.id))
    for c in charges {
      if ids.contains(c.id) {
        let (file, line) = CashData.location(c.transaction.source)
        issues.append(
          DataIssue(code: "D0304", file: file, line: line, column: 1, message: "payment id '\(c.id)' is also in payments.csv: remove one of them"))
        continue
      }
      payments.append(c)
    }
    payments.reorder(Payment.order(payments), placeholder: .placeholder)
  }

  /// `file:line` split at its last colon.
  static func location(_ source: String) -> (String, Int) {
    guard let i = source.lastIndex(of: ":") else { return (source, 0) }
    return (String(source[..<i]), Int(source[source.index(after: i)...]) ?? 0)
  }
}
