import AccrueDiagnostics
import AccrueLexer
import Foundation

/// One rule set: a folder whose top-level `.accrue` files are its entry files, plus every file
/// they include. Names are shared by all files of a set.
public struct RuleSet: Sendable {
  /// The folder, as the user named it.
  public var root: String
  /// Entry files, sorted by path.
  public var entries: [FileID]
  /// Every loaded file, in load order.
  public var files: [RuleFile]
  /// For each file, the files its `include` statements resolved to (in statement order).
  public var includes: [FileID: [FileID]]
  /// The comments of each file (for the formatter).
  public var comments: [FileID: [Range<Int32>]]

  /// A rule set assembled by a tool that parsed its files itself (the language server parses a large file in
  /// pieces and keeps the pieces an edit did not touch).
  public init(root: String, entries: [FileID], files: [RuleFile], includes: [FileID: [FileID]], comments: [FileID: [Range<Int32>]]) {
    self.root = root
    self.entries = entries
    self.files = files
    self.includes = includes
    self.comments = comments
  }
}

/// Everything one load produced.
public struct LoadResult {
  /// All files read.
  public var sources: SourceMap
  /// The rule sets found, in path order.
  public var sets: [RuleSet]
  /// Lexer, parser and file diagnostics.
  public var diagnostics: [Diagnostic]
  /// The symbol table shared by all sets.
  public var interner: Interner
  /// Total number of source lines read.
  public var lineCount: Int
  /// Number of expression ids handed out (ids are 0..<exprCount).
  public var exprCount: Int32

  /// A load assembled by a tool that parsed its files itself (see `RuleSet.init`).
  public init(sources: SourceMap, sets: [RuleSet], diagnostics: [Diagnostic], interner: Interner, lineCount: Int, exprCount: Int32) {
    self.sources = sources
    self.sets = sets
    self.diagnostics = diagnostics
    self.interner = interner
    self.lineCount = lineCount
    self.exprCount = exprCount
  }
}

/// The lexer thread's result, handed back once.
private final class LexDone: @unchecked Sendable {
  private let semaphore = DispatchSemaphore(value: 0)
  private var result: (Interner, LexedFile)?  // written once before the signal, read after the wait
  func set(_ i: Interner, _ l: LexedFile) {
    result = (i, l)
    semaphore.signal()
  }
  func wait() -> (Interner, LexedFile) {
    semaphore.wait()
    return result!  // set() always runs before signal()
  }
}

/// Finds rule sets under the given paths, reads and parses their files, and resolves includes.
/// It reads files but never writes, prints or exits.
public struct RuleSetLoader {
  var sources = SourceMap()
  var diagnostics: [Diagnostic] = []
  var interner = Interner()
  var nextExprID: Int32 = 0
  var lineCount = 0
  let fm = FileManager.default
  /// Files at least this large are lexed on a second thread while they are parsed.
  static let concurrentLexingThreshold = 256 * 1024

  /// Loads every path: a file is a set of its own (its folder is the include boundary); a folder
  /// with top-level `.accrue` files is a set; a folder without any is searched for sets in its subfolders.
  public static func load(paths: [String]) -> LoadResult {
    var loader = RuleSetLoader()
    var sets: [RuleSet] = []
    for path in paths {
      sets.append(contentsOf: loader.loadPath(path))
    }
    return LoadResult(
      sources: loader.sources, sets: sets, diagnostics: loader.diagnostics, interner: loader.interner,
      lineCount: loader.lineCount, exprCount: loader.nextExprID)
  }

  /// Loads one rule set from in-memory files (tests, tools). `files` maps paths relative to `root` to text.
  public static func load(root: String, files: [(String, String)]) -> LoadResult {
    load(root: root, rawFiles: files.map { ($0.0, Array($0.1.utf8)) })
  }

  /// Loads one rule set from in-memory bytes (keeps invalid UTF-8 as it is).
  public static func load(root: String, rawFiles files: [(String, [UInt8])]) -> LoadResult {
    var loader = RuleSetLoader()
    var set = RuleSet(root: root, entries: [], files: [], includes: [:], comments: [:])
    var byPath: [String: [UInt8]] = [:]
    for (p, t) in files { byPath[normalize(root + "/" + p)] = t }
    var loaded: [String: FileID] = [:]
    var stack: [String] = []
    for (p, _) in files.sorted(by: { $0.0 < $1.0 }) where !p.contains("/") {
      let path = normalize(root + "/" + p)
      if let id = loader.loadFile(path, set: &set, loaded: &loaded, stack: &stack, read: { byPath[$0] }) {
        set.entries.append(id)
      }
    }
    return LoadResult(
      sources: loader.sources, sets: [set], diagnostics: loader.diagnostics, interner: loader.interner,
      lineCount: loader.lineCount, exprCount: loader.nextExprID)
  }

  mutating func fileError(_ path: String, _ message: String, code: DiagnosticCode = .cannotReadFile, help: String? = nil) {
    let f = sources.add(path: path, bytes: [])
    diagnostics.append(Diagnostic(code, message, at: Span(file: f.id, start: 0, end: 0), help: help))
  }

  mutating func loadPath(_ raw: String) -> [RuleSet] {
    let path = raw.count > 1 && raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
      fileError(path, "no such file or folder")
      return []
    }
    if !isDir.boolValue {
      let root = (path as NSString).deletingLastPathComponent
      var set = RuleSet(root: root.isEmpty ? "." : root, entries: [], files: [], includes: [:], comments: [:])
      var loaded: [String: FileID] = [:]
      var stack: [String] = []
      if let id = loadFile(path, set: &set, loaded: &loaded, stack: &stack, read: readDisk) {
        set.entries.append(id)
      }
      return [set]
    }
    var sets: [RuleSet] = []
    discover(path, into: &sets)
    if sets.isEmpty {
      fileError(path, "this folder holds no .accrue files", help: "rule files end in .accrue")
    }
    return sets
  }

  func listing(_ dir: String) -> (files: [String], dirs: [String])? {
    guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return nil }
    var files: [String] = []
    var dirs: [String] = []
    for n in names.sorted() where !n.hasPrefix(".") {
      let p = dir + "/" + n
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
        // A dangling link named *.accrue is a rule file that cannot be read: say so.
        if n.hasSuffix(".accrue") { files.append(p) }
        continue
      }
      if isDir.boolValue {
        dirs.append(p)
      } else if n.hasSuffix(".accrue") {
        files.append(p)
      }
    }
    return (files, dirs)
  }

  mutating func discover(_ dir: String, into sets: inout [RuleSet]) {
    guard let (files, dirs) = listing(dir) else {
      fileError(dir, "this folder cannot be read")
      return
    }
    if files.isEmpty {
      for d in dirs { discover(d, into: &sets) }
      return
    }
    var set = RuleSet(root: dir, entries: [], files: [], includes: [:], comments: [:])
    var loaded: [String: FileID] = [:]
    var stack: [String] = []
    let rootKey = Self.normalize(dir)
    for f in files {
      guard realPathInside(f, rootKey) else {
        fileError(f, "this file is a link to a file outside the rules folder '\(dir)'", code: .includeOutsideFolder,
          help: "copy the file into the folder instead of linking to it")
        continue
      }
      if let id = loadFile(f, set: &set, loaded: &loaded, stack: &stack, read: readDisk) {
        set.entries.append(id)
      }
    }
    // Files in subfolders that no include reached never run: say so.
    var pending = dirs
    while let d = pending.popLast() {
      guard let (fs, ds) = listing(d) else { continue }
      pending.append(contentsOf: ds)
      for f in fs where loaded[Self.normalize(f)] == nil {
        let file = sources.add(path: f, bytes: [])
        diagnostics.append(
          Diagnostic(
            .unusedFile, "this rule file is not included by any entry file of '\(dir)', so its rules never run",
            at: Span(file: file.id, start: 0, end: 0),
            help: "include it from a file at the top of '\(dir)', or move it there"))
      }
    }
    sets.append(set)
  }

  func readDisk(_ path: String) -> [UInt8]? {
    guard let d = fm.contents(atPath: path) else { return nil }
    return [UInt8](d)
  }

  /// Deepest chain of includes followed (a file including a file including ...): each level is a call of
  /// `loadFile`, so no input can exhaust the stack.
  public static let maxIncludeDepth = 100

  /// Reads, lexes and parses one file, then its includes (depth first, each file once). `bytes`: the file's,
  /// when the caller has read them already.
  mutating func loadFile(
    _ path: String, set: inout RuleSet, loaded: inout [String: FileID], stack: inout [String],
    read: (String) -> [UInt8]?, bytes preread: [UInt8]? = nil
  ) -> FileID? {
    let key = Self.normalize(path)
    if let id = loaded[key] { return id }
    guard let bytes = preread ?? read(key) ?? read(path) else {
      let dangling = (try? fm.destinationOfSymbolicLink(atPath: path)) != nil
      fileError(path, dangling ? "this file is a link to a file that does not exist" : "this file cannot be read")
      return nil
    }
    let file = sources.add(path: path, bytes: bytes)
    loaded[key] = file.id
    lineCount += file.lineCount
    var ruleFile: RuleFile
    var parseDiags: [Diagnostic]
    let lexed: LexedFile
    if bytes.count >= Self.concurrentLexingThreshold {
      // Large file: lex on a second thread while this one parses; that thread then parses the file's tail.
      let done = LexDone()
      let second = TailParse(file: file, base: nextExprID)
      let stream = Lexer.lexConcurrently(
        file, interner: interner, completion: { i, l in done.set(i, l) }, tail: { tokens, split, bound in second.parse(tokens, split: split, bound: bound) })
      (ruleFile, parseDiags) = Parser.parse(file, stream: stream, nextExprID: &nextExprID, tail: second)
      (interner, lexed) = done.wait()
    } else {
      lexed = Lexer.lex(file, interner: &interner)
      (ruleFile, parseDiags) = Parser.parse(file, lexed, nextExprID: &nextExprID)
    }
    diagnostics.append(contentsOf: lexed.diagnostics)
    diagnostics.append(contentsOf: parseDiags)
    set.comments[file.id] = lexed.comments
    stack.append(key)
    var targets: [FileID] = []
    let dir = (key as NSString).deletingLastPathComponent
    let rootKey = Self.normalize(set.root)
    for decl in ruleFile.decls {
      guard case .include(let inc) = decl else { continue }
      let rel = inc.path.value
      if rel.hasPrefix("/") {
        diagnostics.append(
          Diagnostic(
            .includeOutsideFolder, "includes name files inside the rules folder, not absolute paths", at: inc.path.span,
            help: "write the path relative to this file"))
        continue
      }
      // A file at the top of a relative root ("." normalizes it away) has an empty folder: not "/".
      let target = Self.normalize(dir.isEmpty ? rel : dir + "/" + rel)
      guard Self.isInside(target, rootKey), realPathInside(target, rootKey) else {
        diagnostics.append(
          Diagnostic(
            .includeOutsideFolder, "'\(rel)' is outside the rules folder '\(set.root)'", at: inc.path.span,
            help: "a rule set may only include files inside its own folder"))
        continue
      }
      // A file being loaded is on the stack and already in `loaded`: a cycle (found without searching the stack).
      if let id = loaded[target], set.includes[id] == nil, let i = stack.lastIndex(of: target) {
        var chain = (stack[i...] + [target]).map { Self.display($0, root: rootKey, shownRoot: set.root) }
        // A long cycle is named by its ends (a message stays short whatever the input).
        if chain.count > 8 { chain = chain.prefix(4) + ["... \(chain.count - 7) more files ..."] + chain.suffix(3) }
        diagnostics.append(
          Diagnostic(
            .includeCycle, "including '\(rel)' makes a cycle: \(chain.joined(separator: " -> "))", at: inc.path.span))
        continue
      }
      if let id = loaded[target] {
        targets.append(id)
        continue
      }
      guard stack.count < Self.maxIncludeDepth else {
        diagnostics.append(
          Diagnostic(
            .nestingTooDeep, "includes nest more than \(Self.maxIncludeDepth) files deep here", at: inc.path.span,
            help: "include the files from one place (a file that includes them all) instead of each from the one before"))
        continue
      }
      guard let targetBytes = read(target) else {
        let candidates = (try? fm.contentsOfDirectory(atPath: (target as NSString).deletingLastPathComponent)) ?? []
        let s = Suggest.closest(to: (rel as NSString).lastPathComponent, in: candidates.filter { $0.hasSuffix(".accrue") })
        diagnostics.append(
          Diagnostic(
            .includeNotFound, "cannot find '\(rel)' next to this file", at: inc.path.span,
            help: s.map { "did you mean '\($0)'?" }))
        continue
      }
      let shown = Self.display(target, root: rootKey, shownRoot: set.root)
      if let id = loadFile(shown, set: &set, loaded: &loaded, stack: &stack, read: read, bytes: targetBytes) {
        targets.append(id)
      }
    }
    stack.removeLast()
    set.includes[file.id] = targets
    ruleFile.file = file.id
    set.files.append(ruleFile)
    return file.id
  }

  /// Whether the real (symlink-resolved) target stays inside the real root. Missing files pass
  /// (they are reported as not found).
  func realPathInside(_ target: String, _ root: String) -> Bool {
    guard fm.fileExists(atPath: target) else { return true }
    // Both as absolute, standardized paths ("." and "x/." would otherwise end in "/.").
    let t = URL(fileURLWithPath: target).standardizedFileURL.resolvingSymlinksInPath().path
    var r = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
    while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
    return Self.isInside(t, r)
  }

  static func isInside(_ path: String, _ root: String) -> Bool {
    root == "." ? !path.hasPrefix("..") && !path.hasPrefix("/") : path.hasPrefix(root + "/")
  }

  static func display(_ key: String, root: String, shownRoot: String) -> String {
    guard key.hasPrefix(root + "/") else { return key }
    return shownRoot + key.dropFirst(root.count)
  }

  /// Lexical normalisation: removes `.` and resolves `..` components; keeps relative paths relative.
  public static func normalize(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var out: [Substring] = []
    for c in path.split(separator: "/", omittingEmptySubsequences: true) {
      if c == "." { continue }
      if c == "..", let last = out.last, last != ".." {
        out.removeLast()
        continue
      }
      if c == "..", absolute, out.isEmpty { continue }
      out.append(c)
    }
    let joined = out.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }
}

