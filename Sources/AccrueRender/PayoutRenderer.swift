import AccrueCore
import AccrueModel

/// Processors' payouts tied out to the bank (`PayoutResult`): text, JSON and the `payouts` CSV table.
public enum PayoutRenderer {
  static func plain(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.plain(v, c) }

  /// The payout's sums in words: `charges 300.00, refunds 100.00, fees 12.90, dispute -20.00`.
  static func sums(_ p: PayoutReconciliation) -> String {
    let c = p.currency
    var parts = ["charges \(plain(p.charges, c))", "refunds \(plain(p.refunds, c))", "fees \(plain(p.fees, c))"]
    parts += p.other.map { "\($0.category) \(plain($0.amount, c))" }
    return parts.joined(separator: ", ")
  }

  /// One line of the header, then one per payout and per deposit no payout explains.
  public static func text(_ r: PayoutResult) -> String {
    let reconciled = r.count(.reconciled)
    var out = "\nPayouts as of \(r.asOf): \(r.payouts.count) payouts, \(reconciled) reconciled to the bank, "
    out += "\(r.count(.noBankCredit)) without a bank credit, \(r.count(.doesNotAddUp)) that do not add up; "
    out += "\(r.deposits.count) processor deposits without a payout\n"
    for p in r.payouts {
      let c = p.currency
      out += "  \(p.payoutID) (\(p.processor)) \(p.date) \(c.code) \(plain(p.net, c)): \(sums(p)); \(p.lineCount) \(p.lineCount == 1 ? "line" : "lines")\n"
      switch p.status {
      case .reconciled:
        if let b = p.credit {
          out += "    reconciled with bank payment \(b.paymentID) booked \(b.bookingDate) (\(b.source)), found by \(b.basis.rawValue)\n"
        }
      case .noBankCredit: out += "    no bank credit: \(p.reason)\n"
      case .doesNotAddUp: out += "    does not add up: \(p.reason)\n"
      }
      for f in p.refundLines {
        let inv = f.invoice.isEmpty ? "no invoice named" : "invoice \(f.invoice)"
        out += "    refund \(f.id) \(plain(f.amount, c)) against \(inv) (\(f.source))\n"
      }
    }
    for d in r.deposits {
      let from = d.payerName.isEmpty ? "" : " from \(d.payerName)"
      out += "  deposit \(d.paymentID) \(d.bookingDate) \(d.currency.code) \(plain(d.amount, d.currency))\(from) (\(d.source)): \(d.reason)\n"
    }
    if r.reconciledEarlier > 0 {
      out += "  \(r.reconciledEarlier) \(r.reconciledEarlier == 1 ? "payout was" : "payouts were") reconciled by earlier runs (the ledger records them)\n"
    }
    if r.unpaidLines > 0 { out += "  \(r.unpaidLines) processor \(r.unpaidLines == 1 ? "line is" : "lines are") in no payout yet (their charges are applied; the money is still at the processor)\n" }
    return out
  }

  /// `payouts` (each payout) and `processor_deposits`, for `plan --format json`.
  public static func json(_ r: PayoutResult) -> [(String, JSON)] {
    let payouts: [JSON] = r.payouts.map { p in
      let c = p.currency
      func amount(_ v: Fixed) -> JSON { .string(plain(v, c)) }
      let credit: JSON =
        p.credit.map { b in
          .object([
            ("payment", .string(b.paymentID)), ("date", .string(b.bookingDate.description)), ("amount", amount(b.amount)),
            ("found_by", .string(b.basis.rawValue)), ("source", .string(b.source)),
          ])
        } ?? .null
      return .object([
        ("key", .string(p.key)), ("processor", .string(p.processor)), ("payout", .string(p.payoutID)), ("date", .string(p.date.description)),
        ("currency", .string(c.code)), ("net", amount(p.net)), ("charges", amount(p.charges)), ("refunds", amount(p.refunds)),
        ("fees", amount(p.fees)), ("other", .array(p.other.map { .object([("category", .string($0.category)), ("amount", amount($0.amount))]) })),
        ("lines", .int(p.lineCount)), ("status", .string(p.status.rawValue)), ("bank_credit", credit),
        ("reason", p.reason.isEmpty ? .null : .string(p.reason)),
        (
          "refund_lines",
          .array(
            p.refundLines.map {
              .object([
                ("id", .string($0.id)), ("amount", amount($0.amount)), ("invoice", $0.invoice.isEmpty ? .null : .string($0.invoice)),
                ("charge", .string($0.chargeID)), ("source", .string($0.source)),
              ])
            })
        ),
        ("sources", .array(p.sources.map { .string($0) })),
      ])
    }
    let deposits: [JSON] = r.deposits.map { d in
      .object([
        ("key", .string(d.key)), ("processor", .string(d.processor)), ("payment", .string(d.paymentID)), ("date", .string(d.bookingDate.description)),
        ("currency", .string(d.currency.code)), ("amount", .string(plain(d.amount, d.currency))), ("payer_name", .string(d.payerName)),
        ("reason", .string(d.reason)), ("source", .string(d.source)),
      ])
    }
    return [("payouts", .array(payouts)), ("processor_deposits", .array(deposits))]
  }

  /// The `payouts` table: one row per payout, then one per deposit no payout explains (`kind` says which).
  public static func csv(_ r: PayoutResult?) -> String {
    var out = "key,kind,processor,payout,date,currency,net,charges,refunds,fees,other,status,bank_payment,bank_date,bank_source,reason,source\r\n"
    func row(_ cells: [String]) { out += cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n" }
    guard let r else { return out }
    for p in r.payouts {
      let c = p.currency
      row([
        p.key, "payout", p.processor, p.payoutID, p.date.description, c.code, plain(p.net, c), plain(p.charges, c), plain(p.refunds, c),
        plain(p.fees, c), p.other.map { "\($0.category)=\(plain($0.amount, c))" }.joined(separator: ";"), p.status.rawValue,
        p.credit?.paymentID ?? "", p.credit?.bookingDate.description ?? "", p.credit?.source ?? "", p.reason, p.sources.joined(separator: ";"),
      ])
    }
    for d in r.deposits {
      row([
        d.key, "deposit without payout", d.processor, "", d.bookingDate.description, d.currency.code, plain(d.amount, d.currency), "", "", "",
        "", "no payout", d.paymentID, d.bookingDate.description, d.source, d.reason, d.source,
      ])
    }
    return out
  }
}
