import AccrueDiagnostics
import AccrueRender

extension LanguageServer {
  /// `textDocument/documentSymbol`: the outline of a file: its declarations, with a plan's phases and charges and
  /// a cadence's steps inside them.
  func documentSymbols(_ p: JSON) throws -> JSON {
    let t = try target(p)
    let decls = t.analysis.index.all.filter { $0.span.file == t.file }.sorted { $0.span.start < $1.span.start }
    final class Node {
      let d: Declared
      var children: [Node] = []
      init(_ d: Declared) { self.d = d }
    }
    var roots: [Node] = []
    var stack: [Node] = []
    for d in decls {
      let n = Node(d)
      while let last = stack.last, !(last.d.span.start <= d.span.start && d.span.end <= last.d.span.end) { stack.removeLast() }
      if let parent = stack.last { parent.children.append(n) } else { roots.append(n) }
      stack.append(n)
    }
    func json(_ n: Node) -> JSON {
      var f: [(String, JSON)] = [
        ("name", .string(n.d.kind == .field ? (n.d.container ?? "") + "." + n.d.name : n.d.name)),
        ("detail", .string(n.d.kind.rawValue)), ("kind", .int(Self.symbolKind(n.d.kind))),
        ("range", t.map.range(Int(n.d.span.start), Int(n.d.span.end)).json),
        ("selectionRange", t.map.range(Int(n.d.nameSpan.start), Int(n.d.nameSpan.end)).json),
      ]
      if !n.children.isEmpty { f.append(("children", .array(n.children.map(json)))) }
      return .object(f)
    }
    return .array(roots.map(json))
  }

  /// The protocol's symbol kind for a declaration.
  static func symbolKind(_ k: SymbolKind) -> Int {
    switch k {
    case .constant: 14
    case .definition: 12
    case .parameter: 26
    case .metric: 24
    case .plan: 5
    case .charge: 7
    case .phase: 3
    case .cadence: 3
    case .step: 6
    case .calendar: 10
    case .matchRule: 11
    case .field: 8
    case .role: 13
    case .approval: 11
    case .dimension: 20
    case .processor: 2
    case .statementFormat: 23
    }
  }
}
