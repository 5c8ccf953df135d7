// The catalogue's codes for posting to the general ledger (E0901-E0904, W0901; grammar.md §12), and the codes
// `accrue check --data DIR` reports when it holds the rules' literal accounts and dimension values against the
// data folder's chart of accounts (E0911-E0914). Ids are stable: never renumber, never reuse. Keep sorted by id.

extension DiagnosticCode {
  // MARK: - Posting rules (E09xx)

  public static let postingIncomplete = DiagnosticCode(
    "E0901", "posting-incomplete", .error, "a posting row does not name the accounts it debits and credits",
    """
    Every event a run posts is one journal entry whose lines debit one account and credit
    another by the same amount, so the entry always balances. A row of the block for all
    entities (`posting { ... }`) is the default and names both accounts. A row of an entity's
    block (`posting entity "NWDE" { ... }`), a plan's or a charge's overrides the default and
    names the debit, the credit, dimensions with `with`, or several of them.

    Wrong:
        posting {
          invoice line credit "4000"
        }

    Right:
        posting {
          invoice line debit "1200" credit "4000"
        }
        posting plan enterprise {
          invoice line credit "4010"          # the debit stays the default's
        }
    """)

  public static let unknownDimension = DiagnosticCode(
    "E0902", "unknown-dimension", .error, "a posting rule names a dimension the rules do not declare",
    """
    Dimensions (department, location, class, project, segment, ...) are declared once at the top
    of a rule file with `dimension NAME ["label"]`; their allowed values are the data folder's
    dimensions/NAME.csv. `entity` is built in: it is set with `entity EXPR` in the block for
    all entities. A posting rule that gives a value to an undeclared dimension is an error, with
    the closest declared one.

    Wrong:
        dimension department "Department"
        posting {
          dimension departement "SALES"
        }

    Right:
        dimension department "Department"
        posting {
          dimension department "SALES"
        }
    """)

  public static let postingScope = DiagnosticCode(
    "E0903", "posting-scope", .error, "a posting block or statement is out of place",
    """
    `posting { ... }` holds the defaults of every entity and says with `entity EXPR` which entity
    an event posts to; `posting entity "E" { ... }` the defaults of one entity; `posting plan P
    { ... }` and `posting plan P charge C { ... }` override them for the events of an invoice of
    that plan (or the lines of that charge). Each scope has one block. A plan's block names a
    plan of the rules and a charge of that plan; it posts only invoice events (invoice line,
    discount, tax, tax included, fee): cash is received for a customer, not a plan.

    Wrong:
        posting plan enterprise {
          cash applied debit "1010"
        }

    Right:
        posting entity "NWDE" {
          cash applied debit "1020" credit "1200"
        }
    """)

  public static let postingNotText = DiagnosticCode(
    "E0904", "posting-not-text", .error, "an account, a dimension value or an entity is not text",
    """
    Accounts, dimension values and entities are texts: the account number as the chart of accounts
    writes it, in quotes ("1200", so that "0100" keeps its zero), or a text expression over the
    event's records (customer, and for invoice events contract), such as customer.segment or
    if customer.country = "DE" then "NWDE" else "NWUS".

    Wrong:
        invoice line debit 1200 credit 4000

    Right:
        invoice line debit "1200" credit "4000"
    """)

  public static let postingUncovered = DiagnosticCode(
    "W0901", "posting-uncovered", .warning, "an event kind has no posting rule",
    """
    Once the rules post to the general ledger, every event a run can produce needs a row naming
    both accounts in the block for all entities (without that block, in an entity's block): a
    run that meets an event without one stops with an error naming it. The warning lists the
    event kinds without a row.

    Wrong:
        posting {
          invoice line debit "1200" credit "4000"
        }

    Right:
        posting {
          invoice line debit "1200" credit "4000"
          tax debit "1200" credit "2200"
          ...                                  # every event kind of grammar.md §12
        }
    """)

  // MARK: - Against the chart of accounts (accrue check --data DIR)

  public static let unknownAccount = DiagnosticCode(
    "E0911", "unknown-account", .error, "a posting rule names an account that is not in the chart of accounts",
    """
    With `--data DIR`, `accrue check` reads DIR/chart_of_accounts.csv and holds every account the
    posting rules write as a literal against it: a number that is not in the chart is an error
    with the closest account (by number, then by name). Accounts computed by an expression are
    checked by `plan` on each event, before anything posts.

    Wrong:
        invoice line debit "1020" credit "4000"     # the chart has 1200 Accounts receivable

    Right:
        invoice line debit "1200" credit "4000"
    """)

  public static let inactiveAccount = DiagnosticCode(
    "E0912", "inactive-account", .error, "a posting rule names an account the chart marks inactive",
    """
    An account whose `active` column is false in chart_of_accounts.csv takes no new postings (it
    was closed or merged into another). Point the rule at the account that replaced it, or mark the
    account active again in the chart.

    Wrong:
        tax debit "1200" credit "2210"          # 2210 Sales tax payable (old), inactive

    Right:
        tax debit "1200" credit "2200"
    """)

  public static let unknownDimensionValue = DiagnosticCode(
    "E0913", "unknown-dimension-value", .error, "a dimension value is not one the data folder allows",
    """
    Each declared dimension's values are the data folder's dimensions/NAME.csv (and the entity's
    dimensions/entity.csv): a literal value that is not there, or is there but inactive, is an
    error with the closest allowed value; a declared dimension without its file is an error at
    the declaration. Computed values are checked by `plan` on each event.

    Wrong:
        dimension department "SALE"

    Right:
        dimension department "SALES"
    """)

  public static let missingDimension = DiagnosticCode(
    "E0914", "missing-dimension", .error, "an account requires a dimension the posting rules never give",
    """
    The chart's `dimensions` column lists the dimensions an account requires (a revenue account
    by department, a receivables account by entity). A posting rule that debits or credits such
    an account when no posting rule gives that dimension a value is an error; an entry line whose
    value comes out empty on an event is stopped by `plan`.

    Wrong:
        invoice line debit "1200" credit "4000"      # 4000 requires department

    Right:
        invoice line debit "1200" credit "4000" with department "SALES"
    """)

  // MARK: - The chart's files (data codes, D09xx)

  public static let badChartOfAccounts = DiagnosticCode(
    "D0901", "bad-chart-of-accounts", .error, "a row of chart_of_accounts.csv cannot be used",
    """
    The chart of accounts (docs/data.md) has a header with account, name and type (dimensions and
    active optional), one account per row: a number once, a type among asset, liability, equity,
    revenue and expense, active true or false, and required dimensions that have a file in
    dimensions/ (or entity). A chart with such a row posts nothing: check --data, plan --journal
    and the journal reports stop before anything posts.

    Wrong (chart_of_accounts.csv):
        account,name,type,dimensions,active
        4000,Subscription revenue,income,department,true

    gets:
        chart_of_accounts.csv:2:3: error[D0901]: 'income' is not a type: asset, liability, equity, revenue, expense

    Right:
        4000,Subscription revenue,revenue,department,true
    """)

  public static let badDimensionFile = DiagnosticCode(
    "D0902", "bad-dimension-file", .error, "a dimension's file in dimensions/ cannot be used",
    """
    Each file dimensions/NAME.csv lists the allowed values of the dimension NAME: a header with
    value (name and active optional), each value once, active true or false. A file with such a
    row posts nothing: check --data, plan --journal and the journal reports stop first.

    Wrong (dimensions/department.csv):
        value,name,active
        SALES,Sales,true
        SALES,Sales (duplicate),true

    gets:
        dimensions/department.csv:3:1: error[D0902]: the value 'SALES' is listed twice

    Right:
        value,name,active
        SALES,Sales,true
    """)

  public static let badMilestone = DiagnosticCode(
    "D0903", "bad-milestone", .error, "a row of revenue_milestones.csv cannot be used",
    """
    revenue_milestones.csv lists the milestones revenue recognized 'on milestone' waits for (grammar.md
    §13): contract, charge, milestone, date (YYYY-MM-DD) and percent (0 to 100), each milestone
    once per contract and charge. With a bad row nothing is recognized.

    Wrong:
        contract,charge,milestone,date,percent
        ctr-004,onboarding,kickoff,26/10/2026,40

    gets:
        revenue_milestones.csv:2:4: error[D0903]: '26/10/2026' is not a date: write it YYYY-MM-DD (2026-11-30)

    Right:
        ctr-004,onboarding,kickoff,2026-10-26,40
    """)

  /// The codes `accrue check --data DIR` adds (the chart of accounts and the dimensions' values).
  public static let withData: [DiagnosticCode] = [unknownAccount, inactiveAccount, unknownDimensionValue, missingDimension]
}
