import AccrueChecker
import AccrueDiagnostics
import AccrueLexer
import AccrueParser
import Foundation

/// One rule set checked as the editor has it: the open documents in place of their files on disk.
public final class Analysis: @unchecked Sendable {
  /// The rule set's folder (absolute).
  public let root: String
  public let load: LoadResult
  public let set: RuleSet?
  public let check: CheckResult?
  /// Every diagnostic of the set (loader's and checker's), sorted.
  public let diagnostics: [Diagnostic]
  /// The ids of files by path.
  public let fileIDs: [String: FileID]
  /// Each file's parsed declarations.
  public let ruleFiles: [FileID: RuleFile]

  init(root: String, load: LoadResult) {
    self.root = root
    self.load = load
    self.set = load.sets.first
    let (results, diags) = Frontend.check(load)
    self.check = results.first?.1
    self.diagnostics = diags
    var ids: [String: FileID] = [:]
    for f in load.sources.files { ids[f.path] = f.id }
    fileIDs = ids
    var rf: [FileID: RuleFile] = [:]
    for f in set?.files ?? [] { rf[f.file] = f }
    ruleFiles = rf
  }

  private var symbolIndex: SymbolIndex?
  /// The declarations and words of the set (built on first use; an analysis is used on the server's queue only).
  var index: SymbolIndex {
    if let i = symbolIndex { return i }
    let i = SymbolIndex(self)
    symbolIndex = i
    return i
  }

  public var sources: SourceMap { load.sources }
  public var program: CheckedProgram? { check?.program }

  public func file(_ path: String) -> SourceFile? { fileIDs[path].map { load.sources[$0] } }

  /// The line map of a loaded file.
  public func map(_ id: FileID) -> LineMap {
    let f = load.sources[id]
    return LineMap(bytes: f.bytes, lineStarts: f.lineStarts)
  }

  /// The name of a symbol.
  public func name(_ s: Symbol) -> String { load.interner.name(s) }

  /// The top-level declaration of a file that covers a byte offset (binary search: declarations are in order).
  public func decl(in id: FileID, at offset: Int32) -> Decl? {
    guard let decls = ruleFiles[id]?.decls, !decls.isEmpty else { return nil }
    var lo = 0
    var hi = decls.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if decls[mid].span.start <= offset { lo = mid } else { hi = mid - 1 }
    }
    let d = decls[lo]
    return d.span.start <= offset && offset <= d.span.end ? d : nil
  }

  /// The tokens of a file (lexed again on demand: the loader keeps none).
  public func tokens(_ id: FileID) -> [Token] {
    var interner = load.interner
    return Lexer.lex(load.sources[id], interner: &interner).tokens
  }
}

/// Where rule sets are and what they hold: finds a document's rule set folder and reads its files, putting the open
/// documents in place of what is on disk.
enum RuleSets {
  /// Most files read for one rule set (a document opened in a huge tree stays quick).
  static let maxFiles = 2000

  /// The folder whose rule set a file belongs to: its own folder, or, while a folder above includes files from the
  /// one below (an `include "shared/..."` in one of its top-level `.accrue` files), that folder: the folder a rule
  /// set is named by, whose subfolders hold included files.
  static func root(of path: String) -> String {
    var dir = (path as NSString).deletingLastPathComponent
    while true {
      let parent = (dir as NSString).deletingLastPathComponent
      guard parent != dir, !parent.isEmpty, includes(parent, folder: (dir as NSString).lastPathComponent) else { return dir }
      dir = parent
    }
  }

  /// Whether a top-level `.accrue` file of `dir` includes a file of its subfolder `folder`.
  static func includes(_ dir: String, folder: String) -> Bool {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return false }
    let needle = Array("\"\(folder)/".utf8)
    for n in names where n.hasSuffix(".accrue") && !n.hasPrefix(".") {
      let p = dir + "/" + n
      guard let size = (try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? Int, size < 1 << 20,
        let d = FileManager.default.contents(atPath: p)
      else { continue }
      if d.range(of: Data(needle)) != nil { return true }
    }
    return false
  }

  /// Every `.accrue` file under the root, as paths relative to it, sorted.
  static func files(under root: String) -> [String] {
    var out: [String] = []
    var pending: [(String, Int)] = [("", 0)]
    let fm = FileManager.default
    while let (rel, depth) = pending.popLast(), out.count < maxFiles {
      let dir = rel.isEmpty ? root : root + "/" + rel
      guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
      for n in names.sorted() where !n.hasPrefix(".") {
        let r = rel.isEmpty ? n : rel + "/" + n
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root + "/" + r, isDirectory: &isDir) else { continue }
        if isDir.boolValue {
          if depth < 16 { pending.append((r, depth + 1)) }
        } else if n.hasSuffix(".accrue") {
          out.append(r)
        }
      }
    }
    return out.sorted()
  }

  /// Loads and checks the rule set at `root`, open documents (by absolute path) in place of their files.
  static func analyze(root: String, open: [String: [UInt8]]) -> Analysis {
    var loaded: [(String, [UInt8])] = []
    var seen = Set<String>()
    for rel in files(under: root) {
      let abs = root + "/" + rel
      seen.insert(abs)
      if let b = open[abs] {
        loaded.append((rel, b))
      } else if let d = FileManager.default.contents(atPath: abs) {
        loaded.append((rel, [UInt8](d)))
      }
    }
    // Open documents not on disk yet (a new file not saved).
    for (p, b) in open where !seen.contains(p) && p.hasPrefix(root + "/") && p.hasSuffix(".accrue") {
      loaded.append((String(p.dropFirst(root.count + 1)), b))
    }
    return Analysis(root: root, load: RuleSetLoader.load(root: root, rawFiles: loaded))
  }
}
