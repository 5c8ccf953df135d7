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
    // Renderers: diagnostics as text, JSON, GitHub annotations, SARIF.
    .target(name: "AccrueRender", dependencies: ["AccrueDiagnostics"]),
    // Synthetic, seeded rule files and datasets for benchmarks and tests.
    .target(name: "AccrueGen", dependencies: ["AccrueCore"]),
    // The command line: argument parsing, commands, exit codes. Never prints directly.
    .target(
      name: "AccrueCLI",
      dependencies: [
        "AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueRender", "AccrueGen",
      ]),
    .executableTarget(name: "accrue", dependencies: ["AccrueCLI"]),
    .testTarget(name: "AccrueCoreTests", dependencies: ["AccrueCore"]),
    .testTarget(
      name: "AccrueFrontendTests",
      dependencies: [
        "AccrueCore", "AccrueDiagnostics", "AccrueLexer", "AccrueParser", "AccrueChecker", "AccrueRender", "AccrueGen",
      ],
      exclude: ["Golden"]),
    .testTarget(name: "AccrueCLITests", dependencies: ["AccrueCLI", "AccrueCore"]),
  ],
  swiftLanguageModes: [.v6]
)
