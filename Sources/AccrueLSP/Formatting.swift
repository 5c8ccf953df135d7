import AccrueDiagnostics
import AccrueFormat
import AccrueRender

extension LanguageServer {
  /// `textDocument/formatting`: the `accrue fmt` layout, as one edit of the whole document (none when it is
  /// formatted already). A file that does not parse cannot be formatted: the error says where it stops.
  func formatting(_ p: JSON) throws -> JSON {
    guard let uri = p["textDocument"]?["uri"]?.string else { throw LSPError.params("the request needs textDocument.uri") }
    let path = documents[uri]?.path ?? Self.path(of: uri)
    let map: LineMap
    if let d = documents[uri] {
      map = d.map
    } else {
      let t = try target(p)
      map = t.map
    }
    switch Formatter.format(map.bytes, path: path) {
    case .success(let text):
      if Array(text.utf8) == map.bytes { return .array([]) }
      let end = map.position(of: map.bytes.count)
      let edit = JSON.object([("range", LSPRange(Position(line: 0, character: 0), end).json), ("newText", .string(text))])
      return .array([edit])
    case .failure(let e):
      let first = e.diagnostics.first
      let place = first.map { d -> String in
        let (_, l, c) = e.sources.resolve(d.span)
        _ = c
        return "line \(l.line), column \(l.column): \(d.message)"
      } ?? "it does not parse"
      throw LSPError(LSPError.requestFailed, "this file cannot be formatted until it parses (\(place))")
    }
  }
}
