import AccrueDiagnostics
import AccrueLexer
import AccrueRender

/// Semantic highlighting: the token types and modifiers the server uses, and the encoding of a file's tokens.
enum SemanticTokens {
  static let types = [
    "keyword", "variable", "function", "parameter", "property", "class", "namespace", "enum", "event", "interface",
    "enumMember", "number", "string", "regexp", "comment", "operator", "type", "method",
  ]
  static let modifiers = ["declaration", "readonly", "defaultLibrary"]

  static var legend: JSON {
    .object([("tokenTypes", .array(types.map { .string($0) })), ("tokenModifiers", .array(modifiers.map { .string($0) }))])
  }

  static func type(_ name: String) -> Int { types.firstIndex(of: name) ?? 0 }

  static func type(of k: SymbolKind) -> (String, Int) {
    switch k {
    case .constant: ("variable", 2)
    case .definition: ("function", 0)
    case .parameter: ("parameter", 0)
    case .metric: ("event", 0)
    case .plan: ("class", 0)
    case .charge, .field: ("property", 0)
    case .phase, .cadence: ("namespace", 0)
    case .step: ("method", 0)
    case .calendar: ("enum", 0)
    case .matchRule, .approval: ("interface", 0)
    case .role, .dimension, .processor, .statementFormat: ("type", 0)
    }
  }

  /// The kind of one token (type index and modifier bits), or nil for tokens left to the grammar's colours.
  static func classify(_ ts: [Token], _ i: Int, _ file: FileID, _ index: SymbolIndex) -> (Int, Int)? {
    let t = ts[i]
    switch t.kind {
    case .number, .percent, .date: return (type("number"), 0)
    case .string: return (type("string"), 0)
    case .pattern: return (type("regexp"), 0)
    case .plus, .minus, .star, .slash, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return (type("operator"), 0)
    case .identifier: break
    default: return nil
    }
    switch index.resolve(file, token: i) {
    case .declared(let d)?:
      let (name, mods) = type(of: d.kind)
      let declaration = d.nameSpan.start == t.start && d.nameSpan.file == file ? 1 : 0
      return (type(name), mods | declaration)
    case .coreField?: return (type("property"), 4)
    case .record?: return (type("variable"), 4)
    case .builtin?: return (type("function"), 4)
    case .currency?: return (type("enumMember"), 0)
    case .include?: return (type("string"), 0)
    case nil:
      if i > 0, ts[i - 1].kind == .dot { return (type("property"), 0) }
      return t.symbol.keyword != nil ? (type("keyword"), 0) : nil
    }
  }
}

extension LanguageServer {
  /// `textDocument/semanticTokens/full`: every word, literal, operator and comment of the file, classified by what
  /// the checker knows (a constant, a plan, a record's field, a currency, ...).
  func semanticTokens(_ p: JSON) throws -> JSON {
    let t = try target(p)
    let index = t.analysis.index
    let ts = index.tokens(t.file)
    var items: [(start: Int, end: Int, type: Int, mods: Int)] = []
    items.reserveCapacity(ts.count)
    for i in ts.indices {
      guard let (ty, mods) = SemanticTokens.classify(ts, i, t.file, index) else { continue }
      items.append((Int(ts[i].start), Int(ts[i].end), ty, mods))
    }
    let comment = SemanticTokens.type("comment")
    for c in t.analysis.set?.comments[t.file] ?? [] { items.append((Int(c.lowerBound), Int(c.upperBound), comment, 0)) }
    items.sort { $0.start < $1.start }
    var data: [JSON] = []
    data.reserveCapacity(items.count * 5)
    var last = Position(line: 0, character: 0)
    for it in items {
      let a = t.map.position(of: it.start)
      let b = t.map.position(of: it.end)
      guard b.line == a.line, b.character > a.character else { continue }  // tokens never span lines
      data.append(.int(a.line - last.line))
      data.append(.int(a.line == last.line ? a.character - last.character : a.character))
      data.append(.int(b.character - a.character))
      data.append(.int(it.type))
      data.append(.int(it.mods))
      last = a
    }
    return .object([("data", .array(data))])
  }
}
