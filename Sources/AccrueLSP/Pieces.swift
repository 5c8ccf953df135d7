import AccrueChecker
import AccrueDiagnostics
import AccrueLexer
import AccrueParser

/// A large rule file checked after an edit without lexing and parsing it all again: the file is cut into pieces at
/// top-level declarations, each piece parsed on its own (a file of the rule set, as far as the checker knows), and
/// an edit inside one piece parses that piece again and keeps the others' syntax trees. The checker then runs over
/// all of them as usual, and the diagnostics are moved back to the whole file's offsets.
///
/// Only for a rule set of one file without includes, whose pieces all parse: anything else (an edit across two
/// pieces, a syntax error, an include) returns nil, and the caller checks the file whole, so that what is
/// reported is always what `accrue check` reports.
final class PieceCache {
  struct Piece {
    var base: Int
    var bytes: [UInt8]
    var file: RuleFile
    var diagnostics: [Diagnostic]
    var comments: [Range<Int32>]
    var lines: Int
    var exprs: Int32
  }

  /// About how large a piece is.
  let pieceSize: Int
  private(set) var path = ""
  private var interner = Interner()
  private var nextExprID: Int32 = 0
  private(set) var pieces: [Piece] = []
  /// How many pieces the last check parsed (tests).
  private(set) var parsedLastTime = 0

  init(pieceSize: Int = 64 * 1024) { self.pieceSize = pieceSize }

  /// The diagnostics of the rule set that is this one file, at its offsets (`file` is its id), or nil.
  func check(_ bytes: [UInt8], path: String, root: String, file: FileID) -> [Diagnostic]? {
    parsedLastTime = 0
    if path != self.path || wasteful || !update(bytes) { rebuild(bytes, path: path) }
    guard pieces.allSatisfy({ p in !p.diagnostics.contains { $0.severity == .error } && !p.file.decls.contains(where: Self.isInclude) })
    else { return nil }
    var sources = SourceMap()
    var lineCount = 0
    var loadDiags: [Diagnostic] = []
    var comments: [FileID: [Range<Int32>]] = [:]
    for p in pieces {
      let f = sources.add(path: path, bytes: p.bytes)
      lineCount += p.lines
      loadDiags += p.diagnostics
      comments[f.id] = p.comments
    }
    let ids = pieces.indices.map { FileID(Int32($0)) }
    let set = RuleSet(root: root, entries: ids, files: pieces.map(\.file), includes: Dictionary(uniqueKeysWithValues: ids.map { ($0, []) }), comments: comments)
    let load = LoadResult(sources: sources, sets: [set], diagnostics: loadDiags, interner: interner, lineCount: lineCount, exprCount: nextExprID)
    let (_, diags) = Frontend.check(load)
    return diags.map { move($0, to: file) }.sortedForOutput()
  }

  static func isInclude(_ d: Decl) -> Bool {
    if case .include = d { return true }
    return false
  }

  /// A diagnostic of the pieces at the whole file's offsets.
  func move(_ d: Diagnostic, to file: FileID) -> Diagnostic {
    func span(_ s: Span) -> Span {
      let base = Int32(pieces[Int(s.file.index)].base)
      return Span(file: file, start: base + s.start, end: base + s.end)
    }
    var out = d
    out.span = span(d.span)
    out.notes = d.notes.map { Note($0.message, at: $0.span.map(span)) }
    if let fix = d.fix { out.fix = FixIt(fix.message, edits: fix.edits.map { Edit(span($0.span), $0.replacement) }) }
    return out
  }

  /// Parses the one piece an edit changed; false when the edit is not inside one piece.
  private func update(_ bytes: [UInt8]) -> Bool {
    guard !pieces.isEmpty else { return false }
    let oldCount = pieces.last!.base + pieces.last!.bytes.count
    // The common prefix, piece by piece, and the common suffix.
    var prefix = 0
    for p in pieces {
      let n = min(p.bytes.count, bytes.count - prefix)
      var k = 0
      while k < n && p.bytes[k] == bytes[prefix + k] { k += 1 }
      prefix += k
      if k < p.bytes.count { break }
    }
    if prefix == oldCount && bytes.count == oldCount { return true }  // nothing changed
    var suffix = 0
    let limit = min(oldCount, bytes.count) - prefix
    var i = pieces.count - 1
    var j = pieces[i].bytes.count - 1
    while suffix < limit {
      while j < 0 {
        i -= 1
        j = pieces[i].bytes.count - 1
      }
      if pieces[i].bytes[j] != bytes[bytes.count - 1 - suffix] { break }
      suffix += 1
      j -= 1
    }
    let oldEnd = oldCount - suffix
    guard let k = pieces.lastIndex(where: { $0.base <= prefix }), oldEnd <= pieces[k].base + pieces[k].bytes.count else { return false }
    let delta = bytes.count - oldCount
    let start = pieces[k].base
    let end = start + pieces[k].bytes.count + delta
    guard end >= start else { return false }
    pieces[k] = parse(Array(bytes[start..<end]), base: start, id: FileID(Int32(k)))
    for n in (k + 1)..<pieces.count { pieces[n].base += delta }
    parsedLastTime = 1
    return true
  }

  /// Cuts the file into pieces and parses them all.
  private func rebuild(_ bytes: [UInt8], path: String) {
    self.path = path
    interner = Interner()
    nextExprID = 0
    pieces = []
    let cuts = Self.cuts(bytes, every: pieceSize)
    for (n, (s, e)) in zip(cuts, cuts.dropFirst() + [bytes.count]).enumerated() {
      pieces.append(parse(Array(bytes[s..<e]), base: s, id: FileID(Int32(n))))
    }
    parsedLastTime = pieces.count
  }

  private func parse(_ bytes: [UInt8], base: Int, id: FileID) -> Piece {
    // Expression ids are never reused while pieces are kept; when most ids in use are stale, start afresh.
    let f = SourceFile(id: id, path: path, bytes: bytes)
    let lexed = Lexer.lex(f, interner: &interner)
    let first = nextExprID
    let (file, diags) = Parser.parse(f, lexed, nextExprID: &nextExprID)
    return Piece(
      base: base, bytes: bytes, file: file, diagnostics: lexed.diagnostics + diags, comments: lexed.comments, lines: f.lineCount,
      exprs: nextExprID - first)
  }

  /// Whether the ids handed out are mostly stale (the caller then rebuilds).
  var wasteful: Bool { Int(nextExprID) > 4 * max(1, pieces.reduce(0) { $0 + Int($1.exprs) }) + 100_000 }

  /// Offsets where pieces start: 0, then the first line after each `every` bytes that starts a top-level
  /// declaration (a word at the start of the line, outside any bracket, not `and`/`or`, after a line that does
  /// not end in an operator).
  static func cuts(_ b: [UInt8], every: Int) -> [Int] {
    var out = [0]
    var depth = 0
    var i = 0
    var lastCode: UInt8 = 10  // the last byte of code before this line (not a space or comment)
    while i < b.count {
      let c = b[i]
      if c == UInt8(ascii: "#") {
        while i < b.count && b[i] != 10 { i += 1 }
        continue
      }
      if c == UInt8(ascii: "\"") {
        i += 1
        while i < b.count && b[i] != UInt8(ascii: "\"") && b[i] != 10 { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
        i += 1
        lastCode = UInt8(ascii: "\"")
        continue
      }
      if c == 10 {
        let next = i + 1
        if depth == 0, next - out.last! >= every, next < b.count, isWordStart(b[next]), !continues(lastCode), !startsWithAndOr(b, next) {
          out.append(next)
        }
        i += 1
        continue
      }
      if c == UInt8(ascii: "{") || c == UInt8(ascii: "(") || c == UInt8(ascii: "[") { depth += 1 }
      if c == UInt8(ascii: "}") || c == UInt8(ascii: ")") || c == UInt8(ascii: "]") { depth = max(0, depth - 1) }
      if c != 32 && c != 9 && c != 13 { lastCode = c }
      i += 1
    }
    return out
  }

  static func isWordStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }

  static func continues(_ c: UInt8) -> Bool { "+-*/=<>,(".utf8.contains(c) }

  static func startsWithAndOr(_ b: [UInt8], _ i: Int) -> Bool {
    func word(_ w: String) -> Bool {
      let u = Array(w.utf8)
      guard i + u.count <= b.count, Array(b[i..<i + u.count]) == u else { return false }
      return i + u.count == b.count || !(isWordStart(b[i + u.count]) || (b[i + u.count] >= 48 && b[i + u.count] <= 57))
    }
    return word("and") || word("or")
  }
}
