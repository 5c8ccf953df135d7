import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import AccrueParser

/// The journal entries of a run, or the failures that stop it (nothing posts).
public struct PostingResult: Sendable {
  public var entries: [JournalEntry] = []
  public var failures: [RunFailure] = []
}

/// Posting to the general ledger (grammar.md §12): every event of a run becomes one journal entry, balanced by
/// construction, its accounts and dimensions resolved from the posting rules and held against the chart of
/// accounts before anything posts.
public enum Posting {
  /// The entries of `output`'s events, in date then event order (whatever the order of the data's rows).
  public static func journal(_ output: RunOutput, plan: ExecutablePlan, data: Dataset, chart: Chart) -> PostingResult {
    var b = JournalBuilder(plan: plan, data: data, chart: chart, asOf: output.billing.asOf)
    for inv in output.billing.invoices { b.invoice(inv) }
    for app in output.cash?.applications ?? [] { b.cash(app) }
    var r = b.result
    r.entries.sort { ($0.date, $0.event) < ($1.date, $1.event) }
    // One failure per rule and message (the first event in order names it): a bad value usually fails every event.
    var seen: Set<String> = []
    r.failures = r.failures.sorted { ($0.subject, $0.rule.line, $0.rule.column, $0.message) < ($1.subject, $1.rule.line, $1.rule.column, $1.message) }
      .filter { seen.insert("\($0.rule.file):\($0.rule.line):\($0.rule.column) \($0.message)").inserted }
    return r
  }
}

/// Builds entries event by event, evaluating the posting rules on the event's records.
struct JournalBuilder {
  let plan: ExecutablePlan
  let data: Dataset
  let chart: Chart
  let rules: PostingRules
  let env: Env
  var result = PostingResult()

  init(plan: ExecutablePlan, data: Dataset, chart: Chart, asOf: CivilDate) {
    self.plan = plan
    self.data = data
    self.chart = chart
    self.rules = PostingRules(plan)
    env = Env(asOf: asOf)
    env.lets = []
    for l in plan.lets { env.lets.append(l.eval(env)) }
  }

  /// The event's records: its customer (the customer fields' defaults for a payment of unknown payer) and its
  /// contract (none for cash).
  func fill(customer: String?, contract: String?, currency: Currency) {
    let fields = plan.program.fields(of: .customer)
    if let c = customer.flatMap({ data.customerIndex[$0] }) {
      env.records[RecordKind.customer.index] = data.customers[c].record
    } else {
      env.records[RecordKind.customer.index] = fields.map { plan.fieldDefaults[.customer]?[$0.index] ?? Self.zero($0.type, currency) }
    }
    env.records[RecordKind.contract.index] = contract.flatMap { data.contractIndex[$0] }.map { data.contracts[$0].record } ?? []
  }

  static func zero(_ t: AccrueChecker.ValueType, _ c: Currency) -> RValue {
    switch t {
    case .text: .text("")
    case .bool: .bool(false)
    case .number: .number(.zero)
    case .currency: .currency(c)
    case .money: .money(.zero, c)
    default: .error
    }
  }

  /// A value of the rules on the current event: a text, or nil with a failure recorded.
  mutating func text(_ v: PostingValue, _ event: String) -> String? {
    if let l = v.literal { return l }
    if env.records[RecordKind.contract.index].isEmpty, v.expr.resolved.contains("contract#") {
      result.failures.append(RunFailure(message: "the rule reads the contract, and the event has none", rule: v.ref, subject: event))
      return nil
    }
    env.reset()
    let r = v.expr.eval(env)
    if let f = env.failure {
      result.failures.append(plan.failure(f, event))
      return nil
    }
    guard case .text(let s) = r else {
      result.failures.append(RunFailure(message: "the value is not a text", rule: v.ref, subject: event))
      return nil
    }
    return s
  }

  /// The entity an event posts to (`entity EXPR`; "" without one).
  mutating func entity(_ event: String) -> String? {
    guard let e = rules.entity else { return "" }
    guard let v = text(e, event) else { return nil }
    if let p = chart.valueProblem("entity", v) {
      result.failures.append(RunFailure(message: p, rule: e.ref, subject: event))
      return nil
    }
    return v
  }

  /// The two lines of one event kind, resolved and validated; nil (with failures) when they cannot be.
  mutating func lines(
    _ kind: PostingEvent, entity: String, plan p: String?, charge: String?, memo: String, event: String
  ) -> (GLLine, GLLine)? {
    let r = rules.resolve(kind, entity: entity, plan: p, charge: charge)
    guard let d = r.debit, let c = r.credit else {
      let at = r.row ?? rules.firstRef
      result.failures.append(
        RunFailure(
          message: "no posting rule names the \(r.debit == nil ? "debit" : "credit") of '\(kind.rawValue)' events (entity \"\(entity)\")",
          rule: at, subject: event))
      return nil
    }
    var dims = [GLDimension(name: "entity", value: entity)]
    for n in rules.dimensionNames.dropFirst() {
      guard let v = r.dimensions[n] else { continue }
      guard let s = text(v, event) else { return nil }
      if !s.isEmpty, let problem = chart.valueProblem(n, s) {
        result.failures.append(RunFailure(message: problem, rule: v.ref, subject: event))
        return nil
      }
      if !s.isEmpty { dims.append(GLDimension(name: n, value: s)) }
    }
    guard let debit = line(d, dims, memo, event), let credit = line(c, dims, memo, event) else { return nil }
    return (debit, credit)
  }

  mutating func line(_ v: PostingValue, _ dims: [GLDimension], _ memo: String, _ event: String) -> GLLine? {
    guard let account = text(v, event) else { return nil }
    if let problem = chart.accountProblem(account) {
      result.failures.append(RunFailure(message: problem, rule: v.ref, subject: event))
      return nil
    }
    let missing = (chart.accounts[account]?.requiredDimensions ?? []).filter { d in !dims.contains { $0.name == d && !$0.value.isEmpty } }
    if !missing.isEmpty {
      result.failures.append(
        RunFailure(
          message: "account \(account) requires the dimension\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")), which the posting rules leave empty",
          rule: v.ref, subject: event))
      return nil
    }
    return GLLine(account: account, dimensions: dims, memo: memo, rule: v.ref)
  }
}
