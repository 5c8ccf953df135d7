import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// Currencies in expressions: amounts per currency, the currency conditions make known, and what to write when
/// money of any currency meets money of one.
extension CheckerState {
  func unifyCurrency(
    _ x: CurrencyKind, _ y: CurrencyKind, at span: Span, _ ctx: Context, what: @autoclosure () -> String
  ) -> CurrencyKind {
    switch (x, y) {
    case (.known(let a), .known(let b)):
      if a != b {
        report(
          .currencyMismatch, "\(what()) mix \(a.code) and \(b.code)", at: span,
          help: "use one currency; Accrue never converts currencies")
      }
      return .known(a)
    case (.known(let a), .perCurrency(let cs)), (.perCurrency(let cs), .known(let a)):
      if !cs.contains(a) {
        report(
          .currencyMismatch, "\(what()) need an amount in \(a.code), and the amounts per currency have none", at: span,
          help: "add an amount in \(a.code) to the list: [\(cs.map { "... \($0.code)" }.joined(separator: ", ")), ... \(a.code)]")
      }
      return .known(a)
    case (.perCurrency(let p), .perCurrency(let q)):
      let common = p.filter(q.contains)
      if common.isEmpty {
        report(
          .currencyMismatch, "\(what()) have no currency in common (\(p.map(\.code).joined(separator: ", ")) and \(q.map(\.code).joined(separator: ", ")))",
          at: span, help: "use one currency; Accrue never converts currencies")
        return .perCurrency(p)
      }
      return .perCurrency(common)
    case (.dynamic, .perCurrency), (.perCurrency, .dynamic):
      // The amount of the record's currency is taken at run time (none: the run stops with an error there).
      return .dynamic
    case (.known(let a), .dynamic), (.dynamic, .known(let a)):
      if ctx.blockCurrency == nil, !ctx.thresholdsReported, !ctx.approvals {
        report(
          .currencyNotKnown, "\(what()) meet an amount that may be in any currency and an amount in \(a.code): for records in another currency there is no answer",
          at: span,
          help: currencyHelp(a, ctx))
      }
      return .known(a)
    case (.dynamic, .dynamic):
      return .dynamic
    }
  }

  // MARK: - Currencies

  /// The customer fields worked out from its open invoices (by dunning only).
  static let customerTotals: Set<String> = ["balance", "overdue_balance", "overdue_count", "oldest_overdue_days", "broken_promises"]

  /// A list of amounts in two or more currencies, each once: amounts per currency (nil: an ordinary list).
  func perCurrency(_ items: [Expr], _ types: [ValueType]) -> ValueType? {
    guard items.count >= 2 else { return nil }
    var currencies: [Currency] = []
    var spans: [Currency: Span] = [:]
    for (it, t) in zip(items, types) {
      guard case .money(.known(let c)) = t else { return nil }
      currencies.append(c)
      if spans[c] == nil { spans[c] = it.span }
    }
    guard Set(currencies).count >= 2 else { return nil }
    var seen: Set<Currency> = []
    for (it, c) in zip(items, currencies) where !seen.insert(c).inserted {
      report(
        .currencyMismatch, "the amounts per currency give two amounts in \(c.code)", at: it.span,
        notes: [Note("the first amount in \(c.code) is here", at: spans[c]!)], help: "give each currency one amount")
    }
    return .money(.perCurrency(Array(seen).sorted()))
  }

  /// The currencies a condition tests, where it holds: `invoice.currency = USD` (and such tests joined by 'and').
  func currencyFacts(_ e: Expr) -> [(record: RecordKind, currency: Currency)] {
    switch e.kind {
    case .binary(.and, let l, let r): return currencyFacts(l) + currencyFacts(r)
    case .binary(.equal, let l, let r):
      if let rec = currencyField(l), let c = currencyName(r) { return [(rec, c)] }
      if let rec = currencyField(r), let c = currencyName(l) { return [(rec, c)] }
      return []
    default: return []
    }
  }

  /// The record whose `currency` field this is (invoices and payments: their money is in it). Read from the
  /// syntax, so conditions can narrow the statements after them before those are typed.
  func currencyField(_ e: Expr) -> RecordKind? {
    guard case .field(let base, let f) = e.kind, name(f.symbol) == "currency", case .name(let n) = base.kind else { return nil }
    switch name(n.symbol) {
    case "invoice": return .invoice
    case "payment": return .payment
    default: return nil
    }
  }

  func currencyName(_ e: Expr) -> Currency? {
    guard case .name(let n) = e.kind, lets[n.symbol] == nil else { return nil }
    let s = name(n.symbol)
    return s.utf8.count == 3 && s.uppercased() == s ? Currency.lookup(s) : nil
  }

  /// `x > 10.00 USD or x > 8.00 GBP` (the same amount of any currency, one comparison, amounts in distinct
  /// currencies): the one comparison to write instead, `x > [10.00 USD, 8.00 GBP]`.
  func thresholdsByCurrency(_ e: Expr) -> String? {
    var parts: [Expr] = []
    func flatten(_ x: Expr) {
      if case .binary(.or, let a, let b) = x.kind {
        flatten(a)
        flatten(b)
      } else {
        parts.append(x)
      }
    }
    flatten(e)
    var subject: String?
    var comparison: BinaryOp?
    var amounts: [String] = []
    var currencies: Set<Currency> = []
    for p in parts {
      guard case .binary(let op, let x, let y) = p.kind, op.isComparison, case .money(_, let c)? = constValue(y),
        constValue(x) == nil, currencies.insert(c).inserted
      else { return nil }
      let text = sources[x.span.file].text(x.span)
      if let s = subject, s != text || comparison != op { return nil }
      subject = text
      comparison = op
      amounts.append(sources[y.span.file].text(y.span))
    }
    guard let s = subject, let op = comparison, amounts.count >= 2 else { return nil }
    return "\(s) \(op.rawValue) [\(amounts.joined(separator: ", "))]"
  }

  /// The ways to say which currency is meant, in this kind of block: amounts per currency always; a block
  /// currency where blocks have one; a test of the record's currency where it has one.
  func currencyHelp(_ a: Currency, _ ctx: Context) -> String {
    var ways = ["give one amount per currency, as in [10_000.00 \(a.code), 8_000.00 \(a.code == "GBP" ? "EUR" : "GBP")]"]
    if ctx.records.contains(.invoice) || ctx.records.contains(.payment) { ways.append("add 'currency \(a.code)' to this block") }
    if ctx.records.contains(.invoice) { ways.append("test the currency first, as in 'invoice.currency = \(a.code) and ...'") }
    if ctx.records.contains(.payment) { ways.append("test the currency first, as in 'payment.currency = \(a.code) and ...'") }
    if !ctx.params.isEmpty { ways.append("give the parameter its currency, as in 'money \(a.code)'") }
    return ways.joined(separator: "; or ")
  }
}
