// The catalogue of every diagnostic Accrue reports. Ids are stable: never renumber, never reuse.
// E01xx lexical, E02xx syntax, E03xx names and files, E04xx types and units and E05xx rule conflicts
// (Catalog+Types.swift), E06xx the receivables ledger (Catalog+Ledger.swift). Keep each group sorted by id.

extension DiagnosticCode {
  // MARK: - Lexical (E01xx)

  public static let invalidCharacter = DiagnosticCode(
    "E0101", "invalid-character", .error, "a character that cannot start anything in a rule file",
    """
    Rule files use letters, digits, the punctuation of expressions ( ) [ ] { } , : . + - * / % = < > !
    and quotes. Anything else outside a string or a comment is an error.

    Wrong:
        let fee = 25.00 USD ; 10% of balance

    Right (one statement per line; comments start with #):
        let fee = 25.00 USD   # plus 10% of balance, see below
    """)

  public static let unterminatedString = DiagnosticCode(
    "E0102", "unterminated-string", .error, "a string is not closed before the end of the line",
    """
    A string starts and ends with a double quote on the same line.

    Wrong:
        send email "overdue-1 to customer.billing_email

    Right:
        send email "overdue-1" to customer.billing_email
    """)

  public static let invalidEscape = DiagnosticCode(
    "E0103", "invalid-escape", .error, "an unknown escape sequence in a string",
    """
    Inside a string, a backslash starts an escape: \\" (quote), \\\\ (backslash), \\n (new line),
    \\t (tab). Any other letter after a backslash is an error. Patterns (/.../) have their own escapes.

    Wrong:
        create task "Check C:\\Shared" for queue "collections"

    Right:
        create task "Check C:\\\\Shared" for queue "collections"
    """)

  public static let invalidNumber = DiagnosticCode(
    "E0104", "invalid-number", .error, "a number that is not well formed",
    """
    Numbers are digits with an optional decimal part: 12, 12.50, 0.002. Group digits with
    single underscores (10_000), not commas. At most 18 digits may follow the decimal point.

    Wrong:
        1__000    12.    10,000 to 20,000

    Right:
        1_000     12.0   10_000 to 20_000
    """)

  public static let invalidDate = DiagnosticCode(
    "E0105", "invalid-date", .error, "a date that does not exist",
    """
    Dates are written YYYY-MM-DD and must exist in the calendar: 2026-02-30 and 2026-13-01 do not.
    Years run from 0001 to 9999.

    Wrong:
        discount 10% until 2026-02-30

    Right:
        discount 10% until 2026-02-28
    """)

  public static let invalidUTF8 = DiagnosticCode(
    "E0106", "invalid-utf8", .error, "bytes that are not valid UTF-8",
    """
    Rule files must be UTF-8 text. This file holds bytes that are not, often because it was saved
    in a legacy encoding (Latin-1, Windows-1252). Re-save the file as UTF-8.
    """)

  public static let bidiControl = DiagnosticCode(
    "W0101", "bidi-control", .warning, "a bidirectional control character in a rule file",
    """
    Unicode's bidirectional controls (U+202A-U+202E, U+2066-U+2069) change the order in which the
    text around them is displayed. In a comment or a string they can make a rule look different in
    a review from what it does ("Trojan Source"). Rule files have no need for them: remove them.
    """)

  public static let unterminatedPattern = DiagnosticCode(
    "E0107", "unterminated-pattern", .error, "a pattern is not closed before the end of the line",
    """
    Patterns are written between slashes on one line, after the words `pattern` or `matches`.

    Wrong:
        reference pattern /INV-([0-9]+)

    Right:
        reference pattern /INV-([0-9]+)/
    """)

  public static let invalidPattern = DiagnosticCode(
    "E0108", "invalid-pattern", .error, "a pattern that is not a valid regular expression",
    """
    Patterns are regular expressions with: literal characters, . (any character but a line end),
    classes such as [0-9] and [^ ], the escapes \\d \\w \\s \\D \\W \\S and escaped punctuation such as
    \\. \\/ \\\\, groups ( ) and non-capturing groups (?: ), alternation |, the repetitions * + ? {n} {n,}
    {n,m} (n, m at most 1000; add ? to repeat lazily), the anchors ^ and $, and a leading (?i) to ignore
    case. They always run in time linear in the text, so back-references and look-around are not
    supported.

    Wrong:
        reference pattern /INV-([0-9]+/

    Right:
        reference pattern /INV-([0-9]+)/
    """)

  // MARK: - Syntax (E02xx)

  public static let expectedToken = DiagnosticCode(
    "E0201", "expected-token", .error, "the parser expected something else here",
    """
    A statement or expression is incomplete or has an extra word. The message says what was
    expected; the rest of the line is skipped and checking goes on with the next line.

    Wrong:
        charge seats "Seats" {
          per unit 12.00 USD
        # the closing brace is missing

    Right:
        charge seats "Seats" {
          per unit 12.00 USD
        }
    """)

  public static let unknownStatement = DiagnosticCode(
    "E0202", "unknown-statement", .error, "a statement that this kind of block does not have",
    """
    Each block (plan, charge, cadence, step, match, ...) has its own statements. The message lists
    the closest statement the block does have; grammar.md lists them all.

    Wrong:
        plan team {
          biling monthly
        }

    Right:
        plan team {
          period monthly
        }
    """)

  public static let unknownDeclaration = DiagnosticCode(
    "E0203", "unknown-declaration", .error, "a top-level word that starts no declaration",
    """
    At the top of a rule file only these may appear: include, currency, rounding, month end,
    let, define, field, calendar, metric, plan, cadence, match.

    Wrong:
        plans team { }

    Right:
        plan team { }
    """)

  public static let unclosedBlock = DiagnosticCode(
    "E0204", "unclosed-block", .error, "a block is opened with { and never closed",
    """
    Every { needs a matching }. The error points at the { that has no partner.

    Wrong:
        plan team {
          currency USD

    Right:
        plan team {
          currency USD
        }
    """)

  public static let nestingTooDeep = DiagnosticCode(
    "E0205", "nesting-too-deep", .error, "expressions, chains of operators, definitions or includes are nested too deeply",
    """
    Expressions may nest at most 100 levels of parentheses, unary operators and calls, and 500 levels in
    all: a chain of operators (`a + b + c + ...`) nests one level per operator. The 500 levels count
    through what an expression uses: a `let` written after the lets that use it is typed inside them,
    and a `define` is written out where it is called, so its body nests inside the call. A definition
    may expand to at most 100,000 operations (one calling another twice doubles in size). Includes may
    nest 100 files deep. Deeper nesting is almost always a generated or damaged file. Split the
    expression with `let` definitions, write lets and defines before those that use them, and include
    files from one place.
    """)

  public static let strayClosingBrace = DiagnosticCode(
    "E0206", "stray-closing-brace", .error, "a } that closes no block",
    """
    There is one } more than there are {. Remove it, or add the { it was meant to close.

    Wrong:
        plan team {
          currency USD
        }
        }
    """)

  public static let expectedExpression = DiagnosticCode(
    "E0207", "expected-expression", .error, "a value or expression is missing",
    """
    A value was expected here: a number, an amount (12.00 USD), a percent (2.5%), a duration
    (30 days), a date (2026-01-31), a string, a name or a parenthesised expression.

    Wrong:
        let fee = * 2

    Right:
        let fee = 25.00 USD * 2
    """)

  public static let unknownUnit = DiagnosticCode(
    "E0208", "unknown-unit", .error, "a number is followed by a word that is not a unit",
    """
    After a number, a word is its unit: a currency code (USD), days, business days, weeks, months,
    years, units. Any other word is an error.

    Wrong:
        trial 14 dayz

    Right:
        trial 14 days
    """)

  public static let unknownCurrency = DiagnosticCode(
    "E0209", "unknown-currency", .error, "an ISO 4217 currency code that does not exist",
    """
    Amounts carry an ISO 4217 currency code: 12.00 USD, 5 JPY, 1.250 BHD.

    Wrong:
        flat 49.00 USS

    Right:
        flat 49.00 USD
    """)

  public static let tooManyDecimals = DiagnosticCode(
    "E0210", "too-many-decimals", .error, "an amount has more decimals than its currency allows",
    """
    An amount that is charged or compared as a total must fit its currency's minor unit: two
    decimals for USD and EUR, none for JPY, three for BHD. Unit prices (per unit, tier prices) may
    have more decimals: they are multiplied first and the line is rounded.

    Wrong:
        flat 49.999 USD

    Right:
        flat 50.00 USD
    """)

  // MARK: - Names and files (E03xx)

  public static let unknownName = DiagnosticCode(
    "E0301", "unknown-name", .error, "a name that is not defined",
    """
    Names must be defined with `let` or `define`, be a record available in this block (customer,
    contract, invoice, event, payment) or be a built-in value such as `as_of`.

    Wrong:
        let fee = base_fe * 2

    Right:
        let base_fee = 25.00 USD
        let fee = base_fee * 2
    """)

  public static let duplicateDeclaration = DiagnosticCode(
    "E0302", "duplicate-declaration", .error, "a name is declared twice",
    """
    Plans, charges, metrics, cadences, steps, match rules, calendars and definitions each need a
    unique name within their scope (names are shared by all files of a rule set).

    Wrong:
        plan team { ... }
        plan team { ... }

    Right:
        plan team { ... }
        plan team_annual { ... }
    """)

  public static let unknownField = DiagnosticCode(
    "E0303", "unknown-field", .error, "a record has no field of this name",
    """
    Records have fixed fields (docs/data.md lists them) plus the custom fields you declare with
    `field RECORD.NAME: TYPE`.

    Wrong:
        applies when customer.segmnt = "enterprise"

    Right:
        applies when customer.segment = "enterprise"

    Or, for a field of your own:
        field customer.industry: text
    """)

  public static let unknownFunction = DiagnosticCode(
    "E0304", "unknown-function", .error, "a function that does not exist",
    """
    Built-in functions: min, max, abs, round, days_between, end_of_month, start_of_month, year,
    month, day, contains, starts_with, lower, upper. Your own are declared with `define`.

    Wrong:
        define fee(balance: money) = maximum(25.00 USD, balance * 2%)

    Right:
        define fee(balance: money) = max(25.00 USD, balance * 2%)
    """)

  public static let includeNotFound = DiagnosticCode(
    "E0305", "include-not-found", .error, "an included file does not exist",
    """
    `include "path"` is resolved relative to the file that contains it.

    Wrong:
        include "shared/holiday.accrue"

    Right:
        include "shared/holidays.accrue"
    """)

  public static let includeOutsideFolder = DiagnosticCode(
    "E0306", "include-outside-folder", .error, "an include points outside the rules folder",
    """
    A rule set is one folder. Includes may only name files inside it, so that a review of the
    folder is a review of everything the rules do. Absolute paths and paths that climb out with
    ../ are rejected, and so are links that lead outside.

    Wrong:
        include "../../other-team/rules.accrue"

    Right: copy what you need into this folder, or check both folders together.
    """)

  public static let includeCycle = DiagnosticCode(
    "E0307", "include-cycle", .error, "files include each other in a circle",
    """
    A file may not include itself, directly or through other files. Each file is loaded once;
    move what both files need into a third file that both include.
    """)

  public static let cannotReadFile = DiagnosticCode(
    "E0308", "cannot-read-file", .error, "a file or folder cannot be read",
    """
    The path does not exist, is not readable, or is a folder with no .accrue files in it.
    """)

  public static let recordNotAvailable = DiagnosticCode(
    "E0309", "record-not-available", .error, "a record that this block does not see",
    """
    Each block sees the records it works on: plans and charges see `contract` and `customer`;
    metrics see `event`; cadences and steps see `invoice` and `customer`; match rules see `payment`
    and (after payer resolution) `customer`. `as_of` is visible everywhere. Numbers are counted per a
    field of the `customer` or the `contract` (`number invoices "..." per customer.entity`).

    Wrong:
        cadence standard {
          applies when payment.amount > 0.00 USD
        }
        number invoices "{entity}-{seq:5}" per invoice.currency
    """)

  public static let unknownReference = DiagnosticCode(
    "E0310", "unknown-reference", .error, "a reference to a metric, calendar, plan or charge that does not exist",
    """
    Statements that name another declaration (usage METRIC, calendar NAME, charge NAME in a phase
    or discount) must name one that exists in the rule set.

    Wrong:
        usage api_cals

    Right:
        metric api_calls { sum of event.quantity }
        ...
        usage api_calls
    """)

  public static let recursiveDefinition = DiagnosticCode(
    "E0311", "recursive-definition", .error, "a definition depends on itself",
    """
    Rules always terminate, so `let` and `define` may not refer to themselves, directly or through
    other definitions.

    Wrong:
        let a = b + 1
        let b = a * 2
    """)

  public static let dateFieldWithoutDefault = DiagnosticCode(
    "E0312", "date-field-without-default", .error, "a date field declares no default",
    """
    A custom field takes its declared default when a row leaves it empty, else its kind's zero
    value (`""`, `0`, `false`). A date has no zero value: whether an empty date means "long ago"
    or "never" depends on what the rules ask of it, so the field must say. Without a default, a
    contract with no renewal date would count as renewed in 9999 and pass `contract.renewal >=
    2026-01-01`, silently.

    Wrong:
        field contract.renewal: date

    Right (an empty renewal date means "never renewed"):
        field contract.renewal: date = 0001-01-01
    """)

  public static let unusedDefinition = DiagnosticCode(
    "W0301", "unused-definition", .warning, "a definition is never used",
    """
    A `let`, `define`, `metric` or `calendar` that nothing uses is often a leftover or a typo in the
    place that meant to use it. Remove it or use it. `accrue check --strict` turns this warning into an error.
    """)

  public static let unusedFile = DiagnosticCode(
    "W0302", "unused-file", .warning, "a rule file in a subfolder is never included",
    """
    The files at the top of a rule-set folder are its entry files; files in subfolders take part
    only when an entry file (or a file it includes) includes them. This file is included by none,
    so its rules never run.
    """)
}
