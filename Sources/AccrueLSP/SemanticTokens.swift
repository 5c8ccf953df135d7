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

  static let indexOf: [String: Int] = Dictionary(uniqueKeysWithValues: types.enumerated().map { ($0.element, $0.offset) })
  static func type(_ name: String) -> Int { indexOf[name] ?? 0 }

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

  /// Writes a non-negative number's digits.
  static func write(_ v: Int, _ out: inout [UInt8]) {
    if v < 10 {
      out.append(UInt8(48 + max(0, v)))
      return
    }
    var digits: [UInt8] = []
    var n = v
    while n > 0 {
      digits.append(UInt8(48 + n % 10))
      n /= 10
    }
    out.append(contentsOf: digits.reversed())
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
    // A word away from a dot and from a define's parameters means the same everywhere: resolved once per word.
    var memo: [Int32: (Int, Int)?] = [:]
    let params = Set(index.defines.values.flatMap { $0.flatMap { $0.params.map(\.name) } })
    for i in ts.indices {
      let tok = ts[i]
      let plain =
        tok.kind == .identifier && !(i > 0 && ts[i - 1].kind == .dot) && !(i + 1 < ts.count && ts[i + 1].kind == .lparen)
        && index.declaredAt[Span(file: t.file, start: tok.start, end: tok.end)] == nil
      if plain, let m = memo[tok.symbol.raw] {
        if let (ty, mods) = m { items.append((Int(tok.start), Int(tok.end), ty, mods)) }
        continue
      }
      let c = SemanticTokens.classify(ts, i, t.file, index)
      if plain && !params.contains(t.analysis.name(tok.symbol)) { memo[tok.symbol.raw] = .some(c) }
      guard let (ty, mods) = c else { continue }
      items.append((Int(tok.start), Int(tok.end), ty, mods))
    }
    // Comments merged in (both lists are in order already).
    let comment = SemanticTokens.type("comment")
    let comments = t.analysis.set?.comments[t.file] ?? []
    if !comments.isEmpty {
      var merged: [(start: Int, end: Int, type: Int, mods: Int)] = []
      merged.reserveCapacity(items.count + comments.count)
      var k = 0
      for it in items {
        while k < comments.count && Int(comments[k].lowerBound) < it.start {
          merged.append((Int(comments[k].lowerBound), Int(comments[k].upperBound), comment, 0))
          k += 1
        }
        merged.append(it)
      }
      for c in comments[k...] { merged.append((Int(c.lowerBound), Int(c.upperBound), comment, 0)) }
      items = merged
    }
    // Positions found walking forward (tokens are in order), and the numbers written straight into the answer's
    // text: a large file has millions of them.
    var out: [UInt8] = [UInt8(ascii: "[")]
    out.reserveCapacity(items.count * 16)
    var cursor = PositionCursor(t.map)
    var last = Position(line: 0, character: 0)
    for it in items {
      let a = cursor.position(of: it.start)
      let b = cursor.position(of: it.end, from: a, at: it.start)
      guard b.line == a.line, b.character > a.character else { continue }  // tokens never span lines
      if out.count > 1 { out.append(UInt8(ascii: ",")) }
      SemanticTokens.write(a.line - last.line, &out)
      out.append(UInt8(ascii: ","))
      SemanticTokens.write(a.line == last.line ? a.character - last.character : a.character, &out)
      out.append(UInt8(ascii: ","))
      SemanticTokens.write(b.character - a.character, &out)
      out.append(UInt8(ascii: ","))
      SemanticTokens.write(it.type, &out)
      out.append(UInt8(ascii: ","))
      SemanticTokens.write(it.mods, &out)
      last = a
    }
    out.append(UInt8(ascii: "]"))
    return .object([("data", .number(String(decoding: out, as: UTF8.self)))])  // .number is written as it is
  }
}

/// Positions of increasing byte offsets, found by walking forward from the last one.
struct PositionCursor {
  let map: LineMap
  var line = 0

  init(_ map: LineMap) { self.map = map }

  mutating func position(of offset: Int) -> Position {
    let starts = map.lineStarts
    while line + 1 < starts.count && Int(starts[line + 1]) <= offset { line += 1 }
    var i = Int(starts[line])
    var units = 0
    while i < offset && i < map.bytes.count {
      let (len, u) = LineMap.scalar(map.bytes, i, map.bytes.count)
      units += u
      i += len
    }
    return Position(line: line, character: units)
  }

  /// The position of `offset`, counting on from `p` (the position of byte `from`) when on the same line.
  func position(of offset: Int, from p: Position, at from: Int) -> Position {
    if line + 1 < map.lineStarts.count && Int(map.lineStarts[line + 1]) <= offset { return map.position(of: offset) }
    var i = from
    var units = p.character
    while i < offset && i < map.bytes.count {
      let (len, u) = LineMap.scalar(map.bytes, i, map.bytes.count)
      units += u
      i += len
    }
    return Position(line: p.line, character: units)
  }
}
