// swift-tools-version: 6.0
// Accrue: a checked rules language and engine for billing and collections.
// One target per pipeline stage and per business domain; no package dependencies.
import PackageDescription

let package = Package(
  name: "Accrue",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "accrue", targets: ["accrue"]),
    .library(name: "AccrueCLI", targets: ["AccrueCLI"]),
  ],
  targets: [
    // Values every stage shares: exact decimals, money, currencies, civil dates, calendars.
    .target(name: "AccrueCore"),
    // Source files, spans, diagnostics as values, the diagnostic catalogue.
    .target(name: "AccrueDiagnostics"),
    // The business model: the values that cross stages and reach outputs (invoices, payments, cash
    // applications, reminders, journal items, explanations, run failures) and the domain vocabulary.
    .target(name: "AccrueModel", dependencies: ["AccrueCore"]),

    // The language: bytes -> tokens -> AST -> checked program -> executable plan.
    .target(name: "AccrueLexer", dependencies: ["AccrueCore", "AccrueDiagnostics"]),
    .target(name: "AccrueParser", dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueModel"]),
    .target(name: "AccrueChecker", dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser", "AccrueModel"]),
    .target(name: "AccrueFormat", dependencies: ["AccrueDiagnostics", "AccrueLexer", "AccrueParser"]),
    .target(
      name: "AccrueCompiler",
      dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueModel"]),

    // Data files (CSV, JSON, JSON Lines, bank statements) -> typed rows with located issues.
    .target(name: "AccrueImport", dependencies: ["AccrueCore", "AccrueModel"]),
    // The system's SQLite library, loaded at run time (no headers needed to build): the ledger's database.
    .target(name: "AccrueSQLite"),
    // Threads and bulk memory moves the domains call (measurement and speed tooling, apart from the rules).
    .target(name: "AccrueParallel"),
    // A data folder validated against the plan: customers, contracts, open invoices, payments, collections data.
    .target(
      name: "AccrueData",
      dependencies: ["AccrueCore", "AccrueModel", "AccrueImport", "AccrueChecker", "AccrueCompiler", "AccrueParallel"]),

    // The domains, each over the model and the data; they never import each other.
    .target(
      name: "AccrueBilling",
      dependencies: [
        "AccrueCore", "AccrueModel", "AccrueData", "AccrueImport", "AccrueChecker", "AccrueCompiler", "AccrueParallel",
      ]),
    .target(
      name: "AccrueCash",
      dependencies: [
        "AccrueCore", "AccrueModel", "AccrueData", "AccrueImport", "AccrueChecker", "AccrueCompiler", "AccrueParallel",
      ]),
    .target(
      name: "AccrueCollections",
      dependencies: ["AccrueCore", "AccrueModel", "AccrueData", "AccrueChecker", "AccrueCompiler", "AccrueParallel"]),
    // The books: the receivables ledger (the state folder's SQLite database), numbering, what cash applied closes, aging.
    .target(
      name: "AccrueLedger", dependencies: ["AccrueCore", "AccrueModel", "AccrueData", "AccrueImport", "AccrueCompiler", "AccrueSQLite"]),

    // Approval rules at work (grammar.md §11): which approvals an item needs, its chain and escalation dates.
    .target(name: "AccrueApprovals", dependencies: ["AccrueCore", "AccrueModel", "AccrueParser", "AccrueChecker", "AccrueCompiler"]),

    // Posting to the general ledger (grammar.md §12): the chart of accounts and dimensions' values, the posting rules
    // resolved on each event of a run, journal entries balanced by construction, the trial balance.
    .target(
      name: "AccruePosting",
      dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueModel", "AccrueParser", "AccrueChecker", "AccrueCompiler", "AccrueData"]),

    // The run: its stages as a named list, the journal and apply, forecasts, diffs, rule tests.
    .target(
      name: "AccrueRun",
      dependencies: [
        "AccrueCore", "AccrueModel", "AccrueData", "AccrueImport", "AccrueCompiler", "AccrueParallel", "AccrueBilling",
        "AccrueCash", "AccrueCollections", "AccrueLedger", "AccrueApprovals",
      ]),
    // Renderers over model values: diagnostics as text, JSON, GitHub annotations, SARIF; outputs as text, JSON, CSV.
    .target(
      name: "AccrueRender",
      dependencies: [
        "AccrueCore", "AccrueDiagnostics", "AccrueModel", "AccrueCompiler", "AccrueParser", "AccrueImport", "AccrueParallel",
      ]),
    // The language server (`accrue lsp`, docs/lsp.md): the protocol over the lexer, parser, checker and formatter.
    .target(
      name: "AccrueLSP",
      dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueModel", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueFormat", "AccrueRender"]),
    // Synthetic, seeded rule files and datasets for benchmarks and tests.
    .target(name: "AccrueGen", dependencies: ["AccrueCore"]),
    // The command line: argument parsing, commands, exit codes. Never prints directly.
    .target(
      name: "AccrueCLI",
      dependencies: [
        "AccrueCore", "AccrueDiagnostics", "AccrueModel", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueRender",
        "AccrueGen", "AccrueCompiler", "AccrueImport", "AccrueFormat", "AccrueData", "AccrueLedger", "AccrueRun", "AccrueApprovals", "AccruePosting",
        "AccrueLSP",
      ]),
    .executableTarget(name: "accrue", dependencies: ["AccrueCLI"]),
    // For the tests only: temporary folders removed when the test process exits.
    .target(name: "AccrueTestSupport", path: "Tests/Support"),
    .testTarget(name: "AccrueCoreTests", dependencies: ["AccrueCore"]),
    .testTarget(name: "AccrueSQLiteTests", dependencies: ["AccrueSQLite", "AccrueTestSupport"]),
    .testTarget(name: "AccrueGenTests", dependencies: ["AccrueGen", "AccrueCore", "AccrueTestSupport"]),
    .testTarget(name: "AccrueImportTests", dependencies: ["AccrueImport", "AccrueCore", "AccrueModel"], exclude: ["Fixtures"]),
    .testTarget(
      name: "AccrueFrontendTests",
      dependencies: [
        "AccrueCore", "AccrueDiagnostics", "AccrueModel", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueRender",
        "AccrueGen", "AccrueFormat", "AccrueCompiler", "AccrueData", "AccrueRun", "AccrueTestSupport", "AccrueApprovals",
      ],
      exclude: ["Golden"]),
    .testTarget(
      name: "AccruePostingTests",
      dependencies: [
        "AccruePosting", "AccrueCore", "AccrueModel", "AccrueData", "AccrueRun", "AccrueRender", "AccrueChecker", "AccrueParser",
        "AccrueCompiler", "AccrueDiagnostics", "AccrueCLI", "AccrueTestSupport",
      ],
      exclude: ["Golden"]),
    .testTarget(
      name: "AccrueLSPTests",
      dependencies: ["AccrueLSP", "AccrueRender", "AccrueDiagnostics", "AccrueCLI", "AccrueTestSupport", "AccrueGen", "AccrueParser", "AccrueChecker"]),
    .testTarget(
      name: "AccrueCLITests",
      dependencies: ["AccrueCLI", "AccrueCore", "AccrueModel", "AccrueData", "AccrueRun", "AccrueLedger", "accrue", "AccrueTestSupport"]),
    .testTarget(
      name: "AccrueEngineTests",
      dependencies: [
        "AccrueModel", "AccrueData", "AccrueBilling", "AccrueCash", "AccrueCollections", "AccrueLedger", "AccrueRun",
        "AccrueParallel", "AccrueCompiler", "AccrueChecker", "AccrueParser", "AccrueImport", "AccrueCore", "AccrueGen",
        "AccrueTestSupport", "AccrueRender", "AccrueDiagnostics", "AccrueSQLite",
      ]),
  ],
  swiftLanguageModes: [.v6]
)
