import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueDiagnostics
import AccrueFormat
import AccrueModel
import AccrueParser
import Testing

/// `interest RATE per year|month [DAY COUNT]` in a plan's terms and in a dunning step (grammar.md §2, §6.4, §7).
@Suite("Interest per year or per month")
struct InterestSyntaxTests {
  static func rules(plan: String = "interest 1.5% per month 30/360", step: String = "interest 1.5% per month") -> String {
    """
    currency USD
    month end clamp
    plan p {
      period monthly
      charge base { flat 100.00 USD }
      \(plan)
    }
    cadence c {
      step fee 10 days after due {
        \(step)
      }
    }

    """
  }

  /// The errors a rule set reports: "CODE message".
  static func errors(_ text: String) -> [String] {
    Support.check(text).1.filter { $0.severity == .error }.map { "\($0.code.id) \($0.message)" }
  }

  static func compile(_ text: String) throws -> ExecutablePlan {
    let load = RuleSetLoader.load(root: "mem", files: [("t.accrue", text)])
    let (results, diags) = Frontend.check(load)
    try #require(diags.filter { $0.severity == .error }.isEmpty, "\(diags.map(\.message))")
    return PlanCompiler.compile(results[0].1.program, sources: load.sources)
  }

  @Test("a monthly rate compiles in a plan's terms and in a step, with its day count (default actual/365)")
  func compiles() throws {
    let plan = try Self.compile(Self.rules())
    let terms = try #require(plan.plans.first?.interest)
    #expect(terms.per == .month && terms.dayCount == .thirty360)
    guard case .interest(let rate, let per, let dayCount)? = plan.cadences.first?.steps.first?.actions.first else {
      Issue.record("the step has no interest action")
      return
    }
    #expect(rate != nil && per == .month && dayCount == nil)
    // 'per year' stays as it was.
    let yearly = try Self.compile(Self.rules(plan: "interest 18% per year", step: "interest 18% per year actual/360"))
    #expect(yearly.plans.first?.interest?.per == .year && yearly.plans.first?.interest?.dayCount == .actual365)
    guard case .interest(_, let perYear, let dc)? = yearly.cadences.first?.steps.first?.actions.first else {
      Issue.record("the step has no interest action")
      return
    }
    #expect(perYear == .year && dc == .actual360)
  }

  @Test("a monthly rate is checked as the annual one: a percent, not negative; zero is allowed")
  func checked() {
    #expect(Self.errors(Self.rules(step: "interest 0% per month")).isEmpty)
    #expect(Self.errors(Self.rules(step: "interest 150% per month")).isEmpty)
    let number = Self.errors(Self.rules(step: "interest 1.5 per month"))
    #expect(number.count == 1 && number[0].hasPrefix("E0401 an interest rate"), "\(number)")
    #expect(Self.errors(Self.rules(step: "interest -1.5% per month")) == ["E0411 an interest rate cannot be negative, found -1.5%"])
    #expect(Self.errors(Self.rules(plan: "interest -2% per year")) == ["E0411 an interest rate cannot be negative, found -2%"])
  }

  @Test("a plan's interest needs a rate; 'per' takes 'year' or 'month', a misspelling gets a suggestion")
  func malformed() {
    #expect(Self.errors(Self.rules(plan: "interest")) == ["E0510 interest in a plan needs a rate, per year or per month"])
    let week = Support.check(Self.rules(step: "interest 1.5% per week")).1.filter { $0.severity == .error }
    #expect(week.map(\.message) == ["expected 'year' or 'month' after 'per', found 'week'"], "\(week.map(\.message))")
    let typo = Support.check(Self.rules(step: "interest 1.5% per mnth")).1.first { $0.severity == .error }
    #expect(typo?.help == "did you mean 'month'?")
  }

  @Test("accrue fmt keeps 'per month' and its day count as written")
  func formatted() throws {
    let text = Self.rules(plan: "interest 1.5% per month 30/360", step: "interest 2% per month actual/actual")
    guard case .success(let out) = Formatter.format(Array(text.utf8), path: "t.accrue") else {
      Issue.record("the formatter failed")
      return
    }
    #expect(out == text)
    let squeezed = text.replacingOccurrences(of: "interest 1.5% per month 30/360", with: "interest   1.5%  per   month  30 / 360")
    guard case .success(let again) = Formatter.format(Array(squeezed.utf8), path: "t.accrue") else {
      Issue.record("the formatter failed")
      return
    }
    #expect(again == text)
  }
}
