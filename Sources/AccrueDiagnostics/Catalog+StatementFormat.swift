// The catalogue's codes for CSV statement formats (E07xx, grammar.md §8.1). Ids are stable: never renumber, never
// reuse. Keep sorted by id.

extension DiagnosticCode {
  // MARK: - Statement formats (E07xx)

  public static let statementAmountColumns = DiagnosticCode(
    "E0701", "statement-amount-columns", .error, "a statement format does not say how its amounts are written",
    """
    A statement format reads each row's amount either from one signed column (credits positive,
    debits negative) or from two columns, money in and money out, each written without a sign.
    It states exactly one of the two.

    Wrong:
        statement format nordbank {
          amount "Betrag"
          credit "Haben", debit "Soll"
          ...
        }

    Right:
        amount "Betrag" decimal "," thousands "."
    or:
        credit "Haben", debit "Soll" decimal "," thousands "."
    """)

  public static let statementDateFormat = DiagnosticCode(
    "E0702", "statement-date-format", .error, "a statement format's date format does not read dates",
    """
    A date format is made of DD (day, two digits), MM (month, two digits), YYYY (year, four
    digits), D and M (one or two digits, followed by a separator) and the separators between them.
    Capitals only (mm could be minutes); two-digit years do not say the century.

    Wrong:
        date "Buchungstag" as "dd.mm.yy"

    Right:
        date "Buchungstag" as "DD.MM.YYYY"
        date "Posted" as "MM/DD/YYYY"
        date "Datum" as "D.M.YYYY"
        date "BookingDate" as "YYYYMMDD"
    """)

  public static let statementSeparators = DiagnosticCode(
    "E0703", "statement-separators", .error, "a statement format's delimiter or number separators do not work",
    """
    The delimiter between fields is one character ("," ";" "|" or "\\t" for a tab), never a quote or
    a line end. The decimal separator and the thousands separator are one character each, neither a
    digit, a sign nor a parenthesis, and they differ: "1.234,56" is decimal "," thousands ".".
    The number of lines to skip before the header is a whole number.

    Wrong:
        amount "Betrag" decimal "," thousands ","
        delimiter ";;"

    Right:
        amount "Betrag" decimal "," thousands "."
        delimiter ";"
    """)

  public static let statementColumnTwice = DiagnosticCode(
    "E0704", "statement-column-twice", .error, "a statement format reads one column for two things",
    """
    Each column a statement format names holds one thing: the booking date, the value date, the
    amount, the currency, a reference or the counterparty. Header names are compared without
    surrounding spaces and letter case, as the importer matches them.

    Wrong:
        reference "Verwendungszweck"
        remittance "Verwendungszweck"

    Right:
        remittance "Verwendungszweck"
    """)

  public static let statementFiles = DiagnosticCode(
    "E0705", "statement-files", .error, "a statement format's file names cannot be told apart or never match",
    """
    `files` gives globs on the names of the CSV files in the data folder's statements/ folder
    (* any run of characters, ? one character, letter case ignored). Every statement CSV must be read by
    exactly one format, so two formats' globs may not both match some file name, and a glob
    must be able to match a .csv file name (no folders: statements/ is not searched below).

    Wrong:
        statement format nordbank { files "*.csv" ... }
        statement format sudbank  { files "sudbank-*.csv" ... }     # sudbank-2026.csv matches both

    Right:
        statement format nordbank { files "nordbank-*.csv" ... }
        statement format sudbank  { files "sudbank-*.csv" ... }
    """)
}
