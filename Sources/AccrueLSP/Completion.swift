import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueRender

/// The statements each block starts with (grammar.md), offered at the start of a line.
enum Statements {
  static let settings = ["currency", "rounding half even", "month end clamp", "first tier fee always", "zero invoices issued"]
  static let top =
    [
      "include", "let", "define", "field", "calendar", "metric", "plan", "cadence", "match", "number invoices",
      "number debit notes", "number credit notes", "fees billed as debit notes", "fees billed on next invoice", "account credit applied oldest first",
      "account credit held", "statement format", "processor", "role", "approval", "dimension", "posting",
      "invoice per contract", "invoice per customer", "invoice per customer and currency",
    ] + settings
  static let plan =
    [
      "period monthly", "period quarterly", "period annual", "bill in advance", "bill in arrears", "align to calendar",
      "align to anniversary", "trial", "phase", "charge", "discount", "minimum commitment", "tax", "payment terms net 30 days",
      "payment terms due on receipt", "early payment discount", "late fee", "interest", "cancellation at end of period",
      "cancellation immediately with prorated credit", "cancellation immediately without credit", "service credit",
      "term 12 months", "renew automatically for 12 months", "renew never", "notice 30 days", "minimum commitment per term",
      "bill early when usage reaches",
      "upgrade immediately with proration", "upgrade at end of period", "downgrade immediately with proration",
      "downgrade at end of period",
    ] + settings
  static let phase = ["charge", "discount", "free", "minimum commitment", "tax", "bill in advance", "bill in arrears"]
  static let charge = [
    "flat", "once", "per unit", "tiers graduated", "tiers volume", "package", "percentage", "quantity", "usage", "free",
    "bill in advance", "bill in arrears", "prorate by day", "prorate none", "discount", "minimum", "milestone",
    "period monthly", "period annual", "align to calendar", "align to anniversary",
    "capacity tiers",
  ]
  static let cadence =
    [
      "applies when", "calendar", "one reminder per customer", "minimum gap", "send on business days", "send on any day",
      "pause on dispute", "pause on promise to pay", "pause on payment plan", "pause when", "step",
    ] + ["currency", "rounding half even", "month end clamp"]
  static let step = [
    "when", "send email", "send letter", "send sms", "create task", "escalate to", "suspend service", "late fee", "interest",
    "propose payment plan", "hand to agency", "write off",
  ]
  static let match =
    [
      "when", "payer", "candidates", "reference", "allocate", "tolerance underpayment", "tolerance overpayment", "on underpayment",
      "on overpayment", "confidence auto", "confidence suggest",
    ] + ["currency", "rounding half even", "month end clamp"]
  static let metric = ["event", "sum of", "count", "unique count of", "max of", "latest of", "where", "weighted sum of"]
  static let calendar = ["weekend", "holiday"]
  static let expression = ["and", "or", "not", "if", "then", "else", "between", "in", "matches", "true", "false"]

  static func of(block: String?) -> [String] {
    switch block {
    case nil: top
    case "plan": plan
    case "phase": phase
    case "charge": charge
    case "cadence": cadence
    case "step": step
    case "match": match
    case "metric": metric
    case "calendar": calendar
    default: []
    }
  }
}

extension LanguageServer {
  /// `textDocument/completion`: after `record.` that record's fields (docs/data.md's schema and the rules' own
  /// `field`s); after a number, currencies; at the start of a line, the statements of the enclosing block; in an
  /// expression, the names in scope (constants, definitions, parameters, records, functions) and operator words;
  /// after `usage`, `calendar`, `approve by`: metrics, calendars, roles.
  func completion(_ p: JSON) throws -> JSON {
    let t = try targetAt(p)
    let a = t.analysis
    let b = t.map.bytes
    var wordStart = t.offset
    while wordStart > 0, Self.isWordByte(b[wordStart - 1]) { wordStart -= 1 }
    // The tokens before the word being typed (lexed from the current text, so an unfinished line still counts).
    let ts = a.index.tokens(t.file).filter { Int($0.end) <= wordStart && $0.kind != .eof }
    var items: [JSON] = []
    let prev = ts.last
    let prevWord = prev.flatMap { $0.kind == .identifier ? a.name($0.symbol) : nil }
    if wordStart > 0, b[wordStart - 1] == UInt8(ascii: "."), ts.count >= 2, ts[ts.count - 1].kind == .dot {
      let recordName = ts[ts.count - 2].kind == .identifier ? a.name(ts[ts.count - 2].symbol) : ""
      guard let r = RecordKind(rawValue: recordName) else { return .array([]) }
      for f in a.program?.fields(of: r) ?? [] { items.append(Self.item(f.name, kind: 5, detail: "\(f.type)", doc: f.doc)) }
      return .object([("isIncomplete", .bool(false)), ("items", .array(items))])
    }
    if let prev, prev.kind == .number {
      for c in Self.currencyOrder { items.append(Self.item(c.code, kind: 20, detail: "currency, \(c.minorUnits) decimal places")) }
      return .object([("isIncomplete", .bool(false)), ("items", .array(items))])
    }
    let atLineStart = prev == nil || prev!.kind == .newline || prev!.kind == .lbrace || prev!.kind == .rbrace
      || t.map.bytes[Int(t.map.lineStarts[t.map.position(of: wordStart).line])..<wordStart].allSatisfy { $0 == 32 || $0 == 9 }
    let index = a.index
    switch prevWord {
    case "usage"?: return list(index.all.filter { $0.kind == .metric }, kind: 23)
    case "calendar"? where !atLineStart: return list(index.all.filter { $0.kind == .calendar }, kind: 13)
    case "by"?, "to"?:
      let escalation = prevWord == "by" || ts.dropLast().last.map({ a.name($0.symbol) == "escalate" }) == true
      if escalation, index.all.contains(where: { $0.kind == .role }) { return list(index.all.filter { $0.kind == .role }, kind: 6) }
    case "currency"?:
      return .object([("isIncomplete", .bool(false)), ("items", .array(Self.currencyOrder.map { Self.item($0.code, kind: 20, detail: "currency") }))])
    default: break
    }
    if atLineStart {
      for s in Statements.of(block: Self.enclosingBlock(ts, a)) { items.append(Self.item(s, kind: 14, detail: "statement")) }
      return .object([("isIncomplete", .bool(false)), ("items", .array(items))])
    }
    for w in Statements.expression { items.append(Self.item(w, kind: 14, detail: "keyword")) }
    if let d = index.defines[t.file]?.first(where: { $0.span.start <= Int32(t.offset) && Int32(t.offset) <= $0.span.end }) {
      for p in d.params { items.append(Self.item(p.name, kind: 6, detail: "parameter of \(p.container ?? "")")) }
    }
    for d in index.top.values.sorted(by: { $0.name < $1.name }) where d.kind == .constant || d.kind == .definition {
      let detail = d.kind == .constant ? (Hovers.letType(d, a).map { "constant: \($0)" } ?? "constant") : "definition"
      items.append(Self.item(d.name, kind: d.kind == .constant ? 21 : 3, detail: detail))
    }
    for r in [RecordKind.customer, .contract, .invoice, .payment, .event] { items.append(Self.item(r.rawValue, kind: 6, detail: "record")) }
    for f in Builtin.allCases { items.append(Self.item(f.rawValue, kind: 3, detail: "built-in function")) }
    items.append(Self.item("as_of", kind: 6, detail: "the run's as-of date"))
    return .object([("isIncomplete", .bool(false)), ("items", .array(items))])
  }

  func list(_ ds: [Declared], kind: Int) -> JSON {
    .object([("isIncomplete", .bool(false)), ("items", .array(ds.map { Self.item($0.name, kind: kind, detail: $0.kind.rawValue) }))])
  }

  static func isWordByte(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }

  static func item(_ label: String, kind: Int, detail: String, doc: String? = nil) -> JSON {
    var f: [(String, JSON)] = [("label", .string(label)), ("kind", .int(kind)), ("detail", .string(detail))]
    if let doc { f.append(("documentation", .string(doc))) }
    return .object(f)
  }

  /// Currencies, the most used first.
  static let currencyOrder: [Currency] = {
    let first = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD"].compactMap { Currency.lookup($0) }
    return first + Currency.all.filter { c in !first.contains { $0.code == c.code } }.sorted { $0.code < $1.code }
  }()

  /// The block the cursor is in: the first word of the line that opened the innermost unclosed `{`.
  static func enclosingBlock(_ ts: [Token], _ a: Analysis) -> String? {
    var stack: [String?] = []
    var lineStartWord: String?
    var atLine = true
    for t in ts {
      switch t.kind {
      case .newline: atLine = true
      case .lbrace: stack.append(lineStartWord)
      case .rbrace: _ = stack.popLast()
      default:
        if atLine {
          lineStartWord = t.kind == .identifier ? a.name(t.symbol) : nil
          atLine = false
        }
      }
      if t.kind == .lbrace || t.kind == .rbrace { atLine = true }
    }
    return stack.last ?? nil
  }
}
