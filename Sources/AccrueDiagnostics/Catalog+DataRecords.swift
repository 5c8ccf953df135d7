// Data codes about records that disagree with each other, with the rules or with the ledger (D03xx but the bank
// statements' D032x, Catalog+DataStatements.swift). Written from the code that emits each (AccrueData,
// AccrueBilling's usage, AccrueLedger's receivables). Keep sorted by id.

extension DiagnosticCode {
  // MARK: - Records (D03xx)

  public static let unknownCustomer = DiagnosticCode(
    "D0301", "unknown-customer", .error, "a row names a customer the customers file does not have",
    """
    Contracts, usage, invoices, promises, payment plans, reminders and accounts name their customer
    by its id in the customers file (exactly, letter case included). A row naming another cannot be
    billed, dunned or matched. When the customers file had rows rejected, the message says the
    customer may be one of them: fix those rows first.

    Wrong (contracts.csv; customers.csv has the id 'acme'):
        id,customer,plan,start_date
        C-1,ACME,team,2026-01-01

    gets:
        contracts.csv:2:5: error[D0301]: unknown customer 'ACME'

    Right:
        C-1,acme,team,2026-01-01
    """)

  public static let unknownContract = DiagnosticCode(
    "D0302", "unknown-contract", .error, "a row names a contract the contracts file does not have",
    """
    Contract changes, usage rows and invoices may name a contract by its id in the contracts file.
    A change or usage of an unknown contract would be lost from billing.

    Wrong (contract_changes.csv; contracts.csv has 'C-1'):
        contract,date,seats
        C-01,2026-04-01,12

    gets:
        contract_changes.csv:2:1: error[D0302]: unknown contract 'C-01'

    Right:
        C-1,2026-04-01,12
    """)

  public static let unknownPlan = DiagnosticCode(
    "D0303", "unknown-plan", .error, "a contract names a plan the rules do not have",
    """
    A contract's plan (and a change's new plan) is the name of a `plan` block in the rules. Without
    it the contract has no prices. The message lists the plans the rules have, and the closest.

    Wrong (contracts.csv; the rules have plan team and plan business):
        C-1,acme,Team,2026-01-01

    gets:
        contracts.csv:2:10: error[D0303]: unknown plan 'Team' (did you mean 'team'? the rules have: business, team)

    Right:
        C-1,acme,team,2026-01-01
    """)

  public static let duplicateID = DiagnosticCode(
    "D0304", "duplicate-id", .error, "an id that must be unique is given twice",
    """
    Customer, contract, invoice and payment ids are unique within their files (and a payment's id
    across payments.csv and the processors' exports); a bank account belongs to one customer; a
    Stripe balance transaction is read once, in one file or two. A second row with the same id is
    either a copy (its money would count twice) or a different record that needs its own id.
    Payment ids starting with `credit:` are reserved for uses of credit on account.

    Wrong (payments.csv):
        id,booking_date,amount,currency
        P-1,2026-03-05,120.00,USD
        P-1,2026-03-06,80.00,USD

    gets:
        payments.csv:3:1: error[D0304]: duplicate payment id 'P-1'

    Right (a copy: remove it; another payment: give it its own id):
        P-1,2026-03-05,120.00,USD
        P-2,2026-03-06,80.00,USD
    """)

  public static let impossibleDates = DiagnosticCode(
    "D0305", "impossible-dates", .error, "dates in one row, or of one contract, in an impossible order",
    """
    A contract cannot end before it starts, an invoice cannot be due before it is issued, a payment
    plan cannot end before it starts, and a contract change must take effect after its contract
    starts. One of the dates is mistyped: find which in the source system.

    Wrong (invoices.csv):
        id,customer,issue_date,due_date,currency,amount
        INV-7,acme,2026-03-01,2026-02-01,USD,120.00

    gets:
        invoices.csv:2:23: error[D0305]: due date 2026-02-01 is before the issue date 2026-03-01

    Right:
        INV-7,acme,2026-03-01,2026-04-01,USD,120.00

    A contract whose plan has a term (grammar.md §6.8) ends on the last day of a term: an end_date
    inside a term, or one its notice_given_on or 'renew never' contradicts, gets the day to write;
    leaving end_date empty lets the term decide.
    """)

  public static let planCurrency = DiagnosticCode(
    "D0306", "plan-currency", .error, "a contract's currency is not its plan's",
    """
    A plan bills in one currency (its own `currency` or the rule set's). A contract that states
    another currency, or a change to a plan billing in another currency than the contract's, would
    be billed in a currency nobody agreed to. Use a plan of the contract's currency, or correct the
    contract's currency column (it may be left empty: the plan's is taken). A plan priced in several
    currencies (`currency USD, GBP`, a price book) bills each contract in the contract's currency: the
    column is then required and must name one of the plan's currencies.

    Wrong (contracts.csv; plan team bills in USD):
        id,customer,plan,start_date,currency
        C-1,acme,team,2026-01-01,EUR

    gets:
        contracts.csv:2:26: error[D0306]: contract currency EUR differs from plan 'team' in USD

    Right (or a plan that bills in EUR, such as team_eur):
        C-1,acme,team,2026-01-01,USD
    """)

  public static let otherCustomer = DiagnosticCode(
    "D0307", "other-customer", .error, "a row pairs a customer with another customer's contract or invoice",
    """
    A usage row names its customer and a contract, and a promise or payment plan its customer and an
    invoice: they must belong together. Usage billed to another customer's contract, or a promise
    pausing another customer's reminders, would be wrong; one of the two ids is mistyped.

    Wrong (promises.csv; INV-7 is globex's):
        customer,invoice,promised_date
        acme,INV-7,2026-04-15

    gets:
        promises.csv:2:6: error[D0307]: invoice 'INV-7' belongs to another customer than 'acme'

    Right:
        globex,INV-7,2026-04-15
    """)

  public static let unknownStatus = DiagnosticCode(
    "D0308", "unknown-status", .error, "a status or kind that is not one of the words Accrue reads",
    """
    An invoice's status is open, paid, void or written_off and its kind invoice or credit_note; a
    payment plan's status is active, completed or broken. Another word cannot be told apart from
    these: an invoice whose status is unknown could be dunned when it is paid, or not when it is
    open. Map the source system's statuses to these words.

    Wrong (invoices.csv):
        id,customer,issue_date,due_date,currency,amount,status
        INV-7,acme,2026-03-01,2026-03-31,USD,120.00,settled

    gets:
        invoices.csv:2:45: error[D0308]: unknown status 'settled': expected open, paid, void or written_off

    Right:
        INV-7,acme,2026-03-01,2026-03-31,USD,120.00,paid
    """)

  public static let unknownInvoice = DiagnosticCode(
    "D0309", "unknown-invoice", .error, "a promise or payment plan names an invoice the invoices file does not have",
    """
    promises.csv and payment_plans.csv may name one invoice by its id; empty means all
    the customer's invoices. An invoice that is not there cannot be paused, so the promise would do
    nothing without anyone knowing.

    Wrong (promises.csv):
        customer,invoice,promised_date
        acme,INV-07,2026-04-15

    gets:
        promises.csv:2:6: error[D0309]: unknown invoice 'INV-07'

    Right:
        acme,INV-7,2026-04-15
    """)

  public static let unknownCalendar = DiagnosticCode(
    "D0310", "unknown-calendar", .error, "holidays.csv names a calendar the rules do not declare",
    """
    holidays.csv adds holidays to the `calendar` blocks of the rules, by name. A holiday for a
    calendar the rules do not have would be ignored, and reminders could go out on that day. The
    message lists the calendars the rules declare.

    Wrong (holidays.csv; the rules declare calendar us_holidays):
        calendar,date,name
        us_holiday,2026-11-27,Day after Thanksgiving

    gets:
        holidays.csv:2:1: error[D0310]: unknown calendar 'us_holiday' (the rules declare: us_holidays)

    Right:
        us_holidays,2026-11-27,Day after Thanksgiving
    """)

  public static let unknownCadenceStep = DiagnosticCode(
    "D0311", "unknown-cadence-step", .error, "reminders.csv names a cadence or step the rules do not have",
    """
    reminders.csv lists the reminders another system already sent, so Accrue does not send them
    again: each names a cadence of the rules and one of its steps. One the rules do not have cannot
    be counted, and the customer could be reminded twice. Use the rules' names (the message gives
    the closest), or add the step to the rules.

    Wrong (reminders.csv; cadence standard has steps first and second):
        date,customer,cadence,step
        2026-03-10,acme,standard,first-reminder

    gets:
        reminders.csv:2:26: error[D0311]: cadence 'standard' has no step 'first-reminder'; did you mean 'first'?

    Right:
        2026-03-10,acme,standard,first
    """)

  public static let contradictsLedger = DiagnosticCode(
    "D0312", "contradicts-ledger", .error, "an invoices file row disagrees with the invoice Accrue issued",
    """
    With --state, the ledger holds the invoices Accrue issued. A row of the invoices file with the
    id (or number) of one of them must have its customer, currency and amount: the ledger is the
    record. A row that differs was edited or belongs to another invoice. Correct the row, or remove
    it: the ledger's invoice needs no row.

    Wrong (invoices.csv; the ledger issued INV-2026-0042 to acme for 1,200.00 USD):
        INV-2026-0042,acme,2026-03-01,2026-03-31,USD,1100.00

    gets:
        invoices.csv:2:1: error[D0312]: invoice INV-2026-0042 contradicts the ledger: Accrue issued it in run ... to
        customer 'acme' for 1,200.00 USD; this row says customer 'acme', 1,100.00 USD. The ledger is the record: ...

    Right: remove the row, or write 1200.00.
    """)

  public static let ledgerCustomerGone = DiagnosticCode(
    "D0313", "ledger-customer-gone", .error, "an invoice of the ledger is for a customer no longer in the customers file",
    """
    With --state, every invoice or debit note Accrue issued is dunned, matched and aged until it is
    settled, so its customer must stay in the customers file, even after the contract ended. A
    customer removed from the file would leave its open invoices unseen.

    Wrong: customers.csv no longer has 'acme', and the ledger has its invoice INV-2026-0042.

    gets:
        state/ledger.sqlite:0:0: error[D0313]: the ledger's invoice INV-2026-0042 (run ...) is for customer 'acme', who is
        not in the customers file: it cannot be dunned, matched or aged. Add the customer back to the customers file

    Right: put acme's row back in customers.csv.
    """)

  public static let netNotGrossMinusFee = DiagnosticCode(
    "D0314", "net-not-gross-minus-fee", .error, "a processor export's line whose net is not its gross minus its fee",
    """
    In Stripe's itemized payout reconciliation export each line's net is its gross less Stripe's
    fee; the payouts Accrue matches to the bank are sums of nets. A line that does not add up was
    altered or damaged, and its payout would not match. Export the report again, or ask Stripe.

    Wrong (processors/stripe-2026-03.csv):
        balance_transaction_id,...,gross,fee,net,...
        txn_1,...,100.00,3.20,97.00,...

    gets:
        processors/stripe-2026-03.csv:2:23: error[D0314]: net 97.00 is not gross 100.00 minus fee 3.20
        (96.80): the line does not add up; correct the export or ask Stripe

    Right:
        txn_1,...,100.00,3.20,96.80,...
    """)

  public static let cancellationWithoutPolicy = DiagnosticCode(
    "D0315", "cancellation-without-policy", .error, "a contract is cancelled and its plan states no cancellation policy",
    """
    A contract cancelled inside a period may be served and billed to the end of that period, or
    stopped on the day with or without a prorated credit note for what was billed in advance. The
    plan must say which (grammar.md §6.6); Accrue does not guess what a customer is owed. The plan
    in effect on the day of the cancellation is the one asked (a contract change to another plan
    before that day asks the new plan).

    Wrong (contracts.csv, with plan 'team' stating no policy):
        id,customer,plan,start_date,cancelled_on
        C-1,acme,team,2026-01-01,2026-03-10

    gets:
        contracts.csv:2:30: error[D0315]: contract C-1 is cancelled on 2026-03-10, and plan 'team'
        does not say what a cancellation bills or credits: add 'cancellation at end of period', ...

    Right (rules):
        plan team {
          ...
          cancellation immediately with prorated credit
        }

    A notice not to renew (notice_given_on) is likewise an error for a plan without a term
    (grammar.md §6.8): state the term ('term 12 months', 'notice 30 days'), or leave the column empty.
    """)

  public static let unknownMilestone = DiagnosticCode(
    "D0316", "unknown-milestone", .error, "a milestone that no charge of the contract's plan bills",
    """
    A row of milestones says a contract reached a milestone; a charge of the plan in effect on that
    day with 'milestone "NAME"' bills it (grammar.md §6.3). A name no such charge has would bill
    nothing: the name is mistyped, or the plan lacks the charge.

    Wrong (milestones.csv, plan 'project' billing "go-live"):
        id,contract,milestone,date
        M-1,C-1,golive,2026-05-04

    gets:
        milestones.csv:2:10: error[D0316]: no charge of plan 'project' bills milestone 'golive' ...

    Right:
        M-1,C-1,go-live,2026-05-04
    """)

  public static let cancellationChanged = DiagnosticCode(
    "D0317", "cancellation-changed", .error, "a cancellation changed or withdrawn after its credit note was issued",
    """
    An apply issued a credit note for a contract's cancellation (grammar.md 6.6) on the day
    contracts.csv then gave. The day is now another, or gone: the credit note already gives back
    what it gave, and billing would now resume (or stop elsewhere) as if it had not. Accrue does
    not rewrite an issued document, and will not bill or credit around one silently: put the
    day back, or settle the difference by hand (a credit note with accrue credit-note, or an
    invoice) and then restore the day.

    Wrong (contracts.csv, after the apply that credited C-1's cancellation on 2026-03-11):
        id,customer,plan,start_date,cancelled_on
        C-1,acme,team,2026-01-01,

    gets:
        contracts.csv:2:1: error[D0317]: contract C-1's cancellation on 2026-03-11 was credited by
        HC-2026-0001 (run 2); contracts.csv now says it is not cancelled: ...

    Right:
        C-1,acme,team,2026-01-01,2026-03-11
    """)
}
