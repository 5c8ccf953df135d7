import AccrueModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a JSON unit stopped: its bytes continue past the buffer, or a syntax error (located).
enum JSONStop: Error {
  case needMore
  case syntax(line: Int, column: Int, at: Int, message: String)
}

/// Streams a JSON array of objects (one object in memory at a time) or JSON Lines.
///
/// Each unit (an array element, or a line) is parsed from its first byte; when it runs past the
/// buffered bytes the buffer is refilled and the unit parsed again, so no parser state has to survive a
/// refill except the position counters saved at the unit's start.
struct JSONReader: ~Copyable {
  var src: ByteSource
  var asm: RowAssembler
  let file: String
  let maxRecord: Int

  // Cursor over the buffer.
  private var p: UnsafeMutablePointer<UInt8>
  private var i = 0
  private var end = 0
  /// True when `end` is the true end of the unit's input (end of file, or end of the JSONL line).
  private var final = false
  private var line = 1
  private var lineStart = 0
  /// Continuation bytes (UTF-8) between `lineStart` and `i`, so columns count scalars.
  private var cont = 0

  private var keyScratch: [UInt8] = []
  /// The last string parsed, decoded.
  private var str: [UInt8] = []
  private var skipStack: [UInt8] = []
  private var reportedUnknown = Set<[UInt8]>()
  private var pendingUnknown: [[UInt8]] = []

  /// Deepest nesting accepted inside a skipped value.
  static let maxDepth = 512

  init(src: consuming ByteSource, asm: RowAssembler, file: String, maxRecord: Int) {
    self.src = src
    self.asm = asm
    self.file = file
    self.maxRecord = maxRecord
    self.p = self.src.buffer
    self.asm.jsonMode = true
  }

  private mutating func readFailed(_ emit: (DataIssue) -> Void) -> Bool {
    guard let e = src.readError else { return false }
    emit(DataIssue(code: "D0103", file: file, line: 0, column: 0, message: "cannot read the file: \(Errno(code: e).message)"))
    return true
  }

  private mutating func skipBOM() {
    if src.available >= 3 && src.buffer[0] == 0xEF && src.buffer[1] == 0xBB && src.buffer[2] == 0xBF {
      src.start = 3
    }
  }

  // MARK: JSON array

  private enum ArrayState {
    case open, firstOrEnd, element, afterElement, done
  }

  mutating func runArray(_ emit: (DataIssue) -> Void, _ body: (borrowing Row) -> Void) {
    src.refill()
    skipBOM()
    line = 1
    lineStart = src.start
    cont = 0
    var state = ArrayState.open
    func syntaxIssue(_ l: Int, _ c: Int, _ message: String, from: Int, at: Int) {
      // Read on to the end of the line, so the record text does not depend on the block size.
      var from = from
      var at = at
      while findNewline(from: at) == nil && !src.eof && src.available < maxRecord && from >= src.start {
        let shift = src.refill()
        from -= shift
        at -= shift
      }
      emit(
        DataIssue(
          code: "D0102", file: file, line: l, column: c, message: message,
          record: recordText(from: from, lineOf: at)))
    }
    while true {
      if readFailed(emit) { return }
      p = src.buffer
      i = src.start
      end = src.end
      final = src.eof
      // Whitespace between units is consumed as it is read (never retained).
      skipWhitespace()
      src.start = i
      if i >= end {
        if !src.eof {
          lineStart -= src.refill()
          continue
        }
        switch state {
        case .done: return
        case .open:
          syntaxIssue(line, here(i), "empty file: expected a JSON array of objects", from: i, at: i)
        default:
          syntaxIssue(line, here(i), "unexpected end of the file: the array is not closed with ']'", from: i, at: i)
        }
        return
      }
      let c = p[i]
      switch state {
      case .open:
        guard c == UInt8(ascii: "[") else {
          let hint = c == UInt8(ascii: "{") ? " (use a .jsonl file for one object per line)" : ""
          syntaxIssue(line, here(i), "expected '[': a .json file holds an array of objects" + hint, from: i, at: i)
          return
        }
        i += 1
        src.start = i
        state = .firstOrEnd
        continue
      case .afterElement:
        if c == UInt8(ascii: ",") {
          state = .element
        } else if c == UInt8(ascii: "]") {
          state = .done
        } else {
          syntaxIssue(line, here(i), "expected ',' or ']' after an array element", from: i, at: i)
          return
        }
        i += 1
        src.start = i
        continue
      case .done:
        syntaxIssue(line, here(i), "unexpected content after the closing ']'", from: i, at: i)
        return
      case .firstOrEnd, .element:
        if c == UInt8(ascii: "]") {
          if state == .element {
            syntaxIssue(line, here(i), "expected an object after ',' (no trailing comma)", from: i, at: i)
            return
          }
          i += 1
          src.start = i
          state = .done
          continue
        }
      }
      // One element, restartable from here.
      let saved = (i: i, line: line, lineStart: lineStart, cont: cont)
      do throws(JSONStop) {
        if c == UInt8(ascii: "{") {
          try parseRowObject()
          commit(from: saved.i, to: i, emit, body)
        } else {
          let col = here(i)
          try skipValue()
          emit(
            DataIssue(
              code: "D0102", file: file, line: saved.line, column: col,
              message: "array element is not an object",
              record: RecordText.make(UnsafeBufferPointer(start: p + saved.i, count: i - saved.i))))
        }
        src.start = i
        state = .afterElement
      } catch {
        switch error {
        case .needMore:
          line = saved.line
          lineStart = saved.lineStart
          cont = saved.cont
          if src.available >= maxRecord {
            syntaxIssue(
              line, saved.i - lineStart - cont + 1, "array element longer than \(maxRecord) bytes", from: saved.i,
              at: saved.i)
            return
          }
          lineStart -= src.refill()
        case .syntax(let l, let col, let at, let message):
          syntaxIssue(l, col, message, from: saved.i, at: at)
          return
        }
      }
    }
  }

  // MARK: JSON Lines

  mutating func runLines(_ emit: (DataIssue) -> Void, _ body: (borrowing Row) -> Void) {
    lineMode = true
    src.refill()
    skipBOM()
    var fileLine = 1
    var skipping = false
    while true {
      if readFailed(emit) { return }
      if src.start >= src.end {
        if src.eof { return }
        src.refill()
        continue
      }
      p = src.buffer
      let nl = findNewline(from: src.start)
      if skipping {
        if let nl {
          src.start = nl + 1
          fileLine += 1
          skipping = false
        } else {
          src.start = src.end
        }
        continue
      }
      if nl == nil && !src.eof {
        if src.available >= maxRecord {
          emit(
            DataIssue(
              code: "D0102", file: file, line: fileLine, column: 1, message: "line longer than \(maxRecord) bytes",
              record: recordText(from: src.start, lineOf: src.start)))
          src.start = src.end
          skipping = true
          continue
        }
        src.refill()
        continue
      }
      let lineEnd = nl ?? src.end
      i = src.start
      end = lineEnd
      final = true
      line = fileLine
      lineStart = src.start
      cont = 0
      skipWhitespace()
      if i < end {
        let objStart = i
        do throws(JSONStop) {
          guard p[i] == UInt8(ascii: "{") else {
            throw JSONStop.syntax(
              line: line, column: here(i), at: i, message: "expected an object: a .jsonl file holds one object per line")
          }
          try parseRowObject()
          skipWhitespace()
          if i < end {
            throw JSONStop.syntax(
              line: line, column: here(i), at: i, message: "unexpected content after the object (one object per line)")
          }
          commit(from: objStart, to: trimmedEnd(src.start, lineEnd), emit, body)
        } catch {
          if case .syntax(let l, let c, _, let message) = error {
            emit(
              DataIssue(
                code: "D0102", file: file, line: l, column: c, message: message,
                record: recordText(from: src.start, lineOf: src.start)))
          }
        }
      }
      src.start = nl.map { $0 + 1 } ?? lineEnd
      fileLine += 1
    }
  }

  // MARK: Rows

  /// Finishes the object parsed from `from` to `to`: reports its issues, delivers it if good.
  private mutating func commit(from: Int, to: Int, _ emit: (DataIssue) -> Void, _ body: (borrowing Row) -> Void) {
    asm.checkAbsentRequired()
    let good = asm.finishRow()
    let bytes = UnsafeBufferPointer(start: p + from, count: to - from)
    if !asm.pending.isEmpty {
      let text = RecordText.make(bytes)
      for var issue in asm.pending {
        issue.record = text
        emit(issue)
      }
      for name in pendingUnknown { reportedUnknown.insert(name) }
    }
    if good {
      asm.row.rawBytes.replaceSubrange(
        0..<asm.row.rawBytes.count, with: UnsafeBufferPointer(rebasing: bytes.prefix(RecordText.maxBytes)))
      body(asm.row)
    }
  }

  /// Parses the object at `p[i] == '{'` into the assembler's row.
  private mutating func parseRowObject() throws(JSONStop) {
    let col = here(i)
    asm.beginRow(line: line, column: col)
    pendingUnknown.removeAll(keepingCapacity: true)
    i += 1
    try skipWhitespaceNeeding()
    if p[i] == UInt8(ascii: "}") {
      i += 1
      return
    }
    while true {
      try needByte()
      guard p[i] == UInt8(ascii: "\"") else { throw syntax("expected a key in double quotes") }
      let keyLine = line
      let keyColumn = here(i)
      let index: Int?
      if let r = try parseString() {
        index = asm.lookup(UnsafeBufferPointer(start: p + r.lowerBound, count: r.count))
        if index == nil {
          keyScratch.removeAll(keepingCapacity: true)
          keyScratch.append(contentsOf: UnsafeBufferPointer(start: p + r.lowerBound, count: r.count))
        }
      } else {
        swap(&keyScratch, &str)
        index = keyScratch.withUnsafeBufferPointer { asm.lookup($0) }
      }
      try skipWhitespaceNeeding()
      guard p[i] == UInt8(ascii: ":") else { throw syntax("expected ':' after the key") }
      i += 1
      try skipWhitespaceNeeding()
      let valueLine = line
      let valueColumn = here(i)
      let c = p[i]
      var lexeme = Lexeme.text
      var isNull = false
      var nested = false
      var numberStart = 0
      var direct: Range<Int>?
      switch c {
      case UInt8(ascii: "\""):
        direct = try parseString()
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        numberStart = i
        try parseNumber()
        lexeme = .number
      case UInt8(ascii: "t"):
        try literal("true")
        lexeme = .literalTrue
      case UInt8(ascii: "f"):
        try literal("false")
        lexeme = .literalFalse
      case UInt8(ascii: "n"):
        try literal("null")
        isNull = true
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        try skipValue()
        nested = true
      default:
        throw syntax("expected a value (a string, number, true, false or null)")
      }
      if let idx = index {
        if !asm.markSeen(idx) {
          asm.addIssue("D0102", line: keyLine, column: keyColumn, "key '\(asm.names[idx])' is given twice in this object")
        } else if nested {
          asm.addIssue(
            "D0102", line: valueLine, column: valueColumn,
            "column '\(asm.names[idx])' holds a nested \(c == UInt8(ascii: "{") ? "object" : "array"); "
              + "expected a string, number, boolean or null")
          asm.markBad(idx)
          asm.locate(idx, line: valueLine, column: valueColumn)
        } else if isNull {
          asm.storeMissing(idx, line: valueLine, column: valueColumn)
        } else {
          switch lexeme {
          case .text:
            if let r = direct {
              asm.store(
                idx, UnsafeBufferPointer(start: p + r.lowerBound, count: r.count), .text, line: valueLine,
                column: valueColumn)
              break
            }
            var bytes: [UInt8] = []
            swap(&bytes, &str)
            bytes.withUnsafeBufferPointer { asm.store(idx, $0, .text, line: valueLine, column: valueColumn) }
            swap(&bytes, &str)
          case .number:
            asm.store(
              idx, UnsafeBufferPointer(start: p + numberStart, count: i - numberStart), .number, line: valueLine,
              column: valueColumn)
          case .literalTrue, .literalFalse:
            asm.store(idx, UnsafeBufferPointer(start: nil, count: 0), lexeme, line: valueLine, column: valueColumn)
          }
        }
      } else if !reportedUnknown.contains(keyScratch) && !pendingUnknown.contains(keyScratch) {
        pendingUnknown.append(keyScratch)
        let name = String(decoding: keyScratch, as: UTF8.self)
        asm.pending.append(
          DataIssue(
            code: "D0202", file: file, line: keyLine, column: keyColumn,
            message: Suggest.unknownColumnMessage(name, table: asm.schema.name, names: asm.names)))
      }
      try skipWhitespaceNeeding()
      if p[i] == UInt8(ascii: ",") {
        i += 1
        try skipWhitespaceNeeding()
        continue
      }
      if p[i] == UInt8(ascii: "}") {
        i += 1
        return
      }
      throw syntax("expected ',' or '}' after a value")
    }
  }

  // MARK: Tokens

  /// The 1-based column of offset `k` on the current line (valid for `k` at or after the last scanned byte).
  @inline(__always)
  private func here(_ k: Int) -> Int { k - lineStart - cont + 1 }

  @inline(__always)
  private func syntax(_ message: String) -> JSONStop {
    .syntax(line: line, column: here(i), at: i, message: message)
  }

  /// Fails unless a byte is available at `i`.
  @inline(__always)
  private mutating func needByte() throws(JSONStop) {
    if i >= end {
      if final {
        throw JSONStop.syntax(line: line, column: here(i), at: i, message: "unexpected end of the \(endName)")
      }
      throw JSONStop.needMore
    }
  }

  /// JSON Lines: the unit ends at its line's end.
  private var lineMode = false

  private var endName: String { lineMode ? "line" : "file" }

  @inline(__always)
  private mutating func skipWhitespace() {
    while i < end {
      let c = p[i]
      if c == 0x20 || c == 0x09 || c == 0x0D {
        i += 1
      } else if c == 0x0A {
        i += 1
        line += 1
        lineStart = i
        cont = 0
      } else {
        return
      }
    }
  }

  @inline(__always)
  private mutating func skipWhitespaceNeeding() throws(JSONStop) {
    skipWhitespace()
    try needByte()
  }

  /// True when `c` may not directly follow a number or literal.
  @inline(__always)
  private func isWordByte(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: ".")
      || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c >= 0x80
  }

  private mutating func literal(_ word: StaticString) throws(JSONStop) {
    let n = word.utf8CodeUnitCount
    let w = word.utf8Start
    let bad = JSONStop.syntax(line: line, column: here(i), at: i, message: "invalid literal (expected \(word))")
    for k in 0..<n {
      if i + k >= end {
        if final { throw bad }
        throw JSONStop.needMore
      }
      if p[i + k] != w[k] { throw bad }
    }
    if i + n < end {
      if isWordByte(p[i + n]) { throw bad }
    } else if !final {
      throw JSONStop.needMore
    }
    i += n
  }

  /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; leaves `i` after it.
  private mutating func parseNumber() throws(JSONStop) {
    let start = i
    let startColumn = here(i)
    func bad() -> JSONStop {
      .syntax(line: line, column: startColumn, at: start, message: "invalid number")
    }
    /// True at the end of the input; throws needMore when more bytes may follow.
    func atEnd() throws(JSONStop) -> Bool {
      if i < end { return false }
      if final { return true }
      throw JSONStop.needMore
    }
    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    func digits() throws(JSONStop) -> Int {
      var n = 0
      while try !atEnd(), isDigit(p[i]) {
        i += 1
        n += 1
      }
      return n
    }
    if p[i] == UInt8(ascii: "-") { i += 1 }
    if try atEnd() { throw bad() }
    if p[i] == UInt8(ascii: "0") {
      i += 1
    } else if isDigit(p[i]) {
      _ = try digits()
    } else {
      throw bad()
    }
    if try !atEnd(), p[i] == UInt8(ascii: ".") {
      i += 1
      if try digits() == 0 { throw bad() }
    }
    if try !atEnd(), p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
      i += 1
      if try !atEnd(), p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
      if try digits() == 0 { throw bad() }
    }
    if try !atEnd(), isWordByte(p[i]) { throw bad() }
  }

  @inline(__always)
  private func hex(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: return UInt32(c - 0x30)
    case 0x41...0x46: return UInt32(c - 0x41 + 10)
    case 0x61...0x66: return UInt32(c - 0x61 + 10)
    default: return nil
    }
  }

  /// Four hex digits at `k`, or nil; throws needMore when they may lie past the buffer.
  private mutating func hex4(at k: Int) throws(JSONStop) -> UInt32? {
    if k + 4 > end {
      if final { return nil }
      throw JSONStop.needMore
    }
    var v: UInt32 = 0
    for d in 0..<4 {
      guard let h = hex(p[k + d]) else { return nil }
      v = v << 4 | h
    }
    return v
  }

  /// Parses the string at `p[i] == '"'`, decoding escapes into `str`. Invalid UTF-8 and lone surrogates
  /// become U+FFFD and a D0102 issue on the row; other errors are syntax errors.
  ///
  /// Fast path: a string of printable ASCII without escapes is not copied; its content's range in the
  /// buffer is returned (and `str` is left alone). Otherwise the decoded string is in `str` and the
  /// result is nil.
  @discardableResult
  private mutating func parseString() throws(JSONStop) -> Range<Int>? {
    let openLine = line
    let openColumn = here(i)
    let open = i
    i += 1
    let start = i
    while i < end {
      let c = p[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return start..<(i - 1)
      }
      if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
      i += 1
    }
    str.removeAll(keepingCapacity: true)
    str.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
    while true {
      if i >= end {
        if final {
          throw JSONStop.syntax(
            line: openLine, column: openColumn, at: open, message: "unterminated string (no closing quote)")
        }
        throw JSONStop.needMore
      }
      let c = p[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return nil
      }
      if c == UInt8(ascii: "\\") {
        if i + 1 >= end {
          if final { throw syntax("unterminated string (no closing quote)") }
          throw JSONStop.needMore
        }
        let e = p[i + 1]
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): str.append(e)
        case UInt8(ascii: "b"), UInt8(ascii: "f"):
          controlEscape(e == UInt8(ascii: "b") ? 0x08 : 0x0C)
        case UInt8(ascii: "n"): str.append(0x0A)
        case UInt8(ascii: "r"): str.append(0x0D)
        case UInt8(ascii: "t"): str.append(0x09)
        case UInt8(ascii: "u"):
          guard let v = try hex4(at: i + 2) else { throw syntax("invalid \\u escape (expected four hex digits)") }
          let escapeColumn = here(i)
          if v >= 0xD800 && v <= 0xDBFF {
            // A high surrogate must be followed by an escaped low surrogate.
            if i + 12 > end && !final { throw JSONStop.needMore }
            if i + 7 < end && p[i + 6] == UInt8(ascii: "\\") && p[i + 7] == UInt8(ascii: "u"),
              let low = try hex4(at: i + 8), low >= 0xDC00 && low <= 0xDFFF
            {
              UTF8Scan.append(scalar: 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00), to: &str)
              i += 12
              continue
            }
            loneSurrogate(v, column: escapeColumn)
          } else if v >= 0xDC00 && v <= 0xDFFF {
            loneSurrogate(v, column: escapeColumn)
          } else if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (v >= 0x7F && v <= 0x9F) {
            controlEscape(v)
          } else {
            UTF8Scan.append(scalar: v, to: &str)
          }
          i += 6
          continue
        default:
          throw syntax("invalid escape '\\\(String(decoding: [e], as: UTF8.self))' in a string")
        }
        i += 2
        continue
      }
      if c < 0x20 {
        throw syntax(
          c == 0x0A ? "unterminated string (a line break in a string is written \\n)" : "control character in a string (write it as \\u escape)")
      }
      if c >= 0x80 {
        let n = UTF8Scan.sequenceLength(p, i, end)
        if n == 0 {
          if !final && end - i < 4 { throw JSONStop.needMore }
          asm.addIssue(
            "D0102", line: line, column: here(i),
            "invalid UTF-8 in a string (byte 0x\(String(c, radix: 16, uppercase: true)))")
          str.append(contentsOf: [0xEF, 0xBF, 0xBD])
          i += 1
          continue
        }
        str.append(contentsOf: UnsafeBufferPointer(start: p + i, count: n))
        cont += n - 1
        i += n
        continue
      }
      str.append(c)
      i += 1
    }
  }

  /// An escape (`\u0000`, `\b`, `\f`) for a control character: data never holds one (as in CSV files).
  private mutating func controlEscape(_ v: UInt32) {
    asm.addIssue("D0102", line: line, column: here(i), UTF8Scan.controlMessage(v, in: "a string (an escape)"))
    str.append(contentsOf: [0xEF, 0xBF, 0xBD])
  }

  private mutating func loneSurrogate(_ v: UInt32, column: Int) {
    asm.addIssue("D0102", line: line, column: column, "invalid \\u escape: lone surrogate \\u\(String(v, radix: 16, uppercase: true))")
    str.append(contentsOf: [0xEF, 0xBF, 0xBD])
  }

  /// Skips any JSON value (validating it) without building it; nesting is tracked on a small stack.
  private mutating func skipValue() throws(JSONStop) {
    skipStack.removeAll(keepingCapacity: true)
    while true {
      // A value.
      try skipWhitespaceNeeding()
      let c = p[i]
      switch c {
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        if skipStack.count >= JSONReader.maxDepth { throw syntax("nesting deeper than \(JSONReader.maxDepth) levels") }
        i += 1
        try skipWhitespaceNeeding()
        let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
        if p[i] == close {
          i += 1
        } else {
          skipStack.append(c)
          if c == UInt8(ascii: "{") {
            try skipKey()
          }
          continue
        }
      case UInt8(ascii: "\""): try parseString()
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
      case UInt8(ascii: "t"): try literal("true")
      case UInt8(ascii: "f"): try literal("false")
      case UInt8(ascii: "n"): try literal("null")
      default: throw syntax("expected a value")
      }
      // After a value: close containers or move to the next member.
      while true {
        guard let top = skipStack.last else { return }
        try skipWhitespaceNeeding()
        let d = p[i]
        if d == UInt8(ascii: ",") {
          i += 1
          if top == UInt8(ascii: "{") {
            try skipWhitespaceNeeding()
            try skipKey()
          }
          break
        }
        if (top == UInt8(ascii: "{") && d == UInt8(ascii: "}")) || (top == UInt8(ascii: "[") && d == UInt8(ascii: "]")) {
          i += 1
          skipStack.removeLast()
          continue
        }
        throw syntax(top == UInt8(ascii: "{") ? "expected ',' or '}'" : "expected ',' or ']'")
      }
    }
  }

  /// A key and its colon inside a skipped object.
  private mutating func skipKey() throws(JSONStop) {
    try needByte()
    guard p[i] == UInt8(ascii: "\"") else { throw syntax("expected a key in double quotes") }
    try parseString()
    try skipWhitespaceNeeding()
    guard p[i] == UInt8(ascii: ":") else { throw syntax("expected ':' after the key") }
    i += 1
  }

  // MARK: Helpers

  @inline(__always)
  private func findNewline(from k: Int) -> Int? {
    guard k < src.end else { return nil }
    guard let q = memchr(src.buffer + k, 0x0A, src.end - k) else { return nil }
    return src.buffer.distance(to: q.assumingMemoryBound(to: UInt8.self))
  }

  /// `lineEnd` without a final CR.
  private func trimmedEnd(_ start: Int, _ lineEnd: Int) -> Int {
    lineEnd > start && p[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
  }

  /// Record text from `from` to the end of the line holding `at` (within the buffer).
  private func recordText(from: Int, lineOf at: Int) -> String {
    let base = src.buffer
    let stop = findNewline(from: max(at, from)) ?? src.end
    var e = max(from, stop)
    if e > from && base[e - 1] == 0x0D { e -= 1 }
    return RecordText.make(UnsafeBufferPointer(start: base + from, count: e - from))
  }
}
