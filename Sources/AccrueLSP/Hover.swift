import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import AccrueRender

extension LanguageServer {
  /// `textDocument/hover`: what the word or expression under the cursor is (a declaration's kind, type and
  /// definition; a plan's charges; a field's meaning; an expression's type and unit), and the explanation of any
  /// diagnostic there.
  func hover(_ p: JSON) throws -> JSON {
    let t = try targetAt(p)
    let a = t.analysis
    var parts: [String] = []
    var range: (Int, Int)?
    if let i = a.index.tokenIndex(t.file, at: t.offset) {
      let tok = a.index.tokens(t.file)[i]
      if let target = a.index.resolve(t.file, token: i) {
        parts.append(Hovers.describe(target, a))
        range = (Int(tok.start), Int(tok.end))
      }
    }
    if let decl = a.decl(in: t.file, at: Int32(t.offset)), let e = ExprFinder.innermost(in: decl, at: Int32(t.offset)),
      let program = a.program, Int(e.id) < program.types.count
    {
      let type = program.types[Int(e.id)]
      if type != .error {
        let text = Hovers.clip(a.sources[t.file].text(e.span), 120)
        parts.append("`\(text)` is \(type)")
        if range == nil { range = (Int(e.span.start), Int(e.span.end)) }
      }
    }
    for d in a.diagnostics where d.span.file == t.file && Int(d.span.start) <= t.offset && t.offset <= Int(d.span.end) {
      parts.append("**\(d.code.id)** \(d.code.name): \(d.code.title)\n\n\(d.code.explanation)")
    }
    guard !parts.isEmpty else { return .null }
    var fields: [(String, JSON)] = [
      ("contents", .object([("kind", .string("markdown")), ("value", .string(parts.joined(separator: "\n\n---\n\n")))]))
    ]
    if let r = range { fields.append(("range", t.map.range(r.0, r.1).json)) }
    return .object(fields)
  }
}

/// The words of hovers.
enum Hovers {
  static func clip(_ s: String, _ n: Int) -> String {
    let one = s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    return one.count > n ? String(one.prefix(n)) + "..." : one
  }

  /// A declaration's source, at most `lines` lines, as a code block.
  static func source(_ s: Span, _ a: Analysis, lines: Int = 24) -> String {
    var ls = a.sources[s.file].text(s).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if ls.count > lines { ls = Array(ls.prefix(lines)) + ["  ..."] }
    return "```accrue\n" + ls.joined(separator: "\n") + "\n```"
  }

  static func place(_ s: Span, _ a: Analysis) -> String {
    let (f, l, _) = a.sources.resolve(s)
    return "\(NSStringPath(path: f.path).name):\(l.line)"
  }

  static func describe(_ target: Target, _ a: Analysis) -> String {
    switch target {
    case .declared(let d): return declared(d, a)
    case .coreField(let r, let f): return "**\(r.rawValue).\(f.name)**: \(f.type)\n\n\(f.doc)"
    case .record(let r):
      let fields = a.program?.fields(of: r) ?? []
      return "**\(r.rawValue)** record\n\n" + fields.prefix(40).map { "- `\($0.name)`: \($0.type)" }.joined(separator: "\n")
    case .builtin(let b): return "**\(b.rawValue)**: a built-in function"
    case .currency(let c): return "**\(c.code)**: a currency (\(c.minorUnits) decimal places)"
    case .include(let f): return "includes **\(a.sources[f].path)** (\(a.sources[f].lineCount) lines)"
    }
  }

  static func declared(_ d: Declared, _ a: Analysis) -> String {
    let head = "**\(d.name)**: \(d.kind.rawValue)" + (d.container.map { " of \($0)" } ?? "") + " (\(place(d.nameSpan, a)))"
    switch d.kind {
    case .constant:
      let type = letType(d, a).map { "\n\nits value is \($0)" } ?? ""
      return head + type + "\n\n" + source(d.span, a)
    case .plan: return head + "\n\n" + planSummary(d, a)
    case .parameter: return head + "\n\n`" + a.sources[d.span.file].text(d.span) + "`"
    default: return head + "\n\n" + source(d.span, a)
    }
  }

  static func letType(_ d: Declared, _ a: Analysis) -> ValueType? {
    guard let p = a.program, let l = p.lets.first(where: { $0.decl.name.span == d.nameSpan }), Int(l.decl.value.id) < p.types.count else { return nil }
    let t = p.types[Int(l.decl.value.id)]
    return t == .error ? nil : t
  }

  /// A plan's terms and its charges, one line each.
  static func planSummary(_ d: Declared, _ a: Analysis) -> String {
    guard case .plan(let plan)? = a.decl(in: d.span.file, at: d.span.start) else { return source(d.span, a) }
    var lines: [String] = []
    func visit(_ items: [PlanItem], _ indent: String) {
      for item in items {
        switch item {
        case .charge(let c):
          let body = c.items.map { clip(a.sources[c.span.file].text(chargeSpan($0)), 80) }.joined(separator: "; ")
          lines.append("\(indent)- charge `\(a.name(c.name.symbol))`" + (c.label.map { " \"\($0.value)\"" } ?? "") + ": " + body)
        case .phase(let ph):
          lines.append("\(indent)- phase `\(a.name(ph.name.symbol))` for \(clip(a.sources[ph.span.file].text(ph.duration.span), 40)):")
          visit(ph.items, indent + "  ")
        default: lines.append("\(indent)- " + clip(a.sources[item.span.file].text(item.span), 80))
        }
      }
    }
    visit(plan.items, "")
    let count = lines.filter { $0.contains("- charge") }.count
    return "\(count) charge\(count == 1 ? "" : "s")\n\n" + lines.joined(separator: "\n")
  }

  static func chargeSpan(_ i: ChargeItem) -> Span {
    switch i {
    case .pricing(_, let s), .quantity(_, let s), .usage(_, let s), .free(_, let s), .billTiming(_, let s), .prorate(_, let s),
      .minimum(_, let s), .milestone(_, let s), .period(_, let s), .align(_, let s):
      s
    case .discount(let d): d.span
    }
  }
}

extension NSStringPath {
  var name: String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}

/// Finds the innermost expression at an offset in any declaration, whatever its shape (walked by reflection, so
/// every statement the parser knows is covered without a walker per node).
enum ExprFinder {
  static func innermost(in value: Any, at offset: Int32) -> Expr? {
    var best: Expr?
    visit(value, offset, &best, depth: 0)
    return best
  }

  private static func visit(_ value: Any, _ offset: Int32, _ best: inout Expr?, depth: Int) {
    guard depth < 64 else { return }
    if let e = value as? Expr {
      guard e.span.start <= offset && offset <= e.span.end else { return }
      if best == nil || e.span.length <= best!.span.length { best = e }
      for c in e.kind.children { visit(c, offset, &best, depth: depth + 1) }
      return
    }
    if value is Span || value is String || value is Name || value is StringLit { return }
    if let s = spanOf(value), !(s.start <= offset && offset <= s.end) { return }
    for child in Mirror(reflecting: value).children { visit(child.value, offset, &best, depth: depth + 1) }
  }

  /// The `span` of a node, when it has one (to skip nodes away from the offset).
  private static func spanOf(_ value: Any) -> Span? {
    for c in Mirror(reflecting: value).children where c.label == "span" { return c.value as? Span }
    return nil
  }
}
