// Types and units (E04xx) and rule conflicts (E05xx): the rest of Catalog.swift's rule-file diagnostics.

extension DiagnosticCode {
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
    recursiveDefinition, dateFieldWithoutDefault, unusedDefinition, unusedFile,
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
