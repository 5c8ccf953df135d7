import AccrueCore
import AccrueDiagnostics

/// Token kinds. Values (numbers, dates, strings) are re-read from the source by the parser.
public enum TokenKind: UInt8, Sendable {
  case eof, newline, identifier, number, percent, date, string, pattern
  case lbrace, rbrace, lparen, rparen, lbracket, rbracket, comma, colon, dot
  case plus, minus, star, slash, equal, notEqual, less, lessEqual, greater, greaterEqual
  /// Bytes that form no token (already diagnosed).
  case invalid

  /// How the token is named in "expected X, found Y" messages.
  public var display: String {
    switch self {
    case .eof: "end of file"
    case .newline: "end of line"
    case .identifier: "a word"
    case .number: "a number"
    case .percent: "a percent"
    case .date: "a date"
    case .string: "a string"
    case .pattern: "a pattern"
    case .lbrace: "'{'"
    case .rbrace: "'}'"
    case .lparen: "'('"
    case .rparen: "')'"
    case .lbracket: "'['"
    case .rbracket: "']'"
    case .comma: "','"
    case .colon: "':'"
    case .dot: "'.'"
    case .plus: "'+'"
    case .minus: "'-'"
    case .star: "'*'"
    case .slash: "'/'"
    case .equal: "'='"
    case .notEqual: "'!='"
    case .less: "'<'"
    case .lessEqual: "'<='"
    case .greater: "'>'"
    case .greaterEqual: "'>='"
    case .invalid: "an invalid character"
    }
  }
}

/// One token: kind, byte range, and for identifiers the interned symbol.
public struct Token: Sendable, Hashable {
  /// The kind.
  public var kind: TokenKind
  /// First byte.
  public var start: Int32
  /// One past the last byte.
  public var end: Int32
  /// The symbol (identifiers only; -1 otherwise).
  public var symbol: Symbol
  /// Whether the token is the word `k`.
  @inline(__always) public func `is`(_ k: Keyword) -> Bool { kind == .identifier && symbol.is(k) }
}

/// The lexer's result for one file.
public struct LexedFile: Sendable {
  /// Tokens, ending with `.eof`. Newlines inside ( ) and [ ] are dropped; runs of newlines collapse.
  public var tokens: [Token]
  /// Comment ranges (`#` to end of line), for the formatter.
  public var comments: [Range<Int32>]
  /// Lexical diagnostics.
  public var diagnostics: [Diagnostic]
}

/// Turns a file's bytes into tokens. Never fails: bad bytes become diagnostics and `.invalid` tokens.
public enum Lexer {
  /// Most diagnostics reported for one file; a binary file should not flood the output.
  public static let maxDiagnostics = 100

  /// Lexes one file.
  public static func lex(_ file: SourceFile, interner: inout Interner) -> LexedFile {
    file.bytes.withUnsafeBufferPointer { buf in
      var state = LexState(buf: buf, file: file.id, interner: interner)
      state.run()
      interner = state.interner
      return LexedFile(tokens: state.tokens, comments: state.comments, diagnostics: state.diags + bidiWarnings(buf, file: file.id))
    }
  }
}

extension String {
  fileprivate func replacingCommas() -> String { String(map { $0 == "," ? "_" : $0 }) }
}

struct LexState {
  let buf: UnsafeBufferPointer<UInt8>
  let file: FileID
  var interner: Interner
  var i = 0
  var tokens: [Token] = []
  var comments: [Range<Int32>] = []
  var diags: [Diagnostic] = []
  var nesting = 0  // depth of ( and [
  /// When streaming, full chunks are handed over here as they fill.
  var stream: TokenStream?
  var chunkSize = 16_384
  var lastUTF8ErrorLine = -1
  /// Depth of { } (streaming only: a line that starts at depth 0 starts a top-level declaration).
  var braces = 0
  /// Streaming: past this byte, the next line that starts a top-level declaration is where a second parser may
  /// start (`TokenStream.split`); its index among all tokens, and the token chunks from there on.
  var splitAfter = Int.max
  var splitToken = -1
  /// Before the split: at least as many as the expressions a parse of those tokens makes, unless a name is a
  /// keyword (`exprBound`); the second parser numbers its expressions from there.
  var exprBound = 0
  var pushed = 0
  var kept: [[Token]] = []
  var keptOffset = 0

  init(buf: UnsafeBufferPointer<UInt8>, file: FileID, interner: Interner) {
    self.buf = buf
    self.file = file
    self.interner = interner
    tokens.reserveCapacity(buf.count / 4 + 16)
  }

  mutating func diag(_ code: DiagnosticCode, _ msg: String, _ s: Int, _ e: Int, help: String? = nil, fix: FixIt? = nil) {
    guard diags.count < Lexer.maxDiagnostics else { return }
    diags.append(Diagnostic(code, msg, at: span(s, e), help: help, fix: fix))
  }

  func span(_ s: Int, _ e: Int) -> Span { Span(file: file, start: Int32(s), end: Int32(e)) }

  mutating func emit(_ k: TokenKind, _ s: Int, _ e: Int, _ sym: Symbol = .missing) {
    tokens.append(Token(kind: k, start: Int32(s), end: Int32(e), symbol: sym))
    if splitAfter != .max, splitToken < 0 { exprBound += Self.exprBound(k, sym) }
  }

  /// How many expressions a token can add to a parse: literals, operators, `(` (a call), `[` (a list), a name
  /// that is no keyword, and the reserved words (`true`, `not`, `and`, `if`, ...) one each; a `.` two (a field
  /// and the name before it, which may be a keyword such as `customer`). Statement words, labels' strings
  /// aside, make none.
  static func exprBound(_ k: TokenKind, _ sym: Symbol) -> Int {
    switch k {
    case .identifier: sym.keyword.map { $0.isReserved ? 1 : 0 } ?? 1
    case .dot: 2
    case .number, .percent, .date, .string, .lparen, .lbracket, .plus, .minus, .star, .slash, .equal, .notEqual, .less, .lessEqual,
      .greater, .greaterEqual:
      1
    default: 0
    }
  }

  mutating func run() {
    // A UTF-8 byte order mark at the start is allowed and skipped.
    if buf.count >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF { i = 3 }
    while i < buf.count {
      let c = buf[i]
      switch c {
      case 0x20, 0x09, 0x0D, 0x0C:
        i += 1
        while i < buf.count, buf[i] == 0x20 { i += 1 }  // indentation: a run of spaces at once
      case 0x0A:
        if nesting == 0, let last = tokens.last, last.kind != .newline {
          emit(.newline, i, i + 1)
          if i >= splitAfter, braces == 0, splitToken < 0, let s = stream {
            // The next token starts a line at the top level: the second parser's first.
            splitToken = pushed + tokens.count
            keptOffset = tokens.count
            s.markSplit(splitToken)
          }
          // Hand over a full chunk at a line end. An empty buffer then behaves exactly like one
          // ending in a newline (blank lines still collapse; patterns only follow words on their line).
          if let s = stream, tokens.count >= chunkSize {
            if splitToken >= 0 { kept.append(tokens) }
            s.push(tokens)
            pushed += tokens.count
            tokens = []
            tokens.reserveCapacity(chunkSize + 64)
          }
        }
        i += 1
      case UInt8(ascii: "#"):
        let s = i
        while i < buf.count, buf[i] != 0x0A {
          if buf[i] >= 0x80 { validateUTF8() } else { i += 1 }
        }
        comments.append(Int32(s)..<Int32(i))
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
        // The word's hash is made as it is read (one pass over its bytes, not two).
        let s = i
        var h = Interner.hash(Interner.emptyHash, c)
        i += 1
        while i < buf.count, isIdentContinue(buf[i]) {
          h = Interner.hash(h, buf[i])
          i += 1
        }
        emit(.identifier, s, i, interner.intern(buf, s, i, hash: h))
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        lexNumber()
      case UInt8(ascii: "\""):
        lexString()
      case UInt8(ascii: "/"):
        if let last = tokens.last, last.is(.pattern) || last.is(.matches) {
          lexPattern()
        } else {
          emit(.slash, i, i + 1)
          i += 1
        }
      case UInt8(ascii: "{"):
        braces += 1
        single(.lbrace)
      case UInt8(ascii: "}"):
        braces = max(0, braces - 1)
        single(.rbrace)
      case UInt8(ascii: "("):
        nesting += 1
        single(.lparen)
      case UInt8(ascii: ")"):
        nesting = max(0, nesting - 1)
        single(.rparen)
      case UInt8(ascii: "["):
        nesting += 1
        single(.lbracket)
      case UInt8(ascii: "]"):
        nesting = max(0, nesting - 1)
        single(.rbracket)
      case UInt8(ascii: ","): single(.comma)
      case UInt8(ascii: ":"): single(.colon)
      case UInt8(ascii: "."):
        if i + 1 < buf.count, isDigit(buf[i + 1]) {
          let s = i
          i += 1
          while i < buf.count, isDigit(buf[i]) || buf[i] == UInt8(ascii: "_") { i += 1 }
          let digits = String(decoding: UnsafeBufferPointer(rebasing: buf[s + 1..<i]), as: UTF8.self)
          diag(
            .invalidNumber, "a number cannot start with '.'", s, i, help: "write '0.\(digits)'",
            fix: FixIt("insert '0'", edits: [Edit(span(s, s), "0")]))
          emit(.number, s, i)
        } else {
          single(.dot)
        }
      case UInt8(ascii: "+"): single(.plus)
      case UInt8(ascii: "-"): single(.minus)
      case UInt8(ascii: "*"): single(.star)
      case UInt8(ascii: "="):
        if i + 1 < buf.count, buf[i + 1] == UInt8(ascii: "=") {
          emit(.equal, i, i + 2)
          i += 2
        } else {
          single(.equal)
        }
      case UInt8(ascii: "!"):
        if i + 1 < buf.count, buf[i + 1] == UInt8(ascii: "=") {
          emit(.notEqual, i, i + 2)
          i += 2
        } else {
          diag(.invalidCharacter, "unexpected character '!'", i, i + 1, help: "write 'not' to negate a condition")
          emit(.invalid, i, i + 1)
          i += 1
        }
      case UInt8(ascii: "<"):
        if i + 1 < buf.count, buf[i + 1] == UInt8(ascii: "=") {
          emit(.lessEqual, i, i + 2)
          i += 2
        } else if i + 1 < buf.count, buf[i + 1] == UInt8(ascii: ">") {
          diag(
            .invalidCharacter, "'<>' is not an operator", i, i + 2, help: "write '!=' for 'is not equal to'",
            fix: FixIt("replace '<>' with '!='", edits: [Edit(span(i, i + 2), "!=")]))
          emit(.notEqual, i, i + 2)
          i += 2
        } else {
          single(.less)
        }
      case UInt8(ascii: ">"):
        if i + 1 < buf.count, buf[i + 1] == UInt8(ascii: "=") {
          emit(.greaterEqual, i, i + 2)
          i += 2
        } else {
          single(.greater)
        }
      default:
        lexInvalid()
      }
    }
    if tokens.last?.kind != .newline, !tokens.isEmpty { emit(.newline, buf.count, buf.count) }
    emit(.eof, buf.count, buf.count)
  }

  mutating func single(_ k: TokenKind) {
    emit(k, i, i + 1)
    i += 1
  }

  @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
  @inline(__always) func isIdentContinue(_ c: UInt8) -> Bool {
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
  }

  /// Digits with single underscores; a decimal part; `%` makes a percent; `YYYY-MM-DD` makes a date.
  mutating func lexNumber() {
    let s = i
    // Date: exactly 4 digits, '-', 2 digits, '-', 2 digits, not followed by a digit.
    if i + 10 <= buf.count, isDigit(buf[i + 1]), isDigit(buf[i + 2]), isDigit(buf[i + 3]),
      buf[i + 4] == UInt8(ascii: "-"), isDigit(buf[i + 5]), isDigit(buf[i + 6]),
      buf[i + 7] == UInt8(ascii: "-"), isDigit(buf[i + 8]), isDigit(buf[i + 9]),
      i + 10 == buf.count || !isIdentContinue(buf[i + 10])
    {
      i += 10
      if CivilDate.parse(bytes: UnsafeBufferPointer(rebasing: buf[s..<i])) == nil {
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[s..<i]), as: UTF8.self)
        diag(.invalidDate, "'\(text)' is not a date in the calendar", s, i, help: dateHelp(text))
      }
      emit(.date, s, i)
      return
    }
    var bad = false
    var fractionDigits = 0
    scanDigits(&bad)
    // "10,000": commas grouping digits. Outside ( ) and [ ] a comma never follows a number, so this
    // can only be meant as a thousands separator; say how to write it.
    if nesting == 0, !bad, i - s <= 3, isGroupedComma(at: i) {
      while isGroupedComma(at: i) { i += 4 }
      let written = text(s, i)
      let fixed = written.replacingCommas()
      diag(
        .invalidNumber, "'\(written)' groups digits with commas", s, i, help: "write '\(fixed)'",
        fix: FixIt("use underscores", edits: [Edit(span(s, i), fixed)]))
    }
    if i + 1 < buf.count, buf[i] == UInt8(ascii: "."), isDigit(buf[i + 1]) {
      i += 1
      let fs = i
      scanDigits(&bad)
      fractionDigits = i - fs
    } else if i < buf.count, buf[i] == UInt8(ascii: "."), i + 1 >= buf.count || !isIdentStart(buf[i + 1]) {
      // "12." — a trailing point with no digits.
      i += 1
      diag(
        .invalidNumber, "a decimal point must be followed by digits", s, i, help: "write '\(text(s, i - 1))' or '\(text(s, i))0'")
      emit(.number, s, i)
      return
    }
    if bad {
      diag(
        .invalidNumber, "'\(text(s, i))' is not a well-formed number", s, i,
        help: "group digits with single underscores between digits, as in 10_000")
    } else if fractionDigits > 18 {
      diag(.invalidNumber, "'\(text(s, i))' has more than 18 decimals", s, i)
    }
    if i < buf.count, buf[i] == UInt8(ascii: "%") {
      i += 1
      emit(.percent, s, i)
    } else {
      emit(.number, s, i)
    }
  }

  func isGroupedComma(at p: Int) -> Bool {
    p + 3 < buf.count && buf[p] == UInt8(ascii: ",") && isDigit(buf[p + 1]) && isDigit(buf[p + 2]) && isDigit(buf[p + 3])
      && (p + 4 == buf.count || !isDigit(buf[p + 4]))
  }

  func isIdentStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }

  mutating func scanDigits(_ bad: inout Bool) {
    var lastUnderscore = false
    let s = i
    while i < buf.count {
      let c = buf[i]
      if isDigit(c) {
        lastUnderscore = false
      } else if c == UInt8(ascii: "_") {
        if lastUnderscore || i == s { bad = true }
        lastUnderscore = true
      } else {
        break
      }
      i += 1
    }
    if lastUnderscore { bad = true }
  }

  func text(_ s: Int, _ e: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: buf[s..<e]), as: UTF8.self)
  }

  func dateHelp(_ text: String) -> String {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3 else { return "write dates as YYYY-MM-DD" }
    let (y, m, d) = (parts[0], parts[1], parts[2])
    if y < 1 { return "years run from 0001 to 9999" }
    if m < 1 || m > 12 { return "months run from 01 to 12" }
    let dim = CivilDate.daysInMonth(year: y, month: m)
    if d < 1 || d > dim {
      return "\(pad(y, 4))-\(pad(m, 2)) has \(dim) days"
    }
    return "write dates as YYYY-MM-DD"
  }

  func pad(_ v: Int, _ width: Int) -> String {
    let t = String(v)
    return String(repeating: "0", count: max(0, width - t.count)) + t
  }

  mutating func lexString() {
    let s = i
    i += 1
    while i < buf.count {
      let c = buf[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        emit(.string, s, i)
        return
      }
      if c == 0x0A || c == 0x0D { break }
      if c == UInt8(ascii: "\\") {
        if i + 1 < buf.count {
          switch buf[i + 1] {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "t"):
            i += 2
            continue
          case 0x0A, 0x0D:
            i += 1
            continue
          default:
            let e = buf[i + 1] >= 0x80 ? i + 1 : i + 2
            diag(
              .invalidEscape, "unknown escape '\(text(i, e))' in a string", i, e,
              help: "escapes are \\\" \\\\ \\n \\t; write \\\\ for a backslash")
            i = e
            continue
          }
        }
        i += 1
        continue
      }
      if c >= 0x80 { validateUTF8() } else { i += 1 }
    }
    diag(
      .unterminatedString, "this string is not closed", s, i, help: "add '\"' before the end of the line",
      fix: FixIt("close the string", edits: [Edit(span(i, i), "\"")]))
    emit(.string, s, i)
  }

  mutating func lexPattern() {
    let s = i
    i += 1
    while i < buf.count {
      let c = buf[i]
      if c == UInt8(ascii: "/") {
        i += 1
        emit(.pattern, s, i)
        return
      }
      if c == 0x0A || c == 0x0D { break }
      if c == UInt8(ascii: "\\"), i + 1 < buf.count, buf[i + 1] != 0x0A {
        i += buf[i + 1] >= 0x80 ? 1 : 2
        continue
      }
      if c >= 0x80 { validateUTF8() } else { i += 1 }
    }
    diag(.unterminatedPattern, "this pattern is not closed", s, i, help: "end the pattern with '/' on the same line")
    emit(.pattern, s, i)
  }

  /// Bytes outside tokens: invalid UTF-8, or characters that start nothing.
  mutating func lexInvalid() {
    let s = i
    if buf[i] >= 0x80 {
      let n = utf8Length(at: i)
      if n == 0 {
        // Skip the whole run of invalid bytes, one diagnostic.
        while i < buf.count, buf[i] >= 0x80, utf8Length(at: i) == 0 { i += 1 }
        diag(.invalidUTF8, "this file is not valid UTF-8 here", s, i, help: "save the file as UTF-8")
        emit(.invalid, s, i)
        return
      }
      i += n
    } else {
      i += 1
    }
    let ch = text(s, i)
    var help: String?
    switch ch {
    case ";": help = "statements end at the end of the line; remove ';'"
    case "&": help = "write 'and'"
    case "|": help = "write 'or'"
    case "$", "€", "£", "¥": help = "write the ISO currency code after the amount, as in 12.00 USD"
    case "%": help = "a percent sign must follow a number directly, as in 2.5%"
    case "'": help = "strings use double quotes"
    case "\u{201C}", "\u{201D}": help = "use straight double quotes \" for strings"
    default: help = nil
    }
    let shown = buf[s] < 0x20 || buf[s] == 0x7F ? "\\u{\(String(buf[s], radix: 16, uppercase: true))}" : ch
    diag(.invalidCharacter, "unexpected character '\(shown)'", s, i, help: help)
    emit(.invalid, s, i)
  }

  /// Length of a valid UTF-8 sequence at `p`, or 0 if invalid.
  func utf8Length(at p: Int) -> Int {
    let c = buf[p]
    var n = 0
    var minValue: UInt32 = 0
    var v: UInt32 = 0
    switch c {
    case 0xC2...0xDF:
      n = 2
      minValue = 0x80
      v = UInt32(c & 0x1F)
    case 0xE0...0xEF:
      n = 3
      minValue = 0x800
      v = UInt32(c & 0x0F)
    case 0xF0...0xF4:
      n = 4
      minValue = 0x10000
      v = UInt32(c & 0x07)
    default: return 0
    }
    guard p + n <= buf.count else { return 0 }
    for k in 1..<n {
      let b = buf[p + k]
      guard b & 0xC0 == 0x80 else { return 0 }
      v = (v << 6) | UInt32(b & 0x3F)
    }
    if v < minValue || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return 0 }
    return n
  }

  /// Inside strings, comments and patterns: skip one UTF-8 sequence, diagnosing invalid bytes (once per line).
  mutating func validateUTF8() {
    let n = utf8Length(at: i)
    if n > 0 {
      i += n
      return
    }
    let s = i
    while i < buf.count, buf[i] >= 0x80, utf8Length(at: i) == 0 { i += 1 }
    let line = lineNumberApprox(s)
    if line != lastUTF8ErrorLine {
      lastUTF8ErrorLine = line
      diag(.invalidUTF8, "this file is not valid UTF-8 here", s, i, help: "save the file as UTF-8")
    }
  }

  /// Cheap line identity for de-duplicating UTF-8 errors: offset of the line start.
  func lineNumberApprox(_ p: Int) -> Int {
    var k = p
    while k > 0, buf[k - 1] != 0x0A { k -= 1 }
    return k
  }
}
