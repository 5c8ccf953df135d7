import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// An approval rule, checked: the declaration, its file, and the calendar its business days are counted on (its
/// own `calendar`, else the rule set's only calendar, else nil: Saturday and Sunday off).
public struct CheckedApproval: Sendable {
  public var decl: ApprovalDecl
  public var file: FileID
  public var calendar: String?
}

extension ApprovalSubject {
  /// The records an approval rule of this subject reads.
  public var records: [RecordKind] {
    switch self {
    case .invoices, .debitNotes: [.invoice, .customer, .contract, .plan]
    case .creditNotes: [.creditNote, .customer]
    case .writeOffs: [.writeOff, .customer]
    case .paymentPlans: [.paymentPlan, .customer]
    }
  }

  /// The record the item itself is (its currency decides which amounts apply).
  public var record: RecordKind { records[0] }
}

// Approval rules (grammar.md §11): roles declared once (E0802), chains of declared roles (E0801, did you mean),
// each once (E0804), a chain in every rule (E0803); conditions yes/no (E0409) over the subject's records (E0805);
// an escalation with its days and its role (E0806); calendars the rules declare (E0310); rules that never apply
// (W0801), rules that always apply together (W0802), amounts in currencies no plan bills in (W0803).
extension CheckerState {
  /// The longest escalation window (a year of days).
  static let maxEscalationDays: Int64 = 365

  func checkApprovals(_ ordered: [(Decl, FileID)]) {
    let before = diags.count
    for (d, _) in ordered {
      guard case .role(let r) = d else { continue }
      if let first = roles[r.name.symbol] {
        report(
          .duplicateRole, "the role '\(name(r.name.symbol))' is declared twice", at: r.name.span, notes: [Note("first declared here", at: first)],
          help: "keep one 'role \(name(r.name.symbol))' declaration")
        continue
      }
      roles[r.name.symbol] = r.name.span
      roleOrder.append(r)
    }
    var seen: [Symbol: Span] = [:]
    for (d, f) in ordered {
      guard case .approval(let a) = d else { continue }
      if let first = seen[a.name.symbol] {
        report(
          .duplicateDeclaration, "approval rule '\(name(a.name.symbol))' is declared twice", at: a.name.span,
          notes: [Note("first declared here", at: first)], help: "rename one of them")
        continue
      }
      seen[a.name.symbol] = a.name.span
      approvals.append(CheckedApproval(decl: a, file: f, calendar: checkApproval(a)))
    }
    checkApprovalOverlaps()
    // A rule with an error (a misspelt role, a missing chain) most likely meant the role it does not name.
    if diags[before...].contains(where: { $0.severity == .error }) { return }
    for r in roleOrder where !rolesUsed.contains(r.name.symbol) {
      report(
        .unusedDefinition, "role '\(name(r.name.symbol))' approves nothing", at: r.name.span,
        help: "name it in an approval rule's 'approve by' or 'escalate ... to', or remove it")
    }
  }

  /// One rule; returns the calendar its business days are counted on.
  func checkApproval(_ a: ApprovalDecl) -> String? {
    let block = "approval rule '\(name(a.name.symbol))'"
    var ctx = Context()
    for r in a.subject.records { ctx.records.insert(RecordSet(r)) }
    ctx.settings = topSettings
    ctx.what = block
    ctx.approvals = true
    var once = Once()
    var chain = false
    var calendar: String?
    var businessEscalation: Span?
    for item in a.items {
      switch item {
      case .when(let e, _):
        checkApprovalCondition(e, a, ctx)
      case .approveBy(let names, let s):
        guard once.check("approve by", s, self, in: block) else { continue }
        chain = true
        checkChain(names)
      case .escalate(let after, let to, let s):
        guard once.check("escalate", s, self, in: block) else { continue }
        if checkEscalation(after, to, s, ctx) { businessEscalation = s }
      case .calendar(let c, let s):
        guard once.check("calendar", s, self, in: block) else { continue }
        if let i = calendarIndex[c.symbol] {
          calendarUsed.insert(i)
          calendar = name(c.symbol)
        } else {
          let sug = suggestion(for: name(c.symbol), in: calendarIndex.keys.map(name))
          report(
            .unknownReference, "there is no calendar '\(name(c.symbol))'", at: c.span,
            help: sug.map { "did you mean '\($0)'?" } ?? "declare it: calendar \(name(c.symbol)) { holiday 2026-12-25 }",
            fix: sug.map { FixIt("replace with '\($0)'", edits: [Edit(c.span, $0)]) })
        }
      }
    }
    if !chain {
      reportApprovalMissing(a, block)
    }
    if let c = calendar, businessEscalation == nil {
      _ = c
      if let s = a.items.first(where: { if case .calendar = $0 { return true } else { return false } })?.span {
        report(
          .approvalEscalation, "\(block) names a calendar but counts no business days", at: s,
          help: "a calendar counts business days: write 'escalate after 2 business days to ROLE', or remove the calendar")
      }
    }
    if calendar == nil, businessEscalation != nil, calendars.count == 1 {
      calendar = name(calendars[0].decl.name.symbol)
      calendarUsed.insert(0)
    }
    return calendar
  }

  func reportApprovalMissing(_ a: ApprovalDecl, _ block: String) {
    guard !incompleteBlocks.contains(Int64(a.span.file.index) << 32 | Int64(a.span.start)) else { return }
    let first = roleOrder.first.map { name($0.name.symbol) } ?? "controller"
    report(
      .approvalWithoutChain, "\(block) has no 'approve by': nobody could approve what it holds", at: a.name.span,
      help: "add the chain of roles, in order, as in: approve by \(first)")
  }

  func checkChain(_ names: [Name]) {
    var inChain: [Symbol: Span] = [:]
    for n in names {
      if let first = inChain[n.symbol] {
        report(
          .roleTwiceInChain, "the chain names '\(name(n.symbol))' twice", at: n.span, notes: [Note("first named here", at: first)],
          help: "name each role once: the chain's steps are approved in order, each by a different role")
        continue
      }
      inChain[n.symbol] = n.span
      checkRole(n, "approve by")
    }
  }

  /// Reports a role that is not declared (with the closest one); true when it is declared.
  @discardableResult
  func checkRole(_ n: Name, _ whereWritten: String) -> Bool {
    if roles[n.symbol] != nil {
      rolesUsed.insert(n.symbol)
      return true
    }
    let s = name(n.symbol)
    let sug = suggestion(for: s, in: roleOrder.map { name($0.name.symbol) })
    report(
      .unknownRole, "there is no role '\(s)'", at: n.span,
      help: sug.map { "did you mean '\($0)'?" } ?? "declare it at the top of a rule file: role \(s) \"Who approves\"",
      fix: sug.map { FixIt("replace '\(s)' with '\($0)'", edits: [Edit(n.span, $0)]) })
    return false
  }

  /// `escalate after N [business] days to ROLE`; true when it counts business days.
  func checkEscalation(_ after: Expr?, _ to: Name?, _ s: Span, _ ctx: Context) -> Bool {
    var business = false
    if let e = after {
      let t = typeOf(e, ctx)
      switch (t, constValue(e)) {
      case (.days, .days(let n)?), (.businessDays, .businessDays(let n)?):
        business = t == .businessDays
        if n < 1 || n > Self.maxEscalationDays {
          report(
            .approvalEscalation, "an escalation after \(n) days: write a whole number of days from 1 to \(Self.maxEscalationDays)", at: e.span,
            help: "as in: escalate after 2 business days to cfo")
        }
      case (.error, _): break
      case (.days, nil), (.businessDays, nil):
        report(
          .approvalEscalation, "an escalation waits the same number of days for every item: write a constant, not one read from the item",
          at: e.span, help: "as in: escalate after 2 business days to cfo")
      default:
        report(
          .approvalEscalation, "an escalation waits a fixed number of days or business days, found \(t)", at: e.span,
          help: "as in: escalate after 2 business days to cfo (months are not counted: a month is 28 to 31 days)")
      }
    } else {
      report(
        .approvalEscalation, "this escalation does not say after how many days", at: s,
        help: "as in: escalate after 2 business days\(to.map { " to \(name($0.symbol))" } ?? "")")
    }
    if let r = to {
      checkRole(r, "escalate to")
    } else {
      report(.approvalEscalation, "this escalation does not say to which role", at: s, help: "as in: escalate after 2 business days to cfo")
    }
    return business
  }
}
