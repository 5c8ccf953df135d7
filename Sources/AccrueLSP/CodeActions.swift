import AccrueDiagnostics
import AccrueRender

extension LanguageServer {
  /// `textDocument/codeAction`: the checker's suggested fixes (the edits `accrue check --format json` lists under
  /// `fix`) for the diagnostics in the range, each a quick fix.
  func codeActions(_ p: JSON) throws -> JSON {
    let t = try target(p)
    guard let r = LSPRange(p["range"]) else { throw LSPError.params("codeAction needs a range") }
    let lo = t.map.offset(of: r.start)
    let hi = t.map.offset(of: r.end)
    var actions: [JSON] = []
    for d in t.analysis.diagnostics where d.span.file == t.file {
      guard let fix = d.fix, Int(d.span.start) <= hi, lo <= Int(d.span.end) else { continue }
      var byFile: [FileID: [JSON]] = [:]
      for e in fix.edits { byFile[e.span.file, default: []].append(textEdit(e.span, e.replacement, t.analysis)) }
      actions.append(
        .object([
          ("title", .string(fix.message)), ("kind", .string("quickfix")),
          ("diagnostics", .array([lspDiagnostic(d, t.analysis.sources)])), ("isPreferred", .bool(true)),
          ("edit", workspaceEdit(byFile, t.analysis)),
        ]))
    }
    return .array(actions)
  }
}
