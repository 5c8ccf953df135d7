// The catalogue's codes for approval rules (E08xx, W08xx, grammar.md §11). Ids are stable: never renumber, never
// reuse. Keep sorted by id.

extension DiagnosticCode {
  // MARK: - Approval rules (E08xx)

  public static let unknownRole = DiagnosticCode(
    "E0801", "unknown-role", .error, "an approval rule names a role the rules do not declare",
    """
    Approval chains and escalations name roles, and every role is declared once at the top of
    a rule file with `role NAME "label"`. A name that is not declared is usually a typo.

    Wrong:
        role controller "Financial controller"
        approval large for invoices {
          approve by controler
        }

    Right:
        approval large for invoices {
          approve by controller
        }
    """)

  public static let duplicateRole = DiagnosticCode(
    "E0802", "duplicate-role", .error, "a role is declared twice",
    """
    Roles of all the files of a rule set share one namespace: each is declared once. Keep the
    first declaration and remove the other (or give it a name of its own).

    Wrong:
        role cfo "Chief financial officer"
        role cfo "CFO"

    Right:
        role cfo "Chief financial officer"
    """)

  public static let approvalWithoutChain = DiagnosticCode(
    "E0803", "approval-without-chain", .error, "an approval rule says nobody approves",
    """
    An approval rule routes the items its conditions select to a chain of roles, written once
    with `approve by`: the first role approves, then the next, in order. Without it the rule
    would hold items nobody can release.

    Wrong:
        approval large for invoices {
          when invoice.total > [10_000.00 USD, 9_000.00 EUR]
        }

    Right:
        approval large for invoices {
          when invoice.total > [10_000.00 USD, 9_000.00 EUR]
          approve by controller, then cfo
        }
    """)

  public static let roleTwiceInChain = DiagnosticCode(
    "E0804", "role-twice-in-chain", .error, "an approval chain names the same role twice",
    """
    Each step of a chain is a different role: the same person approving twice in a row adds
    nothing, and twice apart it is usually a typo for another role.

    Wrong:
        approve by controller, then cfo, then controller

    Right:
        approve by controller, then cfo
    """)

  public static let fieldNotOfSubject = DiagnosticCode(
    "E0805", "field-not-of-subject", .error, "an approval condition reads a record its subject does not have",
    """
    Each subject has its records: rules `for invoices` and `for debit notes` read invoice,
    customer, contract and plan; `for credit notes` credit_note and customer; `for write offs`
    write_off and customer; `for payment plans` payment_plan and customer (grammar.md §11).

    Wrong:
        approval big for invoices {
          when write_off.amount > 500.00 EUR
          approve by cfo
        }

    Right:
        approval big for write offs {
          when write_off.amount > 500.00 EUR
          approve by cfo
        }
    """)

  public static let approvalEscalation = DiagnosticCode(
    "E0806", "approval-escalation", .error, "an escalation without its days or its role",
    """
    `escalate after N days to ROLE` (or N business days) says that a step of the chain not
    decided N days after it was requested is also put to ROLE. Both parts are needed, N is a
    whole number of days or business days from 1 to 365, and a calendar only counts business
    days.

    Wrong:
        escalate to cfo
        escalate after 2 business days
        escalate after 0 days to cfo

    Right:
        escalate after 2 business days to cfo
    """)

  // MARK: - Approval rules (W08xx)

  public static let approvalUnreachable = DiagnosticCode(
    "W0801", "approval-unreachable", .warning, "an approval rule can never apply",
    """
    The rule's condition is false for every item: a constant false, or amounts whose
    currencies have none in common (an item in a currency that one of the condition's amounts
    does not name never matches). Remove the rule or fix its condition.

    Wrong:
        when invoice.total > 1_000.00 USD and invoice.total < 5_000.00 EUR

    Right:
        when invoice.total between [1_000.00 USD, 900.00 EUR] and [5_000.00 USD, 4_500.00 EUR]
    """)

  public static let approvalOverlap = DiagnosticCode(
    "W0802", "approval-overlap", .warning, "two approval rules of one subject always apply together",
    """
    Every approval rule whose conditions hold applies to an item, and the item needs every
    chain. Two rules of the same subject with the same condition (or both without one) always
    apply together: merge their chains into one rule, or make their conditions differ.

    Wrong:
        approval a for invoices { approve by controller }
        approval b for invoices { approve by cfo }

    Right:
        approval all for invoices { approve by controller, then cfo }
    """)

  public static let approvalCurrencyUnused = DiagnosticCode(
    "W0803", "approval-currency-unused", .warning, "an approval amount is in a currency no plan bills in",
    """
    The rule set's plans bill in the currencies they state (or the rule set's `currency`). An
    amount of an approval condition in another currency only applies to items from elsewhere
    (the invoices file), which is usually a typo for a currency the plans use.

    Wrong (the plans bill in USD and EUR):
        when invoice.total > [10_000.00 USD, 9_000.00 GBP]

    Right:
        when invoice.total > [10_000.00 USD, 9_000.00 EUR]
    """)
}
