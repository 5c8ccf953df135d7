// swift-tools-version: 6.0
// Accrue: a checked rules language and engine for billing and collections.
// One target per pipeline stage; no package dependencies.
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
    // Bytes -> tokens.
    .target(name: "AccrueLexer", dependencies: ["AccrueCore", "AccrueDiagnostics"]),
    // Tokens -> AST with spans and error recovery; rule-set loading (includes).
    .target(name: "AccrueParser", dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueLexer"]),
    // AST -> names, types, units, currencies, rule conflicts -> diagnostics + checked program.
    .target(name: "AccrueChecker", dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser"]),
    // Checked program -> executable plan: every expression a closure with names resolved to slots.
    .target(name: "AccrueFormat", dependencies: ["AccrueDiagnostics", "AccrueLexer", "AccrueParser"]),
    .target(name: "AccrueCompiler", dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser", "AccrueChecker"]),
    // Data files (CSV, JSON, JSON Lines; later bank formats) -> typed rows with located issues.
    .target(name: "AccrueImport", dependencies: ["AccrueCore"]),
    // Evaluates the plan against a dataset as of a date: invoices (later reminders and matches).
    .target(
      name: "AccrueEngine",
      dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueParser", "AccrueChecker", "AccrueCompiler", "AccrueImport"]),
    // Renderers: diagnostics as text, JSON, GitHub annotations, SARIF.
    .target(name: "AccrueRender", dependencies: ["AccrueCore", "AccrueDiagnostics", "AccrueCompiler", "AccrueEngine", "AccrueImport", "AccrueParser"]),
    // Synthetic, seeded rule files and datasets for benchmarks and tests.
    .target(name: "AccrueGen", dependencies: ["AccrueCore"]),
    // The command line: argument parsing, commands, exit codes. Never prints directly.
    .target(
      name: "AccrueCLI",
      dependencies: [
        "AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueRender", "AccrueGen",
        "AccrueCompiler", "AccrueEngine", "AccrueImport", "AccrueFormat",
      ]),
    .executableTarget(name: "accrue", dependencies: ["AccrueCLI"]),
    // For the tests only: temporary folders removed when the test process exits.
    .target(name: "AccrueTestSupport", path: "Tests/Support"),
    .testTarget(name: "AccrueCoreTests", dependencies: ["AccrueCore"]),
    .testTarget(name: "AccrueGenTests", dependencies: ["AccrueGen", "AccrueCore", "AccrueTestSupport"]),
    .testTarget(name: "AccrueImportTests", dependencies: ["AccrueImport", "AccrueCore"], exclude: ["Fixtures"]),
    .testTarget(
      name: "AccrueFrontendTests",
      dependencies: [
        "AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueRender", "AccrueGen",
        "AccrueFormat", "AccrueCompiler", "AccrueEngine", "AccrueTestSupport",
      ],
      exclude: ["Golden"]),
    .testTarget(name: "AccrueCLITests", dependencies: ["AccrueCLI", "AccrueCore", "AccrueEngine", "accrue", "AccrueTestSupport"]),
    .testTarget(
      name: "AccrueEngineTests",
      dependencies: [
        "AccrueEngine", "AccrueCompiler", "AccrueChecker", "AccrueParser", "AccrueImport", "AccrueCore", "AccrueGen", "AccrueTestSupport",
        "AccrueRender", "AccrueDiagnostics",
      ]),
  ],
  swiftLanguageModes: [.v6]
)
