import AccrueDiagnostics
import AccrueLexer
import AccrueParser
import AccrueRender
import Foundation

extension LanguageServer {
  /// A span as an LSP location.
  func location(_ s: Span, _ a: Analysis) -> JSON {
    .object([("uri", .string(uri(for: a.sources[s.file].path))), ("range", a.map(s.file).range(Int(s.start), Int(s.end)).json)])
  }

  /// `textDocument/definition`: where the name under the cursor is declared, or the file an include loads.
  func definition(_ p: JSON) throws -> JSON {
    let t = try targetAt(p)
    switch t.analysis.index.target(t.file, at: t.offset) {
    case .declared(let d)?: return location(d.nameSpan, t.analysis)
    case .include(let f)?: return location(Span(file: f, start: 0, end: 0), t.analysis)
    default: return .null
    }
  }

  /// `textDocument/references`: every use of the declaration under the cursor across the rule set's files (and
  /// the declaration itself when `context.includeDeclaration`); for an include, every include of that file.
  func references(_ p: JSON) throws -> JSON {
    let t = try targetAt(p)
    let withDeclaration = p["context"]?["includeDeclaration"]?.bool ?? true
    switch t.analysis.index.target(t.file, at: t.offset) {
    case .declared(let d)?:
      let spans = t.analysis.index.occurrences(of: d).filter { withDeclaration || $0 != d.nameSpan }
      return .array(spans.map { location($0, t.analysis) })
    case .include(let f)?:
      return .array(t.analysis.index.includers(of: f).map { location($0, t.analysis) })
    default: return .array([])
    }
  }

  /// `textDocument/prepareRename`: the range of the name (or include path) under the cursor, or an error saying
  /// what cannot be renamed.
  func prepareRename(_ p: JSON) throws -> JSON {
    let t = try targetAt(p)
    guard let i = t.analysis.index.tokenIndex(t.file, at: t.offset) else { return .null }
    let tok = t.analysis.index.tokens(t.file)[i]
    switch t.analysis.index.resolve(t.file, token: i) {
    case .declared(let d)?:
      return .object([("range", t.map.range(Int(tok.start), Int(tok.end)).json), ("placeholder", .string(d.name))])
    case .include?:
      let inner = t.map.range(Int(tok.start) + 1, max(Int(tok.start) + 1, Int(tok.end) - 1))
      return .object([("range", inner.json), ("placeholder", .string(t.analysis.sources[t.file].text(Span(file: t.file, start: tok.start + 1, end: tok.end - 1))))])
    case .coreField?, .record?, .builtin?, .currency?:
      throw LSPError(LSPError.requestFailed, "built-in names (records, their fields, functions, currencies) cannot be renamed")
    case nil: return .null
    }
  }

  /// `textDocument/rename`: the declaration and all its uses, in every file of the rule set; for an include, the
  /// file renamed and every include of it rewritten.
  func rename(_ p: JSON) throws -> JSON {
    let t = try targetAt(p)
    guard let newName = p["newName"]?.string else { throw LSPError.params("rename needs newName") }
    switch t.analysis.index.target(t.file, at: t.offset) {
    case .declared(let d)?:
      try Self.checkName(newName, t.analysis)
      if let clash = t.analysis.index.top[newName], d.kind != .parameter, d.kind != .field, d.kind != .charge {
        let (f, l, _) = t.analysis.sources.resolve(clash.nameSpan)
        throw LSPError(LSPError.requestFailed, "'\(newName)' is already the name of a \(clash.kind.rawValue) (\(f.path):\(l.line))")
      }
      var byFile: [FileID: [JSON]] = [:]
      for s in t.analysis.index.occurrences(of: d) {
        byFile[s.file, default: []].append(textEdit(s, newName, t.analysis))
      }
      return workspaceEdit(byFile, t.analysis)
    case .include(let f)?: return try renameInclude(f, to: newName, from: t.file, t.analysis)
    default: throw LSPError(LSPError.requestFailed, "there is no name to rename here")
    }
  }

  static func checkName(_ s: String, _ a: Analysis) throws {
    let bytes = Array(s.utf8)
    let ok =
      !bytes.isEmpty && !(bytes[0] >= 48 && bytes[0] <= 57)
      && bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    guard ok else {
      throw LSPError(LSPError.requestFailed, "'\(s)' is not a name: use letters, digits and '_', starting with a letter or '_'")
    }
    if let k = Keyword.allCases.first(where: { $0.spelling == s }), Keyword.reserved.contains(k) {
      throw LSPError(LSPError.requestFailed, "'\(s)' is a reserved word of the language; choose another name")
    }
  }

  func textEdit(_ s: Span, _ text: String, _ a: Analysis) -> JSON {
    .object([("range", a.map(s.file).range(Int(s.start), Int(s.end)).json), ("newText", .string(text))])
  }

  func workspaceEdit(_ byFile: [FileID: [JSON]], _ a: Analysis) -> JSON {
    let changes = byFile.keys.sorted().map { (uri(for: a.sources[$0].path), JSON.array(byFile[$0]!)) }
    return .object([("changes", .object(changes))])
  }

  /// Renames an included file (`newName`: its new path relative to the file the rename was asked in) and rewrites
  /// each include of it.
  func renameInclude(_ target: FileID, to newName: String, from file: FileID, _ a: Analysis) throws -> JSON {
    guard !newName.isEmpty, !newName.hasPrefix("/"), newName.hasSuffix(".accrue") else {
      throw LSPError(LSPError.requestFailed, "write the new path relative to this file, ending in .accrue")
    }
    let oldPath = a.sources[target].path
    let newPath = RuleSetLoader.normalize(NSStringPath(path: a.sources[file].path).folder + "/" + newName)
    guard newPath.hasPrefix(a.root + "/") else {
      throw LSPError(LSPError.requestFailed, "'\(newName)' is outside the rules folder '\(a.root)'")
    }
    var changes: [JSON] = [
      .object([("kind", .string("rename")), ("oldUri", .string(uri(for: oldPath))), ("newUri", .string(URIs.uri(newPath)))])
    ]
    var byFile: [FileID: [JSON]] = [:]
    for s in a.index.includers(of: target) {
      let rel = Self.relative(newPath, from: NSStringPath(path: a.sources[s.file].path).folder)
      byFile[s.file, default: []].append(textEdit(s, JSON.string(rel).serialized(), a))
    }
    for f in byFile.keys.sorted() {
      let doc = JSON.object([("uri", .string(uri(for: a.sources[f].path))), ("version", .null)])
      changes.append(.object([("textDocument", doc), ("edits", .array(byFile[f]!))]))
    }
    return .object([("documentChanges", .array(changes))])
  }

  /// `path` relative to the folder `from` (both absolute and normalized).
  static func relative(_ path: String, from: String) -> String {
    let a = path.split(separator: "/")
    let b = from.split(separator: "/")
    var i = 0
    while i < a.count - 1 && i < b.count && a[i] == b[i] { i += 1 }
    return (Array(repeating: "..", count: b.count - i) + a[i...].map(String.init)).joined(separator: "/")
  }
}
