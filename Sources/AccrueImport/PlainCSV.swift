import AccrueModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fast path of the CSV reader, for tables read whole (contracts, payments, accounts): a plain line (printable
/// ASCII without quotes, exactly the header's field count) is split on commas and its fields converted by the
/// general reader's own code (`RowAssembler`), without building a `Row`. Any line that code has anything to
/// say about (an empty required field, a value that does not parse, money with too many decimals) goes to the
/// general reader alone, behind the header, and is reported exactly as reading the whole file would report it.
/// A file holding a quote (a quoted field may span lines), or whose header is not plain or has any issue,
/// goes to the general reader whole.
public enum PlainCSV {
  /// Reads a CSV file's bytes: `fast(values, line)` for each plain line, with its values in schema order
  /// (columns not in the file: `.missing`); when `fast` returns false (it declines the row, having changed
  /// nothing) or the line is not plain, the general reader reads the line and hands its row to `general` and
  /// its issues to `onIssue`. Rows and issues come in file order, with the lines of the file.
  public static func read(
    bytes: [UInt8], path: String, schema: TableSchema, options: ReadOptions = ReadOptions(), onIssue: (DataIssue) -> Void,
    fast: ([Value], Int) -> Bool, general: (borrowing Row) -> Void
  ) {
    bytes.withUnsafeBufferPointer { b in
      read(b, path: path, schema: schema, options: options, onIssue: onIssue, fast: fast, general: general)
    }
  }

  /// `read(bytes:...)` over bytes in memory (a `MappedFile`'s).
  public static func read(
    _ b: UnsafeBufferPointer<UInt8>, path: String, schema: TableSchema, options: ReadOptions = ReadOptions(),
    onIssue: (DataIssue) -> Void, fast: ([Value], Int) -> Bool, general: (borrowing Row) -> Void
  ) {
    let headerEnd = b.firstIndex(of: 10) ?? b.count
    let quoted = b.count > 0 && memchr(b.baseAddress!, 34, b.count) != nil
    guard headerEnd < b.count, let layout = Layout(headerLine: b[...headerEnd], schema: schema, path: path) else {
      TableReader.stream(bytes: Array(b), path: path, format: .csv, schema: schema, options: options, onIssue: onIssue, general)
      return
    }
    readLines(
      b, layout: layout, quoted: quoted, from: headerEnd + 1, to: b.count, firstLine: 2, path: path, schema: schema, options: options,
      onIssue: onIssue, fast: fast, general: general)
  }

  /// Reads the records of `b[from..<to]` as `read` does, numbered from `firstLine`: `b` starts with the header
  /// `layout` was made from, `from` starts a record and `to` ends one (or the file). `quoted`: whether the file
  /// holds a quote (a quoted record the general reader would say something about leaves it the rest, up to `to`).
  /// Reading a file's records in parts, one after the other, gives what reading them at once gives. Returns the
  /// line after the last one read.
  @discardableResult
  public static func readLines(
    _ b: UnsafeBufferPointer<UInt8>, layout: Layout, quoted: Bool, from: Int, to: Int, firstLine: Int, path: String,
    schema: TableSchema, options: ReadOptions = ReadOptions(), onIssue: (DataIssue) -> Void, fast: ([Value], Int) -> Bool,
    general: (borrowing Row) -> Void
  ) -> Int {
    let maxRecord = options.maxRecordBytes
    var asm = RowAssembler(file: path, schema: schema)
    asm.currencyInHeader = asm.currencyIndex >= 0 && layout.schemaOf.contains(asm.currencyIndex)
    var starts = [Int](repeating: 0, count: layout.fieldCount + 1)
    let p = b.baseAddress!
    var i = from
    var line = firstLine
    /// The general reader alone on the bytes [from, to), which start on `line`.
    func alone(_ from: Int, _ end: Int) {
      let one = HeaderLine.withLine(layout.header, layout.lineEnd, p, from: from, to: min(end, to))
      let offset = line - 2
      readAlone(one, lineOffset: offset, path: path, schema: schema, options: options, onIssue: onIssue) { row in
        var r = copy row
        r.line += offset
        for k in r.lines.indices { r.lines[k] += offset }
        general(r)
      }
    }
    var scratch: [UInt8] = []
    while i < to {
      var (lineEnd, next, plain) = PlainLine.scan(p, from: i, end: to, fieldCount: layout.fieldCount, &starts)
      var lines = 1
      // A line with a quote: a quoted field may go on over the next lines. The record's end is found as the general
      // reader finds it; a quote it would say something about leaves it the rest of the file (as a file with a quote
      // once went to it whole). A record of printable ASCII (line breaks allowed inside quotes) has its fields
      // unquoted here (the content between the quotes, doubled quotes undone, is what the general reader
      // converts); any other is its.
      if !plain && quoted, memchr(p + i, 34, min(next, to) - i) != nil {
        guard let end = PlainLine.quotedRecordEnd(p, from: i, end: to) else {
          alone(i, to)
          return line + UnsafeBufferPointer(start: p + i, count: to - i).reduce(0) { $1 == 10 ? $0 + 1 : $0 }
        }
        if min(end, to) == min(next, to) && next - i <= maxRecord
          && layout.convertQuoted(p, from: i, to: lineEnd, &asm, &scratch) && fast(asm.row.values, line)
        {
          line += 1
          i = next
          continue
        }
        next = end
        lines = max(1, UnsafeBufferPointer(start: p + i, count: min(end, to) - i).reduce(0) { $1 == 10 ? $0 + 1 : $0 })
        // A record over several lines (a quoted field holding a line break) likewise, its content without the line end.
        if end <= to && end - i <= maxRecord
          && layout.convertQuoted(p, from: i, to: PlainLine.contentEnd(p, from: i, recordEnd: end), &asm, &scratch)
          && fast(asm.row.values, line)
        {
          line += lines
          i = next
          continue
        }
      }
      // (A line longer than the reader's record limit is the general reader's to report.)
      if !(plain && next - i <= maxRecord && layout.convert(p, starts, &asm) && fast(asm.row.values, line)) {
        alone(i, next)
      }
      line += lines
      i = next
    }
    return line
  }

  /// The general reader over a header and one line (`HeaderLine.withLine`): the header's issues are left out
  /// (it was read before), the others get the line's place in the file (`lineOffset` added). Rows are handed on
  /// as read, numbered from line 2.
  public static func readAlone(
    _ one: [UInt8], lineOffset: Int, path: String, schema: TableSchema, options: ReadOptions = ReadOptions(),
    onIssue: (DataIssue) -> Void, _ body: (borrowing Row) -> Void
  ) {
    TableReader.stream(
      bytes: one, path: path, format: .csv, schema: schema, options: options,
      onIssue: { issue in
        if issue.line <= 1 { return }
        var x = issue
        x.line += lineOffset
        onIssue(x)
      }, body)
  }

  /// Which file column holds which schema column, from a header the general reader has nothing to say about.
  public struct Layout: Sendable {
    public let fieldCount: Int
    /// Schema column of each file column.
    public let schemaOf: [Int]
    /// Schema columns not in the file.
    let absent: [Int]
    /// The header line without BOM and line end, and its line end.
    public let header: [UInt8]
    public let lineEnd: [UInt8]

    public init?<C: Collection<UInt8>>(headerLine raw: C, schema: TableSchema, path: String) {
      guard let (h, lineEnd) = HeaderLine.split(raw) else { return nil }
      guard !h.isEmpty, h.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 34 }) else { return nil }
      guard TableReader.read(bytes: h + [10], path: path, format: .csv, schema: schema).issues.isEmpty else { return nil }
      var schemaOf: [Int] = []
      for name in h.split(separator: 44, omittingEmptySubsequences: false) {
        guard let si = schema.index(of: String(decoding: name, as: UTF8.self)), !schemaOf.contains(si) else { return nil }
        schemaOf.append(si)
      }
      self.schemaOf = schemaOf
      fieldCount = schemaOf.count
      absent = schema.columns.indices.filter { !schemaOf.contains($0) }
      header = h
      self.lineEnd = lineEnd
    }

    /// Converts a plain line's fields into `asm.row.values` as the general reader would; false when it would
    /// report anything about the line.
    @inline(__always)
    func convert(_ p: UnsafePointer<UInt8>, _ starts: [Int], _ asm: inout RowAssembler) -> Bool {
      asm.beginCSVRow(line: 0, absent: absent)
      for f in 0..<fieldCount {
        let from = starts[f]
        let field = UnsafeBufferPointer(start: p + from, count: starts[f + 1] - 1 - from)
        let si = schemaOf[f]
        asm.row.values[si] = asm.value(si, field, .text, line: 0, column: 0)
        if asm.bad { return false }
      }
      return asm.finishRow()
    }

    /// `convert` for a line of printable ASCII whose fields may be quoted (`from..<to`, its line end left out): a
    /// quoted field's content, doubled quotes undone, converted as the general reader converts it. False when the
    /// line is anything else (a quote inside an unquoted field or after a closing one, a byte outside printable
    /// ASCII, another field count) or the reader would report anything about it.
    func convertQuoted(
      _ p: UnsafePointer<UInt8>, from: Int, to end: Int, _ asm: inout RowAssembler, _ scratch: inout [UInt8]
    ) -> Bool {
      asm.beginCSVRow(line: 0, absent: absent)
      var j = from
      var f = 0
      while true {
        guard f < fieldCount else { return false }
        let si = schemaOf[f]
        if j < end && p[j] == 34 {
          scratch.removeAll(keepingCapacity: true)
          j += 1
          while true {
            guard j < end else { return false }
            let c = p[j]
            if c == 34 {
              if j + 1 < end && p[j + 1] == 34 {
                scratch.append(34)
                j += 2
                continue
              }
              j += 1
              break
            }
            // (A line break inside quotes is the field's, kept as it is, as the general reader keeps it.)
            guard (c >= 0x20 && c < 0x7F) || c == 10 || c == 13 else { return false }
            scratch.append(c)
            j += 1
          }
          asm.row.values[si] = scratch.withUnsafeBufferPointer { asm.value(si, $0, .text, line: 0, column: 0) }
          guard j == end || p[j] == 44 else { return false }
        } else {
          let start = j
          while j < end && p[j] != 44 {
            let c = p[j]
            guard c >= 0x20 && c < 0x7F && c != 34 else { return false }
            j += 1
          }
          asm.row.values[si] = asm.value(si, UnsafeBufferPointer(start: p + start, count: j - start), .text, line: 0, column: 0)
        }
        if asm.bad { return false }
        f += 1
        if j == end { break }
        j += 1
      }
      return f == fieldCount && asm.finishRow()
    }
  }
}

/// A header line as the fast paths keep it: without BOM and line end, and the line end itself (LF or CR LF), so
/// a line handed to the general reader alone is read with exactly the bytes it has in the file.
public enum HeaderLine {
  /// Nil when the header is followed by anything but one LF or CR LF (a stray CR): only the general reader
  /// reads such a file as one reader would.
  public static func split<C: Collection<UInt8>>(_ raw: C) -> (text: [UInt8], lineEnd: [UInt8])? {
    var h = Array(raw)
    if h.starts(with: [0xEF, 0xBB, 0xBF]) { h.removeFirst(3) }
    var end: [UInt8] = []
    if h.last == 10 {
      h.removeLast()
      end = [10]
      if h.last == 13 {
        h.removeLast()
        end = [13, 10]
      }
    }
    if h.contains(13) { return nil }
    return (h, end)
  }

  /// The header, its line end, then the line from `start` up to `next` (its own line end included, if it has one).
  public static func withLine(_ header: [UInt8], _ lineEnd: [UInt8], _ p: UnsafePointer<UInt8>, from start: Int, to next: Int)
    -> [UInt8]
  {
    var one = header
    one += lineEnd.isEmpty ? [10] : lineEnd
    one.append(contentsOf: UnsafeBufferPointer(start: p + start, count: next - start))
    return one
  }
}

/// Splitting a CSV line for the fast paths: field starts, the line's end, and whether it is plain (printable
/// ASCII without quotes, exactly `fieldCount` fields, not empty).
public enum PlainLine {
  /// Scans the line starting at `start` (before `end`); fills `starts[0...fieldCount]` (field k is
  /// `starts[k] ..< starts[k + 1] - 1`) when plain. Returns where the line ends (its LF or CR LF), where the next
  /// line starts, and whether it is plain.
  @inlinable @inline(__always)
  public static func scan(_ p: UnsafePointer<UInt8>, from start: Int, end: Int, fieldCount: Int, _ starts: inout [Int])
    -> (lineEnd: Int, next: Int, plain: Bool)
  {
    starts.withUnsafeMutableBufferPointer { scan(p, from: start, end: end, fieldCount: fieldCount, $0.baseAddress!) }
  }

  /// `scan` into `starts[0...fieldCount]` (room for `fieldCount + 1` values).
  @inlinable @inline(__always)
  public static func scan(
    _ p: UnsafePointer<UInt8>, from start: Int, end: Int, fieldCount: Int, _ starts: UnsafeMutablePointer<Int>
  ) -> (lineEnd: Int, next: Int, plain: Bool) {
    scan(p, from: start, end: end, fieldCount: fieldCount, starts, quotes: true)
  }

  /// `scan` of a line the caller knows holds no quote (its chunk has none): the words are not searched for
  /// quotes. Same answer as `scan` on such a line.
  @inlinable @inline(__always)
  public static func scanQuoteFree(
    _ p: UnsafePointer<UInt8>, from start: Int, end: Int, fieldCount: Int, _ starts: UnsafeMutablePointer<Int>
  ) -> (lineEnd: Int, next: Int, plain: Bool) {
    scan(p, from: start, end: end, fieldCount: fieldCount, starts, quotes: false)
  }

  /// `scan`, searching words for quotes only when `quotes` (a constant at each call).
  @inlinable @inline(__always)
  static func scan(
    _ p: UnsafePointer<UInt8>, from start: Int, end: Int, fieldCount: Int, _ starts: UnsafeMutablePointer<Int>, quotes: Bool
  ) -> (lineEnd: Int, next: Int, plain: Bool) {
    var k = 0
    var plain = true
    var crlf = false
    var j = start
    starts[0] = start
    // Eight bytes at a time while none is a control byte, DEL, non-ASCII or a quote (only commas to find in
    // such a word); from the first word holding one, a byte at a time.
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    /// The high bit of each byte of `x` that is zero.
    @inline(__always) func zeros(_ x: UInt64) -> UInt64 { ~(((x & lows) &+ lows) | x) & highs }
    while j + 8 <= end {
      let w = UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
      let low = w & lows
      // Below 0x20 (no carry across bytes: at most 0x7F + 0x60), 0x7F, 0x80 or above, a quote.
      var special = (~(low &+ 0x6060_6060_6060_6060) & highs) | ((low &+ ones) & highs) | (w & highs)
      if quotes { special |= zeros(w ^ (ones &* 34)) }
      if special != 0 { break }
      var commas = zeros(w ^ (ones &* 44))
      while commas != 0 {
        k += 1
        if k < fieldCount { starts[k] = j + (commas.trailingZeroBitCount >> 3) + 1 } else { plain = false }
        commas &= commas &- 1
      }
      j += 8
    }
    while j < end {
      let c = p[j]
      if c == 44 {
        k += 1
        if k < fieldCount { starts[k] = j + 1 } else { plain = false }
      } else if c < 0x20 || c >= 0x7F || c == 34 {
        if c == 10 { break }
        if c == 13 && j + 1 < end && p[j + 1] == 10 {
          crlf = true
          break
        }
        plain = false
      }
      j += 1
    }
    plain = plain && k == fieldCount - 1 && j > start
    if plain { starts[fieldCount] = j + 1 }
    return (j, crlf ? j + 2 : j + 1, plain)
  }

  /// Where the content of the record `start..<recordEnd` (as `quotedRecordEnd` gives it) ends: before its final LF
  /// or CR LF, if it has one (a CR before the final LF is outside quotes: the record ends just after a closing quote
  /// or an unquoted field).
  @inline(__always)
  public static func contentEnd(_ p: UnsafePointer<UInt8>, from start: Int, recordEnd: Int) -> Int {
    guard recordEnd > start, p[recordEnd - 1] == 10 else { return recordEnd }
    return recordEnd - 1 > start && p[recordEnd - 2] == 13 ? recordEnd - 2 : recordEnd - 1
  }

  /// Where the record starting at `start` ends (after its LF or CR LF, or `end`) when its quotes are as the general
  /// reader reads them without a word: a quoted field begins a field, doubles its inner quotes, and is followed by
  /// a comma or the line's end. Nil for anything else (a quote inside an unquoted field or after a closing quote, a
  /// quoted field without its closing quote, a CR not before an LF outside quotes): the general reader's to report.
  public static func quotedRecordEnd(_ p: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
    var j = start
    var fieldStart = true
    while j < end {
      let c = p[j]
      if c == 34 {
        guard fieldStart else { return nil }
        j += 1
        while true {
          guard j < end else { return nil }
          if p[j] == 34 {
            if j + 1 < end && p[j + 1] == 34 {
              j += 2
              continue
            }
            j += 1
            break
          }
          j += 1
        }
        guard j < end else { return end }
        switch p[j] {
        case 44:
          j += 1
          fieldStart = true
          continue
        case 10: return j + 1
        case 13 where j + 1 < end && p[j + 1] == 10: return j + 2
        default: return nil
        }
      }
      if c == 10 { return j + 1 }
      if c == 13 { return j + 1 < end && p[j + 1] == 10 ? j + 2 : nil }
      fieldStart = c == 44
      j += 1
    }
    return end
  }
}
