import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// A `processor` block, checked: the settings the data loader and payout matching read (its `rule` and the
/// statements' are set by the compiler) and where the block and its statements are written.
public struct CheckedProcessor: Sendable {
  public var settings: ProcessorSettings
  public var span: Span
  public var invoiceSpan: Span?
  public var windowSpan: Span?
}

// Payment processors (grammar.md §8.2): a processor Accrue reads (E0706, did you mean), one block each (E0302),
// each statement once (E0506); a metadata key that can name a column (E0707); a window of 0 to 31 whole days,
// a calendar only with business days (E0708); a calendar the rules declare (E0310).
extension CheckerState {
  /// The longest window: a payout that takes longer than a month is not one a bank credit can be matched to.
  static let maxPayoutWindow = 31

  func checkProcessors(_ ordered: [(Decl, FileID)]) {
    var first: [String: Span] = [:]
    for (d, _) in ordered {
      guard case .processor(let p) = d else { continue }
      let n = name(p.name.symbol)
      guard ProcessorSettings.known.contains(n) else {
        let sug = suggestion(for: n.lowercased(), in: ProcessorSettings.known) ?? ProcessorSettings.known.first { $0 == n.lowercased() }
        report(
          .unknownProcessor, "Accrue does not read exports of a processor named '\(n)'", at: p.name.span,
          help: sug.map { "did you mean '\($0)'? (Stripe's itemized payout reconciliation report, processors/stripe-*.csv)" }
            ?? "the processors Accrue reads: " + ProcessorSettings.known.joined(separator: ", "),
          fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(p.name.span, $0)]) })
        continue
      }
      if let f = first[n] {
        report(
          .duplicateDeclaration, "the processor '\(n)' has a second block", at: p.name.span, notes: [Note("its first block is here", at: f)],
          help: "state each of its settings once, in one 'processor \(n) { ... }' block: move these statements into the first and remove this one")
        continue
      }
      first[n] = p.name.span
      if let checked = checkProcessor(p, named: n) { processors.append(checked) }
    }
  }

  /// One block: nil when it has an error (payouts are never matched with half-stated settings).
  func checkProcessor(_ p: ProcessorDecl, named n: String) -> CheckedProcessor? {
    let before = diags.count
    var stated: [String: Span] = [:]
    var out = CheckedProcessor(settings: ProcessorSettings(processor: n), span: p.span)
    var calendarSpan: Span?
    for item in p.items {
      if let first = stated[item.key] {
        report(
          .duplicateSetting, "the processor block states '\(item.key)' twice", at: item.span, notes: [Note("first stated here", at: first)],
          help: "keep one '\(item.key)' statement")
        continue
      }
      stated[item.key] = item.span
      switch item {
      case .invoiceMetadata(let key, let s):
        out.invoiceSpan = s
        if checkMetadataKey(key) { out.settings.invoiceMetadataKey = key.value }
      case .payoutWindow(let count, let countSpan, let business, let s):
        out.windowSpan = s
        if let days = windowDays(count, at: countSpan, business: business) {
          out.settings.windowDays = days
          out.settings.businessDays = business
        }
      case .calendar(let c, let s):
        calendarSpan = s
        if let i = calendarIndex[c.symbol] {
          calendarUsed.insert(i)
          out.settings.calendar = name(c.symbol)
        } else {
          let sug = suggestion(for: name(c.symbol), in: calendarIndex.keys.map(name))
          report(
            .unknownReference, "there is no calendar '\(name(c.symbol))'", at: c.span,
            help: sug.map { "did you mean '\($0)'?" } ?? "declare it: calendar \(name(c.symbol)) { holiday 2026-12-25 }")
        }
      }
    }
    if let s = calendarSpan, !out.settings.businessDays, diags.count == before {
      report(
        .payoutWindow, "the calendar counts business days, but the payout window is in calendar days", at: s,
        help: stated["payouts reach the bank within"] == nil
          ? "add: payouts reach the bank within 3 business days (or leave the calendar out)"
          : "write the window in business days, as in: payouts reach the bank within 3 business days (or leave the calendar out)")
    }
    return diags.count == before ? out : nil
  }

  /// A key that can stand between the brackets of `payment_metadata[KEY]`; false (reported) otherwise.
  func checkMetadataKey(_ key: StringLit) -> Bool {
    let v = key.value
    let trimmed = v.trimmingCharacters(in: .whitespaces)
    var inner = trimmed
    if let open = trimmed.firstIndex(of: "["), let close = trimmed.lastIndex(of: "]"), open < close {
      inner = String(trimmed[trimmed.index(after: open)..<close])
    }
    let bad = trimmed.isEmpty || trimmed.contains { "[]\"\n\r".contains($0) } || trimmed != v
    guard bad else { return true }
    let message =
      trimmed.isEmpty
      ? "the metadata key is empty"
      : trimmed != v ? "the metadata key \(v.quotedForMessage) has spaces around it"
      : "the metadata key \(v.quotedForMessage) has brackets or quotes: the key is what stands between the brackets of payment_metadata[...]"
    let fixed = inner.trimmingCharacters(in: .whitespaces)
    let usable = !fixed.isEmpty && !fixed.contains { "[]\"\n\r".contains($0) }
    report(
      .processorInvoiceKey, message, at: key.span,
      help: usable
        ? "did you mean \(fixed.quotedForMessage)? (the export's column is payment_metadata[\(fixed)])"
        : "write the key of the charge's metadata that holds the invoice number, as in: invoice number from metadata \"accrue_invoice\" (or leave the statement out to read the invoice_number column)",
      fix: usable ? FixIt("replace with \(fixed.quotedForMessage)", edits: [Edit(key.span, fixed.quotedForMessage)]) : nil)
    return false
  }

  /// The window's days (0...31); nil (reported) otherwise.
  func windowDays(_ count: String, at span: Span, business: Bool) -> Int? {
    let unit = business ? "business days" : "days"
    if let n = Int(count), n >= 0, n <= Self.maxPayoutWindow { return n }
    let message: String
    if let n = Int(count), n < 0 {
      message = "the payout window \(count) \(unit) is negative: a payout cannot reach the bank before its date"
    } else if Int(count) != nil || count.allSatisfy(\.isNumber) {
      message = "the payout window \(count) \(unit) is over \(Self.maxPayoutWindow) days"
    } else {
      message = "the payout window \(count) \(unit) is not a whole number of days"
    }
    report(
      .payoutWindow, message, at: span,
      help: "write the days from the payout's date (automatic_payout_effective_at) to the bank's booking, 0 to \(Self.maxPayoutWindow), as in: payouts reach the bank within 3 business days")
    return nil
  }
}
