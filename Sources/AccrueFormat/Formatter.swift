import AccrueDiagnostics
import AccrueLexer
import AccrueParser

/// The canonical layout of a rule file.
///
/// Line breaks are the author's (a statement is a line; a long condition continues on lines that start with
/// `and`/`or`; lists may break inside brackets), but everything else is decided here:
/// - indentation: two spaces per open `{`; a line that starts with `}` closes its block; continuation lines
///   (inside ( or [, or starting with `and`/`or`) get two more spaces;
/// - spacing: one space between tokens, none after `(` `[` `.` and a unary minus, none before `)` `]` `,` `.`
///   `:`, none between a function's name and its `(`, none in a day count (`actual/365`, `30/360`);
/// - blank lines: at most one in a row, none at the start or end of a block or file;
/// - comments stay where they are, trailing whitespace goes, and trailing comments of consecutive lines are
///   aligned two spaces after the longest line of the run.
/// Only whitespace changes, so the tokens, and with them the meaning, stay the same; formatting formatted text
/// changes nothing.
public enum Formatter {
  /// The formatted text, or the diagnostics that keep the file from being formatted (it must parse).
  public static func format(_ bytes: [UInt8], path: String) -> Result<String, FormatError> {
    var map = SourceMap()
    let file = map.add(path: path, bytes: bytes)
    var interner = Interner()
    let lexed = Lexer.lex(file, interner: &interner)
    var next: Int32 = 0
    let (ast, parseDiags) = Parser.parse(file, lexed, nextExprID: &next)
    let errors = (lexed.diagnostics + parseDiags).filter { $0.severity == .error }
    if !errors.isEmpty { return .failure(FormatError(diagnostics: errors, sources: map)) }
    let facts = SyntaxFacts(ast, tokens: lexed.tokens)
    return .success(Layout(bytes: bytes, tokens: lexed.tokens, comments: lexed.comments, facts: facts).render())
  }

  /// Builtin functions: written `max(a, b)`, although some are also words of the language.
  static let functions: Set<String> = [
    "min", "max", "abs", "round", "days_between", "end_of_month", "start_of_month", "year", "month", "day", "contains",
    "starts_with", "lower", "upper",
  ]
}

/// A file that does not parse: its errors, with the sources to render them.
public struct FormatError: Error, Sendable {
  public var diagnostics: [Diagnostic]
  public var sources: SourceMap
}

/// One output line under construction: its indentation, code and trailing comment.
struct OutLine {
  var indent: Int
  var code: String
  var comment: String?
  /// A blank line.
  var blank: Bool { code.isEmpty && comment == nil }
}

struct Layout {
  let bytes: [UInt8]
  let tokens: [Token]
  let comments: [Range<Int32>]
  /// Calls and signs as the parser read them.
  var facts: SyntaxFacts? = nil

  func text(_ s: Int32, _ e: Int32) -> String { String(decoding: bytes[Int(s)..<Int(e)], as: UTF8.self) }
  func text(_ t: Token) -> String { text(t.start, t.end) }

  /// Newlines in the source between two offsets.
  func newlines(_ from: Int32, _ to: Int32) -> Int {
    guard from < to else { return 0 }
    var n = 0
    for i in Int(from)..<Int(to) where bytes[i] == 10 { n += 1 }
    return n
  }

  /// Whether a space goes between two tokens on one line.
  func space(_ a: Token, _ b: Token, unaryMinus: Bool) -> Bool {
    switch b.kind {
    case .comma, .rparen, .rbracket, .dot, .colon: return false
    default: break
    }
    switch a.kind {
    case .lparen, .lbracket, .dot: return false
    case .minus where unaryMinus: return false
    default: break
    }
    if b.kind == .lparen, a.kind == .identifier {
      // A function's name, even one spelt like a word of the language (a define named 'half').
      if facts?.functions.contains(a.start) == true { return false }
      let name = text(a)
      if Formatter.functions.contains(name) || !Keyword.allCases.contains(where: { a.is($0) }) { return false }
    }
    if a.kind == .slash || b.kind == .slash {
      // Day counts: actual/365, actual/360, 30/360, actual/actual.
      let slash = a.kind == .slash ? a : b
      if let k = tokens.firstIndex(where: { $0.start == slash.start }), k > 0, k + 1 < tokens.count {
        let l = text(tokens[k - 1])
        let r = text(tokens[k + 1])
        if (l == "actual" || l == "30") && (r == "365" || r == "360" || r == "actual") { return false }
      }
    }
    return true
  }

  /// A minus is unary after an operator, an opening bracket, a comma, a colon, the start of a line or a word
  /// of the language (`discount -5%`); binary after a value.
  func isUnary(_ minus: Token, previous: Token?) -> Bool {
    // As the parser read it (after a string, `discount "l" -(…)`, a minus is unary; after a field named like a
    // word, `contract.quantity - 1`, binary); else judged from the token before.
    if let f = facts {
      if f.unaryMinus.contains(minus.start) { return true }
      if f.binaryMinus.contains(minus.start) { return false }
    }
    guard let p = previous else { return true }
    switch p.kind {
    case .number, .percent, .date, .string, .rparen, .rbracket: return false
    case .identifier:
      // After a unit (`30 days - 5 days`) a minus is binary; after other words of the language, unary.
      let units: Set<String> = ["day", "days", "week", "weeks", "month", "months", "year", "years", "unit", "units"]
      return Keyword.allCases.contains { p.is($0) } && !Formatter.functions.contains(text(p)) && !units.contains(text(p))
    default: return true
    }
  }

  func render() -> String {
    // Items in source order: tokens (without newline/eof) and comments.
    var items: [(start: Int32, end: Int32, token: Int?)] = []
    for (k, t) in tokens.enumerated() where t.kind != .newline && t.kind != .eof { items.append((t.start, t.end, k)) }
    for c in comments { items.append((c.lowerBound, c.upperBound, nil)) }
    items.sort { $0.start < $1.start }

    var lines: [OutLine] = []
    var depth = 0
    var brackets = 0
    var current: OutLine?
    var lastToken: Token?
    var lastEnd: Int32 = 0
    var pendingBlank = false
    /// Own-line comments waiting for the next code line's indentation.
    var waiting: [Int] = []
    func flush() {
      if let c = current { lines.append(c) }
      current = nil
    }
    for item in items {
      let breaks = lines.isEmpty && current == nil ? 0 : newlines(lastEnd, item.start)
      if breaks > 0 {
        flush()
        if breaks > 1 { pendingBlank = true }
      }
      guard let k = item.token else {
        // A comment: trailing (after code on its line) or on a line of its own.
        let text = self.text(item.start, item.end).trimmingTrailingSpaces()
        if current != nil {
          current?.comment = text
        } else {
          if pendingBlank, let last = lines.last, !last.code.hasSuffix("{") { lines.append(OutLine(indent: 0, code: "", comment: nil)) }
          pendingBlank = false
          // Indented like the code line that follows (set when it starts).
          current = OutLine(indent: (depth + brackets) * 2, code: "", comment: text)
          flush()
          waiting.append(lines.count - 1)
        }
        lastEnd = item.end
        continue
      }
      let t = tokens[k]
      if current == nil {
        // A new line: its indentation from the structure.
        if t.kind == .rbrace {
          pendingBlank = false  // no blank line before a closing brace
          while let last = lines.last, last.blank { lines.removeLast() }
        }
        if pendingBlank, let last = lines.last, !last.blank, !last.code.hasSuffix("{") {
          lines.append(OutLine(indent: 0, code: "", comment: nil))
        }
        pendingBlank = false
        var indent = depth - (t.kind == .rbrace ? 1 : 0) + brackets - (t.kind == .rparen || t.kind == .rbracket ? 1 : 0)
        if brackets == 0, t.is(.and) || t.is(.or) { indent += 1 }
        // Comments just above take this line's indentation (above a closing brace: the block's body).
        for w in waiting { lines[w].indent = (t.kind == .rbrace ? depth + brackets : max(0, indent)) * 2 }
        waiting = []
        current = OutLine(indent: max(0, indent) * 2, code: "", comment: nil)
        current?.code = text(t)
      } else {
        let unary = lastToken.map { $0.kind == .minus && isUnary($0, previous: previousToken(before: $0)) } ?? false
        if let a = lastToken, space(a, t, unaryMinus: unary) { current?.code += " " }
        current?.code += text(t)
      }
      switch t.kind {
      case .lbrace: depth += 1
      case .rbrace: depth = max(0, depth - 1)
      case .lparen, .lbracket: brackets += 1
      case .rparen, .rbracket: brackets = max(0, brackets - 1)
      default: break
      }
      lastToken = t
      lastEnd = item.end
    }
    flush()
    while let last = lines.last, last.blank { lines.removeLast() }
    return Layout.join(lines)
  }

  /// The token before `t` (newlines skipped), if any.
  func previousToken(before t: Token) -> Token? {
    guard let k = tokens.firstIndex(where: { $0.start == t.start }) else { return nil }
    var j = k - 1
    while j >= 0 {
      if tokens[j].kind != .newline { return tokens[j] }
      j -= 1
    }
    return nil
  }

  /// The lines as text; trailing comments of consecutive code lines aligned.
  static func join(_ lines: [OutLine]) -> String {
    var out = ""
    var k = 0
    while k < lines.count {
      // A run of consecutive lines that have code and a trailing comment.
      var end = k
      while end < lines.count, !lines[end].code.isEmpty, lines[end].comment != nil { end += 1 }
      if end > k {
        let width = lines[k..<end].map { $0.indent + $0.code.count }.max() ?? 0
        for l in lines[k..<end] {
          let used = l.indent + l.code.count
          out += String(repeating: " ", count: l.indent) + l.code + String(repeating: " ", count: width - used + 2) + (l.comment ?? "") + "\n"
        }
        k = end
        continue
      }
      let l = lines[k]
      if l.blank {
        out += "\n"
      } else if l.code.isEmpty {
        out += String(repeating: " ", count: l.indent) + (l.comment ?? "") + "\n"
      } else {
        out += String(repeating: " ", count: l.indent) + l.code + "\n"
      }
      k += 1
    }
    return out
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
    return String(s)
  }
}
