import AccrueDiagnostics
import AccrueRender
import Foundation

/// A synthetic folder for documents that are not files (`untitled:` URIs): each is a rule set of its own.
let untitledFolder = "/.accrue-lsp-untitled"

extension LanguageServer {
  // MARK: - Document synchronisation

  func didOpen(_ p: JSON) {
    guard let d = p["textDocument"], let uri = d["uri"]?.string, let text = d["text"]?.string else { return }
    let doc = TextDocument(uri: uri, version: d["version"]?.int ?? 0, text: text, path: Self.path(of: uri))
    documents[uri] = doc
    changed(path: doc.path)
  }

  func didChange(_ p: JSON) {
    guard let d = p["textDocument"], let uri = d["uri"]?.string, var doc = documents[uri] else { return }
    for c in p["contentChanges"]?.array ?? [] {
      guard let text = c["text"]?.string else { continue }
      doc.apply(range: LSPRange(c["range"]), text: text)
    }
    doc.version = d["version"]?.int ?? doc.version + 1
    documents[uri] = doc
    changed(path: doc.path)
  }

  func didClose(_ p: JSON) {
    guard let uri = p["textDocument"]?["uri"]?.string, let doc = documents.removeValue(forKey: uri) else { return }
    changed(path: doc.path)
  }

  func didSave(_ p: JSON) {
    guard let uri = p["textDocument"]?["uri"]?.string else { return }
    let root = rootFolder(of: Self.path(of: uri))
    lensCache[root] = nil
  }

  /// The path a URI stands for: a file's, or a made-up one in `untitledFolder` for other URIs.
  static func path(of uri: String) -> String {
    let p = URIs.path(uri)
    if p.hasPrefix("/") { return p }
    let safe = String(p.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    return untitledFolder + "/" + safe + (safe.hasSuffix("accrue") ? ".accrue" : ".accrue")
  }

  /// The rule set folder of a file (found once per folder).
  func rootFolder(of path: String) -> String {
    let dir = NSStringPath(path: path).folder
    if let r = rootCache[dir] { return r }
    let r = RuleSets.root(of: path)
    rootCache[dir] = r
    return r
  }

  /// A file changed: its rule set is checked again (after the debounce), and its diagnostics published.
  func changed(path: String) {
    let root = rootFolder(of: path)
    for r in analyses.keys where r == root || path.hasPrefix(r + "/") { analyses[r] = nil }
    let n = (changeCount[root] ?? 0) + 1
    changeCount[root] = n
    guard let queue, settings.debounceMilliseconds > 0 else { return publish(root: root) }
    queue.asyncAfter(deadline: .now() + .milliseconds(settings.debounceMilliseconds)) { [self] in
      guard changeCount[root] == n else { return }  // a later change restarted the wait
      publish(root: root)
    }
  }

  /// The checked rule set of a root, computed when a change made the last one stale.
  func analysis(root: String) -> Analysis {
    if let a = analyses[root] { return a }
    var open: [String: [UInt8]] = [:]
    for d in documents.values where d.path.hasPrefix(root + "/") { open[d.path] = d.bytes }
    let a = RuleSets.analyze(root: root, open: open)
    analyses[root] = a
    return a
  }

  /// The document a request names, its rule set and its file there.
  func target(_ p: JSON) throws -> (analysis: Analysis, file: FileID, map: LineMap) {
    guard let uri = p["textDocument"]?["uri"]?.string else { throw LSPError.params("the request needs textDocument.uri") }
    let path = documents[uri]?.path ?? Self.path(of: uri)
    let a = analysis(root: rootFolder(of: path))
    guard let id = a.fileIDs[path] else {
      throw LSPError(LSPError.requestFailed, "'\(path)' is not a rule file of the rule set in '\(a.root)'")
    }
    return (a, id, a.map(id))
  }

  /// The target and the byte offset of the request's `position`.
  func targetAt(_ p: JSON) throws -> (analysis: Analysis, file: FileID, map: LineMap, offset: Int) {
    guard let pos = Position(p["position"]) else { throw LSPError.params("the request needs a position {line, character}") }
    let t = try target(p)
    return (t.analysis, t.file, t.map, t.map.offset(of: pos))
  }

  /// The URI to publish for a loaded file (the client's own for an open document).
  func uri(for path: String) -> String {
    if let d = documents.values.first(where: { $0.path == path }) { return d.uri }
    return URIs.uri(path)
  }

  // MARK: - Diagnostics

  /// Checks a rule set and publishes every file's diagnostics (an empty list for a file whose went away).
  func publish(root: String) {
    let clock = ContinuousClock()
    let t0 = clock.now
    if analyses[root] == nil, publishPieces(root: root) {
      timings["diagnostics"] = Self.milliseconds(clock.now - t0)
      return
    }
    let a = analysis(root: root)
    var byFile: [FileID: [JSON]] = [:]
    for f in a.sources.files { byFile[f.id] = [] }
    for d in a.diagnostics { byFile[d.span.file, default: []].append(lspDiagnostic(d, a.sources)) }
    var uris = Set<String>()
    for f in a.sources.files where !f.path.isEmpty {
      let uri = uri(for: f.path)
      uris.insert(uri)
      var params: [(String, JSON)] = [("uri", .string(uri))]
      if let v = documents[uri]?.version { params.append(("version", .int(v))) }
      params.append(("diagnostics", .array(byFile[f.id] ?? [])))
      notify("textDocument/publishDiagnostics", .object(params))
    }
    for gone in (publishedURIs[root] ?? []).subtracting(uris).sorted() {
      notify("textDocument/publishDiagnostics", .object([("uri", .string(gone)), ("diagnostics", .array([]))]))
    }
    publishedURIs[root] = uris
    timings["diagnostics"] = Self.milliseconds(clock.now - t0)
  }

  /// A rule set of one large open file is checked in pieces (`PieceCache`): only the piece an edit touched is
  /// parsed again. False when that does not apply (the caller checks the rule set whole).
  func publishPieces(root: String) -> Bool {
    let open = documents.values.filter { $0.path.hasPrefix(root + "/") }
    guard open.count == 1, let doc = open.first, doc.bytes.count >= pieceThreshold else { return false }
    let onDisk = RuleSets.files(under: root).map { root + "/" + $0 }
    guard onDisk.isEmpty || onDisk == [doc.path] else { return false }
    let cache = pieceCaches[root] ?? PieceCache()
    pieceCaches[root] = cache
    var sources = SourceMap()
    let file = sources.add(path: doc.path, bytes: doc.bytes)
    guard let diags = cache.check(doc.bytes, path: doc.path, root: root, file: file.id) else { return false }
    let list = diags.map { lspDiagnostic($0, sources) }
    notify("textDocument/publishDiagnostics", .object([("uri", .string(doc.uri)), ("version", .int(doc.version)), ("diagnostics", .array(list))]))
    for gone in (publishedURIs[root] ?? []).subtracting([doc.uri]).sorted() {
      notify("textDocument/publishDiagnostics", .object([("uri", .string(gone)), ("diagnostics", .array([]))]))
    }
    publishedURIs[root] = [doc.uri]
    return true
  }

  /// One diagnostic as the protocol has it: the code with its explanation's link, notes with a place as related
  /// information, notes without one and the help in the message.
  func lspDiagnostic(_ d: Diagnostic, _ sources: SourceMap) -> JSON {
    func lineMap(_ id: FileID) -> LineMap { LineMap(bytes: sources[id].bytes, lineStarts: sources[id].lineStarts) }
    let map = lineMap(d.span.file)
    var message = d.message
    if let l = d.label { message += " (\(l))" }
    for n in d.notes where n.span == nil { message += "\nnote: " + n.message }
    if let h = d.help { message += "\nhelp: " + h }
    var fields: [(String, JSON)] = [
      ("range", map.range(Int(d.span.start), Int(d.span.end)).json),
      ("severity", .int(d.severity == .error ? 1 : d.severity == .warning ? 2 : 3)),
      ("code", .string(d.code.id)),
    ]
    if !settings.explainLink.isEmpty {
      let href = settings.explainLink.replacingOccurrences(of: "{code}", with: d.code.id)
      fields.append(("codeDescription", .object([("href", .string(href))])))
    }
    fields.append(("source", .string("accrue")))
    fields.append(("message", .string(message)))
    let related: [JSON] = d.notes.compactMap { n in
      guard let s = n.span else { return nil }
      let m = lineMap(s.file)
      let loc = JSON.object([("uri", .string(uri(for: sources[s.file].path))), ("range", m.range(Int(s.start), Int(s.end)).json)])
      return .object([("location", loc), ("message", .string(n.message))])
    }
    if !related.isEmpty { fields.append(("relatedInformation", .array(related))) }
    var data: [(String, JSON)] = [("name", .string(d.code.name))]
    if let fix = d.fix { data.append(("fix", .string(fix.message))) }
    fields.append(("data", .object(data)))
    return .object(fields)
  }

  /// `accrue/explain {code}`: the text of `accrue explain CODE`.
  func explain(_ p: JSON) throws -> JSON {
    guard let key = p["code"]?.string else { throw LSPError.params("accrue/explain needs a code") }
    guard let c = DiagnosticCode.lookup(key) else { throw LSPError(LSPError.requestFailed, "'\(key)' is not a diagnostic code") }
    return .string(Self.explanation(c))
  }

  static func explanation(_ c: DiagnosticCode) -> String {
    "\(c.id) (\(c.name), \(c.severity.rawValue)): \(c.title)\n\n" + (c.isData ? c.dataHandling + "\n\n" : "") + c.explanation
  }
}
