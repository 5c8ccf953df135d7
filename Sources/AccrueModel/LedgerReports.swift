import AccrueCore

// The receivables ledger's reports: the files of `accrue ledger export` (tables a warehouse or ERP loads, with the
// facts of their manifest) and a customer's statement of account (`accrue ledger show`). AccrueLedger reads them
// from the ledger; AccrueRender writes them as CSV, JSON Lines, JSON Schema, text and JSON.

// MARK: Export

/// One file of `accrue ledger export`: a table a warehouse or ERP loads, with its columns (each with its meaning)
/// and its rows in a stated, stable order. docs/ledger.md ("Export") and docs/schema/ledger-export/ describe them.
public struct LedgerExportTable: Sendable {
  /// The file's name without extension (`invoices` is invoices.csv or invoices.jsonl).
  public var name: String
  /// What one row is.
  public var description: String
  /// The order of the rows, in words.
  public var order: String
  public var columns: [LedgerExportColumn]
  /// The rows, each a cell per column in column order (none in a layout).
  public var rows: [[LedgerExportCell]]

  public init(name: String, description: String, order: String, columns: [LedgerExportColumn], rows: [[LedgerExportCell]] = []) {
    self.name = name
    self.description = description
    self.order = order
    self.columns = columns
    self.rows = rows
  }
}

/// A column of an exported table.
public struct LedgerExportColumn: Sendable, Equatable {
  /// How a column's values are written.
  public enum Kind: String, Sendable {
    /// Text as recorded.
    case text
    /// A whole number.
    case integer
    /// Money: an exact decimal with the currency's decimals ("1234.50", "-3.00", "1500" for JPY); a string in JSON.
    case amount
    /// An exact decimal that is not money (a quantity, a unit price, a tax rate): as recorded ("0.19").
    case decimal
    /// A date, YYYY-MM-DD.
    case date
    /// true or false.
    case boolean
    /// A list of ids: in CSV separated by ';', in JSON Lines an array of strings.
    case list
  }

  public var name: String
  public var kind: Kind
  /// Whether the value may be absent: an empty CSV cell, JSON null.
  public var nullable: Bool
  /// What the column means.
  public var description: String

  public init(_ name: String, _ kind: Kind, nullable: Bool = false, _ description: String) {
    self.name = name
    self.kind = kind
    self.nullable = nullable
    self.description = description
  }
}

/// A value of an exported table. Amounts are already exact decimal text: never a floating-point number.
public enum LedgerExportCell: Sendable, Equatable {
  /// An absent value (the column is nullable).
  case null
  case text(String)
  case integer(Int64)
  /// An amount or a decimal, exactly as it is to be written.
  case decimal(String)
  /// A date, YYYY-MM-DD.
  case date(String)
  case boolean(Bool)
  /// A list of ids.
  case list([String])
}

/// What `accrue ledger export` writes: the tables, and the facts its manifest states.
public struct LedgerExport: Sendable {
  /// The version of the export's layout (files, columns, meanings); docs/schema/ledger-export/ is this version.
  public static let version = 1
  /// The ledger's schema version (`meta.schema_version`).
  public var ledgerSchemaVersion: Int
  /// The last run the ledger records (0: none) and its as-of date.
  public var lastRun: Int
  public var asOf: CivilDate?
  /// invoices, invoice_lines, invoice_taxes, credit_notes, payments, applications, payment_returns, processor_payouts, fees, reminders, runs: in that order.
  public var tables: [LedgerExportTable]

  public init(ledgerSchemaVersion: Int, lastRun: Int, asOf: CivilDate?, tables: [LedgerExportTable]) {
    self.ledgerSchemaVersion = ledgerSchemaVersion
    self.lastRun = lastRun
    self.asOf = asOf
    self.tables = tables
  }
}

// MARK: Statement of account

/// A customer's statement of account from the ledger, per currency: every invoice and debit note Accrue issued
/// to the customer, the payments applied to them (with write-offs and discounts as lines of their own), the fees
/// charged, and the credit left on account and used, in date order with a running balance; then the open balance,
/// the credit on account and the balance due. Payments of the customer that do not move this balance (applied to an
/// invoice Accrue did not issue, waiting for review, held unapplied) are shown as memo lines.
public struct LedgerStatement: Sendable {
  /// The customer (id).
  public var customer: String
  /// What was left out: entries dated after it (nil: nothing).
  public var asOf: CivilDate?
  /// The last run the ledger records and its as-of date.
  public var lastRun: Int
  public var lastRunAsOf: CivilDate?
  /// The ledger file it was read from.
  public var ledger: String
  /// One section per currency, by currency code.
  public var sections: [Section]

  public init(customer: String, asOf: CivilDate?, lastRun: Int, lastRunAsOf: CivilDate?, ledger: String, sections: [Section]) {
    self.customer = customer
    self.asOf = asOf
    self.lastRun = lastRun
    self.lastRunAsOf = lastRunAsOf
    self.ledger = ledger
    self.sections = sections
  }

  /// The account in one currency: its lines and closing figures.
  public struct Section: Sendable {
    public var currency: Currency
    public var entries: [Entry]
    /// What the documents still owe: documents and fees charged, less what payments, write-offs and discounts settled.
    public var openBalance: Fixed
    /// Payments' rest left on the customer's account.
    public var creditOnAccount: Fixed
    /// Open balance less credit on account: the last entry's running balance (negative: in the customer's favour).
    public var balanceDue: Fixed

    public init(currency: Currency, entries: [Entry], openBalance: Fixed, creditOnAccount: Fixed, balanceDue: Fixed) {
      self.currency = currency
      self.entries = entries
      self.openBalance = openBalance
      self.creditOnAccount = creditOnAccount
      self.balanceDue = balanceDue
    }
  }

  /// One line of the statement.
  public struct Entry: Sendable, Equatable {
    public enum Kind: String, Sendable {
      /// An invoice or debit note issued (a debit).
      case invoice
      case debitNote = "debit_note"
      /// A payment's money applied to one of the customer's documents (a credit).
      case payment
      /// A credit note issued against one of the customer's documents (`accrue credit-note`, a credit): what it
      /// settled on it; what it left on account is a `creditOnAccount` line.
      case creditNote = "credit_note"
      /// A short payment's remainder written off on a document (a credit).
      case writeOff = "write_off"
      /// An early-payment discount taken on a document (a credit).
      case discount
      /// A late fee or interest charged (a debit, until billed).
      case fee
      /// A fee charged earlier, now billed on a document (a credit: the document's total carries it from here on).
      case feeBilled = "fee_billed"
      /// A payment's rest left on the customer's account (a credit).
      case creditOnAccount = "credit_on_account"
      /// Credit on account used on one of the customer's documents (a credit on the document; `creditTaken` is its
      /// other half).
      case creditUsed = "credit_used"
      /// Credit on account taken off the account for a use (a debit: the account's credit goes down).
      case creditTaken = "credit_taken"
      /// A payment returned by the bank (a debit): what its application settled on a document is owed again.
      case paymentReturned = "payment_returned"
      /// A payment's application replaced by a person's decision (`accrue resolve`, a debit): what it settled on a
      /// document is owed again, until the posting that replaces it settles it (its own lines).
      case paymentReversed = "payment_reversed"
      /// Memo: what a payment refunded to the payer.
      case refunded
      /// Memo: a payment applied to an invoice that is not one of the customer's documents in the ledger.
      case paymentElsewhere = "payment_elsewhere"
      /// Memo: a payment suggested for review, held in an exceptions queue or left unapplied.
      case unapplied
      /// Memo: an overpayment written off.
      case overpaymentWrittenOff = "overpayment_written_off"
    }

    /// Whether the line adds to the balance, takes from it, or only informs.
    public enum Effect: String, Sendable { case debit, credit, memo }

    public var date: CivilDate
    public var kind: Kind
    /// The document's id (its number, else its key), the payment's id, or the fee's key.
    public var reference: String
    /// The document the line concerns (its id), when there is one.
    public var document: String?
    /// A document's due date (nil for other lines).
    public var dueDate: CivilDate?
    /// The line in words (due date, payment, invoice settled).
    public var description: String
    /// The amount (positive); a memo line's amount does not count in the balance.
    public var amount: Fixed
    public var effect: Effect
    /// The running balance after this line.
    public var balance: Fixed

    public init(
      date: CivilDate, kind: Kind, reference: String, document: String?, dueDate: CivilDate? = nil, description: String, amount: Fixed,
      effect: Effect, balance: Fixed = .zero
    ) {
      self.date = date
      self.kind = kind
      self.reference = reference
      self.document = document
      self.dueDate = dueDate
      self.description = description
      self.amount = amount
      self.effect = effect
      self.balance = balance
    }
  }
}
