import AccrueCompiler
import AccrueModel
import AccrueRun
import Testing

/// The stages a run goes through, for each `--only`: what runs, and what is shown.
@Suite("Stages of a run")
struct StageTests {
  static let cadence = """
    cadence standard {
      step first 5 days after due { send email "overdue-1" }
    }
    """
  static let match = """
    match exact "Exact amount, known payer" {
      payer by account
      candidates open invoices of payer, same currency
      allocate exact single
      confidence auto
    }
    """

  /// Each stage as "name" when shown, "(name)" when it runs only to feed another.
  static func steps(_ rules: String, _ only: RunOutput.Part?) throws -> [String] {
    let plan = try Run.plan("currency USD\n" + rules)
    return Stage.steps(plan: plan, only: only).map { $0.shown ? $0.stage.rawValue : "(\($0.stage.rawValue))" }
  }

  @Test(
    "rules with match rules and cadences",
    arguments: [
      (nil, ["billing", "cash application", "collections"]),
      (.invoices, ["billing"]),
      (.matches, ["cash application"]),
      (.reminders, ["(cash application)", "collections"]),
    ] as [(RunOutput.Part?, [String])])
  func both(only: RunOutput.Part?, expected: [String]) throws {
    #expect(try Self.steps(Self.match + "\n" + Self.cadence, only) == expected)
  }

  @Test(
    "rules without match rules, or without cadences",
    arguments: [
      ("cadence", nil, ["billing", "collections"]),
      ("cadence", .matches, []),
      ("cadence", .reminders, ["collections"]),
      ("match", nil, ["billing", "cash application"]),
      ("match", .reminders, []),
      ("none", nil, ["billing"]),
    ] as [(String, RunOutput.Part?, [String])])
  func one(rules: String, only: RunOutput.Part?, expected: [String]) throws {
    let text = rules == "cadence" ? Self.cadence : rules == "match" ? Self.match : ""
    #expect(try Self.steps(text, only) == expected)
  }

  @Test("each output is produced by one stage, and --only's help names them all")
  func parts() {
    for part in [RunOutput.Part.invoices, .matches, .reminders] { #expect(Stage(producing: part).part == part) }
    #expect(Stage.onlyHelp == "Produce only invoices (billing), only matches (cash application) or only reminders (collections).")
  }
}
