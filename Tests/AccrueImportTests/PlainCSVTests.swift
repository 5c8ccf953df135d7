import AccrueCore
#if canImport(Glibc)
  import Glibc
#endif
import AccrueImport
import AccrueModel
import Testing

/// The fast path of whole-table reads (`PlainCSV.read`) against the general reader: on random files mixing good
/// rows with every kind of bad field, blank and ragged lines, non-ASCII text, control characters, CR LF and
/// quotes, it must deliver the same rows (values and lines) and the same issues, in the same order.
@Suite("Plain CSV fast path")
struct PlainCSVTests {
  static let schema = TableSchema(
    name: "t",
    columns: [
      ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "day", type: .date, required: true),
      ColumnSpec(name: "amount", type: .money), ColumnSpec(name: "currency", type: .currency),
      ColumnSpec(name: "n", type: .number), ColumnSpec(name: "flag", type: .bool), ColumnSpec(name: "note", type: .text),
    ], currencyColumn: "currency")

  /// A small deterministic generator (no wall clock, no global randomness).
  struct Gen {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    mutating func pick(_ xs: [String]) -> String { xs[next(xs.count)] }
  }

  static func file(seed: UInt64) -> [UInt8] {
    var g = Gen(state: seed)
    var names = ["id", "day", "amount", "currency", "n", "flag", "note"]
    // Optional columns left out now and then; the order shuffled.
    names = names.filter { ["id", "day"].contains($0) || g.next(5) > 0 }
    for i in names.indices.reversed() { names.swapAt(i, g.next(i + 1)) }
    let crlf = g.next(3) == 0
    let quotes = seed % 2 == 0
    let end = crlf ? "\r\n" : "\n"
    var text = (g.next(6) == 0 ? "\u{FEFF}" : "") + names.joined(separator: ",") + end
    let rows = 20 + g.next(30)
    for k in 0..<rows {
      switch g.next(25) {
      case 0: text += end  // blank line
      case 1: text += "a,b" + end  // too few fields
      case 3 where quotes && g.next(3) == 0: text += "\"q\(k)\"," + Array(repeating: "", count: names.count - 1).joined(separator: ",") + end
      case 2: text += Array(repeating: "x", count: names.count + 1).joined(separator: ",") + end  // too many
      default:
        let fields = names.map { name -> String in
          switch name {
          case "id": return g.next(15) == 0 ? "" : g.next(12) == 0 ? "é\(k)" : "r\(k % 17)"
          case "day": return g.pick(["2026-01-31", "2026-02-28", "2026-02-30", "", "20260101", "2024-02-29"])
          case "amount": return g.pick(["12.34", "1.234", "1_000", "", "-5", "abc", "7", "0.5"])
          case "currency": return g.pick(["EUR", "JPY", "eur", "", "USD", "EUR"])
          case "n": return g.pick(["3", "x", "", "1.5", "-0"])
          case "flag": return g.pick(["true", "no", "maybe", "", "1", "YES"])
          default:
            // Half the files quote fields here and there (the fast path takes the other lines): well formed, over two
            // lines, or as the general reader would report them.
            if quotes && g.next(4) == 0 {
              return g.pick(["\"a, b\"", "\"say \"\"hi\"\"\"", "\"two\(end)lines\"", "\"\"", "x\"y", "\"c\"x", "\"cr\rin\"", "\"ok\""])
            }
            return g.pick(["hello", "", "tab\there", "x y", "stray\rcr", "ü"])
          }
        }
        text += fields.joined(separator: ",") + (k == rows - 1 && g.next(2) == 0 ? "" : end)
      }
    }
    // Now and then a quoted field over two lines, then more rows (the whole file then goes to the general reader).
    if g.next(8) == 0 {
      let good = names.map { $0 == "id" ? "r99" : $0 == "day" ? "2026-01-01" : "" }
      var quoted = good
      quoted[0] = "\"a\(end)b\""
      text += quoted.joined(separator: ",") + end + good.joined(separator: ",") + end + good.joined(separator: ",") + end
    }
    return Array(text.utf8)
  }

  struct Delivered: Equatable {
    var line: Int
    var values: [Value]
  }

  /// Reads `bytes` both ways, expects the general reader's rows and issues, and returns the lines read the fast way.
  static func sameRowsAsTheGeneralReader(_ bytes: [UInt8]) -> [Int] {
    let expected = TableReader.read(bytes: bytes, path: "t.csv", format: .csv, schema: schema)
    var rows: [Delivered] = []
    var fast: [Int] = []
    var issues: [DataIssue] = []
    PlainCSV.read(
      bytes: bytes, path: "t.csv", schema: schema, onIssue: { issues.append($0) },
      fast: { values, line in
        fast.append(line)
        rows.append(Delivered(line: line, values: values))
        return true
      }, general: { rows.append(Delivered(line: $0.line, values: $0.values)) })
    #expect(rows == expected.rows.map { Delivered(line: $0.line, values: $0.values) })
    #expect(issues == expected.issues)
    return fast
  }

  @Test(arguments: 0..<200)
  func sameAsTheGeneralReader(seed: Int) {
    let bytes = Self.file(seed: UInt64(seed))
    // Every third seed with a record limit some lines pass (the general reader reports those lines).
    let options = seed % 3 == 0 ? ReadOptions(blockSize: 64, maxRecordBytes: 40) : ReadOptions()
    let expected = TableReader.read(bytes: bytes, path: "t.csv", format: .csv, schema: Self.schema, options: options)
    // Declining some rows the fast path could take must not change anything either.
    for decline in [false, true] {
      var rows: [Delivered] = []
      var generalRows: [Row] = []
      var issues: [DataIssue] = []
      var n = 0
      PlainCSV.read(
        bytes: bytes, path: "t.csv", schema: Self.schema, options: options, onIssue: { issues.append($0) },
        fast: { values, line in
          n += 1
          if decline && n % 3 == 0 { return false }
          rows.append(Delivered(line: line, values: values))
          return true
        },
        general: { row in
          rows.append(Delivered(line: row.line, values: row.values))
          generalRows.append(copy row)
        })
      #expect(rows == expected.rows.map { Delivered(line: $0.line, values: $0.values) }, "seed \(seed)")
      #expect(issues == expected.issues, "seed \(seed)")
      // Rows read by the general reader alone keep their columns, lines and text.
      for r in generalRows {
        let same = expected.rows.first { $0.line == r.line }
        #expect(same?.columns == r.columns && same?.lines == r.lines && same?.raw == r.raw, "seed \(seed) line \(r.line)")
      }
    }
  }

  /// A quoted record is read the fast way too (its fields unquoted), over one line or two.
  @Test func quotedRecordsOverTwoLinesGoTheFastWay() {
    let text = "id,day,note\nr1,2026-01-01,\"a, b\"\nr2,2026-01-02,x\nr3,2026-01-03,\"two\nlines\"\nr4,2026-01-04,y\n"
    var fast: [Int] = []
    var general: [Int] = []
    PlainCSV.read(
      bytes: Array(text.utf8), path: "t.csv", schema: Self.schema, onIssue: { _ in },
      fast: { _, line in
        fast.append(line)
        return true
      }, general: { general.append($0.line) })
    #expect(fast == [2, 3, 4, 6] && general == [])
  }

  /// Quoted fields holding line breaks (LF, CR LF, a lone CR, doubled quotes, three lines, the file's last record
  /// without its line end): the rows and issues the general reader gives, the good records the fast way, the
  /// lines after each numbered as it numbers them.
  @Test func quotedFieldsOverSeveralLines() {
    for end in ["\n", "\r\n"] {
      let records = [
        "r1,2026-01-01,\"two\(end)lines\"", "r2,2026-01-02,\"a \"\"q\"\"\(end)b, c\"", "r3,\"2026-01-03\",\"x\ry\"",
        "\"r4\",2026-01-04,\"one\(end)two\(end)three\"", "r5,2026-02-30,\"bad\(end)date\"", "r6,2026-01-06,\"ü\(end)x\"",
        "r7,2026-01-07,\"tab\t\(end)x\"", "r8,2026-01-08,\"\(end)\"", "r9,2026-01-09,plain", "r10,2026-01-10,\"last\(end)one\"",
      ]
      for tail in ["", end] {
        let fast = Self.sameRowsAsTheGeneralReader(Array(("id,day,note" + end + records.joined(separator: end) + tail).utf8))
        #expect(fast == [2, 4, 6, 7, 16, 18, 19], "\(fast)")
      }
    }
  }

  /// Quoted fields of every kind on one line: the values the general reader gives, the fast way; a line the general
  /// reader has something to say about goes to it.
  @Test func quotedFieldsOfOneLine() {
    // (A quote the general reader would say something about, as in the last three, leaves it the rest of the file.)
    let lines = [
      "\"r1\",2026-01-01,\"a, b\"", "r2,\"2026-01-02\",\"say \"\"hi\"\"\"", "r3,2026-01-03,\"\"", "\"\",2026-01-04,x",
      "r7,2026-01-07,\"é\"", "r8,2026-01-08,\"a\",", "r9,\"2026-02-30\",z", "r11,2026-01-11,\"\"\"\"",
      "\"r12\",\"2026-01-12\",\"\"\"x,y\"\"\"", "r10,2026-01-10, \"sp\"", "r5,2026-01-05,\"c\"x", "r13,2026-01-13,plain",
    ]
    for end in ["\n", "\r\n"] {
      let fast = Self.sameRowsAsTheGeneralReader(Array(("id,day,note" + end + lines.joined(separator: end)).utf8))
      #expect(fast == [2, 3, 4, 9, 10], "\(fast)")
    }
  }

  @Test func plainFilesGoTheFastWay() {
    let text = "id,day,amount,currency\nr1,2026-01-01,12.50,EUR\nr2,2026-01-02,7,JPY\n"
    var fast = 0
    PlainCSV.read(
      bytes: Array(text.utf8), path: "t.csv", schema: Self.schema, onIssue: { _ in },
      fast: { _, _ in
        fast += 1
        return true
      }, general: { _ in })
    #expect(fast == 2)
  }
}

/// `PlainLine.scan` reads eight bytes at a time until a word holds a byte it must look at alone: on random lines
/// it must agree with the plain byte-at-a-time definition, wherever the special bytes fall in a word.
@Suite("Plain line scan")
struct PlainLineScanTests {
  /// The definition: fields split at commas; plain when every byte is printable ASCII other than a quote and the
  /// field count is right; the line ends at LF or CR LF.
  static func reference(_ b: [UInt8], from start: Int, fieldCount: Int) -> (Int, Int, Bool, [Int]) {
    var starts = [start]
    var plain = true
    var j = start
    var crlf = false
    while j < b.count {
      let c = b[j]
      if c == 10 { break }
      if c == 13 && j + 1 < b.count && b[j + 1] == 10 {
        crlf = true
        break
      }
      if c == 44 {
        starts.append(j + 1)
      } else if c < 0x20 || c >= 0x7F || c == 34 {
        plain = false
      }
      j += 1
    }
    plain = plain && starts.count == fieldCount && j > start
    return (j, crlf ? j + 2 : j + 1, plain, plain ? starts + [j + 1] : [])
  }

  @Test(arguments: 0..<8)
  func agreesWithTheDefinition(seed: Int) {
    var g = PlainCSVTests.Gen(state: UInt64(seed) &* 7919 &+ 1)
    let alphabet: [UInt8] = Array("abcXYZ019-_ .:/@".utf8) + [44, 44, 44, 34, 9, 13, 10, 0x7F, 0x80, 0xC3, 0xA9, 0x1F, 0x20, 0x7E]
    for _ in 0..<2_000 {
      let count = g.next(60)
      var line: [UInt8] = (0..<count).map { _ in g.next(8) == 0 ? alphabet[g.next(alphabet.count)] : alphabet[g.next(16)] }
      if g.next(3) > 0 { line += g.next(2) == 0 ? [10] : [13, 10] }
      let prefix = g.next(9)  // the line starts anywhere in a word
      let bytes = Array(repeating: UInt8(ascii: "q"), count: prefix) + line
      let fieldCount = 1 + g.next(6)
      let expected = PlainLineScanTests.reference(bytes, from: prefix, fieldCount: fieldCount)
      var starts = [Int](repeating: -1, count: fieldCount + 1)
      let got = bytes.withUnsafeBufferPointer { PlainLine.scan($0.baseAddress!, from: prefix, end: bytes.count, fieldCount: fieldCount, &starts) }
      #expect(got.lineEnd == expected.0 && got.next == expected.1 && got.plain == expected.2, "line \(line) fields \(fieldCount)")
      if got.plain && expected.2 { #expect(starts == expected.3, "line \(line)") }
    }
  }
}

@Suite("Mapped files")
struct MappedFileTests {
  @Test func bytesAreTheFilesWhateverItsSize() throws {
    let dir = TempDir()
    #expect(MappedFile(path: dir.write("empty", bytes: [])) == nil)  // (read as a stream, which reports it)
    for size in [1, 4095, 4096, 4097, 100_000] {
      let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
      let path = dir.write("f\(size)", bytes: bytes)
      let file = try #require(MappedFile(path: path))
      #expect(file.count == size)
      #expect(Array(file.bytes) == bytes)
    }
    #expect(MappedFile(path: dir.path + "/absent") == nil)
    // Not regular files: nil, for the caller to read as a stream (a /proc file reports no size; a pipe is not
    // opened at all, so its one reader gets its bytes).
    #expect(MappedFile(path: "/proc/self/status") == nil)
    #expect(MappedFile(path: dir.path) == nil)
    let fifo = dir.path + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(MappedFile(path: fifo) == nil)
  }
}
