import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueModel
import AccrueParser

/// An account, a dimension value or an entity of the posting rules, compiled: evaluated on each event.
struct PostingValue: Sendable {
  var expr: CExpr
  /// Where it is written (file:line:column).
  var ref: RuleRef
  /// The literal, when it is one (checked once, by `accrue check --data`, and again here).
  var literal: String?
}

/// One row of the posting matrix, compiled.
struct PostingRowRule: Sendable {
  var debit: PostingValue?
  var credit: PostingValue?
  var dimensions: [(String, PostingValue)]
  var ref: RuleRef
}

/// One block's rows by event kind and its dimension statements.
struct PostingBlock: Sendable {
  var rows: [PostingEvent: PostingRowRule] = [:]
  var dimensions: [(String, PostingValue)] = []
  /// `recognize METHOD` (grammar.md §13), where it is written.
  var recognition: (RecognitionMethod, RuleRef)?
}

/// The rule set's posting rules (grammar.md §12): the block for all entities, each entity's, each plan's and
/// each plan's charge's, the `entity` expression, and the dimensions in the order the rules declare them.
public struct PostingRules: Sendable {
  var entity: PostingValue?
  var all = PostingBlock()
  var entities: [String: PostingBlock] = [:]
  var plans: [String: PostingBlock] = [:]
  /// By "plan/charge".
  var charges: [String: PostingBlock] = [:]
  /// `entity`, then the declared dimensions, in the order lines list them.
  public var dimensionNames: [String] = ["entity"]

  /// Whether the rules post at all (they have a posting block).
  public var isEmpty: Bool
  /// Where the first posting block is (for an event kind no row names).
  var firstRef = RuleRef(file: "(rules)", line: 0)

  public init(_ plan: ExecutablePlan) {
    let program = plan.program
    isEmpty = program.postings.isEmpty
    dimensionNames += program.dimensions.map(\.name)
    let ec = ExprCompiler(program: program)
    func value(_ e: Expr) -> PostingValue {
      var literal: String?
      if case .string(let s) = e.kind { literal = s }
      return PostingValue(expr: ec.compile(e), ref: plan.ref(e.span), literal: literal)
    }
    if let first = program.postings.first { firstRef = plan.ref(first.decl.scopeSpan) }
    for p in program.postings {
      var block = PostingBlock()
      for item in p.decl.items {
        switch item {
        case .entity(let e, _): entity = value(e)
        case .dimension(let d, _): block.dimensions.append((program.name(d.name.symbol), value(d.value)))
        case .recognize(let m, let span): block.recognition = (m, plan.ref(span))
        case .row(let r):
          block.rows[r.event] = PostingRowRule(
            debit: r.debit.map(value), credit: r.credit.map(value),
            dimensions: r.dimensions.map { (program.name($0.name.symbol), value($0.value)) }, ref: plan.ref(r.span))
        }
      }
      switch p.decl.scope {
      case .all: all = block
      case .entity(let e): entities[e.value] = block
      case .plan:
        if let c = p.charge, let pl = p.plan { charges[pl + "/" + c] = block } else if let pl = p.plan { plans[pl] = block }
      }
    }
  }

  /// The blocks an event resolves through, most specific first: the plan's charge, the plan (invoice events
  /// only), the entity, all entities.
  func blocks(_ event: PostingEvent, entity: String, plan: String?, charge: String?) -> [PostingBlock] {
    var out: [PostingBlock] = []
    if event.fromInvoice, let plan {
      if let charge, let b = charges[plan + "/" + charge] { out.append(b) }
      if let b = plans[plan] { out.append(b) }
    }
    if let b = entities[entity] { out.append(b) }
    out.append(all)
    return out
  }

  /// How the revenue of an invoice line of `plan`'s `charge` is recognized: the most specific block's `recognize`
  /// (charge, plan, entity, all), at a point in time (when invoiced) without one; and where that is written.
  public func recognition(entity: String, plan: String?, charge: String?) -> (RecognitionMethod, RuleRef?) {
    for b in blocks(.invoiceLine, entity: entity, plan: plan, charge: charge) {
      if let r = b.recognition { return (r.0, r.1) }
    }
    return (.pointInTime, nil)
  }

  /// Whether any block defers revenue (recognizes it over time or on milestones).
  public var defersRevenue: Bool {
    ([all] + Array(entities.values) + Array(plans.values) + Array(charges.values)).contains { $0.recognition?.0.defers == true }
  }

  /// The debit and credit of an event and the dimensions of its lines: each the most specific row's, then
  /// block's (grammar.md §12).
  func resolve(_ event: PostingEvent, entity: String, plan: String?, charge: String?) -> (
    debit: PostingValue?, credit: PostingValue?, dimensions: [String: PostingValue], row: RuleRef?
  ) {
    let bs = blocks(event, entity: entity, plan: plan, charge: charge)
    var debit: PostingValue?
    var credit: PostingValue?
    var dims: [String: PostingValue] = [:]
    var row: RuleRef?
    for b in bs {
      if let r = b.rows[event] {
        if row == nil { row = r.ref }
        if debit == nil { debit = r.debit }
        if credit == nil { credit = r.credit }
        for (n, v) in r.dimensions where dims[n] == nil { dims[n] = v }
      }
      for (n, v) in b.dimensions where dims[n] == nil { dims[n] = v }
    }
    return (debit, credit, dims, row)
  }
}
