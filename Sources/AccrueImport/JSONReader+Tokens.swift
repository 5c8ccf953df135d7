import AccrueModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// The tokens of JSONReader (JSONReader.swift): whitespace, literals, numbers, strings, skipped values.
extension JSONReader {
  /// The 1-based column of offset `k` on the current line (valid for `k` at or after the last scanned byte).
  @inline(__always)
  func here(_ k: Int) -> Int { k - lineStart - cont + 1 }

  @inline(__always)
  func syntax(_ message: String) -> JSONStop {
    .syntax(line: line, column: here(i), at: i, message: message)
  }

  /// Fails unless a byte is available at `i`.
  @inline(__always)
  mutating func needByte() throws(JSONStop) {
    if i >= end {
      if final {
        throw JSONStop.syntax(line: line, column: here(i), at: i, message: "unexpected end of the \(endName)")
      }
      throw JSONStop.needMore
    }
  }

  var endName: String { lineMode ? "line" : "file" }

  @inline(__always)
  mutating func skipWhitespace() {
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
  mutating func skipWhitespaceNeeding() throws(JSONStop) {
    skipWhitespace()
    try needByte()
  }

  /// True when `c` may not directly follow a number or literal.
  @inline(__always)
  func isWordByte(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: ".")
      || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c >= 0x80
  }

  mutating func literal(_ word: StaticString) throws(JSONStop) {
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
  mutating func parseNumber() throws(JSONStop) {
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
  func hex(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: return UInt32(c - 0x30)
    case 0x41...0x46: return UInt32(c - 0x41 + 10)
    case 0x61...0x66: return UInt32(c - 0x61 + 10)
    default: return nil
    }
  }

  /// Four hex digits at `k`, or nil; throws needMore when they may lie past the buffer.
  mutating func hex4(at k: Int) throws(JSONStop) -> UInt32? {
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
  mutating func parseString() throws(JSONStop) -> Range<Int>? {
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
  mutating func controlEscape(_ v: UInt32) {
    asm.addIssue("D0102", line: line, column: here(i), UTF8Scan.controlMessage(v, in: "a string (an escape)"))
    str.append(contentsOf: [0xEF, 0xBF, 0xBD])
  }

  mutating func loneSurrogate(_ v: UInt32, column: Int) {
    asm.addIssue("D0102", line: line, column: column, "invalid \\u escape: lone surrogate \\u\(String(v, radix: 16, uppercase: true))")
    str.append(contentsOf: [0xEF, 0xBF, 0xBD])
  }

  /// Skips any JSON value (validating it) without building it; nesting is tracked on a small stack.
  mutating func skipValue() throws(JSONStop) {
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
  mutating func skipKey() throws(JSONStop) {
    try needByte()
    guard p[i] == UInt8(ascii: "\"") else { throw syntax("expected a key in double quotes") }
    try parseString()
    try skipWhitespaceNeeding()
    guard p[i] == UInt8(ascii: ":") else { throw syntax("expected ':' after the key") }
    i += 1
  }

  // MARK: Helpers

  @inline(__always)
  func findNewline(from k: Int) -> Int? {
    guard k < src.end else { return nil }
    guard let q = memchr(src.buffer + k, 0x0A, src.end - k) else { return nil }
    return src.buffer.distance(to: q.assumingMemoryBound(to: UInt8.self))
  }

  /// `lineEnd` without a final CR.
  func trimmedEnd(_ start: Int, _ lineEnd: Int) -> Int {
    lineEnd > start && p[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
  }

  /// Record text from `from` to the end of the line holding `at` (within the buffer).
  func recordText(from: Int, lineOf at: Int) -> String {
    let base = src.buffer
    let stop = findNewline(from: max(at, from)) ?? src.end
    var e = max(from, stop)
    if e > from && base[e - 1] == 0x0D { e -= 1 }
    return RecordText.make(UnsafeBufferPointer(start: base + from, count: e - from))
  }
}
