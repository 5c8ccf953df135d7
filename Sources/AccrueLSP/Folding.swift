import AccrueLexer
import AccrueRender

extension LanguageServer {
  /// `textDocument/foldingRange`: every block (`{` to its `}`) over more than one line, and runs of comment lines.
  func foldingRanges(_ p: JSON) throws -> JSON {
    let t = try target(p)
    let ts = t.analysis.index.tokens(t.file)
    var out: [(Int, Int, String?)] = []
    var open: [Int] = []
    for tok in ts {
      if tok.kind == .lbrace { open.append(t.map.position(of: Int(tok.start)).line) }
      if tok.kind == .rbrace, let start = open.popLast() {
        let end = t.map.position(of: Int(tok.start)).line
        if end > start { out.append((start, end - 1, nil)) }
      }
    }
    var run: (Int, Int)?
    let comments = t.analysis.set?.comments[t.file] ?? []
    for c in comments {
      let line = t.map.position(of: Int(c.lowerBound)).line
      let lineStart = Int(t.map.lineStarts[line])
      let alone = t.map.bytes[lineStart..<Int(c.lowerBound)].allSatisfy { $0 == 32 || $0 == 9 }
      guard alone else { continue }
      if let r = run, r.1 + 1 == line {
        run = (r.0, line)
      } else {
        if let r = run, r.1 > r.0 { out.append((r.0, r.1, "comment")) }
        run = (line, line)
      }
    }
    if let r = run, r.1 > r.0 { out.append((r.0, r.1, "comment")) }
    out.sort { ($0.0, $0.1) < ($1.0, $1.1) }
    return .array(
      out.map { r in
        var f: [(String, JSON)] = [("startLine", .int(r.0)), ("endLine", .int(r.1))]
        if let k = r.2 { f.append(("kind", .string(k))) }
        return .object(f)
      })
  }
}
