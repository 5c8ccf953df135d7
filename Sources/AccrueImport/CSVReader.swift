import AccrueModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

private let LF: UInt8 = 0x0A
private let CR: UInt8 = 0x0D
private let QUOTE: UInt8 = 0x22
private let COMMA: UInt8 = 0x2C
private let TAB: UInt8 = 0x09

/// One field of a scanned CSV record; offsets are into the reader's buffer.
struct FieldSpan {
  /// First byte of the field (its opening quote when quoted).
  var pos: Int
  /// Content start (after the opening quote).
  var start: Int
  /// Content end (before the closing quote).
  var end: Int
  /// Line of `pos`.
  var line: Int
  /// Buffer offset where that line starts.
  var lineStart: Int
  /// The content holds doubled quotes to undo.
  var escaped: Bool
  /// The content holds a byte >= 0x80 (so it needs UTF-8 validation).
  var high: Bool
  /// The content may hold a control character (a byte below 0x20 but tab, CR and LF, or DEL): looked for before
  /// the field is converted.
  var ctl = false
}

/// A growable array of field spans without copy-on-write or exclusivity checks (the scanner's hot path).
struct FieldBuffer: ~Copyable {
  private var base: UnsafeMutablePointer<FieldSpan>
  private var capacity: Int
  private(set) var count = 0

  init(capacity: Int = 64) {
    self.capacity = capacity
    base = .allocate(capacity: capacity)
  }

  deinit { base.deallocate() }

  @inline(__always)
  mutating func removeAll() { count = 0 }

  @inline(__always)
  mutating func append(_ f: FieldSpan) {
    if count == capacity { grow() }
    (base + count).initialize(to: f)
    count += 1
  }

  private mutating func grow() {
    let bigger = UnsafeMutablePointer<FieldSpan>.allocate(capacity: capacity * 2)
    bigger.moveInitialize(from: base, count: count)
    base.deallocate()
    base = bigger
    capacity *= 2
  }

  @inline(__always)
  subscript(_ i: Int) -> FieldSpan {
    precondition(i >= 0 && i < count)
    return base[i]
  }
}

/// The outcome of scanning one record.
enum CSVScan {
  /// The record may continue past the buffered bytes.
  case needMore
  /// An empty line.
  case blank(next: Int)
  /// A complete record in `fields`: its bytes end at `end` (before the line end); `next` is the start
  /// of the following record, on line `nextLine`. `high` when some byte is >= 0x80.
  case record(end: Int, next: Int, nextLine: Int, high: Bool)
  /// Malformed CSV at `pos` (on `line`, which starts at `lineStart`). Reading resumes after the first
  /// line break at or after `skipFrom` (which lies on line `skipLine`).
  case malformed(pos: Int, line: Int, lineStart: Int, message: String, skipFrom: Int, skipLine: Int)
}

/// Streams an RFC 4180 file: a header row, then records converted into rows.
struct CSVReader: ~Copyable {
  var src: ByteSource
  var asm: RowAssembler
  let file: String
  let maxRecord: Int
  /// Fields of the record being processed (reused).
  var fields = FieldBuffer()
  /// Unescaped field bytes (reused).
  var scratch: [UInt8] = []
  /// File column -> schema index, or -1 when ignored.
  var map: [Int] = []
  /// Schema columns absent from the header.
  var absent: [Int] = []
  var headerCount = 0
  /// False when a required column is missing: every row lacks it, so none is delivered.
  var deliverRows = true

  init(src: consuming ByteSource, asm: RowAssembler, file: String, maxRecord: Int) {
    self.src = src
    self.asm = asm
    self.file = file
    self.maxRecord = maxRecord
  }

  // MARK: Driver

  mutating func run(_ emit: (DataIssue) -> Void, _ body: (borrowing Row) -> Void) {
    src.refill()
    if src.available >= 3 && src.buffer[0] == 0xEF && src.buffer[1] == 0xBB && src.buffer[2] == 0xBF {
      src.start = 3
    }
    var line = 1
    var haveHeader = false
    var skipping = false
    var reported = false
    func emitting(_ issue: DataIssue) {
      reported = true
      emit(issue)
    }
    while true {
      if let e = src.readError {
        emitting(
          DataIssue(code: "D0103", file: file, line: 0, column: 0, message: "cannot read the file: \(Errno(code: e).message)"))
        return
      }
      if skipping {
        if let nl = findNewline(from: src.start) {
          src.start = nl + 1
          line += 1
          skipping = false
        } else {
          src.start = src.end
          if src.eof { break }
          src.refill()
        }
        continue
      }
      if src.start >= src.end {
        if src.eof { break }
        src.refill()
        continue
      }
      let p = src.buffer
      let result = scan(p, from: src.start, end: src.end, eof: src.eof, line: line)
      switch result {
      case .needMore:
        if src.available >= maxRecord {
          let text = recordText(p, from: src.start, to: min(src.end, src.start + RecordText.maxBytes))
          emitting(
            DataIssue(
              code: "D0101", file: file, line: line, column: 1,
              message: "record longer than \(maxRecord) bytes without an end (an unterminated quoted field?)",
              record: text))
          if !haveHeader { return }
          if let nl = findNewline(from: src.start) {
            src.start = nl + 1
            line += 1
          } else {
            src.start = src.end
            skipping = true
          }
          continue
        }
        src.refill()
      case .blank(let next):
        src.start = next
        line += 1
      case .record(let end, let next, let nextLine, let high):
        if haveHeader {
          processRow(p, recordStart: src.start, recordEnd: end, line: line, high: high, emitting, body)
        } else {
          haveHeader = true
          processHeader(p, recordStart: src.start, recordEnd: end, line: line, high: high, emitting)
        }
        src.start = next
        line = nextLine
      case .malformed(let pos, let eLine, let eLineStart, let message, let skipFrom, let skipLine):
        if findNewline(from: pos) == nil && !src.eof && src.available < maxRecord {
          // Read on to the end of the line, so the record text does not depend on the block size.
          src.refill()
          continue
        }
        let column = UTF8Scan.scalarCount(p, eLineStart, pos) + 1
        let lineEnd = findNewline(from: pos) ?? src.end
        emitting(
          DataIssue(
            code: "D0101", file: file, line: eLine, column: column, message: message,
            record: recordText(p, from: src.start, to: lineEnd)))
        if !haveHeader { return }  // without a header nothing can be read
        if let nl = findNewline(from: skipFrom) {
          src.start = nl + 1
          line = skipLine + 1
        } else {
          src.start = src.end
          line = skipLine
          skipping = true
        }
      }
    }
    if !haveHeader && !reported {
      emit(
        DataIssue(
          code: "D0101", file: file, line: 1, column: 1,
          message: "empty file: expected a header row naming the columns of \(asm.schema.name)"))
    }
  }

  @inline(__always)
  private func findNewline(from i: Int) -> Int? {
    guard i < src.end else { return nil }
    guard let q = memchr(src.buffer + i, Int32(LF), src.end - i) else { return nil }
    return src.buffer.distance(to: q.assumingMemoryBound(to: UInt8.self))
  }

  /// The record text for issues: the bytes without a final CR.
  func recordText(_ p: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> String {
    var end = max(from, to)
    if end > from && p[end - 1] == CR { end -= 1 }
    return RecordText.make(UnsafeBufferPointer(start: p + from, count: end - from))
  }

  // MARK: Scanning

  /// Splits the record starting at `s` (a line start on `line0`) into `fields`.
  @inline(__always)
  mutating func scan(_ p: UnsafeMutablePointer<UInt8>, from s: Int, end e: Int, eof: Bool, line line0: Int) -> CSVScan {
    fields.removeAll()
    var i = s
    var line = line0
    var lineStart = s
    var recordBits: UInt8 = 0
    let c0 = p[i]
    if c0 == LF { return .blank(next: i + 1) }
    if c0 == CR {
      if i + 1 < e {
        if p[i + 1] == LF { return .blank(next: i + 2) }
      } else if !eof {
        return .needMore
      } else {
        return .blank(next: i + 1)
      }
    }
    while true {
      let pos = i
      if i < e && p[i] == QUOTE {
        i += 1
        var bits: UInt8 = 0
        var escaped = false
        var ctl = false
        let fieldLine = line
        let fieldLineStart = lineStart
        var close = 0
        while true {
          if i >= e {
            if !eof { return .needMore }
            return .malformed(
              pos: pos, line: fieldLine, lineStart: fieldLineStart,
              message: "unterminated quoted field: no closing quote before the end of the file",
              skipFrom: s, skipLine: line0)
          }
          let c = p[i]
          if c == QUOTE {
            if i + 1 < e {
              if p[i + 1] == QUOTE {
                escaped = true
                i += 2
                continue
              }
            } else if !eof {
              return .needMore
            }
            close = i
            i += 1
            break
          }
          if c &- 0x20 >= 0x5F {  // below 0x20, DEL, or not ASCII
            if c == LF {
              line += 1
              lineStart = i + 1
            } else if c == 0x7F || (c < 0x20 && c != CR && c != TAB) {
              ctl = true
            }
          }
          bits |= c
          i += 1
        }
        fields.append(
          FieldSpan(
            pos: pos, start: pos + 1, end: close, line: fieldLine, lineStart: fieldLineStart, escaped: escaped,
            high: bits >= 0x80, ctl: ctl))
        recordBits |= bits
        if i >= e {
          if !eof { return .needMore }
          return .record(end: i, next: i, nextLine: line, high: recordBits >= 0x80)
        }
        let c = p[i]
        if c == COMMA {
          i += 1
          continue
        }
        if c == LF { return .record(end: i, next: i + 1, nextLine: line + 1, high: recordBits >= 0x80) }
        if c == CR {
          if i + 1 >= e {
            if !eof { return .needMore }
            return .record(end: i, next: i + 1, nextLine: line, high: recordBits >= 0x80)
          }
          if p[i + 1] == LF { return .record(end: i, next: i + 2, nextLine: line + 1, high: recordBits >= 0x80) }
        }
        return .malformed(
          pos: i, line: line, lineStart: lineStart,
          message: "unexpected character after a closing quote (a quote inside a quoted field is written \"\")",
          skipFrom: i, skipLine: line)
      } else {
        var bits: UInt8 = 0
        var wide: UInt64 = 0
        var ctl = false
        /// High bit of each byte that is DEL (0x7F), over the words read eight bytes at a time.
        var del: UInt64 = 0
        while true {
          // Eight bytes at a time while none is below 0x2D ('-'): every special byte (',', '"', CR,
          // LF) is below it, and so are only a few rare ordinary ones (space, '!', '#'...).
          while i &+ 8 <= e {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let below = (w &- 0x2D2D_2D2D_2D2D_2D2D) & ~w & 0x8080_8080_8080_8080
            // (x & 0x7F) + 1 has its high bit set only for 0x7F and 0xFF, with no carry into the next byte.
            let dels = ((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
            if below != 0 {
              let k = below.trailingZeroBitCount &>> 3  // index of the first byte below 0x2D
              let before = (1 &<< UInt64(truncatingIfNeeded: k &* 8)) &- 1
              wide |= w & before
              del |= dels & before
              i &+= k
              break
            }
            wide |= w
            del |= dels
            i &+= 8
          }
          if i >= e { break }
          let c = p[i]
          if c > COMMA {
            if c == 0x7F { ctl = true }
            bits |= c
            i += 1
            continue
          }
          if c == COMMA || c == LF || c == QUOTE { break }
          if c < 0x20 && c != CR && c != TAB { ctl = true }
          if c == CR {
            if i + 1 < e {
              if p[i + 1] == LF { break }
            } else if !eof {
              return .needMore
            } else {
              break
            }
          }
          bits |= c
          i += 1
        }
        if wide & 0x8080_8080_8080_8080 != 0 { bits |= 0x80 }
        if del != 0 { ctl = true }
        if i >= e {
          if !eof { return .needMore }
          fields.append(
            FieldSpan(
              pos: pos, start: pos, end: i, line: line, lineStart: lineStart, escaped: false, high: bits >= 0x80, ctl: ctl))
          recordBits |= bits
          return .record(end: i, next: i, nextLine: line, high: recordBits >= 0x80)
        }
        let c = p[i]
        if c == QUOTE {
          return .malformed(
            pos: i, line: line, lineStart: lineStart,
            message: "quote inside an unquoted field (quote the whole field and write the quote as \"\")",
            skipFrom: i, skipLine: line)
        }
        fields.append(
          FieldSpan(
            pos: pos, start: pos, end: i, line: line, lineStart: lineStart, escaped: false, high: bits >= 0x80, ctl: ctl))
        recordBits |= bits
        if c == COMMA {
          i += 1
          continue
        }
        if c == LF { return .record(end: i, next: i + 1, nextLine: line + 1, high: recordBits >= 0x80) }
        // CR LF, or a CR ending the file.
        if i + 1 < e { return .record(end: i, next: i + 2, nextLine: line + 1, high: recordBits >= 0x80) }
        return .record(end: i, next: i + 1, nextLine: line, high: recordBits >= 0x80)
      }
    }
  }

  // MARK: Positions

  /// Incremental scalar counting along one line, for records with non-ASCII bytes.
  struct ColumnCursor {
    var lineStart = Int.min
    var pos = 0
    var count = 0
  }

  /// The 1-based column of buffer offset `pos` on the line starting at `lineStart`.
  @inline(__always)
  func column(_ p: UnsafeMutablePointer<UInt8>, _ pos: Int, lineStart: Int, high: Bool, _ cursor: inout ColumnCursor)
    -> Int
  {
    if !high { return pos - lineStart + 1 }
    if cursor.lineStart != lineStart || pos < cursor.pos {
      cursor = ColumnCursor(lineStart: lineStart, pos: lineStart, count: 0)
    }
    cursor.count += UTF8Scan.scalarCount(p, cursor.pos, pos)
    cursor.pos = pos
    return cursor.count + 1
  }

  /// Line and column of offset `target`, scanning from `from` (a line start on `line`).
  func locate(_ p: UnsafeMutablePointer<UInt8>, from: Int, line: Int, to target: Int) -> (line: Int, column: Int) {
    var l = line
    var ls = from
    var i = from
    while i < target {
      if p[i] == LF {
        l += 1
        ls = i + 1
      }
      i += 1
    }
    return (l, UTF8Scan.scalarCount(p, ls, target) + 1)
  }

  /// The field's content with doubled quotes undone, in `scratch`.
  mutating func unescape(_ p: UnsafeMutablePointer<UInt8>, _ f: FieldSpan) {
    scratch.removeAll(keepingCapacity: true)
    var i = f.start
    while i < f.end {
      let c = p[i]
      scratch.append(c)
      i += c == QUOTE ? 2 : 1
    }
  }
}
