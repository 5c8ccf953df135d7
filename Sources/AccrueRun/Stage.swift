import AccrueCompiler
import AccrueModel

/// The stages of a run, in the order they run. Each hands model values to the next: billing its invoices (to the
/// output), cash application the payments it applied (to collections, so nobody is dunned for an invoice this
/// run's cash closed), collections its reminders and actions.
public enum Stage: String, CaseIterable, Sendable {
  case billing
  case cashApplication = "cash application"
  case collections

  /// What the stage produces, as `--only` names it.
  public var part: RunOutput.Part {
    switch self {
    case .billing: .invoices
    case .cashApplication: .matches
    case .collections: .reminders
    }
  }

  /// The stage that produces `part`.
  public init(producing part: RunOutput.Part) {
    self = Stage.allCases.first { $0.part == part }!
  }

  /// `--only`'s help: each output with the stage that produces it.
  public static var onlyHelp: String {
    let parts = allCases.map { "only \($0.part.rawValue) (\($0.rawValue))" }
    return "Produce " + parts.dropLast().joined(separator: ", ") + " or " + parts.last! + "."
  }

  /// A stage of one run: whether its output is shown and recorded (with `--only` another stage may run only to
  /// feed the one asked for).
  public struct Step: Equatable, Sendable {
    public let stage: Stage
    public let shown: Bool
  }

  /// The stages a run of `plan` goes through, for `only` (nil: the whole run). Billing runs when its output is
  /// asked for; cash application when the rules have match rules (or use account credit) and its output is asked
  /// for or collections needs its cash; collections when the rules have cadences and its output is asked for.
  public static func steps(plan: ExecutablePlan, only: RunOutput.Part?) -> [Step] {
    func asked(_ s: Stage) -> Bool { only == nil || only == s.part }
    let dunning = !plan.cadences.isEmpty && asked(.collections)
    var out: [Step] = []
    if asked(.billing) { out.append(Step(stage: .billing, shown: true)) }
    // (Without match rules it still runs under 'account credit applied oldest first': credit on account, from
    // credit notes or earlier runs, pays open invoices; no payment is matched.)
    if (!plan.matchRules.isEmpty || plan.creditUse == .oldestFirst) && (asked(.cashApplication) || dunning) {
      out.append(Step(stage: .cashApplication, shown: asked(.cashApplication)))
    }
    if dunning { out.append(Step(stage: .collections, shown: true)) }
    return out
  }
}
