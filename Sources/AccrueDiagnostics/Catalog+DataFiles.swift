// Data codes about files and values (D01xx: a file that does not read; D02xx: a column or a value). Written from
// the code that emits each (AccrueImport's readers, AccrueData, AccrueLedger). Keep sorted by id.

extension DiagnosticCode {
  // MARK: - Files (D01xx)

  public static let malformedCSV = DiagnosticCode(
    "D0101", "malformed-csv", .error, "a CSV file that does not read as CSV",
    """
    A CSV file is a header row and rows of as many fields, separated by commas (or the delimiter of
    a bank's statement format), a field with the delimiter, a quote or a line end in it quoted with
    "...". D0101 is a row with more or fewer fields than the header, a quote left open or a stray
    quote, a column named twice in the header, bytes that are not UTF-8, a control character in a
    field, or a file with no header row. Accrue reads nothing it cannot read exactly: a shifted field
    would put an amount in the wrong column.

    Wrong (customers.csv: the name has a comma and no quotes):
        id,name,billing_email
        acme,Acme, Inc.,ap@acme.example

    gets:
        customers.csv:2:17: error[D0101]: expected 3 fields as in the header, found 4

    Right:
        id,name,billing_email
        acme,"Acme, Inc.",ap@acme.example
    """)

  public static let malformedJSON = DiagnosticCode(
    "D0102", "malformed-json", .error, "a JSON or JSON Lines file that does not read",
    """
    A .json file holds one array of objects, a .jsonl file one object per line; each object is one
    row, its keys the columns. D0102 is a syntax error, bytes that are not UTF-8, an element that is
    not an object, an object or array as a value, a key given twice in one object, a control
    character or a lone surrogate (\\uD800) in a string, or a line too long. Export the file again
    from its system; do not repair JSON by hand unless the error is plain.

    Wrong (invoices.jsonl: the key "amount" twice):
        {"id": "INV-7", "amount": "120.00", "amount": "12.00", ...}

    gets:
        invoices.jsonl:1:37: error[D0102]: key 'amount' is given twice in this object

    Right:
        {"id": "INV-7", "amount": "120.00", ...}
    """)

  public static let unreadableFile = DiagnosticCode(
    "D0103", "unreadable-file", .error, "a file that is missing, cannot be read, or is given twice",
    """
    A data folder needs customers and contracts (plan, apply) or customers and invoices (report
    aging), each as .csv, .json or .jsonl. D0103 is such a file missing; a file that is there but
    cannot be read (no permission, a folder, a broken link, an I/O error), which is never taken as
    "no data"; one table given in two formats (customers.csv and customers.json); or a file in
    processors/ not named stripe-NAME.csv. The message names the file and why.

    Wrong (the folder has both):
        data/customers.csv
        data/customers.json

    gets:
        data/customers.csv:0:0: error[D0103]: table 'customers' is given in several formats
        (customers.csv and customers.json); keep only one

    Right: keep one of the two files (and fix the permissions of a file that cannot be read).
    """)

  public static let unreadableStatement = DiagnosticCode(
    "D0105", "unreadable-statement", .error, "a bank statement that does not read",
    """
    Statements in statements/ (camt.053/054, MT940, BAI2, OFX, or CSV read with a `statement
    format` of the rules) are read whole: a statement that breaks its format (a BAI2 file cut
    before its trailers, a camt balance without an amount, an unknown currency, ...) is D0105 at its
    line, and none of its payments is read, since a payment left out would leave an invoice open.
    A CSV statement that no statement format's `files` patterns match, or that two match, is
    D0105 too. Ask the bank for the file again, or fix the rules' statement formats.

    Wrong (statements/ holds bank-2026-03.csv; the rules' format reads other names):
        statement format hausbank { files "hausbank-*.csv" ... }

    gets:
        statements/bank-2026-03.csv:1:1: error[D0105]: no statement format reads bank-2026-03.csv: the rules declare
        hausbank ("hausbank-*.csv", ...); add the file's name to the 'files' of its bank's format, or rename the file

    Right:
        statement format hausbank { files "hausbank-*.csv", "bank-*.csv" ... }
    """)

  // MARK: - Columns and values (D02xx)

  public static let missingColumn = DiagnosticCode(
    "D0201", "missing-column", .error, "a required column is missing from a file's header",
    """
    Each file has required columns (docs/data.md lists them): the header must have them, spelt as
    given, in any order. The issue is reported once, at the header, and no row of the file is read.
    For a Stripe export it names the closest column the header has; for a CSV statement the
    columns the statement format names, with the header's columns.

    Wrong (contracts.csv):
        id,customer,plan_name,start_date

    gets:
        contracts.csv:1:1: error[D0201]: missing required column 'plan' in the header of contracts

    Right:
        id,customer,plan,start_date
    """)

  public static let unknownColumn = DiagnosticCode(
    "D0202", "unknown-column", .error, "a column that neither docs/data.md nor the rules' fields declare",
    """
    A column Accrue does not know is usually a misspelt one, whose values would be silently
    ignored. A file may have Accrue's columns and the custom fields the rules declare with `field`
    (grammar.md); any other is D0202, reported once (on the CSV header, or at the first JSON object
    having it), with the closest known name. Rename the column, declare it as a field, or remove it.
    `report aging` and processor exports ignore columns they do not read.

    Wrong (customers.csv):
        id,name,biling_email

    gets:
        customers.csv:1:9: error[D0202]: unknown column 'biling_email' in customers; did you mean 'billing_email'?

    Right:
        id,name,billing_email
    """)

  public static let missingValue = DiagnosticCode(
    "D0203", "missing-value", .error, "a required value is empty",
    """
    A required column must have a value in every row (a JSON key must be present and not null), and
    some columns are required with another: a usage `amount` needs its `currency`; a Stripe payout
    needs its `automatic_payout_effective_at`; a statement row needs its date, amount and currency,
    and a credit or a debit (both is D0205). A customer is in its row's `currency`, else in the
    rules' top-level `currency`. With neither, a row is D0203 when the rules read a field that needs
    one: a plain `money` field (`field customer.deposit: money`) given a value, or left empty without
    a declared default (its zero has no currency), `customer.currency` itself, or a `currency` field
    without a default. Nothing is guessed for a missing value.

    Wrong (invoices.csv: no due date):
        id,customer,issue_date,due_date,currency,amount
        INV-7,acme,2026-03-01,,USD,120.00

    gets:
        invoices.csv:2:23: error[D0203]: missing value for required column 'due_date'

    Right:
        INV-7,acme,2026-03-01,2026-03-31,USD,120.00
    """)

  public static let badDate = DiagnosticCode(
    "D0204", "bad-date", .error, "a value that is not a date, or not a real day",
    """
    Dates in data files are written YYYY-MM-DD and must exist (2026-02-30 does not). For a date
    such as 03/01/2026 the message gives both readings, day first and month first: pick the one
    the source system writes (never guessed). A Stripe export's dates may have a time
    after the day; a CSV statement's dates are read with the format its `date` statement names.
    A usage row's `timestamp` (for weighted sums) is ISO 8601 with Z or an offset, to the second,
    on the row's date in UTC: 2026-03-16T09:30:00Z, or 2026-03-16T10:30:00+01:00.

    Wrong (invoices.csv):
        INV-7,acme,03/01/2026,2026-03-31,USD,120.00

    gets:
        invoices.csv:2:12: error[D0204]: bad date '03/01/2026' in column 'issue_date': expected YYYY-MM-DD, a real
        day; day first, write 2026-01-03; month first, write 2026-03-01

    Right:
        INV-7,acme,2026-03-01,2026-03-31,USD,120.00
    """)

  public static let badNumber = DiagnosticCode(
    "D0205", "bad-number", .error, "a value that is not an amount or a number Accrue can hold exactly",
    """
    Amounts and numbers are decimals with a point: 120, 120.5, -5.00. Not thousands separators,
    currency signs, exponents (1.2e3) or more than 18 decimals; never a value too large to hold
    exactly. An invoice whose amount, amount paid and amount disputed leave an open amount too large
    is D0205 too. On a bank statement: an amount not written as the format says, a credit written
    negative, or a row with both a credit and a debit. Money is never rounded or guessed.

    Wrong (invoices.csv):
        INV-7,acme,2026-03-01,2026-03-31,USD,"1,200.00"

    gets:
        invoices.csv:2:38: error[D0205]: bad amount '1,200.00' in column 'amount': expected a decimal such as 12
        or 0.5; write 1200.00

    Right:
        INV-7,acme,2026-03-01,2026-03-31,USD,1200.00
    """)

  public static let badCurrency = DiagnosticCode(
    "D0206", "bad-currency", .error, "a value that is not an ISO 4217 currency code",
    """
    Currencies are three-letter ISO 4217 codes in upper case (USD, EUR, JPY); Stripe's exports may
    write them in lower case. A sign such as € or a misspelt code is not read: the message gives
    the closest code.

    Wrong (payments.csv):
        id,booking_date,amount,currency
        P-1,2026-03-05,120.00,€

    gets:
        payments.csv:2:23: error[D0206]: bad currency '€' in column 'currency': expected an ISO 4217 code such as USD

    Right:
        P-1,2026-03-05,120.00,EUR
    """)

  public static let badBool = DiagnosticCode(
    "D0207", "bad-bool", .error, "a value that is not yes or no",
    """
    Yes/no columns (such as customers' credit_hold, or a field the rules declare as bool) take
    true/false, yes/no or 1/0. Anything else is not taken as no.

    Wrong (customers.csv):
        id,name,credit_hold
        acme,Acme Inc.,on hold

    gets:
        customers.csv:2:16: error[D0207]: bad bool 'on hold' in column 'credit_hold': expected true/false, yes/no or 1/0

    Right:
        acme,Acme Inc.,yes
    """)

  public static let dataTooManyDecimals = DiagnosticCode(
    "D0208", "amount-too-fine", .error, "an amount with more decimals than its currency has",
    """
    An amount is in its currency's units: USD and EUR have 2 decimals, JPY none, KWD 3. An amount
    finer than that cannot be paid or invoiced, and Accrue never rounds data: the value is probably
    a computed one (a tax line, a conversion) that its system should round, or in the wrong currency.

    Wrong (invoices.csv):
        INV-7,acme,2026-03-01,2026-03-31,USD,120.005

    gets:
        invoices.csv:2:38: error[D0208]: amount 120.005 in column 'amount' has 3 decimals; USD allows 2

    Right:
        INV-7,acme,2026-03-01,2026-03-31,USD,120.01
    """)
}
