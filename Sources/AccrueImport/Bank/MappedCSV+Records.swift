/// One field of a CSV record: its text (quotes removed, doubled quotes made single) and where it starts.
struct CSVCell: Error {
  var text: String
  var line: Int
  var column: Int
}

/// One record of a CSV file: its cells, its first line, and its text (for messages).
struct CSVRecord {
  var cells: [CSVCell]
  var line: Int
  var raw: String
}

/// Splits a statement CSV into records (RFC 4180 with the format's delimiter): quoted fields may hold the
/// delimiter, quotes (doubled) and line ends; lines end with LF or CRLF; blank lines are skipped. Positions are
/// lines and columns from 1, columns counting Unicode scalars. A quoted field left open is the one error.
struct CSVRecords {
  let s: [Unicode.Scalar]
  let delimiter: Unicode.Scalar
  var i = 0
  var line = 1
  var lineStart = 0

  init(_ text: String, delimiter: Unicode.Scalar) {
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    s = scalars
    self.delimiter = delimiter
  }

  /// Skips `n` lines (a preamble above the header), whatever they hold.
  mutating func skipLines(_ n: Int) {
    var left = n
    while left > 0, i < s.count {
      if s[i] == "\n" {
        left -= 1
        line += 1
        lineStart = i + 1
      }
      i += 1
    }
  }

  /// The next record; nil at the end; an error (line, column, message) for a quote left open.
  mutating func next() -> Result<CSVRecord, CSVCell>? {
    // Blank lines.
    while i < s.count, s[i] == "\n" || (s[i] == "\r" && i + 1 < s.count && s[i + 1] == "\n") || (s[i] == "\r" && i + 1 == s.count) {
      if s[i] == "\r" { i += 1 }
      if i < s.count { i += 1 }
      line += 1
      lineStart = i
    }
    guard i < s.count else { return nil }
    let first = line
    let start = i
    var cells: [CSVCell] = []
    while true {
      let cellLine = line
      let cellColumn = i - lineStart + 1
      var text = String.UnicodeScalarView()
      if i < s.count, s[i] == "\"" {
        i += 1
        while true {
          guard i < s.count else {
            return .failure(CSVCell(text: "a quoted field is not closed: its closing quote (\") is missing", line: cellLine, column: cellColumn))
          }
          let c = s[i]
          if c == "\"" {
            if i + 1 < s.count, s[i + 1] == "\"" {
              text.append("\"")
              i += 2
              continue
            }
            i += 1
            break
          }
          if c == "\n" {
            line += 1
            lineStart = i + 1
          }
          // A line end inside a quoted field is kept as LF, whichever the file uses.
          if c == "\r", i + 1 < s.count, s[i + 1] == "\n" {
            i += 1
            continue
          }
          text.append(c)
          i += 1
        }
        // Anything after the closing quote up to the delimiter is kept (lenient: `"12,00" EUR`).
        while i < s.count, s[i] != delimiter, s[i] != "\n", !(s[i] == "\r" && (i + 1 == s.count || s[i + 1] == "\n")) {
          text.append(s[i])
          i += 1
        }
      } else {
        while i < s.count, s[i] != delimiter, s[i] != "\n", !(s[i] == "\r" && (i + 1 == s.count || s[i + 1] == "\n")) {
          text.append(s[i])
          i += 1
        }
      }
      cells.append(CSVCell(text: String(text), line: cellLine, column: cellColumn))
      if i < s.count, s[i] == delimiter {
        i += 1
        continue
      }
      // The record's end: CRLF, LF or the end of the text.
      var end = i
      if i < s.count, s[i] == "\r" { i += 1 }
      if i < s.count, s[i] == "\n" { i += 1 }
      if end > start, s[end - 1] == "\r" { end -= 1 }
      line += 1
      lineStart = i
      var raw = String.UnicodeScalarView()
      raw.append(contentsOf: s[start..<min(end, start + 200)])
      return .success(CSVRecord(cells: cells, line: first, raw: String(raw)))
    }
  }
}
