import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// A dimension of the general ledger, declared (grammar.md §12).
public struct CheckedDimension: Sendable {
  public var name: String
  public var label: String
  public var span: Span
}

/// A posting block, checked: the declaration, its file, and for a plan's block the plan's and charge's names.
public struct CheckedPosting: Sendable {
  public var decl: PostingDecl
  public var file: FileID
  /// The entity of `posting entity "E"`.
  public var entity: String?
  public var plan: String?
  public var charge: String?
}

// Posting rules (grammar.md §12): dimensions declared once; one block per scope (E0302); plans and charges that
// exist (E0310); `entity` in the block for all only, plan blocks posting invoice events only (E0903); rows of
// defaults with both accounts (E0901); declared dimensions (E0902); accounts, values and entities that are text
// (E0904) over the event's records; event kinds without a default row (W0901).
extension CheckerState {
  func checkPostings(_ ordered: [(Decl, FileID)]) {
    for (d, _) in ordered {
      guard case .dimension(let dim) = d else { continue }
      let n = name(dim.name.symbol)
      if let first = dimensionIndex[n] {
        report(
          .duplicateDeclaration, "the dimension '\(n)' is declared twice", at: dim.name.span, notes: [Note("first declared here", at: first)],
          help: "keep one 'dimension \(n)' declaration")
        continue
      }
      dimensionIndex[n] = dim.name.span
      dimensions.append(CheckedDimension(name: n, label: dim.label?.value ?? n, span: dim.span))
    }
    var scopes: [String: Span] = [:]
    for (d, f) in ordered {
      guard case .posting(let p) = d else { continue }
      guard let checked = checkPostingScope(p, f, &scopes) else { continue }
      checkPostingItems(p, checked)
      postings.append(checked)
    }
    checkPostingCoverage()
  }

  /// The block's scope: known plans and charges, one block per scope.
  func checkPostingScope(_ p: PostingDecl, _ f: FileID, _ scopes: inout [String: Span]) -> CheckedPosting? {
    var out = CheckedPosting(decl: p, file: f)
    let key: String
    switch p.scope {
    case .all: key = "posting"
    case .entity(let e):
      key = "posting entity \"\(e.value)\""
      out.entity = e.value
    case .plan(let pn, let cn):
      let planName = name(pn.symbol)
      guard let plan = plans.first(where: { $0.decl.name.symbol == pn.symbol }) else {
        let sug = suggestion(for: planName, in: plans.map { name($0.decl.name.symbol) })
        report(
          .unknownReference, "there is no plan '\(planName)'", at: pn.span, help: sug.map { "did you mean '\($0)'?" } ?? "name a plan of the rules",
          fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(pn.span, $0)]) })
        return nil
      }
      out.plan = planName
      key = "posting plan \(planName)" + (cn.map { " charge \(name($0.symbol))" } ?? "")
      if let cn {
        let charges = Self.chargeNames(plan.decl.items).map(name)
        let c = name(cn.symbol)
        guard charges.contains(c) else {
          let sug = suggestion(for: c, in: charges)
          report(
            .unknownReference, "plan '\(planName)' has no charge '\(c)'", at: cn.span,
            help: sug.map { "did you mean '\($0)'?" } ?? "its charges: \(charges.joined(separator: ", "))",
            fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(cn.span, $0)]) })
          return nil
        }
        out.charge = c
      }
    }
    if let first = scopes[key] {
      report(
        .duplicateDeclaration, "'\(key)' is stated twice", at: p.scopeSpan, notes: [Note("first stated here", at: first)],
        help: "keep one block per scope: move these rows into the first")
      return nil
    }
    scopes[key] = p.scopeSpan
    return out
  }

  static func chargeNames(_ items: [PlanItem]) -> [Symbol] {
    items.flatMap { item -> [Symbol] in
      switch item {
      case .charge(let c): [c.name.symbol]
      case .phase(let ph): chargeNames(ph.items)
      default: []
      }
    }
  }

  func checkPostingItems(_ p: PostingDecl, _ c: CheckedPosting) {
    let block: String
    switch p.scope {
    case .all: block = "the posting block"
    case .entity: block = "the posting block of entity \"\(c.entity ?? "")\""
    case .plan: block = "the posting block of plan '\(c.plan ?? "")'" + (c.charge.map { " charge '\($0)'" } ?? "")
    }
    let isPlan = c.plan != nil
    var isAll = false
    if case .all = p.scope { isAll = true }
    var once = Once()
    for item in p.items {
      switch item {
      case .entity(let e, let s):
        guard case .all = p.scope else {
          report(
            .postingScope, "'entity' is stated in the posting block for all entities only", at: s,
            help: "write it in 'posting { entity ... }': it says which entity each event posts to")
          continue
        }
        guard once.check("entity", s, self, in: block) else { continue }
        expectPostingText(e, records: [.customer], "the entity")
      case .dimension(let d, let s):
        guard once.check("dimension \(name(d.name.symbol))", s, self, in: block) else { continue }
        checkDimensionValue(d, records: isPlan ? [.customer, .contract] : [.customer])
      case .row(let r):
        guard once.check(r.event.rawValue, r.eventSpan, self, in: block) else { continue }
        checkPostingRow(r, isPlan: isPlan, isAll: isAll, block: block)
      case .recognize(_, let s):
        // Two methods for the same invoice lines overlap: one per block (a plan's or charge's block overrides).
        _ = once.check("recognize", s, self, in: block)
      }
    }
  }

  func checkPostingRow(_ r: PostingRow, isPlan: Bool, isAll: Bool, block: String) {
    if isPlan, !r.event.fromInvoice {
      report(
        .postingScope, "a plan's posting block posts invoice events only; '\(r.event.rawValue)' is cash", at: r.eventSpan,
        help: "state cash events in 'posting { ... }' or in an entity's block: 'posting entity \"E\" { ... }'")
      return
    }
    if !isAll, r.debit == nil, r.credit == nil, r.dimensions.isEmpty {
      report(
        .postingIncomplete, "this row of \(block) overrides nothing", at: r.span,
        help: "name the debit, the credit or dimensions: \(r.event.rawValue) credit \"4010\"")
    } else if isAll, r.debit == nil || r.credit == nil {
      let missing = r.debit == nil ? (r.credit == nil ? "the debit and the credit" : "the debit") : "the credit"
      report(
        .postingIncomplete, "the '\(r.event.rawValue)' row of \(block) does not name \(missing)", at: r.span,
        help: "a default row names both accounts: \(r.event.rawValue) debit \"1200\" credit \"4000\"")
    }
    let records: RecordSet = r.event.fromInvoice ? [.customer, .contract] : [.customer]
    if let e = r.debit { expectPostingText(e, records: records, "an account") }
    if let e = r.credit { expectPostingText(e, records: records, "an account") }
    for d in r.dimensions { checkDimensionValue(d, records: records) }
  }

  func checkDimensionValue(_ d: DimensionValue, records: RecordSet) {
    let n = name(d.name.symbol)
    if dimensionIndex[n] == nil {
      let sug = suggestion(for: n, in: Array(dimensionIndex.keys))
      report(
        .unknownDimension, "there is no dimension '\(n)'", at: d.name.span,
        help: sug.map { "did you mean '\($0)'?" } ?? "declare it at the top of a rule file: dimension \(n) \"\(n.capitalized)\"",
        fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(d.name.span, $0)]) })
    }
    expectPostingText(d.value, records: records, "a dimension value")
  }

  func expectPostingText(_ e: Expr, records: RecordSet, _ what: @autoclosure () -> String) {
    var ctx = Context()
    ctx.records = records
    ctx.settings = topSettings
    ctx.what = "a posting rule"
    let t = typeOf(e, ctx)
    if t == .text || t == .error { return }
    var help = "write a text: a literal in quotes, or a text field such as customer.segment"
    var fix: FixIt?
    if case .number = e.kind {
      let src = sources[e.span.file].text(e.span)
      help = "write the account number in quotes: \"\(src)\""
      fix = FixIt("quote it", edits: [Edit(e.span, "\"\(src)\"")])
    }
    report(.postingNotText, "\(what()) is \(t), not text", at: e.span, help: help, fix: fix)
  }

  /// W0901: event kinds no default block has a row for.
  func checkPostingCoverage() {
    guard let first = postings.first(where: { $0.plan == nil }) ?? postings.first else { return }
    // A block that lost a row to a syntax error most likely lost the row the warning would ask for.
    if postings.contains(where: { incompleteBlocks.contains(Int64($0.decl.span.file.index) << 32 | Int64($0.decl.span.start)) }) { return }
    var covered: Set<PostingEvent> = []
    for p in postings where p.plan == nil {
      for case .row(let r) in p.decl.items where r.debit != nil && r.credit != nil { covered.insert(r.event) }
    }
    if let all = postings.first(where: { if case .all = $0.decl.scope { true } else { false } }) {
      covered = []
      for case .row(let r) in all.decl.items where r.debit != nil && r.credit != nil { covered.insert(r.event) }
    }
    // Revenue recognized later needs its row only when some block defers revenue (grammar.md §13).
    let defers = postings.contains { p in p.decl.items.contains { if case .recognize(let m, _) = $0 { m.defers } else { false } } }
    let missing = PostingEvent.allCases.filter { !covered.contains($0) && ($0 != .revenueRecognized || defers) }
    guard !missing.isEmpty else { return }
    report(
      .postingUncovered, "no posting rule for \(missing.map { "'\($0.rawValue)'" }.joined(separator: ", ")) events", at: first.decl.scopeSpan,
      help: "add a row for each to the block for all entities (or to every entity's block): a run that meets one stops")
  }
}
