// The catalogue's codes for the receivables ledger's statements (E06xx): how invoices and debit notes are
// numbered (grammar.md §9). Ids are stable: never renumber, never reuse. Keep sorted by id.

extension DiagnosticCode {
  // MARK: - The receivables ledger (E06xx)

  public static let numberFormatBraces = DiagnosticCode(
    "E0601", "number-format-braces", .error, "a number format's braces do not make a placeholder",
    """
    In a number format, braces hold a placeholder: {year}, {month}, {entity}, {seq} or {seq:N}.
    Each { needs its }, a } needs its {, and only {seq} takes a number of digits after a colon.
    A number cannot contain the braces themselves.

    Wrong:
        number invoices "INV-{year-{seq:5}" per year
        number invoices "INV-{year:2}-{seq:five}" per year

    Right:
        number invoices "INV-{year}-{seq:5}" per year
    """)

  public static let unknownPlaceholder = DiagnosticCode(
    "E0602", "unknown-placeholder", .error, "a number format names a placeholder that does not exist",
    """
    A number format knows these placeholders:
        {year}     the issue date's year, 4 digits (2026)
        {month}    the issue date's month, 2 digits (01 to 12)
        {entity}   the value of the field the numbers are counted per (per customer.entity)
        {seq}      the sequence number, as it is (1, 2, ... 42)
        {seq:N}    the sequence number padded with zeros to N digits, N from 1 to 12 (00042);
                   a longer number is written in full

    Wrong:
        number invoices "INV-{yyyy}-{number:5}" per year

    Right:
        number invoices "INV-{year}-{seq:5}" per year
    """)

  public static let sequencePlaceholder = DiagnosticCode(
    "E0603", "sequence-placeholder", .error, "a number format needs exactly one {seq}",
    """
    The sequence number is what makes each number unique: a format without {seq} would give every
    invoice of a year the same number, and a format with two would print it twice.

    Wrong:
        number invoices "INV-{year}" per year
        number invoices "INV-{seq}-{seq:5}"

    Right:
        number invoices "INV-{year}-{seq:5}" per year
    """)

  public static let formatScopeMismatch = DiagnosticCode(
    "E0604", "format-scope-mismatch", .error, "a number format does not show what its sequence is counted per",
    """
    `per year`, `per month` and `per customer.entity` start the sequence again at 1 in each year, month
    or value of the field. The format must then show that year, month or value, or numbers would
    repeat: with "INV-{seq:5}" per year, INV-00001 would be issued in 2026 and again in 2027.
    So `per year` needs {year}, `per month` needs {year} and {month}, and a field needs {entity}.
    The other way round, {entity} needs a field to take its value from.

    Wrong:
        number invoices "INV-{seq:5}" per year
        number invoices "{entity}-{seq:5}"

    Right:
        number invoices "INV-{year}-{seq:5}" per year
        number invoices "{entity}-{seq:5}" per customer.entity
    """)

  public static let conflictingScopes = DiagnosticCode(
    "E0605", "conflicting-scopes", .error, "a numbering states scopes that cannot go together",
    """
    A sequence restarts either every year or every month (a monthly sequence also restarts with each
    new year), and is counted per one field at most. Each scope is written once.

    Wrong:
        number invoices "{entity}-{year}{month}-{seq:4}" per year, month, customer.entity, contract.region

    Right:
        number invoices "{entity}-{year}{month}-{seq:4}" per month, customer.entity
    """)

  public static let numbersCouldCollide = DiagnosticCode(
    "E0606", "numbers-could-collide", .error, "invoices and debit notes are numbered alike",
    """
    Invoices and debit notes have sequences of their own. When their formats are the same in every
    literal part and placeholder, the first invoice and the first debit note get the same number,
    and a payment quoting it could not say which it pays. Give debit notes a format of their own, or
    leave out `number debit notes`: debit notes then use the invoice numbering.

    Wrong:
        number invoices "NW-{year}-{seq:5}" per year
        number debit notes "NW-{year}-{seq:5}" per year

    Right:
        number invoices "NW-{year}-{seq:5}" per year
        number debit notes "NWD-{year}-{seq:5}" per year
    """)
}
