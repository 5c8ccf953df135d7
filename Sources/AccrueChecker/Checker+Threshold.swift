import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// Progressive billing (grammar.md §6.10): `bill early when usage reaches AMOUNT | N units of METRIC`.
extension CheckerState {
  func checkThreshold(_ t: ThresholdSpec, _ ctx: Context) {
    if let e = t.amount {
      let what = "the progressive billing threshold"
      // A number where an amount belongs: most likely units without their word.
      if case .number = typeOf(e, ctx) {
        let text = sources[e.span.file].text(e.span)
        report(
          .typeMismatch, "\(what) is a number, but it must be an amount of money or units of a metric", at: e.span,
          help: "write an amount, as in: bill early when usage reaches \(text) \((ctx.blockCurrency ?? ctx.priceBook.first)?.code ?? "USD"), or units of a "
            + "metric, as in: bill early when usage reaches \(text) units of api_calls")
        return
      }
      expectMoney(e, ctx, what, total: true)
      if case .money(let v, _)? = constValue(e), v.isZero {
        report(
          .valueOutOfRange, "\(what) must be more than zero", at: e.span,
          help: "an invoice issued whenever usage reaches nothing bills every day; write the amount that triggers it, as in 1000.00 USD")
      }
    }
    if let n = t.units, n.isNegative || n.isZero {
      report(
        .valueOutOfRange, "the progressive billing threshold must be more than zero units", at: t.unitsSpan ?? t.span,
        help: "write the units that trigger the invoice, as in: bill early when usage reaches 10_000 units of api_calls")
    }
    if let m = t.metric {
      if let i = metricIndex[m.symbol] {
        metricUsed.insert(i)
      } else {
        let sug = suggestion(for: name(m.symbol), in: metricIndex.keys.map(name))
        report(
          .unknownReference, "there is no metric '\(name(m.symbol))'", at: m.span,
          help: sug.map { "did you mean '\($0)'?" } ?? "the units of a threshold are a metric's: declare it, as in: metric \(name(m.symbol)) { sum of event.quantity }",
          fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(m.span, $0)]) })
      }
    }
  }
}
