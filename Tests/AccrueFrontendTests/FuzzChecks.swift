import AccrueChecker
import AccrueCompiler
import AccrueDiagnostics
import AccrueFormat
import AccrueLexer
import AccrueParser
import Foundation

/// What the rule fuzz targets (Tests/Fuzz: rules, fmt) do with one input and which properties they hold it to.
/// The fuzz build compiles this file into both targets, and `FuzzRegressionTests` replays the kept findings
/// through it, so the fuzzer and `swift test` judge an input the same way.
///
/// Each check runs the entry points the command line uses on the bytes (as one rule file) and returns the
/// properties the outcome broke (empty when it is sound). A crash, trap, hang or runaway memory is a finding by
/// itself.
enum FrontendFuzzChecks {
  static let path = "fuzz.accrue"

  /// The stack `accrue` has for its front end: the main thread's 8 MB. The parser caps expression trees at 500
  /// levels (E0205) so that the checker's and compiler's recursion over them fits there; the replay tests run
  /// the kept inputs on a thread of this size, as the command line would.
  static let commandLineStack = 8 << 20

  /// The stack the fuzz targets run an input on. Under AddressSanitizer (with -O) a level of the recursion takes
  /// several times the stack it takes in a shipped build (about 300 operators exhaust 8 MB, where debug and
  /// release builds take 499); 256 MB lets a 500-level tree reach the parser's cap, so a deep input tests what
  /// the product does, not the sanitizer's frames. (Only reserved: pages are touched as far as an input goes.)
  static let fuzzStack = 256 << 20

  /// `body`'s result, computed on a new thread with `stackSize` bytes of stack (the caller waits for it).
  static func onThread<T: Sendable>(stackSize: Int, _ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      box.value = body()
      done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    return box.value!
  }

  /// `accrue check`, then what `plan` and `compile` do with a clean rule set (`RulesStage.compile`): load the
  /// file (`RuleSetLoader` over bytes in memory: an `include` names a file that is not there), check it, and
  /// compile it when it has no errors. Every diagnostic, note and fix must point into its file, where the
  /// renderer can show it.
  static func rules(_ bytes: [UInt8]) -> [String] {
    let load = RuleSetLoader.load(root: "fuzz", rawFiles: [(path, bytes)])
    let (results, diags) = Frontend.check(load)
    var problems: [String] = []
    for d in diags {
      if d.message.isEmpty { problems.append("\(d.code.id) without a message") }
      problems += located(d.span, in: load.sources, what: d.code.id)
      for n in d.notes { if let s = n.span { problems += located(s, in: load.sources, what: "a note of \(d.code.id)") } }
      for e in d.fix?.edits ?? [] { problems += located(e.span, in: load.sources, what: "a fix of \(d.code.id)") }
    }
    if !diags.contains(where: { $0.severity == .error }) && results.count == 1 {
      let plan = PlanCompiler.compile(results[0].1.program, sources: load.sources)
      withExtendedLifetime(plan) {}
    }
    return problems
  }

  /// A span the renderer can show: inside its file, start before end, with a line and column.
  static func located(_ s: Span, in sources: SourceMap, what: String) -> [String] {
    guard s.file.index >= 0, Int(s.file.index) < sources.files.count else { return ["\(what): file \(s.file.index) is not loaded"] }
    let f = sources[s.file]
    guard s.start >= 0, s.start <= s.end, Int(s.end) <= f.bytes.count else {
      return ["\(what): span \(s.start)..<\(s.end) outside \(f.path) (\(f.bytes.count) bytes)"]
    }
    let a = f.location(of: s.start)
    let b = f.location(of: s.end)
    guard a.line >= 1, a.column >= 1, a.line <= f.lineStarts.count, b >= a else {
      return ["\(what): span \(s.start)..<\(s.end) at \(a.line):\(a.column)-\(b.line):\(b.column)"]
    }
    _ = f.lineText(a.line)
    _ = f.text(s)
    return []
  }

  /// `accrue fmt`: a file that formats gives text that formats again to itself (formatting formatted text
  /// changes nothing) and that holds the same tokens (kinds and bytes, line breaks included) and comments.
  static func fmt(_ bytes: [UInt8]) -> [String] {
    guard case .success(let once) = Formatter.format(bytes, path: path) else { return [] }
    let out = Array(once.utf8)
    var problems: [String] = []
    switch Formatter.format(out, path: path) {
    case .failure(let e):
      let d = e.diagnostics.first
      problems.append("the formatted text does not parse: \(d?.code.id ?? "?") \(d?.message ?? "") at byte \(d?.span.start ?? -1)")
    case .success(let twice):
      if twice != once { problems.append("formatting the formatted text changes it") }
    }
    let (before, commentsBefore) = tokens(bytes)
    let (after, commentsAfter) = tokens(out)
    if before != after {
      let k = zip(before, after).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(before.count, after.count)
      let show = { (t: [String]) in k < t.count ? t[k].debugDescription : "the end" }
      problems.append("token \(k) changed: \(show(before)) became \(show(after)) (\(before.count) tokens, then \(after.count))")
    }
    if commentsBefore != commentsAfter { problems.append("comments changed: \(commentsBefore) became \(commentsAfter)") }
    return problems
  }

  /// Kind and bytes of each token (line ends included), and each comment's text without trailing blanks.
  static func tokens(_ bytes: [UInt8]) -> (tokens: [String], comments: [String]) {
    var map = SourceMap()
    let file = map.add(path: path, bytes: bytes)
    var interner = Interner()
    let lexed = Lexer.lex(file, interner: &interner)
    let text = { (a: Int32, b: Int32) in String(decoding: bytes[Int(a)..<Int(b)], as: UTF8.self) }
    let comments = lexed.comments.map { r -> String in
      var s = Substring(text(r.lowerBound, r.upperBound))
      while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
      return String(s)
    }
    // A line end is a token of its own whatever it is written with (the last one may be the end of the file).
    return (lexed.tokens.map { $0.kind == .newline ? "newline" : "\($0.kind):" + text($0.start, $0.end) }, comments)
  }
}

/// A result handed from a thread to the one that waits for it (the semaphore orders the write before the read).
final class ResultBox<T>: @unchecked Sendable {
  var value: T?
}
