// The catalogue's codes for payment processors' settings (E0706-E0708, grammar.md §8.2). Ids are stable: never
// renumber, never reuse. Keep sorted by id.

extension DiagnosticCode {
  // MARK: - Payment processors (E07xx)

  public static let unknownProcessor = DiagnosticCode(
    "E0706", "unknown-processor", .error, "a processor block names a processor whose exports Accrue does not read",
    """
    A `processor` block states how one payment processor's exports in the data folder's
    processors/ are read. Accrue reads Stripe's itemized payout reconciliation report
    (processors/stripe-*.csv), so the only processor name is `stripe`, written in lower case.

    Wrong:
        processor Stripe { ... }
        processor paypal { ... }

    Right:
        processor stripe {
          invoice number from metadata "accrue_invoice"
        }
    """)

  public static let processorInvoiceKey = DiagnosticCode(
    "E0707", "processor-invoice-key", .error, "a processor's metadata key cannot name a column of its export",
    """
    `invoice number from metadata "KEY"` reads Accrue's invoice number from the export's
    payment_metadata[KEY] column (the metadata your checkout attaches to each charge). The key is
    what stands between the brackets: not empty, without brackets or quotes, on one line.
    Without the statement, the export's invoice_number column is read.

    Wrong:
        invoice number from metadata "payment_metadata[accrue_invoice]"
        invoice number from metadata ""

    Right:
        invoice number from metadata "accrue_invoice"
    """)

  public static let payoutWindow = DiagnosticCode(
    "E0708", "payout-window", .error, "a processor's payout window is not a number of days Accrue can use",
    """
    `payouts reach the bank within N days` (or `N business days`) says how many days after a
    payout's date (automatic_payout_effective_at) its credit may be booked on the bank statement;
    a payout is matched to a bank credit of its amount booked on its date or in the N days after.
    N is a whole number from 0 to 31. Business days are counted on the block's `calendar` (its
    weekends and holidays skipped), else Monday to Friday; a calendar counts only business days.
    Without the statement the window is 5 days.

    Wrong:
        payouts reach the bank within -1 days
        payouts reach the bank within 2.5 days
        payouts reach the bank within 60 days

    Right:
        payouts reach the bank within 3 business days
        calendar us_holidays
    """)
}
