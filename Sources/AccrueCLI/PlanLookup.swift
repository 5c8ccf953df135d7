import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun

/// `plan --explain KEY` and `plan --why-not INVOICE` with a key that names nothing: the message that says so, what
/// the key is instead when it names something else (an invoice of the data, a payment without its `payment:`
/// prefix, an item an earlier apply recorded, a kind `--only` left out), and the closest key that would work.
enum PlanLookup {
  /// The keys `--explain` takes in this run: invoice keys, reminder keys and `payment:ID`.
  static func explainable(_ o: RunOutput) -> [String] {
    o.billing.invoices.map(\.key) + (o.collections?.reminders.map(\.key) ?? []) + (o.cash?.applications.map(\.key) ?? [])
  }

  /// Nil when `key` is one of this run's invoices, reminders or payments; else the error message (no "Error: ").
  static func explainMissing(_ key: String, output o: RunOutput, inputs: RunInputs, only: RunOutput.Part?, state: String?) -> String? {
    let keys = explainable(o)
    if keys.contains(key) { return nil }
    let asOf = inputs.asOf
    var msg = "no invoice, reminder or payment with key '\(key)' in this run as of \(asOf)"
    if let item = inputs.journal?.items.first(where: { $0.key == key }) {
      msg = "'\(key)' was produced by an earlier apply (its \(item.kind.rawValue) is recorded in the ledger \(state ?? "the state folder")/\(LedgerStore.fileName)), so this run leaves it out"
      return msg + "; run plan without --state to see it again"
    }
    if let only, let kind = kindOf(key, inputs: inputs), kind != only {
      return msg + ": --only \(only.rawValue) leaves out \(kind == .matches ? "cash application" : kind == .reminders ? "reminders" : "billing"); drop --only to explain it"
    }
    if inputs.data.invoices.contains(where: { $0.id == key }) {
      msg = "'\(key)' is an invoice of \(fileName(inputs.data.invoicesFile, "invoices.csv")), issued before this run: --explain takes a key this run produces: an invoice's (CONTRACT/BILLING_DATE), a reminder's (INVOICE/CADENCE/STEP) or payment:ID"
      if let r = o.collections?.reminders.filter({ $0.invoices.contains { $0.id == key } }).map(\.key).min() {
        return msg + ". Did you mean its reminder '\(r)'?"
      }
      // No other key is meant: say where to look instead.
      return msg + (o.collections != nil ? "; no reminder covers it in this run (--why-not \(key) says why)" : "")
    }
    if kindOf(key, inputs: inputs) == .invoices, let slash = key.lastIndex(of: "/"), let date = CivilDate.parse(String(key[key.index(after: slash)...])) {
      let (since, asOf) = (o.billing.since, o.billing.asOf)
      if inputs.data.issuedKeys.contains(key) {
        return "invoice \(key) is already issued (\(fileName(inputs.data.invoicesFile, "invoices.csv"))): billing does not issue it again"
      }
      if date <= since || date > asOf {
        msg += " (its billing date \(date) is outside the run's window: billing dates after \(since) up to \(asOf); --since and --as-of set it)"
      }
    }
    let paymentID = key.hasPrefix("payment:") ? String(key.dropFirst("payment:".count)) : key
    if let p = inputs.data.cash.payments.first(where: { $0.id == paymentID }) {
      if keys.contains("payment:" + p.id) {
        return "no invoice, reminder or payment with key '\(key)' in this run: a payment's key is payment:ID. Did you mean 'payment:\(p.id)'?"
      }
      if p.transaction.bookingDate > asOf {
        return "payment \(p.id) is booked on \(p.transaction.bookingDate), after \(asOf): this run applies the payments booked up to its date"
      }
    }
    if let h = Suggest.closest(to: key, in: keys) { msg += ". Did you mean '\(h)'?" }
    return msg
  }

  /// Nil when `id` is an invoice of the data (the engine's reasons are then shown); else the error message.
  static func whyNotMissing(_ id: String, output o: RunOutput, inputs: RunInputs) -> String? {
    let ids = inputs.data.invoices.map(\.id)
    if ids.contains(id) { return nil }
    // A document the ledger holds (an earlier apply issued it) is dunned beside the file's.
    if inputs.journal?.receivables.contains(where: { ($0.number ?? $0.key) == id || $0.key == id }) == true { return nil }
    let file = fileName(inputs.data.invoicesFile, "invoices.csv")
    if o.billing.invoices.contains(where: { $0.key == id }) {
      return "'\(id)' is an invoice this run bills: it is not issued yet, and reminders go only to open invoices of \(file); --explain \(id) shows how it was computed"
    }
    if inputs.data.invoicesFile == nil {
      return "the data folder has no invoices file, so there is no invoice '\(id)' to dun"
    }
    var msg = "no invoice '\(id)' in \(file)"
    // A reminder key given instead of an invoice id: the invoice it names.
    var hint: String?
    if let r = o.collections?.reminders.first(where: { $0.key == id }) {
      hint = r.invoices.first?.id
      msg = "'\(id)' is a reminder of this run, not an invoice: --why-not takes an invoice id (--explain \(id) says why the reminder fired)"
    } else if let slash = id.firstIndex(of: "/"), ids.contains(String(id[..<slash])) {
      hint = String(id[..<slash])
    }
    if hint == nil { hint = Suggest.closest(to: id, in: ids) }
    if let h = hint { msg += ". Did you mean '\(h)'?" }
    return msg
  }

  /// Which part of a run produces `key`, judged from its shape and the data (nil: unknown).
  static func kindOf(_ key: String, inputs: RunInputs) -> RunOutput.Part? {
    if key.hasPrefix("payment:") || key.hasPrefix("return:") || key.hasPrefix("payout:") { return .matches }
    let parts = key.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count == 3 { return .reminders }
    if parts.count == 2, CivilDate.parse(String(parts[1])) != nil, inputs.data.contractIndex[String(parts[0])] != nil { return .invoices }
    return nil
  }

  static func fileName(_ path: String?, _ fallback: String) -> String { path ?? fallback }
}
