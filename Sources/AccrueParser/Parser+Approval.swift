import AccrueDiagnostics
import AccrueLexer

// Approval rules (grammar.md §11), at the top of a rule file:
//   role IDENT [STRING]
//   approval IDENT [STRING] for SUBJECT {
//     when expr
//     approve by IDENT { "," [ then ] IDENT }
//     escalate [ after expr ] [ to IDENT ]
//     calendar IDENT
//   }
extension Parser {
  /// The words that start a statement of an approval rule.
  static let approvalWords: KeywordList = [.when, .approve, .escalate, .calendar]

  /// `role NAME ["label"]`.
  mutating func parseRole() -> RoleDecl? {
    let start = advance()
    guard let name = parseName("the role's name, as in: role controller \"Financial controller\"") else { return nil }
    let label = optionalLabel()
    return RoleDecl(name: name, label: label, span: span(from: start))
  }

  /// `approval NAME ["label"] for SUBJECT { ... }`.
  mutating func parseApproval() -> ApprovalDecl? {
    let start = advance()
    guard let name = parseName("the approval rule's name, as in: approval large_invoice for invoices { ... }") else { return nil }
    let label = optionalLabel()
    guard eatWord(.for) != nil else {
      error(
        .expectedToken, "expected 'for' and what the rule approves after the approval's name, found \(describe(cur))", cur,
        help: "as in: approval large_invoice \"Invoices over 10,000\" for invoices { ... } (invoices, debit notes, credit notes, write offs, payment plans)")
      return nil
    }
    let s = cur
    guard let subject = parseApprovalSubject() else { return nil }
    let subjectSpan = span(from: s)
    let items = block("approval rule", words: Self.approvalWords, opener: start) { $0.parseApprovalItem() }
    return ApprovalDecl(name: name, label: label, subject: subject, subjectSpan: subjectSpan, items: items, span: span(from: start))
  }

  /// `invoices | debit notes | credit notes | write offs | payment plans`.
  mutating func parseApprovalSubject() -> ApprovalSubject? {
    let list = "invoices, debit notes, credit notes, write offs, payment plans"
    guard let k = expectOneOf([.invoices, .debit, .credit, .write, .payment], after: "'for' (what the rule approves: \(list))") else { return nil }
    switch k {
    case .invoices: return .invoices
    case .debit: return expectWord(.notes, after: "'debit'") != nil ? .debitNotes : nil
    case .credit: return expectWord(.notes, after: "'credit'") != nil ? .creditNotes : nil
    case .payment: return expectWord(.plans, after: "'payment'") != nil ? .paymentPlans : nil
    default:
      if at(.minus) {
        let m = cur
        error(
          .expectedToken, "write 'write offs' as two words, without a hyphen", m,
          help: "as in: approval big_write_off for write offs { ... }", fix: FixIt("replace '-' with a space", edits: [Edit(span(m), " ")]))
        return nil
      }
      return expectWord(.offs, after: "'write'") != nil ? .writeOffs : nil
    }
  }

  mutating func parseApprovalItem() -> ApprovalItem? {
    let s = cur
    guard let k = cur.symbol.keyword else { return nil }
    _ = advance()
    switch k {
    case .when:
      return .when(parseExpr(), span(from: s))
    case .approve:
      guard expectWord(.by, after: "'approve'") != nil else { return nil }
      var roles: [Name] = []
      repeat {
        if !roles.isEmpty { _ = eatWord(.then) }
        guard let r = parseName("a role after 'approve by', as in: approve by controller, then cfo") else { return nil }
        roles.append(r)
        // (The comma may be left out before 'then': "approve by controller then cfo" reads the same.)
      } while eat(.comma) != nil || atWord(.then)
      return .approveBy(roles, span(from: s))
    case .escalate:
      var after: Expr?
      var to: Name?
      if eatWord(.after) != nil { after = parseExpr() }
      if eatWord(.to) != nil {
        guard let r = parseName("the role to escalate to, as in: escalate after 2 business days to cfo") else { return nil }
        to = r
      }
      if after == nil, to == nil {
        error(
          .expectedToken, "expected 'after' or 'to' after 'escalate', found \(describe(cur))", cur,
          help: "as in: escalate after 2 business days to cfo")
        return nil
      }
      return .escalate(after: after, to: to, span(from: s))
    default:
      guard let name = parseName("the calendar's name after 'calendar', as in: calendar us_holidays") else { return nil }
      return .calendar(name, span(from: s))
    }
  }
}
