// The catalogue of every diagnostic Accrue reports. Ids are stable: never renumber, never reuse.
// E01xx lexical, E02xx syntax, E03xx names and files, E04xx types and units, E05xx rule conflicts,
// E06xx the receivables ledger (Catalog+Ledger.swift). Keep each group sorted by id.

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

  // MARK: - Types and units (E04xx)

  public static let typeMismatch = DiagnosticCode(
    "E0401", "type-mismatch", .error, "a value of the wrong kind",
    """
    Every value has a kind: number, money (with its currency), percent, date, days, business days,
    months, text, yes/no (bool). A statement or operator got a kind it cannot use.

    Wrong:
        trial 14

    Right:
        trial 14 days
    """)

  public static let currencyMismatch = DiagnosticCode(
    "E0402", "currency-mismatch", .error, "amounts in two different currencies are combined",
    """
    Money in one currency cannot be added to, subtracted from or compared with money in another:
    Accrue never converts currencies implicitly.

    Wrong:
        plan eu {
          currency EUR
          charge base { flat 10.00 USD }
        }

    Right:
        plan eu {
          currency EUR
          charge base { flat 10.00 EUR }
        }
    """)

  public static let moneyTimesMoney = DiagnosticCode(
    "E0403", "money-times-money", .error, "two amounts of money are multiplied",
    """
    An amount times an amount has no meaning (what is 3 USD x 4 USD?). Multiply money by a number,
    a percent or a quantity; divide money by money to get a ratio.

    Wrong:
        define fee(balance: money) = balance * 25.00 USD

    Right:
        define fee(balance: money) = balance * 2.5%
    """)

  public static let percentWithNumber = DiagnosticCode(
    "E0404", "percent-with-number", .error, "a percent is added to or compared with a plain number",
    """
    A percent is not a plain number: 5% + 1 is ambiguous (1.05? 6%?). Add percents to percents,
    and multiply a number or amount by a percent.

    Wrong:
        applies when customer.discount > 0.1

    Right:
        applies when customer.discount > 10%
    """)

  public static let mixedDurations = DiagnosticCode(
    "E0405", "mixed-durations", .error, "days, business days and months are mixed",
    """
    Days, business days and months are different units: a month is 28 to 31 days and a business
    day depends on the calendar. They cannot be added or compared with each other.

    Wrong:
        minimum gap 1 month + 5 days

    Right:
        minimum gap 35 days
    """)

  public static let ambiguousMonthArithmetic = DiagnosticCode(
    "E0406", "ambiguous-month-arithmetic", .error, "adding months can land on a day that does not exist",
    """
    January 31 plus one month is not a date: February has no 31st. Accrue refuses to guess. Say once
    how such a day rounds, for the whole rule set or for one block:

        month end clamp       # Jan 31 + 1 month = Feb 28 (29 in leap years)
        month end roll over   # Jan 31 + 1 month = Mar 1

    Plans billed by the month on the contract's anniversary need this too, because a contract
    can start on the 29th, 30th or 31st.
    """)

  public static let wrongArgumentCount = DiagnosticCode(
    "E0407", "wrong-argument-count", .error, "a function is called with the wrong number of arguments",
    """
    Each function takes a fixed number of arguments (min and max take two or more).

    Wrong:
        abs(a, b)

    Right:
        abs(a - b)
    """)

  public static let invalidOperands = DiagnosticCode(
    "E0408", "invalid-operands", .error, "an operator cannot combine these kinds of values",
    """
    Operators work on compatible kinds: dates minus dates give days, dates plus durations give
    dates, money times numbers or percents give money. Other combinations are errors.

    Wrong:
        let due = invoice.issue_date * 2
    """)

  public static let conditionNotBoolean = DiagnosticCode(
    "E0409", "condition-not-boolean", .error, "a condition is not a yes/no value",
    """
    Conditions (applies when, when, pause when, where) must be true or false.

    Wrong:
        applies when customer.segment

    Right:
        applies when customer.segment = "enterprise"
    """)

  public static let divisionByZero = DiagnosticCode(
    "E0410", "division-by-zero", .error, "a division by a constant zero",
    """
    The divisor is zero whatever the data. Division by a value that turns out to be zero at run
    time is reported then, with the record that caused it.
    """)

  public static let currencyUnchecked = DiagnosticCode(
    "W0401", "currency-unchecked", .warning, "an amount in one currency is stated for records of any currency",
    """
    A cadence or match rule without `currency` takes invoices or payments of every currency. An
    amount written in one currency (a late fee of 25.00 USD, a tolerance of 5.00 USD) fits only
    the records in that currency: a late fee stops the run with an error on a GBP invoice, a
    tolerance in USD gives GBP payments none. Restrict the block, or give one amount per
    currency:

        cadence standard {
          step fee 10 days after due {
            late fee [25.00 USD, 20.00 GBP]            # the invoice's currency chooses
          }
        }
        match by_reference {
          tolerance underpayment 5.00 USD or 4.00 GBP   # each applies to its own currency
        }
    """)

  public static let currencyNotKnown = DiagnosticCode(
    "E0412", "currency-not-known", .error, "an amount of any currency meets an amount of one currency",
    """
    Money read from data in a block without `currency` (invoice.balance, customer.balance,
    payment.amount) may be in any currency. Compared with (or added to) an amount in USD, it has
    no answer for a record in GBP: Accrue never converts currencies, and it never treats such a
    comparison as false. Say what you mean in one of three ways:

        # one amount per currency: the record's currency chooses (none listed: an error at run time)
        applies when customer.balance > [10_000.00 USD, 8_000.00 GBP]

        # the block takes one currency only
        cadence large_usd {
          currency USD
          applies when customer.balance > 10_000.00 USD
        }

        # test the currency first: after 'invoice.currency = USD and', invoice and customer amounts are USD
        applies when invoice.currency = USD and invoice.balance > 1_000.00 USD
          or invoice.currency = GBP and invoice.balance > 800.00 GBP
    """)

  public static let valueOutOfRange = DiagnosticCode(
    "E0411", "value-out-of-range", .error, "a value outside what the statement allows",
    """
    Some statements limit their values: a discount is at most 100%, a tax rate is 0% to 100%,
    an interest rate (per year or per month) is not negative, counts of periods and invoices
    are whole and positive, day of month is 1 to 28 (or `last`), prices are not negative, a
    number format's {seq:N} pads to 1 to 12 digits.
    """)

  // MARK: - Rule conflicts (E05xx)

  public static let tierGap = DiagnosticCode(
    "E0501", "tier-gap", .error, "some quantities fall in no tier",
    """
    Tiers must follow each other without holes: a tier starts one unit after the previous ends,
    and the first starts at 0 or 1. Quantities are counted in whole units at the boundaries:
    "1 to 100" then "101 to 1000".

    Wrong:
        1 to 100 at 0.10 USD
        150 to 1000 at 0.08 USD      # 101..149 have no price

    Right:
        1 to 100 at 0.10 USD
        101 to 1000 at 0.08 USD
    """)

  public static let tierOverlap = DiagnosticCode(
    "E0502", "tier-overlap", .error, "two tiers cover the same quantities",
    """
    Each quantity belongs to exactly one tier.

    Wrong:
        1 to 100 at 0.10 USD
        100 to 1000 at 0.08 USD      # 100 is in both

    Right:
        1 to 100 at 0.10 USD
        101 to 1000 at 0.08 USD
    """)

  public static let tiersBounded = DiagnosticCode(
    "E0503", "tiers-bounded", .error, "the last tier has an upper bound",
    """
    Quantities above the last tier would have no price. End the tiers with an open tier.

    Wrong:
        101 to 1000 at 0.08 USD

    Right:
        101 and above at 0.08 USD
    """)

  public static let stepsOutOfOrder = DiagnosticCode(
    "E0504", "steps-out-of-order", .error, "dunning steps are not in time order",
    """
    Steps run in the order they are written and each must come later than the one before, so the
    cadence reads like the timeline it is.

    Wrong:
        step second 14 days after due { ... }
        step first 7 days after due { ... }

    Right:
        step first 7 days after due { ... }
        step second 14 days after due { ... }
    """)

  public static let unreachableStep = DiagnosticCode(
    "E0505", "unreachable-step", .error, "a dunning step can never fire",
    """
    A step with the same timing as an earlier one is never reached (the earlier one is due at the
    same moment and is the one sent), and a step whose condition is always false never fires.
    """)

  public static let duplicateSetting = DiagnosticCode(
    "E0506", "duplicate-setting", .error, "a setting is stated twice in one scope",
    """
    Settings such as `currency`, `rounding`, `month end`, `period` or `payment terms` may be stated
    once per scope (the rule set, or one block); a plan's payment terms and early payment discount
    may also be stated with `when` as often as needed, before the one without. Two statements would contradict or repeat each other.
    The receivables ledger's statements (`number invoices`, `number debit notes`, `fees billed`,
    `account credit`) are stated once for the whole rule set, in any of its files.
    """)

  public static let installmentsNotWhole = DiagnosticCode(
    "E0507", "installments-not-whole", .error, "installment shares do not add up to 100%",
    """
    Installments split the invoice total; their shares must add up to exactly 100%.

    Wrong:
        payment terms installments {
          50% net 30 days
          40% net 60 days
        }
    """)

  public static let unreachableRule = DiagnosticCode(
    "E0508", "unreachable-rule", .error, "a rule or statement comes after one that catches everything",
    """
    Cadences and match rules are tried in order and the first that applies wins. A cadence with no
    `applies when` (or a match rule with no condition) applies to everything, so any that follows
    it is never used. Move the catch-all last. The same holds for a plan's `payment terms` and
    `early payment discount` statements with `when`: the one without `when` goes last, and one
    whose condition repeats an earlier one's is never used either.

    Wrong:
        payment terms net 30 days
        payment terms net 30 days end of month when contract.currency = EUR

    Right:
        payment terms net 30 days end of month when contract.currency = EUR
        payment terms net 30 days
    """)

  public static let conflictingStatement = DiagnosticCode(
    "E0509", "conflicting-statement", .error, "two statements in one block contradict each other",
    """
    A charge has one pricing (flat, once, per unit, tiers, package or percentage), a step has at
    most one `when`, and so on.

    Wrong:
        charge seats {
          flat 10.00 USD
          per unit 12.00 USD
        }
    """)

  public static let missingStatement = DiagnosticCode(
    "E0510", "missing-statement", .error, "a block lacks a statement it needs",
    """
    Plans need a currency (their own or the rule set's) and a period; charges need a pricing;
    usage-priced charges need `usage METRIC`; cadences need at least one step; steps need an
    action; match rules need `allocate`; statement formats need `files`, `date`, an amount
    (`amount`, or `credit` and `debit`) and `currency`. A plan's `late fee` and `interest` state their
    amounts and rate (`interest 8% per year`, `interest 1.5% per month`): they are the terms a
    dunning step's bare `late fee` or `interest` uses.
    """)

  public static let amountOnlyAcrossCustomers = DiagnosticCode(
    "W0502", "amount-only-across-customers", .warning, "a payment may be applied to another customer's invoice by its amount alone",
    """
    `candidates open invoices of any customer` with `allocate exact single` and no reference
    pattern applies a payment to whichever customer's invoice has exactly its amount, without any
    reference or known payer, and without review. Two customers paying equal amounts are easily
    swapped. Propose such matches for review, or limit them to the payer:

        match unidentified {
          candidates open invoices of any customer, same currency
          allocate exact single
          confidence suggest                # an analyst confirms
        }
    """)

  public static let mayBeOutOfOrder = DiagnosticCode(
    "W0501", "steps-may-be-out-of-order", .warning, "the order of two steps depends on weekends and holidays",
    """
    One step counts calendar days and the next business days. Whether the second comes later
    depends on the weekends and holidays in between. Count both in the same unit to be sure.
    """)
}

extension DiagnosticCode {
  /// Every code, sorted by id.
  public static let all: [DiagnosticCode] = [
    invalidCharacter, unterminatedString, invalidEscape, invalidNumber, invalidDate, invalidUTF8,
    unterminatedPattern, invalidPattern, bidiControl,
    expectedToken, unknownStatement, unknownDeclaration, unclosedBlock, nestingTooDeep,
    strayClosingBrace, expectedExpression, unknownUnit, unknownCurrency, tooManyDecimals,
    unknownName, duplicateDeclaration, unknownField, unknownFunction, includeNotFound,
    includeOutsideFolder, includeCycle, cannotReadFile, recordNotAvailable, unknownReference,
    recursiveDefinition, unusedDefinition, unusedFile,
    typeMismatch, currencyMismatch, moneyTimesMoney, percentWithNumber, mixedDurations,
    ambiguousMonthArithmetic, wrongArgumentCount, invalidOperands, conditionNotBoolean,
    divisionByZero, valueOutOfRange, currencyUnchecked, currencyNotKnown,
    tierGap, tierOverlap, tiersBounded, stepsOutOfOrder, unreachableStep, duplicateSetting,
    installmentsNotWhole, unreachableRule, conflictingStatement, missingStatement, mayBeOutOfOrder,
    amountOnlyAcrossCustomers,
    numberFormatBraces, unknownPlaceholder, sequencePlaceholder, formatScopeMismatch, conflictingScopes, numbersCouldCollide,
    statementAmountColumns, statementDateFormat, statementSeparators, statementColumnTwice, statementFiles,
    unknownProcessor, processorInvoiceKey, payoutWindow,
    unknownRole, duplicateRole, approvalWithoutChain, roleTwiceInChain, fieldNotOfSubject, approvalEscalation,
    approvalUnreachable, approvalOverlap, approvalCurrencyUnused,
    postingIncomplete, unknownDimension, postingScope, postingNotText, postingUncovered,
  ].sorted()
}
