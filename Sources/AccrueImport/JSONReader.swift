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
  var p: UnsafeMutablePointer<UInt8>
  var i = 0
  var end = 0
  /// True when `end` is the true end of the unit's input (end of file, or end of the JSONL line).
  var final = false
  var line = 1
  var lineStart = 0
  /// Continuation bytes (UTF-8) between `lineStart` and `i`, so columns count scalars.
  var cont = 0
  /// JSON Lines: the unit ends at its line's end.
  var lineMode = false

  var keyScratch: [UInt8] = []
  /// The last string parsed, decoded.
  var str: [UInt8] = []
  var skipStack: [UInt8] = []
  var reportedUnknown = Set<[UInt8]>()
  var pendingUnknown: [[UInt8]] = []

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

  mutating func readFailed(_ emit: (DataIssue) -> Void) -> Bool {
    guard let e = src.readError else { return false }
    emit(DataIssue(code: "D0103", file: file, line: 0, column: 0, message: "cannot read the file: \(Errno(code: e).message)"))
    return true
  }

  mutating func skipBOM() {
    if src.available >= 3 && src.buffer[0] == 0xEF && src.buffer[1] == 0xBB && src.buffer[2] == 0xBF {
      src.start = 3
    }
  }

  // MARK: JSON array

  enum ArrayState {
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
  mutating func commit(from: Int, to: Int, _ emit: (DataIssue) -> Void, _ body: (borrowing Row) -> Void) {
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
  mutating func parseRowObject() throws(JSONStop) {
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
}
