import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

extension CheckedProgram {
  /// The currencies an approval condition's amounts name in common (grammar.md §11): an amount names its currency,
  /// amounts per currency theirs; nil when the condition has no amount of a known currency. An item in a currency
  /// outside the set never matches the rule (empty: no item does).
  public func amountCurrencies(_ e: Expr) -> Set<Currency>? {
    var out: Set<Currency>?
    func visit(_ x: Expr) {
      let t = Int(x.id) < types.count ? types[Int(x.id)] : .error
      switch t {
      case .money(.known(let c)): out = (out ?? [c]).intersection([c])
      case .money(.perCurrency(let cs)): out = (out ?? Set(cs)).intersection(cs)
      default: for c in x.kind.children { visit(c) }
      }
    }
    visit(e)
    return out
  }
}

extension CheckerState {
  /// A `when` of an approval rule: a yes/no condition over the subject's records only.
  func checkApprovalCondition(_ e: Expr, _ a: ApprovalDecl, _ ctx: Context) {
    if let (r, n) = foreignRecord(e, ctx) {
      let own = a.subject.records.map(\.rawValue).joined(separator: ", ")
      let subject = ApprovalSubject.allCases.first { $0.record == r }
      report(
        .fieldNotOfSubject, "a rule for \(a.subject.rawValue) reads \(own); '\(r.rawValue)' is not one of them", at: n.span,
        help: subject.map { "\(r.rawValue) is what a rule for \($0.rawValue) reads: write 'approval \(name(a.name.symbol)) for \($0.rawValue) { ... }'" }
          ?? "\(r.rawValue) is not read by approval rules")
      return
    }
    expectCondition(e, ctx, "an approval's 'when'")
    if case .bool(false)? = constValue(e) {
      report(.approvalUnreachable, "approval rule '\(name(a.name.symbol))' never applies: its condition is always false", at: e.span,
        help: "remove the rule, or fix its condition")
      return
    }
    let p = partialProgram()
    if let cs = p.amountCurrencies(e), cs.isEmpty {
      report(
        .approvalUnreachable, "approval rule '\(name(a.name.symbol))' never applies: its amounts have no currency in common", at: e.span,
        help: "an item applies only in a currency every amount of the condition names: write one threshold per currency, as in [10_000.00 USD, 9_000.00 EUR]")
    }
    checkApprovalCurrencies(e)
  }

  /// The first record name the expression reads that the context does not have.
  func foreignRecord(_ e: Expr, _ ctx: Context) -> (RecordKind, Name)? {
    if case .name(let n) = e.kind, let r = recordSymbols[n.symbol], !ctx.records.contains(r), lets[n.symbol] == nil {
      return (r, n)
    }
    for c in e.kind.children { if let f = foreignRecord(c, ctx) { return f } }
    return nil
  }

  /// The currencies the rule set's plans bill in (nil when the rules state none: not knowable).
  func billedCurrencies() -> Set<Currency>? {
    if plans.isEmpty { return topSettings.currency.map { [$0] } }
    return Set(plans.map { $0.settings.currency ?? topSettings.currency ?? .USD })
  }

  /// W0803 for each amount written in a currency no plan bills in.
  func checkApprovalCurrencies(_ e: Expr) {
    guard let used = billedCurrencies() else { return }
    if case .money(_, let c) = e.kind, !used.contains(c) {
      let list = used.map(\.code).sorted().joined(separator: ", ")
      report(
        .approvalCurrencyUnused, "this rule set bills in \(list) only: an amount in \(c.code) applies only to invoices from the invoices file",
        at: e.span, help: "write the amount in a currency the plans use (\(list)), or keep it for invoices of the invoices file")
      return
    }
    for c in e.kind.children { checkApprovalCurrencies(c) }
  }

  /// The types seen so far, for `amountCurrencies`.
  func partialProgram() -> CheckedProgram {
    CheckedProgram(
      names: [], types: types, resolutions: [], settings: topSettings, lets: [], defines: [], customFields: [:], calendars: [],
      metrics: [], plans: [], cadences: [], matches: [])
  }

  /// W0802: two rules of one subject with the same condition (or none) always apply together.
  func checkApprovalOverlaps() {
    var byKey: [String: ApprovalDecl] = [:]
    for a in approvals.map(\.decl) {
      let key = a.subject.rawValue + "|" + conditionKey(a)
      if let first = byKey[key] {
        let what = conditionKey(a).isEmpty ? "neither has a condition" : "their conditions are the same"
        report(
          .approvalOverlap,
          "approval rules '\(name(first.name.symbol))' and '\(name(a.name.symbol))' always apply together (\(what)): every item needs both chains",
          at: a.name.span, notes: [Note("'\(name(first.name.symbol))' is here", at: first.name.span)],
          help: "merge their chains into one rule, or make their conditions differ")
        continue
      }
      byKey[key] = a
    }
  }

  /// A rule's conditions as written, spaces collapsed ("" when it has none, or only constant true ones).
  func conditionKey(_ a: ApprovalDecl) -> String {
    var parts: [String] = []
    for case .when(let e, _) in a.items {
      if case .bool(true)? = constValue(e) { continue }
      let text = sources[e.span.file].text(e.span)
      parts.append(text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " "))
    }
    return parts.joined(separator: " and ")
  }
}
