import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel

/// Recursive-descent parser with statement-level error recovery.
///
/// Every statement is one line (continued inside ( ) and [ ], after an operator, or by a line
/// starting with `and`/`or`). On an error the parser reports once, skips to the end of the
/// statement (skipping nested blocks whole) and goes on, so one run reports many errors.
public struct Parser {
  /// Deepest expression nesting accepted (parentheses, operators, calls).
  public static let maxDepth = 100
  /// Deepest expression tree accepted (a chain of operators nests one level per operator).
  public static let maxTreeDepth = 500

  let file: SourceFile
  var tokens: [Token]
  var pos = 0
  /// Tokens already dropped from the front of `tokens` (streaming only).
  var consumed = 0
  var diags: [Diagnostic] = []
  var nextID: Int32
  var depth = 0
  /// Set once a statement has reported an error, so one mistake gives one message.
  var statementFailed = false
  /// Whether the last statement's line had words after it that were skipped (with an error).
  var tailSkipped = false
  /// The words that start a statement of the block being parsed (for the help of two statements on one line).
  var blockWords: KeywordList = []
  /// Openers (start offsets) of the blocks that dropped a statement (see `RuleFile.incompleteBlocks`).
  var incompleteBlocks: Set<Int32> = []

  /// Parses a file whose tokens arrive from a lexer running concurrently.
  public static func parse(_ file: SourceFile, stream: TokenStream, nextExprID: inout Int32) -> (RuleFile, [Diagnostic]) {
    parse(file, stream: stream, nextExprID: &nextExprID, tail: nil)
  }

  /// The same, with the second parser of the file's tail (`TailParse`) when the lexer runs one.
  static func parse(_ file: SourceFile, stream: TokenStream, nextExprID: inout Int32, tail: TailParse?) -> (RuleFile, [Diagnostic]) {
    var p = Parser(file: file, tokens: stream.next() ?? [], nextID: nextExprID)
    p.stream = stream
    p.tail = tail
    p.splitToken = stream.split
    p.refill()
    var decls = p.parseFile()
    decls += p.tailDecls
    nextExprID = p.nextID
    return (RuleFile(file: file.id, decls: decls, incompleteBlocks: p.incompleteBlocks), p.diags)
  }

  /// Parses one lexed file. `nextExprID` is advanced past the ids this file uses.
  public static func parse(
    _ file: SourceFile, _ lexed: LexedFile, nextExprID: inout Int32
  ) -> (RuleFile, [Diagnostic]) {
    var p = Parser(file: file, tokens: lexed.tokens, nextID: nextExprID)
    let decls = p.parseFile()
    nextExprID = p.nextID
    return (RuleFile(file: file.id, decls: decls, incompleteBlocks: p.incompleteBlocks), p.diags)
  }

  /// Parses a single expression (for tests and tools). Trailing tokens are an error.
  public static func parseExpression(
    _ file: SourceFile, _ lexed: LexedFile, nextExprID: inout Int32
  ) -> (Expr, [Diagnostic]) {
    var p = Parser(file: file, tokens: lexed.tokens, nextID: nextExprID)
    p.skipNewlines()
    let e = p.parseExpr()
    p.skipNewlines()
    if !p.at(.eof) { p.error(.expectedToken, "expected end of expression, found \(p.describe(p.cur))", p.cur) }
    nextExprID = p.nextID
    return (e, p.diags)
  }

  // MARK: - Token access

  /// Source of further tokens while a large file is still being lexed on another thread.
  var stream: TokenStream?
  /// The second parser of the file's tail, the index of its first token (-1: not known yet) and, once joined, its
  /// declarations (`TailParse`).
  var tail: TailParse?
  var splitToken = -1
  var tailDecls: [Decl] = []

  var cur: Token { tokens[pos] }
  func peek(_ n: Int = 1) -> Token { tokens[min(pos + n, tokens.count - 1)] }
  func at(_ k: TokenKind) -> Bool { tokens[pos].kind == k }
  func atWord(_ k: Keyword) -> Bool { tokens[pos].is(k) }
  mutating func advance() -> Token {
    let t = tokens[pos]
    if pos < tokens.count - 1 { pos += 1 }
    if pos >= refillAt { refill() }
    return t
  }

  /// `refill` is due once `pos` reaches this: 8 tokens before the end while the lexer is still producing them,
  /// never once it has finished (one comparison per token read).
  var refillAt = Int.max

  /// Keeps at least 8 tokens of lookahead while the lexer is still producing them.
  mutating func refill() {
    defer { refillAt = stream == nil ? .max : tokens.count - 8 }
    while pos + 8 >= tokens.count, let s = stream {
      guard let chunk = s.next() else {
        stream = nil
        return
      }
      if splitToken < 0 { splitToken = s.split }
      // Drop what the parser has passed, so memory stays bounded by the chunk size.
      if pos > 64 {
        let keep = pos - 8
        tokens.removeFirst(keep)
        pos -= keep
        consumed += keep
      }
      tokens.append(contentsOf: chunk)
    }
  }
  mutating func eat(_ k: TokenKind) -> Token? { at(k) ? advance() : nil }
  mutating func eatWord(_ k: Keyword) -> Token? { atWord(k) ? advance() : nil }
  func span(_ t: Token) -> Span { Span(file: file.id, start: t.start, end: t.end) }
  func span(from s: Token) -> Span {
    let last = pos > 0 ? tokens[pos - 1] : s
    return Span(file: file.id, start: s.start, end: max(s.end, last.end))
  }
  func text(_ t: Token) -> String { file.text(span(t)) }
  func word(_ k: Keyword) -> String { k.spelling }

  func describe(_ t: Token) -> String {
    switch t.kind {
    case .identifier: "'\(text(t))'"
    case .number, .percent, .date: "'\(text(t))'"
    case .string: "a string"
    default: t.kind.display
    }
  }

  mutating func skipNewlines() {
    while at(.newline) { _ = advance() }
  }

  // MARK: - Diagnostics

  mutating func error(
    _ code: DiagnosticCode, _ message: String, _ t: Token, help: String? = nil, fix: FixIt? = nil,
    notes: [Note] = []
  ) {
    // The lexer already reported the bytes of an invalid token; one message per mistake.
    if t.kind == .invalid {
      statementFailed = true
      return
    }
    error(code, message, at: span(t), help: help, fix: fix, notes: notes)
  }

  mutating func error(
    _ code: DiagnosticCode, _ message: String, at s: Span, help: String? = nil, fix: FixIt? = nil,
    notes: [Note] = []
  ) {
    if statementFailed { return }
    statementFailed = true
    diags.append(Diagnostic(code, message, at: s, notes: notes, help: help, fix: fix))
  }

  /// Reports regardless of earlier errors in the statement (for independent literal problems).
  mutating func report(_ code: DiagnosticCode, _ message: String, at s: Span, help: String? = nil, fix: FixIt? = nil) {
    diags.append(Diagnostic(code, message, at: s, help: help, fix: fix))
  }

  /// Requires a token kind; reports "expected X" and returns nil otherwise.
  mutating func expect(_ k: TokenKind, _ what: @autoclosure () -> String) -> Token? {
    if let t = eat(k) { return t }
    error(.expectedToken, "expected \(what()), found \(describe(cur))", cur)
    return nil
  }

  /// Requires a word; reports "expected 'w' after ..." otherwise.
  @discardableResult
  mutating func expectWord(_ k: Keyword, after context: @autoclosure () -> String) -> Token? {
    if let t = eatWord(k) { return t }
    error(.expectedToken, "expected '\(k.spelling)' after \(context()), found \(describe(cur))", cur)
    return nil
  }

  /// Requires one of several words; returns which.
  mutating func expectOneOf(_ ks: [Keyword], after context: @autoclosure () -> String) -> Keyword? {
    for k in ks where atWord(k) {
      _ = advance()
      return k
    }
    let list = ks.map { "'\($0.spelling)'" }
    let joined = list.count <= 2 ? list.joined(separator: " or ") : list.dropLast().joined(separator: ", ") + " or " + list.last!
    var fix: FixIt?
    var help: String?
    if cur.kind == .identifier, let s = Suggest.closest(to: text(cur), in: ks.map(\.spelling)) {
      help = "did you mean '\(s)'?"
      fix = FixIt("replace '\(text(cur))' with '\(s)'", edits: [Edit(span(cur), s)])
    }
    error(.expectedToken, "expected \(joined) after \(context()), found \(describe(cur))", cur, help: help, fix: fix)
    return nil
  }

  // MARK: - Recovery

  /// Skips to the end of the current statement: past the next newline at this brace depth,
  /// or up to (not past) the `}` that closes the enclosing block. Nested blocks are skipped whole.
  mutating func skipStatement() {
    var braces = 0
    while !at(.eof) {
      switch cur.kind {
      case .lbrace:
        braces += 1
      case .rbrace:
        if braces == 0 { return }
        braces -= 1
        if braces == 0 {
          _ = advance()
          if at(.newline) { _ = advance() }
          return
        }
      case .newline:
        if braces == 0 {
          _ = advance()
          return
        }
      default: break
      }
      _ = advance()
    }
  }

  /// Ends a statement: a newline, or the `}` / end of file that follows. Anything else is an error.
  mutating func endStatement() {
    if eat(.newline) != nil || at(.rbrace) || at(.eof) {
      return
    }
    if !statementFailed {
      // Two statements written on one line: the second one's word says so.
      let next = cur.kind == .identifier ? cur.symbol.keyword.flatMap { blockWords.contains($0) ? $0 : nil } : nil
      error(
        .expectedToken, "expected end of line, found \(describe(cur))", cur,
        help: next.map { "each statement goes on a line of its own: start a new line before '\($0.spelling)'" })
    }
    skipStatement()
  }

  /// Runs one statement parser with error isolation.
  mutating func statement<T>(_ body: (inout Parser) -> T?) -> T? {
    statementFailed = false
    tailSkipped = false
    let start = pos
    let result = body(&self)
    if statementFailed {
      skipStatement()
      statementFailed = false
      return result
    }
    endStatement()
    // The statement was read, but the rest of its line was not: its block is incomplete.
    tailSkipped = statementFailed
    statementFailed = false
    if pos == start { _ = advance() }  // progress guarantee
    return result
  }

  /// Parses `{ statements }`. `words` are the statements the block knows (for "did you mean").
  /// Returns the items and the span up to the closing brace.
  mutating func block<T>(
    _ blockName: String, words: KeywordList, opener: Token, _ item: (inout Parser) -> T?
  ) -> [T] {
    var items: [T] = []
    let outerWords = blockWords
    blockWords = words
    defer { blockWords = outerWords }
    guard let open = eat(.lbrace) else {
      error(.expectedToken, "expected '{' to start the \(blockName), found \(describe(cur))", cur)
      return items
    }
    skipNewlines()
    while true {
      if eat(.rbrace) != nil { return items }
      if at(.eof) {
        report(
          .unclosedBlock, "this '{' of the \(blockName) is never closed", at: span(open),
          help: "add '}' after the last statement of the \(blockName)")
        return items
      }
      let t = cur
      if t.kind == .identifier, let k = t.symbol.keyword, words.contains(k) {
        if let it = statement(item) { items.append(it) } else { incompleteBlocks.insert(span(opener).start) }
        if tailSkipped { incompleteBlocks.insert(span(opener).start) }
      } else if words.isEmpty, t.kind != .rbrace, t.kind != .identifier {
        if let it = statement(item) { items.append(it) } else { incompleteBlocks.insert(span(opener).start) }
        if tailSkipped { incompleteBlocks.insert(span(opener).start) }
      } else {
        incompleteBlocks.insert(span(opener).start)
        statementFailed = false
        unknownStatement(t, in: blockName, words: words)
        skipStatement()
        statementFailed = false
      }
      skipNewlines()
    }
  }

  mutating func unknownStatement(_ t: Token, in blockName: String, words: KeywordList) {
    let article = "aeiou".contains(blockName.first ?? "x") ? "an" : "a"
    if words == Self.postingWords, t.kind == .identifier { return unknownPostingEvent(t) }
    if t.kind == .identifier {
      let w = text(t)
      if let help = ledgerStatementHelp(t, next: peek()) {
        error(.unknownStatement, "'\(w) \(text(peek()))' cannot be stated in \(article) \(blockName)", t, help: help)
      } else if let s = Suggest.closest(to: w, in: words.map(\.spelling)) {
        error(
          .unknownStatement, "unknown statement '\(w)' in \(article) \(blockName)", t, help: "did you mean '\(s)'?",
          fix: FixIt("replace '\(w)' with '\(s)'", edits: [Edit(span(t), s)]))
      } else {
        let list = words.map(\.spelling).joined(separator: ", ")
        error(.unknownStatement, "unknown statement '\(w)' in \(article) \(blockName)", t, help: "\(article) \(blockName) has: \(list)")
      }
    } else if t.kind == .rbrace {
      error(.strayClosingBrace, "this '}' closes no block", t)
    } else {
      error(.expectedToken, "expected a statement in \(article) \(blockName), found \(describe(t))", t)
    }
  }

  // MARK: - File

  static let topWords: KeywordList = [
    .include, .currency, .rounding, .month, .first, .zero, .invoice, .number, .fees, .account, .let, .define, .field, .calendar, .metric,
    .plan, .cadence, .match, .statement, .processor, .role, .approval, .dimension, .posting,
  ]

  mutating func parseFile() -> [Decl] {
    var decls: [Decl] = []
    // About one declaration per 500 bytes in large files: reserved, the array is not copied as it grows.
    decls.reserveCapacity(file.bytes.count / 512)
    skipNewlines()
    while !at(.eof) {
      if tail != nil, joinTail() { break }
      let t = cur
      if t.kind == .identifier, let k = t.symbol.keyword, Self.topWords.contains(k) {
        if let d = statement({ $0.parseDecl(k) }) { decls.append(d) }
      } else if t.kind == .rbrace {
        statementFailed = false
        error(.strayClosingBrace, "this '}' closes no block", t, fix: FixIt("remove '}'", edits: [Edit(span(t), "")]))
        _ = advance()
      } else {
        statementFailed = false
        if t.kind == .identifier {
          let w = text(t)
          let s = Suggest.closest(to: w, in: Self.topWords.map(\.spelling))
          error(
            .unknownDeclaration, "'\(w)' does not start a declaration", t,
            help: s.map { "did you mean '\($0)'?" }
              ?? "a rule file declares: \(Self.topWords.map(\.spelling).joined(separator: ", "))",
            fix: s.map { FixIt("replace '\(w)' with '\($0)'", edits: [Edit(span(t), $0)]) })
        } else {
          error(.expectedToken, "expected a declaration, found \(describe(t))", t)
        }
        skipStatement()
      }
      statementFailed = false
      skipNewlines()
    }
    return decls
  }

  mutating func parseDecl(_ k: Keyword) -> Decl? {
    let start = cur
    switch k {
    case .include:
      _ = advance()
      guard let p = parseStringLit("a quoted path after 'include'") else { return nil }
      return .include(IncludeDecl(path: p, span: span(from: start)))
    case .currency, .rounding, .month, .first, .zero:
      guard let s = parseSetting() else { return nil }
      return .setting(s)
    case .invoice:
      return parseInvoiceGrouping().map { .setting($0) }  // Parser+Grouping
    case .number:
      return parseNumbering().map { .numbering($0) }
    case .fees:
      return parseFeeBilling().map { .feeBilling($0) }
    case .account:
      return parseCreditUse().map { .creditUse($0) }
    case .let:
      return parseLet().map { .let($0) }
    case .define:
      return parseDefine().map { .define($0) }
    case .field:
      return parseField().map { .field($0) }
    case .calendar:
      return parseCalendar().map { .calendar($0) }
    case .metric:
      return parseMetric().map { .metric($0) }
    case .plan:
      return parsePlan().map { .plan($0) }
    case .cadence:
      return parseCadence().map { .cadence($0) }
    case .match:
      return parseMatch().map { .match($0) }
    case .statement:
      return parseStatementFormat().map { .statementFormat($0) }
    case .processor:
      return parseProcessor().map { .processor($0) }
    case .role:
      return parseRole().map { .role($0) }
    case .approval:
      return parseApproval().map { .approval($0) }
    case .dimension:
      return parseDimension().map { .dimension($0) }
    case .posting:
      return parsePosting().map { .posting($0) }
    default:
      return nil
    }
  }
}
