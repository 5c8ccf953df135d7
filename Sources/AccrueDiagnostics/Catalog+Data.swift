// The catalogue of the data codes (D01xx-D03xx) that `plan`, `apply`, `import` and `report aging` print about the
// data folder's files, bank statements, processor exports and the ledger. They are not diagnostics of the rules
// (`accrue check` never reports them, SARIF does not list them): `accrue explain` prints them, in their own section
// of `accrue explain all`. Ids are stable: never renumber, never reuse. The entries are in Catalog+DataFiles.swift
// (D01xx, D02xx: files and values), Catalog+DataRecords.swift (D03xx: records that disagree) and
// Catalog+DataStatements.swift (bank statements); every code the sources emit has one (DataCatalogTests).

extension DiagnosticCode {
  /// Every data code, sorted by id.
  public static let data: [DiagnosticCode] = [
    malformedCSV, malformedJSON, unreadableFile, unreadableStatement,
    missingColumn, unknownColumn, missingValue, badDate, badNumber, badCurrency, badBool, dataTooManyDecimals,
    unknownCustomer, unknownContract, unknownPlan, duplicateID, impossibleDates, planCurrency, otherCustomer,
    unknownStatus, unknownInvoice, unknownCalendar, unknownCadenceStep, contradictsLedger, ledgerCustomerGone,
    netNotGrossMinusFee, cancellationWithoutPolicy, unknownMilestone, cancellationChanged,
    statementDoesNotReconcile, controlTotalDisagrees, statementEncoding, bai2RecordNotRead,
    badChartOfAccounts, badDimensionFile, badMilestone,
  ].sorted()

  /// Whether this is a data code (D....), which `accrue explain` lists apart from the rules' codes.
  public var isData: Bool { id.hasPrefix("D") }

  /// What a data code does to a run, by its severity: printed by `accrue explain` under the title.
  public var dataHandling: String {
    severity == .warning
      ? "A warning: the statement is still read and the run goes on, printing it. With --strict (plan, apply,\n"
        + "import) it is an error: the run stops (exit 1) and writes nothing."
      : "An error: the run stops (exit 1) and writes nothing; every bad row is listed, not just the first. plan and\n"
        + "apply can set the bad rows aside with --reject-file FILE and go on with the rest. --strict changes nothing."
  }
}
