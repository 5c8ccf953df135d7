import AccrueModel

/// The layout of every file `accrue ledger export` writes (version `LedgerExport.version`): columns in order with
/// their meaning, the rows' order, and the query over the ledger's tables that gives them. The JSON Schema files
/// under docs/schema/ledger-export/ are made from these layouts (a test keeps them equal).
enum LedgerExportTables {
  struct Spec {
    var table: LedgerExportTable
    /// Selects the columns in layout order, then (for a table with amounts) what gives their decimals.
    var sql: String
  }

  typealias C = LedgerExportColumn

  static let all: [Spec] = [
    invoices, invoiceLines, invoiceTaxes, creditNotes, payments, applications, paymentReturns, processorPayouts, paymentRevisions, fees,
    reminders, decisions, collectionHolds, journalLines, runs,
  ]

  /// The tables added after the first export, by the ledger schema version that holds them (older: empty).
  static let since: [String: Int] = [
    "payment_returns": 2, "processor_payouts": 2, "payment_revisions": 4, "decisions": 4, "collection_holds": 7, "credit_notes": 8, "journal_lines": 11,
  ]

  /// A payment's id from its item key (`payment:ID`).
  static func payment(_ column: String) -> String {
    "CASE WHEN \(column) LIKE 'payment:%' THEN substr(\(column), 9) WHEN \(column) LIKE 'return:%' THEN substr(\(column), 8) ELSE \(column) END"
  }

  static let invoices = Spec(
    table: LedgerExportTable(
      name: "invoices", description: "An invoice or debit note Accrue issued (the ledger's documents).",
      order: "by the run that issued it, then its place in that run's output",
      columns: [
        C("key", .text, "The document's key: CONTRACT/BILLING-DATE for an invoice, fees:CUSTOMER/DATE/CURRENCY for a debit note. Unique."),
        C("number", .text, nullable: true, "Its number from the rules' numbering (unique, gapless per sequence); empty when the rules do not number."),
        C("kind", .text, "invoice, or debit_note (a document billing late fees or interest)."),
        C("customer", .text, "The customer billed (id)."),
        C("contract", .text, "The contract billed (id); empty for a debit note."),
        C("plan", .text, "The plan whose rules priced it."),
        C("currency", .text, "ISO 4217 code of every amount of the document."),
        C("issue_date", .date, "The date it was issued (its billing date)."),
        C("due_date", .date, "The date its total is due."),
        C("period_start", .date, "First day of the service period billed."),
        C("period_end", .date, "Day after the last day of the service period (exclusive)."),
        C("subtotal", .amount, "The lines added up, before exclusive taxes."),
        C("tax", .amount, "The exclusive taxes added to the subtotal."),
        C("total", .amount, "What the customer owes on it: subtotal plus exclusive taxes."),
        C("terms", .text, "The payment terms as printed (net 30 days, due on receipt)."),
        C("run", .integer, "The run of 'accrue apply' that issued it (runs.run)."),
        C("as_of", .date, "That run's as-of date."),
      ]),
    sql: """
      SELECT d.key, d.number, d.kind, d.customer, d.contract, d.plan, d.currency, d.issue_date, d.due_date, d.period_start,
        d.period_end, d.subtotal, d.tax, d.total, d.terms, i.run, r.as_of, d.currency
      FROM documents d JOIN items i ON i.key = d.key JOIN runs r ON r.run = i.run
      ORDER BY i.run, i.position
      """)

  static let invoiceLines = Spec(
    table: LedgerExportTable(
      name: "invoice_lines", description: "A line of a document, in the document's order.",
      order: "as the documents (by run, then place in the run), then by line",
      columns: [
        C("invoice", .text, "The document's key (invoices.key)."),
        C("number", .text, nullable: true, "The document's number; empty when the rules do not number."),
        C("line", .integer, "The line's place on the document, from 1."),
        C("kind", .text, "charge, usage, discount, minimum_true_up, credit (unused part of an advance charge) or fee."),
        C("description", .text, "The line as printed on the document."),
        C("charge", .text, nullable: true, "The plan's charge that produced it (id); empty for lines not from a charge."),
        C("quantity", .decimal, nullable: true, "The quantity billed, an exact decimal; empty for a flat amount."),
        C("unit_price", .decimal, nullable: true, "The price of one unit, an exact decimal; empty for a flat amount."),
        C("amount", .amount, "The line's amount (negative for a discount or credit)."),
        C("currency", .text, "The document's currency."),
        C("period_start", .date, "First day of the period the line bills."),
        C("period_end", .date, "Day after its last day (exclusive)."),
        C("rule", .text, "The rule that produced it: file:line."),
      ]),
    sql: """
      SELECT l.document, d.number, l.line, l.kind, l.description, l.charge, l.quantity, l.unit_price, l.amount, d.currency,
        l.period_start, l.period_end, l.rule, d.currency
      FROM document_lines l JOIN documents d ON d.key = l.document JOIN items i ON i.key = d.key
      ORDER BY i.run, i.position, l.line
      """)

  static let invoiceTaxes = Spec(
    table: LedgerExportTable(
      name: "invoice_taxes", description: "A tax of a document.",
      order: "as the documents (by run, then place in the run), then by line",
      columns: [
        C("invoice", .text, "The document's key (invoices.key)."),
        C("number", .text, nullable: true, "The document's number; empty when the rules do not number."),
        C("line", .integer, "The tax's place on the document, from 1."),
        C("label", .text, "The tax as printed (VAT 19%)."),
        C("rate", .decimal, "The rate as an exact decimal (0.19)."),
        C("inclusive", .boolean, "true when the tax is included in the lines' prices, false when added to the subtotal."),
        C("amount", .amount, "The tax's amount."),
        C("currency", .text, "The document's currency."),
        C("rule", .text, "The rule that charged it: file:line."),
      ]),
    sql: """
      SELECT t.document, d.number, t.line, t.label, t.rate, t.inclusive, t.amount, d.currency, t.rule, d.currency
      FROM document_taxes t JOIN documents d ON d.key = t.document JOIN items i ON i.key = d.key
      ORDER BY i.run, i.position, t.line
      """)

  static let creditNotes = Spec(
    table: LedgerExportTable(
      name: "credit_notes",
      description: "A credit note a person issued against an invoice ('accrue credit-note'), recorded with its decision, or one a run of 'accrue apply' issued for a cancellation (grammar.md 6.6).",
      order: "by the run that issued it, then its key",
      columns: [
        C("number", .text, "Its number from the rules' 'number credit notes' (unique, gapless per sequence), else its key. Unique."),
        C("key", .text, "Its key: credit-note:INVOICE:N, N its place among the invoice's credit notes. Unique."),
        C("invoice", .text, "The invoice credited (its number, or its id in the invoices file)."),
        C("customer", .text, "The customer credited (id)."),
        C("currency", .text, "ISO 4217 code of every amount."),
        C("issue_date", .date, "The date it was issued (the decision's as-of date)."),
        C("net", .amount, "The total less its tax."),
        C("tax", .amount, "The invoice's tax credited pro rata (zero when its taxes are not in the ledger)."),
        C("total", .amount, "What it credits, tax included: net plus tax."),
        C("settled", .amount, "What it took off the invoice's open amount (an application of its payment row)."),
        C("credit", .amount, "What it left on the customer's account (the invoice was paid): total less settled."),
        C("reason", .text, "Why the invoice was credited."),
        C("payment", .text, "The row of payments (kind credit_note) that carries its effect on the books."),
        C("run", .integer, "The run that issued it (runs.run): a decision's, or an apply's for a cancellation."),
        C("line", .integer, nullable: true, "The invoice's line it credits (1 for the first; 'accrue credit-note --line'); empty: the invoice as a whole."),
        C("rule", .text, nullable: true, "For a cancellation's credit note, the plan's 'cancellation' statement (file:line); empty for a person's."),
      ]),
    sql: """
      SELECT c.number, c.key, c.invoice, c.customer, c.currency, c.issue_date, c.net, c.tax, c.total, c.settled, c.credit, c.reason,
        \(payment("c.posting")), c.run, c.line, c.rule, c.currency
      FROM credit_notes c ORDER BY c.run, c.posting
      """)

  static let payments = Spec(
    table: LedgerExportTable(
      name: "payments", description: "A payment a run of 'accrue apply' decided on: applied, suggested, held or left unapplied.",
      order: "by the run that decided it, then its place in that run's output",
      columns: [
        C("payment", .text, "The payment's id (from the payments file or the bank statement; credit:CUSTOMER/CURRENCY/DATE for a use of credit, credit:CUSTOMER/CURRENCY/DATE/refund-RUN for a refund of credit, credit-note:INVOICE:N for a credit note). Unique."),
        C("kind", .text, "payment (money received), credit_use (credit on account used on the customer's open invoices by the rules' account credit, or refunded to the customer by a person: no money received, its amount comes off the customer's credit), or credit_note (a credit note's effect: credit_notes.payment)."),
        C("date", .date, "Its booking date (a use of credit: the run's as-of date)."),
        C("customer", .text, nullable: true, "The payer found (customer id); empty when none was."),
        C("status", .text, "applied, suggested (waits for review: nothing posted), exception (held in a queue) or unapplied."),
        C("rule", .text, "The match rule that decided (its name); empty when none did."),
        C("currency", .text, nullable: true, "ISO 4217 code; empty for a payment migrated from a journal file, which did not record it."),
        C("amount", .amount, nullable: true, "The payment's amount; empty when migrated from a journal file."),
        C("credit", .amount, "What it left on the customer's account (credit on account)."),
        C("written_off", .amount, "An overpayment written off."),
        C("unapplied", .amount, "What it left unapplied (held for review, or no invoice found)."),
        C("run", .integer, "The run that decided it (runs.run)."),
      ]),
    sql: """
      SELECT \(payment("p.key")), CASE WHEN substr(p.key, 1, 15) = 'payment:credit:' THEN 'credit_use'
        WHEN substr(p.key, 1, 20) = 'payment:credit-note:' THEN 'credit_note' ELSE 'payment' END, i.date,
        nullif(i.customer, ''), p.status, p.rule, p.currency, p.amount, p.credit, p.written_off,
        p.unapplied, i.run, p.currency
      FROM payments p JOIN items i ON i.key = p.key
      ORDER BY i.run, i.position
      """)

  static let applications = Spec(
    table: LedgerExportTable(
      name: "applications", description: "What a payment settled on one invoice.",
      order: "as the payments (by run, then place in the run), then the payment's order of invoices",
      columns: [
        C("payment", .text, "The payment (payments.payment)."),
        C("position", .integer, "The invoice's place among those the payment settled, from 0."),
        C("invoice", .text, "The invoice settled (its id: a number, a key, or an id from the invoices file)."),
        C("document", .text, nullable: true, "The ledger's document it is (invoices.key); empty for an invoice imported from another system."),
        C("currency", .text, nullable: true, "ISO 4217 code; empty for a payment migrated from a journal file."),
        C("settled", .amount, "What the invoice's balance went down by: applied + written_off + discount."),
        C("applied", .amount, "The payment's money applied to it."),
        C("written_off", .amount, "A short payment's remainder written off."),
        C("discount", .amount, "An early-payment discount taken."),
        C("paid_before", .amount, "The invoice's amount paid as the run saw it before this payment."),
        C("run", .integer, "The run that applied it (runs.run)."),
      ]),
    sql: """
      SELECT \(payment("a.payment")), a.position, a.invoice, coalesce(dn.key, dk.key), a.currency, a.settled, a.applied,
        a.written_off, a.discount, a.paid_before, i.run, a.places
      FROM applications a JOIN items i ON i.key = a.payment
        LEFT JOIN documents dn ON dn.number = a.invoice
        LEFT JOIN documents dk ON dk.key = a.invoice AND dk.number IS NULL
      ORDER BY i.run, i.position, a.position
      """)

  static let journalLines = Spec(
    table: LedgerExportTable(
      name: "journal_lines",
      description: "A line of a journal entry posted to the general ledger (grammar.md §12, §13): one row per line, the entry's facts repeated.",
      order: "by the run that posted the entry, then the entry's place in that run, then the line",
      columns: [
        C("entry", .text, "The entry's id: JE- and its event (JE-invoice:ctr-001/2026-11-01). Unique per entry."),
        C("event", .text, "The event posted: invoice:KEY, debit-note:KEY, payment:ID, recognition:DOCUMENT#LINE/PERIOD, ..."),
        C("date", .date, "The entry's date (an invoice's issue date, a payment's booking date, the recognition's day)."),
        C("entity", .text, "The entity it posts to (empty when the rules name none)."),
        C("currency", .text, "ISO 4217 code of every amount of the entry."),
        C("customer", .text, nullable: true, "The customer of the event (id); empty when none."),
        C("document", .text, nullable: true, "The document's number (or key) the entry posts, for the memo; empty when none."),
        C("line", .integer, "The line's place in the entry, from 1."),
        C("account", .text, "The account number of the chart of accounts."),
        C("debit", .amount, "The amount debited (0 on a credit line)."),
        C("credit", .amount, "The amount credited (0 on a debit line)."),
        C("dimensions", .text, "The line's dimensions as a JSON object, in the rules' order, entity first ({\"entity\":\"NWUS\",\"segment\":\"smb\"})."),
        C("memo", .text, "What the line posts, in words (empty when several lines were added up: the document says)."),
        C("rule", .text, "The posting rule that named the account: file:line."),
        C("obligation", .text, nullable: true, "For revenue: the performance obligation, the invoice line DOCUMENT#LINE; empty otherwise."),
        C("run", .integer, "The run that posted it (runs.run): an apply or a person's decision."),
      ]),
    sql: """
      SELECT e.id, e.event, e.date, e.entity, e.currency, e.customer, e.document, l.line, l.account, l.debit, l.credit, l.dimensions, l.memo,
        l.rule, l.obligation, e.run, e.currency
      FROM journal_entries e JOIN journal_lines l ON l.entry = e.id
      ORDER BY e.run, e.position, l.line
      """)

  static let fees = Spec(
    table: LedgerExportTable(
      name: "fees", description: "A late fee or interest a dunning step charged, and the document that billed it.",
      order: "by the run that charged it, then the place of its reminder in that run, then its key",
      columns: [
        C("key", .text, "The fee's key: the reminder's key and the kind (INV-1/standard/second#late_fee). Unique."),
        C("kind", .text, "late_fee or interest."),
        C("date", .date, "The day it was charged (the run's as-of date)."),
        C("customer", .text, "The customer charged (id)."),
        C("invoice", .text, "The invoice whose lateness it charges (id)."),
        C("reminder", .text, "The reminder whose step charged it (reminders.key)."),
        C("currency", .text, "ISO 4217 code."),
        C("amount", .amount, "The fee."),
        C("rule", .text, "The step's rule: file:line."),
        C("run", .integer, "The run that charged it (runs.run)."),
        C("billed_on", .text, nullable: true, "The document that billed it (invoices.key: a debit note or a later invoice); empty while unbilled."),
        C("billed_on_number", .text, nullable: true, "That document's number; empty while unbilled or when the rules do not number."),
        C("billed_in_run", .integer, nullable: true, "The run that billed it; empty while unbilled."),
      ]),
    sql: """
      SELECT f.key, f.kind, f.date, f.customer, f.invoice, f.reminder, f.currency, f.amount, f.rule, f.run, b.document, bd.number,
        b.run, f.currency
      FROM fees f LEFT JOIN items ri ON ri.key = f.reminder LEFT JOIN fee_billings b ON b.fee = f.key
        LEFT JOIN documents bd ON bd.key = b.document
      ORDER BY f.run, ri.position, f.key
      """)

  static let paymentReturns = Spec(
    table: LedgerExportTable(
      name: "payment_returns",
      description: "A payment the bank returned or reversed, linked to the payment it returns; when that one was applied, its application is reversed.",
      order: "by the run that recorded it, then its place in that run's output",
      columns: [
        C("payment", .text, "The return's id (the statement entry taking the money back). Unique."),
        C("original", .text, "The payment it returns (payments.payment). Unique: a payment is returned once."),
        C("date", .date, "The return's booking date."),
        C("customer", .text, nullable: true, "The original's customer (id); empty when none was found."),
        C("currency", .text, "ISO 4217 code."),
        C("amount", .amount, "The amount returned (positive)."),
        C("reason", .text, "The return reason: an ISO 20022 code (AC04, MD06...) or the bank's text; empty when none was given."),
        C("reversed", .boolean, "true when the original's application was reversed (its invoices reopened, its credit taken back); false when it was never applied."),
        C("source", .text, "Where the return was read: file:line of the statement entry."),
        C("run", .integer, "The run that recorded it (runs.run)."),
      ]),
    sql: """
      SELECT \(payment("r.key")), \(payment("r.original")), r.date, nullif(i.customer, ''), r.currency, r.amount, r.reason, r.reversed,
        r.source, r.run, r.currency
      FROM payment_returns r JOIN items i ON i.key = r.key
      ORDER BY r.run, i.position
      """)

  static let processorPayouts = Spec(
    table: LedgerExportTable(
      name: "processor_payouts",
      description: "A payment processor's payout reconciled to the bank credit it arrived as; the credit is the processor's money (its charges paid the invoices), never applied to invoices.",
      order: "by the run that recorded it, then its place in that run's output",
      columns: [
        C("payment", .text, "The bank credit's id (payments file or statement). Unique."),
        C("payout", .text, "The payout's key (payout:PROCESSOR:PAYOUT_ID). Unique."),
        C("processor", .text, "The processor (stripe)."),
        C("date", .date, "The bank credit's booking date."),
        C("currency", .text, "ISO 4217 code."),
        C("net", .amount, "The payout's net: charges - refunds - fees + other lines (= the bank credit)."),
        C("charges", .amount, "Gross of the customer payments it paid out."),
        C("refunds", .amount, "What it refunded (positive)."),
        C("fees", .amount, "The processor's fees (positive): an expense."),
        C("source", .text, "Where the bank credit was read: file:line."),
        C("run", .integer, "The run that recorded it (runs.run)."),
      ]),
    sql: """
      SELECT \(payment("COALESCE(p.credit, p.key)")), p.payout, p.processor, p.date, p.currency, p.net, p.charges, p.refunds, p.fees, p.source, p.run, p.currency
      FROM processor_payouts p JOIN items i ON i.key = p.key
      ORDER BY p.run, i.position
      """)

  static let reminders = Spec(
    table: LedgerExportTable(
      name: "reminders", description: "A reminder a dunning cadence sent, with the invoices it covered.",
      order: "by the run that sent it, then its place in that run's output",
      columns: [
        C("key", .text, "The reminder's key (DRIVING-INVOICE/CADENCE/STEP). Unique."),
        C("date", .date, "The day it was sent."),
        C("customer", .text, "The customer reminded (id)."),
        C("cadence", .text, "The dunning cadence (name)."),
        C("step", .text, "The cadence's step (name)."),
        C("contacted", .boolean, "true when it sent the customer a message, false for an internal task only."),
        C("invoices", .list, "The invoices it covered (ids), the driving invoice first."),
        C("run", .integer, "The run that sent it (runs.run)."),
      ]),
    sql: """
      SELECT r.key, i.date, i.customer, r.cadence, r.step, r.contacted, r.key, i.run
      FROM reminders r JOIN items i ON i.key = r.key
      ORDER BY i.run, i.position
      """)

  static let paymentRevisions = Spec(
    table: LedgerExportTable(
      name: "payment_revisions",
      description: "A payment's posting that replaces an earlier one of the same payment (a person's decision: docs/decisions.md), or that refunded it: the replaced posting's applications no longer count, its credit and rests are gone.",
      order: "by the run that recorded it",
      columns: [
        C("payment", .text, "The posting (payments.payment: ID@N, revision N of payment ID). Unique."),
        C("replaces", .text, nullable: true, "The posting it replaces (payments.payment); empty for a first posting that refunded the payment. Unique."),
        C("currency", .text, "ISO 4217 code."),
        C("refunded", .amount, "What it paid back to the payer."),
        C("run", .integer, "The decision's run (runs.run, decisions.run)."),
      ]),
    sql: """
      SELECT \(payment("p.key")), \(payment("p.supersedes")), p.currency, p.refunded, i.run, p.currency
      FROM payments p JOIN items i ON i.key = p.key
      WHERE p.supersedes IS NOT NULL OR p.refunded <> 0
      ORDER BY i.run, i.position
      """)

  static let decisions = Spec(
    table: LedgerExportTable(
      name: "decisions",
      description: "A person's decision (the audit trail): who decided what about which item, when and why.",
      order: "by run",
      columns: [
        C("run", .integer, "The decision's run (runs.run). Unique."),
        C("as_of", .date, "The day it takes effect."),
        C("recorded_at", .text, "When it was recorded, UTC (ISO 8601): an audit fact."),
        C("kind", .text, "confirm, resolve, not-ours, reverse, refund, approve, reject, dispute, dispute-closed, promise, payment-plan, payment-plan-ended, credit-note, credit-refund, approval-request (a credit note, write-off or payment plan put up for approval)."),
        C("subject", .text, "The item decided on: payment:ID, a document's key, an invoice, customer:ID."),
        C("customer", .text, nullable: true, "The customer it concerns; empty when none."),
        C("decided_by", .text, "Who decided, as given."),
        C("note", .text, "Why, in the person's words; may be empty."),
        C("summary", .text, "What it did, in words."),
        C("asked_by", .text, "The rule, queue or status that asked for it; may be empty."),
        C("request", .text, nullable: true, "The approval request (approval:...) the decision carried out once approved; empty when none."),
      ]),
    sql: """
      SELECT d.run, r.as_of, r.recorded_at, d.kind, d.subject, nullif(d.customer, ''), d.decided_by, d.note, d.summary, d.asked_by, d.request
      FROM decisions d JOIN runs r ON r.run = d.run ORDER BY d.run
      """)

  static let collectionHolds = Spec(
    table: LedgerExportTable(
      name: "collection_holds",
      description: "A dispute, a promise to pay or a payment plan a person recorded (accrue dispute, promise, payment-plan).",
      order: "by run",
      columns: [
        C("run", .integer, "The decision's run (decisions.run). Unique."),
        C("kind", .text, "dispute, promise or payment_plan."),
        C("customer", .text, "The customer."),
        C("invoice", .text, nullable: true, "The invoice; empty for all the customer's invoices."),
        C("currency", .text, nullable: true, "ISO 4217 code of the amount; empty without one."),
        C("amount", .amount, nullable: true, "A dispute's disputed amount (0: closed), a promise's amount; empty without one."),
        C("start_date", .date, nullable: true, "A payment plan's first day."),
        C("end_date", .date, nullable: true, "The date promised; a plan's last day, or the day it ended; empty when open-ended."),
        C("state", .text, "open, closed upheld, closed withdrawn; made; active, completed, broken."),
        C("plan_id", .text, nullable: true, "A payment plan's id."),
      ]),
    sql: """
      SELECT run, kind, customer, nullif(invoice, ''), currency, amount, start_date, end_date, state, nullif(plan_id, ''), currency
      FROM collection_holds ORDER BY run
      """)

  static let runs = Spec(
    table: LedgerExportTable(
      name: "runs", description: "A run 'accrue apply' recorded.",
      order: "by run",
      columns: [
        C("run", .integer, "The run's number, from 1. Unique."),
        C("as_of", .date, "Its as-of date."),
        C("folder", .text, "Its output folder under --out (run-NNNN-DATE)."),
        C("items", .integer, "How many keys it produced (invoices, reminders, payments)."),
        C("recorded_at", .text, "When it was recorded, UTC (ISO 8601), or 'migrated' for a run from a journal file: an audit fact."),
      ]),
    sql: "SELECT run, as_of, folder, items, recorded_at FROM runs ORDER BY run")
}
