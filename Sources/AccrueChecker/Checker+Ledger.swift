import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser

// The receivables ledger's statements (grammar.md §9): each once per rule set (E0506), number formats that make
// numbers unique within their scopes (E0601-E0606), scopes on text fields of the customer or contract.
extension CheckerState {
  /// Checks the ledger's statements in rule order (after every field is declared, so a scope may name one).
  func checkLedger(_ ordered: [(Decl, FileID)]) {
    for (d, _) in ordered {
      switch d {
      case .numbering(let n):
        let key = "number " + n.document.rawValue
        guard onceForRuleSet(key, n.span) else { continue }
        let checked = checkNumbering(n)
        switch n.document {
        case .invoices: ledger.invoiceNumbering = checked.0
        case .debitNotes: ledger.debitNoteNumbering = checked.0
        case .creditNotes: ledger.creditNoteNumbering = checked.0
        }
        numberingFormats[n.document] = (checked.1, n)
      case .feeBilling(let f):
        guard onceForRuleSet("fees billed", f.span) else { continue }
        ledger.feeBilling = (f.onNextInvoice, f.span)
      case .creditUse(let c):
        guard onceForRuleSet("account credit", c.span) else { continue }
        ledger.creditUse = (c.oldestFirst, c.span)
      default:
        continue
      }
    }
    checkNumbersCollide(.invoices, .debitNotes, letter: "D")
    checkNumbersCollide(.invoices, .creditNotes, letter: "C")
    checkNumbersCollide(.debitNotes, .creditNotes, letter: "C")
  }

  /// Records the first statement of a kind for the rule set; reports a second one (E0506) and returns false.
  func onceForRuleSet(_ key: String, _ span: Span) -> Bool {
    if let first = topSettingSpans[key] {
      report(
        .duplicateSetting, "the rule set states '\(key)' twice", at: span, notes: [Note("first stated here", at: first)],
        help: "keep one '\(key)' statement for the whole rule set")
      return false
    }
    topSettingSpans[key] = span
    return true
  }

  /// A `number` statement: its format read, its scopes resolved, and the two checked against each other.
  func checkNumbering(_ n: NumberingDecl) -> (CheckedNumbering, ScannedFormat) {
    let format = scanFormat(n.format)
    let sequences = format.sequenceSpans
    if sequences.isEmpty, !format.malformed {
      let last = n.format.value.last
      let insert = last == nil || last == "-" || last == "/" || last == "_" || last == "." ? "{seq:5}" : "-{seq:5}"
      report(
        .sequencePlaceholder, "the format \(n.format.value.quotedForMessage) has no {seq}: its numbers would not be unique",
        at: n.format.span,
        help: "add the sequence number where it goes, as in \(formatInserting(insert, at: n.format.span.end - 1, in: n.format))")
    }
    if sequences.count > 1 {
      report(
        .sequencePlaceholder, "the format has a second {seq}: a number holds its sequence number once", at: sequences[1],
        notes: [Note("the first {seq}", at: sequences[0])], help: "keep one {seq} (or {seq:N}) in the format")
    }
    var out = CheckedNumbering(document: n.document, pieces: format.values, perYear: false, perMonth: false, entity: nil, span: n.span)
    var year: Span?
    var month: Span?
    var field: Span?
    for scope in n.scopes {
      switch scope {
      case .year(let s), .month(let s):
        let isYear: Bool = if case .year = scope { true } else { false }
        if let same = isYear ? year : month {
          report(
            .conflictingScopes, "'\(isYear ? "year" : "month")' is written twice after 'per'", at: s, notes: [Note("first written here", at: same)],
            help: "write it once")
          continue
        }
        if let other = isYear ? month : year {
          report(
            .conflictingScopes, "'per year' and 'per month' cannot go together: numbers start again either every year or every month",
            at: s, notes: [Note("'\(isYear ? "month" : "year")' is written here", at: other)],
            help: "keep 'per month' (its sequences also start again each year) or 'per year'")
          continue
        }
        if isYear { year = s } else { month = s }
      case .field(let record, let name, let s):
        if let first = field {
          report(
            .conflictingScopes, "numbers are counted per one field at most: '\(sources[s.file].text(s))' is a second one", at: s,
            notes: [Note("the first field", at: first)],
            help: "keep one field; to count per both, declare a field that holds both and count per it")
          continue
        }
        field = s
        out.entity = numberingField(record, name)
      }
    }
    out.perYear = year != nil
    out.perMonth = month != nil
    if !format.malformed { checkFormatFits(n, format, year: year, month: month, field: field) }
    return (out, format)
  }

  /// The field a sequence is counted per: a text field of the customer or the contract, built in or declared.
  func numberingField(_ record: Name, _ field: Name) -> (record: RecordKind, slot: Int, name: String)? {
    let rname = name(record.symbol)
    let fname = name(field.symbol)
    guard let r = RecordKind(rawValue: rname) else {
      let s = suggestion(for: rname, in: ["customer", "contract"])
      report(
        .unknownName, "'\(rname)' is not a record", at: record.span,
        help: s.map { "did you mean '\($0)'?" } ?? "numbers are counted per a text field of the customer or the contract, as in: per customer.entity",
        fix: s.map { FixIt("replace with '\($0)'", edits: [Edit(record.span, $0)]) })
      return nil
    }
    guard r == .customer || r == .contract else {
      report(
        .recordNotAvailable, "numbers are counted per a field of the customer or the contract, not of the \(rname)", at: record.span,
        help: "count them per a text field of the customer or the contract, as in: per customer.entity")
      return nil
    }
    guard let info = fieldTable[r.index][field.symbol] else {
      let texts = fieldsOf(r).filter { $0.type == .text }.map(\.name)
      let s = suggestion(for: fname, in: texts)
      report(
        .unknownField, "\(rname) has no field '\(fname)'", at: field.span,
        help: s.map { "did you mean '\($0)'?" } ?? "declare it, with the value data leaves empty: field \(rname).\(fname): text = \"\"",
        fix: s.map { FixIt("replace '\(fname)' with '\($0)'", edits: [Edit(field.span, $0)]) })
      return nil
    }
    guard info.type == .text else {
      report(
        .typeMismatch, "'\(rname).\(fname)' is \(info.type), not text: numbers are counted per a text field", at: field.span,
        help: "count them per a text field, such as \(rname).id, or declare one: field \(rname).entity: text")
      return nil
    }
    return (r, info.index, "\(rname).\(fname)")
  }

  /// The format shows what its sequence is counted per (else numbers repeat), and {entity} has a field.
  func checkFormatFits(_ n: NumberingDecl, _ format: ScannedFormat, year: Span?, month: Span?, field: Span?) {
    let pieces = format.values
    let hasYear = pieces.contains(.year)
    let hasMonth = pieces.contains(.month)
    let seqStart = format.sequenceSpans.first?.start ?? (n.format.span.end - 1)
    func sample(_ y: Int, _ m: Int) -> String {
      NumberPiece.sample(pieces, year: y, month: m, entity: "ACME", sequence: 1).quotedForMessage
    }
    if let year, month == nil, !hasYear {
      report(
        .formatScopeMismatch, "numbers would repeat: the sequence starts again each year, so \(sample(2026, 1)) would be issued in 2026 and again in 2027",
        at: year, help: "put the year in the number: \(formatInserting("{year}-", at: seqStart, in: n.format))")
    }
    if let month, year == nil, !(hasYear && hasMonth) {
      let (insert, offset): (String, Int32) =
        hasMonth ? ("{year}", format.span(of: .month)!.start)
        : hasYear ? ("{month}", format.span(of: .year)!.end) : ("{year}{month}-", seqStart)
      let again = hasMonth ? "in January 2026 and again in January 2027" : "in January 2026 and again in February 2026"
      let what = hasMonth ? "the year" : hasYear ? "the month" : "the year and the month"
      report(
        .formatScopeMismatch, "numbers would repeat: the sequence starts again each month, so \(sample(2026, 1)) would be issued \(again)",
        at: month, help: "put \(what) in the number: \(formatInserting(insert, at: offset, in: n.format))")
    }
    if let field, !pieces.contains(.entity) {
      let fieldText = sources[field.file].text(field)
      report(
        .formatScopeMismatch,
        "numbers would repeat: each \(fieldText) counts from 1, so \(sample(2026, 1)) would be issued once for each of them",
        at: field, help: "put the field's value in the number: \(formatInserting("{entity}-", at: n.format.span.start + 1, in: n.format))")
    }
    if field == nil, let entity = format.span(of: .entity) {
      let scopes = n.scopes.map { sources[$0.span.file].text($0.span) } + ["customer.entity"]
      report(
        .formatScopeMismatch, "'{entity}' has no value: the numbers are not counted per a field", at: entity,
        help: "name the field whose value it is (a text field of the customer or the contract), as in: per \(scopes.joined(separator: ", "))")
    }
  }

  /// Documents of two kinds numbered alike in every literal part and placeholder could get the same number
  /// (invoices and debit notes, or either and credit notes): reported at the second kind's format.
  func checkNumbersCollide(_ first: NumberedDocument, _ second: NumberedDocument, letter: String) {
    guard let (inv, invDecl) = numberingFormats[first], let (dn, dnDecl) = numberingFormats[second],
      !inv.malformed, !dn.malformed, NumberPiece.withoutWidths(inv.values) == NumberPiece.withoutWidths(dn.values)
    else { return }
    let (a, b) = (String(first.rawValue.dropLast()), String(second.rawValue.dropLast()))
    let widths = (inv.values + dn.values).compactMap { if case .sequence(let w) = $0 { w } else { nil } }
    let sameWidths = Set(widths).count <= 1
    var n = 1
    if !sameWidths { for _ in 1..<(widths.max() ?? 1) { n *= 10 } }
    let number = NumberPiece.sample(inv.values, year: 2026, month: 1, entity: "ACME", sequence: n).quotedForMessage
    let example = sameWidths ? "the first \(a) and the first \(b) would both be \(number)" : "\(a) and \(b) number \(n) would both be \(number)"
    var suggestion = dn.values
    if case .text(let t)? = suggestion.first {
      let head = t.prefix { $0.isLetter || $0.isNumber }
      suggestion[0] = .text(head + letter + t.dropFirst(head.count))
    } else {
      suggestion.insert(.text(letter + "N-"), at: 0)
    }
    let fallback = second == .debitNotes
      ? "or leave out 'number debit notes' so that debit notes use the invoice numbering" : "as in number credit notes \"CN-{year}-{seq:4}\" per year"
    report(
      .numbersCouldCollide, "\(second.rawValue) are numbered like \(first.rawValue), so numbers could collide: \(example)", at: dnDecl.format.span,
      notes: [Note("\(first.rawValue) are numbered here", at: invDecl.format.span)],
      help: "give \(second.rawValue) a format of their own, such as \(Self.written(suggestion).quotedForMessage), " + fallback)
  }

  /// A format written back from its pieces.
  static func written(_ pieces: [NumberPiece]) -> String {
    pieces.map {
      switch $0 {
      case .text(let t): t
      case .year: "{year}"
      case .month: "{month}"
      case .entity: "{entity}"
      case .sequence(let w): w == 1 ? "{seq}" : "{seq:\(w)}"
      }
    }.joined()
  }
}

extension String {
  /// The text in double quotes, as a format or a number reads in a message.
  var quotedForMessage: String { "\"" + self + "\"" }
}
